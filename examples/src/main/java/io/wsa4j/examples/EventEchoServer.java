package io.wsa4j.examples;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.AF_INET6;
import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.SOCK_STREAM;
import static io.wsa4j.Winsock.SOMAXCONN;
import static io.wsa4j.Winsock.TCP_NODELAY;
import static io.wsa4j.Winsock.WSAECONNABORTED;
import static io.wsa4j.Winsock.WSAECONNRESET;
import static io.wsa4j.Winsock.WSAEMFILE;
import static io.wsa4j.Winsock.WSAENOBUFS;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static java.lang.System.Logger.Level.DEBUG;
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
 * An echo server in the Winsock overlapped-I/O model with event objects: an accepting thread
 * blocked in {@code WSAAccept}, and {@link EventWorker} threads each waiting with
 * {@code WSAWaitForMultipleEvents} on the events of up to 63 {@link EventConnection}s.
 *
 * <pre>{@code
 * try (EventEchoServer server = EventEchoServer.start(
 *     InetAddress.getLoopbackAddress(), 0, 1, 16384, WsaConfig.defaults())) {
 *   int port = server.localAddress().getPort();
 *   ...
 * }
 * }</pre>
 */
public final class EventEchoServer implements EchoServer {
  private static final System.Logger LOG = System.getLogger(EventEchoServer.class.getName());

  /** Receive buffer per connection unless told otherwise. */
  public static final int DEFAULT_BUFFER_SIZE = 16 * 1024;

  /** How long {@link #close()} waits for each thread before cleaning up regardless. */
  private static final long JOIN_MILLIS = 10_000;

  private final Wsa wsa;
  /** Whether {@link #close()} ends {@link #wsa}: only when {@link #start} started it. */
  private final boolean ownsWsa;
  private final WsaSocket listener;
  private final InetSocketAddress localAddress;
  private final WorkerPool pool;
  private final Thread acceptThread;
  /** Set first in {@link #close()}, so that the acceptor takes its failure as the signal to end. */
  private volatile boolean stopping;
  /** Guarded by this. */
  private boolean closed;

  private EventEchoServer(Wsa wsa, boolean ownsWsa, WsaSocket listener,
      InetSocketAddress localAddress, int bufferSize) {
    this.wsa = wsa;
    this.ownsWsa = ownsWsa;
    this.listener = listener;
    this.localAddress = localAddress;
    String prefix = "event-echo-" + localAddress.getPort() + "-";
    this.pool = new WorkerPool(() -> EventWorker.create(wsa, bufferSize, EventConnection::open),
        prefix + "worker-");
    this.acceptThread = new Thread(this::acceptLoop, prefix + "accept");
    acceptThread.setDaemon(true);
  }

  /**
   * Starts a server in a Winsock context of its own, which {@link #close()} ends.
   *
   * @param bindAddress the local address to listen on
   * @param port the port, or 0 for any free one (see {@link #localAddress()})
   * @param workers worker threads started at once; more start when these serve 63 connections each
   * @param bufferSize bytes of each connection's receive buffer
   * @param config the settings of the context
   * @throws IOException if the listening socket cannot be set up (the message names the call and
   *     the Winsock error)
   * @throws IllegalArgumentException if {@code workers} or {@code bufferSize} is below 1
   */
  public static EventEchoServer start(InetAddress bindAddress, int port, int workers,
      int bufferSize, WsaConfig config) throws IOException {
    checkArguments(bindAddress, port, workers, bufferSize);
    Wsa wsa = Wsa.startup(config);
    try {
      return start(wsa, true, new InetSocketAddress(bindAddress, port), workers, bufferSize);
    } catch (IOException | RuntimeException e) {
      wsa.cleanup();
      throw e;
    }
  }

  /**
   * Starts a server in the caller's Winsock context, which {@link #close()} leaves running.
   *
   * @see #start(InetAddress, int, int, int, WsaConfig)
   */
  public static EventEchoServer start(InetAddress bindAddress, int port, int workers,
      int bufferSize, Wsa wsa) throws IOException {
    checkArguments(bindAddress, port, workers, bufferSize);
    Objects.requireNonNull(wsa, "wsa");
    return start(wsa, false, new InetSocketAddress(bindAddress, port), workers, bufferSize);
  }

