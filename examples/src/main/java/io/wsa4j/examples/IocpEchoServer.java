package io.wsa4j.examples;

import static io.wsa4j.Winsock.*;
import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaOverlappedEntry;
import io.wsa4j.WsaSocket;
import io.wsa4j.WsaStats;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The classic completion-port echo server: {@code workers} threads in a
 * {@code GetQueuedCompletionStatus} loop on one port, {@code AcceptEx} pre-posted on the listener,
 * a per-I/O context that subclasses {@link WsaOverlapped} ({@link IoContext}), and shutdown by
 * posting one packet per worker.
 *
 * <p>Memory per connection is bounded: one receive buffer at most, and with zero-byte receives
 * (the default) an idle connection holds none — it waits on a receive of 0 bytes and borrows a
 * buffer from {@link BufferPool} only while data flows. Each connection has one operation
 * outstanding at a time, so a client that does not read its echo stops being read from.
 *
 * <p>It starts as Windows servers start: {@code AcceptEx}, {@code GetAcceptExSockaddrs} and
 * {@code DisconnectEx} are loaded through {@code WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)}
 * ({@link ExtensionFunctions}); each accepted socket gets {@code SO_UPDATE_ACCEPT_CONTEXT}, and its
 * peer is read from the AcceptEx address block. A finished connection's socket is recycled with
 * {@code DisconnectEx(TF_REUSE_SOCKET)} into a bounded pool ({@link SocketPool}) that the next
 * AcceptEx draws from, so a busy server stops making sockets; and connections that connected but
 * never sent are closed once their {@code SO_CONNECT_TIME} passes {@code silentTimeoutSeconds}.
 */
public final class IocpEchoServer implements EchoServer {
  private static final System.Logger LOG = System.getLogger(IocpEchoServer.class.getName());

  /** AcceptEx calls kept posted on the listener. */
  static final int ACCEPTS_POSTED = 16;
  private static final long LISTENER_KEY = 1;
  private static final long CONNECTION_KEY = 2;
  private static final long SHUTDOWN_KEY = -1;
  private static final long JOIN_MILLIS = 10_000;
  /** Packets one {@code GetQueuedCompletionStatusEx} may remove. */
  static final int BATCH = 64;
  /**
   * Completions of one connection a worker handles in a row, inline, before it leaves the next to
   * the port. Small enough that 64 connections in one batch each get their turn soon; large enough
   * that a ping-pong connection rarely pays for a port round trip.
   */
  static final int INLINE_BUDGET = 16;

  /** Settings of one server. */
  public static final class Options {
    InetAddress bind = InetAddress.getLoopbackAddress();
    int port;
    int workers = Runtime.getRuntime().availableProcessors();
    int bufferSize = 16 * 1024;
    int maxConnections = 10_000;
    long idleTimeoutMillis;
    int silentTimeoutSeconds = 30;
    int socketPool = 64;
    boolean zeroByteReceives = true;

    public Options bind(InetAddress a) { this.bind = a; return this; }
    public Options port(int p) { this.port = p; return this; }
    public Options workers(int n) { this.workers = n; return this; }
    public Options bufferSize(int n) { this.bufferSize = n; return this; }
    public Options maxConnections(int n) { this.maxConnections = n; return this; }
    /** Closes connections idle this long; 0 never does. */
    public Options idleTimeoutMillis(long ms) { this.idleTimeoutMillis = ms; return this; }
    public Options zeroByteReceives(boolean on) { this.zeroByteReceives = on; return this; }
    /**
     * Closes connections that connected but sent nothing for this many seconds, read from
     * {@code SO_CONNECT_TIME} as Windows servers read it; 0 never does.
     */
    public Options silentTimeoutSeconds(int s) { this.silentTimeoutSeconds = s; return this; }
    /** Sockets of closed connections kept for reuse by {@code AcceptEx}; 0 closes them all. */
    public Options socketPool(int n) { this.socketPool = n; return this; }
  }

  /** Room for one address in AcceptEx's block: sockaddr_in6 + 16, enough for IPv4 too. */
  private static final int ADDRESS_SLOT = 28 + 16;

