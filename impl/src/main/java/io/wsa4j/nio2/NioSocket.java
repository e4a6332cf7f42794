package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;

import io.wsa4j.WsaSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ShutdownChannelGroupException;
import io.wsa4j.WsaBuf;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A socket handle and its NIO2 channel.
 *
 * <p>NIO2 has one channel type for connecting and another for listening, and a failed connect
 * closes its channel; Winsock has one socket that may do either and stays usable after a failed
 * connect. So the handle opens its channel lazily: a client channel at {@code bind} or
 * {@code connect}, a server channel at {@code listen} (re-binding the address the client channel
 * held), a fresh client channel after a failed connect.
 *
 * <p>State machine (guarded by this):
 * <pre>
 *   OPEN --bind--> BOUND --listen--> LISTENING
 *   OPEN | BOUND --connect--> CONNECTING --ok--> CONNECTED
 *                             CONNECTING --failed--> OPEN | BOUND (channel dropped)
 *   CONNECTED --DisconnectEx(TF_REUSE_SOCKET) done--> OPEN (channel dropped, reused)
 *   any --closesocket/cleanup--> CLOSED
 * </pre>
 * A reused socket is unbound; {@code ConnectEx} accepts it as it is (NIO2 binds it to an
 * ephemeral port when it connects), {@code AcceptEx} as any fresh socket.
 */
class NioSocket extends WsaSocket {
  private static final System.Logger LOG = System.getLogger("io.wsa4j");

  static final int ST_OPEN = 0;
  static final int ST_BOUND = 1;
  static final int ST_CONNECTING = 2;
  static final int ST_LISTENING = 3;
  static final int ST_CONNECTED = 4;
  static final int ST_CLOSED = 5;

  final Nio2Wsa context;
  final int family;
  /** Made with {@code WSA_FLAG_OVERLAPPED}; without it every call blocks (rule 8). */
  final boolean overlapped;
  /** Threads in {@code getOverlappedResult(wait)} for an operation of this socket. */
  final WaitList resultWaiters = new WaitList();
  private final SocketOptions options = new SocketOptions();
  /** The options of rule 38 and the state behind them (timeouts, connect time, SO_ERROR). */
  final ExtendedOptions ext = new ExtendedOptions();
  /** What select, WSAPoll and WSAEventSelect see of this socket (rules 28–33). */
  final Readiness readiness = new Readiness(this::watchLevels);
  /** The bytes non-blocking sends took (set with the queues, when connected). */
  private volatile PlainSender plain;

  // guarded by this
  private volatile int state;
  private AsynchronousSocketChannel channel;
  private AsynchronousServerSocketChannel server;
  /** The address given to bind (port resolved), re-used by a channel opened later. */
  private InetSocketAddress local;
  /** Posted accepts (listening sockets only). */
  private volatile AcceptQueue accepts;
  /** The ConnectEx in progress, if any. */
  private ConnectQueue connecting;
  /** The listener an AcceptEx into this socket is pending on (a hint; the queue is the truth). */
  private volatile NioSocket acceptPendingOn;
  /** The DisconnectEx in progress, if any. */
  private DisconnectQueue disconnecting;
  /** Recycled by {@code DisconnectEx(TF_REUSE_SOCKET)}: ConnectEx takes it unbound. */
  private boolean reused;
  private volatile RecvQueue recv;
  private volatile SendQueue send;
  /**
   * The first error that broke the connection (reset, abort, timeout), whichever direction saw
   * it; 0 while the connection is sound. Shared because the kernel reports a socket error to the
   * first read or write only: a receive after a send saw the reset would otherwise see a clean
   * end of stream.
   */
  private final AtomicInteger connectionError = new AtomicInteger();
  /** The completion port this socket is associated with, for good (rule 22). */
  private volatile NioPort port;
  private volatile long completionKey;

  NioSocket(Nio2Wsa context, long id, int family, boolean overlapped) {
    super(id);
    this.context = context;
    this.family = family;
    this.overlapped = overlapped;
  }

