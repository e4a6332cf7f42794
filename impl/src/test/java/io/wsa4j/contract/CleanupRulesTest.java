package io.wsa4j.contract;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.SD_BOTH;
import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.SOCK_STREAM;
import static io.wsa4j.Winsock.SOL_SOCKET;
import static io.wsa4j.Winsock.SO_KEEPALIVE;
import static io.wsa4j.Winsock.WSANOTINITIALISED;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static io.wsa4j.Winsock.WSA_INFINITE;
import static io.wsa4j.Winsock.WSA_INVALID_HANDLE;
import static io.wsa4j.Winsock.WSA_IO_PENDING;
import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;
import static io.wsa4j.Winsock.WSA_WAIT_EVENT_0;
import static io.wsa4j.Winsock.WSA_WAIT_FAILED;
import static io.wsa4j.testkit.WsaFixture.WAIT_MS;
import static io.wsa4j.testkit.WsaFixture.LOOPBACK;
import static io.wsa4j.testkit.WsaFixture.SENTINEL;
import static io.wsa4j.testkit.WsaFixture.assertFails;
import static io.wsa4j.testkit.WsaFixture.assertOk;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaOverlappedEntry;
import io.wsa4j.WsaSocket;
import io.wsa4j.testkit.WsaFixture.Conn;
import io.wsa4j.testkit.WsaFixture.Outcome;
import io.wsa4j.testkit.WsaFixture.RoutineLog;
import io.wsa4j.testkit.WsaFixture.Worker;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Rule 23 ({@code cleanup}) and the half of rule 15 about calls after it (scenarios 3–5). */
@Timeout(30)
class CleanupRulesTest {
  private WsaFixture fx;
  private Wsa wsa;

  @BeforeEach
  void setUp() {
    fx = WsaFixture.standalone();
    wsa = fx.wsa;
  }

  @AfterEach
  void tearDown() throws Exception {
    fx.close();
  }

  /** What cleanup finds alive: sockets, events, and two pending receives (event, routine). */
  static final class Alive {
    Conn conn;
    WsaSocket listener;
    WsaSocket unconnected;
    WsaEvent idle;
    WsaOverlapped withEvent;
    WsaOverlapped withRoutine;
    final RoutineLog routine = new RoutineLog();
    final WsaBuf eventBuf = WsaBuf.allocate(16);
    final WsaBuf routineBuf = WsaBuf.allocate(16);
  }

  private Alive alive() throws IOException {
    Alive a = new Alive();
    a.conn = fx.connect();
    a.listener = fx.listener();
    a.unconnected = fx.newSocket();
    a.idle = fx.event();
    a.withEvent = new WsaOverlapped(fx.event());
    a.withRoutine = new WsaOverlapped(fx.event());
    Wsa.setLastError(SENTINEL);
    assertFails(WSA_IO_PENDING,
        wsa.recv(a.conn.s(), new WsaBuf[] {a.eventBuf}, 1, null, new int[] {0}, a.withEvent, null));
    assertFails(WSA_IO_PENDING,
        wsa.recv(a.conn.s(), new WsaBuf[] {a.routineBuf}, 1, null, new int[] {0}, a.withRoutine, a.routine));
    return a;
  }

  @Test
  @DisplayName("rule 23: pending operations end with WSA_OPERATION_ABORTED, events not signaled, routines never run")
  void rule23PendingAbortedSilently() throws Exception {
    Alive a = alive();
    assertOk(wsa.cleanup(), "cleanup");

    assertEquals(WSA_OPERATION_ABORTED, a.withEvent.internal(), WsaFixture.name((int) a.withEvent.internal()));
    assertEquals(WSA_OPERATION_ABORTED, a.withRoutine.internal(), WsaFixture.name((int) a.withRoutine.internal()));
    assertTrue(a.withEvent.isCompleted());
    assertEquals(0, a.withEvent.internalHigh());
    assertFalse(a.withEvent.event().isSignaled(), "cleanup signaled an event");
    assertFalse(a.withRoutine.event().isSignaled(), "cleanup signaled an event");
    // sleepEx works after cleanup, and finds no routine to run on the issuing thread
    assertEquals(0, wsa.sleepEx(0, true));
    assertEquals(0, wsa.sleepEx(50, true));
    assertEquals(0, a.routine.count(), "cleanup ran a routine");
    assertEquals(0, a.eventBuf.buf().position());
  }

