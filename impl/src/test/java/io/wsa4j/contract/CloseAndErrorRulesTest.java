package io.wsa4j.contract;

import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.WSAECONNABORTED;
import static io.wsa4j.Winsock.WSAECONNREFUSED;
import static io.wsa4j.Winsock.WSAECONNRESET;
import static io.wsa4j.Winsock.WSAENOTSOCK;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static io.wsa4j.Winsock.WSA_IO_PENDING;
import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;
import static io.wsa4j.Winsock.WSA_WAIT_EVENT_0;
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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Rules 12 (closesocket with operations pending) and 14 (connection errors) of API.md. */
@Timeout(30)
class CloseAndErrorRulesTest extends WsaFixture {

  /** Receives and sends left pending on a congested connection whose peer neither sends nor reads. */
  private final class PendingOps {
    final Conn conn = connectCongestible();
    final RoutineLog log = new RoutineLog();
    /** Tokens completing through their events: 2 recvs, then 2 sends (the first one stuck). */
    final List<WsaOverlapped> withEvents = new ArrayList<>();
    /** Tokens completing through {@link #log}: 1 recv, 1 send. */
    final List<WsaOverlapped> withRoutines = new ArrayList<>();
    final WsaOverlapped recv;
    final WsaOverlapped stuckSend;

    PendingOps() throws Exception {
      for (int i = 0; i < 3; i++) {
        WsaOverlapped ov = token();
        RoutineLog routine = i == 2 ? log : null;
        assertPendingNow(startRecv(conn.s(), ov, routine, BufKind.HEAP.make(32)), ov);
        (routine == null ? withEvents : withRoutines).add(ov);
      }
      recv = withEvents.get(0);
      stuckSend = token();
      startStuckSend(conn, stuckSend, null, BufKind.DIRECT);
      withEvents.add(stuckSend);
      for (int i = 0; i < 2; i++) {
        WsaOverlapped ov = token();
        RoutineLog routine = i == 1 ? log : null;
        assertPendingNow(startSend(conn.s(), ov, routine, BufKind.HEAP.holding(randomBytes(100))),
            ov);
        (routine == null ? withEvents : withRoutines).add(ov);
      }
    }

    void closesocket() {
      assertEquals(0, wsa.closesocket(conn.s()), () -> "closesocket: " + lastErrorName());
    }
  }

  @Test
  @DisplayName("rule 12: closesocket aborts every pending recv and send with WSA_OPERATION_ABORTED through its own mechanism")
  void closesocketAbortsEveryPendingOperation() throws Exception {
    PendingOps ops = new PendingOps();
    ops.closesocket();

    WsaEvent[] events = ops.withEvents.stream().map(WsaOverlapped::event).toArray(WsaEvent[]::new);
    int signaled = wsa.waitForMultipleEvents(events.length, events, true, WAIT_MS, false);
    assertTrue(signaled >= WSA_WAIT_EVENT_0 && signaled < WSA_WAIT_EVENT_0 + events.length,
        () -> "not every event was signaled: " + name(signaled) + ", last error " + lastErrorName());
    for (WsaOverlapped ov : ops.withEvents) {
      assertEquals(WSA_OPERATION_ABORTED, ov.internal(), () -> "internal() of " + ov);
    }

    runRoutines(ops.log, ops.withRoutines.size());
    for (RoutineLog.Call call : ops.log.calls) {
      assertEquals(WSA_OPERATION_ABORTED, call.error(), () -> "routine error " + name(call.error()));
      assertSame(Thread.currentThread(), call.thread(), "routine's thread");
      assertTrue(ops.withRoutines.contains(call.overlapped()), "routine's token");
      assertEquals(WSA_OPERATION_ABORTED, call.overlapped().internal(), "internal()");
      assertFalse(call.overlapped().event().isSignaled(), "event of a routine op signaled");
    }
  }

  @ParameterizedTest(name = "rule 12: closesocket wakes a thread waiting for a pending {0} [getOverlappedResult and waitForMultipleEvents]")
  @EnumSource(Op.class)
  void closesocketWakesWaiters(Op op) throws Exception {
    PendingOps ops = new PendingOps();
    WsaOverlapped ov = op == Op.RECV ? ops.recv : ops.stuckSend;
    Background<Integer> resultWaiter = fork("result-waiter", () -> {
      int[] count = {SENTINEL};
      boolean ok = wsa.getOverlappedResult(ops.conn.s(), ov, count, true, null);
      assertFalse(ok, "getOverlappedResult(wait=true) true for an aborted op");
      assertEquals(SENTINEL, count[0], "count written on failure");
      return Wsa.getLastError();
    });
    Background<Integer> eventWaiter = fork("event-waiter",
        () -> wsa.waitForMultipleEvents(1, new WsaEvent[] {ov.event()}, false, WAIT_MS, false));
    resultWaiter.awaitBlockedIn("getOverlappedResult");
    eventWaiter.awaitBlockedIn("waitForMultipleEvents");

    ops.closesocket();
    int error = resultWaiter.get();
    assertEquals(WSA_OPERATION_ABORTED, error, () -> "getOverlappedResult: " + name(error));
    assertEquals(WSA_WAIT_EVENT_0, eventWaiter.get(), "waitForMultipleEvents");
  }

