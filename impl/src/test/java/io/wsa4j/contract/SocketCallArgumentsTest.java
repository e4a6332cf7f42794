package io.wsa4j.contract;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.AF_INET6;
import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.SD_BOTH;
import static io.wsa4j.Winsock.SD_RECEIVE;
import static io.wsa4j.Winsock.SD_SEND;
import static io.wsa4j.Winsock.SOCK_DGRAM;
import static io.wsa4j.Winsock.SOCK_STREAM;
import static io.wsa4j.Winsock.SOL_SOCKET;
import static io.wsa4j.Winsock.SOMAXCONN;
import static io.wsa4j.Winsock.SO_KEEPALIVE;
import static io.wsa4j.Winsock.WSAEADDRINUSE;
import static io.wsa4j.Winsock.WSAEADDRNOTAVAIL;
import static io.wsa4j.Winsock.WSAEAFNOSUPPORT;
import static io.wsa4j.Winsock.WSAECONNREFUSED;
import static io.wsa4j.Winsock.WSAEFAULT;
import static io.wsa4j.Winsock.WSAEINTR;
import static io.wsa4j.Winsock.WSAEINVAL;
import static io.wsa4j.Winsock.WSAEISCONN;
import static io.wsa4j.Winsock.WSAENOTCONN;
import static io.wsa4j.Winsock.WSAENOTSOCK;
import static io.wsa4j.Winsock.WSAEPROTONOSUPPORT;
import static io.wsa4j.Winsock.WSAESOCKTNOSUPPORT;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;
import static io.wsa4j.testkit.WsaFixture.LOOPBACK;
import static io.wsa4j.testkit.WsaFixture.NON_LOCAL;
import static io.wsa4j.testkit.WsaFixture.SENTINEL;
import static io.wsa4j.testkit.WsaFixture.assertFailure;
import static io.wsa4j.testkit.WsaFixture.assertFails;
import static io.wsa4j.testkit.WsaFixture.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import io.wsa4j.testkit.WsaFixture.Conn;
import io.wsa4j.testkit.WsaFixture.Mode;
import io.wsa4j.testkit.WsaFixture.Op;
import io.wsa4j.testkit.WsaFixture.Outcome;
import io.wsa4j.testkit.WsaFixture.Worker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The socket calls' argument and state errors (winsock-semantics.md scenarios 6, 33, 39–41, 53,
 * 68–71) and rule 15 for every call that takes a socket.
 */
@Timeout(30)
class SocketCallArgumentsTest {
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

  // -- rule 15 --

  @FunctionalInterface
  interface BadSocket {
    WsaSocket make(WsaFixture fx) throws Exception;
  }

  @FunctionalInterface
  interface SocketCall {
    Object call(WsaFixture fx, WsaSocket s) throws Exception;
  }

  static List<Named<BadSocket>> badSockets() {
    return List.of(
        Named.of("INVALID_SOCKET", fx -> WsaSocket.INVALID_SOCKET),
        Named.of("null", fx -> null),
        Named.of("closed", WsaFixture::closedSocket),
        Named.of("closed after connect", fx -> {
          WsaSocket s = fx.connect().s();
          assertOk(fx.wsa.closesocket(s), "closesocket");
          return s;
        }),
        Named.of("foreign (another context's)", WsaFixture::foreignSocket),
        Named.of("another provider's", fx -> WsaFixture.alienSocket()),
        Named.of("cleaned-up context's", fx -> {
          Wsa gone = fx.startup();
          WsaSocket s = WsaFixture.newSocket(gone);
          assertOk(gone.cleanup(), "cleanup");
          return s;
        }));
  }

