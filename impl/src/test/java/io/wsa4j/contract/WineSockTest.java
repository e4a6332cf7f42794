package io.wsa4j.contract;

import static io.wsa4j.Winsock.ERROR_OPERATION_ABORTED;
import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.SD_BOTH;
import static io.wsa4j.Winsock.SD_RECEIVE;
import static io.wsa4j.Winsock.SD_SEND;
import static io.wsa4j.Winsock.SOL_SOCKET;
import static io.wsa4j.Winsock.SO_KEEPALIVE;
import static io.wsa4j.Winsock.SO_RCVBUF;
import static io.wsa4j.Winsock.TCP_NODELAY;
import static io.wsa4j.Winsock.WSAECONNREFUSED;
import static io.wsa4j.Winsock.WSAEINVAL;
import static io.wsa4j.Winsock.WSAEISCONN;
import static io.wsa4j.Winsock.WSAENOTCONN;
import static io.wsa4j.Winsock.WSAENOTSOCK;
import static io.wsa4j.Winsock.WSAESHUTDOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import io.wsa4j.testkit.WsaFixture;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Windows behaviour as Wine's {@code dlls/ws2_32/tests/sock.c} records it, for the calls wsa4j has:
 * each test names the Wine function whose assertions it ports (the assertions are restated here,
 * in Java, against wsa4j). Where NIO2 makes the Windows result impossible, the test asserts what
 * wsa4j does and the README's "Differences from Winsock" says why.
 */
@Timeout(30)
class WineSockTest extends WsaFixture {

  private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

  // -- getsockname --

  @Test
  @DisplayName("rule 15: getsockname of an unbound socket fails with WSAEINVAL (test_getsockname)")
  void getsocknameUnbound() {
    SocketAddress[] out = {null};
    assertFailsWith(WSAEINVAL, wsa.getsockname(newSocket(), out), "getsockname(unbound)");
  }

  @Test
  @DisplayName("rule 15: a bound port-0 socket has a real port; a connected one its local address and the accepted one the listener's (test_getsockname, test_accept)")
  void getsocknameBoundConnectedAccepted() throws Exception {
    WsaSocket listener = listener();
    InetSocketAddress bound = localAddress(listener);
    assertNotEquals(0, bound.getPort(), "port 0 is replaced by the one the system chose");
    assertEquals(LOOPBACK, bound.getAddress());

    WsaSocket client = newSocket();
    assertOk(wsa.connect(client, bound), "connect");
    SocketAddress[] remote = {null};
    WsaSocket accepted = wsa.accept(listener, remote);
    assertNotEquals(WsaSocket.INVALID_SOCKET, accepted, WsaFixture::lastError);
    InetSocketAddress clientLocal = localAddress(client);
    assertEquals(clientLocal, remote[0], "accept's address is the client's local address");
    assertEquals(bound, localAddress(accepted), "the accepted socket has the listener's address");
    SocketAddress[] peer = {null};
    assertOk(wsa.getpeername(accepted, peer), "getpeername");
    assertEquals(clientLocal, peer[0]);
  }

  // -- connect --

  @Test
  @DisplayName("rule 15: connect on a connected socket fails with WSAEISCONN, on a listener with WSAEINVAL, to a closed port with WSAECONNREFUSED (test_connect)")
  void connectErrors() throws Exception {
    Conn c = connect();
    assertFailsWith(WSAEISCONN, wsa.connect(c.s(), peerAddress()), "connect(connected)");
    assertFailsWith(WSAEINVAL, wsa.connect(listener(), peerAddress()), "connect(listener)");
    assertFailsWith(WSAECONNREFUSED, wsa.connect(newSocket(), refusingAddress()),
        "connect(closed port)");
  }

  // -- accept --

  @Test
  @DisplayName("rule 15: accept on a socket that does not listen fails with WSAEINVAL (test_accept)")
  void acceptNotListening() {
    assertFails(WSAEINVAL, wsa.accept(boundSocket(), new SocketAddress[1]));
  }

  @Test
  @DisplayName("rule 15: the accepted socket inherits SO_KEEPALIVE, TCP_NODELAY and SO_RCVBUF set on the listener (test_accept_inheritance)")
  void acceptedSocketInheritsListenerOptions() throws Exception {
    WsaSocket listener = boundSocket();
    assertOk(wsa.setsockopt(listener, SOL_SOCKET, SO_KEEPALIVE, 1), "SO_KEEPALIVE");
    assertOk(wsa.setsockopt(listener, IPPROTO_TCP, TCP_NODELAY, 1), "TCP_NODELAY");
    assertOk(wsa.setsockopt(listener, SOL_SOCKET, SO_RCVBUF, 32 * 1024), "SO_RCVBUF");
    int[] rcvbuf = new int[1];
    assertOk(wsa.getsockopt(listener, SOL_SOCKET, SO_RCVBUF, rcvbuf), "getsockopt(SO_RCVBUF)");
    assertOk(wsa.listen(listener, 5), "listen");
    Socket client = connectPeerTo(listener);
    WsaSocket accepted = wsa.accept(listener, new SocketAddress[1]);
    assertNotEquals(WsaSocket.INVALID_SOCKET, accepted, WsaFixture::lastError);
    assertTrue(option(accepted, SOL_SOCKET, SO_KEEPALIVE) != 0, "SO_KEEPALIVE inherited");
    assertTrue(option(accepted, IPPROTO_TCP, TCP_NODELAY) != 0, "TCP_NODELAY inherited");
    assertEquals(rcvbuf[0], option(accepted, SOL_SOCKET, SO_RCVBUF), "SO_RCVBUF inherited");
    client.close();
  }