  private final Wsa wsa;
  private final boolean ownsWsa;
  private final Options options;
  private final WsaSocket listener;
  private final InetSocketAddress localAddress;
  private final WsaCompletionPort port;
  private final BufferPool buffers;
  private final ExtensionFunctions extensions;
  private final SocketPool sockets;
  private final AtomicLong silentClosed = new AtomicLong();
  private final AtomicLong recycledAccepts = new AtomicLong();
  private final Set<IocpConnection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger acceptsPosted = new AtomicInteger();
  private final List<Thread> workers = new ArrayList<>();
  private final Thread reaper;
  private final CountDownLatch terminated = new CountDownLatch(1);
  private volatile boolean stopping;

  private IocpEchoServer(Wsa wsa, boolean ownsWsa, Options options, WsaSocket listener,
      InetSocketAddress localAddress, WsaCompletionPort port, ExtensionFunctions extensions) {
    this.wsa = wsa;
    this.extensions = extensions;
    this.sockets = new SocketPool(wsa, extensions.disconnectEx(), options.socketPool);
    this.ownsWsa = ownsWsa;
    this.options = options;
    this.listener = listener;
    this.localAddress = localAddress;
    this.port = port;
    this.buffers = new BufferPool(options.bufferSize, options.maxConnections);
    String prefix = "iocp-echo-" + localAddress.getPort() + "-";
    for (int i = 0; i < options.workers; i++) {
      Thread t = new Thread(this::workerLoop, prefix + "worker-" + i);
      t.setDaemon(true);
      workers.add(t);
    }
    this.reaper = new Thread(this::reapIdle, prefix + "idle-reaper");
    reaper.setDaemon(true);
  }

  /**
   * Starts a server in a Winsock context of its own, which {@link #close()} ends.
   *
   * @throws IOException if the address cannot be bound (the message names the Winsock error)
   */
  public static IocpEchoServer start(Options options, WsaConfig config) throws IOException {
    Wsa wsa = Wsa.startup(config);
    try {
      return start(wsa, true, options);
    } catch (IOException | RuntimeException e) {
      wsa.cleanup();
      throw e;
    }
  }

  /**
   * Starts a server in the caller's Winsock context, which {@link #close()} leaves running.
   *
   * @throws IOException if the address cannot be bound (the message names the Winsock error)
   */
  public static IocpEchoServer start(Options options, Wsa wsa) throws IOException {
    return start(wsa, false, options);
  }

  private static IocpEchoServer start(Wsa wsa, boolean ownsWsa, Options options)
      throws IOException {
    // -- configure: a listening socket on a port of its own key --
    int af = options.bind instanceof Inet6Address ? AF_INET6 : AF_INET;
    WsaSocket listener = wsa.socket(af, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    if (listener == WsaSocket.INVALID_SOCKET) {
      throw failure("socket", Wsa.getLastError());
    }
    wsa.setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, 1);
    if (wsa.bind(listener, new InetSocketAddress(options.bind, options.port)) != 0) {
      throw failure("bind", Wsa.getLastError());
    }
    if (wsa.listen(listener, SOMAXCONN) != 0) {
      throw failure("listen", Wsa.getLastError());
    }
    WsaCompletionPort port = wsa.createIoCompletionPort(listener, null, LISTENER_KEY,
        options.workers);
    if (port == null) {
      throw failure("CreateIoCompletionPort", Wsa.getLastError());
    }
    SocketAddress[] local = new SocketAddress[1];
    wsa.getsockname(listener, local);
    // AcceptEx, GetAcceptExSockaddrs and DisconnectEx, loaded as C servers load them
    ExtensionFunctions extensions = ExtensionFunctions.load(wsa, listener);

    // -- start: workers first, then the accepts they will complete --
    IocpEchoServer server = new IocpEchoServer(wsa, ownsWsa, options, listener,
        (InetSocketAddress) local[0], port, extensions);
    server.workers.forEach(Thread::start);
    if (options.idleTimeoutMillis > 0 || options.silentTimeoutSeconds > 0) {
      server.reaper.start();
    }
    for (int i = 0; i < ACCEPTS_POSTED; i++) {
      server.postAccept();
    }
    return server;
  }

