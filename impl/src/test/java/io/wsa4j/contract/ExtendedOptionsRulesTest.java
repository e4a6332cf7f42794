package io.wsa4j.contract;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.AF_INET6;
import static io.wsa4j.Winsock.IPPROTO_IPV6;
import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.IPV6_V6ONLY;
import static io.wsa4j.Winsock.SOCK_STREAM;
import static io.wsa4j.Winsock.SOL_SOCKET;
import static io.wsa4j.Winsock.SO_ACCEPTCONN;
import static io.wsa4j.Winsock.SO_BROADCAST;
import static io.wsa4j.Winsock.SO_CONNECT_TIME;
import static io.wsa4j.Winsock.SO_ERROR;
import static io.wsa4j.Winsock.SO_EXCLUSIVEADDRUSE;
import static io.wsa4j.Winsock.SO_RCVTIMEO;
import static io.wsa4j.Winsock.SO_REUSEADDR;
import static io.wsa4j.Winsock.SO_SNDBUF;
import static io.wsa4j.Winsock.SO_SNDTIMEO;
import static io.wsa4j.Winsock.SO_TYPE;
import static io.wsa4j.Winsock.WSAEFAULT;
import static io.wsa4j.Winsock.WSAEINVAL;
import static io.wsa4j.Winsock.WSAENOPROTOOPT;
import static io.wsa4j.Winsock.WSAETIMEDOUT;
import static io.wsa4j.Winsock.WSA_FLAG_NO_HANDLE_INHERIT;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.WsaBuf;
import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rule 38: the socket options NIO2 lacks — timeouts of blocking calls, the pending error, the
 * socket's type, listening state and connect time, exclusive address use, broadcast, IPv6-only —
 * and {@code WSA_FLAG_NO_HANDLE_INHERIT}.
 */
@Timeout(60)
class ExtendedOptionsRulesTest extends WsaFixture {

  private int get(WsaSocket s, int level, int option) {
    int[] out = {COUNT_SENTINEL};
    assertEquals(0, wsa.getsockopt(s, level, option, out), WsaFixture::lastError);
    return out[0];
  }

  @Test
  @DisplayName("rule 38: SO_RCVTIMEO makes a blocking recv fail with WSAETIMEDOUT, count untouched; an overlapped recv does not time out and gets the data (Wine test_timeout)")
  void receiveTimeout() throws Exception {
    Conn c = connect();
    assertEquals(0, get(c.s(), SOL_SOCKET, SO_RCVTIMEO), "default: none (Wine)");
    assertEquals(0, wsa.setsockopt(c.s(), SOL_SOCKET, SO_RCVTIMEO, 100));
    assertEquals(100, get(c.s(), SOL_SOCKET, SO_RCVTIMEO));
    int[] n = {COUNT_SENTINEL};
    long start = System.nanoTime();
    assertFailsWith(WSAETIMEDOUT, wsa.recv(c.s(), new WsaBuf[] {WsaBuf.allocate(1)}, 1, n,
        new int[1], null, null), "blocking recv");
    assertTrue(System.nanoTime() - start >= 90_000_000L, "waited for the timeout");
    assertEquals(COUNT_SENTINEL, n[0], "count not written");

    WsaOverlapped ov = new WsaOverlapped(wsa.createEvent());
    WsaBuf buf = WsaBuf.allocate(1);
    startPendingRecv(c.s(), ov, buf);
    assertEquals(io.wsa4j.Winsock.WSA_WAIT_TIMEOUT, wsa.waitForMultipleEvents(1,
        new io.wsa4j.WsaEvent[] {ov.event()}, false, 200, false), "overlapped: no timeout");
    c.peer().getOutputStream().write('a');
    assertEquals(1, awaitSuccess(c.s(), ov));
    assertEquals('a', bytesOf(buf, 1)[0], "the byte after the timed-out receive is not lost");
  }

  @Test
  @DisplayName("rule 38: SO_SNDTIMEO makes a blocking send into a full connection fail with WSAETIMEDOUT")
  void sendTimeout() throws Exception {
    Conn c = connect();
    assertEquals(0, wsa.setsockopt(c.s(), SOL_SOCKET, SO_SNDBUF, 8 * 1024));
    assertEquals(0, wsa.setsockopt(c.s(), SOL_SOCKET, SO_SNDTIMEO, 200));
    assertEquals(200, get(c.s(), SOL_SOCKET, SO_SNDTIMEO));
    int[] n = {COUNT_SENTINEL};
    int rc = withDeadline(() -> wsa.send(c.s(), new WsaBuf[] {WsaBuf.allocateDirect(64 << 20)},
        1, n, 0, null, null), () -> "the send did not time out");
    assertFailsWith(WSAETIMEDOUT, rc, "blocking send the peer never reads");
    assertEquals(COUNT_SENTINEL, n[0]);
  }