  static List<Named<SocketCall>> socketCalls() {
    return List.of(
        Named.of("bind", (fx, s) -> fx.wsa.bind(s, new InetSocketAddress(LOOPBACK, 0))),
        Named.of("listen", (fx, s) -> fx.wsa.listen(s, 5)),
        Named.of("accept", (fx, s) -> fx.wsa.accept(s, new SocketAddress[1])),
        Named.of("connect", (fx, s) -> fx.wsa.connect(s, fx.peerAddress())),
        Named.of("closesocket", (fx, s) -> fx.wsa.closesocket(s)),
        Named.of("shutdown", (fx, s) -> fx.wsa.shutdown(s, SD_BOTH)),
        Named.of("setsockopt", (fx, s) -> fx.wsa.setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, 1)),
        Named.of("getsockopt", (fx, s) -> fx.wsa.getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, new int[1])),
        Named.of("getsockname", (fx, s) -> fx.wsa.getsockname(s, new SocketAddress[1])),
        Named.of("getpeername", (fx, s) -> fx.wsa.getpeername(s, new SocketAddress[1])),
        Named.of("send (event)", (fx, s) -> fx.ioCall(Op.SEND, Mode.EVENT, s).invoke()),
        Named.of("send (routine)", (fx, s) -> fx.ioCall(Op.SEND, Mode.ROUTINE, s).invoke()),
        Named.of("send (blocking)", (fx, s) -> fx.ioCall(Op.SEND, Mode.BLOCKING, s).invoke()),
        Named.of("recv (event)", (fx, s) -> fx.ioCall(Op.RECV, Mode.EVENT, s).invoke()),
        Named.of("recv (routine)", (fx, s) -> fx.ioCall(Op.RECV, Mode.ROUTINE, s).invoke()),
        Named.of("recv (blocking)", (fx, s) -> fx.ioCall(Op.RECV, Mode.BLOCKING, s).invoke()),
        Named.of("getOverlappedResult",
            (fx, s) -> fx.wsa.getOverlappedResult(s, new WsaOverlapped(), new int[1], false, new int[1])),
        Named.of("getOverlappedResult(wait)",
            (fx, s) -> fx.wsa.getOverlappedResult(s, new WsaOverlapped(), new int[1], true, new int[1])));
  }

  static Stream<Arguments> rule15() {
    List<Arguments> all = new ArrayList<>();
    for (Named<BadSocket> kind : badSockets()) {
      for (Named<SocketCall> call : socketCalls()) {
        all.add(Arguments.of(kind, call));
      }
    }
    return all.stream();
  }

  @DisplayName("rule 15: null, INVALID_SOCKET, closed and foreign sockets → WSAENOTSOCK")
  @ParameterizedTest(name = "rule 15: {1} with a {0} socket → WSAENOTSOCK")
  @MethodSource
  void rule15(BadSocket kind, SocketCall call) throws Exception {
    WsaSocket s = kind.make(fx);
    Wsa.setLastError(SENTINEL);
    Object result = call.call(fx, s);
    assertFailure(WSAENOTSOCK, result);
  }

  @Test
  @DisplayName("rule 15: closesocket of another context's socket leaves it open there")
  void closingForeignSocketLeavesItOpen() {
    Wsa other = fx.other();
    WsaSocket theirs = WsaFixture.newSocket(other);
    assertFails(WSAENOTSOCK, wsa.closesocket(theirs));
    assertOk(other.bind(theirs, new InetSocketAddress(LOOPBACK, 0)), "bind in its own context");
    assertOk(other.closesocket(theirs), "closesocket in its own context");
  }

  @Test
  @DisplayName("rule 15: closesocket twice → the second WSAENOTSOCK")
  void closesocketTwice() {
    WsaSocket s = fx.newSocket();
    assertOk(wsa.closesocket(s), "first closesocket");
    Wsa.setLastError(SENTINEL);
    assertFails(WSAENOTSOCK, wsa.closesocket(s));
  }

  // -- socket --

  record SocketArgs(String what, int af, int type, int protocol, Object info, int group, int flags) {
    @Override
    public String toString() {
      return what;
    }
  }

  static Stream<Arguments> badSocketArguments() {
    int ov = WSA_FLAG_OVERLAPPED;
    return Stream.of(
        Arguments.of(new SocketArgs("af -1", -1, SOCK_STREAM, IPPROTO_TCP, null, 0, ov), WSAEAFNOSUPPORT),
        Arguments.of(new SocketArgs("af 0xdead", 0xdead, SOCK_STREAM, IPPROTO_TCP, null, 0, ov), WSAEAFNOSUPPORT),
        Arguments.of(new SocketArgs("af 1 (AF_UNIX)", 1, SOCK_STREAM, 0, null, 0, ov), WSAEAFNOSUPPORT),
        Arguments.of(new SocketArgs("SOCK_DGRAM with IPPROTO_TCP", AF_INET, SOCK_DGRAM, IPPROTO_TCP, null, 0, ov), WSAEPROTONOSUPPORT),
        Arguments.of(new SocketArgs("type 3 (SOCK_RAW)", AF_INET, 3, 0, null, 0, ov), WSAESOCKTNOSUPPORT),
        Arguments.of(new SocketArgs("type 0xdead", AF_INET, 0xdead, IPPROTO_TCP, null, 0, ov), WSAESOCKTNOSUPPORT),
        Arguments.of(new SocketArgs("protocol 0xdead", AF_INET, SOCK_STREAM, 0xdead, null, 0, ov), WSAEPROTONOSUPPORT),
        Arguments.of(new SocketArgs("protocol 17 (UDP)", AF_INET, SOCK_STREAM, 17, null, 0, ov), WSAEPROTONOSUPPORT),
        Arguments.of(new SocketArgs("protocol -1", AF_INET, SOCK_STREAM, -1, null, 0, ov), WSAEPROTONOSUPPORT),
        Arguments.of(new SocketArgs("non-null protocolInfo", AF_INET, SOCK_STREAM, IPPROTO_TCP, new Object(), 0, ov), WSAEINVAL),
        Arguments.of(new SocketArgs("group 1", AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 1, ov), WSAEINVAL),
        Arguments.of(new SocketArgs("group -1", AF_INET, SOCK_STREAM, IPPROTO_TCP, null, -1, ov), WSAEINVAL),
        Arguments.of(new SocketArgs("flags 0x100", AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, 0x100), WSAEINVAL),
        Arguments.of(new SocketArgs("flags 0x02 (multipoint)", AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, 0x02), WSAEINVAL),
        Arguments.of(new SocketArgs("flags -1", AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, -1), WSAEINVAL));
  }

  @DisplayName("socket: each bad argument → INVALID_SOCKET with its code")
  @ParameterizedTest(name = "socket: {0} → {1}")
  @MethodSource
  void badSocketArguments(SocketArgs a, int code) {
    Wsa.setLastError(SENTINEL);
    assertFails(code, wsa.socket(a.af, a.type, a.protocol, a.info, a.group, a.flags));
  }

  static Stream<SocketArgs> goodSocketArguments() {
    return Stream.of(
        new SocketArgs("AF_INET, SOCK_STREAM, 0, flags 0", AF_INET, SOCK_STREAM, 0, null, 0, 0),
        new SocketArgs("AF_INET, SOCK_STREAM, IPPROTO_TCP, overlapped", AF_INET, SOCK_STREAM,
            IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED),
        new SocketArgs("AF_INET6, SOCK_STREAM, IPPROTO_TCP, overlapped", AF_INET6, SOCK_STREAM,
            IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED));
  }

  @DisplayName("socket: valid arguments give a distinct handle that closes")
  @ParameterizedTest(name = "socket: {0} succeeds")
  @MethodSource
  void goodSocketArguments(SocketArgs a) {
    WsaSocket s1 = wsa.socket(a.af, a.type, a.protocol, a.info, a.group, a.flags);
    WsaSocket s2 = wsa.socket(a.af, a.type, a.protocol, a.info, a.group, a.flags);
    assertNotSame(WsaSocket.INVALID_SOCKET, s1, WsaFixture::lastErrorName);
    assertNotSame(WsaSocket.INVALID_SOCKET, s2, WsaFixture::lastErrorName);
    assertNotSame(s1, s2);
    assertNotEquals(s1.id(), s2.id(), "two open sockets share an id");
    assertOk(wsa.closesocket(s1), "closesocket");
    assertOk(wsa.closesocket(s2), "closesocket");
  }

  // -- bind --

  @Test
  @DisplayName("bind: null address → WSAEFAULT")
  void bindNull() {
    WsaSocket s = fx.newSocket();
    Wsa.setLastError(SENTINEL);
    assertFails(WSAEFAULT, wsa.bind(s, null));
  }

  static Stream<Arguments> unusableBindAddresses() throws Exception {
    return Stream.of(
        Arguments.of(Named.of("IPv6 ::1 on an AF_INET socket",
            new InetSocketAddress(InetAddress.getByName("::1"), 0)), WSAEAFNOSUPPORT),
        Arguments.of(Named.of("a Unix-domain address",
            UnixDomainSocketAddress.of("wsa4j-contract.sock")), WSAEAFNOSUPPORT),
        Arguments.of(Named.of("a SocketAddress of unknown kind", new SocketAddress() {
          private static final long serialVersionUID = 1L;
        }), WSAEAFNOSUPPORT),
        Arguments.of(Named.of("non-local " + NON_LOCAL,
            new InetSocketAddress(InetAddress.getByName(NON_LOCAL), 0)), WSAEADDRNOTAVAIL));
  }

  @DisplayName("bind: an address the socket cannot take → its code")
  @ParameterizedTest(name = "bind: {0} → {1}")
  @MethodSource
  void unusableBindAddresses(SocketAddress address, int code) {
    WsaSocket s = fx.newSocket();
    Wsa.setLastError(SENTINEL);
    assertFails(code, wsa.bind(s, address));
    assertOk(wsa.bind(s, new InetSocketAddress(LOOPBACK, 0)), "bind after a failed bind");
  }

  @Test
  @DisplayName("bind: a second bind of the same socket → WSAEINVAL")
  void bindTwice() {
    WsaSocket s = fx.boundSocket();
    Wsa.setLastError(SENTINEL);
    assertFails(WSAEINVAL, wsa.bind(s, new InetSocketAddress(LOOPBACK, 0)));
  }

  enum Occupant { WSA4J_BOUND, WSA4J_LISTENING, JDK_SERVER_SOCKET }

  @DisplayName("bind: an address:port another socket holds → WSAEADDRINUSE")
  @ParameterizedTest(name = "bind: the address:port of a {0} socket → WSAEADDRINUSE")
  @EnumSource(Occupant.class)
  void bindAddressInUse(Occupant occupant) throws Exception {
    InetSocketAddress taken = switch (occupant) {
      case WSA4J_BOUND -> fx.localAddress(fx.boundSocket());
      case WSA4J_LISTENING -> fx.localAddress(fx.listener());
      case JDK_SERVER_SOCKET -> {
        ServerSocket ss = fx.track(new ServerSocket(0, 1, LOOPBACK));
        yield new InetSocketAddress(LOOPBACK, ss.getLocalPort());
      }
    };
    WsaSocket s = fx.newSocket();
    Wsa.setLastError(SENTINEL);
    assertFails(WSAEADDRINUSE, wsa.bind(s, taken));
  }

  @Test
  @DisplayName("getsockname: after bind to port 0 it gives the real port")
  void getsocknameGivesRealPort() {
    WsaSocket s = fx.boundSocket();
    InetSocketAddress local = fx.localAddress(s);
    assertEquals(LOOPBACK, local.getAddress());
    assertTrue(local.getPort() > 0, "port 0 after bind: " + local);
  }

  // -- listen --

  @Test
  @DisplayName("listen: on an unbound socket → WSAEINVAL")
  void listenUnbound() {
    WsaSocket s = fx.newSocket();
    Wsa.setLastError(SENTINEL);
    assertFails(WSAEINVAL, wsa.listen(s, 5));
  }

  @Test
  @DisplayName("listen: on a connected socket → WSAEISCONN")
  void listenConnected() throws Exception {
    Conn c = fx.connect();
    Wsa.setLastError(SENTINEL);
    assertFails(WSAEISCONN, wsa.listen(c.s(), 5));
  }

  @DisplayName("listen: any backlog works, not positive meaning the default")
  @ParameterizedTest(name = "listen: backlog {0} → 0, and a connection is accepted")
  @ValueSource(ints = {-1, 0, 1, SOMAXCONN})
  void listenBacklogs(int backlog) throws Exception {
    WsaSocket l = fx.boundSocket();
    assertOk(wsa.listen(l, backlog), "listen");
    fx.connectPeerTo(l);
    WsaSocket a = wsa.accept(l, null);
    assertNotSame(WsaSocket.INVALID_SOCKET, a, WsaFixture::lastErrorName);
  }

  @Test
  @DisplayName("listen: again on a listening socket succeeds")
  void listenTwice() {
    WsaSocket l = fx.listener();
    assertOk(wsa.listen(l, 5), "second listen");
  }

  // -- accept --

  enum NotListening { UNBOUND, BOUND, CONNECTED }

  @DisplayName("accept: on a socket that is not listening → WSAEINVAL")
  @ParameterizedTest(name = "accept: on a {0} socket → WSAEINVAL")
  @EnumSource(NotListening.class)
  void acceptNotListening(NotListening kind) throws Exception {
    WsaSocket s = switch (kind) {
      case UNBOUND -> fx.newSocket();
      case BOUND -> fx.boundSocket();
      case CONNECTED -> fx.connect().s();
    };
    Wsa.setLastError(SENTINEL);
    assertFails(WSAEINVAL, wsa.accept(s, new SocketAddress[1]));
  }

  @Test
  @DisplayName("accept: returns a connected socket and writes the peer's address")
  void acceptWritesPeerAddress() throws Exception {
    WsaSocket l = fx.listener();
    Socket client = fx.connectPeerTo(l);
    SocketAddress[] remote = new SocketAddress[1];
    WsaSocket a = wsa.accept(l, remote);
    assertNotSame(WsaSocket.INVALID_SOCKET, a, WsaFixture::lastErrorName);
    assertEquals(client.getLocalSocketAddress(), remote[0]);
    fx.sendBlocking(a, "hi");
    Conn viaClient = new Conn(a, client);
    assertEquals("hi", viaClient.peerRead(2));
  }

  @Test
  @DisplayName("accept: blocked, its listener closed by another thread → INVALID_SOCKET + WSA_OPERATION_ABORTED")
  void acceptAbortedByClose() throws Exception {
    WsaSocket l = fx.listener();
    Worker<WsaSocket> blocked = fx.start("accept", () -> wsa.accept(l, null));
    blocked.awaitBlockedInLibrary();
    assertOk(wsa.closesocket(l), "closesocket");
    Outcome<WsaSocket> out = blocked.await();
    assertEquals(WsaSocket.INVALID_SOCKET, out.value());
    assertEquals(WSA_OPERATION_ABORTED, out.lastError(), WsaFixture.name(out.lastError()));
  }

  @DisplayName("interrupts: accept on an interrupted thread → INVALID_SOCKET + WSAEINTR, flag kept, listener still usable")
  @ParameterizedTest(name = "interrupts: accept interrupted {0} → WSAEINTR; the next accept works")
  @ValueSource(strings = {"before the call", "while blocked"})
  void acceptInterrupted(String when) throws Exception {
    WsaSocket l = fx.listener();
    boolean before = when.startsWith("before");
    Worker<WsaSocket> w = fx.start("accept", before, () -> wsa.accept(l, null));
    if (!before) {
      w.awaitStarted();
      w.thread.interrupt();
    }
    Outcome<WsaSocket> out = w.await();
    assertEquals(WsaSocket.INVALID_SOCKET, out.value());
    assertEquals(WSAEINTR, out.lastError(), WsaFixture.name(out.lastError()));
    assertTrue(out.interruptFlag(), "the interrupt flag was cleared");

    fx.connectPeerTo(l);
    Worker<WsaSocket> next = fx.start("accept again", () -> wsa.accept(l, null));
    assertNotSame(WsaSocket.INVALID_SOCKET, next.await().value(), "listener unusable after an interrupt");
  }

  // -- connect --

  @Test
  @DisplayName("connect: refused → WSAECONNREFUSED, and the socket stays usable")
  void connectRefusedThenAgain() throws Exception {
    WsaSocket s = fx.newSocket();
    Wsa.setLastError(SENTINEL);
    assertFails(WSAECONNREFUSED, wsa.connect(s, WsaFixture.refusingAddress()));

    assertOk(wsa.connect(s, fx.peerAddress()), "second connect to a real listener");
    Conn c = new Conn(s, fx.track(fx.peerListener().accept()));
    fx.sendBlocking(s, "ok");
    assertEquals("ok", c.peerRead(2));
  }

  @Test
  @DisplayName("connect: on a connected socket → WSAEISCONN")
  void connectTwice() throws Exception {
    Conn c = fx.connect();
    Wsa.setLastError(SENTINEL);
    assertFails(WSAEISCONN, wsa.connect(c.s(), fx.peerAddress()));
  }

  @Test
  @DisplayName("connect: null address → WSAEFAULT")
  void connectNull() {
    WsaSocket s = fx.newSocket();
    Wsa.setLastError(SENTINEL);
    assertFails(WSAEFAULT, wsa.connect(s, null));
  }

  @Test
  @DisplayName("connect: an IPv6 address on an AF_INET socket → WSAEAFNOSUPPORT")
  void connectWrongFamily() throws Exception {
    WsaSocket s = fx.newSocket();
    Wsa.setLastError(SENTINEL);
    assertFails(WSAEAFNOSUPPORT,
        wsa.connect(s, new InetSocketAddress(InetAddress.getByName("::1"), fx.peerAddress().getPort())));
  }

  @Test
  @DisplayName("connect: on a listening socket → WSAEINVAL")
  void connectListening() throws Exception {
    WsaSocket l = fx.listener();
    Wsa.setLastError(SENTINEL);
    assertFails(WSAEINVAL, wsa.connect(l, fx.peerAddress()));
  }

  @Test
  @DisplayName("getsockname/getpeername: after connect they give both ends")
  void namesAfterConnect() throws Exception {
    Conn c = fx.connect();
    SocketAddress[] peer = new SocketAddress[1];
    assertOk(wsa.getpeername(c.s(), peer), "getpeername");
    assertEquals(c.peer().getLocalSocketAddress(), peer[0]);
    assertEquals(c.peer().getRemoteSocketAddress(), fx.localAddress(c.s()));
  }

  // -- shutdown --

  @DisplayName("shutdown: on an unconnected socket → WSAENOTCONN")
  @ParameterizedTest(name = "shutdown({0}) on a new socket → WSAENOTCONN")
  @ValueSource(ints = {SD_RECEIVE, SD_SEND, SD_BOTH})
  void shutdownUnconnected(int how) {
    WsaSocket s = fx.newSocket();
    Wsa.setLastError(SENTINEL);
    assertFails(WSAENOTCONN, wsa.shutdown(s, how));
  }

  @DisplayName("shutdown: on a listening socket → WSAENOTCONN")
  @ParameterizedTest(name = "shutdown({0}) on a listener → WSAENOTCONN")
  @ValueSource(ints = {SD_RECEIVE, SD_SEND, SD_BOTH})
  void shutdownListening(int how) {
    WsaSocket l = fx.listener();
    Wsa.setLastError(SENTINEL);
    assertFails(WSAENOTCONN, wsa.shutdown(l, how));
  }

  @DisplayName("shutdown: a bad how → WSAEINVAL")
  @ParameterizedTest(name = "shutdown(how = {0}) → WSAEINVAL")
  @ValueSource(ints = {3, -1, 0xdeadbeef, Integer.MAX_VALUE})
  void shutdownBadHow(int how) throws Exception {
    Conn c = fx.connect();
    Wsa.setLastError(SENTINEL);
    assertFails(WSAEINVAL, wsa.shutdown(c.s(), how));
  }

  @DisplayName("shutdown: calling it twice is harmless")
  @ParameterizedTest(name = "shutdown({0}) twice → 0 both times")
  @ValueSource(ints = {SD_RECEIVE, SD_SEND, SD_BOTH})
  void shutdownTwice(int how) throws Exception {
    Conn c = fx.connect();
    assertOk(wsa.shutdown(c.s(), how), "first shutdown");
    assertOk(wsa.shutdown(c.s(), how), "second shutdown");
  }

  @Test
  @DisplayName("shutdown: after SD_SEND the JDK peer reads end of stream")
  void shutdownSendGivesPeerEof() throws Exception {
    Conn c = fx.connect();
    fx.sendBlocking(c.s(), "last");
    assertOk(wsa.shutdown(c.s(), SD_SEND), "shutdown");
    assertEquals("last", c.peerRead(4));
    assertEquals(-1, c.peer().getInputStream().read());
  }

  // -- getsockname / getpeername --

  @Test
  @DisplayName("getsockname: on an unbound socket → WSAEINVAL")
  void getsocknameUnbound() {
    WsaSocket s = fx.newSocket();
    Wsa.setLastError(SENTINEL);
    assertFails(WSAEINVAL, wsa.getsockname(s, new SocketAddress[1]));
  }

  @DisplayName("getsockname/getpeername: null or empty out → WSAEFAULT")
  @ParameterizedTest(name = "{0}: out = {1} → WSAEFAULT")
  @MethodSource
  void nameCallsBadOut(String call, String outKind) throws Exception {
    Conn c = fx.connect();
    SocketAddress[] out = outKind.equals("null") ? null : new SocketAddress[0];
    Wsa.setLastError(SENTINEL);
    int rc = call.equals("getsockname") ? wsa.getsockname(c.s(), out) : wsa.getpeername(c.s(), out);
    assertFails(WSAEFAULT, rc);
  }

  static Stream<Arguments> nameCallsBadOut() {
    return Stream.of(Arguments.of("getsockname", "null"), Arguments.of("getsockname", "empty"),
        Arguments.of("getpeername", "null"), Arguments.of("getpeername", "empty"));
  }

  enum Unconnected { NEW, BOUND, LISTENING }

  @DisplayName("getpeername: on an unconnected socket → WSAENOTCONN")
  @ParameterizedTest(name = "getpeername: on a {0} socket → WSAENOTCONN")
  @EnumSource(Unconnected.class)
  void getpeernameUnconnected(Unconnected kind) {
    WsaSocket s = switch (kind) {
      case NEW -> fx.newSocket();
      case BOUND -> fx.boundSocket();
      case LISTENING -> fx.listener();
    };
    Wsa.setLastError(SENTINEL);
    assertFails(WSAENOTCONN, wsa.getpeername(s, new SocketAddress[1]));
  }
}
