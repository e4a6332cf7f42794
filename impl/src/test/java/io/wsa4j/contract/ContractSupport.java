package io.wsa4j.contract;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.STATUS_PENDING;
import static io.wsa4j.Winsock.SOCK_STREAM;
import static io.wsa4j.Winsock.SOL_SOCKET;
import static io.wsa4j.Winsock.SO_SNDBUF;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static io.wsa4j.Winsock.WSA_IO_PENDING;
import static io.wsa4j.Winsock.WSA_WAIT_EVENT_0;
import static io.wsa4j.Winsock.WSA_WAIT_IO_COMPLETION;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Shared fixture of the data-path contract tests (API.md section 3): a fresh {@link Wsa} per test,
 * plain JDK socket peers on 127.0.0.1, the test axes (buffer kind, peer pacing, who connects),
 * and helpers that assert the user-visible results of starting and finishing overlapped calls.
 *
 * <p>Payloads are random from one seed per run, printed once; replay a failure with
 * {@code -Dwsa4j.seed=<seed>}. Every socket, event, thread and the {@code Wsa} are cleaned up after
 * each test.
 */
abstract class ContractSupport {

  /** The run's seed: {@code -Dwsa4j.seed}, else the clock. Printed once. */
  static final long SEED = logSeed(Long.getLong("wsa4j.seed", System.nanoTime()));

  /** What out-parameters hold before a call; "not written" means still this. */
  static final int SENTINEL = 0xdeadbeef;
  /** Generous bound for every blocking wait that must succeed. */
  static final int WAIT_MS = 10_000;
  /**
   * A short alertable or non-alertable window in which a wrong implementation would show a
   * completion indication that must not happen. A correct implementation passes whatever its length.
   */
  static final int NEGATIVE_WINDOW_MS = 50;
  /** What receive buffers hold before a call; bytes past the count must still hold it. */
  static final byte PREFILL = (byte) 0xA5;
  /** Socket buffer size for connections whose sends must stay pending while the peer does not read. */
  static final int SMALL_SOCKET_BUFFER = 16 * 1024;
  /** A send this large cannot be absorbed by the small socket buffers: it stays pending. */
  static final int STUCK_SEND_BYTES = 16 << 20;

  private static long logSeed(long seed) {
    System.out.println("wsa4j contract tests: seed " + seed + " (replay with -Dwsa4j.seed=" + seed
        + ")");
    return seed;
  }

  /** The context under test, made by {@link #config()} before each test. */
  protected Wsa wsa;
  /** This test's random source, derived from {@link #SEED} and the test's name. */
  protected Random rnd;

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final List<Background<?>> background = new ArrayList<>();

  /** The configuration of {@link #wsa}; classes override it to test other settings. */
  protected WsaConfig config() {
    return WsaConfig.defaults();
  }

  @BeforeEach
  final void startWsa(TestInfo info) {
    rnd = new Random(SEED ^ (getClass().getName() + "#" + info.getDisplayName()).hashCode());
    wsa = Wsa.startup(config());
    assertNotNull(wsa, "Wsa.startup");
  }

  @AfterEach
  final void cleanUp() throws Exception {
    Exception first = null;
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    if (wsa != null) {
      assertEquals(0, wsa.cleanup(), "cleanup");
    }
    for (Background<?> b : background) {
      b.thread.join(WAIT_MS);
      assertFalse(b.thread.isAlive(), b.thread.getName() + " still running after cleanup");
    }
    if (first != null) {
      throw first;
    }
  }

  /** Closes {@code r} after the test, before {@code wsa.cleanup()}. */
  protected <T extends AutoCloseable> T track(T r) {
    resources.push(r);
    return r;
  }

  // -- axes --

