package io.wsa4j.contract;

import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.MSG_OOB;
import static io.wsa4j.Winsock.SOL_SOCKET;
import static io.wsa4j.Winsock.SO_KEEPALIVE;
import static io.wsa4j.Winsock.SO_LINGER;
import static io.wsa4j.Winsock.SO_RCVBUF;
import static io.wsa4j.Winsock.SO_REUSEADDR;
import static io.wsa4j.Winsock.SO_SNDBUF;
import static io.wsa4j.Winsock.TCP_NODELAY;
import static io.wsa4j.Winsock.WSAEFAULT;
import static io.wsa4j.Winsock.WSAEINVAL;
import static io.wsa4j.Winsock.WSAENOPROTOOPT;
import static io.wsa4j.Winsock.WSAEOPNOTSUPP;
import static io.wsa4j.testkit.WsaFixture.SENTINEL;
import static io.wsa4j.testkit.WsaFixture.assertFails;
import static io.wsa4j.testkit.WsaFixture.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaSocket;
import io.wsa4j.testkit.WsaFixture.Conn;
import io.wsa4j.testkit.WsaFixture.Mode;
import io.wsa4j.testkit.WsaFixture.Op;
import java.util.ArrayList;
import java.util.List;
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

/** Rule 24 (what NIO2 cannot provide) and the socket options that round-trip. */
@Timeout(30)
class OptionsRulesTest {
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

  /** The socket an option is set on: before or after connect. */
  enum When { UNCONNECTED, CONNECTED }

  private WsaSocket socket(When when) throws Exception {
    return when == When.CONNECTED ? fx.connect().s() : fx.newSocket();
  }

  private int get(WsaSocket s, int level, int option) {
    int[] out = {SENTINEL};
    assertOk(wsa.getsockopt(s, level, option, out), "getsockopt");
    return out[0];
  }

  // -- SO_LINGER --

  @DisplayName("rule 24: SO_LINGER -1 (off) succeeds and reads back as -1")
  @ParameterizedTest(name = "rule 24: SO_LINGER -1 on a {0} socket → 0")
  @EnumSource(When.class)
  void rule24LingerOff(When when) throws Exception {
    WsaSocket s = socket(when);
    assertOk(wsa.setsockopt(s, SOL_SOCKET, SO_LINGER, -1), "setsockopt(SO_LINGER, -1)");
    assertEquals(-1, get(s, SOL_SOCKET, SO_LINGER));
  }

  static Stream<Arguments> rule24LingerRefused() {
    List<Arguments> all = new ArrayList<>();
    for (int seconds : new int[] {0, 1, 30, Integer.MAX_VALUE}) {
      for (When when : When.values()) {
        all.add(Arguments.of(seconds, when));
      }
    }
    return all.stream();
  }

  @DisplayName("rule 24: SO_LINGER 0 (abortive close) and positive → SOCKET_ERROR + WSAENOPROTOOPT, still off")
  @ParameterizedTest(name = "rule 24: SO_LINGER {0} on a {1} socket → WSAENOPROTOOPT")
  @MethodSource
  void rule24LingerRefused(int seconds, When when) throws Exception {
    WsaSocket s = socket(when);
    Wsa.setLastError(SENTINEL);
    assertFails(WSAENOPROTOOPT, wsa.setsockopt(s, SOL_SOCKET, SO_LINGER, seconds));
    assertEquals(-1, get(s, SOL_SOCKET, SO_LINGER), "a refused SO_LINGER changed the option");
  }

  // -- MSG_OOB (MSG_PEEK is supported: see ZeroByteAndPeekRulesTest) --

  static Stream<Arguments> rule24UnsupportedFlags() {
    List<Arguments> all = new ArrayList<>();
    for (Mode mode : Mode.values()) {
      all.add(Arguments.of(Op.RECV, mode, "MSG_OOB", MSG_OOB));
      all.add(Arguments.of(Op.SEND, mode, "MSG_OOB", MSG_OOB));
    }
    return all.stream();
  }

  @DisplayName("rule 24: MSG_OOB → WSAEOPNOTSUPP, with no completion indication")
  @ParameterizedTest(name = "rule 24: {0} ({1}) with {2} → WSAEOPNOTSUPP")
  @MethodSource
  void rule24UnsupportedFlags(Op op, Mode mode, String flagName, int flag) throws Exception {
    Conn c = fx.connect();
    c.peerSend("data waiting"); // a peek wrongly honoured would complete, not hang
    fx.assertFailsAtOnce(fx.ioCall(op, mode, c.s()).flags(flag), WSAEOPNOTSUPP);
  }

  // -- unknown options and levels --

  record Bad(String what, int level, int option) {
    @Override
    public String toString() {
      return what;
    }
  }

  static Stream<Arguments> rule24UnknownOption() {
    return Stream.of(
        new Bad("SOL_SOCKET option 0x7777", SOL_SOCKET, 0x7777),
        new Bad("SOL_SOCKET option -1", SOL_SOCKET, -1),
        new Bad("IPPROTO_TCP option 0x7777", IPPROTO_TCP, 0x7777))
        .flatMap(b -> Stream.of(Arguments.of(b, "setsockopt"), Arguments.of(b, "getsockopt")));
  }

  @DisplayName("rule 24: an unknown option → SOCKET_ERROR + WSAENOPROTOOPT")
  @ParameterizedTest(name = "rule 24: {1} of {0} → WSAENOPROTOOPT")
  @MethodSource
  void rule24UnknownOption(Bad bad, String call) {
    assertOptionCallFails(bad, call, WSAENOPROTOOPT);
  }

