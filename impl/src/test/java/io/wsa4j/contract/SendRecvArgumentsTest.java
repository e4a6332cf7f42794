package io.wsa4j.contract;

import static io.wsa4j.Winsock.SD_BOTH;
import static io.wsa4j.Winsock.SD_RECEIVE;
import static io.wsa4j.Winsock.SD_SEND;
import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.STATUS_PENDING;
import static io.wsa4j.Winsock.WSAEFAULT;
import static io.wsa4j.Winsock.WSAEINTR;
import static io.wsa4j.Winsock.WSAEINVAL;
import static io.wsa4j.Winsock.WSAENOTCONN;
import static io.wsa4j.Winsock.WSAESHUTDOWN;
import static io.wsa4j.Winsock.WSA_IO_PENDING;
import static io.wsa4j.Winsock.WSA_WAIT_EVENT_0;
import static io.wsa4j.Winsock.WSA_WAIT_IO_COMPLETION;
import static io.wsa4j.testkit.WsaFixture.WAIT_MS;
import static io.wsa4j.testkit.WsaFixture.SENTINEL;
import static io.wsa4j.testkit.WsaFixture.assertFails;
import static io.wsa4j.testkit.WsaFixture.assertOk;
import static io.wsa4j.testkit.WsaFixture.assertPositionsUnchanged;
import static io.wsa4j.testkit.WsaFixture.positions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import io.wsa4j.testkit.WsaFixture.Conn;
import io.wsa4j.testkit.WsaFixture.IoCall;
import io.wsa4j.testkit.WsaFixture.Mode;
import io.wsa4j.testkit.WsaFixture.Op;
import io.wsa4j.testkit.WsaFixture.Outcome;
import io.wsa4j.testkit.WsaFixture.RoutineLog;
import io.wsa4j.testkit.WsaFixture.Worker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rules 16, 16b, 17 and 18 on {@code send} and {@code recv}, in each of the three ways to issue
 * them (overlapped with an event, overlapped with a routine, blocking), plus interrupts of the
 * blocking ones. A call that fails at once must give no completion indication (rule 3).
 */
@Timeout(30)
class SendRecvArgumentsTest {
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

  /** One bad input: which rule, what, the code, where it applies, how it spoils a valid call. */
  record Bad(String rule, String what, int code, Set<Op> ops, Set<Mode> modes,
      Consumer<IoCall> spoil) {
    Bad(String rule, String what, int code, Consumer<IoCall> spoil) {
      this(rule, what, code, EnumSet.allOf(Op.class), EnumSet.allOf(Mode.class), spoil);
    }
  }

  private static final Set<Op> RECV_ONLY = EnumSet.of(Op.RECV);
  private static final Set<Mode> BLOCKING_ONLY = EnumSet.of(Mode.BLOCKING);

  private static WsaBuf heap(int n) {
    return WsaBuf.allocate(n);
  }

