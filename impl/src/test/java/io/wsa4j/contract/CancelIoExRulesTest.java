package io.wsa4j.contract;

import static io.wsa4j.Winsock.ERROR_NOT_FOUND;
import static io.wsa4j.Winsock.ERROR_OPERATION_ABORTED;
import static io.wsa4j.Winsock.WSA_IO_INCOMPLETE;
import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;
import static io.wsa4j.Winsock.WSA_WAIT_EVENT_0;
import static io.wsa4j.Winsock.WSA_WAIT_IO_COMPLETION;
import static io.wsa4j.Winsock.WSA_WAIT_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Rule 13, {@code CancelIoEx}: what it aborts, how each abort is announced, and that no byte is lost. */
@Timeout(60)
class CancelIoExRulesTest extends WsaFixture {

  private static final long KEY = 31;

  @ParameterizedTest(name = "rule 13: cancelIoEx with nothing pending ({0}) → false, ERROR_NOT_FOUND")
  @ValueSource(strings = {"null token", "unused token", "completed token"})
  void nothingPending(String which) throws Exception {
    Conn c = connect();
    WsaOverlapped token = which.equals("null token") ? null : new WsaOverlapped();
    if (which.equals("completed token")) {
      c.peer().getOutputStream().write(1);
      startRecv(c.s(), token, null, WsaBuf.allocate(4));
      assertEquals(1, awaitSuccess(c.s(), token));
    }
    assertFailsWith(ERROR_NOT_FOUND, wsa.cancelIoEx(c.s(), token), "cancelIoEx");
    if (token != null) {
      assertEquals(0, token.internal(), "a completed token keeps its status");
    }
  }

  @Test
  @DisplayName("rule 13: cancelIoEx on a pending token of another socket → false, ERROR_NOT_FOUND, the op goes on")
  void tokenOfAnotherSocket() throws Exception {
    Conn a = connect();
    Conn b = connect();
    WsaOverlapped ov = new WsaOverlapped();
    startPendingRecv(a.s(), ov, WsaBuf.allocate(4));
    assertFailsWith(ERROR_NOT_FOUND, wsa.cancelIoEx(b.s(), ov), "cancelIoEx");
    a.peer().getOutputStream().write(7);
    assertEquals(1, awaitSuccess(a.s(), ov));
  }

  @ParameterizedTest(name = "rule 13: cancelling one {0} receive among three aborts only that one; the others get the data in order")
  @EnumSource(value = BufKind.class, names = {"HEAP", "DIRECT"})
  void cancelOneAmongSeveral(BufKind kind) throws Exception {
    Conn c = connect();
    List<WsaOverlapped> tokens = new ArrayList<>();
    List<WsaBuf> bufs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      tokens.add(new WsaOverlapped(wsa.createEvent()));
      bufs.add(kind.make(64));
      startPendingRecv(c.s(), tokens.get(i), bufs.get(i));
    }
    WsaOverlapped victim = tokens.get(1);
    assertTrue(wsa.cancelIoEx(c.s(), victim), WsaFixture::lastError);

    awaitEvent(victim.event());
    Result o = await(c.s(), victim);
    assertFalse(o.ok());
    assertEquals(WSA_OPERATION_ABORTED, o.error());
    assertEquals(COUNT_SENTINEL, o.bytes(), "count not written on failure");
    for (int i : new int[] {0, 2}) {
      assertFailsWith(WSA_IO_INCOMPLETE, wsa.getOverlappedResult(c.s(), tokens.get(i),
          new int[1], false, new int[1]), "receive " + i + " still pending");
    }