  /** How a test's buffers are made: the library must work on heap, direct and offset regions. */
  enum BufKind {
    HEAP {
      @Override
      WsaBuf make(int len) {
        return WsaBuf.allocate(len);
      }
    },
    DIRECT {
      @Override
      WsaBuf make(int len) {
        return WsaBuf.allocateDirect(len);
      }
    },
    /** {@code WsaBuf.wrap(array, offset, len)}: the region starts past a margin of the array. */
    WRAPPED_AT_OFFSET {
      @Override
      WsaBuf make(int len) {
        byte[] array = new byte[len + 2 * MARGIN];
        Arrays.fill(array, PREFILL);
        return WsaBuf.wrap(array, MARGIN, len);
      }

      @Override
      int offset() {
        return MARGIN;
      }
    };

    private static final int MARGIN = 13;

    abstract WsaBuf make(int len);

    /** Where the region starts in the buffer (its position, never moved by the library). */
    int offset() {
      return 0;
    }

    /** A receive buffer whose region holds {@link #PREFILL}. */
    WsaBuf prefilled(int len) {
      WsaBuf b = make(len);
      prefill(b);
      return b;
    }

    /** A send buffer whose region holds {@code data}. */
    WsaBuf holding(byte[] data) {
      WsaBuf b = make(data.length);
      b.buf().put(b.buf().position(), data);
      return b;
    }

    /** Asserts the library left the buffer's position and limit as they were made. */
    void assertUnmoved(WsaBuf b) {
      assertEquals(offset(), b.buf().position(), "position of " + b);
      assertEquals(offset() + b.len(), b.buf().limit(), "limit of " + b);
    }
  }

  /** How the JDK peer writes: all at once, or one byte per write (TCP_NODELAY). */
  enum Pacing {
    BULK,
    ONE_BYTE;

    void write(OutputStream out, byte[] data) throws IOException {
      if (this == BULK) {
        out.write(data);
      } else {
        for (byte b : data) {
          out.write(b);
        }
      }
      out.flush();
    }

    byte[] read(InputStream in, int n, AtomicLong progress) throws IOException {
      byte[] data = new byte[n];
      int done = 0;
      while (done < n) {
        int got;
        if (this == BULK) {
          got = in.read(data, done, Math.min(64 * 1024, n - done));
        } else {
          int b = in.read();
          if (b >= 0) {
            data[done] = (byte) b;
          }
          got = b < 0 ? -1 : 1;
        }
        if (got < 0) {
          throw new IOException("peer saw end of stream after " + done + " of " + n + " bytes");
        }
        done += got;
        progress.addAndGet(got);
      }
      return data;
    }
  }

  /** Which side makes the connection. */
  enum Connector {
    /** {@code wsa.connect} to a {@link ServerSocket}. */
    LIBRARY_CONNECTS,
    /** A JDK {@link Socket} connects to {@code wsa.bind/listen/accept}. */
    LIBRARY_ACCEPTS
  }

  /** The mechanism an overlapped call reports its completion with. */
  enum Mechanism {
    EVENT,
    ROUTINE
  }

  /** The data call under test. */
  enum Op {
    RECV,
    SEND
  }

  static Stream<Arguments> bufKindsAndPacings() {
    return Arrays.stream(BufKind.values())
        .flatMap(k -> Arrays.stream(Pacing.values()).map(p -> Arguments.of(k, p)));
  }

  static Stream<Arguments> bufKindsPacingsAndConnectors() {
    return bufKindsAndPacings().flatMap(a -> Arrays.stream(Connector.values())
        .map(c -> Arguments.of(a.get()[0], a.get()[1], c)));
  }

  // -- connections --

  /** The JDK end of a connection. */
  static final class Peer implements AutoCloseable {
    final Socket socket;

    Peer(Socket socket) throws IOException {
      this.socket = socket;
      socket.setTcpNoDelay(true);
    }

    void send(byte[] data, Pacing pacing) throws IOException {
      pacing.write(socket.getOutputStream(), data);
    }

    byte[] read(int n) throws IOException {
      return Pacing.BULK.read(socket.getInputStream(), n, new AtomicLong());
    }