  static List<Bad> badInputs() {
    return List.of(
        // rule 16: bufferCount < 1, checked before everything else about the buffers
        new Bad("16", "bufferCount 0", WSAEINVAL, c -> c.bufferCount = 0),
        new Bad("16", "bufferCount -1", WSAEINVAL, c -> c.bufferCount = -1),
        new Bad("16", "bufferCount Integer.MIN_VALUE", WSAEINVAL, c -> c.bufferCount = Integer.MIN_VALUE),
        new Bad("16", "bufferCount 0 with null buffers", WSAEINVAL, c -> {
          c.bufferCount = 0;
          c.buffers = null;
        }),
        new Bad("16", "bufferCount -1 with a null element", WSAEINVAL, c -> {
          c.bufferCount = -1;
          c.buffers = new WsaBuf[] {null};
        }),
        new Bad("16", "bufferCount 0 with len > remaining", WSAEINVAL, c -> {
          c.bufferCount = 0;
          c.buffers = new WsaBuf[] {new WsaBuf(ByteBuffer.allocate(4), 8)};
        }),
        new Bad("16", "bufferCount 0 with null count", WSAEINVAL, EnumSet.allOf(Op.class), BLOCKING_ONLY,
            c -> {
              c.bufferCount = 0;
              c.bytes = null;
            }),
        new Bad("16", "bufferCount 0 with null flags", WSAEINVAL, RECV_ONLY, EnumSet.allOf(Mode.class),
            c -> {
              c.bufferCount = 0;
              c.recvFlags = null;
            }),
        // rule 16b: bad buffer arrays and regions
        new Bad("16b", "null buffers", WSAEFAULT, c -> c.buffers = null),
        new Bad("16b", "bufferCount 2 > buffers.length 1", WSAEFAULT, c -> c.bufferCount = 2),
        new Bad("16b", "bufferCount Integer.MAX_VALUE", WSAEFAULT, c -> c.bufferCount = Integer.MAX_VALUE),
        new Bad("16b", "empty buffers array", WSAEFAULT, c -> c.buffers = new WsaBuf[0]),
        new Bad("16b", "null element", WSAEFAULT, c -> c.buffers = new WsaBuf[] {null}),
        new Bad("16b", "null second element", WSAEFAULT, c -> {
          c.buffers = new WsaBuf[] {heap(4), null};
          c.bufferCount = 2;
        }),
        new Bad("16b", "len > buf.remaining()", WSAEFAULT,
            c -> c.buffers = new WsaBuf[] {new WsaBuf(ByteBuffer.allocate(8), 9)}),
        new Bad("16b", "len > remaining after the position", WSAEFAULT, c -> {
          ByteBuffer b = ByteBuffer.allocate(16);
          b.position(10);
          c.buffers = new WsaBuf[] {new WsaBuf(b, 8)};
        }),
        new Bad("16b", "len > remaining on a direct buffer", WSAEFAULT,
            c -> c.buffers = new WsaBuf[] {new WsaBuf(ByteBuffer.allocateDirect(8), 16)}),
        new Bad("16b", "len > remaining on the second buffer", WSAEFAULT, c -> {
          c.buffers = new WsaBuf[] {heap(4), new WsaBuf(ByteBuffer.allocate(4), 5)};
          c.bufferCount = 2;
        }),
        new Bad("16b", "limit lowered after the WsaBuf was made", WSAEFAULT, c -> {
          WsaBuf b = heap(16);
          b.buf().limit(8);
          c.buffers = new WsaBuf[] {b};
        }),
        new Bad("16b", "read-only buffer", WSAEFAULT, RECV_ONLY, EnumSet.allOf(Mode.class),
            c -> c.buffers = new WsaBuf[] {new WsaBuf(ByteBuffer.allocate(16).asReadOnlyBuffer())}),
        new Bad("16b", "read-only second buffer", WSAEFAULT, RECV_ONLY, EnumSet.allOf(Mode.class), c -> {
          c.buffers = new WsaBuf[] {heap(4), new WsaBuf(ByteBuffer.allocate(4).asReadOnlyBuffer())};
          c.bufferCount = 2;
        }),
        new Bad("16b", "null flags", WSAEFAULT, RECV_ONLY, EnumSet.allOf(Mode.class),
            c -> c.recvFlags = null),
        new Bad("16b", "empty flags array", WSAEFAULT, RECV_ONLY, EnumSet.allOf(Mode.class),
            c -> c.recvFlags = new int[0]),
        new Bad("16b", "null count", WSAEFAULT, EnumSet.allOf(Op.class), BLOCKING_ONLY,
            c -> c.bytes = null),
        new Bad("16b", "empty count array", WSAEFAULT, EnumSet.allOf(Op.class), BLOCKING_ONLY,
            c -> c.bytes = new int[0]));
  }

  static Stream<Arguments> casesOf(String rule) {
    List<Arguments> all = new ArrayList<>();
    for (Bad bad : badInputs()) {
      if (!bad.rule().equals(rule)) {
        continue;
      }
      for (Op op : bad.ops()) {
        for (Mode mode : bad.modes()) {
          all.add(Arguments.of(op, mode, bad.what(), bad));
        }
      }
    }
    return all.stream();
  }

  static Stream<Arguments> rule16() {
    return casesOf("16");
  }

  static Stream<Arguments> rule16b() {
    return casesOf("16b");
  }

  /** A valid call on a connected socket whose peer already sent data, then spoiled. */
  private IoCall spoiledCall(Op op, Mode mode, Bad bad) throws Exception {
    Conn c = fx.connect();
    // data waiting: a recv wrongly started would complete instead of hanging
    c.peerSend("pending data");
    IoCall call = fx.ioCall(op, mode, c.s());
    bad.spoil().accept(call);
    return call;
  }