  private static IOException failure(String call, int code) {
    return new IOException(call + " failed: " + Errors.describe(code));
  }

  @Override
  public WsaStats stats() {
    return wsa.stats();
  }

  @Override
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /** Connections open now. */
  public int connectionCount() {
    return connections.size();
  }

  // -- the worker loop --

  /**
   * One wake-up, one batch: {@code GetQueuedCompletionStatusEx} removes up to {@link #BATCH}
   * packets at once, so a busy port costs one wait per batch instead of one per packet.
   */
  private void workerLoop() {
    WsaOverlappedEntry[] entries = new WsaOverlappedEntry[BATCH]; // filled in place, reused
    int[] removed = new int[1];
    // connections whose echo went out during this batch: their next receive is posted after it
    List<IocpConnection> receiveAfterBatch = new ArrayList<>(BATCH);
    boolean shutdown = false;
    while (!shutdown) {
      if (!wsa.getQueuedCompletionStatusEx(port, entries, BATCH, removed, WSA_INFINITE, false)) {
        int error = Wsa.getLastError();
        if (error == ERROR_ABANDONED_WAIT_0 || error == WSANOTINITIALISED || stopping) {
          return;
        }
        LOG.log(WARNING, "GetQueuedCompletionStatusEx failed: " + Errors.describe(error));
        continue;
      }
      for (int i = 0; i < removed[0]; i++) {
        WsaOverlappedEntry e = entries[i];
        if (e.overlapped() == null) {
          if (e.completionKey() == SHUTDOWN_KEY && !shutdown) {
            shutdown = true; // the rest of the batch is handled first, then this worker ends
            passOnShutdown();
          }
          continue;
        }
        dispatch((IoContext) e.overlapped(), e.bytesTransferred(), receiveAfterBatch);
      }
      postReceivesAfterBatch(receiveAfterBatch);
    }
  }

  /**
   * Posts the next receive of each connection whose send finished during the batch. Posted right
   * after its send, that receive would nearly always find nothing yet and wait in NIO2's poller,
   * to come back through the port; posted after the rest of the batch, it often finds the peer's
   * next message already there and finishes during the call (a completion routine server gets
   * the same delay for free: its next receive is posted from the send's routine, which runs after
   * the routines queued before it). Each connection is here at most once per batch (it has one
   * operation at a time), so the list holds at most {@link #BATCH}.
   */
  private void postReceivesAfterBatch(List<IocpConnection> pending) {
    for (int i = 0; i < pending.size(); i++) {
      IocpConnection c = pending.get(i);
      try {
        if (postNextRecv(c)) {
          completedInline(c, 0, c.count[0], null); // no second delay: the loop stays bounded
        }
      } catch (RuntimeException e) {
        LOG.log(WARNING, "worker failed on a completion; connection closed", e);
        retire(c);
      }
    }
    pending.clear();
  }

  /**
   * A batch may hold several packets, so one shutdown packet is passed from worker to worker
   * rather than one posted per worker: each worker that takes it posts it again and ends, and the
   * last one left in the port goes with {@code CloseHandle}.
   */
  private void passOnShutdown() {
    wsa.postQueuedCompletionStatus(port, 0, SHUTDOWN_KEY, null);
  }

  /**
   * Handles one packet. As {@code GetQueuedCompletionStatusEx} does not say whether the operation
   * failed, its status is read from the token, as C code reads {@code lpOverlapped->Internal}.
   */
  private void dispatch(IoContext io, int bytes, List<IocpConnection> receiveAfterBatch) {
    int error = (int) io.internal();
    try {
      if (io.kind == IoContext.Kind.ACCEPT) {
        acceptCompleted(io, error);
      } else if (io.kind == IoContext.Kind.DISCONNECT) {
        sockets.disconnected(io.connection, error); // into the pool for the next AcceptEx
      } else {
        completedInline(io.connection, error, bytes, receiveAfterBatch);
      }
    } catch (RuntimeException e) {
      LOG.log(WARNING, "worker failed on a completion; connection closed", e);
      if (io.connection != null) {
        retire(io.connection);
      }
    }
  }