  /** A socket for a connection {@code accept} returned. */
  NioSocket(Nio2Wsa context, long id, int family, boolean overlapped,
      AsynchronousSocketChannel connected) {
    this(context, id, family, overlapped);
    this.channel = connected;
    connected();
  }

  /** Records the error that broke the connection; returns the one that counts (the first). */
  int connectionFailed(int code) {
    connectionError.compareAndSet(0, code); // lock-free: queues call it under their own locks
    return connectionError.get();
  }

  int connectionError() {
    return connectionError.get();
  }

  NioPort port() {
    return port;
  }

  long completionKey() {
    return completionKey;
  }

  /** Associates the socket with a port; false if it already has one (rule 22). */
  synchronized boolean associate(NioPort p, long key) {
    if (port != null) {
      return false;
    }
    completionKey = key;
    port = p; // volatile write publishes the key
    return true;
  }

  boolean isClosed() {
    return state == ST_CLOSED;
  }

  RecvQueue recvQueue() {
    return recv;
  }

  SendQueue sendQueue() {
    return send;
  }

  private void connected() {
    int max = context.config().maxPendingPerSocket();
    recv = new RecvQueue(this, channel, max, context.staging());
    send = new SendQueue(this, channel, max);
    plain = new PlainSender(this, send);
    state = ST_CONNECTED;
    ext.connected();
    if (readiness.watched()) {
      readiness.writable(true); // leaf lock; the receive side starts at the next watchLevels
    }
  }

  PlainSender plainSender() {
    return plain;
  }

  /**
   * The readiness models watch this socket ({@link Readiness#watch}): the listener keeps an accept
   * going, a connection a staging read. Cheap when both run already. No lock held.
   */
  void watchLevels() {
    AcceptQueue a = accepts;
    if (a != null && !a.isWatched()) {
      a.watch();
    }
    RecvQueue r = recv;
    PlainSender p = plain;
    if (r != null && !r.isWatched() && p != null) {
      readiness.writable(p.hasRoom());
      r.watch();
    }
  }

  /**
   * A non-blocking {@code connect} (rule 28): starts connecting and returns at once; the result is
   * pushed to {@link #readiness} (FD_CONNECT; writable, or the except set when it failed). A
   * failed attempt leaves the socket usable, as {@link #connect} does.
   *
   * @return 0 once started, else the Winsock code
   */
  int connectInBackground(InetSocketAddress remote) {
    int[] refused = {0};
    AsynchronousSocketChannel ch = beginConnect(refused);
    if (ch == null) {
      return refused[0];
    }
    readiness.connectStarted();
    try {
      ch.connect(remote, ch, backgroundConnect);
    } catch (RuntimeException e) {
      backgroundConnect.failed(e, ch);
    }
    return 0;
  }

  /**
   * Moves to CONNECTING with a client channel (opened now if the socket has none).
   *
   * @return the channel to connect, or null with the Winsock code in {@code code[0]}
   */
  private synchronized AsynchronousSocketChannel beginConnect(int[] code) {
    code[0] = connectRefusal();
    if (code[0] != 0) {
      return null;
    }
    try {
      if (channel == null) {
        channel = openClientChannel();
      }
    } catch (IOException | RuntimeException e) {
      code[0] = Errors.toWinsock(e);
      return null;
    }
    state = ST_CONNECTING;
    return channel;
  }

  /** Why a connect cannot start now, or 0. Under the lock. */
  private int connectRefusal() {
    switch (state) {
      case ST_CONNECTED:
        return WSAEISCONN;
      case ST_LISTENING:
        return WSAEINVAL;
      case ST_CONNECTING:
        return WSAEALREADY;
      case ST_CLOSED:
        return WSAENOTSOCK;
      default:
        return 0;
    }
  }