    /** Reads until the library side closes. */
    byte[] readToEnd() throws IOException {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(all);
      return all.toByteArray();
    }

    /** An abortive close: the library side sees a reset (RST). */
    void reset() throws IOException {
      socket.setSoLinger(true, 0);
      socket.close();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** A library socket connected to a JDK peer. */
  record Conn(WsaSocket s, Peer peer) {}

  /** An overlapped connection made by the library, default buffers. */
  protected Conn connect() throws IOException {
    return connect(Connector.LIBRARY_CONNECTS, false, WSA_FLAG_OVERLAPPED);
  }

  /**
   * A connection whose sends stay pending while the peer does not read: the library's SO_SNDBUF
   * and the peer's receive buffer are {@link #SMALL_SOCKET_BUFFER}.
   */
  protected Conn connectCongestible() throws IOException {
    return connect(Connector.LIBRARY_CONNECTS, true, WSA_FLAG_OVERLAPPED);
  }

  protected Conn connect(Connector connector) throws IOException {
    return connect(connector, false, WSA_FLAG_OVERLAPPED);
  }

  /**
   * Connects a library socket made with {@code flags} to a JDK peer on the loopback address.
   *
   * @param smallBuffers make sends congestible (see {@link #connectCongestible()})
   */
  protected Conn connect(Connector connector, boolean smallBuffers, int flags) throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    WsaSocket s;
    Socket peerSocket;
    if (connector == Connector.LIBRARY_CONNECTS) {
      try (ServerSocket ss = new ServerSocket()) {
        if (smallBuffers) {
          ss.setReceiveBufferSize(SMALL_SOCKET_BUFFER);
        }
        ss.bind(new InetSocketAddress(loopback, 0), 50);
        s = newSocket(flags);
        assertEquals(0, wsa.connect(s, ss.getLocalSocketAddress()),
            () -> "connect: " + lastErrorName());
        peerSocket = ss.accept();
      }
    } else {
      WsaSocket listener = newSocket(flags);
      assertEquals(0, wsa.bind(listener, new InetSocketAddress(loopback, 0)),
          () -> "bind: " + lastErrorName());
      assertEquals(0, wsa.listen(listener, 50), () -> "listen: " + lastErrorName());
      SocketAddress[] local = {null};
      assertEquals(0, wsa.getsockname(listener, local), () -> "getsockname: " + lastErrorName());
      peerSocket = track(new Socket());
      if (smallBuffers) {
        peerSocket.setReceiveBufferSize(SMALL_SOCKET_BUFFER);
      }
      peerSocket.connect(local[0], WAIT_MS);
      SocketAddress[] remote = {null};
      s = wsa.accept(listener, remote);
      assertNotEquals(WsaSocket.INVALID_SOCKET, s, () -> "accept: " + lastErrorName());
      assertEquals(peerSocket.getLocalSocketAddress(), remote[0], "accept's remote address");
      assertEquals(0, wsa.closesocket(listener), () -> "closesocket(listener): " + lastErrorName());
    }
    Peer peer = track(new Peer(peerSocket));
    if (smallBuffers) {
      assertEquals(0, wsa.setsockopt(s, SOL_SOCKET, SO_SNDBUF, SMALL_SOCKET_BUFFER),
          () -> "setsockopt(SO_SNDBUF): " + lastErrorName());
    }
    return new Conn(s, peer);
  }

  /** A new TCP socket of {@link #wsa}. */
  protected WsaSocket newSocket(int flags) {
    WsaSocket s = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, flags);
    assertNotEquals(WsaSocket.INVALID_SOCKET, s, () -> "socket: " + lastErrorName());
    return s;
  }

  // -- tokens, events, routines --

  protected WsaEvent newEvent() {
    WsaEvent e = wsa.createEvent();
    assertNotNull(e, () -> "createEvent: " + lastErrorName());
    return e;
  }