  /** A call made with the socket after closesocket. */
  enum LaterCall {
    RECV, SEND, GET_OVERLAPPED_RESULT, CLOSESOCKET
  }

  @ParameterizedTest(name = "rule 12: after closesocket with operations pending, {0} with that socket fails with WSAENOTSOCK")
  @EnumSource(LaterCall.class)
  void laterCallsFailWithNotSock(LaterCall call) throws Exception {
    PendingOps ops = new PendingOps();
    ops.closesocket();
    WsaSocket s = ops.conn.s();
    WsaOverlapped fresh = token();
    int[] count = {SENTINEL};
    WsaBuf[] bufs = {BufKind.HEAP.make(8)};

    int rc;
    switch (call) {
      case RECV -> rc = wsa.recv(s, bufs, 1, count, new int[] {0}, fresh, null);
      case SEND -> rc = wsa.send(s, bufs, 1, count, 0, fresh, null);
      case GET_OVERLAPPED_RESULT -> {
        awaitSignaled(ops.recv.event());
        rc = wsa.getOverlappedResult(s, ops.recv, count, false, null) ? 0 : SOCKET_ERROR;
      }
      default -> rc = wsa.closesocket(s);
    }
    assertFailsWith(WSAENOTSOCK, rc, call + " after closesocket");
    assertEquals(SENTINEL, count[0], "count written");
    assertFalse(fresh.event().isSignaled(), "a refused call signaled its event");
  }

  /** Where a peer reset is observed. */
  enum ResetPath {
    GET_OVERLAPPED_RESULT, COMPLETION_ROUTINE, BLOCKING_RECV
  }

  @ParameterizedTest(name = "rule 14: a peer reset is reported as WSAECONNRESET [{0}]")
  @EnumSource(ResetPath.class)
  void peerResetIsConnReset(ResetPath path) throws Exception {
    Conn c = connect();
    WsaBuf buf = BufKind.HEAP.prefilled(16);
    switch (path) {
      case GET_OVERLAPPED_RESULT -> {
        WsaOverlapped ov = token();
        assertPendingNow(startRecv(c.s(), ov, null, buf), ov);
        c.resetPeer();
        awaitSignaled(ov.event());
        int error = awaitFailure(c.s(), ov);
        assertEquals(WSAECONNRESET, error, () -> "getOverlappedResult: " + name(error));
      }
      case COMPLETION_ROUTINE -> {
        WsaOverlapped ov = token();
        RoutineLog log = new RoutineLog();
        assertPendingNow(startRecv(c.s(), ov, log, buf), ov);
        c.resetPeer();
        runRoutines(log, 1);
        int error = log.only().error();
        assertEquals(WSAECONNRESET, error, () -> "routine's error: " + name(error));
        assertEquals(WSAECONNRESET, ov.internal(), "internal()");
      }
      default -> {
        Background<Integer> receiver = fork("blocking-recv", () -> {
          int[] count = {SENTINEL};
          int rc = wsa.recv(c.s(), new WsaBuf[] {buf}, 1, count, new int[] {0}, null, null);
          assertEquals(SOCKET_ERROR, rc, "blocking recv into a reset connection");
          assertEquals(SENTINEL, count[0], "count written on failure");
          return Wsa.getLastError();
        });
        receiver.awaitBlockedIn("recv");
        c.resetPeer();
        int error = receiver.get();
        assertEquals(WSAECONNRESET, error, () -> "blocking recv: " + name(error));
      }
    }
    filledInOrder(0, buf);
  }

  @ParameterizedTest(name = "rule 14: a {0} send into a reset connection fails with WSAECONNRESET or WSAECONNABORTED")
  @EnumSource(SendStyle.class)
  void sendIntoResetConnectionFails(SendStyle style) throws Exception {
    Conn c = connect();
    WsaOverlapped recv = token();
    assertPendingNow(startRecv(c.s(), recv, null, BufKind.HEAP.make(8)), recv);
    c.resetPeer();
    assertEquals(WSAECONNRESET, awaitFailure(c.s(), recv), "the reset reached the socket");

    WsaBuf[] bufs = {BufKind.HEAP.holding(randomBytes(1000))};
    int[] count = {SENTINEL};
    WsaOverlapped ov = style == SendStyle.OVERLAPPED ? token() : null;
    int rc = wsa.send(c.s(), bufs, 1, count, 0, ov, null);
    int error = Wsa.getLastError();
    assertEquals(SOCKET_ERROR, rc, "send into a reset connection returned success");
    assertEquals(SENTINEL, count[0], "count written on failure");
    int reported = ov != null && error == WSA_IO_PENDING ? awaitFailure(c.s(), ov) : error;
    assertTrue(Set.of(WSAECONNRESET, WSAECONNABORTED).contains(reported),
        () -> "send error " + name(reported));
  }

  /** How a send is made. */
  enum SendStyle {
    OVERLAPPED, BLOCKING
  }

  @Test
  @DisplayName("rule 14: connect to a loopback port with no listener fails with WSAECONNREFUSED")
  void connectToClosedPortIsRefused() throws Exception {
    InetSocketAddress nobody;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      nobody = (InetSocketAddress) probe.getLocalSocketAddress();
    }
    WsaSocket s = newSocket(WSA_FLAG_OVERLAPPED);
    assertFailsWith(WSAECONNREFUSED, wsa.connect(s, nobody), "connect to " + nobody);
  }
}