  private final CompletionHandler<Void, AsynchronousSocketChannel> backgroundConnect =
      new CompletionHandler<>() {
        @Override
        public void completed(Void unused, AsynchronousSocketChannel ch) {
          if (connectExSucceeded(ch)) {
            readiness.connectDone(0);
            watchLevels();
          }
        }

        @Override
        public void failed(Throwable exc, AsynchronousSocketChannel ch) {
          connectExFailed(ch);
          if (!isClosed()) {
            int code = Errors.toWinsock(exc);
            ext.recordError(code); // SO_ERROR reports it once (Wine's test_select)
            readiness.connectDone(code);
          }
        }
      };

  private NetworkChannel currentChannel() {
    return server != null ? server : channel;
  }

  private AsynchronousSocketChannel openClientChannel() throws IOException {
    AsynchronousSocketChannel ch = AsynchronousSocketChannel.open(context.group());
    try {
      options.applyAll(ch);
      if (local != null) {
        ch.bind(local);
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
    return ch;
  }

  synchronized int bind(InetSocketAddress address) {
    if (state != ST_OPEN) {
      return state == ST_CLOSED ? WSAENOTSOCK : WSAEINVAL;
    }
    try {
      local = address;
      channel = openClientChannel();
      local = (InetSocketAddress) channel.getLocalAddress();
      state = ST_BOUND;
      return 0;
    } catch (IOException | RuntimeException e) {
      local = null;
      return Errors.toWinsock(e);
    }
  }

  synchronized int listen(int backlog) {
    switch (state) {
      case ST_LISTENING:
        return 0;
      case ST_CONNECTED:
        return WSAEISCONN;
      case ST_BOUND:
        break;
      case ST_CLOSED:
        return WSAENOTSOCK;
      default:
        return WSAEINVAL;
    }
    AsynchronousServerSocketChannel ss = null;
    try {
      if (channel != null) {
        channel.close(); // frees the address for the server channel (never connected: no TIME_WAIT)
        channel = null;
      }
      ss = AsynchronousServerSocketChannel.open(context.group());
      options.applyAll(ss);
      // SOMAXCONN is Integer.MAX_VALUE: passed on, the kernel caps it at its own maximum
      // (NIO2's "default" for 0 would be 50, far below what SOMAXCONN means on Windows)
      ss.bind(local, backlog <= 0 ? 0 : backlog);
      server = ss;
      accepts = new AcceptQueue(this, ss, context.config().maxPendingPerSocket());
      state = ST_LISTENING;
      return 0;
    } catch (IOException | RuntimeException e) {
      if (ss != null) {
        closeQuietly(ss);
      }
      return Errors.toWinsock(e);
    }
  }

  AcceptQueue acceptQueue() {
    return accepts;
  }

  /**
   * Marks this socket as the target of an accept pending on {@code listener}.
   *
   * @return false if an accept into it is pending already, or it is not a fresh socket
   */
  synchronized boolean acceptInto(NioSocket listener) {
    NioSocket on = acceptPendingOn;
    if (state != ST_OPEN || (on != null && on.pendsAcceptInto(this))) {
      return false;
    }
    acceptPendingOn = listener;
    return true;
  }

  private boolean pendsAcceptInto(NioSocket target) {
    AcceptQueue q = accepts;
    if (q == null) {
      return false;
    }
    synchronized (q) {
      return q.holdsAcceptInto(target);
    }
  }

  void acceptDone() {
    acceptPendingOn = null;
  }

  /**
   * Takes a connection a listener accepted for this socket, with this socket's own options (it
   * inherits nothing from the listener: not its port, not its flags).
   *
   * @return false if the socket was closed (or used) meanwhile
   */
  synchronized boolean attachAccepted(AsynchronousSocketChannel ch) {
    if (state != ST_OPEN) {
      return false;
    }
    try {
      options.applyAll(ch);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "an option of " + this + " did not apply", e);
    }
    channel = ch;
    connected();
    return true;
  }

  /** ConnectEx reached the peer; false if the socket was closed meanwhile. */
  synchronized boolean connectExSucceeded(AsynchronousSocketChannel ch) {
    if (state != ST_CONNECTING || channel != ch) {
      return false;
    }
    connecting = null;
    connected();
    return true;
  }

  /** ConnectEx failed: NIO2 closed the channel; the socket is bound and usable again. */
  synchronized void connectExFailed(AsynchronousSocketChannel ch) {
    if (state == ST_CONNECTING && channel == ch) {
      channel = null;
      connecting = null;
      state = local != null ? ST_BOUND : ST_OPEN;
    }
  }

  /**
   * Starts a ConnectEx. Windows requires a bound socket.
   *
   * @return 0 if started, else the Winsock code (no completion indication)
   */
  int connectEx(InetSocketAddress remote, WsaBuf[] first, int firstCount,
      io.wsa4j.WsaOverlapped token) {
    ConnectQueue q;
    synchronized (this) {
      switch (state) {
        case ST_CONNECTED:
          return WSAEISCONN;
        case ST_CONNECTING:
          return WSAEALREADY;
        case ST_BOUND:
          break;
        case ST_CLOSED:
          return WSAENOTSOCK;
        case ST_OPEN:
          if (reused && acceptPendingOn == null) {
            break; // recycled by DisconnectEx(TF_REUSE_SOCKET): NIO2 binds it as it connects
          }
          return WSAEINVAL;
        default:
          return WSAEINVAL; // unbound or listening
      }
      try {
        if (channel == null) {
          channel = openClientChannel();
        }
      } catch (IOException | RuntimeException e) {
        return Errors.toWinsock(e);
      }
      q = new ConnectQueue(this, channel, remote);
      int code = q.enqueue(first, firstCount, token, null, null, 0);
      if (code != 0) {
        return code;
      }
      connecting = q;
      state = ST_CONNECTING;
    }
    q.pump();
    return 0;
  }

  /**
   * Starts a {@code DisconnectEx}: the FIN follows every send already posted; with {@code reuse}
   * the handle becomes fresh and unconnected once it is out ({@link #recycleForReuse}). Without
   * it the socket stays connected with its sending side shut down (Wine's {@code
   * test_DisconnectEx}: a later send fails with {@code WSAESHUTDOWN}, connect with {@code
   * WSAEISCONN}, and data from the peer can still be received).
   *
   * @param blockingThread the caller, parked until it completes, or null for an overlapped call
   * @return 0 if started, else the Winsock code (no completion indication)
   */
  int disconnectEx(io.wsa4j.WsaOverlapped token, Thread blockingThread, boolean reuse) {
    DisconnectQueue q;
    SendQueue s;
    synchronized (this) {
      if (state != ST_CONNECTED) {
        return state == ST_CLOSED ? WSAENOTSOCK : WSAENOTCONN;
      }
      if (disconnecting != null) {
        return WSAEINVAL; // one at a time
      }
      q = new DisconnectQueue(this, reuse);
      int code = q.enqueue(NO_BUFFERS, 0, token, null, blockingThread, 0);
      if (code != 0) {
        return code;
      }
      disconnecting = q;
      s = send;
    }
    s.shutdownThen(q);
    return 0;
  }

  private static final WsaBuf[] NO_BUFFERS = new WsaBuf[0];

  /** The DisconnectEx in progress, or null. */
  synchronized DisconnectQueue disconnectQueue() {
    return disconnecting;
  }

  /** The DisconnectEx {@code q} has completed (any way): another may start. */
  synchronized void disconnectDone(DisconnectQueue q) {
    if (disconnecting == q) {
      disconnecting = null;
    }
  }

  /**
   * {@code TF_REUSE_SOCKET}: drops the connection's channel (the FIN is out) and makes the handle
   * fresh and unconnected, with its options kept. Receives still pending complete with {@code
   * WSA_OPERATION_ABORTED}: the connection they were posted on is gone.
   */
  void recycleForReuse(DisconnectQueue q) {
    AsynchronousSocketChannel ch;
    RecvQueue r;
    SendQueue s;
    synchronized (this) {
      if (state != ST_CONNECTED || disconnecting != q) {
        return; // closed meanwhile
      }
      ch = channel;
      r = recv;
      s = send;
      channel = null;
      recv = null;
      send = null;
      plain = null;
      local = null;
      reused = true;
      connectionError.set(0);
      ext.disconnected();
      state = ST_OPEN;
    }
    r.abortAll(true);
    s.abortAll(true);
    closeQuietly(ch);
    context.retire(r, s);
  }

  /**
   * {@code SO_UPDATE_ACCEPT_CONTEXT}: the socket takes the listener's options, as Windows' accepted
   * sockets do.
   *
   * @return 0, or {@code WSAENOTCONN} while its AcceptEx has not completed
   */
  int updateAcceptContext(NioSocket listener) {
    AcceptQueue q = listener.acceptQueue();
    if (state != ST_CONNECTED || (q != null && q.awaitsFirstData(this))) {
      return isClosed() ? WSAENOTSOCK : WSAENOTCONN;
    }
    inheritOptions(listener);
    return 0;
  }

  /**
   * Takes the listener's options: those NIO2 holds, applied to the channel, and wsa4j's own. A
   * socket {@code accept} returns does so at once, as on Windows (Wine's
   * {@code test_accept_inheritance}); an AcceptEx socket keeps its own until
   * {@code SO_UPDATE_ACCEPT_CONTEXT}. The listener's options are copied under its lock, then
   * taken under this socket's, so the two locks are never held together.
   */
  void inheritOptions(NioSocket listener) {
    SocketOptions from;
    synchronized (listener) {
      from = listener.options.copy();
    }
    synchronized (this) {
      options.takeSet(from, channel);
    }
    ext.inherit(listener.ext);
  }

  /** {@code SO_UPDATE_CONNECT_CONTEXT}: 0 once a ConnectEx (or connect) has connected it. */
  synchronized int updateConnectContext() {
    if (state != ST_CONNECTED) {
      return state == ST_CLOSED ? WSAENOTSOCK : WSAENOTCONN;
    }
    return 0;
  }

  synchronized boolean reuseAddressSet() {
    return options.reuseAddressSet();
  }

  boolean isListening() {
    return state == ST_LISTENING;
  }

  /**
   * {@code CancelIoEx} on this socket: its receives, sends, accepts and ConnectEx.
   *
   * @return how many operations matched
   */
  int cancel(io.wsa4j.WsaOverlapped token) {
    int matched = 0;
    RecvQueue r = recv;
    SendQueue s = send;
    AcceptQueue a = accepts;
    ConnectQueue c;
    DisconnectQueue d;
    AsynchronousSocketChannel ch;
    synchronized (this) {
      c = connecting;
      d = disconnecting;
      ch = channel;
    }
    if (d != null) {
      matched += d.cancel(token); // the FIN may still go out; the handle is not recycled
    }
    if (r != null) {
      matched += r.cancel(token);
      r.pump();
    }
    if (s != null) {
      matched += s.cancel(token);
    }
    if (a != null) {
      matched += a.cancel(token) + a.cancelFirstData(token, true);
    }
    if (c != null && c.cancel(token) > 0) {
      matched++;
      closeQuietly(ch); // a connect cannot be recalled; closing fails it with "aborted"
    }
    return matched;
  }

  /** Blocking connect; the socket stays usable after a failure (winsock-semantics scenario 69). */
  int connect(InetSocketAddress remote) {
    int[] refused = {0};
    AsynchronousSocketChannel ch = beginConnect(refused);
    if (ch == null) {
      return refused[0];
    }
    int code;
    try {
      ch.connect(remote).get();
      synchronized (this) {
        if (state == ST_CLOSED) {
          return WSA_OPERATION_ABORTED;
        }
        connected();
      }
      if (readiness.watched()) {
        watchLevels();
      }
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(ch); // a connect cannot be recalled; start over with a fresh channel
      code = WSAEINTR;
    } catch (ExecutionException e) {
      code = Errors.toWinsock(e.getCause());
    } catch (RuntimeException e) {
      closeQuietly(ch);
      code = Errors.toWinsock(e);
    }
    synchronized (this) {
      if (state == ST_CLOSED) {
        return WSA_OPERATION_ABORTED;
      }
      channel = null; // NIO2 closed it (or we did): the next connect opens another
      state = local != null ? ST_BOUND : ST_OPEN;
    }
    return code;
  }

  /**
   * Closes the socket: pending operations complete with {@code WSA_OPERATION_ABORTED} (announced
   * only if {@code notify}), the channel closes, waiters wake.
   *
   * @return 0, or {@code WSAENOTSOCK} if it was closed already
   */
  int close(boolean notify) {
    AsynchronousSocketChannel ch;
    AsynchronousServerSocketChannel ss;
    synchronized (this) {
      if (state == ST_CLOSED) {
        return WSAENOTSOCK;
      }
      state = ST_CLOSED;
      ch = channel;
      ss = server;
    }
    // abort first: once the queues are closed, NIO2's failure callbacks announce nothing
    NioSocket listener = acceptPendingOn;
    if (listener != null && listener.accepts != null) {
      listener.accepts.cancelAcceptsInto(this); // an AcceptEx into a closed socket aborts (scenario 46)
    }
    OpQueue[] queues = queues();
    DisconnectQueue d;
    synchronized (this) {
      d = disconnecting;
    }
    if (d != null) {
      d.abortAll(notify);
    }
    if (accepts != null) {
      accepts.cancelFirstData(null, notify); // this listener's AcceptEx still waiting for data
    }
    for (OpQueue q : queues) {
      if (q != null) {
        q.abortAll(notify);
      }
    }
    if (ch != null) {
      closeQuietly(ch);
    }
    if (ss != null) {
      closeQuietly(ss);
    }
    resultWaiters.wakeAll();
    readiness.socketClosed();
    context.forget(this, queues);
    return 0;
  }

  /** Every queue the socket has now (some null), for close and statistics. */
  OpQueue[] queues() {
    ConnectQueue c;
    synchronized (this) {
      c = connecting;
    }
    return new OpQueue[] {recv, send, accepts, c};
  }

  int shutdown(int how) {
    if (state != ST_CONNECTED) {
      return isClosed() ? WSAENOTSOCK : WSAENOTCONN;
    }
    if (how == SD_RECEIVE || how == SD_BOTH) {
      recv.shutdown();
    }
    if (how == SD_SEND || how == SD_BOTH) {
      send.shutdown();
    }
    return 0;
  }

  synchronized int setOption(int index, int value) {
    return options.set(index, value, currentChannel());
  }

  synchronized int getOption(int index, int[] out) {
    try {
      out[0] = options.get(index, currentChannel());
      return 0;
    } catch (IOException | RuntimeException e) {
      return Errors.toWinsock(e);
    }
  }

  synchronized int localAddress(SocketAddress[] out) {
    try {
      NetworkChannel ch = currentChannel();
      SocketAddress a = ch != null ? ch.getLocalAddress() : local;
      if (a == null) {
        return WSAEINVAL;
      }
      out[0] = a;
      return 0;
    } catch (IOException | RuntimeException e) {
      return Errors.toWinsock(e);
    }
  }

  synchronized int remoteAddress(SocketAddress[] out) {
    if (state != ST_CONNECTED) {
      return WSAENOTCONN;
    }
    try {
      SocketAddress a = channel.getRemoteAddress();
      if (a == null) {
        return WSAENOTCONN;
      }
      out[0] = a;
      return 0;
    } catch (IOException | RuntimeException e) {
      return Errors.toWinsock(e);
    }
  }

  private void closeQuietly(java.nio.channels.Channel ch) {
    try {
      ch.close();
    } catch (IOException | ShutdownChannelGroupException e) {
      // the group shuts down when WSACleanup races this close: the channel is closed either way
      LOG.log(System.Logger.Level.DEBUG, "closing a channel of " + this + " failed", e);
    }
  }
}
