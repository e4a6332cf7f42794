package io.wsa4j.contract;

import static io.wsa4j.Winsock.WSAECONNRESET;
import static io.wsa4j.Winsock.WSA_WAIT_IO_COMPLETION;
import static io.wsa4j.Winsock.WSA_WAIT_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rule 9 of API.md: completion routines run on the issuing thread, FIFO, only in its alertable
 * waits. One I/O thread, so that operations completed one after the other are also queued one
 * after the other (the contract orders the routines by queueing, which is not otherwise visible).
 */
@Timeout(30)
class CompletionRoutineRulesTest extends WsaFixture {

  @Override
  protected WsaConfig config() {
    return WsaConfig.builder().ioThreads(1).build();
  }

  /** The two alertable waits that run routines. */
  enum AlertableWait {
    SLEEP_EX {
      @Override
      int await(Wsa wsa, WsaEvent unrelated, int timeoutMillis, boolean alertable) {
        return wsa.sleepEx(timeoutMillis, alertable);
      }

      @Override
      int timedOut() {
        return 0;
      }
    },
    WAIT_FOR_MULTIPLE_EVENTS {
      @Override
      int await(Wsa wsa, WsaEvent unrelated, int timeoutMillis, boolean alertable) {
        return wsa.waitForMultipleEvents(1, new WsaEvent[] {unrelated}, false, timeoutMillis,
            alertable);
      }

      @Override
      int timedOut() {
        return WSA_WAIT_TIMEOUT;
      }
    };

    abstract int await(Wsa wsa, WsaEvent unrelated, int timeoutMillis, boolean alertable);

    /** What the wait returns when it ends without routines or events. */
    abstract int timedOut();
  }

  @ParameterizedTest(name = "rule 9: a routine runs on the issuing thread only in an alertable wait, which returns WSA_WAIT_IO_COMPLETION [{0}]")
  @EnumSource(AlertableWait.class)
  void routineRunsOnlyInAlertableWait(AlertableWait wait) throws Exception {
    Conn c = connect();
    WsaEvent unrelated = event();
    WsaOverlapped ov = token();
    RoutineLog log = new RoutineLog();
    startRecv(c.s(), ov, log, BufKind.HEAP.make(32));
    byte[] sent = randomBytes(6);
    c.peerSend(sent, Pacing.BULK);
    awaitCompleted(ov);

    assertEquals(0, log.count(), "routine ran outside any wait");
    assertEquals(wait.timedOut(), wait.await(wsa, unrelated, NEGATIVE_WINDOW_MS, false),
        "non-alertable wait");
    assertEquals(0, log.count(), "routine ran in a non-alertable wait");

    assertEquals(WSA_WAIT_IO_COMPLETION, wait.await(wsa, unrelated, WAIT_MS, true),
        "alertable wait");
    RoutineLog.Call call = log.only();
    assertSame(Thread.currentThread(), call.thread(), "routine's thread");
    assertSame(ov, call.overlapped(), "routine's token");
    assertEquals(0, call.error(), "routine's error");
    assertEquals(ov.internalHigh(), call.bytes(), "routine's byte count");
    assertTrue(call.bytes() >= 1 && call.bytes() <= sent.length, "count " + call.bytes());
    assertEquals(0, call.flags(), "routine's flags");

    assertEquals(wait.timedOut(), wait.await(wsa, unrelated, 0, true), "second alertable wait");
    assertEquals(1, log.count(), "a routine ran twice");
  }

  @Test
  @DisplayName("rule 9: a routine never runs on a thread other than the issuer, even an alertable one")
  void routineRunsOnlyOnTheIssuingThread() throws Exception {
    Conn c = connect();
    RoutineLog log = new RoutineLog();
    WsaOverlapped ov = token();
    CountDownLatch posted = new CountDownLatch(1);
    CountDownLatch mayWait = new CountDownLatch(1);
    Background<Integer> issuer = fork("issuer", () -> {
      startRecv(c.s(), ov, log, BufKind.HEAP.make(16));
      posted.countDown();
      mayWait.await();
      return wsa.sleepEx(WAIT_MS, true);
    });
    posted.await();
    c.peerSend(randomBytes(5), Pacing.BULK);
    awaitCompleted(ov);

    assertNoRoutineRuns(log);
    mayWait.countDown();
    assertEquals(WSA_WAIT_IO_COMPLETION, issuer.get(), "issuer's alertable sleepEx");
    assertSame(issuer.thread, log.only().thread(), "routine's thread");
  }

  @Test
  @DisplayName("rule 9: routines queued to one thread run in the order they were queued")
  void routinesRunFifo() throws Exception {
    Conn c = connect();
    RoutineLog log = new RoutineLog();
    List<WsaOverlapped> order = new ArrayList<>();
    byte[] sent = randomBytes(5);
    for (byte b : sent) {
      WsaOverlapped ov = token();
      startRecv(c.s(), ov, log, BufKind.HEAP.make(8));
      c.peerSend(new byte[] {b}, Pacing.BULK);
      awaitCompleted(ov);
      order.add(ov);
    }

    runRoutines(log, order.size());
    for (int i = 0; i < order.size(); i++) {
      RoutineLog.Call call = log.calls.get(i);
      assertSame(order.get(i), call.overlapped(), "routine #" + i + " ran out of order");
      assertEquals(1, call.bytes(), "count of recv #" + i);
      assertSame(Thread.currentThread(), call.thread(), "routine's thread");
    }
  }

  @Test
  @DisplayName("rule 9: a failed operation's routine receives the Winsock error code")
  void failedOperationRoutineGetsWinsockCode() throws Exception {
    Conn c = connect();
    RoutineLog log = new RoutineLog();
    WsaOverlapped ov = token();
    assertPendingNow(startRecv(c.s(), ov, log, BufKind.HEAP.make(8)), ov);

    c.resetPeer();
    runRoutines(log, 1);
    RoutineLog.Call call = log.only();
    assertEquals(WSAECONNRESET, call.error(), () -> "routine's error " + name(call.error()));
    assertEquals(WSAECONNRESET, ov.internal(), "internal()");
    assertSame(ov, call.overlapped(), "routine's token");
    assertSame(Thread.currentThread(), call.thread(), "routine's thread");
    assertEquals(0, call.flags(), "routine's flags");
  }

  @Test
  @DisplayName("rule 9: when the issuing thread has ended, the operation still completes and its routine is dropped")
  void issuerGoneOperationCompletesWithoutRoutine() throws Exception {
    Conn c = connect();
    RoutineLog log = new RoutineLog();
    WsaOverlapped ov = new WsaOverlapped();
    Background<Start> issuer = fork("short-lived-issuer",
        () -> startRecv(c.s(), ov, log, BufKind.HEAP.make(16)));
    issuer.get();
    issuer.thread.join();

    byte[] sent = randomBytes(3);
    c.peerSend(sent, Pacing.BULK);
    int n = awaitSuccess(c.s(), ov);
    assertTrue(n >= 1 && n <= sent.length, "count " + n);
    assertNoRoutineRuns(log);
    assertEquals(0, log.count(), "routine of an ended thread ran");
  }
}