  @Test
  @DisplayName("rule 38: SO_ERROR reads 0 on a sound socket and cannot be set; SO_TYPE is SOCK_STREAM; SO_ACCEPTCONN follows listen")
  void readOnlyFacts() throws Exception {
    WsaSocket fresh = newSocket();
    assertEquals(0, get(fresh, SOL_SOCKET, SO_ERROR));
    assertEquals(SOCK_STREAM, get(fresh, SOL_SOCKET, SO_TYPE));
    WsaSocket udp = wsa.socket(AF_INET, io.wsa4j.Winsock.SOCK_DGRAM, io.wsa4j.Winsock.IPPROTO_UDP,
        null, 0, WSA_FLAG_OVERLAPPED);
    assertEquals(io.wsa4j.Winsock.SOCK_DGRAM, get(udp, SOL_SOCKET, SO_TYPE));
    assertEquals(-1, get(udp, SOL_SOCKET, SO_CONNECT_TIME), "never for a datagram socket (Wine)");
    assertEquals(0, get(fresh, SOL_SOCKET, SO_ACCEPTCONN));
    assertEquals(1, get(listener(), SOL_SOCKET, SO_ACCEPTCONN));
    Conn c = connect();
    assertEquals(0, get(c.s(), SOL_SOCKET, SO_ACCEPTCONN));
    assertEquals(0, get(c.s(), SOL_SOCKET, SO_ERROR));
    for (int option : new int[] {SO_ERROR, SO_TYPE, SO_ACCEPTCONN, SO_CONNECT_TIME}) {
      assertFailsWith(WSAENOPROTOOPT, wsa.setsockopt(fresh, SOL_SOCKET, option, 1),
          "set read-only " + Integer.toHexString(option));
    }
    assertFailsWith(WSAEFAULT, wsa.getsockopt(fresh, SOL_SOCKET, SO_TYPE, new int[0]), "empty out");
  }

  @Test
  @DisplayName("rule 38: SO_ERROR holds a failed non-blocking connect's error once, then 0 (Wine test_select)")
  void pendingErrorOfNonBlockingConnect() throws Exception {
    WsaSocket s = newSocket();
    assertEquals(0, wsa.ioctlsocket(s, io.wsa4j.Winsock.FIONBIO, new int[] {1}));
    assertFailsWith(io.wsa4j.Winsock.WSAEWOULDBLOCK, wsa.connect(s, refusingAddress()), "connect");
    io.wsa4j.WsaFdSet except = new io.wsa4j.WsaFdSet();
    except.set(s);
    assertEquals(1, wsa.select(0, null, null, except, new io.wsa4j.WsaTimeval(10, 0)),
        "the failed connect shows in the except set");
    assertEquals(io.wsa4j.Winsock.WSAECONNREFUSED, get(s, SOL_SOCKET, SO_ERROR));
    assertEquals(0, get(s, SOL_SOCKET, SO_ERROR), "reading cleared it");
  }

  @Test
  @DisplayName("rule 38: SO_CONNECT_TIME is -1 before a connection, 0 just after it, and counts whole seconds (Wine test_connect_time)")
  void connectTime() throws Exception {
    WsaSocket fresh = newSocket();
    assertEquals(-1, get(fresh, SOL_SOCKET, SO_CONNECT_TIME));
    assertEquals(-1, get(listener(), SOL_SOCKET, SO_CONNECT_TIME));
    Conn c = connect();
    int t = get(c.s(), SOL_SOCKET, SO_CONNECT_TIME);
    assertTrue(t == 0 || t == 1, "just connected: " + t);
    Thread.sleep(1100); // the option's unit is a second; a lower bound only
    assertTrue(get(c.s(), SOL_SOCKET, SO_CONNECT_TIME) >= 1, "a second later");
  }

