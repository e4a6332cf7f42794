package io.wsa4j.contract;

import static io.wsa4j.Winsock.WSAEINTR;
import static io.wsa4j.Winsock.WSA_INFINITE;
import static io.wsa4j.Winsock.WSA_INVALID_HANDLE;
import static io.wsa4j.Winsock.WSA_INVALID_PARAMETER;
import static io.wsa4j.Winsock.WSA_IO_PENDING;
import static io.wsa4j.Winsock.WSA_MAXIMUM_WAIT_EVENTS;
import static io.wsa4j.Winsock.WSA_WAIT_EVENT_0;
import static io.wsa4j.Winsock.WSA_WAIT_FAILED;
import static io.wsa4j.Winsock.WSA_WAIT_IO_COMPLETION;
import static io.wsa4j.Winsock.WSA_WAIT_TIMEOUT;
import static io.wsa4j.testkit.WsaFixture.WAIT_MS;
import static io.wsa4j.testkit.WsaFixture.SENTINEL;
import static io.wsa4j.testkit.WsaFixture.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.testkit.WsaFixture.Conn;
import io.wsa4j.testkit.WsaFixture.Outcome;
import io.wsa4j.testkit.WsaFixture.RoutineLog;
import io.wsa4j.testkit.WsaFixture.Worker;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Events (createEvent, setEvent, resetEvent, closeEvent), rule 20 ({@code waitForMultipleEvents})
 * and {@code sleepEx} (winsock-semantics.md scenarios 62–67).
 */
@Timeout(30)
class EventWaitRulesTest {
  /** Timer slack allowed below a timeout when checking that a wait lasted at least that long. */
  private static final long SLACK_MS = 10;

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

  private WsaEvent[] events(int n) {
    WsaEvent[] e = new WsaEvent[n];
    for (int i = 0; i < n; i++) {
      e[i] = fx.event();
    }
    return e;
  }

