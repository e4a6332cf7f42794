package io.wsa4j.contract;

import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.SIO_GET_EXTENSION_FUNCTION_POINTER;
import static io.wsa4j.Winsock.SOL_SOCKET;
import static io.wsa4j.Winsock.SO_KEEPALIVE;
import static io.wsa4j.Winsock.SO_RCVBUF;
import static io.wsa4j.Winsock.SO_RCVTIMEO;
import static io.wsa4j.Winsock.SO_SNDTIMEO;
import static io.wsa4j.Winsock.SO_UPDATE_ACCEPT_CONTEXT;
import static io.wsa4j.Winsock.SO_UPDATE_CONNECT_CONTEXT;
import static io.wsa4j.Winsock.TCP_NODELAY;
import static io.wsa4j.Winsock.TF_REUSE_SOCKET;
import static io.wsa4j.Winsock.WSAEFAULT;
import static io.wsa4j.Winsock.WSAEINVAL;
import static io.wsa4j.Winsock.WSAENOTCONN;
import static io.wsa4j.Winsock.WSAENOTSOCK;
import static io.wsa4j.Winsock.WSAID_ACCEPTEX;
import static io.wsa4j.Winsock.WSAID_CONNECTEX;
import static io.wsa4j.Winsock.WSAID_DISCONNECTEX;
import static io.wsa4j.Winsock.WSAID_GETACCEPTEXSOCKADDRS;
import static io.wsa4j.Winsock.WSANOTINITIALISED;
import static io.wsa4j.Winsock.WSA_WAIT_EVENT_0;
import static io.wsa4j.Winsock.WSA_WAIT_IO_COMPLETION;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaExtensions;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import io.wsa4j.testkit.WsaFixture.RoutineLog;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rule 35: {@code WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)} loads the extension functions,
 * and {@code SO_UPDATE_ACCEPT_CONTEXT} / {@code SO_UPDATE_CONNECT_CONTEXT} succeed once the
 * AcceptEx / ConnectEx completed. Wine's {@code test_get_extension_func} and {@code
 * test_AcceptEx} record what Windows answers.
 */
@Timeout(60)
class ExtensionFunctionRulesTest extends WsaFixture {
  private static final long KEY = 0xE47L;
  private static final int V4 = 32;

