package io.wsa4j.examples;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.AF_INET6;
import static io.wsa4j.Winsock.FIONBIO;
import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.SOCK_STREAM;
import static io.wsa4j.Winsock.SOMAXCONN;
import static io.wsa4j.Winsock.TCP_NODELAY;
import static io.wsa4j.Winsock.WSAECONNABORTED;
import static io.wsa4j.Winsock.WSAECONNRESET;
import static io.wsa4j.Winsock.WSAEMFILE;
import static io.wsa4j.Winsock.WSAENOBUFS;
import static io.wsa4j.Winsock.WSAEWOULDBLOCK;
import static java.lang.System.Logger.Level.WARNING;

import io.wsa4j.Wsa;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaSocket;
import io.wsa4j.WsaStats;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * What the two readiness-model echo servers share ({@link SelectEchoServer},
 * {@link EventSelectEchoServer}): a non-blocking listening socket, an accepting thread that waits
 * until a connection is there and then accepts until {@code WSAEWOULDBLOCK}, and a
 * {@link WorkerPool} that serves the connections. The subclass says how the acceptor waits.
 */
abstract class NonBlockingEchoServer implements EchoServer {
  private static final System.Logger LOG = System.getLogger(NonBlockingEchoServer.class.getName());
  /** How long {@link #close()} waits for each thread before cleaning up regardless. */
  private static final long JOIN_MILLIS = 10_000;

  final Wsa wsa;
  /** Whether {@link #close()} ends {@link #wsa}: only when the server started it. */
  private final boolean ownsWsa;
  final WsaSocket listener;
  private final InetSocketAddress localAddress;
  final int bufferSize;
  private WorkerPool pool;
  private Thread acceptThread;
  /** Set first in {@link #close()}, so that the acceptor takes its failure as the signal to end. */
  volatile boolean stopping;
  /** Guarded by this. */
  private boolean closed;

  NonBlockingEchoServer(Wsa wsa, boolean ownsWsa, WsaSocket listener,
      InetSocketAddress localAddress, int bufferSize) {
    this.wsa = wsa;
    this.ownsWsa = ownsWsa;
    this.listener = listener;
    this.localAddress = localAddress;
    this.bufferSize = bufferSize;
  }

  /** What the subclass constructor needs: the context and the listening socket it set up. */
  interface Factory<S extends NonBlockingEchoServer> {
    S make(Wsa wsa, boolean ownsWsa, WsaSocket listener, InetSocketAddress local, int bufferSize)
        throws IOException;
  }

  /**
   * Starts a server of the subclass in a context of its own (when {@code config} is given, ended
   * by {@link #close()}) or in {@code shared}.
   */
  static <S extends NonBlockingEchoServer> S start(Factory<S> factory, InetAddress bindAddress,
      int port, int bufferSize, WsaConfig config, Wsa shared) throws IOException {
    Objects.requireNonNull(bindAddress, "bindAddress");
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (bufferSize < 1) {
      throw new IllegalArgumentException("bufferSize < 1: " + bufferSize);
    }
    Wsa wsa = shared != null ? shared : Wsa.startup(config);
    InetSocketAddress local = new InetSocketAddress(bindAddress, port);
    WsaSocket listener = WsaSocket.INVALID_SOCKET;
    try {
      // -- configure: a non-blocking listening socket; accepted sockets inherit the mode --
      int af = bindAddress instanceof Inet6Address ? AF_INET6 : AF_INET;
      listener = wsa.socket(af, SOCK_STREAM, IPPROTO_TCP, null, 0, 0);
      if (listener == WsaSocket.INVALID_SOCKET) {
        throw failure("socket", local);
      }
      SocketAddress[] bound = new SocketAddress[1];
      if (wsa.bind(listener, local) == SOCKET_ERROR) {
        throw failure("bind", local);
      }
      if (wsa.listen(listener, SOMAXCONN) == SOCKET_ERROR) {
        throw failure("listen", local);
      }
      if (wsa.ioctlsocket(listener, FIONBIO, new int[] {1}) == SOCKET_ERROR) {
        throw failure("ioctlsocket(FIONBIO)", local);
      }
      if (wsa.getsockname(listener, bound) == SOCKET_ERROR) {
        throw failure("getsockname", local);
      }
      S server = factory.make(wsa, shared == null, listener, (InetSocketAddress) bound[0],
          bufferSize);
      server.startThreads();
      return server;
    } catch (IOException | RuntimeException e) {
      if (listener != WsaSocket.INVALID_SOCKET) {
        wsa.closesocket(listener);
      }
      if (shared == null) {
        wsa.cleanup();
      }
      throw e;
    }
  }

