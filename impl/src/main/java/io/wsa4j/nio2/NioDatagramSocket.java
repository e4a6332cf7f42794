package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;

import io.wsa4j.WsaBuf;
import io.wsa4j.WsaOverlapped;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;

/**
 * A datagram socket ({@code SOCK_DGRAM}, {@code IPPROTO_UDP}): a non-blocking
 * {@link DatagramChannel}, opened with the socket as Windows creates it at {@code WSASocket},
 * registered with the context's {@link DatagramSelector}, and one receive and one send
 * {@link DatagramQueue}. It is a {@link NioSocket} so that everything that works on any socket
 * (completion ports, {@code getOverlappedResult}, {@code cancelIoEx}, statistics, cleanup) works
 * on it unchanged; the stream-only calls say so with Winsock's codes.
 *
 * <p>State (guarded by this): open, then bound (by {@code bind}, or implicitly by the first send
 * or by {@code connect}), optionally connected to a default peer (again by {@code connect}; the
 * kernel then drops datagrams from others), then closed.
 */
final class NioDatagramSocket extends NioSocket {
  private static final System.Logger LOG = System.getLogger("io.wsa4j");

  private final DatagramChannel channel;
  private final DatagramSelector selector;
  private final SelectionKey key;
  private final DatagramRecvQueue recv;
  private final DatagramSendQueue send;
  private volatile boolean closed;

  private NioDatagramSocket(Nio2Wsa context, long id, int family, boolean overlapped,
      DatagramChannel channel, DatagramSelector selector) throws IOException {
    super(context, id, family, overlapped);
    this.channel = channel;
    this.selector = selector;
    int max = context.config().maxPendingPerSocket();
    this.recv = new DatagramRecvQueue(this, max, context.staging());
    this.send = new DatagramSendQueue(this, max, context.staging());
    this.key = selector.register(channel, this);
  }