  private Object load(WsaSocket s, UUID guid) {
    Object[] out = new Object[1];
    int[] size = {COUNT_SENTINEL};
    assertEquals(0, wsa.ioctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, guid, out, size, null, null),
        WsaFixture::lastError);
    assertEquals(8, size[0], "the size of a function pointer on 64-bit Windows");
    return out[0];
  }

  @Test
  @DisplayName("rule 35: each WSAID_* gives its function object, and the objects work on this context's sockets")
  void functionsLoadAndWork() throws Exception {
    WsaSocket listener = listener();
    WsaExtensions.AcceptEx acceptEx =
        assertInstanceOf(WsaExtensions.AcceptEx.class, load(listener, WSAID_ACCEPTEX));
    WsaExtensions.GetAcceptExSockaddrs sockaddrs = assertInstanceOf(
        WsaExtensions.GetAcceptExSockaddrs.class, load(listener, WSAID_GETACCEPTEXSOCKADDRS));
    WsaExtensions.ConnectEx connectEx =
        assertInstanceOf(WsaExtensions.ConnectEx.class, load(listener, WSAID_CONNECTEX));
    WsaExtensions.DisconnectEx disconnectEx =
        assertInstanceOf(WsaExtensions.DisconnectEx.class, load(listener, WSAID_DISCONNECTEX));
    assertSame(acceptEx, load(newSocket(), WSAID_ACCEPTEX), "one object per context");

    WsaSocket acceptor = newSocket();
    WsaBuf out = WsaBuf.allocate(4 + 2 * V4);
    WsaOverlapped acc = new WsaOverlapped();
    assertStarted(acceptEx.acceptEx(listener, acceptor, out, 4, V4, V4, new int[1], acc), "AcceptEx");
    WsaSocket client = boundSocket();
    WsaOverlapped con = new WsaOverlapped();
    assertStarted(connectEx.connectEx(client, localAddress(listener), WsaBuf.wrap(new byte[] {1, 2, 3, 4}),
        new int[1], con), "ConnectEx");
    assertEquals(4, awaitSuccess(client, con), "ConnectEx sent its first data");
    assertEquals(4, awaitSuccess(listener, acc), "AcceptEx received it");
    SocketAddress[] remote = new SocketAddress[1];
    sockaddrs.getAcceptExSockaddrs(out, 4, V4, V4, null, remote);
    assertEquals(localAddress(client), remote[0]);
    assertEquals(0, wsa.setsockopt(acceptor, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, listener),
        WsaFixture::lastError);
    assertEquals(0, wsa.setsockopt(client, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, (WsaSocket) null),
        WsaFixture::lastError);
    WsaOverlapped disc = new WsaOverlapped();
    assertStarted(disconnectEx.disconnectEx(client, disc, TF_REUSE_SOCKET, 0), "DisconnectEx");
    assertEquals(0, awaitSuccess(client, disc));
    int[] n = new int[1];
    assertEquals(0, withDeadline(() -> wsa.recv(acceptor, new WsaBuf[] {WsaBuf.allocate(8)}, 1, n,
        new int[1], null, null), () -> "no end of stream"));
    assertEquals(0, n[0], "the peer's DisconnectEx reached the acceptor as an orderly close");
  }

  @Test
  @DisplayName("rule 35: a function object of one context refuses another context's sockets with WSAENOTSOCK")
  void functionsAreBoundToTheirContext() {
    WsaExtensions.DisconnectEx mine = (WsaExtensions.DisconnectEx) load(newSocket(), WSAID_DISCONNECTEX);
    try (Wsa other = Wsa.startup()) {
      WsaExtensions.DisconnectEx theirs = (WsaExtensions.DisconnectEx) load2(other);
      assertNotSame(mine, theirs);
      WsaSocket foreign = other.socket(io.wsa4j.Winsock.AF_INET, io.wsa4j.Winsock.SOCK_STREAM,
          IPPROTO_TCP, null, 0, io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED);
      assertFailsWith(WSAENOTSOCK, mine.disconnectEx(foreign, new WsaOverlapped(), 0, 0), "foreign");
      assertFailsWith(WSAENOTCONN, theirs.disconnectEx(foreign, new WsaOverlapped(), 0, 0), "its own");
    }
  }

  private static Object load2(Wsa other) {
    WsaSocket s = other.socket(io.wsa4j.Winsock.AF_INET, io.wsa4j.Winsock.SOCK_STREAM, IPPROTO_TCP,
        null, 0, io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED);
    Object[] out = new Object[1];
    assertEquals(0, other.ioctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_DISCONNECTEX, out,
        new int[1], null, null));
    return out[0];
  }

  private WsaSocket socketOn(WsaCompletionPort port) {
    WsaSocket s = newSocket();
    associate(s, port, KEY);
    return s;
  }

  @Test
  @DisplayName("rule 35: with a token the ioctl completes during the call and still posts a packet of 0 bytes (Wine test_get_extension_func)")
  void tokenCompletionPostsPacket() {
    WsaCompletionPort port = newPort();
    WsaSocket s = socketOn(port);
    WsaOverlapped ov = new WsaOverlapped();
    Object[] out = new Object[1];
    int[] size = {COUNT_SENTINEL};
    assertEquals(0, wsa.ioctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_ACCEPTEX, out, size, ov,
        null), WsaFixture::lastError);
    assertEquals(8, size[0]);
    assertInstanceOf(WsaExtensions.AcceptEx.class, out[0]);
    Dequeued d = awaitPacket(port);
    assertEquals(0, assertSuccessPacket(d, KEY, ov), "the packet carries 0 bytes");
    assertNoPacket(port);
  }

  @Test
  @DisplayName("rule 35: with a token and a routine the routine runs once in the next alertable wait, error 0 and 0 bytes; with an event it is signaled (Wine)")
  void tokenCompletionRunsRoutineOrSignals() {
    WsaSocket s = newSocket();
    RoutineLog log = new RoutineLog();
    WsaOverlapped ov = new WsaOverlapped();
    assertEquals(0, wsa.ioctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_CONNECTEX,
        new Object[1], new int[1], ov, log));
    assertEquals(0, log.count(), "not before an alertable wait");
    assertEquals(WSA_WAIT_IO_COMPLETION, wsa.sleepEx(0, true));
    RoutineLog.Call call = log.only();
    assertEquals(0, call.error());
    assertEquals(0, call.bytes());
    assertSame(ov, call.overlapped());

    WsaEvent e = wsa.createEvent();
    WsaOverlapped withEvent = new WsaOverlapped(e);
    assertEquals(0, wsa.ioctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_CONNECTEX,
        new Object[1], new int[1], withEvent, null));
    assertEquals(WSA_WAIT_EVENT_0, wsa.waitForMultipleEvents(1, new WsaEvent[] {e}, false, 0, false));
    assertTrue(withEvent.isCompleted());
    assertEquals(0, withEvent.internal());
  }

  @Test
  @DisplayName("rule 35: an unknown GUID fails with WSAEINVAL and writes, posts and signals nothing (Wine test_get_extension_func)")
  void unknownGuid() {
    WsaCompletionPort port = newPort();
    WsaSocket s = socketOn(port);
    WsaOverlapped ov = new WsaOverlapped();
    Object sentinel = new Object();
    Object[] out = {sentinel};
    int[] size = {COUNT_SENTINEL};
    assertFailsWith(WSAEINVAL, wsa.ioctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER,
        UUID.fromString("deadbeef-0000-0000-0000-000000000000"), out, size, ov, null), "ioctl");
    assertSame(sentinel, out[0]);
    assertEquals(COUNT_SENTINEL, size[0], "count untouched");
    assertTrue(!ov.isCompleted() || ov.internal() == 0 && ov.internalHigh() == 0, "token untouched");
    assertNoPacket(port);
  }

  @Test
  @DisplayName("rule 35: bad inputs of the ioctl — no count (with or without a token), no GUID, no out array, bad socket, pending token, routine on a port, after cleanup — get their codes")
  void ioctlBadInputs() {
    WsaSocket s = newSocket();
    int code = SIO_GET_EXTENSION_FUNCTION_POINTER;
    assertFailsWith(WSAEFAULT, wsa.ioctl(s, code, WSAID_ACCEPTEX, new Object[1], null, null, null),
        "null count");
    assertFailsWith(WSAEFAULT, wsa.ioctl(s, code, WSAID_ACCEPTEX, new Object[1], null,
        new WsaOverlapped(), null), "null count with a token (Wine)");
    assertFailsWith(WSAEFAULT, wsa.ioctl(s, code, WSAID_ACCEPTEX, new Object[1], new int[0], null,
        null), "empty count");
    assertFailsWith(WSAEFAULT, wsa.ioctl(s, code, null, new Object[1], new int[1], null, null),
        "null in-buffer");
    assertFailsWith(WSAEFAULT, wsa.ioctl(s, code, WSAID_ACCEPTEX.toString(), new Object[1],
        new int[1], null, null), "a String, not a UUID");
    assertFailsWith(WSAEFAULT, wsa.ioctl(s, code, WSAID_ACCEPTEX, null, new int[1], null, null),
        "null out-buffer");
    assertFailsWith(WSAEFAULT, wsa.ioctl(s, code, WSAID_ACCEPTEX, new Object[0], new int[1], null,
        null), "empty out-buffer");
    assertFailsWith(WSAENOTSOCK, wsa.ioctl(null, code, WSAID_ACCEPTEX, new Object[1], new int[1],
        null, null), "null socket");
    assertFailsWith(io.wsa4j.Winsock.WSAEOPNOTSUPP, wsa.ioctl(s, 0xdeadbeef, null, null,
        new int[1], null, null), "an unknown control code (Wine test_unsupported_ioctls)");
    WsaSocket closed = newSocket();
    wsa.closesocket(closed);
    assertFailsWith(WSAENOTSOCK, wsa.ioctl(closed, code, WSAID_ACCEPTEX, new Object[1], new int[1],
        null, null), "closed socket");
    Conn c;
    try {
      c = connect();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    WsaOverlapped pending = new WsaOverlapped();
    startPendingRecv(c.s(), pending, WsaBuf.allocate(4));
    assertFailsWith(WSAEINVAL, wsa.ioctl(c.s(), code, WSAID_ACCEPTEX, new Object[1], new int[1],
        pending, null), "a pending token (rule 17)");
    WsaSocket onPort = newSocket();
    associate(onPort, newPort(), KEY);
    assertFailsWith(WSAEINVAL, wsa.ioctl(onPort, code, WSAID_ACCEPTEX, new Object[1], new int[1],
        new WsaOverlapped(), new RoutineLog()), "a routine on a port (rule 9)");
    cleanupNow();
    assertFailsWith(WSANOTINITIALISED, wsa.ioctl(s, code, WSAID_ACCEPTEX, new Object[1], new int[1],
        null, null), "after cleanup");
  }

  @Test
  @DisplayName("rule 35: SO_UPDATE_ACCEPT_CONTEXT fails with WSAENOTCONN until the AcceptEx completed (also while it waits for first data), then succeeds and getsockname works (Wine)")
  void updateAcceptContext() throws Exception {
    WsaSocket listener = listener();
    WsaSocket acceptor = newSocket();
    assertFailsWith(WSAENOTCONN, wsa.setsockopt(acceptor, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
        listener), "before any AcceptEx");
    WsaOverlapped ov = new WsaOverlapped();
    assertStarted(wsa.acceptEx(listener, acceptor, WsaBuf.allocate(8 + 2 * V4), 8, V4, V4,
        new int[1], ov), "acceptEx");
    assertFailsWith(WSAENOTCONN, wsa.setsockopt(acceptor, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
        listener), "AcceptEx pending");
    Socket client = jdkClient(localAddress(listener));
    assertFailsWith(WSAENOTCONN, wsa.setsockopt(acceptor, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
        listener), "connected, but the AcceptEx still waits for its first data");
    client.getOutputStream().write(new byte[8]);
    assertEquals(8, awaitSuccess(listener, ov));
    assertEquals(0, wsa.setsockopt(acceptor, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, listener),
        WsaFixture::lastError);
    assertEquals(client.getRemoteSocketAddress(), localAddress(acceptor));
    assertEquals(0, wsa.setsockopt(acceptor, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, listener),
        "again");
  }

  @Test
  @DisplayName("rule 35: after SO_UPDATE_ACCEPT_CONTEXT the accepted socket has the listener's options; blocking accept gives them at once")
  void acceptedSocketInheritsListenerOptions() throws Exception {
    WsaSocket listener = newSocket();
    assertEquals(0, wsa.setsockopt(listener, SOL_SOCKET, SO_KEEPALIVE, 1));
    assertEquals(0, wsa.setsockopt(listener, IPPROTO_TCP, TCP_NODELAY, 1));
    assertEquals(0, wsa.setsockopt(listener, SOL_SOCKET, SO_RCVBUF, 32 * 1024));
    assertEquals(0, wsa.setsockopt(listener, SOL_SOCKET, SO_RCVTIMEO, 1234));
    assertEquals(0, wsa.setsockopt(listener, SOL_SOCKET, SO_SNDTIMEO, 4321));
    assertEquals(0, wsa.bind(listener, new java.net.InetSocketAddress(LOOPBACK, 0)));
    assertEquals(0, wsa.listen(listener, 5));

    WsaSocket acceptor = newSocket();
    WsaOverlapped ov = new WsaOverlapped();
    assertStarted(wsa.acceptEx(listener, acceptor, null, 0, new int[1], ov), "acceptEx");
    jdkClient(localAddress(listener));
    assertEquals(0, awaitSuccess(listener, ov));
    assertEquals(0, wsa.setsockopt(acceptor, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, listener));
    assertInherited(listener, acceptor);

    jdkClient(localAddress(listener));
    WsaSocket accepted = wsa.accept(listener, null);
    assertInherited(listener, accepted);
  }

  private void assertInherited(WsaSocket listener, WsaSocket s) {
    int[][] options = {{SOL_SOCKET, SO_KEEPALIVE}, {IPPROTO_TCP, TCP_NODELAY},
        {SOL_SOCKET, SO_RCVTIMEO}, {SOL_SOCKET, SO_SNDTIMEO}};
    for (int[] o : options) {
      int[] want = new int[1];
      int[] got = new int[1];
      assertEquals(0, wsa.getsockopt(listener, o[0], o[1], want));
      assertEquals(0, wsa.getsockopt(s, o[0], o[1], got));
      assertArrayEquals(want, got, "option " + Integer.toHexString(o[1]));
    }
    int[] timeout = new int[1];
    wsa.getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, timeout);
    assertEquals(1234, timeout[0]);
  }

  @Test
  @DisplayName("rule 35: SO_UPDATE_CONNECT_CONTEXT fails with WSAENOTCONN before the ConnectEx completed, then succeeds")
  void updateConnectContext() throws Exception {
    ServerSocket server = jdkServer();
    WsaSocket s = boundSocket();
    assertFailsWith(WSAENOTCONN, wsa.setsockopt(s, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT,
        (WsaSocket) null), "bound, not connected");
    WsaOverlapped ov = new WsaOverlapped();
    assertStarted(wsa.connectEx(s, server.getLocalSocketAddress(), null, new int[1], ov), "connectEx");
    assertEquals(0, awaitSuccess(s, ov));
    assertEquals(0, wsa.setsockopt(s, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, (WsaSocket) null),
        WsaFixture::lastError);
  }

  @Test
  @DisplayName("rule 35: bad inputs of setsockopt with a socket value — null, closed or non-listening listener, bad level, an int option, bad socket, after cleanup — get their codes")
  void updateContextBadInputs() throws Exception {
    Conn c = connect();
    WsaSocket s = c.s();
    WsaSocket listener = listener();
    assertFailsWith(WSAEFAULT, wsa.setsockopt(s, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
        (WsaSocket) null), "null listener");
    WsaSocket closed = newSocket();
    wsa.closesocket(closed);
    assertFailsWith(WSAENOTSOCK, wsa.setsockopt(s, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, closed),
        "closed listener");
    assertFailsWith(WSAEINVAL, wsa.setsockopt(s, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, newSocket()),
        "not a listener");
    assertFailsWith(WSAEINVAL, wsa.setsockopt(s, 0x1234, SO_UPDATE_ACCEPT_CONTEXT, listener),
        "bad level");
    assertFailsWith(WSAEFAULT, wsa.setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, listener),
        "an int option given a socket");
    assertFailsWith(WSAENOTSOCK, wsa.setsockopt(closed, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
        listener), "closed socket");
    assertFailsWith(WSAENOTSOCK, wsa.setsockopt(null, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT,
        (WsaSocket) null), "null socket");
    assertFailsWith(WSAEFAULT, wsa.setsockopt(s, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, 1),
        "the int form of SO_UPDATE_ACCEPT_CONTEXT: no listener");
    assertEquals(0, wsa.setsockopt(s, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, 0),
        "the int form of SO_UPDATE_CONNECT_CONTEXT, as C passes NULL, 0");
    cleanupNow();
    assertFailsWith(WSANOTINITIALISED, wsa.setsockopt(s, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT,
        (WsaSocket) null), "after cleanup");
  }
}
