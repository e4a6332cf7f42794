package io.wsa4j.benchmarks.soak;

import static io.wsa4j.Winsock.*;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A compact completion-port echo server for the soak: AcceptEx kept posted on the listener, one
 * operation outstanding per connection (zero-byte receive, then a real receive into a buffer, then
 * the send of what it got), {@code workers} threads in a {@code GetQueuedCompletionStatus} loop.
 *
 * <p>Every token counts its own completions ({@link Token#inFlight}): posting sets it, the packet
 * clears it; a packet for a token that was not in flight is a completion seen twice, and a token
 * still in flight once the server has shut down and drained its port never completed.
 */
final class SoakEchoServer implements AutoCloseable {
  private static final long LISTENER_KEY = 1;
  private static final long CONNECTION_KEY = 2;
  private static final long SHUTDOWN_KEY = -1;
  private static final int ACCEPTS_POSTED = 16;
  private static final int BUFFER_SIZE = 16 * 1024;

  /** A token that knows whether an operation is in flight on it. */
  static final class Token extends WsaOverlapped {
    enum Kind { ACCEPT, ZERO_RECV, RECV, SEND }

    final AtomicInteger inFlight = new AtomicInteger();
    Kind kind;
    Conn conn;
    WsaSocket acceptSocket;
  }

  /** One accepted connection; only the worker handling its packet touches it. */
  static final class Conn {
    final WsaSocket socket;
    final Token token = new Token();
    final WsaBuf buffer = WsaBuf.allocate(BUFFER_SIZE);
    final WsaBuf[] one = new WsaBuf[1];
    final int[] flags = new int[1];
    volatile boolean closed;

    Conn(WsaSocket socket) {
      this.socket = socket;
      token.conn = this;
    }
  }

  private final Wsa wsa;
  private final SoakCounters counters;
  private final WsaSocket listener;
  private final WsaCompletionPort port;
  private final InetSocketAddress address;
  private final Set<Conn> conns = ConcurrentHashMap.newKeySet();
  /** Every token ever posted that may still be in flight (accepts, connections). */
  private final Set<Token> live = ConcurrentHashMap.newKeySet();
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean stopping;

  SoakEchoServer(Wsa wsa, SoakCounters counters, int workerCount) throws IOException {
    this.wsa = wsa;
    this.counters = counters;
    listener = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    check(listener != WsaSocket.INVALID_SOCKET, "socket");
    check(wsa.bind(listener, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)) == 0,
        "bind");
    check(wsa.listen(listener, SOMAXCONN) == 0, "listen");
    port = wsa.createIoCompletionPort(listener, null, LISTENER_KEY, workerCount);
    check(port != null, "CreateIoCompletionPort");
    SocketAddress[] local = new SocketAddress[1];
    check(wsa.getsockname(listener, local) == 0, "getsockname");
    address = (InetSocketAddress) local[0];
    for (int i = 0; i < workerCount; i++) {
      Thread t = new Thread(this::workerLoop, "soak-server-worker-" + i);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
    for (int i = 0; i < ACCEPTS_POSTED; i++) {
      postAccept();
    }
  }

  private static void check(boolean ok, String call) throws IOException {
    if (!ok) {
      throw new IOException(call + " failed: " + io.wsa4j.WsaError.name(Wsa.getLastError()));
    }
  }

  InetSocketAddress address() {
    return address;
  }

  int connections() {
    return conns.size();
  }

  // -- token accounting --

  /** Records a started operation; false if the call failed at once (no completion will come). */
  private boolean started(Token t, boolean ok) {
    int code = Wsa.getLastError();
    if (ok || code == WSA_IO_PENDING || code == ERROR_IO_PENDING) {
      return true;
    }
    // failed at once: no completion indication, so the token is not in flight
    if (t.inFlight.decrementAndGet() != 0) {
      counters.twice.incrementAndGet();
    }
    live.remove(t);
    counters.error("server-post", code);
    return false;
  }

  private void arm(Token t) {
    if (t.inFlight.getAndIncrement() != 0) {
      counters.twice.incrementAndGet(); // posted while still in flight: the accounting is broken
    }
    live.add(t);
    counters.serverPosted.incrementAndGet();
  }

  private void completedOnce(Token t) {
    if (t.inFlight.getAndDecrement() != 1) {
      counters.twice.incrementAndGet();
      t.inFlight.set(0);
    }
    counters.serverCompleted.incrementAndGet();
  }

  // -- worker --

  private void workerLoop() {
    int[] bytes = new int[1];
    long[] key = new long[1];
    WsaOverlapped[] ov = new WsaOverlapped[1];
    for (;;) {
      boolean ok = wsa.getQueuedCompletionStatus(port, bytes, key, ov, WSA_INFINITE);
      int error = ok ? 0 : Wsa.getLastError();
      if (ov[0] == null) {
        if (ok && key[0] == SHUTDOWN_KEY) {
          return;
        }
        if (error == ERROR_ABANDONED_WAIT_0 || error == WSANOTINITIALISED) {
          return;
        }
        counters.error("server-gqcs", error);
        continue;
      }
      Token t = (Token) ov[0];
      completedOnce(t);
      if (error != 0) {
        counters.error("server-" + t.kind, error);
      }
      try {
        handle(t, error, bytes[0]);
      } catch (RuntimeException e) {
        counters.error("server-exception", -1);
        e.printStackTrace();
      }
    }
  }

  private void handle(Token t, int error, int n) {
    switch (t.kind) {
      case ACCEPT -> acceptDone(t, error);
      case ZERO_RECV -> {
        if (error != 0) {
          retire(t.conn);
        } else {
          postRecv(t.conn);
        }
      }
      case RECV -> {
        if (error != 0 || n == 0) {
          retire(t.conn);
        } else {
          postSend(t.conn, n);
        }
      }
      case SEND -> {
        if (error != 0) {
          retire(t.conn);
        } else {
          postZeroRecv(t.conn);
        }
      }
      default -> throw new AssertionError(t.kind);
    }
  }

  private void postAccept() {
    if (stopping) {
      return;
    }
    WsaSocket s = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    if (s == WsaSocket.INVALID_SOCKET) {
      counters.error("server-socket", Wsa.getLastError());
      return;
    }
    Token t = new Token();
    t.kind = Token.Kind.ACCEPT;
    t.acceptSocket = s;
    arm(t);
    if (!started(t, wsa.acceptEx(listener, s, null, 0, null, t))) {
      wsa.closesocket(s);
    }
  }

  private void acceptDone(Token t, int error) {
    live.remove(t);
    WsaSocket s = t.acceptSocket;
    if (error != 0) {
      wsa.closesocket(s);
      postAccept();
      return;
    }
    postAccept();
    if (stopping || wsa.createIoCompletionPort(s, port, CONNECTION_KEY, 0) == null) {
      wsa.closesocket(s);
      return;
    }
    wsa.setsockopt(s, IPPROTO_TCP, TCP_NODELAY, 1);
    Conn c = new Conn(s);
    conns.add(c);
    counters.serverAccepted.incrementAndGet();
    postZeroRecv(c);
  }

  private void postZeroRecv(Conn c) {
    c.token.kind = Token.Kind.ZERO_RECV;
    c.one[0] = c.buffer.len(0);
    c.flags[0] = 0;
    arm(c.token);
    if (!started(c.token, wsa.recv(c.socket, c.one, 1, null, c.flags, c.token, null) == 0)) {
      retire(c);
    }
  }

  private void postRecv(Conn c) {
    c.token.kind = Token.Kind.RECV;
    c.one[0] = c.buffer.len(BUFFER_SIZE);
    c.flags[0] = 0;
    arm(c.token);
    if (!started(c.token, wsa.recv(c.socket, c.one, 1, null, c.flags, c.token, null) == 0)) {
      retire(c);
    }
  }

  private void postSend(Conn c, int n) {
    c.token.kind = Token.Kind.SEND;
    c.one[0] = c.buffer.len(n);
    arm(c.token);
    if (!started(c.token, wsa.send(c.socket, c.one, 1, null, 0, c.token, null) == 0)) {
      retire(c);
    }
  }

  private void retire(Conn c) {
    if (conns.remove(c)) {
      c.closed = true;
      live.remove(c.token);
      wsa.closesocket(c.socket);
    }
  }

  /**
   * Stops accepting, closes every connection, lets the workers drain the aborted packets, then
   * stops them.
   *
   * @return how many tokens never completed
   */
  int shutdown(long drainMillis) throws InterruptedException {
    stopping = true;
    wsa.closesocket(listener);
    for (Conn c : conns) {
      if (conns.remove(c)) {
        wsa.closesocket(c.socket); // its pending op is aborted: the worker sees the packet
      }
    }
    long deadline = System.nanoTime() + drainMillis * 1_000_000L;
    while (countInFlight() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    int never = countInFlight();
    for (int i = 0; i < workers.size(); i++) {
      wsa.postQueuedCompletionStatus(port, 0, SHUTDOWN_KEY, null);
    }
    for (Thread w : workers) {
      w.join(10_000);
    }
    wsa.closeHandle(port);
    return never;
  }

  /** Tokens whose operation was posted and has not completed. */
  private int countInFlight() {
    int n = 0;
    for (Token t : live) {
      if (t.inFlight.get() != 0) {
        n++;
      }
    }
    return n;
  }

  @Override
  public void close() throws InterruptedException {
    if (!stopping) {
      shutdown(10_000);
    }
  }
}
