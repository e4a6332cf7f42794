package io.wsa4j.contract;

import static io.wsa4j.Winsock.STATUS_PENDING;
import static io.wsa4j.Winsock.WSAENOTCONN;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static io.wsa4j.Winsock.WSA_WAIT_IO_COMPLETION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Rules 2 and 3 of API.md: how and when completion is indicated. */
@Timeout(30)
class CompletionIndicationRulesTest extends WsaFixture {

  static Stream<Arguments> opsAndMechanisms() {
    return Arrays.stream(Op.values())
        .flatMap(op -> Arrays.stream(Mechanism.values()).map(m -> Arguments.of(op, m)));
  }

  @ParameterizedTest(name = "rule 2: a call that can complete at once either returns 0 already indicated, or pending [{0}, {1}]")
  @MethodSource("opsAndMechanisms")
  void immediateCompletionIsAlreadyIndicated(Op op, Mechanism mechanism) throws Exception {
    Conn c = connect();
    byte[] data = randomBytes(8);
    WsaBuf buf;
    if (op == Op.RECV) {
      c.peerSend(data, Pacing.BULK);
      WsaBuf first = BufKind.HEAP.prefilled(1);
      assertEquals(1, recvOverlapped(c.s(), token(), first), "first byte");
      buf = BufKind.HEAP.prefilled(data.length); // the other 7 bytes are now in the socket
    } else {
      buf = BufKind.HEAP.holding(data);
    }
    WsaOverlapped ov = token();
    RoutineLog log = new RoutineLog();
    WsaBuf[] bufs = {buf};
    Start start = op == Op.RECV
        ? startRecv(c.s(), ov, mechanism == Mechanism.ROUTINE ? log : null, bufs)
        : startSend(c.s(), ov, mechanism == Mechanism.ROUTINE ? log : null, bufs);

    if (start.immediate()) {
      if (mechanism == Mechanism.EVENT) {
        assertTrue(ov.event().isSignaled(), "returned 0 but the event is not signaled yet");
      } else {
        assertEquals(WSA_WAIT_IO_COMPLETION, wsa.sleepEx(0, true),
            "returned 0 but no routine is queued yet");
      }
    } else if (mechanism == Mechanism.EVENT) {
      awaitSignaled(ov.event());
    } else {
      runRoutines(log, 1);
    }
    int n = (int) ov.internalHigh();
    assertEquals(0, ov.internal(), "internal()");
    if (start.immediate()) {
      assertEquals(start.count(), n, "count at return vs internalHigh()");
    }
    if (mechanism == Mechanism.ROUTINE) {
      assertEquals(n, log.only().bytes(), "routine's byte count");
    }
    if (op == Op.SEND) {
      assertEquals(data.length, n, "send count");
      assertBytes(data, c.peerReadBytes(data.length), "bytes at the peer");
    } else {
      assertTrue(n >= 1 && n <= data.length - 1, "recv count " + n);
      assertBytes(Arrays.copyOfRange(data, 1, 1 + n), filledInOrder(n, buf), "received bytes");
    }
  }

  @ParameterizedTest(name = "rule 3: status and count are written before the completion is indicated [{0}, peer {1}]")
  @MethodSource("mechanismsAndPacings")
  void statusIsWrittenBeforeTheIndication(Mechanism mechanism, Pacing pacing) throws Exception {
    Conn c = connect();
    byte[] sent = randomBytes(300);
    WsaOverlapped ov = token();
    WsaBuf buf = BufKind.DIRECT.make(16);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    long peerSent = 0;

    while (got.size() < sent.length) {
      prefill(buf);
      RoutineLog log = new RoutineLog();
      startRecv(c.s(), ov, mechanism == Mechanism.ROUTINE ? log : null, buf);
      if (peerSent == got.size()) {
        int chunk = Math.min(1 + rnd.nextInt(24), sent.length - got.size());
        c.peerSend(Arrays.copyOfRange(sent, got.size(), got.size() + chunk), pacing);
        peerSent += chunk;
      }
      int n;
      if (mechanism == Mechanism.EVENT) {
        awaitSignaled(ov.event());
        assertTrue(ov.isCompleted(),
            "event signaled while the token is pending (signaled before the status was written,"
                + " or not reset when the recv started)");
        assertEquals(0, ov.internal(), "internal() when the event is signaled");
        n = (int) ov.internalHigh();
      } else {
        runRoutines(log, 1);
        RoutineLog.Call call = log.only();
        assertEquals(0, call.internalInside(), "internal() seen inside the routine");
        assertEquals(call.bytes(), call.internalHighInside(), "internalHigh() inside the routine");
        n = call.bytes();
      }
      assertTrue(n >= 1 && n <= peerSent - got.size(), "count " + n);
      got.writeBytes(filledInOrder(n, buf));
    }
    assertBytes(sent, got.toByteArray(), "received stream");
  }