  private static void checkArguments(InetAddress bindAddress, int port, int workers,
      int bufferSize) {
    Objects.requireNonNull(bindAddress, "bindAddress");
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (workers < 1) {
      throw new IllegalArgumentException("workers < 1: " + workers);
    }
    if (bufferSize < 1) {
      throw new IllegalArgumentException("bufferSize < 1: " + bufferSize);
    }
  }

  private static EventEchoServer start(Wsa wsa, boolean ownsWsa, InetSocketAddress local,
      int workers, int bufferSize) throws IOException {
    // -- configure: an overlapped listening socket; accepted sockets inherit the flag --
    int af = local.getAddress() instanceof Inet6Address ? AF_INET6 : AF_INET;
    WsaSocket listener = wsa.socket(af, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    if (listener == WsaSocket.INVALID_SOCKET) {
      throw failure("WSASocket", local);
    }
    SocketAddress[] bound = new SocketAddress[1];
    EventEchoServer server = null;
    try {
      if (wsa.bind(listener, local) == SOCKET_ERROR) {
        throw failure("bind", local);
      }
      if (wsa.listen(listener, SOMAXCONN) == SOCKET_ERROR) {
        throw failure("listen", local);
      }
      if (wsa.getsockname(listener, bound) == SOCKET_ERROR) {
        throw failure("getsockname", local);
      }
      server = new EventEchoServer(wsa, ownsWsa, listener, (InetSocketAddress) bound[0],
          bufferSize);
      if (!server.pool.prestart(workers)) {
        throw failure("WSACreateEvent", local);
      }
    } catch (IOException | RuntimeException e) {
      if (server != null) {
        server.close(); // stops the workers already started
      } else {
        wsa.closesocket(listener);
      }
      throw e;
    }
    // -- start --
    server.acceptThread.start();
    return server;
  }

  private static IOException failure(String call, InetSocketAddress local) {
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

  /** How many worker threads run now (grows by one per 63 connections beyond the first ones). */
  public int workerCount() {
    return pool.size();
  }

  @Override
  public void awaitTermination() throws InterruptedException {
    acceptThread.join();
  }

  private void acceptLoop() {
    SocketAddress[] peer = new SocketAddress[1];
    while (true) {
      WsaSocket s = wsa.accept(listener, peer);
      if (s == WsaSocket.INVALID_SOCKET) {
        int error = Wsa.getLastError();
        if (stopping) {
          return; // close() closed the listener: WSA_OPERATION_ABORTED or WSAENOTSOCK
        }
        LOG.log(WARNING, "WSAAccept failed: " + Errors.describe(error));
        if (error == WSAEMFILE || error == WSAENOBUFS) {
          wsa.sleepEx(100, false); // out of resources: let connections close before retrying
        } else if (error != WSAECONNRESET && error != WSAECONNABORTED) {
          return; // the listener is unusable; awaitTermination() returns
        }
        continue;
      }
      // Echo traffic is small writes answering small reads: Nagle's delay would only add latency.
      if (wsa.setsockopt(s, IPPROTO_TCP, TCP_NODELAY, 1) == SOCKET_ERROR) {
        int error = Wsa.getLastError();
        LOG.log(DEBUG, () -> s + ": TCP_NODELAY: " + Errors.describe(error));
      }
      if (!pool.assign(s)) {
        wsa.closesocket(s);
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
      acceptThread.join(JOIN_MILLIS);
      if (!pool.stopAll(JOIN_MILLIS)) {
        LOG.log(WARNING, "a worker did not stop in time; cleaning up regardless");
      }
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      // Cleanup also releases any thread still blocked in a call of this context (rule 23).
      if (ownsWsa) {
        wsa.cleanup();
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "EventEchoServer[" + localAddress + ", " + pool.size() + " workers]";
  }
}
