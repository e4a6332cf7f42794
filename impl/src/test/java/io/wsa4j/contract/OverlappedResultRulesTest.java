package io.wsa4j.contract;

import static io.wsa4j.Winsock.STATUS_PENDING;
import static io.wsa4j.Winsock.WSAECONNRESET;
import static io.wsa4j.Winsock.WSA_IO_INCOMPLETE;
import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaOverlapped;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Rules 10 and 11 of API.md: {@code getOverlappedResult} without and with waiting. */
@Timeout(30)
class OverlappedResultRulesTest extends WsaFixture {

  /** An operation that stays pending until {@link #finish()} lets it complete. */
  private final class PendingOp {
    final Op op;
    final Conn conn;
    final WsaOverlapped ov = token();
    final byte[] data;
    private Background<byte[]> drained;

    PendingOp(Op op) throws Exception {
      this.op = op;
      if (op == Op.RECV) {
        conn = connect();
        data = randomBytes(9);
        assertPendingNow(startRecv(conn.s(), ov, null, BufKind.HEAP.make(64)), ov);
      } else {
        conn = connectCongestible();
        data = startStuckSend(conn, ov, null, BufKind.DIRECT);
      }
    }

    /** Lets the operation complete: the peer sends (recv) or reads everything (send). */
    void finish() throws Exception {
      if (op == Op.RECV) {
        conn.peerSend(data, Pacing.BULK);
      } else {
        drained = drain(conn.peer(), data.length, Pacing.BULK, new AtomicLong());
      }
    }

    /** Checks the count reported for the finished operation. */
    void assertCount(int n) throws Exception {
      if (op == Op.RECV) {
        assertTrue(n >= 1 && n <= data.length, "recv count " + n);
      } else {
        assertEquals(data.length, n, "send count");
        assertBytes(data, drained.get(), "bytes at the peer");
      }
    }
  }

  /** The outcome of a getOverlappedResult call made on another thread. */
  record Result(boolean ok, int lastError, int count, int flags) {}

  private Result getOverlappedResult(Conn c, WsaOverlapped ov, boolean wait) {
    int[] count = {SENTINEL};
    int[] flags = {SENTINEL};
    boolean ok = wsa.getOverlappedResult(c.s(), ov, count, wait, flags);
    return new Result(ok, Wsa.getLastError(), count[0], flags[0]);
  }

  @ParameterizedTest(name = "rule 10: getOverlappedResult(wait=false) on a pending {0} is false with WSA_IO_INCOMPLETE, count unwritten")
  @EnumSource(Op.class)
  void noWaitOnPendingIsIncomplete(Op kind) throws Exception {
    PendingOp op = new PendingOp(kind);

    Result r = getOverlappedResult(op.conn, op.ov, false);
    assertFalse(r.ok(), "getOverlappedResult(wait=false) on a pending op returned true");
    assertEquals(WSA_IO_INCOMPLETE, r.lastError(), () -> "last error " + name(r.lastError()));
    assertEquals(SENTINEL, r.count(), "count written");
    assertEquals(STATUS_PENDING, op.ov.internal(), "internal() after the query");

    op.finish();
    op.assertCount(awaitSuccess(op.conn.s(), op.ov));
  }

  @ParameterizedTest(name = "rule 11: getOverlappedResult(wait=true) blocks until the {0} is done, then is true with the count")
  @EnumSource(Op.class)
  void waitBlocksUntilDone(Op kind) throws Exception {
    PendingOp op = new PendingOp(kind);
    Background<Result> waiter = fork("waiter", () -> getOverlappedResult(op.conn, op.ov, true));
    waiter.awaitBlockedIn("getOverlappedResult");

    op.finish();
    Result r = waiter.get();
    assertTrue(r.ok(), () -> "getOverlappedResult(wait=true): " + name(r.lastError()));
    assertEquals(op.ov.internalHigh(), r.count(), "count vs internalHigh()");
    assertEquals(0, r.flags(), "flags out-parameter");
    op.assertCount(r.count());
  }

  /** How a pending recv is made to fail, and the error it must report. */
  enum Failure {
    PEER_RESET(WSAECONNRESET),
    CLOSESOCKET(WSA_OPERATION_ABORTED);

    final int error;

    Failure(int error) {
      this.error = error;
    }
  }

  @ParameterizedTest(name = "rule 11: getOverlappedResult(wait=true) is false with the operation's error, count unwritten [{0}]")
  @EnumSource(Failure.class)
  void waitReportsTheOperationsError(Failure failure) throws Exception {
    PendingOp op = new PendingOp(Op.RECV);
    Background<Result> waiter = fork("waiter", () -> getOverlappedResult(op.conn, op.ov, true));
    waiter.awaitBlockedIn("getOverlappedResult");

    if (failure == Failure.PEER_RESET) {
      op.conn.resetPeer();
    } else {
      assertEquals(0, wsa.closesocket(op.conn.s()), () -> "closesocket: " + lastErrorName());
    }
    Result r = waiter.get();
    assertFalse(r.ok(), "getOverlappedResult(wait=true) returned true for a failed op");
    assertEquals(failure.error, r.lastError(), () -> "last error " + name(r.lastError()));
    assertEquals(SENTINEL, r.count(), "count written on failure");
    assertEquals(failure.error, op.ov.internal(), "internal()");
  }

  @Test
  @DisplayName("rule 11: getOverlappedResult(wait=true) is not alertable: queued routines do not run in it")
  void waitIsNotAlertable() throws Exception {
    Conn c = connect();
    RoutineLog log = new RoutineLog();
    WsaOverlapped withRoutine = token();
    startRecv(c.s(), withRoutine, log, BufKind.HEAP.make(4));
    c.peerSend(randomBytes(1), Pacing.BULK);
    awaitCompleted(withRoutine); // its routine is now queued to this thread

    WsaOverlapped withEvent = token();
    startRecv(c.s(), withEvent, null, BufKind.HEAP.make(4));
    byte[] second = randomBytes(2);
    c.peerSend(second, Pacing.BULK);
    int[] count = {SENTINEL};
    assertTrue(wsa.getOverlappedResult(c.s(), withEvent, count, true, null),
        () -> "getOverlappedResult(wait=true): " + lastErrorName());
    assertTrue(count[0] >= 1 && count[0] <= second.length, "count " + count[0]);
    assertEquals(0, log.count(), "a routine ran inside getOverlappedResult(wait=true)");

    runRoutines(log, 1);
    assertSame(withRoutine, log.only().overlapped(), "routine's token");
  }
}