  @DisplayName("rule 16: bufferCount < 1 → WSAEINVAL, checked before the buffers")
  @ParameterizedTest(name = "rule 16: {0} ({1}): {2} → WSAEINVAL")
  @MethodSource
  void rule16(Op op, Mode mode, String what, Bad bad) throws Exception {
    fx.assertFailsAtOnce(spoiledCall(op, mode, bad), bad.code());
  }

  @DisplayName("rule 16b: null/short buffers, null element, len past the buffer, read-only recv buffer, null out-arrays → WSAEFAULT")
  @ParameterizedTest(name = "rule 16b: {0} ({1}): {2} → WSAEFAULT")
  @MethodSource
  void rule16b(Op op, Mode mode, String what, Bad bad) throws Exception {
    fx.assertFailsAtOnce(spoiledCall(op, mode, bad), bad.code());
  }

  static Stream<Arguments> opsAndModes() {
    List<Arguments> all = new ArrayList<>();
    for (Op op : Op.values()) {
      for (Mode mode : Mode.values()) {
        all.add(Arguments.of(op, mode));
      }
    }
    return all.stream();
  }

  @DisplayName("rule 16b (control): the same calls with valid arguments succeed, elements past bufferCount ignored")
  @ParameterizedTest(name = "rule 16b (control): valid {0} ({1}) with a null element past bufferCount succeeds")
  @MethodSource("opsAndModes")
  void validCallSucceeds(Op op, Mode mode) throws Exception {
    Conn c = fx.connect();
    c.peerSend("abc");
    IoCall call = fx.ioCall(op, mode, c.s());
    call.buffers = new WsaBuf[] {call.buffers[0], null};
    int rc = call.invoke();
    int expected = op == Op.SEND ? 16 : 3;
    if (mode == Mode.BLOCKING) {
      assertOk(rc, call.toString());
      assertEquals(expected, call.bytes[0]);
    } else {
      // rule 2: immediate completion or pending are both correct
      assertTrue(rc == 0 || Wsa.getLastError() == WSA_IO_PENDING,
          () -> "rc " + rc + ", " + WsaFixture.lastErrorName());
      awaitCompletion(call);
      assertEquals(0, call.overlapped.internal());
      assertEquals(expected, call.overlapped.internalHigh());
    }
    if (op == Op.SEND) {
      assertEquals("0123456789abcdef", c.peerRead(16));
    } else {
      assertEquals("abc", new String(call.buffers[0].buf().array(), 0, 3, StandardCharsets.US_ASCII));
    }
  }

  private void awaitCompletion(IoCall call) {
    if (call.mode == Mode.ROUTINE) {
      assertEquals(WSA_WAIT_IO_COMPLETION, wsa.sleepEx((int) WAIT_MS, true), "routine never ran");
      assertEquals(1, call.routine.count());
      assertFalse(call.overlapped.event().isSignaled(), "rule 9: event signaled with a routine");
    } else {
      assertEquals(WSA_WAIT_EVENT_0, wsa.waitForMultipleEvents(
          1, new WsaEvent[] {call.overlapped.event()}, false, (int) WAIT_MS, false));
    }
  }

  // -- rule 17 --

  enum Where { SAME_SOCKET, OTHER_SOCKET }

  static Stream<Arguments> rule17() {
    List<Arguments> all = new ArrayList<>();
    for (Op second : Op.values()) {
      for (Mode mode : EnumSet.of(Mode.EVENT, Mode.ROUTINE)) {
        for (Where where : Where.values()) {
          all.add(Arguments.of(second, mode, where));
        }
      }
    }
    return all.stream();
  }

