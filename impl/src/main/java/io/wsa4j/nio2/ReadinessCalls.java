package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;
import static io.wsa4j.nio2.Args.fail;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaNetworkEvents;
import io.wsa4j.WsaSocket;

/**
 * Non-blocking mode and the event-driven readiness model (API.md rules 28–31): {@code
 * ioctlsocket(FIONBIO, FIONREAD)}, the plain {@code send}/{@code recv}, {@code WSAEventSelect} and
 * {@code WSAEnumNetworkEvents}. The levels they read and set are kept by each socket's {@link
 * Readiness}; {@link ReadinessWaits} waits for them ({@code select}, {@code WSAPoll}).
 */
final class ReadinessCalls {
  /** The events WSAEventSelect knows (FD_ALL_EVENTS of winsock2.h: the ten bits). */
  private static final int FD_ALL = (1 << FD_MAX_EVENTS) - 1;

  private final Nio2Wsa context;
  private final Args args;

  ReadinessCalls(Nio2Wsa context, Args args) {
    this.context = context;
    this.args = args;
  }

  // -- ioctlsocket --

  int ioctlsocket(WsaSocket s, int cmd, int[] argp) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    if (argp == null || argp.length < 1) {
      return fail(WSAEFAULT);
    }
    switch (cmd) {
      case FIONBIO:
        return sock.readiness.nonBlocking(argp[0] != 0) ? 0 : fail(WSAEINVAL);
      case FIONREAD:
        argp[0] = readable(sock);
        return 0;
      default:
        return fail(WSAEINVAL);
    }
  }

  /**
   * {@code WSAIoctl} with FIONBIO ({@code inBuffer} an {@code int[]} or {@code Integer}, non-zero:
   * non-blocking) or FIONREAD ({@code outBuffer[0]} := the {@code Integer} count). They finish
   * during the call, so a token or routine is not used.
   */
  int ioctl(WsaSocket s, int code, Object inBuffer, Object[] outBuffer, int[] bytesReturned) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    if (code == SIO_KEEPALIVE_VALS) {
      return keepAlive(sock, inBuffer);
    }
    if (code == FIONBIO) {
      int[] value = {0};
      if (inBuffer instanceof int[] && ((int[]) inBuffer).length > 0) {
        value[0] = ((int[]) inBuffer)[0];
      } else if (inBuffer instanceof Integer) {
        value[0] = (Integer) inBuffer;
      } else {
        return fail(WSAEFAULT);
      }
      return ioctlsocket(s, FIONBIO, value);
    }
    if (Args.badOut(outBuffer)) {
      return fail(WSAEFAULT);
    }
    outBuffer[0] = readable(sock);
    if (bytesReturned != null && bytesReturned.length > 0) {
      bytesReturned[0] = Integer.BYTES;
    }
    return 0;
  }

  /**
   * {@code SIO_KEEPALIVE_VALS} ({@code inBuffer} {@code int[] {onoff, keepalivetime ms,
   * keepaliveinterval ms}}): {@code SO_KEEPALIVE}, and the idle time and probe interval through
   * {@code jdk.net.ExtendedSocketOptions} (whole seconds, rounded up) where the platform has them.
   * Difference: where it has not, or when the socket has no channel yet (not bound, connected or
   * listening), the times are not applied; only on/off is.
   */
  private static int keepAlive(NioSocket sock, Object inBuffer) {
    if (!(inBuffer instanceof int[]) || ((int[]) inBuffer).length < 3) {
      return fail(WSAEFAULT);
    }
    int[] vals = (int[]) inBuffer;
    int code = sock.setOption(SocketOptions.indexOf(SOL_SOCKET, SO_KEEPALIVE),
        vals[0] != 0 ? 1 : 0);
    if (code == 0 && vals[0] != 0) {
      code = sock.setChannelOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, seconds(vals[1]));
    }
    if (code == 0 && vals[0] != 0) {
      code = sock.setChannelOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL,
          seconds(vals[2]));
    }
    return code == 0 ? 0 : fail(code);
  }

  /** Milliseconds (a DWORD) as whole seconds, rounded up, at least 1. */
  private static int seconds(int millis) {
    long ms = Integer.toUnsignedLong(millis);
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (ms + 999) / 1000));
  }

  /** FIONREAD: the bytes a recv returns now. The first ask starts the watch that fills it. */
  private static int readable(NioSocket sock) {
    if (sock instanceof NioDatagramSocket) {
      sock.readiness.watch();
      return ((NioDatagramSocket) sock).datagramRecvQueue().readableNow(); // the next datagram
    }
    RecvQueue q = sock.recvQueue();
    if (q == null) {
      return 0;
    }
    sock.readiness.watch();
    return q.readableNow();
  }

  // -- plain send / recv --

  int send(WsaSocket s, byte[] buf, int off, int len, int flags) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    if (buf == null || off < 0 || len < 0 || len > buf.length - off) {
      return fail(WSAEFAULT);
    }
    if (flags != 0) {
      return fail(WSAEOPNOTSUPP); // MSG_OOB (rule 24) and MSG_DONTROUTE: NIO2 has neither
    }
    PlainSender plain = sock.plainSender();
    if (plain == null) {
      return fail(WSAENOTCONN);
    }
    if (!sock.readiness.nonBlocking()) {
      int[] sent = new int[1];
      int r = context.send(s, new WsaBuf[] {WsaBuf.wrap(buf, off, len)}, 1, sent, 0, null, null);
      return r == 0 ? sent[0] : SOCKET_ERROR;
    }
    return sendNow(sock, plain.send(buf, off, len), len);
  }

  /** WSASend without a token on a non-blocking socket: as a plain non-blocking send. */
  static int sendNonBlocking(NioSocket sock, WsaBuf[] buffers, int count, int total, int[] sentOut) {
    PlainSender plain = sock.plainSender();
    if (plain == null) {
      return fail(WSAENOTCONN);
    }
    int n = sendNow(sock, plain.send(buffers, count, total), total);
    if (n >= 0) {
      sentOut[0] = n;
      return 0;
    }
    return n;
  }

  private static int sendNow(NioSocket sock, int taken, int len) {
    if (taken >= 0) {
      return len;
    }
    if (taken == -WSAEWOULDBLOCK) {
      sock.readiness.reenable(FD_WRITE); // FD_WRITE comes when room is back
    }
    return fail(-taken);
  }

  int recv(WsaSocket s, byte[] buf, int off, int len, int flags) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    if (buf == null || off < 0 || len < 0 || len > buf.length - off) {
      return fail(WSAEFAULT);
    }
    if ((flags & ~(MSG_PEEK | MSG_WAITALL | MSG_OOB)) != 0 || (flags & MSG_OOB) != 0) {
      return fail(WSAEOPNOTSUPP);
    }
    RecvQueue q = sock.recvQueue();
    if (q == null) {
      return fail(WSAENOTCONN);
    }
    if (!sock.readiness.nonBlocking()) {
      int[] got = new int[1];
      int[] fl = {flags};
      int r = context.recv(s, new WsaBuf[] {WsaBuf.wrap(buf, off, len)}, 1, got, fl, null, null);
      return r == 0 ? got[0] : SOCKET_ERROR;
    }
    if ((flags & MSG_WAITALL) != 0) {
      return fail(WSAEOPNOTSUPP); // recv page: not on non-blocking sockets
    }
    boolean peek = (flags & MSG_PEEK) != 0;
    int got = q.receiveNow(buf, off, len, null, 0, peek);
    // while the staged chunk was a full read, fetch more during this call, as Windows' recv takes
    // everything the socket holds; each read is larger (up to 64 KiB) and the caller's buffer
    // bounds the loop. A read that does not finish at once stays in flight as the probe
    while (got > 0 && got < len && !peek && q.moreLikelyWaiting()) {
      sock.readiness.watch();
      q.pump();
      int more = q.receiveNow(buf, off + got, len - got, null, 0, false);
      if (more <= 0) {
        break; // nothing more now; an end of stream or error is reported by the next call
      }
      got += more;
    }
    return recvNow(sock, q, got);
  }

  /** WSARecv without a token on a non-blocking socket (winsock-semantics scenario 9). */
  static int recvNonBlocking(NioSocket sock, WsaBuf[] buffers, int count, int flags, int[] countOut,
      int[] flagsOut) {
    RecvQueue q = sock.recvQueue();
    if ((flags & MSG_WAITALL) != 0) {
      return fail(WSAEOPNOTSUPP);
    }
    int n = recvNow(sock, q, q.receiveNow(null, 0, 0, buffers, count, (flags & MSG_PEEK) != 0));
    if (n >= 0) {
      countOut[0] = n;
      flagsOut[0] = 0;
      return 0;
    }
    return n;
  }

  private static int recvNow(NioSocket sock, RecvQueue q, int got) {
    sock.readiness.watch();
    q.pump(); // fetch more, publish the new level
    sock.readiness.reenable(FD_READ); // recorded again at once if data is left (level-triggered)
    return got >= 0 ? got : fail(-got);
  }

  // -- WSAEventSelect / WSAEnumNetworkEvents --

  int eventSelect(WsaSocket s, WsaEvent event, int networkEvents) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    NioEvent e = null;
    if (event != null) {
      e = args.eventOf(event);
      if (e == null) {
        return fail(WSAEINVAL);
      }
    } else if (networkEvents != 0) {
      return fail(WSAEINVAL);
    }
    if ((networkEvents & ~FD_ALL) != 0) {
      return fail(WSAEINVAL);
    }
    sock.readiness.select(e, networkEvents);
    sock.readiness.watch();
    return 0;
  }

  int enumNetworkEvents(WsaSocket s, WsaEvent event, WsaNetworkEvents out) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    if (out == null) {
      return fail(WSAEFAULT);
    }
    NioEvent e = null;
    if (event != null) {
      e = args.eventOf(event);
      if (e == null) {
        return fail(WSAEINVAL);
      }
    }
    sock.readiness.takeRecord(e, out);
    return 0;
  }
}