  static Stream<Arguments> mechanismsAndPacings() {
    return Arrays.stream(Mechanism.values())
        .flatMap(m -> Arrays.stream(Pacing.values()).map(p -> Arguments.of(m, p)));
  }

  @Test
  @DisplayName("rule 3: starting an overlapped recv resets its event")
  void startingAnOperationResetsItsEvent() throws Exception {
    Conn c = connect();
    WsaOverlapped ov = token();
    assertTrue(wsa.setEvent(ov.event()), "setEvent");
    assertTrue(ov.event().isSignaled(), "event set before the call");

    assertPendingNow(startRecv(c.s(), ov, null, BufKind.HEAP.make(8)), ov);
    assertFalse(ov.event().isSignaled(), "a pending recv left its event signaled");

    c.peerSend(randomBytes(3), Pacing.BULK);
    awaitSignaled(ov.event());
  }

  @ParameterizedTest(name = "rule 3: with a completion routine the token's event is not signaled [{0}]")
  @EnumSource(Op.class)
  void routineCompletionLeavesTheEventAlone(Op op) throws Exception {
    Conn c = connect();
    WsaOverlapped ov = token();
    RoutineLog log = new RoutineLog();
    byte[] data = randomBytes(4);
    if (op == Op.RECV) {
      startRecv(c.s(), ov, log, BufKind.HEAP.make(8));
      c.peerSend(data, Pacing.BULK);
    } else {
      startSend(c.s(), ov, log, BufKind.HEAP.holding(data));
    }
    runRoutines(log, 1);

    assertSame(ov, log.only().overlapped(), "routine's token");
    assertTrue(ov.isCompleted(), "token completed");
    assertFalse(ov.event().isSignaled(), "the event was signaled although a routine was given");
    assertEquals(op == Op.RECV ? ov.internalHigh() : data.length, log.only().bytes(), "count");
  }

  @ParameterizedTest(name = "rule 3: a call that fails at once gives no completion indication [{0}]")
  @EnumSource(Op.class)
  void immediateFailureIndicatesNothing(Op op) {
    WsaSocket unconnected = newSocket(WSA_FLAG_OVERLAPPED);
    WsaOverlapped withEvent = token();
    WsaOverlapped withRoutine = token();
    RoutineLog log = new RoutineLog();

    for (WsaOverlapped ov : new WsaOverlapped[] {withEvent, withRoutine}) {
      int[] count = {SENTINEL};
      WsaBuf[] bufs = {BufKind.HEAP.make(8)};
      RoutineLog routine = ov == withRoutine ? log : null;
      int rc = op == Op.RECV
          ? wsa.recv(unconnected, bufs, 1, count, new int[] {0}, ov, routine)
          : wsa.send(unconnected, bufs, 1, count, 0, ov, routine);
      assertFailsWith(WSAENOTCONN, rc, op + " on an unconnected socket");
      assertEquals(SENTINEL, count[0], "count written by a failed call");
      assertTrue(ov.internal() != STATUS_PENDING, "a failed call left its token pending");
    }
    assertNoRoutineRuns(log);
    assertFalse(withEvent.event().isSignaled(), "a failed call signaled its event");
    assertFalse(withRoutine.event().isSignaled(), "a failed call signaled its event");
  }
}
