package io.wsa4j.contract;

import static io.wsa4j.Winsock.STATUS_PENDING;
import static io.wsa4j.Winsock.WSAENOTSOCK;
import static io.wsa4j.Winsock.WSA_IO_PENDING;
import static io.wsa4j.Winsock.WSA_WAIT_EVENT_0;
import static io.wsa4j.Winsock.WSA_WAIT_IO_COMPLETION;
import static io.wsa4j.testkit.WsaFixture.WAIT_MS;
import static io.wsa4j.testkit.WsaFixture.SENTINEL;
import static io.wsa4j.testkit.WsaFixture.assertFails;
import static io.wsa4j.testkit.WsaFixture.assertOk;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Winsock;
import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaError;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import io.wsa4j.testkit.WsaFixture.Conn;
import io.wsa4j.testkit.WsaFixture.RoutineLog;
import io.wsa4j.testkit.WsaFixture.Worker;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The value classes ({@link WsaBuf}, {@link WsaOverlapped}), {@link WsaError} names and the
 * per-thread last error.
 */
@Timeout(30)
class ValueTypesTest {
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

  // -- WsaBuf --

  static Stream<Named<Executable>> negativeLengths() {
    return Stream.of(
        Named.of("new WsaBuf(buf, -1)", () -> new WsaBuf(ByteBuffer.allocate(4), -1)),
        Named.of("new WsaBuf(buf, Integer.MIN_VALUE)", () -> new WsaBuf(ByteBuffer.allocate(4), Integer.MIN_VALUE)),
        Named.of("len(-1)", () -> WsaBuf.allocate(4).len(-1)),
        Named.of("allocate(-1)", () -> WsaBuf.allocate(-1)),
        Named.of("allocateDirect(-1)", () -> WsaBuf.allocateDirect(-1)));
  }

  @DisplayName("WsaBuf: a negative len → IllegalArgumentException")
  @ParameterizedTest(name = "WsaBuf: {0} → IllegalArgumentException")
  @MethodSource
  void negativeLengths(Executable make) {
    assertThrows(IllegalArgumentException.class, make);
  }

  @Test
  @DisplayName("WsaBuf: keeps the caller's buffer; len defaults to remaining and may exceed it")
  void wsaBufDescribesCallersBuffer() {
    ByteBuffer b = ByteBuffer.allocate(16);
    b.position(4).limit(10);
    WsaBuf w = new WsaBuf(b);
    assertSame(b, w.buf());
    assertEquals(6, w.len());
    assertSame(w, w.len(100), "len(int) returns this");
    assertEquals(100, w.len());
    assertEquals(4, b.position());
    assertEquals(10, b.limit());
    WsaBuf region = WsaBuf.wrap(new byte[10], 2, 5);
    assertEquals(5, region.len());
    assertEquals(2, region.buf().position());
    assertDoesNotThrow(() -> new WsaBuf(ByteBuffer.allocate(2), 3));
  }

  static Stream<Arguments> positionsUnmoved() {
    List<Arguments> all = new ArrayList<>();
    for (String kind : List.of("heap", "direct")) {
      for (String mode : List.of("overlapped", "blocking")) {
        all.add(Arguments.of(kind, mode));
      }
    }
    return all.stream();
  }

  @DisplayName("WsaBuf: send and recv use buf[position, position+len) and never move position or limit")
  @ParameterizedTest(name = "WsaBuf: {0} buffers, {1} send and recv leave position/limit alone")
  @MethodSource
  void positionsUnmoved(String kind, String mode) throws Exception {
    Conn c = fx.connect();
    boolean direct = kind.equals("direct");
    ByteBuffer out = direct ? ByteBuffer.allocateDirect(32) : ByteBuffer.allocate(32);
    out.put("xxxxHELLOyyyy".getBytes(StandardCharsets.US_ASCII)).position(4).limit(12);
    WsaBuf send = new WsaBuf(out, 5); // "HELLO" of the 8 remaining bytes
    transfer(c, send, mode, true);
    assertEquals("HELLO", c.peerRead(5));
    assertEquals(4, out.position());
    assertEquals(12, out.limit());

    ByteBuffer in = direct ? ByteBuffer.allocateDirect(32) : ByteBuffer.allocate(32);
    in.position(7).limit(20);
    c.peerSend("WORLD");
    WsaBuf recv = new WsaBuf(in, 5);
    int n = transfer(c, recv, mode, false);
    assertEquals(5, n);
    assertEquals(7, in.position());
    assertEquals(20, in.limit());
    byte[] got = new byte[5];
    in.duplicate().get(got);
    assertEquals("WORLD", new String(got, StandardCharsets.US_ASCII));
    assertEquals(0, in.get(6), "a byte before position was written");
  }