  @DisplayName("rule 17: a token still pending passed again → WSAEINVAL; the first operation is undisturbed")
  @ParameterizedTest(name = "rule 17: pending recv token reused by a {0} ({1}) on the {2} → WSAEINVAL")
  @MethodSource
  void rule17(Op second, Mode mode, Where where) throws Exception {
    Conn first = fx.connect();
    Conn target = where == Where.SAME_SOCKET ? first : fx.connect();
    IoCall pending = fx.ioCall(Op.RECV, mode, first.s());
    pending.buffers = new WsaBuf[] {WsaBuf.allocate(16)};
    assertFails(WSA_IO_PENDING, pending.invoke());
    WsaOverlapped token = pending.overlapped;

    IoCall again = fx.ioCall(second, mode, target.s());
    again.overlapped = token;
    int[] before = positions(again.buffers);
    assertFails(WSAEINVAL, again.invoke());
    assertEquals(STATUS_PENDING, token.internal(), "the refused call disturbed the pending token");
    assertPositionsUnchanged(before, again.buffers);
    assertEquals(0, wsa.sleepEx(0, true));

    first.peerSend("xyz");
    awaitCompletion(pending);
    assertEquals(0, token.internal());
    assertEquals(3, token.internalHigh());
    assertEquals("xyz", new String(pending.buffers[0].buf().array(), 0, 3, StandardCharsets.US_ASCII));
    assertEquals(0, again.routine.count(), "the refused call's routine ran");
    if (second == Op.SEND) {
      fx.sendBlocking(target.s(), "Z");
      assertEquals("Z", target.peerRead(1), "the refused send sent something");
    }
  }

  @DisplayName("rule 17 (control): a completed token may be passed again as it is")
  @ParameterizedTest(name = "rule 17 (control): a completed recv token reused for a recv ({0})")
  @EnumSource(value = Mode.class, names = {"EVENT", "ROUTINE"})
  void rule17CompletedTokenReusable(Mode mode) throws Exception {
    Conn c = fx.connect();
    IoCall first = fx.ioCall(Op.RECV, mode, c.s());
    first.buffers = new WsaBuf[] {WsaBuf.allocate(16)};
    assertFails(WSA_IO_PENDING, first.invoke());
    c.peerSend("one");
    awaitCompletion(first);

    IoCall again = fx.ioCall(Op.RECV, mode, c.s());
    again.overlapped = first.overlapped;
    again.buffers = new WsaBuf[] {WsaBuf.allocate(16)};
    assertFails(WSA_IO_PENDING, again.invoke());
    assertEquals(STATUS_PENDING, again.overlapped.internal());
    assertFalse(again.overlapped.event().isSignaled(), "starting an operation resets its event");
    c.peerSend("two");
    awaitCompletion(again);
    assertEquals(3, again.overlapped.internalHigh());
  }

  // -- rule 18 --

  enum NotConnected { NEW, BOUND, LISTENING, REFUSED }

  static Stream<Arguments> rule18NotConnected() {
    List<Arguments> all = new ArrayList<>();
    for (Arguments a : opsAndModes().toList()) {
      for (NotConnected kind : NotConnected.values()) {
        all.add(Arguments.of(a.get()[0], a.get()[1], kind));
      }
    }
    return all.stream();
  }

  @DisplayName("rule 18: recv/send on an unconnected socket → WSAENOTCONN")
  @ParameterizedTest(name = "rule 18: {0} ({1}) on a {2} socket → WSAENOTCONN")
  @MethodSource
  void rule18NotConnected(Op op, Mode mode, NotConnected kind) throws Exception {
    WsaSocket s = switch (kind) {
      case NEW -> fx.newSocket();
      case BOUND -> fx.boundSocket();
      case LISTENING -> fx.listener();
      case REFUSED -> {
        WsaSocket r = fx.newSocket();
        assertEquals(SOCKET_ERROR, wsa.connect(r, WsaFixture.refusingAddress()));
        yield r;
      }
    };
    fx.assertFailsAtOnce(fx.ioCall(op, mode, s), WSAENOTCONN);
  }

  static Stream<Arguments> rule18Shutdown() {
    List<Arguments> all = new ArrayList<>();
    for (Mode mode : Mode.values()) {
      all.add(Arguments.of(Op.SEND, mode, SD_SEND));
      all.add(Arguments.of(Op.SEND, mode, SD_BOTH));
      all.add(Arguments.of(Op.RECV, mode, SD_RECEIVE));
      all.add(Arguments.of(Op.RECV, mode, SD_BOTH));
    }
    return all.stream();
  }

