package io.wsa4j.testkit;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.ERROR_IO_PENDING;
import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.SOCK_STREAM;
import static io.wsa4j.Winsock.SOL_SOCKET;
import static io.wsa4j.Winsock.SOMAXCONN;
import static io.wsa4j.Winsock.SO_SNDBUF;
import static io.wsa4j.Winsock.STATUS_PENDING;
import static io.wsa4j.Winsock.WAIT_TIMEOUT;
import static io.wsa4j.Winsock.WSANOTINITIALISED;
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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaError;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import io.wsa4j.nio2.PortProbe;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The one fixture of the contract and fault tests: a fresh {@link Wsa} per test, plain JDK peers
 * on the loopback address (port 0), the test axes (buffer kind, peer pacing, who connects), tokens
 * and routines that record their completions, completion-port helpers, background threads for
 * blocking calls, and the assertions every call shares.
 *
 * <p>Two ways to use it: a test class extends it (JUnit runs {@link #openFixture} and
 * {@link #closeFixture} around every test), or a test holds one made by {@link #standalone()} and
 * calls {@link #close()} after each test.
 *
 * <p>Payloads are random from one seed per run, printed once; replay a failure with
 * {@code -Dwsa4j.seed=<seed>}. Every socket, event, thread and context made through the fixture is
 * released after each test, whatever happened; a background thread that failed fails the test.
 */
public class WsaFixture implements AutoCloseable {

  /** The run's seed: {@code -Dwsa4j.seed}, else the clock. Printed once. */
  public static final long SEED = logSeed(Long.getLong("wsa4j.seed", System.nanoTime()));
  /** What out-parameters and the last error hold before a call; "not written" means still this. */
  public static final int SENTINEL = 0xdeadbeef;
  /** What count out-parameters of port calls hold before a call. */
  public static final int COUNT_SENTINEL = SENTINEL;
  /** What key out-parameters hold before a call. */
  public static final long KEY_SENTINEL = 0xdeadbeefcafeL;
  /** What overlapped out-parameters hold before a call: never the result of a real packet. */
  public static final WsaOverlapped TOKEN_SENTINEL = new WsaOverlapped();
  /** Generous bound for every wait that must succeed. */
  public static final int WAIT_MS = 10_000;
  /**
   * A short alertable or non-alertable window in which a wrong implementation would show a
   * completion indication that must not happen. A correct implementation passes whatever its length.
   */
  public static final int NEGATIVE_WINDOW_MS = 50;
  /**
   * How long a poll for a packet that must not come waits. Only ever used after the event that
   * would have caused the packet: a correct implementation passes whatever its length.
   */
  public static final int NO_PACKET_MS = 200;
  /** What receive buffers hold before a call; bytes past the count must still hold it. */
  public static final byte PREFILL = (byte) 0xA5;
  /** Socket buffer size for connections whose sends must stay pending while the peer does not read. */
  public static final int SMALL_SOCKET_BUFFER = 16 * 1024;
  /** A send this large cannot be absorbed by the small socket buffers: it stays pending. */
  public static final int STUCK_SEND_BYTES = 16 << 20;
  public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  /** A TEST-NET-1 address (RFC 5737): never local. */
  public static final String NON_LOCAL = "192.0.2.1";

  private static long logSeed(long seed) {
    System.out.println("wsa4j tests: seed " + seed + " (replay with -Dwsa4j.seed=" + seed + ")");
    return seed;
  }

  /** The context under test, made by {@link #config()} before each test. */
  public Wsa wsa;
  /** This test's random source, derived from {@link #SEED} and the test's name. */
  protected Random rnd;

  private boolean cleanedUp;
  private Wsa other;
  private ServerSocket peerListener;
  private final List<Wsa> contexts = new ArrayList<>();
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final List<Background<?>> background = new CopyOnWriteArrayList<>();
  private final List<Worker<?>> workers = new CopyOnWriteArrayList<>();

  /** A fixture for a test that does not extend it; the test calls {@link #close()} after. */
  public static WsaFixture standalone() {
    WsaFixture f = new WsaFixture();
    f.openFixture(null);
    return f;
  }

  /** The configuration of {@link #wsa}; classes override it to test other settings. */
  protected WsaConfig config() {
    return WsaConfig.defaults();
  }

  @BeforeEach
  final void openFixture(TestInfo info) {
    String test = info == null ? "" : getClass().getName() + "#" + info.getDisplayName();
    rnd = new Random(SEED ^ test.hashCode());
    wsa = Wsa.startup(config());
    assertNotNull(wsa, "Wsa.startup");
  }

  @AfterEach
  final void closeFixture() throws Exception {
    Exception first = null;
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        first = addTo(first, e);
      }
    }
    if (wsa != null) {
      int rc = wsa.cleanup();
      if (rc != 0 && !cleanedUp) {
        // a test that cleaned the context up itself sees only WSANOTINITIALISED here
        assertEquals(WSANOTINITIALISED, Wsa.getLastError(), () -> "cleanup: " + lastError());
      }
    }
    for (Wsa w : contexts) {
      w.cleanup(); // SOCKET_ERROR for a context the test already cleaned up: fine
    }
    for (Background<?> b : background) {
      b.thread.join(WAIT_MS);
      if (b.thread.isAlive()) {
        b.thread.interrupt();
        first = addTo(first, new IllegalStateException(b.thread.getName() + " outlived cleanup"));
      } else if (b.result.isCompletedExceptionally()) {
        try {
          b.get();
        } catch (Exception e) {
          first = addTo(first, e);
        }
      }
    }
    for (Worker<?> w : workers) {
      w.thread.join(WAIT_MS);
      if (w.thread.isAlive()) {
        w.thread.interrupt();
        first = addTo(first, new IllegalStateException(w.name + " outlived cleanup"));
      }
    }
    // routines queued to this thread and never run must not leak into the next test
    for (int i = 0; wsa != null && i < 1000 && wsa.sleepEx(0, true) == WSA_WAIT_IO_COMPLETION;
        i++) {
      // drained one batch
    }
    if (first != null) {
      throw first;
    }
  }

  /** Releases everything, for a {@link #standalone()} fixture. */
  @Override
  public void close() throws Exception {
    closeFixture();
  }

  private static Exception addTo(Exception first, Exception e) {
    if (first == null) {
      return e;
    }
    first.addSuppressed(e);
    return first;
  }

  /** Calls {@code wsa.cleanup()} now (the test is about it); tear-down then skips it. */
  public int cleanupNow() {
    cleanedUp = true;
    return wsa.cleanup();
  }

  /** Closes {@code r} after the test, before the contexts are cleaned up. */
  public <T extends AutoCloseable> T track(T r) {
    resources.push(r);
    return r;
  }

  // -- contexts --

  /** A new context with two I/O threads, cleaned up after the test. */
  public Wsa startup() {
    return startup(WsaConfig.builder().ioThreads(2).build());
  }

  public Wsa startup(WsaConfig config) {
    Wsa w = Wsa.startup(config);
    assertNotNull(w, "Wsa.startup");
    contexts.add(w);
    return w;
  }

  /** A second context: its handles are foreign to {@link #wsa}. */
  public Wsa other() {
    if (other == null) {
      other = startup();
    }
    return other;
  }

  // -- axes --

  /** How a test's buffers are made: the library must work on heap, direct and offset regions. */
  public enum BufKind {
    HEAP {
      @Override
      public WsaBuf make(int len) {
        return WsaBuf.allocate(len);
      }
    },
    DIRECT {
      @Override
      public WsaBuf make(int len) {
        return WsaBuf.allocateDirect(len);
      }
    },
    /** {@code WsaBuf.wrap(array, offset, len)}: the region starts past a margin of the array. */
    WRAPPED_AT_OFFSET {
      @Override
      public WsaBuf make(int len) {
        byte[] array = new byte[len + 2 * MARGIN];
        Arrays.fill(array, PREFILL);
        return WsaBuf.wrap(array, MARGIN, len);
      }

      @Override
      public int offset() {
        return MARGIN;
      }
    };

    private static final int MARGIN = 13;

    public abstract WsaBuf make(int len);

    /** Where the region starts in the buffer (its position, never moved by the library). */
    public int offset() {
      return 0;
    }

    /** A receive buffer whose region holds {@link #PREFILL}. */
    public WsaBuf prefilled(int len) {
      WsaBuf b = make(len);
      prefill(b);
      return b;
    }

    /** A send buffer whose region holds {@code data}. */
    public WsaBuf holding(byte[] data) {
      WsaBuf b = make(data.length);
      b.buf().put(b.buf().position(), data);
      return b;
    }

    /** Asserts the library left the buffer's position and limit as they were made. */
    public void assertUnmoved(WsaBuf b) {
      assertEquals(offset(), b.buf().position(), "position of " + b);
      assertEquals(offset() + b.len(), b.buf().limit(), "limit of " + b);
    }
  }

  /** How the JDK peer writes: all at once, or one byte per write (TCP_NODELAY). */
  public enum Pacing {
    BULK,
    ONE_BYTE;

    public void write(OutputStream out, byte[] data) throws IOException {
      if (this == BULK) {
        out.write(data);
      } else {
        for (byte b : data) {
          out.write(b);
        }
      }
      out.flush();
    }

    public byte[] read(InputStream in, int n, AtomicLong progress) throws IOException {
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
  public enum Connector {
    /** {@code wsa.connect} to a {@link ServerSocket}. */
    LIBRARY_CONNECTS,
    /** A JDK {@link Socket} connects to {@code wsa.bind/listen/accept}. */
    LIBRARY_ACCEPTS
  }

  /** The mechanism an overlapped call reports its completion with. */
  public enum Mechanism {
    EVENT,
    ROUTINE
  }

  /** The data call under test. */
  public enum Op {
    RECV,
    SEND
  }

  /** How an operation is issued: overlapped with an event, overlapped with a routine, blocking. */
  public enum Mode { EVENT, ROUTINE, BLOCKING }

  public static Stream<Arguments> bufKindsAndPacings() {
    return Arrays.stream(BufKind.values())
        .flatMap(k -> Arrays.stream(Pacing.values()).map(p -> Arguments.of(k, p)));
  }

  public static Stream<Arguments> bufKindsPacingsAndConnectors() {
    return bufKindsAndPacings().flatMap(a -> Arrays.stream(Connector.values())
        .map(c -> Arguments.of(a.get()[0], a.get()[1], c)));
  }

  // -- sockets and events --

  /** A new overlapped TCP socket of {@link #wsa}. */
  public WsaSocket newSocket() {
    return newSocket(wsa, WSA_FLAG_OVERLAPPED);
  }

  /** A new TCP socket of {@link #wsa} made with {@code flags}. */
  public WsaSocket newSocket(int flags) {
    return newSocket(wsa, flags);
  }

  /** A new overlapped TCP socket of {@code ctx}. */
  public static WsaSocket newSocket(Wsa ctx) {
    return newSocket(ctx, WSA_FLAG_OVERLAPPED);
  }

  private static WsaSocket newSocket(Wsa ctx, int flags) {
    WsaSocket s = ctx.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, flags);
    assertNotEquals(WsaSocket.INVALID_SOCKET, s, () -> "socket: " + lastError());
    return s;
  }

  /** An overlapped socket bound to the loopback address, any port. */
  public WsaSocket boundSocket() {
    WsaSocket s = newSocket();
    assertOk(wsa.bind(s, new InetSocketAddress(LOOPBACK, 0)), "bind");
    return s;
  }

  /** A listening socket on the loopback address. */
  public WsaSocket listener() {
    WsaSocket s = boundSocket();
    assertOk(wsa.listen(s, SOMAXCONN), "listen");
    return s;
  }

  /** A listening socket of {@code ctx} on 127.0.0.1, port 0; its address goes to {@code out[0]}. */
  public static WsaSocket listen(Wsa ctx, SocketAddress[] addressOut) {
    WsaSocket l = newSocket(ctx);
    assertEquals(0, ctx.bind(l, new InetSocketAddress(LOOPBACK, 0)), lastError("bind"));
    assertEquals(0, ctx.listen(l, 50), lastError("listen"));
    assertEquals(0, ctx.getsockname(l, addressOut), lastError("getsockname"));
    return l;
  }

  public WsaSocket closedSocket() {
    WsaSocket s = newSocket();
    assertOk(wsa.closesocket(s), "closesocket");
    return s;
  }

  /** A live socket of another context. */
  public WsaSocket foreignSocket() {
    return newSocket(other());
  }

  /** A handle of another provider altogether. */
  public static WsaSocket alienSocket() {
    return new WsaSocket(4242) {};
  }

  public InetSocketAddress localAddress(WsaSocket s) {
    return localAddress(wsa, s);
  }

  public static InetSocketAddress localAddress(Wsa ctx, WsaSocket s) {
    SocketAddress[] out = new SocketAddress[1];
    assertOk(ctx.getsockname(s, out), "getsockname");
    return (InetSocketAddress) out[0];
  }

  /** A fresh, non-signaled event of {@link #wsa}. */
  public WsaEvent event() {
    return event(wsa);
  }

  public WsaEvent event(Wsa ctx) {
    WsaEvent e = ctx.createEvent();
    assertNotNull(e, () -> "createEvent: " + lastError());
    assertFalse(e.isSignaled(), "a new event is not signaled");
    return e;
  }

  public WsaEvent closedEvent() {
    WsaEvent e = event();
    assertTrue(wsa.closeEvent(e), "closeEvent");
    return e;
  }

  public WsaEvent foreignEvent() {
    return event(other());
  }

  public static WsaEvent alienEvent() {
    return new WsaEvent() {
      @Override
      public boolean isSignaled() {
        return false;
      }
    };
  }

  // -- connections --

  /** A library socket and the JDK socket at the other end (TCP_NODELAY, reads time out). */
  public record Conn(WsaSocket s, Socket peer) {
    public void peerSend(String text) throws IOException {
      peerSend(text.getBytes(StandardCharsets.US_ASCII), Pacing.BULK);
    }

    public void peerSend(byte[] data, Pacing pacing) throws IOException {
      pacing.write(peer.getOutputStream(), data);
    }

    /** Exactly {@code n} bytes read at the peer, as ASCII text. */
    public String peerRead(int n) throws IOException {
      return new String(peerReadBytes(n), StandardCharsets.US_ASCII);
    }

    /** Exactly {@code n} bytes read at the peer. */
    public byte[] peerReadBytes(int n) throws IOException {
      byte[] b = new byte[n];
      new DataInputStream(peer.getInputStream()).readFully(b);
      return b;
    }

    /** Reads at the peer until the library side closes. */
    public byte[] peerReadToEnd() throws IOException {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      peer.getInputStream().transferTo(all);
      return all.toByteArray();
    }

    /** An abortive close of the peer: the library side sees a reset (RST). */
    public void resetPeer() throws IOException {
      WsaFixture.resetPeer(peer);
    }
  }

  /** An overlapped connection made by the library, default buffers. */
  public Conn connect() throws IOException {
    return connect(Connector.LIBRARY_CONNECTS, false, WSA_FLAG_OVERLAPPED);
  }

  /** An overlapped socket of {@code ctx} connected to a JDK peer. */
  public Conn connect(Wsa ctx) throws IOException {
    return connect(ctx, false);
  }

  /**
   * An overlapped socket of {@code ctx} connected to a JDK peer.
   *
   * @param smallBuffers make sends congestible (see {@link #connectCongestible()})
   */
  public Conn connect(Wsa ctx, boolean smallBuffers) throws IOException {
    return connect(ctx, Connector.LIBRARY_CONNECTS, smallBuffers, WSA_FLAG_OVERLAPPED);
  }

  /**
   * A connection whose sends stay pending while the peer does not read: the library's SO_SNDBUF
   * and the peer's receive buffer are {@link #SMALL_SOCKET_BUFFER}.
   */
  public Conn connectCongestible() throws IOException {
    return connect(Connector.LIBRARY_CONNECTS, true, WSA_FLAG_OVERLAPPED);
  }

  public Conn connect(Connector connector) throws IOException {
    return connect(connector, false, WSA_FLAG_OVERLAPPED);
  }

  public Conn connect(Connector connector, boolean smallBuffers, int flags) throws IOException {
    return connect(wsa, connector, smallBuffers, flags);
  }

  /**
   * Connects a socket of {@code ctx} made with {@code flags} to a JDK peer on the loopback address.
   *
   * @param smallBuffers make sends congestible (see {@link #connectCongestible()})
   */
  public Conn connect(Wsa ctx, Connector connector, boolean smallBuffers, int flags)
      throws IOException {
    WsaSocket s;
    Socket peerSocket;
    if (connector == Connector.LIBRARY_CONNECTS) {
      try (ServerSocket ss = new ServerSocket()) {
        if (smallBuffers) {
          ss.setReceiveBufferSize(SMALL_SOCKET_BUFFER);
        }
        ss.bind(new InetSocketAddress(LOOPBACK, 0), 50);
        ss.setSoTimeout(WAIT_MS);
        s = newSocket(ctx, flags);
        if (smallBuffers) {
          assertOk(ctx.setsockopt(s, SOL_SOCKET, SO_SNDBUF, SMALL_SOCKET_BUFFER), "SO_SNDBUF");
        }
        assertOk(ctx.connect(s, ss.getLocalSocketAddress()), "connect");
        peerSocket = track(ss.accept());
      }
    } else {
      WsaSocket listener = newSocket(ctx, flags);
      assertOk(ctx.bind(listener, new InetSocketAddress(LOOPBACK, 0)), "bind");
      assertOk(ctx.listen(listener, 50), "listen");
      peerSocket = track(new Socket());
      if (smallBuffers) {
        peerSocket.setReceiveBufferSize(SMALL_SOCKET_BUFFER);
      }
      peerSocket.connect(localAddress(ctx, listener), WAIT_MS);
      SocketAddress[] remote = {null};
      s = ctx.accept(listener, remote);
      assertNotEquals(WsaSocket.INVALID_SOCKET, s, () -> "accept: " + lastError());
      assertEquals(peerSocket.getLocalSocketAddress(), remote[0], "accept's remote address");
      assertOk(ctx.closesocket(listener), "closesocket(listener)");
      if (smallBuffers) {
        assertOk(ctx.setsockopt(s, SOL_SOCKET, SO_SNDBUF, SMALL_SOCKET_BUFFER), "SO_SNDBUF");
      }
    }
    peerSocket.setTcpNoDelay(true);
    peerSocket.setSoTimeout(WAIT_MS);
    return new Conn(s, peerSocket);
  }

  /** A JDK listener on the loopback, shared by the test. */
  public ServerSocket peerListener() throws IOException {
    if (peerListener == null) {
      peerListener = jdkServer();
      peerListener.setSoTimeout(WAIT_MS);
    }
    return peerListener;
  }

  public InetSocketAddress peerAddress() throws IOException {
    return new InetSocketAddress(LOOPBACK, peerListener().getLocalPort());
  }

  /** A JDK listener on the loopback address, closed after the test. */
  public ServerSocket jdkServer() throws IOException {
    return track(new ServerSocket(0, 50, LOOPBACK));
  }

  /** A JDK client connected to {@code address}, closed after the test. */
  public Socket jdkClient(InetSocketAddress address) throws IOException {
    Socket s = track(new Socket());
    s.connect(address, WAIT_MS);
    s.setTcpNoDelay(true);
    return s;
  }

  /** A JDK client connected to a wsa4j listener (the kernel completes it before accept). */
  public Socket connectPeerTo(WsaSocket listener) throws IOException {
    return connectPeerTo(wsa, listener);
  }

  public Socket connectPeerTo(Wsa ctx, WsaSocket listener) throws IOException {
    Socket c = jdkClient(localAddress(ctx, listener));
    c.setSoTimeout(WAIT_MS);
    return c;
  }

  /** A loopback port nobody listens on (taken from the OS, then released). */
  public static InetSocketAddress refusingAddress() throws IOException {
    try (ServerSocket ss = new ServerSocket(0, 1, LOOPBACK)) {
      return new InetSocketAddress(LOOPBACK, ss.getLocalPort());
    }
  }

  /** Makes the peer's close abortive: the wsa4j side sees a reset. */
  public static void resetPeer(Socket peer) throws IOException {
    peer.setSoLinger(true, 0);
    peer.close();
  }

  // -- tokens and routines --

  /** A token with a fresh, non-signaled event. */
  public WsaOverlapped token() {
    return new WsaOverlapped(event());
  }

  /** Records every invocation of a completion routine, with the thread and the token's state. */
  public static final class RoutineLog implements WsaCompletionRoutine {
    /** One invocation; {@code internalInside}/{@code internalHighInside} read during the call. */
    public record Call(int error, int bytes, WsaOverlapped overlapped, int flags, Thread thread,
        long internalInside, long internalHighInside) {}

    public final List<Call> calls = new CopyOnWriteArrayList<>();

    @Override
    public void complete(int error, int bytesTransferred, WsaOverlapped overlapped, int flags) {
      calls.add(new Call(error, bytesTransferred, overlapped, flags, Thread.currentThread(),
          overlapped.internal(), overlapped.internalHigh()));
    }

    public int count() {
      return calls.size();
    }

    public List<Call> calls() {
      return calls;
    }

    public Call only() {
      assertEquals(1, calls.size(), "routine invocations");
      return calls.get(0);
    }
  }

  /** A token that counts how often it was announced through a routine or a port packet. */
  public static class CountingToken extends WsaOverlapped {
    public final AtomicInteger routineCalls = new AtomicInteger();
    public final AtomicInteger packets = new AtomicInteger();
    public volatile int routineError = -1;
    public volatile int routineBytes = -1;
    public volatile int packetError = -1;
    public volatile int packetBytes = -1;

    public CountingToken() {}

    public CountingToken(WsaEvent e) {
      super(e);
    }

    public int indications() {
      return routineCalls.get() + packets.get();
    }
  }

  /** A routine that records the call on its {@link CountingToken}. */
  public static final WsaCompletionRoutine COUNTING_ROUTINE = (error, bytes, ov, flags) -> {
    CountingToken t = (CountingToken) ov;
    t.routineError = error;
    t.routineBytes = bytes;
    t.routineCalls.incrementAndGet();
  };

  /**
   * Runs this thread's queued routines with alertable {@code sleepEx} until {@code log} has
   * {@code expected} calls; every such sleep must report {@code WSA_WAIT_IO_COMPLETION}.
   */
  public void runRoutines(RoutineLog log, int expected) {
    while (log.count() < expected) {
      assertEquals(WSA_WAIT_IO_COMPLETION, wsa.sleepEx(WAIT_MS, true),
          () -> "sleepEx(alertable) with " + log.count() + " of " + expected + " routines run");
    }
    assertEquals(expected, log.count(), "routine invocations");
  }

  /** Asserts this thread has no routine queued: an alertable wait ends without running any. */
  public void assertNoRoutineRuns(RoutineLog log) {
    int before = log.count();
    assertEquals(0, wsa.sleepEx(NEGATIVE_WINDOW_MS, true), "sleepEx(alertable): a routine ran");
    assertEquals(before, log.count(), "routine invocations");
  }

  public void awaitSignaled(WsaEvent e) {
    assertEquals(WSA_WAIT_EVENT_0,
        wsa.waitForMultipleEvents(1, new WsaEvent[] {e}, false, WAIT_MS, false),
        () -> "event not signaled within " + WAIT_MS + " ms (" + lastError() + ")");
  }

  /** Waits until the token's operation is done, without any wsa call (no alertable wait). */
  public static void awaitCompleted(WsaOverlapped ov) {
    awaitCondition(ov::isCompleted, () -> "operation of " + ov + " still pending");
  }

  /** Polls {@code condition} (for things with no event to wait on) until it holds or the bound. */
  public static void awaitCondition(BooleanSupplier condition, Supplier<String> what) {
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
  public record Start(boolean immediate, int count) {}

  public Start startRecv(WsaSocket s, WsaOverlapped ov, WsaCompletionRoutine routine,
      WsaBuf... bufs) {
    int[] count = {SENTINEL};
    int[] flags = {0};
    int rc = wsa.recv(s, bufs, bufs.length, count, flags, ov, routine);
    return started("recv", rc, count, ov);
  }

  public Start startSend(WsaSocket s, WsaOverlapped ov, WsaCompletionRoutine routine,
      WsaBuf... bufs) {
    int[] count = {SENTINEL};
    int rc = wsa.send(s, bufs, bufs.length, count, 0, ov, routine);
    return started("send", rc, count, ov);
  }

  /** An overlapped receive into {@code bufs}, which must be pending now (no data can be there). */
  public void startPendingRecv(WsaSocket s, WsaOverlapped ov, WsaBuf... bufs) {
    int rc = wsa.recv(s, bufs, bufs.length, null, new int[] {0}, ov, null);
    assertPending(rc, "recv");
  }

  /** Asserts rule 1/2's return convention: 0 with the count, or SOCKET_ERROR + WSA_IO_PENDING. */
  private static Start started(String call, int rc, int[] count, WsaOverlapped ov) {
    if (rc == 0) {
      assertTrue(ov.isCompleted(), call + " returned 0 but its token is pending");
      assertEquals(ov.internalHigh(), count[0], call + " returned 0: count vs internalHigh");
      return new Start(true, count[0]);
    }
    assertPending(rc, call);
    assertEquals(SENTINEL, count[0], call + " pending: the count must not be written");
    return new Start(false, -1);
  }

  /** Asserts rule 1 for an operation that nothing can complete yet. */
  public static void assertPendingNow(Start start, WsaOverlapped ov) {
    assertFalse(start.immediate(), "completed at once although nothing could complete it");
    assertEquals(STATUS_PENDING, ov.internal(), "internal() while pending");
    assertFalse(ov.isCompleted(), "isCompleted() while pending");
  }

  public static void assertPending(int rc, String call) {
    int code = Wsa.getLastError();
    assertEquals(SOCKET_ERROR, rc, call + " should be pending");
    assertEquals(WSA_IO_PENDING, code, () -> call + " failed at once: " + name(code));
  }

  /** A send or receive started: done at once (0) or pending. */
  public static void assertStarted(int rc, String call) {
    if (rc != 0) {
      assertPending(rc, call);
    }
  }

  /** AcceptEx or ConnectEx started: true (immediate) or false with ERROR_IO_PENDING. */
  public static void assertStarted(boolean ok, String call) {
    if (!ok) {
      int code = Wsa.getLastError();
      assertEquals(ERROR_IO_PENDING, code, () -> call + ": " + name(code));
    }
  }

  /** The outcome of one overlapped operation, by {@code getOverlappedResult(wait=true)}. */
  public record Result(boolean ok, int error, int bytes) {}

  /** Waits (bounded) for the operation of {@code ov} with {@code getOverlappedResult(wait)}. */
  public Result await(WsaSocket s, WsaOverlapped ov) {
    int[] n = {COUNT_SENTINEL};
    int[] error = new int[1];
    int ok = withDeadline(() -> {
      boolean done = wsa.getOverlappedResult(s, ov, n, true, new int[1]);
      error[0] = done ? 0 : Wsa.getLastError();
      return done ? 1 : 0;
    }, () -> ov + " did not complete within " + WAIT_MS + " ms");
    return new Result(ok == 1, error[0], n[0]);
  }

  /**
   * Waits (bounded) with {@code getOverlappedResult(wait=true)} for a successful completion and
   * returns the count, checking it against the token.
   */
  public int awaitSuccess(WsaSocket s, WsaOverlapped ov) {
    Result r = await(s, ov);
    assertTrue(r.ok(), () -> "getOverlappedResult(wait): " + name(r.error()));
    assertEquals(0, ov.internal(), "internal() after success");
    assertEquals(ov.internalHigh(), r.bytes(), "count vs internalHigh()");
    return r.bytes();
  }

  /** Waits for a failed completion; returns its error, checking the count was not written. */
  public int awaitFailure(WsaSocket s, WsaOverlapped ov) {
    Result r = await(s, ov);
    assertFalse(r.ok(), () -> "getOverlappedResult(wait) succeeded with " + r.bytes() + " bytes");
    assertEquals(COUNT_SENTINEL, r.bytes(), "count written on failure");
    assertEquals(r.error(), ov.internal(), "internal() vs the reported error");
    return r.error();
  }

  /** Starts an overlapped recv and waits for it; returns the count. */
  public int recvOverlapped(WsaSocket s, WsaOverlapped ov, WsaBuf... bufs) {
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
  public byte[] startStuckSend(Conn c, WsaOverlapped ov, WsaCompletionRoutine routine,
      BufKind kind) {
    byte[] data = randomBytes(STUCK_SEND_BYTES);
    assertPendingNow(startSend(c.s(), ov, routine, kind.holding(data)), ov);
    return data;
  }

  /** Posts an overlapped send or receive that must start (pending or done at once). */
  public static void mustStart(int rc, String call) {
    if (rc != 0) {
      assertEquals(WSA_IO_PENDING, Wsa.getLastError(), lastError(call));
    }
  }

  public static int sendOv(Wsa wsa, WsaSocket s, WsaBuf b, WsaOverlapped ov,
      WsaCompletionRoutine r) {
    return wsa.send(s, new WsaBuf[] {b}, 1, null, 0, ov, r);
  }

  public static int recvOv(Wsa wsa, WsaSocket s, WsaBuf b, WsaOverlapped ov,
      WsaCompletionRoutine r) {
    return wsa.recv(s, new WsaBuf[] {b}, 1, null, new int[1], ov, r);
  }

  // -- blocking calls --

  /** Exactly {@code n} bytes from {@code s}, by blocking receives (each bounded by {@link #WAIT_MS}). */
  public byte[] recvFully(WsaSocket s, int n) {
    byte[] out = new byte[n];
    int[] count = new int[1];
    for (int off = 0; off < n; off += count[0]) {
      WsaBuf[] part = {WsaBuf.wrap(out, off, n - off)};
      int done = off;
      int rc = withDeadline(() -> wsa.recv(s, part, 1, count, new int[1], null, null),
          () -> "no data within " + WAIT_MS + " ms after " + done + " of " + n + " bytes");
      assertEquals(0, rc, WsaFixture::lastError);
      assertTrue(count[0] > 0, "the connection closed after " + off + " of " + n + " bytes");
    }
    return out;
  }

  /** Blocking receive of exactly {@code n} bytes, as ASCII text. */
  public String recvBlocking(WsaSocket s, int n) {
    return new String(recvFully(s, n), StandardCharsets.US_ASCII);
  }

  public void sendBlocking(WsaSocket s, String text) {
    int[] count = {SENTINEL};
    WsaBuf b = WsaBuf.wrap(text.getBytes(StandardCharsets.US_ASCII));
    assertOk(wsa.send(s, new WsaBuf[] {b}, 1, count, 0, null, null), "blocking send");
    assertEquals(text.length(), count[0]);
  }

  /**
   * Runs a blocking wsa4j call, interrupting it if it has not returned within {@link #WAIT_MS}
   * (blocking calls then return with {@code WSAEINTR}): a hung call fails the test quickly, with
   * {@code what} as the message.
   */
  public static int withDeadline(IntSupplier call, Supplier<String> what) {
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
        Thread t = new Thread(r, "wsa4j-test-deadline");
        t.setDaemon(true);
        return t;
      });

  // -- completion ports --

  /** What one {@code getQueuedCompletionStatus} call returned and wrote. */
  public record Dequeued(boolean ok, int error, int bytes, long key, WsaOverlapped overlapped) {
    @Override
    public String toString() {
      return "Dequeued[ok=" + ok + ", error=" + name(error) + ", bytes=" + bytes + ", key=" + key
          + ", " + overlapped + "]";
    }
  }

  public WsaCompletionPort newPort() {
    WsaCompletionPort p = wsa.createIoCompletionPort(null, null, 0, 0);
    assertNotNull(p, () -> "createIoCompletionPort: " + lastError());
    return p;
  }

  /** Associates {@code s} with {@code port} under {@code key}. */
  public void associate(WsaSocket s, WsaCompletionPort port, long key) {
    WsaCompletionPort got = wsa.createIoCompletionPort(s, port, key, 0);
    assertTrue(got == port, () -> "associate: got " + got + ", " + lastError());
  }

  /** One {@code getQueuedCompletionStatus} with sentinel out-parameters. */
  public Dequeued gqcs(WsaCompletionPort port, int timeoutMillis) {
    int[] n = {COUNT_SENTINEL};
    long[] key = {KEY_SENTINEL};
    WsaOverlapped[] ov = {TOKEN_SENTINEL};
    boolean ok = wsa.getQueuedCompletionStatus(port, n, key, ov, timeoutMillis);
    int error = ok ? 0 : Wsa.getLastError();
    return new Dequeued(ok, error, n[0], key[0], ov[0]);
  }

  /** The next packet, which must come within {@link #WAIT_MS}. */
  public Dequeued awaitPacket(WsaCompletionPort port) {
    Dequeued d = gqcs(port, WAIT_MS);
    assertTrue(d.overlapped() != TOKEN_SENTINEL, "overlapped out-parameter not written");
    if (!d.ok() && d.overlapped() == null) {
      fail("no packet within " + WAIT_MS + " ms: " + d);
    }
    return d;
  }

  /** No packet is queued: a short wait times out as rule 21 says. */
  public void assertNoPacket(WsaCompletionPort port) {
    Dequeued d = gqcs(port, NO_PACKET_MS);
    assertFalse(d.ok(), () -> "unexpected packet " + d);
    assertEquals(WAIT_TIMEOUT, d.error(), () -> "unexpected packet " + d);
    assertNull(d.overlapped(), "a timeout writes a null overlapped");
  }

  /**
   * Waits until {@code n} threads wait in {@code port}, as the port itself counts them: each is
   * inside its {@code getQueuedCompletionStatus} and registered to be handed a packet.
   */
  public static void awaitPortWaiters(WsaCompletionPort port, int n) {
    awaitCondition(() -> PortProbe.waiters(port) >= n,
        () -> PortProbe.waiters(port) + " of " + n + " threads waiting in " + port);
  }

  /** Asserts a successful packet for {@code ov} under {@code key}, and returns its count. */
  public static int assertSuccessPacket(Dequeued d, long key, WsaOverlapped ov) {
    assertTrue(d.ok(), () -> "expected success, got " + d);
    assertEquals(key, d.key(), "key");
    assertTrue(d.overlapped() == ov, () -> "token: expected " + ov + ", got " + d.overlapped());
    assertEquals(d.bytes(), ov.internalHigh(), "internalHigh equals the packet's count");
    assertEquals(0, ov.internal(), "internal after success");
    return d.bytes();
  }

  /** Asserts a failure packet for {@code ov} under {@code key} with the Win32 code. */
  public static void assertFailurePacket(Dequeued d, long key, WsaOverlapped ov, int win32) {
    assertFalse(d.ok(), () -> "expected a failure, got " + d);
    assertTrue(d.overlapped() == ov, () -> "token: expected " + ov + ", got " + d);
    assertEquals(win32, d.error(), () -> "Win32 code: expected " + name(win32) + ", got " + d);
    assertEquals(key, d.key(), "a failed op's packet writes the key");
    assertTrue(d.bytes() != COUNT_SENTINEL, "a failed op's packet writes the count");
  }

  // -- buffers and data --

  public byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  /** A deterministic payload, different for each {@code salt}. */
  public static byte[] pattern(int n, int salt) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + salt + (i >>> 8));
    }
    return b;
  }

  public static void prefill(WsaBuf b) {
    ByteBuffer buf = b.buf();
    for (int i = 0; i < b.len(); i++) {
      buf.put(buf.position() + i, PREFILL);
    }
  }

  public static WsaBuf bufOf(byte[] data, boolean direct) {
    WsaBuf b = direct ? WsaBuf.allocateDirect(data.length) : WsaBuf.allocate(data.length);
    b.buf().put(0, data);
    return b;
  }

  /** The first {@code n} bytes of {@code b}'s region. */
  public static byte[] bytesOf(WsaBuf b, int n) {
    byte[] out = new byte[n];
    b.buf().get(b.buf().position(), out);
    return out;
  }

  /** Exactly {@code n} bytes from {@code in}. */
  public static byte[] readFully(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    assertEquals(n, b.length, "the peer read fewer bytes than expected (EOF)");
    return b;
  }

  /** Reads exactly {@code n} bytes from the peer. */
  public static byte[] readN(Socket peer, int n) throws IOException {
    return readFully(peer.getInputStream(), n);
  }

  /**
   * The first {@code n} bytes of the regions of {@code bufs}, in array order; asserts that every
   * byte after them is untouched ({@link #PREFILL}), i.e. the buffers were filled in order with
   * no holes, and that nothing outside the regions of wrapped arrays was written.
   */
  public static byte[] filledInOrder(int n, WsaBuf... bufs) {
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

  public static void assertBytes(byte[] expected, byte[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    assertArrayEquals(expected, actual, what + ": content (seed " + SEED + ")");
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      all.writeBytes(p);
    }
    return all.toByteArray();
  }

  public static String hex(byte[] b) {
    return b.length > 32 ? Arrays.toString(Arrays.copyOf(b, 32)) + "…" : Arrays.toString(b);
  }

  /** The caller's buffers' positions and limits, to check that no call moved them. */
  public static int[] positions(WsaBuf[] buffers) {
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

  public static void assertPositionsUnchanged(int[] before, WsaBuf[] buffers) {
    assertArrayEquals(before, positions(buffers), "the caller's position/limit moved");
  }

  // -- errors and failed calls --

  public static String name(int code) {
    return WsaError.name(code) + " (" + code + ")";
  }

  /** The calling thread's last error, named. */
  public static String lastError() {
    return name(Wsa.getLastError());
  }

  /** The calling thread's last error now, named in a message about {@code call}. */
  public static Supplier<String> lastError(String call) {
    int code = Wsa.getLastError();
    return () -> call + ": last error " + name(code);
  }

  public static String lastErrorName() {
    return lastError();
  }

  public static void assertOk(int rc, String call) {
    assertEquals(0, rc, () -> call + " failed: " + lastError());
  }

  /** An int call failed at once with {@code SOCKET_ERROR} and {@code expected}. */
  public static void assertFailsWith(int expected, int rc, String call) {
    int code = Wsa.getLastError();
    assertEquals(SOCKET_ERROR, rc, call + " should fail");
    assertEquals(expected, code, () -> call + ": expected " + name(expected) + ", got "
        + name(code));
  }

  /** A boolean call failed at once with {@code expected}. */
  public static void assertFailsWith(int expected, boolean ok, String call) {
    int code = Wsa.getLastError();
    assertFalse(ok, call + " should fail");
    assertEquals(expected, code, () -> call + ": expected " + name(expected) + ", got "
        + name(code));
  }

  /** {@code rc} is the failure value -1 ({@code SOCKET_ERROR}/{@code WSA_WAIT_FAILED}) with {@code code}. */
  public static void assertFails(int code, int rc) {
    assertFailsWith(code, rc, "the call");
  }

  public static void assertFails(int code, boolean result) {
    assertFailsWith(code, result, "the call");
  }

  public static void assertFails(int code, WsaSocket result) {
    int actual = Wsa.getLastError();
    assertEquals(WsaSocket.INVALID_SOCKET, result,
        () -> "expected INVALID_SOCKET with " + name(code));
    assertEquals(code, actual, () -> "expected " + name(code) + ", got " + name(actual));
  }

  /** Whether {@code result} is a call's failure value: -1, false, INVALID_SOCKET or null. */
  public static boolean isFailureValue(Object result) {
    if (result instanceof Integer i) {
      return i == -1;
    }
    if (result instanceof Boolean b) {
      return !b;
    }
    return result == null || result == WsaSocket.INVALID_SOCKET;
  }

  /** {@code result} is the call's failure value and the last error is {@code code}. */
  public static void assertFailure(int code, Object result) {
    int actual = Wsa.getLastError();
    assertTrue(isFailureValue(result), () -> "expected the failure value with " + name(code)
        + ", returned " + result + " (last error " + name(actual) + ")");
    assertEquals(code, actual, () -> "expected " + name(code) + ", got " + name(actual));
  }

  public static void assertLastError(int code) {
    int actual = Wsa.getLastError();
    assertEquals(code, actual, () -> "expected " + name(code) + ", got " + name(actual));
  }

  // -- send/recv call builder --

  /** One send/recv call, built valid and then spoiled by a test. */
  public final class IoCall {
    public final Op op;
    public final Mode mode;
    public WsaSocket s;
    public WsaBuf[] buffers =
        {WsaBuf.wrap("0123456789abcdef".getBytes(StandardCharsets.US_ASCII))};
    public int bufferCount = 1;
    public int[] bytes = {SENTINEL};
    public int[] recvFlags = {0};
    public int sendFlags;
    public WsaOverlapped overlapped;
    public final RoutineLog routine = new RoutineLog();

    IoCall(Op op, Mode mode, WsaSocket s) {
      this.op = op;
      this.mode = mode;
      this.s = s;
      if (mode != Mode.BLOCKING) {
        // a routine call gets an event too, to show it is never signaled (rule 9)
        overlapped = new WsaOverlapped(event());
      }
    }

    public IoCall flags(int flags) {
      sendFlags = flags;
      recvFlags = new int[] {flags};
      return this;
    }

    public int invoke() {
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

  public IoCall ioCall(Op op, Mode mode, WsaSocket s) {
    return new IoCall(op, mode, s);
  }

  /**
   * The call fails at once with {@code code} and, as rule 3 requires of such a call, gives no
   * completion indication; it writes no count and moves no buffer.
   */
  public void assertFailsAtOnce(IoCall call, int code) {
    int[] before = positions(call.buffers);
    int rc = call.invoke();
    assertFails(code, rc);
    assertNoCompletionIndication(call);
    assertPositionsUnchanged(before, call.buffers);
    if (call.bytes != null && call.bytes.length > 0) {
      assertEquals(SENTINEL, call.bytes[0], "a failed call wrote its count");
    }
  }

  public void assertNoCompletionIndication(IoCall call) {
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

  // -- background threads --

  /** A dedicated daemon thread running a task; its result is read with {@link #get()}. */
  public static final class Background<T> {
    public final Thread thread;
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
    public T get() throws Exception {
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

    public boolean isDone() {
      return result.isDone();
    }

    /**
     * Waits until the thread is parked inside the library call {@code method} (a frame of that
     * name in a library class, with the thread WAITING or TIMED_WAITING).
     */
    public void awaitBlockedIn(String method) {
      awaitCondition(() -> {
        if (result.isDone()) {
          return true;
        }
        Thread.State st = thread.getState();
        if (st != Thread.State.WAITING && st != Thread.State.TIMED_WAITING) {
          return false;
        }
        return Arrays.stream(thread.getStackTrace())
            .anyMatch(f -> f.getMethodName().equals(method) && isLibraryFrame(f));
      }, () -> thread.getName() + " not blocked in " + method + ": " + thread.getState() + " "
          + Arrays.toString(thread.getStackTrace()));
      assertFalse(result.isDone(), () -> thread.getName() + " returned instead of blocking in "
          + method + ": " + result);
    }
  }

  /** Whether a stack frame belongs to the library (its API or provider), not to a test. */
  static boolean isLibraryFrame(StackTraceElement f) {
    String c = f.getClassName();
    int dot = c.lastIndexOf('.');
    String pkg = dot < 0 ? "" : c.substring(0, dot);
    return pkg.equals("io.wsa4j") || pkg.equals("io.wsa4j.nio2");
  }

  /** Starts {@code task} on a new daemon thread, joined (and its failure rethrown) after the test. */
  public <T> Background<T> fork(String name, Callable<T> task) {
    Background<T> b = new Background<>(name, task);
    background.add(b);
    b.thread.start();
    return b;
  }

  /** Reads {@code n} bytes at the peer on a background thread, counting progress. */
  public Background<byte[]> drain(Socket peer, int n, Pacing pacing, AtomicLong progress) {
    return fork("peer-drain", () -> pacing.read(peer.getInputStream(), n, progress));
  }

  /** A daemon thread with a name, for anything that blocks; the caller starts and joins it. */
  public static Thread daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Joins {@code t}, failing with its stack if it is still running after {@link #WAIT_MS}. */
  public static void join(Thread t) throws InterruptedException {
    t.join(WAIT_MS);
    if (t.isAlive()) {
      StringBuilder stack = new StringBuilder();
      for (StackTraceElement e : t.getStackTrace()) {
        stack.append("\n  at ").append(e);
      }
      fail(t.getName() + " still running after " + WAIT_MS + " ms" + stack);
    }
  }

  /**
   * Waits until {@code t} is parked by the library's own wait: its innermost frames are
   * {@code LockSupport.park} called directly from a library class. A thread waiting for a lock,
   * or merely running, does not count. For completion ports {@link #awaitPortWaiters} asks the
   * port itself.
   */
  public static void awaitBlocked(Thread t) {
    awaitCondition(() -> {
      if (t.getState() == Thread.State.TERMINATED) {
        fail(t.getName() + " ended instead of waiting");
      }
      return parkedByLibrary(t);
    }, () -> t.getName() + " never blocked in the library: " + t.getState() + " "
        + Arrays.toString(t.getStackTrace()));
  }

  private static boolean parkedByLibrary(Thread t) {
    StackTraceElement[] stack = t.getStackTrace();
    for (int i = 0; i < stack.length; i++) {
      String c = stack[i].getClassName();
      if (c.equals("java.util.concurrent.locks.LockSupport")) {
        continue; // park → parkNanos chains
      }
      if (c.startsWith("jdk.internal.misc.") || c.startsWith("sun.misc.")) {
        continue; // Unsafe.park
      }
      boolean parked = i > 0
          && stack[i - 1].getClassName().equals("java.util.concurrent.locks.LockSupport");
      return parked && isLibraryFrame(stack[i]);
    }
    return false;
  }

  public static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Live threads whose names start with the implementation's I/O thread prefix. */
  public static List<Thread> ioThreads() {
    List<Thread> found = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("wsa4j-io-") && t.isAlive()) {
        found.add(t);
      }
    }
    return found;
  }

  // -- workers for blocking calls that report their last error and interrupt flag --

  /** A call a {@link Worker} runs. */
  @FunctionalInterface
  public interface Call<T> {
    T call() throws Exception;
  }

  /** What a worker's call returned, its last error, and its interrupt flag right after. */
  public record Outcome<T>(T value, int lastError, boolean interruptFlag) {}

  /** Runs {@code call} on a daemon thread; its result is awaited with a bound. */
  public <T> Worker<T> start(String name, Call<T> call) {
    return start(name, false, call);
  }

  /** As {@link #start(String, Call)}, the worker interrupting itself just before the call. */
  public <T> Worker<T> start(String name, boolean interruptFirst, Call<T> call) {
    Worker<T> w = new Worker<>(name, interruptFirst, call);
    workers.add(w);
    w.thread.start();
    return w;
  }

  /** A thread running one call with the last error preset to {@link #SENTINEL}. */
  public static final class Worker<T> {
    private final String name;
    public final Thread thread;
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

    public void awaitStarted() throws InterruptedException {
      assertTrue(started.await(WAIT_MS, TimeUnit.MILLISECONDS), name + " did not start");
    }

    public boolean isDone() {
      return done.getCount() == 0;
    }

    /** The outcome; fails if the call is still running after {@link #WAIT_MS} or threw. */
    public Outcome<T> await() throws InterruptedException {
      if (!done.await(WAIT_MS, TimeUnit.MILLISECONDS)) {
        fail(name + " still blocked after " + WAIT_MS + " ms:\n"
            + Arrays.toString(thread.getStackTrace()).replace(", ", "\n  "));
      }
      if (thrown != null) {
        fail(name + " threw", thrown);
      }
      return new Outcome<>(value, lastError, interruptFlag);
    }

    /** Waits until the worker is blocked inside the library (not merely started). */
    public void awaitBlockedInLibrary() throws InterruptedException {
      awaitStarted();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
      while (System.nanoTime() < deadline) {
        Thread.State st = thread.getState();
        if (st == Thread.State.TERMINATED) {
          return; // returned at once: await() shows what it returned
        }
        if ((st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING)
            && Arrays.stream(thread.getStackTrace()).anyMatch(WsaFixture::isLibraryFrame)) {
          return;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
      fail(name + " never blocked inside the library");
    }
  }
}