  /** The prefix of this server's thread names. */
  abstract String threadPrefix();

  /** Makes a worker of this model (not running), or null (last error set). */
  abstract PooledWorker newWorker();

  /**
   * Waits until a connection may be waiting (or the server stops).
   *
   * @return false when the acceptor must end
   */
  abstract boolean awaitConnection();

  /** Called by {@link #close()} after the listener is closed: the acceptor's wait must end. */
  void wakeAcceptor() {}

  final void startThreads() throws IOException {
    String prefix = threadPrefix() + localAddress.getPort() + "-";
    pool = new WorkerPool(this::newWorker, prefix + "worker-");
    if (!pool.prestart(1)) {
      close();
      throw failure("a worker's setup", localAddress);
    }
    acceptThread = new Thread(this::acceptLoop, prefix + "accept");
    acceptThread.setDaemon(true);
    acceptThread.start();
  }

  static IOException failure(String call, InetSocketAddress local) {
    return new IOException(call + " for " + local.getAddress().getHostAddress() + " port "
        + local.getPort() + " failed: " + Errors.describe(Wsa.getLastError()));
  }

  @Override
  public WsaStats stats() {
    return wsa.stats();
  }

  @Override
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  @Override
  public void awaitTermination() throws InterruptedException {
    acceptThread.join();
  }

  private void acceptLoop() {
    while (!stopping && awaitConnection()) {
      // Accept everything waiting: readiness says "at least one", not how many.
      while (true) {
        WsaSocket s = wsa.accept(listener, null);
        if (s == WsaSocket.INVALID_SOCKET) {
          int error = Wsa.getLastError();
          if (stopping) {
            return; // close() closed the listener
          }
          if (error == WSAEWOULDBLOCK) {
            break; // none left: wait again
          }
          LOG.log(WARNING, "accept failed: " + Errors.describe(error));
          if (error == WSAEMFILE || error == WSAENOBUFS) {
            wsa.sleepEx(100, false); // out of resources: let connections close before retrying
          } else if (error != WSAECONNRESET && error != WSAECONNABORTED) {
            return; // the listener is unusable; awaitTermination() returns
          }
          continue;
        }
        // Echo traffic is small writes answering small reads: Nagle's delay only adds latency.
        wsa.setsockopt(s, IPPROTO_TCP, TCP_NODELAY, 1);
        if (!pool.assign(s)) {
          wsa.closesocket(s);
        }
      }
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopping = true;
    boolean interrupted = false;
    try {
      // -- shut down: no new connections, then the workers close theirs --
      wsa.closesocket(listener);
      wakeAcceptor();
      if (acceptThread != null) {
        acceptThread.join(JOIN_MILLIS);
      }
      if (pool != null && !pool.stopAll(JOIN_MILLIS)) {
        LOG.log(WARNING, "a worker did not stop in time; cleaning up regardless");
      }
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      closed();
      // Cleanup also releases any thread still blocked in a call of this context (rule 23).
      if (ownsWsa) {
        wsa.cleanup();
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** After the threads ended: the subclass frees what it holds (events). */
  void closed() {}
}