  private int transfer(Conn c, WsaBuf b, String mode, boolean send) {
    WsaBuf[] bufs = {b};
    int[] n = {SENTINEL};
    if (mode.equals("blocking")) {
      int rc = send ? wsa.send(c.s(), bufs, 1, n, 0, null, null)
          : wsa.recv(c.s(), bufs, 1, n, new int[] {0}, null, null);
      assertOk(rc, send ? "send" : "recv");
      return n[0];
    }
    WsaEvent e = fx.event();
    WsaOverlapped ov = new WsaOverlapped(e);
    int rc = send ? wsa.send(c.s(), bufs, 1, n, 0, ov, null)
        : wsa.recv(c.s(), bufs, 1, n, new int[] {0}, ov, null);
    assertTrue(rc == 0 || Wsa.getLastError() == WSA_IO_PENDING, WsaFixture::lastErrorName);
    assertEquals(WSA_WAIT_EVENT_0, wsa.waitForMultipleEvents(1, new WsaEvent[] {e}, false, (int) WAIT_MS, false));
    assertEquals(0, ov.internal());
    return (int) ov.internalHigh();
  }

  // -- WsaOverlapped --

  @Test
  @DisplayName("WsaOverlapped: a new token is complete with status 0, no event, no attachment")
  void newToken() {
    WsaOverlapped ov = new WsaOverlapped();
    assertEquals(0, ov.internal());
    assertEquals(0, ov.internalHigh());
    assertTrue(ov.isCompleted());
    assertNull(ov.event());
    assertNull(ov.attachment());
    WsaEvent e = fx.event();
    Object context = new Object();
    assertSame(ov, ov.event(e));
    assertSame(ov, ov.attach(context));
    assertSame(e, ov.event());
    assertSame(context, ov.attachment());
    assertSame(e, new WsaOverlapped(e).event());
    ov.reset();
    assertSame(e, ov.event());
  }

  @Test
  @DisplayName("WsaOverlapped: reset() while pending → IllegalStateException; after completion it clears status and count, keeps event and attachment")
  void resetWhilePending() throws Exception {
    Conn c = fx.connect();
    WsaEvent e = fx.event();
    Object context = "ctx";
    WsaOverlapped ov = new WsaOverlapped(e).attach(context);
    Wsa.setLastError(SENTINEL);
    assertFails(WSA_IO_PENDING,
        wsa.recv(c.s(), new WsaBuf[] {WsaBuf.allocate(8)}, 1, null, new int[] {0}, ov, null));
    assertEquals(STATUS_PENDING, ov.internal());
    assertFalse(ov.isCompleted());
    assertThrows(IllegalStateException.class, ov::reset);
    assertEquals(STATUS_PENDING, ov.internal(), "a refused reset changed the token");

    c.peerSend("abc");
    assertEquals(WSA_WAIT_EVENT_0, wsa.waitForMultipleEvents(1, new WsaEvent[] {e}, false, (int) WAIT_MS, false));
    assertEquals(0, ov.internal());
    assertEquals(3, ov.internalHigh());
    ov.reset();
    assertEquals(0, ov.internal());
    assertEquals(0, ov.internalHigh());
    assertSame(e, ov.event());
    assertSame(context, ov.attachment());
  }

  /** A token carrying per-operation context, as C code embeds an OVERLAPPED. */
  static final class Session extends WsaOverlapped {
    final String peer;

    Session(String peer) {
      this.peer = peer;
    }
  }

  @Test
  @DisplayName("WsaOverlapped: a subclass comes back, the same object, to its routine")
  void subclassComesBack() throws Exception {
    Conn c = fx.connect();
    Session session = new Session("alice");
    RoutineLog routine = new RoutineLog();
    assertFails(WSA_IO_PENDING,
        wsa.recv(c.s(), new WsaBuf[] {WsaBuf.allocate(8)}, 1, null, new int[] {0}, session, routine));
    c.peerSend("hi");
    assertEquals(WSA_WAIT_IO_COMPLETION, wsa.sleepEx((int) WAIT_MS, true));
    assertSame(session, routine.calls().get(0).overlapped());
    assertEquals("alice", ((Session) routine.calls().get(0).overlapped()).peer);
  }

  // -- WsaError --

