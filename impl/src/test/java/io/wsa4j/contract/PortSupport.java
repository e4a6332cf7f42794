package io.wsa4j.contract;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.ERROR_IO_PENDING;
import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.SOCK_STREAM;
import static io.wsa4j.Winsock.SOMAXCONN;
import static io.wsa4j.Winsock.WAIT_TIMEOUT;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static io.wsa4j.Winsock.WSA_IO_PENDING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaError;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * Fixture of the completion-port contract tests (API.md rules 7, 9, 13, 14, 21, 22): a fresh
 * {@link Wsa} per test, plain JDK peers on the loopback address, and helpers that dequeue packets
 * and check how overlapped calls started.
 *
 * <p>Payloads are random from one seed per run, printed once; replay with
 * {@code -Dwsa4j.seed=<seed>}. Peers, background threads and the {@code Wsa} are cleaned up after
 * every test; a background thread that failed fails the test.
 */
abstract class PortSupport {

  /** The run's seed: {@code -Dwsa4j.seed}, else the clock. */
  static final long SEED = Long.getLong("wsa4j.seed", System.nanoTime());

  static {
    System.out.println("wsa4j port contract tests: seed " + SEED + " (replay with -Dwsa4j.seed="
        + SEED + ")");
  }

  /** Generous bound for every wait that must succeed. */
  static final int WAIT_MS = 10_000;
  /**
   * How long a poll for a packet that must not come waits. Only ever used after the event that
   * would have caused the packet: a correct implementation passes whatever its length.
   */
  static final int NO_PACKET_MS = 200;
  /** What count out-parameters hold before a call; "untouched" means still this. */
  static final int COUNT_SENTINEL = 0xdeadbeef;
  /** What key out-parameters hold before a call. */
  static final long KEY_SENTINEL = 0xdeadbeefcafeL;
  /** What overlapped out-parameters hold before a call: never the result of a real packet. */
  static final WsaOverlapped TOKEN_SENTINEL = new WsaOverlapped();

  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /** How a test's buffers are made: heap or direct. */
  enum BufKind {
    HEAP,
    DIRECT;

    WsaBuf make(int len) {
      return this == HEAP ? WsaBuf.allocate(len) : WsaBuf.allocateDirect(len);
    }
  }

  /** The context under test. */
  protected Wsa wsa;
  /** This test's random source, from {@link #SEED} and the test's name. */
  protected Random rnd;

  private boolean cleanedUp;
  private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
  private final List<Thread> threads = new ArrayList<>();
  private final List<FutureTask<?>> tasks = new ArrayList<>();

  @BeforeEach
  final void startup(TestInfo info) {
    rnd = new Random(SEED ^ (getClass().getName() + '#' + info.getDisplayName()).hashCode());
    wsa = Wsa.startup();
    assertNotNull(wsa, "Wsa.startup");
  }

