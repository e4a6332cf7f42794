package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;
import static io.wsa4j.nio2.Args.addressFor;
import static io.wsa4j.nio2.Args.badOut;
import static io.wsa4j.nio2.Args.fail;
import static io.wsa4j.nio2.Args.result;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousSocketChannel;

/**
 * The socket calls of a context, behind {@link Nio2Wsa}: {@code WSASocket}, {@code bind},
 * {@code listen}, {@code accept}, {@code connect}, {@code closesocket}, {@code shutdown}, the
 * integer options and the two address queries. Each checks its arguments through {@link Args}
 * and delegates to the socket.
 */
final class SocketCalls {
  private static final WsaBuf[] NO_BUFFERS = new WsaBuf[0];

  private final Nio2Wsa context;
  private final Args args;

  SocketCalls(Nio2Wsa context, Args args) {
    this.context = context;
    this.args = args;
  }

  WsaSocket socket(int af, int type, int protocol, Object protocolInfo, int group, int flags) {
    int code = 0;
    if (context.isCleanedUp()) {
      code = WSANOTINITIALISED;
    } else if (af != AF_INET && af != AF_INET6) {
      code = WSAEAFNOSUPPORT;
    } else if (type != SOCK_STREAM && type != SOCK_DGRAM) {
      code = WSAESOCKTNOSUPPORT;
    } else if (protocol != 0 && protocol != (type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP)) {
      code = WSAEPROTONOSUPPORT;
    } else if (protocolInfo != null || group != 0 || (flags & ~(WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT)) != 0) {
      code = WSAEINVAL;
    }
    if (code != 0) {
      Wsa.setLastError(code);
      return WsaSocket.INVALID_SOCKET;
    }
    int[] failure = {WSANOTINITIALISED};
    boolean overlapped = (flags & WSA_FLAG_OVERLAPPED) != 0;
    NioSocket s = type == SOCK_DGRAM
        ? context.newDatagramSocket(af, overlapped, failure)
        : context.newSocket(af, overlapped);
    if (s == null) {
      Wsa.setLastError(failure[0]);
      return WsaSocket.INVALID_SOCKET;
    }
    return s;
  }