  @DisplayName("WsaError: name(code) is the Windows name, the WSA_ name winning where a value has several")
  @ParameterizedTest(name = "WsaError: name({0}) = {1}")
  @CsvSource({
      "10054, WSAECONNRESET", "995, WSA_OPERATION_ABORTED", "997, WSA_IO_PENDING",
      "996, WSA_IO_INCOMPLETE", "87, WSA_INVALID_PARAMETER", "6, WSA_INVALID_HANDLE",
      "8, WSA_NOT_ENOUGH_MEMORY", "10093, WSANOTINITIALISED", "10038, WSAENOTSOCK",
      "10014, WSAEFAULT", "10022, WSAEINVAL", "10004, WSAEINTR", "10045, WSAEOPNOTSUPP",
      "10042, WSAENOPROTOOPT", "10057, WSAENOTCONN", "10058, WSAESHUTDOWN",
      "10061, WSAECONNREFUSED", "10056, WSAEISCONN", "10048, WSAEADDRINUSE",
      "10049, WSAEADDRNOTAVAIL", "10047, WSAEAFNOSUPPORT", "10044, WSAESOCKTNOSUPPORT",
      "10043, WSAEPROTONOSUPPORT", "10055, WSAENOBUFS", "10053, WSAECONNABORTED",
      "10060, WSAETIMEDOUT", "10101, WSAEDISCON", "64, ERROR_NETNAME_DELETED",
      "1168, ERROR_NOT_FOUND", "1225, ERROR_CONNECTION_REFUSED", "1236, ERROR_CONNECTION_ABORTED",
      "735, ERROR_ABANDONED_WAIT_0", "258, WAIT_TIMEOUT"})
  void errorNames(int code, String name) {
    assertEquals(name, WsaError.name(code));
    assertFalse(WsaError.message(code).isBlank());
  }

  static Stream<Arguments> everyWinsockErrorConstant() throws IllegalAccessException {
    List<Arguments> all = new ArrayList<>();
    for (Field f : Winsock.class.getFields()) {
      String n = f.getName();
      boolean error = n.startsWith("WSAE") || n.equals("WSANOTINITIALISED")
          || List.of("WSA_INVALID_HANDLE", "WSA_NOT_ENOUGH_MEMORY", "WSA_INVALID_PARAMETER",
              "WSA_OPERATION_ABORTED", "WSA_IO_INCOMPLETE", "WSA_IO_PENDING").contains(n);
      if (error && Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
        all.add(Arguments.of(n, f.getInt(null)));
      }
    }
    return all.stream();
  }

  @DisplayName("WsaError: every Winsock error constant is named by its own name")
  @ParameterizedTest(name = "WsaError: name(Winsock.{0} = {1}) = {0}")
  @MethodSource
  void everyWinsockErrorConstant(String field, int value) {
    assertEquals(field, WsaError.name(value));
  }

  @Test
  @DisplayName("WsaError: an unknown code gets a fallback name and message, no exception")
  void unknownCode() {
    assertEquals("ERROR_123456", WsaError.name(123456));
    assertFalse(WsaError.message(123456).isBlank());
  }

  // -- last error --

  @Test
  @DisplayName("last error: setLastError/getLastError belong to the calling thread")
  void lastErrorPerThread() throws Exception {
    Wsa.setLastError(1234);
    assertEquals(1234, Wsa.getLastError());
    CountDownLatch set = new CountDownLatch(1);
    CountDownLatch checked = new CountDownLatch(1);
    Worker<Integer> other = fx.start("other thread", () -> {
      int initial = Wsa.getLastError();
      Wsa.setLastError(99);
      set.countDown();
      assertTrue(checked.await(WAIT_MS, TimeUnit.MILLISECONDS));
      return initial * 1000 + Wsa.getLastError();
    });
    assertTrue(set.await(WAIT_MS, TimeUnit.MILLISECONDS));
    assertEquals(1234, Wsa.getLastError(), "another thread's setLastError changed this thread's");
    Wsa.setLastError(5678);
    checked.countDown();
    // the worker set SENTINEL itself before its call; it then saw only its own 99
    assertEquals(SENTINEL * 1000 + 99, other.await().value());
  }

  @Test
  @DisplayName("last error: a failing call on another thread leaves this thread's last error alone")
  void failingCallSetsOnlyItsThread() throws Exception {
    Wsa.setLastError(4321);
    Worker<Integer> other = fx.start("failing call", () -> wsa.closesocket(WsaSocket.INVALID_SOCKET));
    assertEquals(-1, other.await().value());
    assertEquals(WSAENOTSOCK, other.await().lastError());
    assertEquals(4321, Wsa.getLastError());
  }

  @DisplayName("last error: any int round-trips")
  @ParameterizedTest(name = "last error: setLastError({0}) → getLastError() = {0}")
  @ValueSource(ints = {0, -1, 10054, Integer.MAX_VALUE, Integer.MIN_VALUE})
  void lastErrorRoundTrip(int code) {
    Wsa.setLastError(code);
    assertEquals(code, Wsa.getLastError());
  }
}