  static Stream<Arguments> rule24UnknownLevel() {
    return Stream.of(
        new Bad("level 0x1234", 0x1234, SO_KEEPALIVE),
        new Bad("level -1", -1, SO_KEEPALIVE),
        new Bad("level 0xfffe", 0xfffe, TCP_NODELAY))
        .flatMap(b -> Stream.of(Arguments.of(b, "setsockopt"), Arguments.of(b, "getsockopt")));
  }

  @DisplayName("rule 24: an unknown level → SOCKET_ERROR + WSAEINVAL")
  @ParameterizedTest(name = "rule 24: {1} at {0} → WSAEINVAL")
  @MethodSource
  void rule24UnknownLevel(Bad bad, String call) {
    assertOptionCallFails(bad, call, WSAEINVAL);
  }

  private void assertOptionCallFails(Bad bad, String call, int code) {
    WsaSocket s = fx.newSocket();
    int[] out = {SENTINEL};
    Wsa.setLastError(SENTINEL);
    int rc = call.equals("setsockopt")
        ? wsa.setsockopt(s, bad.level(), bad.option(), 1)
        : wsa.getsockopt(s, bad.level(), bad.option(), out);
    assertFails(code, rc);
    assertEquals(SENTINEL, out[0], "a failed getsockopt wrote its value");
  }

  @DisplayName("getsockopt: null or empty valueOut → WSAEFAULT")
  @ParameterizedTest(name = "getsockopt: valueOut {0} → WSAEFAULT")
  @ValueSource(strings = {"null", "empty"})
  void getsockoptBadOut(String kind) {
    WsaSocket s = fx.newSocket();
    Wsa.setLastError(SENTINEL);
    assertFails(WSAEFAULT, wsa.getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, kind.equals("null") ? null : new int[0]));
  }

  // -- round trips --

  record Flag(String name, int level, int option) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> booleanOptionsRoundTrip() {
    List<Arguments> all = new ArrayList<>();
    for (Flag f : List.of(new Flag("SO_REUSEADDR", SOL_SOCKET, SO_REUSEADDR),
        new Flag("SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE),
        new Flag("TCP_NODELAY", IPPROTO_TCP, TCP_NODELAY))) {
      for (When when : When.values()) {
        all.add(Arguments.of(f, when));
      }
    }
    return all.stream();
  }

  @DisplayName("options: boolean options read back 0/1 as set (any non-zero is on)")
  @ParameterizedTest(name = "options: {0} on a {1} socket: set 1, 0, 5, -1 → reads 1, 0, 1, 1")
  @MethodSource
  void booleanOptionsRoundTrip(Flag f, When when) throws Exception {
    WsaSocket s = socket(when);
    for (int[] setAndGet : new int[][] {{1, 1}, {0, 0}, {5, 1}, {-1, 1}}) {
      assertOk(wsa.setsockopt(s, f.level(), f.option(), setAndGet[0]), "set " + setAndGet[0]);
      assertEquals(setAndGet[1], get(s, f.level(), f.option()),
          () -> f + " set to " + setAndGet[0] + " on a " + when + " socket must read back as 0/1");
    }
  }

  static Stream<Arguments> bufferSizes() {
    List<Arguments> all = new ArrayList<>();
    for (String name : List.of("SO_RCVBUF", "SO_SNDBUF")) {
      for (When when : When.values()) {
        all.add(Arguments.of(name, when));
      }
    }
    return all.stream();
  }

  @DisplayName("options: SO_RCVBUF/SO_SNDBUF can be set and read back positive, larger for a larger setting")
  @ParameterizedTest(name = "options: {0} on a {1} socket")
  @MethodSource
  void bufferSizes(String name, When when) throws Exception {
    int option = name.equals("SO_RCVBUF") ? SO_RCVBUF : SO_SNDBUF;
    WsaSocket s = socket(when);
    int initial = get(s, SOL_SOCKET, option);
    assertTrue(initial > 0, () -> name + " of a " + when + " socket reads " + initial + ", not its size");
    assertOk(wsa.setsockopt(s, SOL_SOCKET, option, 4096), "set 4096");
    int small = get(s, SOL_SOCKET, option);
    assertOk(wsa.setsockopt(s, SOL_SOCKET, option, 65536), "set 65536");
    int large = get(s, SOL_SOCKET, option);
    assertTrue(small > 0, "size " + small);
    assertTrue(large >= small, "65536 read back as " + large + ", 4096 as " + small);
  }

  @Test
  @DisplayName("options: values set before connect are still in force after it")
  void optionsSurviveConnect() throws Exception {
    WsaSocket s = fx.newSocket();
    assertOk(wsa.setsockopt(s, IPPROTO_TCP, TCP_NODELAY, 1), "TCP_NODELAY");
    assertOk(wsa.setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, 1), "SO_KEEPALIVE");
    assertOk(wsa.connect(s, fx.peerAddress()), "connect");
    fx.track(fx.peerListener().accept());
    assertEquals(1, get(s, IPPROTO_TCP, TCP_NODELAY));
    assertEquals(1, get(s, SOL_SOCKET, SO_KEEPALIVE));
  }

  @Test
  @DisplayName("options: values set before a refused connect survive it and the next connect")
  void optionsSurviveRefusedConnect() throws Exception {
    WsaSocket s = fx.newSocket();
    assertOk(wsa.setsockopt(s, IPPROTO_TCP, TCP_NODELAY, 1), "TCP_NODELAY");
    assertEquals(-1, wsa.connect(s, WsaFixture.refusingAddress()));
    assertEquals(1, get(s, IPPROTO_TCP, TCP_NODELAY));
    assertOk(wsa.connect(s, fx.peerAddress()), "connect");
    fx.track(fx.peerListener().accept());
    assertEquals(1, get(s, IPPROTO_TCP, TCP_NODELAY));
  }
}
