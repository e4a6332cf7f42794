package io.wsa4j.contract;

import static io.wsa4j.Winsock.ERROR_CONNECTION_REFUSED;
import static io.wsa4j.Winsock.ERROR_INVALID_PARAMETER;
import static io.wsa4j.Winsock.ERROR_OPERATION_ABORTED;
import static io.wsa4j.Winsock.WSAECONNREFUSED;
import static io.wsa4j.Winsock.WSAEINVAL;
import static io.wsa4j.Winsock.WSAEISCONN;
import static io.wsa4j.Winsock.WSA_IO_INCOMPLETE;
import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;
import static io.wsa4j.Winsock.WSA_WAIT_EVENT_0;
import static io.wsa4j.Winsock.WSA_WAIT_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code AcceptEx} and {@code ConnectEx} (winsock-semantics 2.2, scenarios 46, 58, 69, 70): how
 * they complete through events and ports, their argument errors, and their aborts.
 */
@Timeout(60)
class AcceptExConnectExTest extends WsaFixture {

  /** How a completion is observed: the token's event, or the listener's/socket's port. */
  enum Via { EVENT, PORT }

  private static final long KEY = 0x5EEDL;

  /** Where completions of one socket are observed in a test. */
  private final class Watch {
    final Via via;
    final WsaSocket socket;
    final WsaCompletionPort port;

    Watch(Via via, WsaSocket socket) {
      this.via = via;
      this.socket = socket;
      this.port = via == Via.PORT ? newPort() : null;
      if (port != null) {
        associate(socket, port, KEY);
      }
    }

    WsaOverlapped token() {
      return via == Via.EVENT ? new WsaOverlapped(wsa.createEvent()) : new WsaOverlapped();
    }

    /** No completion of {@code ov} is announced within a short window. */
    void assertNothingYet(WsaOverlapped ov) {
      if (via == Via.PORT) {
        assertNoPacket(port);
      } else {
        assertEquals(WSA_WAIT_TIMEOUT, wsa.waitForMultipleEvents(1, new WsaEvent[] {ov.event()},
            false, NO_PACKET_MS, false), "no completion yet");
      }
    }

    /** Waits for {@code ov}'s completion; returns its count, failing on an error. */
    int success(WsaOverlapped ov) {
      if (via == Via.PORT) {
        return assertSuccessPacket(awaitPacket(port), KEY, ov);
      }
      awaitEvent(ov.event());
      return awaitSuccess(socket, ov);
    }

    /** Waits for {@code ov}'s failure with the Winsock code (event) or its Win32 form (port). */
    void failure(WsaOverlapped ov, int winsock, int win32) {
      if (via == Via.PORT) {
        assertFailurePacket(awaitPacket(port), KEY, ov, win32);
      } else {
        awaitEvent(ov.event());
      }
      Result o = await(socket, ov);
      assertFalse(o.ok(), "operation should fail");
      assertEquals(winsock, o.error(), "getOverlappedResult's code");
      assertEquals(winsock, ov.internal(), "the token's status");
    }
  }

  private void awaitEvent(WsaEvent e) {
    assertEquals(WSA_WAIT_EVENT_0,
        wsa.waitForMultipleEvents(1, new WsaEvent[] {e}, false, WAIT_MS, false), "event");
  }

  private void startAcceptEx(WsaSocket listener, WsaSocket acceptor, WsaBuf out, int len,
      WsaOverlapped ov) {
    assertStarted(wsa.acceptEx(listener, acceptor, out, len, null, ov), "acceptEx");
  }

  // -- AcceptEx --