  /** A token with a fresh, non-signaled event. */
  protected WsaOverlapped token() {
    return new WsaOverlapped(newEvent());
  }

  /** Records every invocation of a completion routine, with the thread and the token's state. */
  static final class RoutineLog implements WsaCompletionRoutine {
    /** One invocation; {@code internalInside}/{@code internalHighInside} read during the call. */
    record Call(int error, int bytes, WsaOverlapped overlapped, int flags, Thread thread,
        long internalInside, long internalHighInside) {}

    final List<Call> calls = new CopyOnWriteArrayList<>();

    @Override
    public void complete(int error, int bytesTransferred, WsaOverlapped overlapped, int flags) {
      calls.add(new Call(error, bytesTransferred, overlapped, flags, Thread.currentThread(),
          overlapped.internal(), overlapped.internalHigh()));
    }

    int count() {
      return calls.size();
    }

    Call only() {
      assertEquals(1, calls.size(), "routine invocations");
      return calls.get(0);
    }
  }

  /**
   * Runs this thread's queued routines with alertable {@code sleepEx} until {@code log} has
   * {@code expected} calls; every such sleep must report {@code WSA_WAIT_IO_COMPLETION}.
   */
  protected void runRoutines(RoutineLog log, int expected) {
    while (log.count() < expected) {
      assertEquals(WSA_WAIT_IO_COMPLETION, wsa.sleepEx(WAIT_MS, true),
          () -> "sleepEx(alertable) with " + log.count() + " of " + expected + " routines run");
    }
    assertEquals(expected, log.count(), "routine invocations");
  }

  /** Asserts this thread has no routine queued: an alertable wait ends without running any. */
  protected void assertNoRoutineRuns(RoutineLog log) {
    int before = log.count();
    assertEquals(0, wsa.sleepEx(NEGATIVE_WINDOW_MS, true), "sleepEx(alertable): a routine ran");
    assertEquals(before, log.count(), "routine invocations");
  }

  protected void awaitSignaled(WsaEvent e) {
    assertEquals(WSA_WAIT_EVENT_0,
        wsa.waitForMultipleEvents(1, new WsaEvent[] {e}, false, WAIT_MS, false),
        () -> "event not signaled within " + WAIT_MS + " ms (" + lastErrorName() + ")");
  }

  /** Waits until the token's operation is done, without any wsa call (no alertable wait). */
  protected static void awaitCompleted(WsaOverlapped ov) {
    awaitCondition(ov::isCompleted, () -> "operation of " + ov + " still pending");
  }

