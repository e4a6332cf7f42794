package io.wsa4j.examples;

import static io.wsa4j.Winsock.*;
import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import io.wsa4j.WsaStats;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

/**
 * The completion-routine echo server: an accepting thread hands each new socket to one I/O thread,
 * which posts every receive and send with a completion routine and spends its life in an alertable
 * {@code WSAWaitForMultipleEvents}. Routines run on that thread only, so connections need no locks:
 * the receive routine posts the echo, the send routine posts the next receive.
 *
 * <p>One buffer per connection, one operation outstanding: a client that does not read its echo
 * stops being read from.
 */
public final class RoutineEchoServer implements EchoServer {
  private static final System.Logger LOG = System.getLogger(RoutineEchoServer.class.getName());
  private static final long JOIN_MILLIS = 10_000;

  /** One client: its socket, buffer and token (the token's attachment is the connection). */
  private static final class Connection {
    final WsaSocket socket;
    final WsaBuf buffer;
    final WsaBuf[] one = new WsaBuf[1];
    final int[] flags = new int[1];
    final WsaOverlapped io = new WsaOverlapped();

    Connection(WsaSocket socket, int bufferSize) {
      this.socket = socket;
      this.buffer = WsaBuf.allocateDirect(bufferSize);
      io.attach(this);
    }
  }

  private final Wsa wsa;
  private final boolean ownsWsa;
  private final int bufferSize;
  private final WsaSocket listener;
  private final InetSocketAddress localAddress;
  /** Signaled when the acceptor queued sockets in {@link #handoff}, or to stop. */
  private final WsaEvent wakeUp;
  private final ConcurrentLinkedQueue<WsaSocket> handoff = new ConcurrentLinkedQueue<>();
  /** Open connections; touched only on the I/O thread. */
  private final Set<Connection> connections = new HashSet<>();
  private final Thread acceptThread;
  private final Thread ioThread;
  private final CountDownLatch terminated = new CountDownLatch(1);
  private volatile boolean stopping;

  /** The routines, made once: each reads its connection from the token's attachment. */
  private final WsaCompletionRoutine received = this::received;
  private final WsaCompletionRoutine sent = this::sent;

  private RoutineEchoServer(Wsa wsa, boolean ownsWsa, int bufferSize, WsaSocket listener,
      InetSocketAddress localAddress, WsaEvent wakeUp) {
    this.wsa = wsa;
    this.ownsWsa = ownsWsa;
    this.bufferSize = bufferSize;
    this.listener = listener;
    this.localAddress = localAddress;
    this.wakeUp = wakeUp;
    String prefix = "routine-echo-" + localAddress.getPort() + "-";
    this.acceptThread = new Thread(this::acceptLoop, prefix + "accept");
    this.ioThread = new Thread(this::ioLoop, prefix + "io");
    acceptThread.setDaemon(true);
    ioThread.setDaemon(true);
  }

  /**
   * Starts a server in a Winsock context of its own, which {@link #close()} ends.
   *
   * @throws IOException if the address cannot be bound (the message names the Winsock error)
   */
  public static RoutineEchoServer start(InetAddress bind, int port, int bufferSize,
      WsaConfig config) throws IOException {
    Wsa wsa = Wsa.startup(config);
    try {
      return start(bind, port, bufferSize, wsa, true);
    } catch (IOException | RuntimeException e) {
      wsa.cleanup();
      throw e;
    }
  }

  /**
   * Starts a server in the caller's Winsock context, which {@link #close()} leaves running.
   *
   * @see #start(InetAddress, int, int, WsaConfig)
   */
  public static RoutineEchoServer start(InetAddress bind, int port, int bufferSize, Wsa wsa)
      throws IOException {
    return start(bind, port, bufferSize, wsa, false);
  }

  private static RoutineEchoServer start(InetAddress bind, int port, int bufferSize, Wsa wsa,
      boolean ownsWsa) throws IOException {
    int af = bind instanceof Inet6Address ? AF_INET6 : AF_INET;
    WsaSocket listener = wsa.socket(af, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    wsa.setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, 1);
    if (wsa.bind(listener, new InetSocketAddress(bind, port)) != 0
        || wsa.listen(listener, SOMAXCONN) != 0) {
      IOException e = new IOException("bind/listen failed: "
          + Errors.describe(Wsa.getLastError()));
      wsa.closesocket(listener);
      throw e;
    }
    SocketAddress[] local = new SocketAddress[1];
    wsa.getsockname(listener, local);
    RoutineEchoServer server = new RoutineEchoServer(wsa, ownsWsa, bufferSize, listener,
        (InetSocketAddress) local[0], wsa.createEvent());
    server.ioThread.start();
    server.acceptThread.start();
    return server;
  }

