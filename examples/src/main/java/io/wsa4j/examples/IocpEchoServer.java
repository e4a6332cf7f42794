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
 */
public final class IocpEchoServer implements EchoServer {
  private static final System.Logger LOG = System.getLogger(IocpEchoServer.class.getName());

  /** AcceptEx calls kept posted on the listener. */
  static final int ACCEPTS_POSTED = 16;
  private static final long LISTENER_KEY = 1;
  private static final long CONNECTION_KEY = 2;
  private static final long SHUTDOWN_KEY = -1;
  private static final long JOIN_MILLIS = 10_000;

  /** Settings of one server. */
  public static final class Options {
    InetAddress bind = InetAddress.getLoopbackAddress();
    int port;
    int workers = Runtime.getRuntime().availableProcessors();
    int bufferSize = 16 * 1024;
    int maxConnections = 10_000;
    long idleTimeoutMillis;
    boolean zeroByteReceives = true;

    public Options bind(InetAddress a) { this.bind = a; return this; }
    public Options port(int p) { this.port = p; return this; }
    public Options workers(int n) { this.workers = n; return this; }
    public Options bufferSize(int n) { this.bufferSize = n; return this; }
    public Options maxConnections(int n) { this.maxConnections = n; return this; }
    /** Closes connections idle this long; 0 never does. */
    public Options idleTimeoutMillis(long ms) { this.idleTimeoutMillis = ms; return this; }
    public Options zeroByteReceives(boolean on) { this.zeroByteReceives = on; return this; }
  }

  private final Wsa wsa;
  private final boolean ownsWsa;
  private final Options options;
  private final WsaSocket listener;
  private final InetSocketAddress localAddress;
  private final WsaCompletionPort port;
  private final BufferPool buffers;
  private final Set<IocpConnection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger acceptsPosted = new AtomicInteger();
  private final List<Thread> workers = new ArrayList<>();
  private final Thread reaper;
  private final CountDownLatch terminated = new CountDownLatch(1);
  private volatile boolean stopping;