  /** Opens the channel of a new datagram socket; throws if the system refuses one. */
  static NioDatagramSocket open(Nio2Wsa context, long id, int family, boolean overlapped,
      DatagramSelector selector) throws IOException {
    DatagramChannel ch = DatagramChannel.open(
        family == AF_INET ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
    try {
      ch.configureBlocking(false);
      return new NioDatagramSocket(context, id, family, overlapped, ch, selector);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  DatagramChannel channel() {
    return channel;
  }

  DatagramSelector selector() {
    return selector;
  }

  SelectionKey key() {
    return key;
  }

  DatagramRecvQueue datagramRecvQueue() {
    return recv;
  }

  DatagramSendQueue datagramSendQueue() {
    return send;
  }

  /**
   * The readiness models watch this socket: {@code FD_WRITE} is true while sends are taken (a
   * datagram socket needs no connection), and one datagram is kept staged for {@code FD_READ}.
   */
  @Override
  void watchLevels() {
    readiness.writable(true);
    recv.watch();
  }

  /** The selector saw the channel readable: receives waiting get their datagrams. */
  void readable() {
    recv.drain(null, null);
  }

  /** The selector saw room in the socket buffer again: waiting sends go. */
  void writable() {
    send.drain(null, null);
  }

  @Override
  boolean isClosed() {
    return closed;
  }

  /** Whether the socket has a local address (bound explicitly or implicitly). */
  boolean isBound() {
    try {
      return channel.getLocalAddress() != null;
    } catch (IOException e) {
      return false;
    }
  }

  /** The connected peer, or null. */
  SocketAddress peer() {
    try {
      return channel.getRemoteAddress();
    } catch (IOException e) {
      return null; // closed
    }
  }

  /** Whether {@code connect} gave it a default peer. */
  boolean isConnected() {
    return channel.isConnected();
  }

  // the stream socket's state machine does not apply: each call answers as Windows does for UDP

  @Override
  RecvQueue recvQueue() {
    return null;
  }

  @Override
  SendQueue sendQueue() {
    return null;
  }

  @Override
  AcceptQueue acceptQueue() {
    return null;
  }

  @Override
  synchronized boolean acceptInto(NioSocket listener) {
    return false; // AcceptEx into a UDP socket: WSAEINVAL (winsock-semantics §2, AcceptEx)
  }

  @Override
  synchronized int bind(InetSocketAddress address) {
    if (closed) {
      return WSAENOTSOCK;
    }
    if (isBound()) {
      return WSAEINVAL;
    }
    try {
      channel.bind(address);
      return 0;
    } catch (IOException | RuntimeException e) {
      return Errors.toWinsock(e);
    }
  }

  @Override
  synchronized int listen(int backlog) {
    return closed ? WSAENOTSOCK : WSAEOPNOTSUPP; // scenario 71
  }

  @Override
  int connectEx(InetSocketAddress remote, WsaBuf[] first, int firstCount, WsaOverlapped token) {
    return closed ? WSAENOTSOCK : WSAEINVAL; // ConnectEx is for connection-oriented sockets
  }

  /**
   * Sets (or changes) the default peer; binds first if needed, as Windows does. Never blocks: a
   * UDP connect sends nothing.
   */
  @Override
  synchronized int connect(InetSocketAddress remote) {
    if (closed) {
      return WSAENOTSOCK;
    }
    if (remote.getAddress().isAnyLocalAddress()) {
      return WSAEADDRNOTAVAIL;
    }
    try {
      if (channel.isConnected()) {
        channel.disconnect();
      }
      channel.connect(remote);
      return 0;
    } catch (IOException | RuntimeException e) {
      return Errors.toWinsock(e);
    }
  }

  @Override
  int cancel(WsaOverlapped token) {
    int matched = recv.cancel(token) + send.cancel(token);
    recv.pump(); // a staged datagram may now belong to a later receive
    return matched;
  }

  @Override
  int close(boolean notify) {
    synchronized (this) {
      if (closed) {
        return WSAENOTSOCK;
      }
      closed = true;
    }
    recv.abortAll(notify);
    send.abortAll(notify);
    readiness.socketClosed();
    try {
      channel.close(); // cancels the key; the selector lets go of the fd at its next select
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "closing the channel of " + this + " failed", e);
    }
    selector.wakeup();
    resultWaiters.wakeAll();
    context.forget(this, queues());
    return 0;
  }

  @Override
  OpQueue[] queues() {
    return new OpQueue[] {recv, send};
  }

  /**
   * {@code shutdown} of a datagram socket: no connection is needed (unlike TCP, scenario 39);
   * new receives or sends fail with {@code WSAESHUTDOWN}, pending receives go on.
   */
  @Override
  int shutdown(int how) {
    if (closed) {
      return WSAENOTSOCK;
    }
    if (how == SD_RECEIVE || how == SD_BOTH) {
      recv.shutdown();
    }
    if (how == SD_SEND || how == SD_BOTH) {
      send.shutdown();
    }
    return 0;
  }

  /** The JDK option for a (level, option) of a datagram socket, or null if it has none. */
  static SocketOption<?> nioOption(int level, int option) {
    if (level != SOL_SOCKET) {
      return null;
    }
    switch (option) {
      case SO_RCVBUF: return StandardSocketOptions.SO_RCVBUF;
      case SO_SNDBUF: return StandardSocketOptions.SO_SNDBUF;
      case SO_REUSEADDR: return StandardSocketOptions.SO_REUSEADDR;
      case SO_BROADCAST: return StandardSocketOptions.SO_BROADCAST;
      default: return null;
    }
  }

  /** The stream options of the common table (SO_KEEPALIVE, TCP_NODELAY): UDP has none. */
  @Override
  synchronized int setOption(int index, int value) {
    return WSAENOPROTOOPT;
  }

  @Override
  synchronized int getOption(int index, int[] out) {
    return WSAENOPROTOOPT;
  }

  /**
   * {@code setsockopt} of an option {@link #nioOption} knows, applied to the channel at once
   * (the channel exists from {@code WSASocket} on).
   */
  @SuppressWarnings("unchecked")
  synchronized int setOption(int level, int option, int value) {
    SocketOption<?> o = nioOption(level, option);
    try {
      if (o.type() == Boolean.class) {
        channel.setOption((SocketOption<Boolean>) o, value != 0);
      } else {
        if (value < 0) {
          return WSAEINVAL;
        }
        channel.setOption((SocketOption<Integer>) o, value);
      }
      return 0;
    } catch (IOException | RuntimeException e) {
      return Errors.toWinsock(e);
    }
  }

  /** {@code getsockopt} of an option {@link #nioOption} knows; booleans read as 0 or 1. */
  synchronized int getOption(int level, int option, int[] out) {
    SocketOption<?> o = nioOption(level, option);
    try {
      Object v = channel.getOption(o);
      out[0] = v instanceof Boolean ? ((Boolean) v ? 1 : 0) : (Integer) v;
      return 0;
    } catch (IOException | RuntimeException e) {
      return Errors.toWinsock(e);
    }
  }

  @Override
  synchronized int localAddress(SocketAddress[] out) {
    try {
      SocketAddress a = channel.getLocalAddress();
      if (a == null) {
        return WSAEINVAL; // not bound yet
      }
      out[0] = a;
      return 0;
    } catch (IOException | RuntimeException e) {
      return Errors.toWinsock(e);
    }
  }

  @Override
  int remoteAddress(SocketAddress[] out) {
    SocketAddress a = peer();
    if (a == null) {
      return closed ? WSAENOTSOCK : WSAENOTCONN;
    }
    out[0] = a;
    return 0;
  }
}
