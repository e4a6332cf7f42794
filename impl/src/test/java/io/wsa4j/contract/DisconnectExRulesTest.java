package io.wsa4j.contract;

import static io.wsa4j.Winsock.ERROR_OPERATION_ABORTED;
import static io.wsa4j.Winsock.TF_DISCONNECT;
import static io.wsa4j.Winsock.TF_REUSE_SOCKET;
import static io.wsa4j.Winsock.WSAEINVAL;
import static io.wsa4j.Winsock.WSAEISCONN;
import static io.wsa4j.Winsock.WSAENOTCONN;
import static io.wsa4j.Winsock.WSAENOTSOCK;
import static io.wsa4j.Winsock.WSAESHUTDOWN;
import static io.wsa4j.Winsock.WSANOTINITIALISED;
import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;
import static io.wsa4j.Winsock.WSA_WAIT_EVENT_0;
import static io.wsa4j.Winsock.WSA_WAIT_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.WsaBuf;
import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import io.wsa4j.testkit.WsaFixture.RoutineLog;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rule 37: {@code DisconnectEx} shuts the connection down gracefully, completes through its token
 * like any overlapped operation, and with {@code TF_REUSE_SOCKET} leaves the handle reusable by
 * {@code AcceptEx} or {@code ConnectEx}. Wine's {@code test_DisconnectEx} and {@code
 * test_shutdown_completion_port} record what Windows does without the flag.
 */
@Timeout(60)
class DisconnectExRulesTest extends WsaFixture {
  private static final long KEY = 0xD15CL;
  private static final int STUCK_BYTES = 32 << 20;

  private void awaitEvent(WsaEvent e) {
    assertEquals(WSA_WAIT_EVENT_0,
        wsa.waitForMultipleEvents(1, new WsaEvent[] {e}, false, WAIT_MS, false), "event");
  }

  private static void assertEof(InputStream in) throws Exception {
    assertEquals(-1, in.read(), "the peer sees an orderly end of stream");
  }

  @Test
  @DisplayName("rule 37: DisconnectEx sends the FIN after every send already posted, then signals its event with 0 bytes")
  void finFollowsQueuedSendsThroughEvent() throws Exception {
    Conn c = connect();
    byte[] data = randomBytes(200_000);
    WsaOverlapped send = new WsaOverlapped();
    startSend(c.s(), send, null, WsaBuf.wrap(data));
    WsaOverlapped ov = new WsaOverlapped(wsa.createEvent());
    assertStarted(wsa.disconnectEx(c.s(), ov, 0, 0), "disconnectEx");
    FutureTaskReader reader = new FutureTaskReader(c.peer(), data.length);
    awaitEvent(ov.event());
    assertEquals(0, awaitSuccess(c.s(), ov), "a DisconnectEx moves no bytes");
    assertArrayEquals(data, reader.bytes(), "every byte posted before it arrived");
    assertEof(c.peer().getInputStream());
    assertEquals(data.length, awaitSuccess(c.s(), send));
  }

  /** Reads n bytes on a background thread (the send may not fit the socket buffers). */
  private final class FutureTaskReader {
    private final Background<byte[]> task;

    FutureTaskReader(Socket peer, int n) {
      task = fork("peer-reader", () -> readFully(peer.getInputStream(), n));
    }

    byte[] bytes() throws Exception {
      return task.get();
    }
  }

  @Test
  @DisplayName("rule 37: DisconnectEx on a socket bound to a port posts a packet with 0 bytes (Wine test_shutdown_completion_port)")
  void completesThroughPort() throws Exception {
    Conn c = connect();
    WsaCompletionPort port = newPort();
    associate(c.s(), port, KEY);
    WsaOverlapped ov = new WsaOverlapped();
    assertStarted(wsa.disconnectEx(c.s(), ov, TF_REUSE_SOCKET, 0), "disconnectEx");
    assertEquals(0, assertSuccessPacket(awaitPacket(port), KEY, ov));
    assertEof(c.peer().getInputStream());
    assertNoPacket(port);
  }