    byte[] data = randomBytes(128); // fills both 64-byte receives, whatever the segmentation
    c.peer().getOutputStream().write(data);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    for (int i : new int[] {0, 2}) {
      int n = awaitSuccess(c.s(), tokens.get(i));
      got.write(bytesOf(bufs.get(i), n));
    }
    got.write(recvFully(c.s(), data.length - got.size()));
    assertArrayEquals(data, got.toByteArray(), "the remaining receives got the data, in order");
  }

  enum Mechanism { EVENT, ROUTINE, PORT }

  @ParameterizedTest(name = "rule 13: cancelIoEx(null) aborts every pending receive, announced via {0}")
  @EnumSource(Mechanism.class)
  void cancelAllAnnouncesEach(Mechanism mechanism) throws Exception {
    Conn c = connect();
    WsaCompletionPort port = null;
    if (mechanism == Mechanism.PORT) {
      port = newPort();
      associate(c.s(), port, KEY);
    }
    List<WsaOverlapped> routineTokens = new ArrayList<>();
    List<Integer> routineErrors = new ArrayList<>();
    List<Integer> routineBytes = new ArrayList<>();
    WsaCompletionRoutine routine = mechanism != Mechanism.ROUTINE ? null : (err, n, ov, f) -> {
      routineErrors.add(err);
      routineBytes.add(n);
      routineTokens.add(ov);
    };
    List<WsaOverlapped> tokens = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      WsaOverlapped ov = new WsaOverlapped(wsa.createEvent());
      tokens.add(ov);
      int rc = wsa.recv(c.s(), new WsaBuf[] {WsaBuf.allocate(32)}, 1, null, new int[1], ov,
          routine);
      assertPending(rc, "recv " + i);
    }
    assertTrue(wsa.cancelIoEx(c.s(), null), WsaFixture::lastError);

    switch (mechanism) {
      case EVENT:
        WsaEvent[] events = tokens.stream().map(WsaOverlapped::event).toArray(WsaEvent[]::new);
        assertEquals(WSA_WAIT_EVENT_0, wsa.waitForMultipleEvents(3, events, true, WAIT_MS, false),
            "every event signaled");
        break;
      case ROUTINE:
        assertEquals(WSA_WAIT_IO_COMPLETION, wsa.sleepEx(WAIT_MS, true));
        while (routineTokens.size() < 3) {
          assertEquals(WSA_WAIT_IO_COMPLETION, wsa.sleepEx(WAIT_MS, true), "routines queued");
        }
        assertEquals(tokens, routineTokens, "a routine per receive, in completion order");
        assertEquals(List.of(WSA_OPERATION_ABORTED, WSA_OPERATION_ABORTED, WSA_OPERATION_ABORTED),
            routineErrors);
        assertEquals(List.of(0, 0, 0), routineBytes);
        assertFalse(tokens.get(0).event().isSignaled(), "a routine's token event is not signaled");
        break;
      case PORT:
        List<WsaOverlapped> posted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          Dequeued d = awaitPacket(port);
          assertFailurePacket(d, KEY, d.overlapped(), ERROR_OPERATION_ABORTED);
          assertEquals(0, d.bytes());
          posted.add(d.overlapped());
        }
        assertTrue(posted.containsAll(tokens), "a packet per receive: " + posted);
        assertNoPacket(port);
        break;
      default:
        throw new AssertionError(mechanism);
    }
    for (WsaOverlapped ov : tokens) {
      assertEquals(WSA_OPERATION_ABORTED, ov.internal(), "token status");
      assertEquals(0, ov.internalHigh(), "token count");
    }
  }

  @ParameterizedTest(name = "rule 13: after cancelling pending {0} receives, a new receive gets every byte the peer sends, in order")
  @EnumSource(value = BufKind.class, names = {"HEAP", "DIRECT"})
  void noByteLostAfterCancel(BufKind kind) throws Exception {
    Conn c = connect();
    for (int i = 0; i < 3; i++) {
      startPendingRecv(c.s(), new WsaOverlapped(), kind.make(1 + rnd.nextInt(4096)));
    }
    assertTrue(wsa.cancelIoEx(c.s(), null), WsaFixture::lastError);
    byte[] data = randomBytes(200_000);
    fork("sender", () -> {
      c.peer().getOutputStream().write(data);
      return null;
    });
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    while (got.size() < data.length) {
      WsaBuf buf = kind.make(1 + rnd.nextInt(16384));
      WsaOverlapped ov = new WsaOverlapped();
      startRecv(c.s(), ov, null, buf);
      got.write(bytesOf(buf, awaitSuccess(c.s(), ov)));
    }
    assertArrayEquals(data, got.toByteArray());
  }

  @Test
  @DisplayName("rule 13: cancelling a pending AcceptEx aborts it; a later AcceptEx gets the next connection")
  void cancelAcceptEx() throws Exception {
    WsaSocket listener = listener();
    WsaCompletionPort port = newPort();
    associate(listener, port, KEY);
    WsaOverlapped first = new WsaOverlapped();
    assertStarted(wsa.acceptEx(listener, newSocket(), null, 0, null, first), "acceptEx");
    assertTrue(wsa.cancelIoEx(listener, first), WsaFixture::lastError);
    assertFailurePacket(awaitPacket(port), KEY, first, ERROR_OPERATION_ABORTED);

    Socket client = jdkClient(localAddress(listener)); // connects while no AcceptEx is pending
    assertNoPacket(port); // nothing announces it: the cancelled AcceptEx is gone
    WsaSocket acceptor = newSocket();
    WsaOverlapped second = new WsaOverlapped();
    assertStarted(wsa.acceptEx(listener, acceptor, null, 0, null, second), "second acceptEx");
    assertSuccessPacket(awaitPacket(port), KEY, second);
    SocketAddress[] peer = new java.net.SocketAddress[1];
    assertEquals(0, wsa.getpeername(acceptor, peer));
    assertEquals(client.getLocalSocketAddress(), peer[0], "the connection was not lost");
  }

  @Test
  @DisplayName("rule 13: cancelling an AcceptEx that has a connection but waits for its first data aborts it")
  void cancelAcceptExWaitingForData() throws Exception {
    WsaSocket listener = listener();
    WsaCompletionPort port = newPort();
    associate(listener, port, KEY);
    WsaOverlapped ov = new WsaOverlapped();
    WsaBuf out = WsaBuf.allocate(64);
    assertStarted(wsa.acceptEx(listener, newSocket(), out, 64, null, ov), "acceptEx");
    Socket client = jdkClient(localAddress(listener));
    assertNoPacket(port); // connected, no data: still pending
    assertFalse(ov.isCompleted(), "the AcceptEx is pending until data arrives");

    assertTrue(wsa.cancelIoEx(listener, ov), () -> "cancelIoEx(listener, pending AcceptEx): "
        + lastError());
    assertFailurePacket(awaitPacket(port), KEY, ov, ERROR_OPERATION_ABORTED);
    client.getOutputStream().write(1);
    assertNoPacket(port);
  }

  @Test
  @DisplayName("rule 13: cancelIoEx on a ConnectEx that already completed → false, ERROR_NOT_FOUND")
  void cancelCompletedConnectEx() throws Exception {
    ServerSocket server = jdkServer();
    WsaSocket s = boundSocket();
    WsaOverlapped ov = new WsaOverlapped();
    assertStarted(wsa.connectEx(s, server.getLocalSocketAddress(), null, null, ov), "connectEx");
    assertEquals(0, awaitSuccess(s, ov));
    assertFailsWith(ERROR_NOT_FOUND, wsa.cancelIoEx(s, ov), "cancelIoEx");
    assertFailsWith(ERROR_NOT_FOUND, wsa.cancelIoEx(s, null), "cancelIoEx(null)");
  }

  @Test
  @DisplayName("rule 13: cancelling a pending ConnectEx aborts it and leaves the socket usable (skipped if no connect stays pending)")
  void cancelPendingConnectEx() throws Exception {
    // a listener that never accepts, its backlog filled: further SYNs go unanswered (Linux)
    ServerSocket full = track(new ServerSocket(0, 1, LOOPBACK));
    for (int i = 0; i < 8; i++) {
      SocketChannel filler = track(SocketChannel.open());
      filler.configureBlocking(false);
      filler.connect(full.getLocalSocketAddress());
    }
    WsaSocket s = boundSocket();
    WsaEvent event = wsa.createEvent();
    WsaOverlapped ov = new WsaOverlapped(event);
    assertStarted(wsa.connectEx(s, full.getLocalSocketAddress(), null, null, ov), "connectEx");
    assumeTrue(wsa.waitForMultipleEvents(1, new WsaEvent[] {event}, false, 500, false)
        == WSA_WAIT_TIMEOUT, "this system completed the connect at once");

    assertTrue(wsa.cancelIoEx(s, ov), WsaFixture::lastError);
    awaitEvent(event);
    Result o = await(s, ov);
    assertFalse(o.ok());
    assertEquals(WSA_OPERATION_ABORTED, o.error());

    ServerSocket server = jdkServer();
    assertStarted(wsa.connectEx(s, server.getLocalSocketAddress(), null, null, ov),
        "connectEx after the cancel");
    assertEquals(0, awaitSuccess(s, ov), "the socket is usable after a cancelled ConnectEx");
    server.setSoTimeout(WAIT_MS);
    Socket peer = track(server.accept());
    assertEquals(new InetSocketAddress(LOOPBACK, localAddress(s).getPort()),
        peer.getRemoteSocketAddress());
  }

  private void awaitEvent(WsaEvent e) {
    assertEquals(WSA_WAIT_EVENT_0,
        wsa.waitForMultipleEvents(1, new WsaEvent[] {e}, false, WAIT_MS, false), "event");
  }

  @Test
  @DisplayName("rule 13: a cancelled receive's buffer is left untouched")
  void cancelledBufferUntouched() throws Exception {
    Conn c = connect();
    byte[] junk = randomBytes(256);
    WsaBuf buf = WsaBuf.wrap(junk.clone());
    WsaOverlapped ov = new WsaOverlapped();
    startPendingRecv(c.s(), ov, buf);
    assertTrue(wsa.cancelIoEx(c.s(), ov));
    assertFalse(await(c.s(), ov).ok());
    byte[] data = randomBytes(256);
    c.peer().getOutputStream().write(data);
    assertArrayEquals(data, recvFully(c.s(), data.length));
    assertArrayEquals(junk, bytesOf(buf, junk.length), "nothing landed in the aborted buffer");
  }
}