  /**
   * The inline completion loop. Handling a completion starts the connection's next operation; on a
   * socket in skip-on-success mode, one that finishes during the call posts no packet, so it is
   * handled here, and so on. After {@link #INLINE_BUDGET} in a row the result of the last one is
   * posted to the port instead: it queues behind the other connections' packets, so one busy
   * connection cannot keep this worker from them, and the stack stays flat (a loop, not
   * recursion).
   *
   * @param receiveAfterBatch where a connection whose send finished waits for its next receive
   *     (see {@link #postReceivesAfterBatch}), or null to post that receive at once
   */
  private void completedInline(IocpConnection c, int error, int bytes,
      List<IocpConnection> receiveAfterBatch) {
    for (int budget = INLINE_BUDGET; ; budget--) {
      if (!step(c, error, bytes, receiveAfterBatch)) {
        return; // pending, or its packet is on the way, or the connection is retired
      }
      error = 0;
      bytes = c.count[0];
      if (budget == 1) {
        if (!wsa.postQueuedCompletionStatus(port, bytes, CONNECTION_KEY, c.io)) {
          LOG.log(stopping ? DEBUG : WARNING, "PostQueuedCompletionStatus failed: "
              + Errors.describe(Wsa.getLastError()));
          retire(c);
        }
        return;
      }
    }
  }

  /**
   * Handles the completion of {@code c}'s operation and starts the next one.
   *
   * @return true when that next operation finished during the call and posts no packet: its result
   *     ({@code c.count[0]} bytes, no error) is the caller's to handle; false also when the next
   *     receive was left to {@code receiveAfterBatch}
   */
  private boolean step(IocpConnection c, int error, int bytes,
      List<IocpConnection> receiveAfterBatch) {
    switch (c.io.kind) {
      case ZERO_BYTE_RECV:
        if (error != 0) {
          retire(c);
          return false;
        }
        c.received = true;
        return postRecv(c); // data is there: now lend a buffer
      case RECV:
        if (error != 0 || bytes == 0) {
          retire(c); // reset, aborted, or the peer closed
          return false;
        }
        c.received = true;
        return postSend(c, bytes);
      case SEND:
        if (error != 0) {
          retire(c);
          return false;
        }
        if (receiveAfterBatch != null) {
          receiveAfterBatch.add(c); // posted once this worker's batch is handled
          return false;
        }
        return postNextRecv(c);
      default:
        throw new AssertionError(c.io.kind);
    }
  }

  // -- accepting --

