package io.wsa4j.contract;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.SOCK_STREAM;
import static io.wsa4j.Winsock.SOMAXCONN;
import static io.wsa4j.Winsock.STATUS_PENDING;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static io.wsa4j.Winsock.WSA_WAIT_IO_COMPLETION;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaError;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Fixture of the argument and rule contract tests: one {@link Wsa} context per test, JDK peers,
 * workers for blocking calls, and the assertions every failing call shares. One instance per
 * test; {@link #close()} (from {@code @AfterEach}) releases everything it made.
 */
final class ArgsSupport implements AutoCloseable {
  /** Put into the last error and count out-parameters before a call, to see what it writes. */
  static final int SENTINEL = 0x5EED;
  /** Generous bound for anything that must happen "at once" or soon. */
  static final long BOUND_MS = 10_000;
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  /** A TEST-NET-1 address (RFC 5737): never local. */
  static final String NON_LOCAL = "192.0.2.1";

  /** The context under test. */
  final Wsa wsa;
  private Wsa other;
  private ServerSocket peerListener;
  private final List<Wsa> contexts = new ArrayList<>();
  private final Deque<AutoCloseable> jdkSockets = new ArrayDeque<>();
  private final List<Worker<?>> workers = new CopyOnWriteArrayList<>();

  ArgsSupport() {
    wsa = startup();
  }

  // -- contexts and handles --

  /** A new context, cleaned up by {@link #close()}. */
  Wsa startup() {
    return startup(WsaConfig.defaults());
  }

  Wsa startup(WsaConfig config) {
    Wsa w = Wsa.startup(config);
    contexts.add(w);
    return w;
  }

  /** A second context: its handles are foreign to {@link #wsa}. */
  Wsa other() {
    if (other == null) {
      other = startup();
    }
    return other;
  }

  WsaSocket socket() {
    return socket(wsa);
  }

  WsaSocket socket(Wsa ctx) {
    WsaSocket s = ctx.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    assertNotSame(WsaSocket.INVALID_SOCKET, s, () -> "socket() failed: " + lastErrorName());
    return s;
  }

  WsaSocket boundSocket() {
    WsaSocket s = socket();
    assertOk(wsa.bind(s, new InetSocketAddress(LOOPBACK, 0)), "bind");
    return s;
  }

  WsaSocket listener() {
    WsaSocket s = boundSocket();
    assertOk(wsa.listen(s, SOMAXCONN), "listen");
    return s;
  }

  WsaSocket closedSocket() {
    WsaSocket s = socket();
    assertOk(wsa.closesocket(s), "closesocket");
    return s;
  }

  /** A live socket of another context. */
  WsaSocket foreignSocket() {
    return socket(other());
  }

  /** A handle of another provider altogether. */
  static WsaSocket alienSocket() {
    return new WsaSocket(4242) {};
  }

  WsaEvent event() {
    return event(wsa);
  }

  WsaEvent event(Wsa ctx) {
    WsaEvent e = ctx.createEvent();
    assertNotNull(e, () -> "createEvent() failed: " + lastErrorName());
    assertFalse(e.isSignaled(), "a new event is not signaled");
    return e;
  }

  WsaEvent closedEvent() {
    WsaEvent e = event();
    assertTrue(wsa.closeEvent(e), "closeEvent");
    return e;
  }

  WsaEvent foreignEvent() {
    return event(other());
  }

  static WsaEvent alienEvent() {
    return new WsaEvent() {
      @Override
      public boolean isSignaled() {
        return false;
      }
    };
  }

  InetSocketAddress localAddress(WsaSocket s) {
    return localAddress(wsa, s);
  }

  static InetSocketAddress localAddress(Wsa ctx, WsaSocket s) {
    SocketAddress[] out = new SocketAddress[1];
    assertOk(ctx.getsockname(s, out), "getsockname");
    return (InetSocketAddress) out[0];
  }

  // -- JDK peers --

  /** A JDK listener on the loopback, shared by the test. */
  ServerSocket peerListener() throws IOException {
    if (peerListener == null) {
      peerListener = track(new ServerSocket(0, 50, LOOPBACK));
      peerListener.setSoTimeout((int) BOUND_MS);
    }
    return peerListener;
  }

  InetSocketAddress peerAddress() throws IOException {
    return new InetSocketAddress(LOOPBACK, peerListener().getLocalPort());
  }

  /** A loopback port nothing listens on (a listener was just closed there). */
  static InetSocketAddress refusingAddress() throws IOException {
    try (ServerSocket ss = new ServerSocket(0, 1, LOOPBACK)) {
      return new InetSocketAddress(LOOPBACK, ss.getLocalPort());
    }
  }

  Connection connect() throws IOException {
    return connect(wsa);
  }

  /** An overlapped socket of {@code ctx} connected to a JDK peer. */
  Connection connect(Wsa ctx) throws IOException {
    WsaSocket s = socket(ctx);
    assertOk(ctx.connect(s, peerAddress()), "connect");
    Socket peer = track(peerListener().accept());
    peer.setSoTimeout((int) BOUND_MS);
    return new Connection(s, peer);
  }

  /** A JDK client connected to a wsa4j listener (the kernel completes it before accept). */
  Socket connectPeerTo(WsaSocket listener) throws IOException {
    return connectPeerTo(wsa, listener);
  }

  Socket connectPeerTo(Wsa ctx, WsaSocket listener) throws IOException {
    Socket c = track(new Socket());
    c.connect(localAddress(ctx, listener), (int) BOUND_MS);
    c.setSoTimeout((int) BOUND_MS);
    return c;
  }

  <T extends AutoCloseable> T track(T closeable) {
    jdkSockets.push(closeable);
    return closeable;
  }

  /** A wsa4j socket and its JDK peer. */
  record Connection(WsaSocket s, Socket peer) {
    void peerSend(String text) throws IOException {
      peer.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
      peer.getOutputStream().flush();
    }

    String peerRead(int n) throws IOException {
      byte[] b = new byte[n];
      new DataInputStream(peer.getInputStream()).readFully(b);
      return new String(b, StandardCharsets.US_ASCII);
    }
  }

  // -- calls and assertions --

  static String name(int code) {
    return WsaError.name(code) + " (" + code + ")";
  }

  static String lastErrorName() {
    return name(Wsa.getLastError());
  }

  static void assertOk(int rc, String call) {
    assertEquals(0, rc, () -> call + " failed: " + lastErrorName());
  }

  /** {@code rc} is the failure value -1 ({@code SOCKET_ERROR}/{@code WSA_WAIT_FAILED}) with {@code code}. */
  static void assertFails(int code, int rc) {
    int actual = Wsa.getLastError();
    assertEquals(-1, rc, () -> "expected failure " + name(code) + ", returned " + rc
        + " (last error " + name(actual) + ")");
    assertEquals(code, actual, () -> "expected " + name(code) + ", got " + name(actual));
  }

  static void assertFails(int code, boolean result) {
    int actual = Wsa.getLastError();
    assertFalse(result, () -> "expected false with " + name(code));
    assertEquals(code, actual, () -> "expected " + name(code) + ", got " + name(actual));
  }

  static void assertFails(int code, WsaSocket result) {
    int actual = Wsa.getLastError();
    assertEquals(WsaSocket.INVALID_SOCKET, result,
        () -> "expected INVALID_SOCKET with " + name(code));
    assertEquals(code, actual, () -> "expected " + name(code) + ", got " + name(actual));
  }

  /** Whether {@code result} is a call's failure value: -1, false, INVALID_SOCKET or null. */
  static boolean isFailureValue(Object result) {
    if (result instanceof Integer i) {
      return i == -1;
    }
    if (result instanceof Boolean b) {
      return !b;
    }
    return result == null || result == WsaSocket.INVALID_SOCKET;
  }

  /** {@code result} is the call's failure value and the last error is {@code code}. */
  static void assertFailure(int code, Object result) {
    int actual = Wsa.getLastError();
    assertTrue(isFailureValue(result), () -> "expected the failure value with " + name(code)
        + ", returned " + result + " (last error " + name(actual) + ")");
    assertEquals(code, actual, () -> "expected " + name(code) + ", got " + name(actual));
  }

  static void assertLastError(int code) {
    int actual = Wsa.getLastError();
    assertEquals(code, actual, () -> "expected " + name(code) + ", got " + name(actual));
  }

  /** The caller's buffers' positions and limits, to check that no call moved them. */
  static int[] positions(WsaBuf[] buffers) {
    if (buffers == null) {
      return new int[0];
    }
    int[] p = new int[buffers.length * 2];
    for (int i = 0; i < buffers.length; i++) {
      if (buffers[i] != null) {
        p[2 * i] = buffers[i].buf().position();
        p[2 * i + 1] = buffers[i].buf().limit();
      }
    }
    return p;
  }

  static void assertPositionsUnchanged(int[] before, WsaBuf[] buffers) {
    assertArrayEquals(before, positions(buffers), "the caller's position/limit moved");
  }

  // -- send/recv call builder --

  enum Op { SEND, RECV }

  /** How an operation is issued: overlapped with an event, overlapped with a routine, blocking. */
  enum Mode { EVENT, ROUTINE, BLOCKING }

  /** One send/recv call, built valid and then spoiled by a test. */
  final class IoCall {
    final Op op;
    final Mode mode;
    WsaSocket s;
    WsaBuf[] buffers = {WsaBuf.wrap("0123456789abcdef".getBytes(StandardCharsets.US_ASCII))};
    int bufferCount = 1;
    int[] bytes = {SENTINEL};
    int[] recvFlags = {0};
    int sendFlags;
    WsaOverlapped overlapped;
    final Routine routine = new Routine();

    IoCall(Op op, Mode mode, WsaSocket s) {
      this.op = op;
      this.mode = mode;
      this.s = s;
      if (mode != Mode.BLOCKING) {
        // a routine call gets an event too, to show it is never signaled (rule 9)
        overlapped = new WsaOverlapped(event());
      }
    }

    IoCall flags(int flags) {
      sendFlags = flags;
      recvFlags = new int[] {flags};
      return this;
    }

    int invoke() {
      Wsa.setLastError(SENTINEL);
      WsaCompletionRoutine r = mode == Mode.ROUTINE ? routine : null;
      return op == Op.SEND
          ? wsa.send(s, buffers, bufferCount, bytes, sendFlags, overlapped, r)
          : wsa.recv(s, buffers, bufferCount, bytes, recvFlags, overlapped, r);
    }

    @Override
    public String toString() {
      return op.name().toLowerCase() + ", " + mode.name().toLowerCase();
    }
  }

  IoCall ioCall(Op op, Mode mode, WsaSocket s) {
    return new IoCall(op, mode, s);
  }

  /**
   * The call fails at once with {@code code} and, as rule 3 requires of such a call, gives no
   * completion indication; it writes no count and moves no buffer.
   */
  void assertFailsAtOnce(IoCall call, int code) {
    int[] before = positions(call.buffers);
    int rc = call.invoke();
    assertFails(code, rc);
    assertNoCompletionIndication(call);
    assertPositionsUnchanged(before, call.buffers);
    if (call.bytes != null && call.bytes.length > 0) {
      assertEquals(SENTINEL, call.bytes[0], "a failed call wrote its count");
    }
  }

  void assertNoCompletionIndication(IoCall call) {
    WsaOverlapped ov = call.overlapped;
    if (ov != null) {
      assertTrue(ov.internal() != STATUS_PENDING && ov.isCompleted(),
          "a call that failed at once left its token pending");
      assertEquals(0, ov.internalHigh(), "a call that failed at once transferred bytes");
      if (ov.event() != null) {
        assertFalse(ov.event().isSignaled(), "a call that failed at once signaled its event");
      }
    }
    assertEquals(0, wsa.sleepEx(0, true), "a call that failed at once queued a routine");
    assertEquals(0, call.routine.count(), "a routine ran for a call that failed at once");
  }

  /** Blocking receive of exactly {@code n} bytes (in a worker when data may never come). */
  String recvBlocking(WsaSocket s, int n) {
    ByteBuffer all = ByteBuffer.allocate(n);
    while (all.hasRemaining()) {
      WsaBuf b = new WsaBuf(ByteBuffer.allocate(all.remaining()));
      int[] count = {SENTINEL};
      int rc = wsa.recv(s, new WsaBuf[] {b}, 1, count, new int[] {0}, null, null);
      assertOk(rc, "blocking recv");
      assertTrue(count[0] > 0, "connection closed before " + n + " bytes");
      all.put(b.buf().array(), 0, count[0]);
    }
    return new String(all.array(), StandardCharsets.US_ASCII);
  }

  void sendBlocking(WsaSocket s, String text) {
    int[] count = {SENTINEL};
    WsaBuf b = WsaBuf.wrap(text.getBytes(StandardCharsets.US_ASCII));
    assertOk(wsa.send(s, new WsaBuf[] {b}, 1, count, 0, null, null), "blocking send");
    assertEquals(text.length(), count[0]);
  }

  /** Completion routine that records its calls (it runs on the issuing thread). */
  static final class Routine implements WsaCompletionRoutine {
    record Call(int error, int bytes, WsaOverlapped overlapped, int flags, Thread thread) {}

    private final List<Call> calls = new CopyOnWriteArrayList<>();

    @Override
    public void complete(int error, int bytesTransferred, WsaOverlapped overlapped, int flags) {
      calls.add(new Call(error, bytesTransferred, overlapped, flags, Thread.currentThread()));
    }

    int count() {
      return calls.size();
    }

    List<Call> calls() {
      return calls;
    }
  }

  // -- workers for blocking calls --

  @FunctionalInterface
  interface Call<T> {
    T call() throws Exception;
  }

  /** What a worker's call returned, its last error, and its interrupt flag right after. */
  record Outcome<T>(T value, int lastError, boolean interruptFlag) {}

  /** Runs {@code call} on a daemon thread; its result is awaited with a bound. */
  <T> Worker<T> start(String name, Call<T> call) {
    return start(name, false, call);
  }

  /** As {@link #start(String, Call)}, the worker interrupting itself just before the call. */
  <T> Worker<T> start(String name, boolean interruptFirst, Call<T> call) {
    Worker<T> w = new Worker<>(name, interruptFirst, call);
    workers.add(w);
    w.thread.start();
    return w;
  }

  static final class Worker<T> {
    private final String name;
    final Thread thread;
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile T value;
    private volatile int lastError;
    private volatile boolean interruptFlag;
    private volatile Throwable thrown;

    Worker(String name, boolean interruptFirst, Call<T> call) {
      this.name = name;
      this.thread = new Thread(() -> {
        try {
          Wsa.setLastError(SENTINEL);
          started.countDown();
          if (interruptFirst) {
            Thread.currentThread().interrupt();
          }
          value = call.call();
          lastError = Wsa.getLastError();
          interruptFlag = Thread.currentThread().isInterrupted();
        } catch (Throwable t) {
          thrown = t;
        } finally {
          done.countDown();
        }
      }, "contract-" + name);
      thread.setDaemon(true);
    }

    void awaitStarted() throws InterruptedException {
      assertTrue(started.await(BOUND_MS, TimeUnit.MILLISECONDS), name + " did not start");
    }

    boolean isDone() {
      return done.getCount() == 0;
    }

    /** The outcome; fails if the call is still running after {@link #BOUND_MS} or threw. */
    Outcome<T> await() throws InterruptedException {
      if (!done.await(BOUND_MS, TimeUnit.MILLISECONDS)) {
        fail(name + " still blocked after " + BOUND_MS + " ms:\n"
            + Arrays.toString(thread.getStackTrace()).replace(", ", "\n  "));
      }
      if (thrown != null) {
        fail(name + " threw", thrown);
      }
      return new Outcome<>(value, lastError, interruptFlag);
    }

    /** Waits until the worker is blocked inside the library (not merely started). */
    void awaitBlockedInLibrary() throws InterruptedException {
      awaitStarted();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BOUND_MS);
      while (System.nanoTime() < deadline) {
        Thread.State st = thread.getState();
        if (st == Thread.State.TERMINATED) {
          return; // returned at once: await() shows what it returned
        }
        if ((st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING)
            && insideLibrary(thread.getStackTrace())) {
          return;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
      fail(name + " never blocked inside the library");
    }

    private static boolean insideLibrary(StackTraceElement[] stack) {
      for (StackTraceElement e : stack) {
        String c = e.getClassName();
        if (c.startsWith("io.wsa4j.") && !c.startsWith("io.wsa4j.contract.")) {
          return true;
        }
      }
      return false;
    }
  }

  /** Live threads whose names start with the implementation's I/O thread prefix. */
  static List<Thread> ioThreads() {
    List<Thread> found = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("wsa4j-io-") && t.isAlive()) {
        found.add(t);
      }
    }
    return found;
  }

  // -- teardown --

  @Override
  public void close() throws Exception {
    Exception first = null;
    while (!jdkSockets.isEmpty()) {
      try {
        jdkSockets.pop().close();
      } catch (Exception e) {
        first = addTo(first, e);
      }
    }
    for (Wsa w : contexts) {
      w.cleanup(); // SOCKET_ERROR for a context the test already cleaned up: fine
    }
    for (Worker<?> w : workers) {
      w.thread.join(BOUND_MS);
      if (w.thread.isAlive()) {
        w.thread.interrupt();
        first = addTo(first, new IllegalStateException(w.name + " outlived cleanup"));
      }
    }
    // routines queued to this thread and never run must not leak into the next test
    for (int i = 0; i < 1000 && wsa.sleepEx(0, true) == WSA_WAIT_IO_COMPLETION; i++) {
      // drained one batch
    }
    if (first != null) {
      throw first;
    }
  }

  private static Exception addTo(Exception first, Exception e) {
    if (first == null) {
      return e;
    }
    first.addSuppressed(e);
    return first;
  }
}