  @ParameterizedTest(name = "rule 3: AcceptEx without a receive buffer completes on connect with 0 bytes (via {0}); the socket works")
  @EnumSource(Via.class)
  void acceptExWithoutDataCompletesOnConnect(Via via) throws Exception {
    WsaSocket listener = listener();
    Watch watch = new Watch(via, listener);
    WsaSocket acceptor = newSocket();
    WsaOverlapped ov = watch.token();
    startAcceptEx(listener, acceptor, null, 0, ov);
    Socket client = jdkClient(localAddress(listener));

    assertEquals(0, watch.success(ov), "no data asked: 0 bytes");
    SocketAddress[] peer = new SocketAddress[1];
    assertEquals(0, wsa.getpeername(acceptor, peer), WsaFixture::lastError);
    assertEquals(client.getLocalSocketAddress(), peer[0], "getpeername gives the client");

    byte[] toClient = randomBytes(1000);
    WsaOverlapped sendOv = new WsaOverlapped();
    startSend(acceptor, sendOv, null, WsaBuf.wrap(toClient));
    assertArrayEquals(toClient, readFully(client.getInputStream(), toClient.length));
    assertEquals(toClient.length, awaitSuccess(acceptor, sendOv));
    byte[] fromClient = randomBytes(50);
    client.getOutputStream().write(fromClient);
    WsaBuf in = WsaBuf.allocate(64);
    WsaOverlapped recvOv = new WsaOverlapped();
    startRecv(acceptor, recvOv, null, in);
    int n = awaitSuccess(acceptor, recvOv);
    assertArrayEquals(Arrays.copyOf(fromClient, n), bytesOf(in, n));
  }

  @ParameterizedTest(name = "rule 3: AcceptEx with a receive buffer completes only when the first data arrives (via {0})")
  @EnumSource(Via.class)
  void acceptExWithDataWaitsForData(Via via) throws Exception {
    WsaSocket listener = listener();
    Watch watch = new Watch(via, listener);
    WsaSocket acceptor = newSocket();
    WsaOverlapped ov = watch.token();
    WsaBuf out = WsaBuf.allocate(256);
    startAcceptEx(listener, acceptor, out, 100, ov);
    Socket client = jdkClient(localAddress(listener));

    watch.assertNothingYet(ov); // connected, but no data yet: still pending
    assertFailsWith(WSA_IO_INCOMPLETE,
        wsa.getOverlappedResult(listener, ov, new int[1], false, new int[1]), "still pending");

    byte[] first = randomBytes(40);
    client.getOutputStream().write(first);
    int n = watch.success(ov);
    assertTrue(n > 0 && n <= first.length, "count " + n);
    assertArrayEquals(Arrays.copyOf(first, n), bytesOf(out, n));
    assertEquals((byte) 0, out.buf().get(100), "nothing written past receiveDataLength");
  }

  @ParameterizedTest(name = "rule 6: AcceptEx with a receive buffer completes with 0 bytes when the client closes without sending (via {0})")
  @EnumSource(Via.class)
  void acceptExWithDataClientClosesFirst(Via via) throws Exception {
    WsaSocket listener = listener();
    Watch watch = new Watch(via, listener);
    WsaSocket acceptor = newSocket();
    WsaOverlapped ov = watch.token();
    startAcceptEx(listener, acceptor, WsaBuf.allocate(32), 32, ov);
    jdkClient(localAddress(listener)).close();
    assertEquals(0, watch.success(ov), "graceful close: 0 bytes");
  }

  @Test
  @DisplayName("rule 17: a second AcceptEx into an acceptor a pending AcceptEx uses → WSAEINVAL")
  void secondAcceptExIntoSameAcceptor() {
    WsaSocket listener = listener();
    WsaSocket acceptor = newSocket();
    startAcceptEx(listener, acceptor, null, 0, new WsaOverlapped());
    assertFailsWith(WSAEINVAL, wsa.acceptEx(listener, acceptor, null, 0, null,
        new WsaOverlapped()), "second acceptEx");
  }

  @Test
  @DisplayName("rule 17: AcceptEx with a token still pending → WSAEINVAL")
  void acceptExWithPendingToken() {
    WsaSocket listener = listener();
    WsaOverlapped ov = new WsaOverlapped();
    startAcceptEx(listener, newSocket(), null, 0, ov);
    assertFailsWith(WSAEINVAL, wsa.acceptEx(listener, newSocket(), null, 0, null, ov),
        "acceptEx with a pending token");
  }