  private IocpEchoServer(Wsa wsa, boolean ownsWsa, Options options, WsaSocket listener,
      InetSocketAddress localAddress, WsaCompletionPort port) {
    this.wsa = wsa;
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

    // -- start: workers first, then the accepts they will complete --
    IocpEchoServer server = new IocpEchoServer(wsa, ownsWsa, options, listener,
        (InetSocketAddress) local[0], port);
    server.workers.forEach(Thread::start);
    if (options.idleTimeoutMillis > 0) {
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

  private void workerLoop() {
    int[] bytes = new int[1];
    long[] key = new long[1];
    WsaOverlapped[] overlapped = new WsaOverlapped[1];
    for (;;) {
      boolean ok = wsa.getQueuedCompletionStatus(port, bytes, key, overlapped, WSA_INFINITE);
      int error = ok ? 0 : Wsa.getLastError();
      if (overlapped[0] == null) {
        if (ok && key[0] == SHUTDOWN_KEY) {
          return; // the packet close() posted for this worker
        }
        if (error == ERROR_ABANDONED_WAIT_0 || error == WSANOTINITIALISED || stopping) {
          return;
        }
        LOG.log(WARNING, "GetQueuedCompletionStatus failed: " + Errors.describe(error));
        continue;
      }
      IoContext io = (IoContext) overlapped[0]; // CONTAINING_RECORD, Java style
      try {
        completed(io, error, bytes[0]);
      } catch (RuntimeException e) {
        LOG.log(WARNING, "worker failed on a completion; connection closed", e);
        if (io.connection != null) {
          retire(io.connection);
        }
      }
    }
  }

  private void completed(IoContext io, int error, int bytes) {
    switch (io.kind) {
      case ACCEPT:
        acceptCompleted(io, error);
        break;
      case ZERO_BYTE_RECV:
        if (error != 0) {
          retire(io.connection);
        } else {
          postRecv(io.connection); // data is there: now lend a buffer
        }
        break;
      case RECV:
        if (error != 0 || bytes == 0) {
          retire(io.connection); // reset, aborted, or the peer closed
        } else {
          postSend(io.connection, bytes);
        }
        break;
      case SEND:
        if (error != 0) {
          retire(io.connection);
        } else {
          postNextRecv(io.connection);
        }
        break;
      default:
        throw new AssertionError(io.kind);
    }
  }

  // -- accepting --

  private void postAccept() {
    if (stopping) {
      return;
    }
    WsaSocket socket = wsa.socket(localAddress.getAddress() instanceof Inet6Address
        ? AF_INET6 : AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    if (socket == WsaSocket.INVALID_SOCKET) {
      LOG.log(WARNING, "no socket for AcceptEx: " + Errors.describe(Wsa.getLastError()));
      return;
    }
    IoContext io = new IoContext(IoContext.Kind.ACCEPT, null);
    io.acceptSocket = socket;
    if (!wsa.acceptEx(listener, socket, null, 0, null, io)
        && Wsa.getLastError() != ERROR_IO_PENDING) {
      LOG.log(stopping ? DEBUG : WARNING, "AcceptEx failed: "
          + Errors.describe(Wsa.getLastError()));
      wsa.closesocket(socket);
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
    wsa.setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, 1);
    if (wsa.createIoCompletionPort(socket, port, CONNECTION_KEY, 0) == null) {
      LOG.log(WARNING, "cannot associate a connection: " + Errors.describe(Wsa.getLastError()));
      wsa.closesocket(socket);
      return;
    }
    IocpConnection c = new IocpConnection(socket);
    connections.add(c);
    if (stopping) {
      retire(c);
      return;
    }
    postNextRecv(c);
  }

  // -- one operation at a time per connection --

  private void postNextRecv(IocpConnection c) {
    if (options.zeroByteReceives) {
      if (c.buffer != null) {
        buffers.give(c.buffer); // idle from here on: hold no buffer
        c.buffer = null;
      }
      c.io.kind = IoContext.Kind.ZERO_BYTE_RECV;
      c.one[0] = BufferPool.EMPTY;
      post(c, wsa.recv(c.socket, c.one, 1, null, c.flags, c.io, null));
    } else {
      postRecv(c);
    }
  }

  private void postRecv(IocpConnection c) {
    if (c.buffer == null) {
      c.buffer = buffers.take();
    }
    c.lastActive = System.nanoTime();
    c.io.kind = IoContext.Kind.RECV;
    c.one[0] = c.buffer.len(options.bufferSize);
    post(c, wsa.recv(c.socket, c.one, 1, null, c.flags, c.io, null));
  }

  private void postSend(IocpConnection c, int bytes) {
    c.lastActive = System.nanoTime();
    c.io.kind = IoContext.Kind.SEND;
    c.one[0] = c.buffer.len(bytes);
    post(c, wsa.send(c.socket, c.one, 1, null, 0, c.io, null));
  }

  /** Both a pending start and an immediate success end in a packet; anything else is fatal. */
  private void post(IocpConnection c, int result) {
    if (result != 0 && Wsa.getLastError() != WSA_IO_PENDING) {
      LOG.log(DEBUG, c.io.kind + " failed at once: " + Errors.describe(Wsa.getLastError()));
      retire(c);
    }
  }

  /** Closes the socket; any thread. A pending operation then completes, aborted, on a worker. */
  private void closeConnection(IocpConnection c) {
    if (connections.remove(c)) {
      wsa.closesocket(c.socket);
    }
  }

  /** The connection's last packet was handled (on a worker, its buffer's owner): free it all. */
  private void retire(IocpConnection c) {
    closeConnection(c);
    WsaBuf b = c.buffer;
    if (b != null) {
      c.buffer = null;
      buffers.give(b);
    }
  }

  // -- idle connections --

  private void reapIdle() {
    long idleNanos = TimeUnit.MILLISECONDS.toNanos(options.idleTimeoutMillis);
    long period = Math.max(10, options.idleTimeoutMillis / 4);
    while (!stopping) {
      try {
        Thread.sleep(period);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (IocpConnection c : connections) {
        if (now - c.lastActive > idleNanos) {
          LOG.log(DEBUG, "closing a connection idle for over "
              + options.idleTimeoutMillis + " ms");
          closeConnection(c); // its pending receive aborts; the worker ignores the packet
        }
      }
    }
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
    for (int i = 0; i < workers.size(); i++) {
      wsa.postQueuedCompletionStatus(port, 0, SHUTDOWN_KEY, null); // one per worker
    }
    join(workers);
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