  @Test
  @DisplayName("rule 23: every thread blocked in a call of the context returns at once with its failure value")
  void rule23BlockedThreadsReturn() throws Exception {
    Alive a = alive();
    Conn other = fx.connect();
    int[] count = {SENTINEL};
    Worker<Integer> wait = fx.start("wait",
        () -> wsa.waitForMultipleEvents(1, new WsaEvent[] {a.idle}, false, WSA_INFINITE, false));
    Worker<Integer> alertable = fx.start("alertable wait",
        () -> wsa.waitForMultipleEvents(1, new WsaEvent[] {a.idle}, false, WSA_INFINITE, true));
    Worker<Boolean> result = fx.start("getOverlappedResult(wait)",
        () -> wsa.getOverlappedResult(a.conn.s(), a.withEvent, count, true, new int[1]));
    Worker<Integer> recv = fx.start("blocking recv",
        () -> wsa.recv(other.s(), new WsaBuf[] {WsaBuf.allocate(8)}, 1, new int[1], new int[] {0}, null, null));
    Worker<WsaSocket> accept = fx.start("blocking accept", () -> wsa.accept(a.listener, null));
    for (Worker<?> w : List.of(wait, alertable, result, recv, accept)) {
      w.awaitBlockedInLibrary();
    }

    assertOk(wsa.cleanup(), "cleanup");

    Outcome<Integer> waitOut = wait.await();
    Outcome<Integer> alertableOut = alertable.await();
    Outcome<Boolean> resultOut = result.await();
    Outcome<Integer> recvOut = recv.await();
    Outcome<WsaSocket> acceptOut = accept.await();
    assertAll(
        () -> expect("wait", WSA_WAIT_FAILED, WSA_INVALID_HANDLE, waitOut),
        () -> expect("alertable wait", WSA_WAIT_FAILED, WSA_INVALID_HANDLE, alertableOut),
        () -> expect("getOverlappedResult(wait)", false, WSA_OPERATION_ABORTED, resultOut),
        () -> assertEquals(SENTINEL, count[0], "getOverlappedResult wrote the count of an aborted op"),
        () -> expect("blocking recv", SOCKET_ERROR, WSA_OPERATION_ABORTED, recvOut),
        () -> expect("blocking accept", WsaSocket.INVALID_SOCKET, WSA_OPERATION_ABORTED, acceptOut));
  }

  private static <T> void expect(String call, T value, int code, Outcome<T> out) {
    assertEquals(value, out.value(), call + " returned");
    assertEquals(code, out.lastError(), () -> call + ": " + WsaFixture.name(out.lastError()));
  }

  @FunctionalInterface
  interface LaterCall {
    Object call(WsaFixture fx, Wsa wsa, Alive a) throws Exception;
  }