  @AfterEach
  final void tearDown() throws Exception {
    Exception first = null;
    while (!closeables.isEmpty()) {
      try {
        closeables.pop().close();
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    if (!cleanedUp) {
      assertEquals(0, wsa.cleanup(), "cleanup");
    }
    for (Thread t : threads) {
      t.join(WAIT_MS);
      assertFalse(t.isAlive(), t.getName() + " still running after cleanup");
    }
    for (FutureTask<?> task : tasks) {
      if (task.isDone() && !task.isCancelled()) {
        task.get(); // rethrows what failed in the background
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Calls {@code wsa.cleanup()} now (the test is about it); tear-down then skips it. */
  protected int cleanupNow() {
    cleanedUp = true;
    return wsa.cleanup();
  }

  /** Closes {@code c} after the test, before the context is cleaned up. */
  protected <T extends AutoCloseable> T track(T c) {
    closeables.push(c);
    return c;
  }

  // -- background work --

  /** Runs {@code body} on a named daemon thread; its outcome is read through the future. */
  protected <T> FutureTask<T> inBackground(String name, Callable<T> body) {
    FutureTask<T> task = new FutureTask<>(body);
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    threads.add(t);
    tasks.add(task);
    t.start();
    return task;
  }

  /** The task's result, waiting at most {@link #WAIT_MS}. */
  protected static <T> T result(FutureTask<T> task) throws Exception {
    try {
      return task.get(WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception) {
        throw (Exception) e.getCause();
      }
      throw e;
    } catch (TimeoutException e) {
      throw new AssertionError("background task did not finish in " + WAIT_MS + " ms", e);
    }
  }

  /**
   * Waits until {@code t} is parked (WAITING or TIMED_WAITING): the only way to know a thread sits
   * in a blocking call. Polls the thread's state, never the system under test.
   */
  protected static void awaitParked(Thread t) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    for (;;) {
      Thread.State st = t.getState();
      if (st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING) {
        return;
      }
      if (st == Thread.State.TERMINATED) {
        fail(t.getName() + " ended instead of waiting");
      }
      if (System.nanoTime() > deadline) {
        fail(t.getName() + " never parked; state " + st);
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  /** The thread running {@code task}, started by {@link #inBackground}. */
  protected Thread threadOf(FutureTask<?> task) {
    return threads.get(tasks.indexOf(task));
  }

  // -- data --

  protected byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  /** The first {@code n} bytes of {@code buf}'s region. */
  protected static byte[] bytesOf(WsaBuf buf, int n) {
    byte[] out = new byte[n];
    buf.buf().get(buf.buf().position(), out);
    return out;
  }

  protected static byte[] readFully(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    assertEquals(n, b.length, "the peer read fewer bytes than expected (EOF)");
    return b;
  }

  /** Exactly {@code n} bytes from {@code s}, by blocking receives (each bounded by {@link #WAIT_MS}). */
  protected byte[] recvFully(WsaSocket s, int n) {
    byte[] out = new byte[n];
    int[] count = new int[1];
    for (int off = 0; off < n; off += count[0]) {
      WsaBuf[] part = {WsaBuf.wrap(out, off, n - off)};
      int done = off;
      int rc = withDeadline(() -> wsa.recv(s, part, 1, count, new int[1], null, null),
          () -> "no data within " + WAIT_MS + " ms after " + done + " of " + n + " bytes");
      assertEquals(0, rc, PortSupport::lastError);
      assertTrue(count[0] > 0, "the connection closed after " + off + " of " + n + " bytes");
    }
    return out;
  }

  /**
   * Runs a blocking wsa4j call, interrupting it if it has not returned within {@link #WAIT_MS}
   * (blocking calls then return with {@code WSAEINTR}): a hung call fails the test quickly, with
   * {@code what} as the message.
   */
  protected static int withDeadline(IntSupplier call,
      Supplier<String> what) {
    Thread self = Thread.currentThread();
    ScheduledFuture<?> alarm = ALARMS.schedule(self::interrupt, WAIT_MS, TimeUnit.MILLISECONDS);
    int rc;
    try {
      rc = call.getAsInt();
    } finally {
      alarm.cancel(false);
    }
    if (alarm.isDone() && !alarm.isCancelled()) {
      Thread.interrupted();
      fail(what.get());
    }
    return rc;
  }

  private static final ScheduledExecutorService ALARMS =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "port-test-deadline");
        t.setDaemon(true);
        return t;
      });

  // -- sockets --

  /** A fresh overlapped TCP socket of the context. */
  protected WsaSocket newSocket() {
    WsaSocket s = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    assertNotSame(WsaSocket.INVALID_SOCKET, s, () -> "socket: " + lastError());
    return s;
  }

  /** An overlapped socket bound to the loopback address, any port. */
  protected WsaSocket boundSocket() {
    WsaSocket s = newSocket();
    assertEquals(0, wsa.bind(s, new InetSocketAddress(LOOPBACK, 0)), () -> "bind: " + lastError());
    return s;
  }

  /** A listening wsa4j socket on the loopback address. */
  protected WsaSocket listener() {
    WsaSocket s = boundSocket();
    assertEquals(0, wsa.listen(s, SOMAXCONN), () -> "listen: " + lastError());
    return s;
  }

  protected InetSocketAddress localAddress(WsaSocket s) {
    SocketAddress[] out = new SocketAddress[1];
    assertEquals(0, wsa.getsockname(s, out), () -> "getsockname: " + lastError());
    return (InetSocketAddress) out[0];
  }

  /** A JDK listener on the loopback address, closed after the test. */
  protected ServerSocket jdkServer() throws IOException {
    return track(new ServerSocket(0, 50, LOOPBACK));
  }

  /** A JDK client connected to {@code address}, closed after the test. */
  protected Socket jdkClient(InetSocketAddress address) throws IOException {
    Socket s = track(new Socket());
    s.connect(address, WAIT_MS);
    s.setTcpNoDelay(true);
    return s;
  }

  /** A loopback port nobody listens on (taken from the OS, then released). */
  protected static InetSocketAddress refusingAddress() throws IOException {
    try (ServerSocket ss = new ServerSocket(0, 1, LOOPBACK)) {
      return new InetSocketAddress(LOOPBACK, ss.getLocalPort());
    }
  }

  /** A wsa4j socket connected (blocking connect) to a JDK peer. */
  record Conn(WsaSocket lib, Socket peer) {}

  protected Conn connectToJdk() throws IOException {
    ServerSocket server = jdkServer();
    WsaSocket s = newSocket();
    assertEquals(0, wsa.connect(s, server.getLocalSocketAddress()), () -> "connect: " + lastError());
    server.setSoTimeout(WAIT_MS);
    Socket peer = track(server.accept());
    peer.setTcpNoDelay(true);
    return new Conn(s, peer);
  }

  /** Makes the peer's close abortive: the wsa4j side sees a reset. */
  protected static void resetPeer(Socket peer) throws IOException {
    peer.setSoLinger(true, 0);
    peer.close();
  }

  // -- starting operations --

  protected static String lastError() {
    int code = Wsa.getLastError();
    return code + " " + WsaError.name(code);
  }

  /** An overlapped receive into {@code bufs}, which must be pending now (no data can be there). */
  protected void startPendingRecv(WsaSocket s, WsaOverlapped ov, WsaBuf... bufs) {
    int rc = wsa.recv(s, bufs, bufs.length, null, new int[] {0}, ov, null);
    assertPending(rc, "recv");
  }

  /** An overlapped receive into {@code bufs}: pending, or completed at once (rule 2). */
  protected void startRecv(WsaSocket s, WsaOverlapped ov, WsaBuf... bufs) {
    int rc = wsa.recv(s, bufs, bufs.length, new int[1], new int[] {0}, ov, null);
    assertStarted(rc, "recv");
  }

  /** An overlapped send of {@code bufs}: pending, or completed at once (rule 2). */
  protected void startSend(WsaSocket s, WsaOverlapped ov, WsaBuf... bufs) {
    int rc = wsa.send(s, bufs, bufs.length, new int[1], 0, ov, null);
    assertStarted(rc, "send");
  }

  protected static void assertPending(int rc, String call) {
    int code = Wsa.getLastError();
    assertEquals(SOCKET_ERROR, rc, call + " should be pending");
    assertEquals(WSA_IO_PENDING, code, () -> call + ": " + code + " " + WsaError.name(code));
  }

  protected static void assertStarted(int rc, String call) {
    if (rc != 0) {
      assertPending(rc, call);
    }
  }

  /** AcceptEx or ConnectEx started: true (immediate) or false with ERROR_IO_PENDING. */
  protected static void assertStarted(boolean ok, String call) {
    if (!ok) {
      int code = Wsa.getLastError();
      assertEquals(ERROR_IO_PENDING, code, () -> call + ": " + code + " " + WsaError.name(code));
    }
  }

  /** A boolean call failed at once with {@code expected}. */
  protected static void assertFailsWith(int expected, boolean ok, String call) {
    int code = Wsa.getLastError();
    assertFalse(ok, call + " should fail");
    assertEquals(expected, code, () -> call + ": expected " + WsaError.name(expected) + ", got "
        + code + " " + WsaError.name(code));
  }

  /** An int call failed at once with {@code expected}. */
  protected static void assertFailsWith(int expected, int rc, String call) {
    int code = Wsa.getLastError();
    assertEquals(SOCKET_ERROR, rc, call + " should fail");
    assertEquals(expected, code, () -> call + ": expected " + WsaError.name(expected) + ", got "
        + code + " " + WsaError.name(code));
  }

  /** The outcome of one overlapped operation, by {@code getOverlappedResult(wait=true)}. */
  record Outcome(boolean ok, int error, int bytes) {}

  protected Outcome await(WsaSocket s, WsaOverlapped ov) {
    int[] n = {COUNT_SENTINEL};
    int[] error = new int[1];
    int ok = withDeadline(() -> {
      boolean done = wsa.getOverlappedResult(s, ov, n, true, new int[1]);
      error[0] = done ? 0 : Wsa.getLastError();
      return done ? 1 : 0;
    }, () -> ov + " did not complete within " + WAIT_MS + " ms");
    return new Outcome(ok == 1, error[0], n[0]);
  }

  /** Waits for a successful completion and returns its count. */
  protected int awaitSuccess(WsaSocket s, WsaOverlapped ov) {
    Outcome o = await(s, ov);
    assertTrue(o.ok(), () -> "operation failed: " + o.error() + " " + WsaError.name(o.error()));
    return o.bytes();
  }

  // -- completion ports --

  /** What one {@code getQueuedCompletionStatus} call returned and wrote. */
  record Dequeued(boolean ok, int error, int bytes, long key, WsaOverlapped overlapped) {
    @Override
    public String toString() {
      return "Dequeued[ok=" + ok + ", error=" + error + " " + WsaError.name(error) + ", bytes="
          + bytes + ", key=" + key + ", " + overlapped + "]";
    }
  }

  protected WsaCompletionPort newPort() {
    WsaCompletionPort p = wsa.createIoCompletionPort(null, null, 0, 0);
    assertNotNull(p, () -> "createIoCompletionPort: " + lastError());
    return p;
  }

  /** Associates {@code s} with {@code port} under {@code key}; the port is returned. */
  protected void associate(WsaSocket s, WsaCompletionPort port, long key) {
    WsaCompletionPort got = wsa.createIoCompletionPort(s, port, key, 0);
    assertTrue(got == port, () -> "associate: got " + got + ", " + lastError());
  }

  /** One {@code getQueuedCompletionStatus} with sentinel out-parameters. */
  protected Dequeued gqcs(WsaCompletionPort port, int timeoutMillis) {
    int[] n = {COUNT_SENTINEL};
    long[] key = {KEY_SENTINEL};
    WsaOverlapped[] ov = {TOKEN_SENTINEL};
    boolean ok = wsa.getQueuedCompletionStatus(port, n, key, ov, timeoutMillis);
    int error = ok ? 0 : Wsa.getLastError();
    return new Dequeued(ok, error, n[0], key[0], ov[0]);
  }

  /** The next packet, which must come within {@link #WAIT_MS}. */
  protected Dequeued awaitPacket(WsaCompletionPort port) {
    Dequeued d = gqcs(port, WAIT_MS);
    assertTrue(d.overlapped() != TOKEN_SENTINEL, "overlapped out-parameter not written");
    if (!d.ok() && d.overlapped() == null) {
      fail("no packet within " + WAIT_MS + " ms: " + d);
    }
    return d;
  }

  /** No packet is queued: a short wait times out as rule 21 says. */
  protected void assertNoPacket(WsaCompletionPort port) {
    Dequeued d = gqcs(port, NO_PACKET_MS);
    assertFalse(d.ok(), () -> "unexpected packet " + d);
    assertEquals(WAIT_TIMEOUT, d.error(), () -> "unexpected packet " + d);
    assertNull(d.overlapped(), "a timeout writes a null overlapped");
  }

  /** Asserts a successful packet for {@code ov} under {@code key}, and returns its count. */
  protected static int assertSuccessPacket(Dequeued d, long key, WsaOverlapped ov) {
    assertTrue(d.ok(), () -> "expected success, got " + d);
    assertEquals(key, d.key(), "key");
    assertTrue(d.overlapped() == ov, () -> "token: expected " + ov + ", got " + d.overlapped());
    assertEquals(d.bytes(), ov.internalHigh(), "internalHigh equals the packet's count");
    assertEquals(0, ov.internal(), "internal after success");
    return d.bytes();
  }

  /** Asserts a failure packet for {@code ov} under {@code key} with the Win32 code. */
  protected static void assertFailurePacket(Dequeued d, long key, WsaOverlapped ov, int win32) {
    assertFalse(d.ok(), () -> "expected a failure, got " + d);
    assertTrue(d.overlapped() == ov, () -> "token: expected " + ov + ", got " + d);
    assertEquals(win32, d.error(), () -> "Win32 code: expected " + WsaError.name(win32) + ", got "
        + d);
    assertEquals(key, d.key(), "a failed op's packet writes the key");
    assertTrue(d.bytes() != COUNT_SENTINEL, "a failed op's packet writes the count");
  }

  static String hex(byte[] b) {
    return b.length > 32 ? Arrays.toString(Arrays.copyOf(b, 32)) + "…" : Arrays.toString(b);
  }
}