  @Test
  @DisplayName("rule 37: a DisconnectEx started by a thread is not a completion routine's business: the token completes, no event is needed")
  void completesWithoutEvent() throws Exception {
    Conn c = connect();
    WsaOverlapped ov = new WsaOverlapped();
    assertStarted(wsa.disconnectEx(c.s(), ov, 0, 0), "disconnectEx");
    assertEquals(0, awaitSuccess(c.s(), ov));
    RoutineLog log = new RoutineLog();
    assertEquals(0, wsa.sleepEx(0, true), "no routine queued");
    assertEquals(0, log.count());
  }

  @Test
  @DisplayName("rule 37: without TF_REUSE_SOCKET the socket stays connected with sending shut down: send WSAESHUTDOWN, connect WSAEISCONN, receive still works (Wine test_DisconnectEx)")
  void withoutReuseOnlySendingEnds() throws Exception {
    Conn c = connect();
    InetSocketAddress server = (InetSocketAddress) c.peer().getLocalSocketAddress();
    WsaOverlapped ov = new WsaOverlapped(wsa.createEvent());
    assertStarted(wsa.disconnectEx(c.s(), ov, 0, 0), "disconnectEx");
    assertEquals(0, awaitSuccess(c.s(), ov));
    assertEof(c.peer().getInputStream());

    assertFailsWith(WSAEISCONN, wsa.connect(c.s(), server), "connect");
    assertFailsWith(WSAESHUTDOWN, wsa.send(c.s(), new WsaBuf[] {WsaBuf.wrap(new byte[5])}, 1,
        new int[1], 0, null, null), "send");
    c.peer().getOutputStream().write("test".getBytes());
    assertArrayEquals("test".getBytes(), recvFully(c.s(), 4), "data from the peer still arrives");
    SocketAddress[] peer = new SocketAddress[1];
    assertEquals(0, wsa.getpeername(c.s(), peer));
    assertEquals(server, peer[0]);
    // and it cannot be reused
    WsaSocket listener = listener();
    assertFailsWith(WSAEINVAL, wsa.acceptEx(listener, c.s(), null, 0, new int[1],
        new WsaOverlapped()), "acceptEx into it");
    assertFailsWith(WSAEISCONN, wsa.connectEx(c.s(), server, null, new int[1],
        new WsaOverlapped()), "connectEx with it");
  }

  @Test
  @DisplayName("rule 37: without a token DisconnectEx completes before it returns, twice in a row, and posts no packet (Wine)")
  void synchronousDisconnect() throws Exception {
    Conn c = connect();
    WsaCompletionPort port = newPort();
    associate(c.s(), port, KEY);
    assertTrue(wsa.disconnectEx(c.s(), null, 0, 0), WsaFixture::lastError);
    assertTrue(wsa.disconnectEx(c.s(), null, 0, 0), WsaFixture::lastError);
    assertEof(c.peer().getInputStream());
    assertNoPacket(port);
  }

  @Test
  @DisplayName("rule 37: with TF_REUSE_SOCKET the same handle serves the next connection as an AcceptEx accept socket")
  void reusedAsAcceptSocket() throws Exception {
    WsaSocket listener = listener();
    WsaSocket acceptor = newSocket();
    for (int round = 0; round < 3; round++) {
      WsaOverlapped acc = new WsaOverlapped();
      assertStarted(wsa.acceptEx(listener, acceptor, null, 0, new int[1], acc), "acceptEx");
      Socket client = jdkClient(localAddress(listener));
      assertEquals(0, awaitSuccess(listener, acc));
      assertEquals(0, wsa.setsockopt(acceptor, io.wsa4j.Winsock.SOL_SOCKET,
          io.wsa4j.Winsock.SO_UPDATE_ACCEPT_CONTEXT, listener), WsaFixture::lastError);
      byte[] msg = randomBytes(64);
      client.getOutputStream().write(msg);
      assertArrayEquals(msg, recvFully(acceptor, msg.length), "round " + round);
      SocketAddress[] peer = new SocketAddress[1];
      assertEquals(0, wsa.getpeername(acceptor, peer));
      assertEquals(client.getLocalSocketAddress(), peer[0], "this round's client");

      WsaOverlapped disc = new WsaOverlapped();
      assertStarted(wsa.disconnectEx(acceptor, disc, TF_REUSE_SOCKET, 0), "disconnectEx");
      assertEquals(0, awaitSuccess(acceptor, disc));
      assertEof(client.getInputStream());
      assertFailsWith(WSAENOTCONN, wsa.getpeername(acceptor, peer), "unconnected after reuse");
      client.close();
    }
  }