  private int option(WsaSocket s, int level, int name) {
    int[] v = {SENTINEL};
    assertOk(wsa.getsockopt(s, level, name, v), "getsockopt");
    return v[0];
  }

  // -- shutdown --

  @Test
  @DisplayName("rule 15: shutdown of an unconnected socket or a listener fails with WSAENOTCONN, a bad how with WSAEINVAL, a closed socket with WSAENOTSOCK (test_shutdown)")
  void shutdownErrors() throws Exception {
    assertFailsWith(WSAENOTCONN, wsa.shutdown(newSocket(), SD_SEND), "shutdown(new)");
    assertFailsWith(WSAENOTCONN, wsa.shutdown(listener(), SD_BOTH), "shutdown(listener)");
    Conn c = connect();
    assertFailsWith(WSAEINVAL, wsa.shutdown(c.s(), 7), "shutdown(how=7)");
    assertFailsWith(WSAENOTSOCK, wsa.shutdown(closedSocket(), SD_SEND), "shutdown(closed)");
  }

  @Test
  @DisplayName("rule 15: after shutdown(SD_SEND) sends fail with WSAESHUTDOWN, the peer reads end of stream, receives still work, and a second shutdown is 0 (test_shutdown)")
  void shutdownSend() throws Exception {
    Conn c = connect();
    assertOk(wsa.shutdown(c.s(), SD_SEND), "shutdown(SD_SEND)");
    assertOk(wsa.shutdown(c.s(), SD_SEND), "shutdown(SD_SEND) again");
    int[] n = {SENTINEL};
    assertFailsWith(WSAESHUTDOWN, wsa.send(c.s(), new WsaBuf[] {WsaBuf.wrap(HELLO)}, 1, n, 0,
        null, null), "send after SD_SEND");
    assertEquals(-1, c.peer().getInputStream().read(), "the peer reads end of stream");
    c.peerSend("hello");
    assertEquals("hello", recvBlocking(c.s(), 5), "receives still work");
  }

  @Test
  @DisplayName("rule 15: after shutdown(SD_RECEIVE) receives fail with WSAESHUTDOWN and sends still work (test_shutdown)")
  void shutdownReceive() throws Exception {
    Conn c = connect();
    assertOk(wsa.shutdown(c.s(), SD_RECEIVE), "shutdown(SD_RECEIVE)");
    int[] n = {SENTINEL};
    assertFailsWith(WSAESHUTDOWN, wsa.recv(c.s(), new WsaBuf[] {WsaBuf.allocate(8)}, 1, n,
        new int[1], null, null), "recv after SD_RECEIVE");
    sendBlocking(c.s(), "still");
    assertEquals("still", c.peerRead(5));
  }

  // -- overlapped receives and completion ports --

  @Test
  @DisplayName("rule 6: an overlapped receive pending when the peer closes gracefully completes with 0 bytes (test_WSARecv)")
  void pendingReceiveSeesGracefulClose() throws Exception {
    Conn c = connect();
    WsaOverlapped ov = token();
    startPendingRecv(c.s(), ov, WsaBuf.allocate(16));
    c.peer().shutdownOutput();
    assertEquals(0, awaitSuccess(c.s(), ov), "a graceful close is success with 0 bytes");
  }

  @Test
  @DisplayName("rule 21: closesocket with a receive pending on a port queues its packet with ERROR_OPERATION_ABORTED (iocp_async_read_closesocket)")
  void closesocketWithPendingReceiveOnPort() throws Exception {
    Conn c = connect();
    WsaCompletionPort port = newPort();
    associate(c.s(), port, 125);
    WsaOverlapped ov = new WsaOverlapped();
    startPendingRecv(c.s(), ov, WsaBuf.allocate(256));
    assertOk(wsa.closesocket(c.s()), "closesocket");
    Dequeued d = awaitPacket(port);
    assertFailurePacket(d, 125, ov, ERROR_OPERATION_ABORTED);
    assertEquals(0, d.bytes(), "no bytes");
    assertNoPacket(port);
  }

  @Test
  @DisplayName("rule 21: data that arrived before the receive completes it at once with the data, and the port still gets its packet (test_completion_port)")
  void receiveOfDataAlreadyThereIsPostedToo() throws Exception {
    Conn c = connect();
    WsaCompletionPort port = newPort();
    associate(c.s(), port, 7);
    c.peerSend("hello");
    WsaBuf buf = WsaBuf.allocate(16);
    // wait until the bytes are there: a zero-byte receive completes once data is readable
    WsaOverlapped probe = new WsaOverlapped();
    startRecv(c.s(), probe, null, WsaBuf.allocate(0));
    assertSuccessPacket(awaitPacket(port), 7, probe);
    WsaOverlapped ov = new WsaOverlapped();
    startRecv(c.s(), ov, null, buf);
    int n = assertSuccessPacket(awaitPacket(port), 7, ov);
    assertEquals(5, n);
    assertEquals("hello", new String(bytesOf(buf, n), StandardCharsets.US_ASCII));
  }
}