  enum BadAcceptor { BOUND, CONNECTED, THE_LISTENER }

  @ParameterizedTest(name = "rule 18: AcceptEx into a {0} acceptor → WSAEINVAL (scenario 70)")
  @EnumSource(BadAcceptor.class)
  void acceptExIntoUnfitAcceptor(BadAcceptor which) throws Exception {
    WsaSocket listener = listener();
    WsaSocket acceptor = which == BadAcceptor.BOUND ? boundSocket()
        : which == BadAcceptor.CONNECTED ? connect().s() : listener;
    WsaOverlapped ov = new WsaOverlapped();
    assertFailsWith(WSAEINVAL, wsa.acceptEx(listener, acceptor, null, 0, null, ov), "acceptEx");
    assertTrue(ov.isCompleted(), "the token is not left pending");
  }

  @Test
  @DisplayName("rule 18: AcceptEx on a socket that is not listening → WSAEINVAL")
  void acceptExOnNonListener() {
    assertFailsWith(WSAEINVAL, wsa.acceptEx(boundSocket(), newSocket(), null, 0, null,
        new WsaOverlapped()), "acceptEx");
  }

  @Test
  @DisplayName("rule 16: AcceptEx with a null overlapped → ERROR_INVALID_PARAMETER (scenario 70)")
  void acceptExNullOverlapped() {
    WsaSocket listener = listener();
    assertFailsWith(ERROR_INVALID_PARAMETER,
        wsa.acceptEx(listener, newSocket(), null, 0, null, null), "acceptEx");
  }

  enum Closed { LISTENER, ACCEPTOR }

  /** Where the AcceptEx is when a socket is closed. */
  enum Phase { BEFORE_CONNECT, CONNECTED_AWAITING_DATA }