  @Test
  @DisplayName("rule 37: with TF_REUSE_SOCKET the handle can ConnectEx again without a new bind")
  void reusedAsConnectExSocket() throws Exception {
    ServerSocket server = jdkServer();
    WsaSocket s = boundSocket();
    for (int round = 0; round < 2; round++) {
      WsaOverlapped con = new WsaOverlapped();
      assertStarted(wsa.connectEx(s, server.getLocalSocketAddress(), null, new int[1], con),
          "connectEx round " + round);
      assertEquals(0, awaitSuccess(s, con));
      Socket peer = track(server.accept());
      assertEquals(0, wsa.setsockopt(s, io.wsa4j.Winsock.SOL_SOCKET,
          io.wsa4j.Winsock.SO_UPDATE_CONNECT_CONTEXT, (WsaSocket) null), WsaFixture::lastError);
      WsaOverlapped disc = new WsaOverlapped();
      assertStarted(wsa.disconnectEx(s, disc, TF_REUSE_SOCKET, 0), "disconnectEx");
      assertEquals(0, awaitSuccess(s, disc));
      assertEof(peer.getInputStream());
    }
  }

  @Test
  @DisplayName("rule 37: receives pending when the handle is recycled complete once with WSA_OPERATION_ABORTED")
  void pendingReceiveAbortsOnReuse() throws Exception {
    Conn c = connect();
    WsaOverlapped recv = new WsaOverlapped(wsa.createEvent());
    startPendingRecv(c.s(), recv, WsaBuf.allocate(16));
    WsaOverlapped disc = new WsaOverlapped();
    assertStarted(wsa.disconnectEx(c.s(), disc, TF_REUSE_SOCKET, 0), "disconnectEx");
    assertEquals(0, awaitSuccess(c.s(), disc));
    awaitEvent(recv.event());
    Result o = await(c.s(), recv);
    assertFalse(o.ok());
    assertEquals(WSA_OPERATION_ABORTED, o.error());
    assertTrue(wsa.resetEvent(recv.event()));
    assertEquals(WSA_WAIT_TIMEOUT, wsa.waitForMultipleEvents(1, new WsaEvent[] {recv.event()},
        false, NO_PACKET_MS, false), "announced once");
  }

  /** A connection whose FIN cannot go: a send the peer never reads fills every buffer. */
  private Conn stuck(WsaOverlapped send) throws Exception {
    Conn c = connect();
    startSend(c.s(), send, null, WsaBuf.allocateDirect(STUCK_BYTES));
    return c;
  }

  @Test
  @DisplayName("rule 37: closesocket while DisconnectEx waits behind an unsent send aborts both, each once (event and port)")
  void closeDuringDisconnect() throws Exception {
    WsaOverlapped send = new WsaOverlapped(wsa.createEvent());
    Conn c = stuck(send);
    WsaCompletionPort port = newPort();
    associate(c.s(), port, KEY);
    WsaOverlapped disc = new WsaOverlapped(wsa.createEvent());
    assertStarted(wsa.disconnectEx(c.s(), disc, TF_REUSE_SOCKET, 0), "disconnectEx");
    assertEquals(WSA_WAIT_TIMEOUT, wsa.waitForMultipleEvents(1, new WsaEvent[] {disc.event()},
        false, NO_PACKET_MS, false), "waits for the send");
    assertEquals(0, wsa.closesocket(c.s()));
    int aborted = 0;
    for (int i = 0; i < 2; i++) {
      Dequeued d = awaitPacket(port);
      assertFailurePacket(d, KEY, d.overlapped(), ERROR_OPERATION_ABORTED);
      aborted += d.overlapped() == disc ? 1 : d.overlapped() == send ? 10 : 100;
    }
    assertEquals(11, aborted, "one packet each");
    assertNoPacket(port);
    assertEquals(WSA_OPERATION_ABORTED, disc.internal());
    assertTrue(disc.event().isSignaled());
  }