  @DisplayName("rule 18: send after shutdown(SD_SEND), recv after shutdown(SD_RECEIVE) → WSAESHUTDOWN")
  @ParameterizedTest(name = "rule 18: {0} ({1}) after shutdown({2}) → WSAESHUTDOWN")
  @MethodSource
  void rule18Shutdown(Op op, Mode mode, int how) throws Exception {
    Conn c = fx.connect();
    c.peerSend("data waiting");
    assertOk(wsa.shutdown(c.s(), how), "shutdown");
    fx.assertFailsAtOnce(fx.ioCall(op, mode, c.s()), WSAESHUTDOWN);
  }

  @DisplayName("rule 18: a recv pending before shutdown(SD_RECEIVE) still completes with data sent afterwards")
  @ParameterizedTest(name = "rule 18: pending recv ({0}) survives shutdown(SD_RECEIVE)")
  @EnumSource(value = Mode.class, names = {"EVENT", "ROUTINE"})
  void rule18PendingRecvSurvivesShutdown(Mode mode) throws Exception {
    Conn c = fx.connect();
    IoCall pending = fx.ioCall(Op.RECV, mode, c.s());
    pending.buffers = new WsaBuf[] {WsaBuf.allocate(16)};
    assertFails(WSA_IO_PENDING, pending.invoke());
    assertOk(wsa.shutdown(c.s(), SD_RECEIVE), "shutdown");
    assertFails(WSAESHUTDOWN, fx.ioCall(Op.RECV, Mode.EVENT, c.s()).invoke());

    c.peerSend("test");
    awaitCompletion(pending);
    assertEquals(0, pending.overlapped.internal(), WsaFixture.name((int) pending.overlapped.internal()));
    assertEquals(4, pending.overlapped.internalHigh());
    assertEquals("test", new String(pending.buffers[0].buf().array(), 0, 4, StandardCharsets.US_ASCII));
  }

  @Test
  @DisplayName("rule 18: after shutdown(SD_SEND) recv still works")
  void recvAfterShutdownSend() throws Exception {
    Conn c = fx.connect();
    assertOk(wsa.shutdown(c.s(), SD_SEND), "shutdown");
    assertEquals(-1, c.peer().getInputStream().read(), "peer did not see end of stream");
    c.peerSend("back");
    Worker<String> r = fx.start("recv", () -> fx.recvBlocking(c.s(), 4));
    assertEquals("back", r.await().value());
  }

  @Test
  @DisplayName("rule 18: after shutdown(SD_RECEIVE) send still works")
  void sendAfterShutdownReceive() throws Exception {
    Conn c = fx.connect();
    assertOk(wsa.shutdown(c.s(), SD_RECEIVE), "shutdown");
    fx.sendBlocking(c.s(), "out");
    assertEquals("out", c.peerRead(3));
  }

  // -- interrupts of blocking calls --

  @DisplayName("interrupts: blocking recv on an interrupted thread → WSAEINTR, flag kept, no byte lost")
  @ParameterizedTest(name = "interrupts: blocking recv interrupted {0} → WSAEINTR; later bytes reach the next recv")
  @ValueSource(strings = {"before the call", "before the call, data waiting", "while blocked"})
  void blockingRecvInterrupted(String when) throws Exception {
    Conn c = fx.connect();
    boolean before = when.startsWith("before");
    boolean dataFirst = when.endsWith("data waiting");
    if (dataFirst) {
      c.peerSend("he");
    }
    WsaBuf buf = WsaBuf.allocate(16);
    int[] count = {SENTINEL};
    Worker<Integer> w = fx.start("recv", before,
        () -> wsa.recv(c.s(), new WsaBuf[] {buf}, 1, count, new int[] {0}, null, null));
    if (!before) {
      w.awaitBlockedInLibrary();
      w.thread.interrupt();
    }
    Outcome<Integer> out = w.await();
    assertEquals(SOCKET_ERROR, out.value());
    assertEquals(WSAEINTR, out.lastError(), WsaFixture.name(out.lastError()));
    assertTrue(out.interruptFlag(), "the interrupt flag was cleared");
    assertEquals(SENTINEL, count[0], "an interrupted recv wrote its count");

    c.peerSend(dataFirst ? "llo" : "hello");
    Worker<String> next = fx.start("next recv", () -> fx.recvBlocking(c.s(), 5));
    assertEquals("hello", next.await().value());
  }