  @Override
  public WsaStats stats() {
    return wsa.stats();
  }

  @Override
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  // -- the accepting thread: blocking WSAAccept, hand-off to the I/O thread --

  private void acceptLoop() {
    while (!stopping) {
      WsaSocket s = wsa.accept(listener, null);
      if (s == WsaSocket.INVALID_SOCKET) {
        if (!stopping) {
          LOG.log(WARNING, "accept failed: " + Errors.describe(Wsa.getLastError()));
        }
        continue;
      }
      wsa.setsockopt(s, IPPROTO_TCP, TCP_NODELAY, 1);
      handoff.add(s);
      wsa.setEvent(wakeUp);
    }
  }

  // -- the I/O thread: alertable waits; everything else happens in routines --

  private void ioLoop() {
    WsaEvent[] events = {wakeUp};
    while (!stopping) {
      int r = wsa.waitForMultipleEvents(1, events, false, WSA_INFINITE, true);
      if (r == WSA_WAIT_EVENT_0) {
        wsa.resetEvent(wakeUp);
        for (WsaSocket s; (s = handoff.poll()) != null; ) {
          Connection c = new Connection(s, bufferSize);
          connections.add(c);
          postRecv(c);
        }
      } else if (r == WSA_WAIT_FAILED) {
        if (!stopping) {
          LOG.log(WARNING, "wait failed: " + Errors.describe(Wsa.getLastError()));
        }
        return;
      }
      // WSA_WAIT_IO_COMPLETION: routines ran; wait again
    }
    for (Connection c : connections) {
      wsa.closesocket(c.socket); // their routines are never run: this thread stops waiting
    }
    connections.clear();
  }

  private void postRecv(Connection c) {
    c.one[0] = c.buffer.len(bufferSize);
    started(c, wsa.recv(c.socket, c.one, 1, null, c.flags, c.io, received));
  }

  /**
   * Judges a post. 0 means it finished during the call, but its routine is queued all the same
   * (rule 25) and runs in this thread's next alertable wait: handling it here as well would echo
   * twice, so 0 and {@code WSA_IO_PENDING} alike leave it to the routine. Any other error: the
   * operation never started and no routine will run.
   */
  private void started(Connection c, int result) {
    if (result != 0 && Wsa.getLastError() != WSA_IO_PENDING) {
      drop(c, Wsa.getLastError());
    }
  }

  private void received(int error, int bytes, WsaOverlapped io, int flags) {
    Connection c = (Connection) io.attachment();
    if (error != 0 || bytes == 0) {
      drop(c, error);
      return;
    }
    c.one[0] = c.buffer.len(bytes);
    started(c, wsa.send(c.socket, c.one, 1, null, 0, c.io, sent));
  }

  private void sent(int error, int bytes, WsaOverlapped io, int flags) {
    Connection c = (Connection) io.attachment();
    if (error != 0) {
      drop(c, error);
    } else {
      postRecv(c);
    }
  }

  private void drop(Connection c, int error) {
    if (connections.remove(c)) {
      if (error != 0 && error != WSA_OPERATION_ABORTED) {
        LOG.log(DEBUG, "connection closed: " + Errors.describe(error));
      }
      wsa.closesocket(c.socket);
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
    wsa.closesocket(listener); // ends the blocking accept
    wsa.setEvent(wakeUp); // ends the I/O thread's wait
    join(acceptThread);
    join(ioThread);
    for (WsaSocket s; (s = handoff.poll()) != null; ) {
      wsa.closesocket(s);
    }
    wsa.closeEvent(wakeUp);
    if (ownsWsa) {
      wsa.cleanup();
    }
    LOG.log(INFO, "RoutineEchoServer on " + localAddress + " stopped");
    terminated.countDown();
  }

  private static void join(Thread t) {
    try {
      t.join(JOIN_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