  @Test
  @DisplayName("rule 37: cancelIoEx on a pending DisconnectEx aborts it once; WSACleanup writes its status without signaling")
  void cancelAndCleanup() throws Exception {
    WsaOverlapped send = new WsaOverlapped();
    Conn c = stuck(send);
    WsaOverlapped disc = new WsaOverlapped(wsa.createEvent());
    assertStarted(wsa.disconnectEx(c.s(), disc, 0, 0), "disconnectEx");
    assertTrue(wsa.cancelIoEx(c.s(), disc), WsaFixture::lastError);
    awaitEvent(disc.event());
    assertEquals(WSA_OPERATION_ABORTED, await(c.s(), disc).error());

    Conn c2 = stuck(new WsaOverlapped());
    WsaOverlapped disc2 = new WsaOverlapped(wsa.createEvent());
    assertStarted(wsa.disconnectEx(c2.s(), disc2, TF_REUSE_SOCKET, 0), "disconnectEx");
    assertEquals(0, cleanupNow());
    assertEquals(WSA_OPERATION_ABORTED, disc2.internal(), "status written by cleanup");
    assertFalse(disc2.event().isSignaled(), "cleanup signals nothing (rule 23)");
  }

  @Test
  @DisplayName("rule 37: bad inputs — invalid, closed, unconnected or listening socket, flags other than TF_REUSE_SOCKET, reserved non-zero, a pending token, a second DisconnectEx — get their codes")
  void badInputs() throws Exception {
    WsaOverlapped ov = new WsaOverlapped();
    assertFailsWith(WSAENOTSOCK, wsa.disconnectEx(WsaSocket.INVALID_SOCKET, ov, 0, 0), "invalid (Wine)");
    assertFailsWith(WSAENOTSOCK, wsa.disconnectEx(null, ov, 0, 0), "null");
    WsaSocket closed = newSocket();
    wsa.closesocket(closed);
    assertFailsWith(WSAENOTSOCK, wsa.disconnectEx(closed, ov, 0, 0), "closed");
    assertFailsWith(WSAENOTCONN, wsa.disconnectEx(newSocket(), ov, 0, 0), "unconnected (Wine)");
    assertFailsWith(WSAENOTCONN, wsa.disconnectEx(boundSocket(), null, 0, 0), "bound, blocking");
    assertFailsWith(WSAENOTCONN, wsa.disconnectEx(listener(), ov, TF_REUSE_SOCKET, 0), "listening");
    Conn c = connect();
    assertFailsWith(WSAEINVAL, wsa.disconnectEx(c.s(), ov, TF_DISCONNECT, 0), "TF_DISCONNECT");
    assertFailsWith(WSAEINVAL, wsa.disconnectEx(c.s(), ov, -1, 0), "flags -1");
    assertFailsWith(WSAEINVAL, wsa.disconnectEx(c.s(), ov, 0, 1), "reserved 1");
    WsaOverlapped pending = new WsaOverlapped();
    startPendingRecv(c.s(), pending, WsaBuf.allocate(4));
    assertFailsWith(WSAEINVAL, wsa.disconnectEx(c.s(), pending, 0, 0), "a pending token");
    assertFalse(ov.isCompleted() && ov.internal() != 0, "no failed call announced anything");

    WsaOverlapped send = new WsaOverlapped();
    Conn s = stuck(send);
    assertStarted(wsa.disconnectEx(s.s(), new WsaOverlapped(), 0, 0), "disconnectEx");
    assertFailsWith(WSAEINVAL, wsa.disconnectEx(s.s(), new WsaOverlapped(), 0, 0),
        "a second while the first waits");
    cleanupNow();
    assertFailsWith(WSANOTINITIALISED, wsa.disconnectEx(c.s(), new WsaOverlapped(), 0, 0),
        "after cleanup");
  }
}