  @DisplayName("interrupts: getOverlappedResult(wait) on an interrupted thread → false + WSAEINTR, the operation goes on")
  @ParameterizedTest(name = "interrupts: getOverlappedResult(wait) interrupted {0} → WSAEINTR")
  @ValueSource(strings = {"before the call", "while blocked"})
  void getOverlappedResultInterrupted(String when) throws Exception {
    Conn c = fx.connect();
    IoCall pending = fx.ioCall(Op.RECV, Mode.EVENT, c.s());
    pending.buffers = new WsaBuf[] {WsaBuf.allocate(16)};
    assertFails(WSA_IO_PENDING, pending.invoke());
    boolean before = when.startsWith("before");
    int[] count = {SENTINEL};
    Worker<Boolean> w = fx.start("getOverlappedResult", before,
        () -> wsa.getOverlappedResult(c.s(), pending.overlapped, count, true, new int[1]));
    if (!before) {
      w.awaitBlockedInLibrary();
      w.thread.interrupt();
    }
    Outcome<Boolean> out = w.await();
    assertFalse(out.value());
    assertEquals(WSAEINTR, out.lastError(), WsaFixture.name(out.lastError()));
    assertTrue(out.interruptFlag(), "the interrupt flag was cleared");
    assertEquals(SENTINEL, count[0]);
    assertEquals(STATUS_PENDING, pending.overlapped.internal(), "the wait's interrupt ended the operation");

    c.peerSend("late");
    awaitCompletion(pending);
    int[] n = {SENTINEL};
    assertTrue(wsa.getOverlappedResult(c.s(), pending.overlapped, n, false, new int[1]),
        WsaFixture::lastErrorName);
    assertEquals(4, n[0]);
  }

  @Test
  @DisplayName("rule 16b (control): send from a read-only buffer is allowed")
  void sendFromReadOnlyBuffer() throws Exception {
    Conn c = fx.connect();
    ByteBuffer ro = ByteBuffer.wrap("ro".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
    int[] n = {SENTINEL};
    assertOk(wsa.send(c.s(), new WsaBuf[] {new WsaBuf(ro)}, 1, n, 0, null, null), "send");
    assertEquals(2, n[0]);
    assertEquals("ro", c.peerRead(2));
    assertEquals(0, ro.position());
  }

  @Test
  @DisplayName("rule 16b: a failed call leaves the caller's buffers as they were, even spread over several")
  void failedCallMovesNoBuffer() throws Exception {
    Conn c = fx.connect();
    ByteBuffer a = ByteBuffer.allocate(32);
    a.position(3).limit(20);
    ByteBuffer b = ByteBuffer.allocateDirect(32);
    b.position(5).limit(9);
    IoCall call = fx.ioCall(Op.RECV, Mode.EVENT, c.s());
    call.buffers = new WsaBuf[] {new WsaBuf(a), new WsaBuf(b, 10)}; // second len 10 > remaining 4
    call.bufferCount = 2;
    fx.assertFailsAtOnce(call, WSAEFAULT);
    assertEquals(3, a.position());
    assertEquals(20, a.limit());
    assertEquals(5, b.position());
    assertEquals(9, b.limit());
  }

  @Test
  @DisplayName("rule 17: a routine of a refused call never runs even after the pending one completes")
  void refusedRoutineNeverRuns() throws Exception {
    Conn c = fx.connect();
    WsaOverlapped token = new WsaOverlapped();
    RoutineLog first = new RoutineLog();
    RoutineLog refused = new RoutineLog();
    WsaBuf b1 = WsaBuf.allocate(8);
    assertFails(WSA_IO_PENDING,
        wsa.recv(c.s(), new WsaBuf[] {b1}, 1, null, new int[] {0}, token, first));
    assertFails(WSAEINVAL,
        wsa.recv(c.s(), new WsaBuf[] {WsaBuf.allocate(8)}, 1, null, new int[] {0}, token, refused));
    c.peerSend("12");
    assertEquals(WSA_WAIT_IO_COMPLETION, wsa.sleepEx((int) WAIT_MS, true));
    assertEquals(0, wsa.sleepEx(0, true));
    assertEquals(1, first.count());
    assertEquals(0, refused.count());
    assertSame(token, first.calls().get(0).overlapped());
  }
}