  private void postAccept() {
    if (stopping) {
      return;
    }
    SocketPool.Recycled recycled = sockets.take(); // a closed connection's socket, if one waits
    WsaSocket socket = recycled != null ? recycled.socket()
        : wsa.socket(localAddress.getAddress() instanceof Inet6Address ? AF_INET6 : AF_INET,
            SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    if (socket == WsaSocket.INVALID_SOCKET) {
      LOG.log(WARNING, "no socket for AcceptEx: " + Errors.describe(Wsa.getLastError()));
      return;
    }
    IoContext io = new IoContext(IoContext.Kind.ACCEPT, null);
    io.acceptSocket = socket;
    io.recycled = recycled;
    io.addresses = WsaBuf.allocate(2 * ADDRESS_SLOT);
    if (!extensions.acceptEx().acceptEx(listener, socket, io.addresses, 0, ADDRESS_SLOT,
        ADDRESS_SLOT, null, io) && Wsa.getLastError() != ERROR_IO_PENDING) {
      LOG.log(stopping ? DEBUG : WARNING, "AcceptEx failed: "
          + Errors.describe(Wsa.getLastError()));
      wsa.closesocket(socket);
      if (recycled != null) {
        postAccept(); // with a new socket this time
      }
      return;
    }
    acceptsPosted.incrementAndGet();
  }

  private void acceptCompleted(IoContext io, int error) {
    acceptsPosted.decrementAndGet();
    WsaSocket socket = io.acceptSocket;
    if (error != 0) {
      wsa.closesocket(socket);
      if (!stopping) {
        LOG.log(DEBUG, "AcceptEx failed: " + Errors.describe(error));
        postAccept();
      }
      return;
    }
    postAccept(); // keep the listener's accepts topped up first
    if (connections.size() >= options.maxConnections) {
      // refuse politely: the client sees an orderly close, the others are not disturbed
      wsa.shutdown(socket, SD_SEND);
      wsa.closesocket(socket);
      LOG.log(DEBUG, "refused a connection beyond --max-connections " + options.maxConnections);
      return;
    }
    // as on Windows: the accepted socket takes the listener's options, and the block the
    // addresses of both ends
    if (wsa.setsockopt(socket, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, listener) != 0) {
      LOG.log(DEBUG, "SO_UPDATE_ACCEPT_CONTEXT: " + Errors.describe(Wsa.getLastError()));
    }
    SocketAddress[] remote = new SocketAddress[1];
    extensions.getAcceptExSockaddrs().getAcceptExSockaddrs(io.addresses, 0, ADDRESS_SLOT,
        ADDRESS_SLOT, null, remote);
    wsa.setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, 1);
    IocpConnection c = new IocpConnection(socket);
    c.peer = remote[0];
    if (io.recycled != null) {
      recycledAccepts.incrementAndGet();
      c.skipOnSuccess = io.recycled.skipOnSuccess(); // bound to the port since its first accept
    } else if (wsa.createIoCompletionPort(socket, port, CONNECTION_KEY, 0) == null) {
      LOG.log(WARNING, "cannot associate a connection: " + Errors.describe(Wsa.getLastError()));
      wsa.closesocket(socket);
      return;
    } else {
      c.skipOnSuccess = skipCompletionPortOnSuccess(socket);
    }
    LOG.log(DEBUG, () -> "connection from " + c.peer
        + (io.recycled != null ? " on a recycled socket" : ""));
    connections.add(c);
    if (stopping) {
      retire(c);
      return;
    }
    if (postNextRecv(c)) {
      completedInline(c, 0, c.count[0], null);
    }
  }

  /**
   * {@code SetFileCompletionNotificationModes(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS)}, as fast
   * Windows servers set on every socket: the operations that finish at once, most of them on a busy
   * connection, then cost no trip through the port.
   *
   * @return whether the mode is on; if not, every completion comes through the port, as before
   */
  private boolean skipCompletionPortOnSuccess(WsaSocket socket) {
    if (wsa.setFileCompletionNotificationModes(socket, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS)) {
      return true;
    }
    LOG.log(DEBUG, "skip-on-success not available, every completion goes through the port: "
        + Errors.describe(Wsa.getLastError()));
    return false;
  }

  // -- one operation at a time per connection --
  // Each post returns true when the operation finished during the call and, the socket being in
  // skip-on-success mode, posts no packet (rule 26): the caller then handles it at once.

  private boolean postNextRecv(IocpConnection c) {
    if (!options.zeroByteReceives) {
      return postRecv(c);
    }
    if (c.buffer != null) {
      buffers.give(c.buffer); // idle from here on: hold no buffer
      c.buffer = null;
    }
    c.io.kind = IoContext.Kind.ZERO_BYTE_RECV;
    c.one[0] = BufferPool.EMPTY;
    return started(c, wsa.recv(c.socket, c.one, 1, c.count, c.flags, c.io, null));
  }

  private boolean postRecv(IocpConnection c) {
    if (c.buffer == null) {
      c.buffer = buffers.take();
    }
    c.lastActive = System.nanoTime();
    c.io.kind = IoContext.Kind.RECV;
    c.one[0] = c.buffer.len(options.bufferSize);
    return started(c, wsa.recv(c.socket, c.one, 1, c.count, c.flags, c.io, null));
  }

  private boolean postSend(IocpConnection c, int bytes) {
    c.lastActive = System.nanoTime();
    c.io.kind = IoContext.Kind.SEND;
    c.one[0] = c.buffer.len(bytes);
    return started(c, wsa.send(c.socket, c.one, 1, c.count, 0, c.io, null));
  }