  int bind(WsaSocket s, SocketAddress local) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    int[] code = new int[1];
    InetSocketAddress a = addressFor(sock.family, local, code);
    return a == null ? fail(code[0]) : result(sock.bind(a));
  }

  int listen(WsaSocket s, int backlog) {
    NioSocket sock = args.socketArg(s);
    return sock == null ? SOCKET_ERROR : result(sock.listen(backlog));
  }

  WsaSocket accept(WsaSocket listener, SocketAddress[] remoteOut) {
    NioSocket sock = args.socketArg(listener);
    if (sock == null) {
      return WsaSocket.INVALID_SOCKET;
    }
    int code;
    if (remoteOut != null && remoteOut.length < 1) {
      code = WSAEFAULT;
    } else if (Thread.currentThread().isInterrupted()) {
      code = WSAEINTR;
    } else if (sock.acceptQueue() == null) {
      code = WSAEINVAL; // not listening
    } else {
      WsaSocket s = sock.readiness.nonBlocking()
          ? acceptNow(sock, remoteOut)
          : acceptBlocking(sock, remoteOut);
      if (s != WsaSocket.INVALID_SOCKET) {
        ((NioSocket) s).inheritOptions(sock); // Windows: the listener's options
        ((NioSocket) s).readiness.inherit(sock.readiness); // rule 30: the listener's selection
      }
      sock.readiness.reenable(FD_ACCEPT); // recorded again if connections are left
      return s;
    }
    Wsa.setLastError(code);
    return WsaSocket.INVALID_SOCKET;
  }

  /** {@code WSAAccept}: an accept into a fresh socket, waited for on the thread's token. */
  private WsaSocket acceptBlocking(NioSocket listener, SocketAddress[] remoteOut) {
    NioSocket fresh = context.newSocket(listener.family, listener.overlapped);
    if (fresh == null) {
      Wsa.setLastError(WSANOTINITIALISED);
      return WsaSocket.INVALID_SOCKET;
    }
    fresh.inheritOptions(listener); // as Windows' accept: the listener's options carry over
    fresh.acceptInto(listener);
    ThreadState ts = ThreadState.current();
    AcceptQueue queue = listener.acceptQueue();
    WsaOverlapped token = ts.blockingToken;
    int code = queue.enqueue(NO_BUFFERS, 0, token, null, ts.thread, 0, fresh);
    if (code == 0) {
      queue.pump();
      code = BlockingWaits.awaitBlocking(queue, token, fresh);
    }
    if (code != 0) {
      fresh.close(false);
      Wsa.setLastError(code == WSAENOTSOCK ? WSA_OPERATION_ABORTED : code);
      return WsaSocket.INVALID_SOCKET;
    }
    if (remoteOut != null && fresh.remoteAddress(remoteOut) != 0) {
      remoteOut[0] = null; // reset before we asked; the socket itself will say so
    }
    return fresh;
  }

  /**
   * A non-blocking accept (rule 28): the connection the listener's watch accepted, or
   * {@code WSAEWOULDBLOCK}.
   */
  private WsaSocket acceptNow(NioSocket listener, SocketAddress[] remoteOut) {
    AcceptQueue queue = listener.acceptQueue();
    listener.readiness.watch(); // keeps an accept going from now on
    AsynchronousSocketChannel ch = queue.takeReady();
    queue.pump(); // the next one
    if (ch == null) {
      Wsa.setLastError(WSAEWOULDBLOCK);
      return WsaSocket.INVALID_SOCKET;
    }
    NioSocket fresh = context.newSocket(listener.family, listener.overlapped);
    if (fresh == null || !fresh.attachAccepted(ch)) {
      try {
        ch.close();
      } catch (java.io.IOException e) {
        // nobody will use it
      }
      Wsa.setLastError(WSANOTINITIALISED);
      return WsaSocket.INVALID_SOCKET;
    }
    if (remoteOut != null && fresh.remoteAddress(remoteOut) != 0) {
      remoteOut[0] = null;
    }
    return fresh;
  }

  int connect(WsaSocket s, SocketAddress remote) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    int[] code = new int[1];
    InetSocketAddress a = addressFor(sock.family, remote, code);
    if (a == null) {
      return fail(code[0]);
    }
    if (sock.readiness.nonBlocking()) {
      int started = sock.connectInBackground(a); // rule 28: it goes on in the background
      return fail(started == 0 ? WSAEWOULDBLOCK : started);
    }
    if (Thread.currentThread().isInterrupted()) {
      return fail(WSAEINTR);
    }
    return result(sock.connect(a));
  }

  int closesocket(WsaSocket s) {
    NioSocket sock = args.socketArg(s);
    return sock == null ? SOCKET_ERROR : result(sock.close(true));
  }

  int shutdown(WsaSocket s, int how) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    if (how != SD_RECEIVE && how != SD_SEND && how != SD_BOTH) {
      return fail(WSAEINVAL);
    }
    return result(sock.shutdown(how));
  }

  int setsockopt(WsaSocket s, int level, int option, int value) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    if (sock instanceof NioDatagramSocket && NioDatagramSocket.nioOption(level, option) != null) {
      return result(((NioDatagramSocket) sock).setOption(level, option, value));
    }
    if (level == SOL_SOCKET && option == SO_LINGER) {
      // NIO2 has no linger option: only "off" can be honoured (rule 24)
      return value == -1 ? 0 : fail(WSAENOPROTOOPT);
    }
    int extended = sock.ext.set(sock, level, option, value);
    if (extended != ExtendedOptions.NOT_MINE) {
      return result(extended); // rule 38 (and SO_REUSEADDR against SO_EXCLUSIVEADDRUSE)
    }
    int index = SocketOptions.indexOf(level, option);
    if (index < 0) {
      return fail(index == -2 ? WSAEINVAL : WSAENOPROTOOPT);
    }
    return result(sock.setOption(index, value));
  }

  int getsockopt(WsaSocket s, int level, int option, int[] valueOut) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    if (badOut(valueOut)) {
      return fail(WSAEFAULT);
    }
    if (sock instanceof NioDatagramSocket && NioDatagramSocket.nioOption(level, option) != null) {
      return result(((NioDatagramSocket) sock).getOption(level, option, valueOut));
    }
    if (level == SOL_SOCKET && option == SO_LINGER) {
      valueOut[0] = -1;
      return 0;
    }
    int extended = sock.ext.get(sock, level, option, valueOut);
    if (extended != ExtendedOptions.NOT_MINE) {
      return result(extended); // rule 38
    }
    int index = SocketOptions.indexOf(level, option);
    if (index < 0) {
      return fail(index == -2 ? WSAEINVAL : WSAENOPROTOOPT);
    }
    return result(sock.getOption(index, valueOut));
  }

  int getsockname(WsaSocket s, SocketAddress[] out) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    return badOut(out) ? fail(WSAEFAULT) : result(sock.localAddress(out));
  }

  int getpeername(WsaSocket s, SocketAddress[] out) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    return badOut(out) ? fail(WSAEFAULT) : result(sock.remoteAddress(out));
  }
}