  static void awaitCondition(BooleanSupplier condition, Supplier<String> what) {
    long deadline = System.nanoTime() + MILLISECONDS.toNanos(WAIT_MS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail(what.get() + " after " + WAIT_MS + " ms");
      }
      LockSupport.parkNanos(100_000);
    }
  }

  // -- starting and finishing overlapped calls --

  /** How a started overlapped call returned: rule 1 (pending) or rule 2 (done at once). */
  record Start(boolean immediate, int count) {}

  protected Start startRecv(WsaSocket s, WsaOverlapped ov, WsaCompletionRoutine routine,
      WsaBuf... bufs) {
    int[] count = {SENTINEL};
    int[] flags = {0};
    int rc = wsa.recv(s, bufs, bufs.length, count, flags, ov, routine);
    return started("recv", rc, count, ov);
  }

  protected Start startSend(WsaSocket s, WsaOverlapped ov, WsaCompletionRoutine routine,
      WsaBuf... bufs) {
    int[] count = {SENTINEL};
    int rc = wsa.send(s, bufs, bufs.length, count, 0, ov, routine);
    return started("send", rc, count, ov);
  }

  /** Asserts rule 1/2's return convention: 0 with the count, or SOCKET_ERROR + WSA_IO_PENDING. */
  private static Start started(String call, int rc, int[] count, WsaOverlapped ov) {
    if (rc == 0) {
      assertTrue(ov.isCompleted(), call + " returned 0 but its token is pending");
      assertEquals(ov.internalHigh(), count[0], call + " returned 0: count vs internalHigh");
      return new Start(true, count[0]);
    }
    int error = Wsa.getLastError();
    assertEquals(SOCKET_ERROR, rc, call + " return value");
    assertEquals(WSA_IO_PENDING, error, () -> call + " failed at once: " + name(error));
    assertEquals(SENTINEL, count[0], call + " pending: the count must not be written");
    return new Start(false, -1);
  }

  /** Asserts rule 1 for an operation that nothing can complete yet. */
  protected static void assertPendingNow(Start start, WsaOverlapped ov) {
    assertFalse(start.immediate(), "completed at once although nothing could complete it");
    assertEquals(STATUS_PENDING, ov.internal(), "internal() while pending");
    assertFalse(ov.isCompleted(), "isCompleted() while pending");
  }

  /**
   * Waits with {@code getOverlappedResult(wait=true)} for a successful completion and returns the
   * count, checking it against the token and the flags out-parameter.
   */
  protected int awaitSuccess(WsaSocket s, WsaOverlapped ov) {
    int[] count = {SENTINEL};
    int[] flags = {SENTINEL};
    boolean ok = wsa.getOverlappedResult(s, ov, count, true, flags);
    int error = Wsa.getLastError();
    assertTrue(ok, () -> "getOverlappedResult(wait): " + name(error));
    assertEquals(0, ov.internal(), "internal() after success");
    assertEquals(ov.internalHigh(), count[0], "count vs internalHigh()");
    assertEquals(0, flags[0], "flags out-parameter");
    return count[0];
  }

  /** Waits for a failed completion; returns its error, checking the count was not written. */
  protected int awaitFailure(WsaSocket s, WsaOverlapped ov) {
    int[] count = {SENTINEL};
    boolean ok = wsa.getOverlappedResult(s, ov, count, true, null);
    int error = Wsa.getLastError();
    assertFalse(ok, () -> "getOverlappedResult(wait) succeeded with " + count[0] + " bytes");
    assertEquals(SENTINEL, count[0], "count written on failure");
    assertEquals(error, ov.internal(), "internal() vs the reported error");
    return error;
  }

  /** Starts an overlapped recv and waits for it; returns the count. */
  protected int recvOverlapped(WsaSocket s, WsaOverlapped ov, WsaBuf... bufs) {
    Start start = startRecv(s, ov, null, bufs);
    int n = awaitSuccess(s, ov);
    if (start.immediate()) {
      assertEquals(start.count(), n, "count at return vs getOverlappedResult");
    }
    return n;
  }

  /**
   * Posts a {@link #STUCK_SEND_BYTES} send on a {@link #connectCongestible()} connection whose
   * peer is not reading, asserting it is pending; returns the payload.
   */
  protected byte[] startStuckSend(Conn c, WsaOverlapped ov, WsaCompletionRoutine routine,
      BufKind kind) {
    byte[] data = randomBytes(STUCK_SEND_BYTES);
    assertPendingNow(startSend(c.s(), ov, routine, kind.holding(data)), ov);
    return data;
  }

  // -- buffers and data --

  protected byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  static void prefill(WsaBuf b) {
    ByteBuffer buf = b.buf();
    for (int i = 0; i < b.len(); i++) {
      buf.put(buf.position() + i, PREFILL);
    }
  }

  /**
   * The first {@code n} bytes of the regions of {@code bufs}, in array order; asserts that every
   * byte after them is untouched ({@link #PREFILL}), i.e. the buffers were filled in order with
   * no holes, and that nothing outside the regions of wrapped arrays was written.
   */
  static byte[] filledInOrder(int n, WsaBuf... bufs) {
    byte[] out = new byte[n];
    int at = 0;
    for (int i = 0; i < bufs.length; i++) {
      ByteBuffer buf = bufs[i].buf();
      int base = buf.position();
      for (int j = 0; j < bufs[i].len(); j++, at++) {
        byte b = buf.get(base + j);
        if (at < n) {
          out[at] = b;
        } else if (b != PREFILL) {
          fail("byte " + j + " of buffer " + i + " written although only " + n
              + " bytes were received (a hole or an overrun)");
        }
      }
      if (buf.hasArray()) {
        byte[] array = buf.array();
        int start = buf.arrayOffset() + base;
        for (int j = 0; j < array.length; j++) {
          if ((j < start || j >= start + bufs[i].len()) && array[j] != PREFILL) {
            fail("array byte " + j + " outside buffer " + i + "'s region was written");
          }
        }
      }
    }
    int total = at;
    assertTrue(n <= total, () -> "count " + n + " exceeds the buffers' total " + total);
    return out;
  }

  static void assertBytes(byte[] expected, byte[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    assertArrayEquals(expected, actual, what + ": content (seed " + SEED + ")");
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      all.writeBytes(p);
    }
    return all.toByteArray();
  }

  // -- background threads --

  /** A dedicated thread running a task; its result is read with {@link #get()}. */
  static final class Background<T> {
    final Thread thread;
    final CompletableFuture<T> result = new CompletableFuture<>();

    private Background(String name, Callable<T> task) {
      thread = new Thread(() -> {
        try {
          result.complete(task.call());
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      }, name);
      thread.setDaemon(true);
    }

    /** The task's result; rethrows its failure; fails if it takes longer than {@link #WAIT_MS}. */
    T get() throws Exception {
      try {
        return result.get(WAIT_MS, MILLISECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError(thread.getName() + " did not finish within " + WAIT_MS + " ms:"
            + Arrays.toString(thread.getStackTrace()), e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception ex) {
          throw ex;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw e;
      }
    }

    boolean isDone() {
      return result.isDone();
    }

    /**
     * Waits until the thread is parked inside the library call {@code method} (a frame of that
     * name outside this package, with the thread WAITING or TIMED_WAITING).
     */
    void awaitBlockedIn(String method) {
      awaitCondition(() -> {
        if (result.isDone()) {
          return true;
        }
        Thread.State st = thread.getState();
        if (st != Thread.State.WAITING && st != Thread.State.TIMED_WAITING) {
          return false;
        }
        return Arrays.stream(thread.getStackTrace())
            .anyMatch(f -> f.getMethodName().equals(method)
                && !f.getClassName().startsWith(ContractSupport.class.getPackageName()));
      }, () -> thread.getName() + " not blocked in " + method + ": " + thread.getState() + " "
          + Arrays.toString(thread.getStackTrace()));
      assertFalse(result.isDone(), () -> thread.getName() + " returned instead of blocking in "
          + method + ": " + result);
    }
  }

  /** Starts {@code task} on a new daemon thread, joined after the test. */
  protected <T> Background<T> fork(String name, Callable<T> task) {
    Background<T> b = new Background<>(name, task);
    background.add(b);
    b.thread.start();
    return b;
  }

  /** Reads {@code n} bytes at the peer on a background thread, counting progress. */
  protected Background<byte[]> drain(Peer peer, int n, Pacing pacing, AtomicLong progress) {
    return fork("peer-drain", () -> pacing.read(peer.socket.getInputStream(), n, progress));
  }

  // -- errors --

  static String name(int code) {
    return code + " (" + WsaError.name(code) + ")";
  }

  static String lastErrorName() {
    return name(Wsa.getLastError());
  }

  /** Asserts a call failed with {@code rc == SOCKET_ERROR} and this thread's last error. */
  static void assertSocketError(int expected, int rc, String call) {
    int error = Wsa.getLastError();
    assertEquals(SOCKET_ERROR, rc, call + " return value");
    assertEquals(expected, error, () -> call + ": expected " + name(expected) + ", got "
        + name(error));
  }
}