  /**
   * Judges a post. {@code WSA_IO_PENDING}: a packet follows. 0, finished during the call (rule 25):
   * without skip-on-success a packet follows as well, so the worker that takes it handles it, not
   * this one; with it, no packet comes and the result is ours. Any other error: the operation
   * never started, nothing follows, and the connection is finished.
   *
   * @return true when the caller must handle the result now
   */
  private boolean started(IocpConnection c, int result) {
    if (result == 0) {
      return c.skipOnSuccess;
    }
    if (Wsa.getLastError() != WSA_IO_PENDING) {
      LOG.log(DEBUG, c.io.kind + " failed at once: " + Errors.describe(Wsa.getLastError()));
      retire(c);
    }
    return false;
  }

  /** Closes the socket; any thread. A pending operation then completes, aborted, on a worker. */
  private void closeConnection(IocpConnection c) {
    if (connections.remove(c)) {
      wsa.closesocket(c.socket);
    }
  }

  /**
   * The connection's last packet was handled (on a worker, its buffer's owner, with nothing left
   * outstanding): free it all. Its socket goes back to the pool through {@code DisconnectEx}, or
   * is closed.
   */
  private void retire(IocpConnection c) {
    if (connections.remove(c) && (stopping || !sockets.recycle(c))) {
      wsa.closesocket(c.socket);
    }
    WsaBuf b = c.buffer;
    if (b != null) {
      c.buffer = null;
      buffers.give(b);
    }
  }

  // -- idle connections --

  private void reapIdle() {
    long idleNanos = TimeUnit.MILLISECONDS.toNanos(options.idleTimeoutMillis);
    long period = options.idleTimeoutMillis > 0 ? Math.max(10, options.idleTimeoutMillis / 4) : 1000;
    if (options.silentTimeoutSeconds > 0) {
      period = Math.min(period, 1000); // SO_CONNECT_TIME counts whole seconds
    }
    int[] connectedFor = new int[1];
    while (!stopping) {
      try {
        Thread.sleep(period);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (IocpConnection c : connections) {
        if (options.idleTimeoutMillis > 0 && now - c.lastActive > idleNanos) {
          LOG.log(DEBUG, "closing a connection idle for over "
              + options.idleTimeoutMillis + " ms");
          closeConnection(c); // its pending receive aborts; the worker ignores the packet
        } else if (options.silentTimeoutSeconds > 0 && !c.received
            && wsa.getsockopt(c.socket, SOL_SOCKET, SO_CONNECT_TIME, connectedFor) == 0
            && connectedFor[0] >= options.silentTimeoutSeconds) {
          LOG.log(DEBUG, "closing " + c.peer + ": connected " + connectedFor[0]
              + " s and never sent");
          silentClosed.incrementAndGet();
          closeConnection(c);
        }
      }
    }
  }

  /** Sockets of closed connections waiting in the pool for an AcceptEx. */
  public int pooledSockets() {
    return sockets.idleCount();
  }

  /** Connections accepted into a recycled socket so far. */
  public long recycledAccepts() {
    return recycledAccepts.get();
  }

  /** Connections closed because they connected and never sent. */
  public long silentConnectionsClosed() {
    return silentClosed.get();
  }

  // -- shutdown --

  @Override
  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  @Override
  public synchronized void close() {
    if (stopping) {
      return;
    }
    stopping = true;
    wsa.closesocket(listener); // pending AcceptEx complete with ERROR_OPERATION_ABORTED
    for (IocpConnection c : connections) {
      closeConnection(c);
    }
    passOnShutdown(); // each worker takes it, posts it again and ends
    join(workers);
    sockets.closeAll();
    reaper.interrupt();
    join(List.of(reaper));
    wsa.closeHandle(port);
    if (ownsWsa) {
      wsa.cleanup();
    }
    LOG.log(INFO, "IocpEchoServer on " + localAddress + " stopped");
    terminated.countDown();
  }

  private static void join(List<Thread> threads) {
    for (Thread t : threads) {
      try {
        t.join(JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