  static Stream<Named<LaterCall>> laterCalls() {
    return Stream.of(
        Named.of("socket", (fx, w, a) -> w.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED)),
        Named.of("createEvent", (fx, w, a) -> w.createEvent()),
        Named.of("bind", (fx, w, a) -> w.bind(a.unconnected, new InetSocketAddress(LOOPBACK, 0))),
        Named.of("listen", (fx, w, a) -> w.listen(a.listener, 5)),
        Named.of("accept", (fx, w, a) -> w.accept(a.listener, null)),
        Named.of("connect", (fx, w, a) -> w.connect(a.unconnected, fx.peerAddress())),
        Named.of("closesocket", (fx, w, a) -> w.closesocket(a.conn.s())),
        Named.of("shutdown", (fx, w, a) -> w.shutdown(a.conn.s(), SD_BOTH)),
        Named.of("setsockopt", (fx, w, a) -> w.setsockopt(a.conn.s(), SOL_SOCKET, SO_KEEPALIVE, 1)),
        Named.of("getsockopt", (fx, w, a) -> w.getsockopt(a.conn.s(), SOL_SOCKET, SO_KEEPALIVE, new int[1])),
        Named.of("getsockname", (fx, w, a) -> w.getsockname(a.conn.s(), new SocketAddress[1])),
        Named.of("getpeername", (fx, w, a) -> w.getpeername(a.conn.s(), new SocketAddress[1])),
        Named.of("send (overlapped)", (fx, w, a) -> w.send(a.conn.s(),
            new WsaBuf[] {WsaBuf.allocate(4)}, 1, null, 0, new WsaOverlapped(), null)),
        Named.of("send (blocking)", (fx, w, a) -> w.send(a.conn.s(),
            new WsaBuf[] {WsaBuf.allocate(4)}, 1, new int[1], 0, null, null)),
        Named.of("recv (overlapped)", (fx, w, a) -> w.recv(a.conn.s(),
            new WsaBuf[] {WsaBuf.allocate(4)}, 1, null, new int[1], new WsaOverlapped(), null)),
        Named.of("recv (blocking)", (fx, w, a) -> w.recv(a.conn.s(),
            new WsaBuf[] {WsaBuf.allocate(4)}, 1, new int[1], new int[1], null, null)),
        Named.of("getOverlappedResult", (fx, w, a) ->
            w.getOverlappedResult(a.conn.s(), a.withEvent, new int[1], false, new int[1])),
        Named.of("getOverlappedResult(wait)", (fx, w, a) ->
            w.getOverlappedResult(a.conn.s(), a.withEvent, new int[1], true, new int[1])),
        Named.of("cancelIoEx", (fx, w, a) -> w.cancelIoEx(a.conn.s(), null)),
        Named.of("setEvent", (fx, w, a) -> w.setEvent(a.idle)),
        Named.of("resetEvent", (fx, w, a) -> w.resetEvent(a.idle)),
        Named.of("closeEvent", (fx, w, a) -> w.closeEvent(a.idle)),
        Named.of("waitForMultipleEvents", (fx, w, a) ->
            w.waitForMultipleEvents(1, new WsaEvent[] {a.idle}, false, 0, false)),
        Named.of("createIoCompletionPort", (fx, w, a) -> w.createIoCompletionPort(null, null, 0, 0)),
        Named.of("getQueuedCompletionStatus", (fx, w, a) -> w.getQueuedCompletionStatus(
            null, new int[1], new long[1], new WsaOverlapped[1], 0)),
        Named.of("getQueuedCompletionStatusEx", (fx, w, a) -> w.getQueuedCompletionStatusEx(
            null, new WsaOverlappedEntry[1], 1, new int[1], 0, false)),
        Named.of("postQueuedCompletionStatus", (fx, w, a) ->
            w.postQueuedCompletionStatus(null, 0, 0, null)),
        Named.of("closeHandle", (fx, w, a) -> w.closeHandle(null)),
        Named.of("acceptEx", (fx, w, a) -> w.acceptEx(a.listener, a.unconnected,
            WsaBuf.allocate(64), 0, new int[1], new WsaOverlapped())),
        Named.of("connectEx", (fx, w, a) -> w.connectEx(a.unconnected, fx.peerAddress(), null,
            new int[1], new WsaOverlapped())),
        Named.of("cleanup", (fx, w, a) -> w.cleanup()));
  }

  @DisplayName("rule 15: after cleanup every call → WSANOTINITIALISED")
  @ParameterizedTest(name = "rule 15: {0} after cleanup → WSANOTINITIALISED")
  @MethodSource("laterCalls")
  void rule15CallsAfterCleanup(LaterCall call) throws Exception {
    Alive a = alive();
    assertOk(wsa.cleanup(), "cleanup");
    Outcome<Object> out = fx.start("call", () -> call.call(fx, wsa, a)).await();
    assertTrue(WsaFixture.isFailureValue(out.value()), () -> "returned " + out.value());
    assertEquals(WSANOTINITIALISED, out.lastError(), () -> WsaFixture.name(out.lastError()));
  }

  @Test
  @DisplayName("rule 23: cleanup again → SOCKET_ERROR + WSANOTINITIALISED; close() after it is quiet")
  void rule23CleanupTwice() {
    assertOk(wsa.cleanup(), "cleanup");
    Wsa.setLastError(SENTINEL);
    assertFails(WSANOTINITIALISED, wsa.cleanup());
    wsa.close();
    assertEquals(0, wsa.sleepEx(1, false), "sleepEx after cleanup");
  }

  @Test
  @DisplayName("rule 23: the context's I/O threads stop")
  void rule23IoThreadsStop() throws Exception {
    List<Thread> before = WsaFixture.ioThreads();
    Wsa ctx = fx.startup(WsaConfig.builder().ioThreads(2).build());
    Conn c = fx.connect(ctx);
    WsaEvent e = fx.event(ctx);
    WsaOverlapped ov = new WsaOverlapped(e);
    assertFails(WSA_IO_PENDING, ctx.recv(c.s(), new WsaBuf[] {WsaBuf.allocate(8)}, 1, null, new int[1], ov, null));
    c.peerSend("go");
    assertEquals(WSA_WAIT_EVENT_0, ctx.waitForMultipleEvents(1, new WsaEvent[] {e}, false, (int) WAIT_MS, false));
    List<Thread> mine = new ArrayList<>(WsaFixture.ioThreads());
    mine.removeAll(before);
    assertFalse(mine.isEmpty(), "no new thread named wsa4j-io-*: cannot see the context's I/O threads");

    assertOk(ctx.cleanup(), "cleanup");
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    for (Thread t : mine) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      assertFalse(t.isAlive(), t.getName() + " still alive after cleanup");
    }
  }

  @Test
  @DisplayName("rule 23: the JDK peer of an open connection sees it end")
  void rule23PeerSeesEnd() throws Exception {
    Alive a = alive();
    assertOk(wsa.cleanup(), "cleanup");
    InputStream in = a.conn.peer().getInputStream();
    int r;
    try {
      r = in.read();
    } catch (SocketException reset) {
      r = -1; // "Conn reset": Windows resets open sockets at cleanup; a FIN is fine too
    }
    assertEquals(-1, r, "the peer read data after cleanup");
  }

  @Test
  @DisplayName("rule 23: cleanup of one context leaves another context's sockets, events and pending ops alone")
  void rule23OtherContextUntouched() throws Exception {
    alive();
    Wsa other = fx.other();
    Conn c = fx.connect(other);
    WsaEvent e = fx.event(other);
    WsaOverlapped ov = new WsaOverlapped(e);
    WsaBuf buf = WsaBuf.allocate(8);
    assertFails(WSA_IO_PENDING, other.recv(c.s(), new WsaBuf[] {buf}, 1, null, new int[1], ov, null));

    assertOk(wsa.cleanup(), "cleanup");

    c.peerSend("still");
    assertEquals(WSA_WAIT_EVENT_0, other.waitForMultipleEvents(1, new WsaEvent[] {e}, false, (int) WAIT_MS, false));
    assertEquals(0, ov.internal());
    assertEquals(5, ov.internalHigh());
    int[] n = {SENTINEL};
    assertOk(other.send(c.s(), new WsaBuf[] {WsaBuf.wrap(new byte[] {'!'})}, 1, n, 0, null, null), "send");
    assertEquals("!", c.peerRead(1));
  }

  @Test
  @DisplayName("rule 23: no file descriptor outlives cleanup")
  void rule23NoDescriptorLeak() throws Exception {
    Path fds = Path.of("/proc/self/fd");
    assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd");
    lifeCycle(); // warm-up: classes, JDK caches and pools
    long before = countFds(fds);
    lifeCycle();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    long now = countFds(fds);
    while (now > before && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      now = countFds(fds);
    }
    assertTrue(now <= before, "descriptors before " + before + ", after cleanup " + now);
  }

  private static long countFds(Path fds) throws IOException {
    try (Stream<Path> s = Files.list(fds)) {
      return s.count();
    }
  }

  /** A context with a connection, an accepted socket, a listener, an event and a pending recv. */
  private static void lifeCycle() throws Exception {
    Wsa ctx = Wsa.startup();
    try (ServerSocket peers = new ServerSocket(0, 5, LOOPBACK)) {
      WsaSocket s = ctx.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
      assertOk(ctx.connect(s, new InetSocketAddress(LOOPBACK, peers.getLocalPort())), "connect");
      WsaSocket l = ctx.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
      assertOk(ctx.bind(l, new InetSocketAddress(LOOPBACK, 0)), "bind");
      assertOk(ctx.listen(l, 5), "listen");
      SocketAddress[] name = new SocketAddress[1];
      assertOk(ctx.getsockname(l, name), "getsockname");
      try (Socket accepted = peers.accept(); Socket client = new Socket()) {
        client.connect(name[0], (int) WAIT_MS);
        WsaSocket a = ctx.accept(l, null);
        assertFalse(a == WsaSocket.INVALID_SOCKET, WsaFixture::lastErrorName);
        WsaEvent e = ctx.createEvent();
        assertFails(WSA_IO_PENDING, ctx.recv(s, new WsaBuf[] {WsaBuf.allocate(8)}, 1, null, new int[1],
            new WsaOverlapped(e), null));
        assertOk(ctx.cleanup(), "cleanup");
      }
    } finally {
      ctx.cleanup();
    }
  }
}