  static Stream<Arguments> closeCases() {
    List<Arguments> out = new ArrayList<>();
    for (Closed c : Closed.values()) {
      for (Phase p : Phase.values()) {
        for (Via v : Via.values()) {
          out.add(Arguments.of(c, p, v));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "rule 12: closing the {0} aborts a pending AcceptEx ({1}, via {2})")
  @MethodSource("closeCases")
  void closingAbortsAcceptEx(Closed which, Phase phase, Via via) throws IOException {
    WsaSocket listener = listener();
    Watch watch = new Watch(via, listener);
    WsaSocket acceptor = newSocket();
    WsaOverlapped ov = watch.token();
    if (phase == Phase.CONNECTED_AWAITING_DATA) {
      startAcceptEx(listener, acceptor, WsaBuf.allocate(16), 16, ov);
      jdkClient(localAddress(listener));
      watch.assertNothingYet(ov); // connected, no data: still pending
    } else {
      startAcceptEx(listener, acceptor, null, 0, ov);
    }
    assertFalse(ov.isCompleted(), "pending");
    assertEquals(0, wsa.closesocket(which == Closed.LISTENER ? listener : acceptor));
    if (via == Via.PORT) {
      assertFailurePacket(awaitPacket(watch.port), KEY, ov, ERROR_OPERATION_ABORTED);
    } else {
      awaitEvent(ov.event());
    }
    assertEquals(WSA_OPERATION_ABORTED, ov.internal(), "the token's status");
    if (which == Closed.ACCEPTOR) {
      Result o = await(listener, ov);
      assertFalse(o.ok());
      assertEquals(WSA_OPERATION_ABORTED, o.error(), "getOverlappedResult");
    }
  }

  @Test
  @DisplayName("rule 4: several pre-posted AcceptEx each complete once as clients connect")
  void severalAcceptExEachCompleteOnce() throws Exception {
    WsaSocket listener = listener();
    WsaCompletionPort port = newPort();
    associate(listener, port, KEY);
    int count = 4;
    List<WsaSocket> acceptors = new ArrayList<>();
    List<WsaOverlapped> tokens = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      acceptors.add(newSocket());
      tokens.add(new WsaOverlapped().attach(i));
      startAcceptEx(listener, acceptors.get(i), null, 0, tokens.get(i));
    }
    Set<SocketAddress> clients = new HashSet<>();
    for (int i = 0; i < count; i++) {
      clients.add(jdkClient(localAddress(listener)).getLocalSocketAddress());
    }
    Set<Object> completed = new HashSet<>();
    Set<SocketAddress> peers = new HashSet<>();
    for (int i = 0; i < count; i++) {
      Dequeued d = awaitPacket(port);
      assertSuccessPacket(d, KEY, d.overlapped());
      assertTrue(completed.add(d.overlapped().attachment()), "completed twice: " + d);
      SocketAddress[] peer = new SocketAddress[1];
      assertEquals(0, wsa.getpeername(acceptors.get((Integer) d.overlapped().attachment()), peer));
      peers.add(peer[0]);
    }
    assertEquals(clients, peers, "each client went to exactly one acceptor");
    assertNoPacket(port);
  }

  // -- ConnectEx --

  @ParameterizedTest(name = "rule 18: ConnectEx on {0} socket → WSAEINVAL (scenario 70)")
  @ValueSource(strings = {"an unbound", "a listening"})
  void connectExUnboundOrListening(String which) throws IOException {
    ServerSocket server = jdkServer();
    WsaSocket s = which.equals("an unbound") ? newSocket() : listener();
    WsaOverlapped ov = new WsaOverlapped();
    assertFailsWith(WSAEINVAL, wsa.connectEx(s, server.getLocalSocketAddress(), null, null, ov),
        "connectEx");
    assertTrue(ov.isCompleted(), "the token is not left pending");
  }

  @Test
  @DisplayName("rule 18: ConnectEx on a connected socket → WSAEISCONN (scenario 70)")
  void connectExConnected() throws IOException {
    Conn c = connect();
    assertFailsWith(WSAEISCONN, wsa.connectEx(c.s(), c.peer().getLocalSocketAddress(), null,
        null, new WsaOverlapped()), "connectEx");
  }

  @Test
  @DisplayName("rule 16: ConnectEx with a null overlapped → ERROR_INVALID_PARAMETER (scenario 70)")
  void connectExNullOverlapped() throws IOException {
    ServerSocket server = jdkServer();
    assertFailsWith(ERROR_INVALID_PARAMETER, wsa.connectEx(boundSocket(),
        server.getLocalSocketAddress(), null, null, null), "connectEx");
  }

  @ParameterizedTest(name = "rule 5: ConnectEx with a send buffer connects and sends it all, count = its length (via {0})")
  @EnumSource(Via.class)
  void connectExWithSendBuffer(Via via) throws Exception {
    ServerSocket server = jdkServer();
    WsaSocket s = boundSocket();
    Watch watch = new Watch(via, s);
    byte[] first = randomBytes(3000);
    WsaOverlapped ov = watch.token();
    assertStarted(wsa.connectEx(s, server.getLocalSocketAddress(), WsaBuf.wrap(first), null, ov),
        "connectEx");
    server.setSoTimeout(WAIT_MS);
    Socket peer = track(server.accept());
    assertArrayEquals(first, readFully(peer.getInputStream(), first.length));
    assertEquals(first.length, watch.success(ov));
    SocketAddress[] remote = new SocketAddress[1];
    assertEquals(0, wsa.getpeername(s, remote));
    assertEquals(peer.getLocalSocketAddress(), remote[0]);
  }

  @ParameterizedTest(name = "rule 3: ConnectEx without a send buffer completes with 0 bytes (via {0})")
  @EnumSource(Via.class)
  void connectExWithoutSendBuffer(Via via) throws Exception {
    ServerSocket server = jdkServer();
    WsaSocket s = boundSocket();
    Watch watch = new Watch(via, s);
    WsaOverlapped ov = watch.token();
    assertStarted(wsa.connectEx(s, server.getLocalSocketAddress(), null, null, ov), "connectEx");
    assertEquals(0, watch.success(ov));
    server.setSoTimeout(WAIT_MS);
    Socket peer = track(server.accept());
    byte[] data = randomBytes(20);
    peer.getOutputStream().write(data);
    WsaBuf in = WsaBuf.allocate(20);
    WsaOverlapped recvOv = new WsaOverlapped();
    startRecv(s, recvOv, null, in);
    int n = via == Via.PORT ? assertSuccessPacket(awaitPacket(watch.port), KEY, recvOv)
        : awaitSuccess(s, recvOv);
    assertArrayEquals(Arrays.copyOf(data, n), bytesOf(in, n));
  }

  @ParameterizedTest(name = "rule 14: a refused ConnectEx → WSAECONNREFUSED / ERROR_CONNECTION_REFUSED (via {0})")
  @EnumSource(Via.class)
  void connectExRefused(Via via) throws Exception {
    WsaSocket s = boundSocket();
    Watch watch = new Watch(via, s);
    WsaOverlapped ov = watch.token();
    assertStarted(wsa.connectEx(s, refusingAddress(), null, null, ov), "connectEx");
    watch.failure(ov, WSAECONNREFUSED, ERROR_CONNECTION_REFUSED);
  }

  @Test
  @DisplayName("rule 14: after a refused ConnectEx the socket connects with another ConnectEx (scenario 69)")
  void connectExUsableAfterRefusal() throws Exception {
    WsaSocket s = boundSocket();
    InetSocketAddress bound = localAddress(s);
    WsaOverlapped ov = new WsaOverlapped();
    assertStarted(wsa.connectEx(s, refusingAddress(), null, null, ov), "connectEx");
    Result refused = await(s, ov);
    assertFalse(refused.ok());
    assertEquals(WSAECONNREFUSED, refused.error());

    ServerSocket server = jdkServer();
    byte[] first = randomBytes(10);
    assertStarted(wsa.connectEx(s, server.getLocalSocketAddress(), WsaBuf.wrap(first), null, ov),
        "second connectEx");
    server.setSoTimeout(WAIT_MS);
    Socket peer = track(server.accept());
    assertArrayEquals(first, readFully(peer.getInputStream(), first.length));
    assertEquals(first.length, awaitSuccess(s, ov));
    assertEquals(bound, peer.getRemoteSocketAddress(), "still bound to its address");
  }

  @Test
  @DisplayName("rule 22: ConnectEx into AcceptEx: both complete, each on its own socket's port, and data flows")
  void connectExToAcceptEx() throws Exception {
    WsaSocket listener = listener();
    WsaCompletionPort listenPort = newPort();
    associate(listener, listenPort, 1);
    WsaSocket acceptor = newSocket();
    WsaOverlapped acceptOv = new WsaOverlapped();
    WsaBuf firstIn = WsaBuf.allocateDirect(64);
    startAcceptEx(listener, acceptor, firstIn, 64, acceptOv);

    WsaSocket client = boundSocket();
    WsaCompletionPort clientPort = newPort();
    associate(client, clientPort, 2);
    byte[] hello = randomBytes(33);
    WsaOverlapped connectOv = new WsaOverlapped();
    assertStarted(wsa.connectEx(client, localAddress(listener), WsaBuf.wrap(hello), null,
        connectOv), "connectEx");

    assertEquals(hello.length, assertSuccessPacket(awaitPacket(clientPort), 2, connectOv));
    int n = assertSuccessPacket(awaitPacket(listenPort), 1, acceptOv);
    assertTrue(n > 0, "AcceptEx with a receive buffer completes with data");
    // the first data may arrive in pieces: the rest comes with plain receives
    byte[] all = Arrays.copyOf(bytesOf(firstIn, n), hello.length);
    byte[] rest = recvFully(acceptor, hello.length - n);
    System.arraycopy(rest, 0, all, n, rest.length);
    assertArrayEquals(hello, all);
  }
}