  private WsaEvent signaled() {
    WsaEvent e = fx.event();
    assertTrue(wsa.setEvent(e));
    return e;
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  // -- events --

  @Test
  @DisplayName("events: createEvent gives a manual-reset event, not signaled; setEvent and resetEvent toggle it")
  void eventLifecycle() {
    WsaEvent e = fx.event();
    assertTrue(wsa.setEvent(e));
    assertTrue(e.isSignaled());
    assertTrue(wsa.setEvent(e), "setEvent of a signaled event");
    assertTrue(e.isSignaled());
    assertTrue(wsa.resetEvent(e));
    assertFalse(e.isSignaled());
    assertTrue(wsa.resetEvent(e), "resetEvent of a reset event");
    assertTrue(wsa.closeEvent(e));
  }

  @FunctionalInterface
  interface BadEvent {
    WsaEvent make(WsaFixture fx);
  }

  @FunctionalInterface
  interface EventCall {
    boolean call(Wsa wsa, WsaEvent e);
  }

  static List<Named<BadEvent>> badEvents() {
    return List.of(
        Named.of("null", fx -> null),
        Named.of("closed", WsaFixture::closedEvent),
        Named.of("foreign (another context's)", WsaFixture::foreignEvent),
        Named.of("another provider's", fx -> WsaFixture.alienEvent()),
        Named.of("cleaned-up context's", fx -> {
          Wsa gone = fx.startup();
          WsaEvent e = fx.event(gone);
          gone.cleanup();
          return e;
        }));
  }

  static Stream<Arguments> badEventCalls() {
    List<Named<EventCall>> calls = List.of(
        Named.of("setEvent", Wsa::setEvent),
        Named.of("resetEvent", Wsa::resetEvent),
        Named.of("closeEvent", Wsa::closeEvent));
    return badEvents().stream().flatMap(k -> calls.stream().map(c -> Arguments.of(k, c)));
  }

  @DisplayName("events: a null, closed or foreign event → false + WSA_INVALID_HANDLE")
  @ParameterizedTest(name = "events: {1} of a {0} event → false + WSA_INVALID_HANDLE")
  @MethodSource
  void badEventCalls(BadEvent kind, EventCall call) {
    WsaEvent e = kind.make(fx);
    Wsa.setLastError(SENTINEL);
    assertFails(WSA_INVALID_HANDLE, call.call(wsa, e));
  }

  @Test
  @DisplayName("events: another context cannot set or close an event; it keeps working in its own")
  void foreignEventUntouched() {
    Wsa other = fx.other();
    WsaEvent theirs = fx.event(other);
    assertFalse(wsa.setEvent(theirs));
    assertFalse(theirs.isSignaled());
    assertFalse(wsa.closeEvent(theirs));
    assertTrue(other.setEvent(theirs), "the event was closed by a foreign context");
    assertTrue(theirs.isSignaled());
  }

  // -- rule 20: parameters --

  /** A bad wait: count and array, made with a signaled event so an unchecked call returns, not hangs. */
  record BadWait(String what, int count, WsaEvent[] events) {
    @Override
    public String toString() {
      return what;
    }
  }

  @FunctionalInterface
  interface WaitMaker {
    BadWait make(WsaFixture fx, WsaEvent signaled);
  }

  static Stream<Named<WaitMaker>> invalidParameterWaits() {
    return Stream.of(
        Named.of("count 0", (fx, s) -> new BadWait("count 0", 0, new WsaEvent[] {s})),
        Named.of("count 65", (fx, s) -> {
          WsaEvent[] e = new WsaEvent[65];
          for (int i = 0; i < e.length; i++) {
            e[i] = s;
          }
          return new BadWait("count 65", 65, e);
        }),
        Named.of("count -1", (fx, s) -> new BadWait("count -1", -1, new WsaEvent[] {s})),
        Named.of("count Integer.MAX_VALUE", (fx, s) -> new BadWait("max", Integer.MAX_VALUE, new WsaEvent[] {s})),
        Named.of("count Integer.MIN_VALUE", (fx, s) -> new BadWait("min", Integer.MIN_VALUE, new WsaEvent[] {s})),
        Named.of("null array", (fx, s) -> new BadWait("null", 1, null)),
        Named.of("empty array, count 1", (fx, s) -> new BadWait("empty", 1, new WsaEvent[0])),
        Named.of("array of 1, count 2", (fx, s) -> new BadWait("short", 2, new WsaEvent[] {s})));
  }

  static Stream<Named<WaitMaker>> invalidHandleWaits() {
    return Stream.of(
        Named.of("null element", (fx, s) -> new BadWait("null", 1, new WsaEvent[] {null})),
        Named.of("closed event", (fx, s) -> new BadWait("closed", 1, new WsaEvent[] {fx.closedEvent()})),
        Named.of("foreign event", (fx, s) -> new BadWait("foreign", 1, new WsaEvent[] {fx.foreignEvent()})),
        Named.of("another provider's event", (fx, s) -> new BadWait("alien", 1, new WsaEvent[] {WsaFixture.alienEvent()})),
        Named.of("closed event after a signaled one", (fx, s) -> new BadWait("closed 2nd", 2, new WsaEvent[] {s, fx.closedEvent()})),
        Named.of("null element after a signaled one", (fx, s) -> new BadWait("null 2nd", 2, new WsaEvent[] {s, null})));
  }

  static Stream<Arguments> withWaitVariants(Stream<Named<WaitMaker>> waits) {
    return waits.flatMap(w -> Stream.of(
        Arguments.of(w, false, 0),
        Arguments.of(w, false, WSA_INFINITE),
        Arguments.of(w, true, WSA_INFINITE)));
  }

  static Stream<Arguments> rule20InvalidParameter() {
    return withWaitVariants(invalidParameterWaits());
  }

  static Stream<Arguments> rule20InvalidHandle() {
    return withWaitVariants(invalidHandleWaits());
  }

  private Outcome<Integer> waitOnWorker(BadWait w, boolean waitAll, int timeout) throws Exception {
    return fx.start("wait", () -> wsa.waitForMultipleEvents(w.count(), w.events(), waitAll, timeout, false))
        .await();
  }

  @DisplayName("rule 20: count 0 or > 64, null or short array → WSA_WAIT_FAILED + WSA_INVALID_PARAMETER")
  @ParameterizedTest(name = "rule 20: {0}, waitAll {1}, timeout {2} → WSA_WAIT_FAILED + WSA_INVALID_PARAMETER")
  @MethodSource
  void rule20InvalidParameter(WaitMaker maker, boolean waitAll, int timeout) throws Exception {
    Outcome<Integer> out = waitOnWorker(maker.make(fx, signaled()), waitAll, timeout);
    assertEquals(WSA_WAIT_FAILED, out.value());
    assertEquals(WSA_INVALID_PARAMETER, out.lastError(), WsaFixture.name(out.lastError()));
  }

  @DisplayName("rule 20: a null, closed or foreign event → WSA_WAIT_FAILED + WSA_INVALID_HANDLE")
  @ParameterizedTest(name = "rule 20: {0}, waitAll {1}, timeout {2} → WSA_WAIT_FAILED + WSA_INVALID_HANDLE")
  @MethodSource
  void rule20InvalidHandle(WaitMaker maker, boolean waitAll, int timeout) throws Exception {
    Outcome<Integer> out = waitOnWorker(maker.make(fx, signaled()), waitAll, timeout);
    assertEquals(WSA_WAIT_FAILED, out.value());
    assertEquals(WSA_INVALID_HANDLE, out.lastError(), WsaFixture.name(out.lastError()));
  }

  @Test
  @DisplayName("rule 20: elements past count are not looked at")
  void rule20ElementsPastCountIgnored() {
    WsaEvent s = signaled();
    assertEquals(WSA_WAIT_EVENT_0, wsa.waitForMultipleEvents(1, new WsaEvent[] {s, null}, false, 0, false));
    assertEquals(WSA_WAIT_EVENT_0,
        wsa.waitForMultipleEvents(1, new WsaEvent[] {s, fx.closedEvent()}, true, 0, false));
  }

  // -- rule 20: outcomes --

  static Stream<Arguments> rule20LowestIndex() {
    return Stream.of(
        Arguments.of(new int[] {3}, 3),
        Arguments.of(new int[] {1, 3}, 1),
        Arguments.of(new int[] {0, 1, 2, 3}, 0),
        Arguments.of(new int[] {2}, 2));
  }

  @DisplayName("rule 20: the lowest signaled index is returned, and the events stay signaled")
  @ParameterizedTest(name = "rule 20: signaled {0} of 4 → WSA_WAIT_EVENT_0 + {1}, still signaled after")
  @MethodSource
  void rule20LowestIndex(int[] set, int expected) {
    WsaEvent[] e = events(4);
    for (int i : set) {
      assertTrue(wsa.setEvent(e[i]));
    }
    assertEquals(WSA_WAIT_EVENT_0 + expected, wsa.waitForMultipleEvents(4, e, false, 0, false));
    assertEquals(WSA_WAIT_EVENT_0 + expected, wsa.waitForMultipleEvents(4, e, false, WSA_INFINITE, false));
    for (int i : set) {
      assertTrue(e[i].isSignaled(), "manual reset: event " + i + " was reset by the wait");
    }
  }

  @Test
  @DisplayName("rule 20: 64 events are accepted; the last one signaled → WSA_WAIT_EVENT_0 + 63")
  void rule20SixtyFourEvents() {
    WsaEvent[] e = events(WSA_MAXIMUM_WAIT_EVENTS);
    assertTrue(wsa.setEvent(e[63]));
    assertEquals(WSA_WAIT_EVENT_0 + 63, wsa.waitForMultipleEvents(64, e, false, 0, false));
  }

  @Test
  @DisplayName("rule 20: waitAll returns only when every event is signaled")
  void rule20WaitAll() {
    WsaEvent[] e = events(3);
    assertTrue(wsa.setEvent(e[0]));
    assertTrue(wsa.setEvent(e[2]));
    assertEquals(WSA_WAIT_TIMEOUT, wsa.waitForMultipleEvents(3, e, true, 0, false));
    long start = System.nanoTime();
    assertEquals(WSA_WAIT_TIMEOUT, wsa.waitForMultipleEvents(3, e, true, 100, false));
    assertTrue(millisSince(start) >= 100 - SLACK_MS, "timed out early");
    assertTrue(wsa.setEvent(e[1]));
    int r = wsa.waitForMultipleEvents(3, e, true, 0, false);
    assertTrue(r >= WSA_WAIT_EVENT_0 && r < WSA_WAIT_EVENT_0 + 3, "waitAll returned " + r);
    for (WsaEvent x : e) {
      assertTrue(x.isSignaled());
    }
  }

  @Test
  @DisplayName("rule 20: a waitAll waiter wakes when another thread signals the last event")
  void rule20WaitAllWokenByOtherThread() throws Exception {
    WsaEvent[] e = events(2);
    Worker<Integer> w = fx.start("waitAll", () -> wsa.waitForMultipleEvents(2, e, true, WSA_INFINITE, false));
    w.awaitBlockedInLibrary();
    assertTrue(wsa.setEvent(e[0]));
    assertFalse(w.isDone(), "waitAll returned with one of two events signaled");
    assertTrue(wsa.setEvent(e[1]));
    int r = w.await().value();
    assertTrue(r == WSA_WAIT_EVENT_0 || r == WSA_WAIT_EVENT_0 + 1, "waitAll returned " + r);
  }

  @DisplayName("rule 20: nothing signaled → WSA_WAIT_TIMEOUT after the timeout; 0 polls")
  @ParameterizedTest(name = "rule 20: nothing signaled, timeout {0} ms → WSA_WAIT_TIMEOUT (258)")
  @ValueSource(ints = {0, 1, 100})
  void rule20Timeout(int timeout) {
    WsaEvent[] e = events(2);
    long start = System.nanoTime();
    assertEquals(WSA_WAIT_TIMEOUT, wsa.waitForMultipleEvents(2, e, false, timeout, false));
    assertTrue(millisSince(start) >= timeout - SLACK_MS, "timed out early");
    assertEquals(WSA_WAIT_TIMEOUT, wsa.waitForMultipleEvents(2, e, false, timeout, true));
  }

  @Test
  @DisplayName("rule 20: timeout 0 with an event signaled returns its index")
  void rule20PollSignaled() {
    WsaEvent[] e = {fx.event(), signaled()};
    assertEquals(WSA_WAIT_EVENT_0 + 1, wsa.waitForMultipleEvents(2, e, false, 0, false));
  }

  @Test
  @DisplayName("rule 20: a reset event no longer satisfies a wait")
  void rule20ResetEvent() {
    WsaEvent e = signaled();
    assertTrue(wsa.resetEvent(e));
    assertEquals(WSA_WAIT_TIMEOUT, wsa.waitForMultipleEvents(1, new WsaEvent[] {e}, false, 0, false));
  }

  @Test
  @DisplayName("rule 20: an event set from another thread wakes a waiter")
  void rule20WokenByOtherThread() throws Exception {
    WsaEvent[] e = events(3);
    Worker<Integer> w = fx.start("wait", () -> wsa.waitForMultipleEvents(3, e, false, WSA_INFINITE, false));
    w.awaitBlockedInLibrary();
    assertTrue(wsa.setEvent(e[2]));
    assertEquals(WSA_WAIT_EVENT_0 + 2, w.await().value());
  }

  /** Posts an overlapped recv with a routine from this thread; the peer then sends 5 bytes. */
  private WsaOverlapped routineCompletesSoon(Conn c, RoutineLog routine, WsaBuf buf) throws Exception {
    WsaOverlapped ov = new WsaOverlapped();
    Wsa.setLastError(SENTINEL);
    assertFails(WSA_IO_PENDING, wsa.recv(c.s(), new WsaBuf[] {buf}, 1, null, new int[] {0}, ov, routine));
    c.peerSend("hello");
    return ov;
  }

  @Test
  @DisplayName("rule 20: an alertable wait runs the completed routine and returns WSA_WAIT_IO_COMPLETION")
  void rule20AlertableRunsRoutine() throws Exception {
    Conn c = fx.connect();
    RoutineLog routine = new RoutineLog();
    WsaOverlapped ov = routineCompletesSoon(c, routine, WsaBuf.allocate(16));
    WsaEvent idle = fx.event();
    assertEquals(WSA_WAIT_IO_COMPLETION,
        wsa.waitForMultipleEvents(1, new WsaEvent[] {idle}, false, WSA_INFINITE, true));
    assertEquals(1, routine.count());
    RoutineLog.Call call = routine.calls().get(0);
    assertEquals(0, call.error());
    assertEquals(5, call.bytes());
    assertSame(ov, call.overlapped());
    assertSame(Thread.currentThread(), call.thread(), "the routine ran on another thread");
    assertFalse(idle.isSignaled());
  }

  @Test
  @DisplayName("rule 20: a non-alertable wait does not run a completed routine")
  void rule20NotAlertableKeepsRoutine() throws Exception {
    Conn c = fx.connect();
    RoutineLog routine = new RoutineLog();
    WsaOverlapped ov = routineCompletesSoon(c, routine, WsaBuf.allocate(16));
    int[] n = {SENTINEL};
    assertTrue(wsa.getOverlappedResult(c.s(), ov, n, true, new int[1]), WsaFixture::lastErrorName);
    WsaEvent idle = fx.event();
    assertEquals(WSA_WAIT_TIMEOUT, wsa.waitForMultipleEvents(1, new WsaEvent[] {idle}, false, 50, false));
    assertEquals(WSA_WAIT_EVENT_0, wsa.waitForMultipleEvents(1, new WsaEvent[] {signaled()}, false, 0, false));
    assertEquals(0, routine.count(), "a non-alertable wait ran a routine");
    assertEquals(WSA_WAIT_IO_COMPLETION, wsa.sleepEx(0, true));
    assertEquals(1, routine.count());
  }

  @DisplayName("rule 20: an event closed while a thread waits on it → WSA_WAIT_FAILED + WSA_INVALID_HANDLE")
  @ParameterizedTest(name = "rule 20: closing event {0} of 2 during the wait → WSA_WAIT_FAILED + WSA_INVALID_HANDLE")
  @ValueSource(ints = {0, 1})
  void rule20EventClosedDuringWait(int closed) throws Exception {
    WsaEvent[] e = events(2);
    Worker<Integer> w = fx.start("wait", () -> wsa.waitForMultipleEvents(2, e, false, WSA_INFINITE, false));
    w.awaitBlockedInLibrary();
    assertTrue(wsa.closeEvent(e[closed]));
    Outcome<Integer> out = w.await();
    assertEquals(WSA_WAIT_FAILED, out.value());
    assertEquals(WSA_INVALID_HANDLE, out.lastError(), WsaFixture.name(out.lastError()));
  }

  @DisplayName("interrupts: waitForMultipleEvents on an interrupted thread → WSA_WAIT_FAILED + WSAEINTR, flag kept")
  @ParameterizedTest(name = "interrupts: wait (alertable {1}) interrupted {0} → WSAEINTR")
  @MethodSource
  void waitInterrupted(String when, boolean alertable) throws Exception {
    WsaEvent[] e = events(1);
    boolean before = when.startsWith("before");
    Worker<Integer> w = fx.start("wait", before,
        () -> wsa.waitForMultipleEvents(1, e, false, WSA_INFINITE, alertable));
    if (!before) {
      w.awaitBlockedInLibrary();
      w.thread.interrupt();
    }
    Outcome<Integer> out = w.await();
    assertEquals(WSA_WAIT_FAILED, out.value());
    assertEquals(WSAEINTR, out.lastError(), WsaFixture.name(out.lastError()));
    assertTrue(out.interruptFlag(), "the interrupt flag was cleared");
  }

  static Stream<Arguments> waitInterrupted() {
    return Stream.of("before the call", "while blocked")
        .flatMap(w -> Stream.of(Arguments.of(w, false), Arguments.of(w, true)));
  }

  // -- sleepEx --

  @DisplayName("sleepEx: returns 0 after the interval when nothing is queued")
  @ParameterizedTest(name = "sleepEx({0}, alertable {1}) → 0, not early")
  @MethodSource
  void sleepExElapses(int millis, boolean alertable) {
    long start = System.nanoTime();
    assertEquals(0, wsa.sleepEx(millis, alertable));
    assertTrue(millisSince(start) >= millis - SLACK_MS, "woke early");
  }

  static Stream<Arguments> sleepExElapses() {
    return IntStream.of(0, 100).boxed()
        .flatMap(ms -> Stream.of(Arguments.of(ms, false), Arguments.of(ms, true)));
  }

  @Test
  @DisplayName("sleepEx: alertable, it runs a routine completing later and returns WSA_WAIT_IO_COMPLETION")
  void sleepExRunsRoutine() throws Exception {
    Conn c = fx.connect();
    RoutineLog routine = new RoutineLog();
    routineCompletesSoon(c, routine, WsaBuf.allocate(16));
    assertEquals(WSA_WAIT_IO_COMPLETION, wsa.sleepEx((int) WAIT_MS, true));
    assertEquals(1, routine.count());
    assertEquals(0, wsa.sleepEx(0, true), "a routine ran twice");
  }

  @Test
  @DisplayName("sleepEx: not alertable, a queued routine stays queued")
  void sleepExNotAlertable() throws Exception {
    Conn c = fx.connect();
    RoutineLog routine = new RoutineLog();
    WsaOverlapped ov = routineCompletesSoon(c, routine, WsaBuf.allocate(16));
    assertTrue(wsa.getOverlappedResult(c.s(), ov, new int[1], true, new int[1]), WsaFixture::lastErrorName);
    assertEquals(0, wsa.sleepEx(20, false));
    assertEquals(0, routine.count());
    assertEquals(WSA_WAIT_IO_COMPLETION, wsa.sleepEx(0, true));
    assertEquals(1, routine.count());
  }

  @DisplayName("interrupts: sleepEx returns early on an interrupted thread, flag kept")
  @ParameterizedTest(name = "interrupts: sleepEx(60 s, alertable {1}) interrupted {0} returns early")
  @MethodSource("waitInterrupted")
  void sleepExInterrupted(String when, boolean alertable) throws Exception {
    boolean before = when.startsWith("before");
    Worker<Integer> w = fx.start("sleepEx", before, () -> wsa.sleepEx(60_000, alertable));
    if (!before) {
      w.awaitBlockedInLibrary();
      w.thread.interrupt();
    }
    Outcome<Integer> out = w.await(); // bounded well below 60 s
    assertEquals(0, out.value());
    assertTrue(out.interruptFlag(), "the interrupt flag was cleared");
  }
}