  @Test
  @DisplayName("rule 38: SO_EXCLUSIVEADDRUSE is kept and refused together with SO_REUSEADDR (WSAEINVAL), either order")
  void exclusiveAddressUse() {
    WsaSocket s = newSocket();
    assertEquals(0, get(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE));
    assertEquals(0, wsa.setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1));
    assertEquals(1, get(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE));
    assertFailsWith(WSAEINVAL, wsa.setsockopt(s, SOL_SOCKET, SO_REUSEADDR, 1), "then SO_REUSEADDR");
    assertEquals(0, wsa.setsockopt(s, SOL_SOCKET, SO_REUSEADDR, 0), "turning it off is fine");
    WsaSocket r = newSocket();
    assertEquals(0, wsa.setsockopt(r, SOL_SOCKET, SO_REUSEADDR, 1));
    assertFailsWith(WSAEINVAL, wsa.setsockopt(r, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1),
        "after SO_REUSEADDR");
    assertEquals(0, get(r, SOL_SOCKET, SO_EXCLUSIVEADDRUSE));

    assertEquals(0, wsa.bind(s, new InetSocketAddress(LOOPBACK, 0)));
    WsaSocket second = newSocket();
    assertFailsWith(io.wsa4j.Winsock.WSAEADDRINUSE, wsa.bind(second, localAddress(s)),
        "the port is exclusively the first socket's");
  }

  @Test
  @DisplayName("rule 38: SO_BROADCAST on a TCP socket is kept and read back, with no effect")
  void broadcastOnTcp() {
    WsaSocket s = newSocket();
    assertEquals(0, get(s, SOL_SOCKET, SO_BROADCAST));
    assertEquals(0, wsa.setsockopt(s, SOL_SOCKET, SO_BROADCAST, 1));
    assertEquals(1, get(s, SOL_SOCKET, SO_BROADCAST));
    assertEquals(0, wsa.setsockopt(s, SOL_SOCKET, SO_BROADCAST, 0));
    assertEquals(0, get(s, SOL_SOCKET, SO_BROADCAST));
  }

  @Test
  @DisplayName("rule 38: IPV6_V6ONLY reads 0 (the JDK's sockets are dual-stack), 0 may be set, 1 fails with WSAENOPROTOOPT; on an IPv4 socket the level is WSAEINVAL")
  void ipv6Only() throws Exception {
    WsaSocket v6 = wsa.socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    assertEquals(0, get(v6, IPPROTO_IPV6, IPV6_V6ONLY));
    assertEquals(0, wsa.setsockopt(v6, IPPROTO_IPV6, IPV6_V6ONLY, 0));
    assertFailsWith(WSAENOPROTOOPT, wsa.setsockopt(v6, IPPROTO_IPV6, IPV6_V6ONLY, 1), "set 1");
    assertFailsWith(WSAENOPROTOOPT, wsa.getsockopt(v6, IPPROTO_IPV6, 0x7777, new int[1]),
        "an IPv6 option wsa4j does not know");
    WsaSocket v4 = newSocket();
    assertFailsWith(WSAEINVAL, wsa.getsockopt(v4, IPPROTO_IPV6, IPV6_V6ONLY, new int[1]), "get, IPv4");
    assertFailsWith(WSAEINVAL, wsa.setsockopt(v4, IPPROTO_IPV6, IPV6_V6ONLY, 0), "set, IPv4");
    // dual-stack, as reported: an IPv4 client reaches an IPv6 wildcard listener
    if (wsa.bind(v6, new InetSocketAddress(InetAddress.getByName("::"), 0)) == 0) {
      assertEquals(0, wsa.listen(v6, 5));
      jdkClient(new InetSocketAddress(LOOPBACK, localAddress(v6).getPort()));
      WsaSocket accepted = wsa.accept(v6, null);
      assertNotSame(WsaSocket.INVALID_SOCKET, accepted, WsaFixture::lastError);
    }
  }

  @Test
  @DisplayName("rule 38: socket accepts WSA_FLAG_NO_HANDLE_INHERIT, with or without WSA_FLAG_OVERLAPPED")
  void noHandleInherit() throws Exception {
    WsaSocket a = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0,
        WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    WsaSocket b = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    assertNotSame(WsaSocket.INVALID_SOCKET, a, WsaFixture::lastError);
    assertNotSame(WsaSocket.INVALID_SOCKET, b, WsaFixture::lastError);
    java.net.ServerSocket server = jdkServer();
    assertEquals(0, wsa.connect(b, server.getLocalSocketAddress()));
    java.net.Socket peer = track(server.accept());
    peer.getOutputStream().write(new byte[] {4, 2});
    assertArrayEquals(new byte[] {4, 2}, recvFully(b, 2), "a working socket");
    assertEquals(WsaSocket.INVALID_SOCKET,
        wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, 0x100), "another flag is refused");
    assertEquals(WSAEINVAL, io.wsa4j.Wsa.getLastError());
  }
}
