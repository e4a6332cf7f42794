package io.wsa4j.faults;

import static io.wsa4j.Winsock.ERROR_ABANDONED_WAIT_0;
import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.WSANOTINITIALISED;
import static io.wsa4j.Winsock.WSA_INFINITE;
import static io.wsa4j.Winsock.WSA_INVALID_HANDLE;
import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;
import static io.wsa4j.Winsock.WSA_WAIT_FAILED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaOverlappedEntry;
import io.wsa4j.WsaSocket;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code WSACleanup} while threads wait in every wait function: each returns promptly with its
 * documented failure value, except {@code SleepEx}, a kernel32 call that keeps sleeping and
 * returns normally at its timeout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CleanupWhileWaitingTest extends WsaFixture {
  private static final int SLEEP_MS = 1500;

  /** What a waiting thread got: its return value and last error, and when it returned. */
  record Outcome(Object value, int lastError, long returnedNanos) {}

  @Test
  void cleanupReleasesEveryWaiterWithItsFailureValueAndSleepExSleepsOn() throws Exception {
    Wsa wsa = startup();
    WsaEvent event = wsa.createEvent();
    WsaEvent alertEvent = wsa.createEvent();
    WsaCompletionPort port = wsa.createIoCompletionPort(null, null, 0, 0);
    WsaCompletionPort portEx = wsa.createIoCompletionPort(null, null, 0, 0);
    assertNotNull(port);
    assertNotNull(portEx);
    Conn pendingOv = connect(wsa, false);
    WsaOverlapped token = new WsaOverlapped();
    mustStart(recvOv(wsa, pendingOv.s(), WsaBuf.allocate(100), token, null), "recv");
    Conn blockingRecv = connect(wsa, false);
    Conn blockingSend = connect(wsa, true);
    SocketAddress[] listenAt = {null};
    WsaSocket listener = listen(wsa, listenAt);

    Map<String, Supplier<Object>> calls = new LinkedHashMap<>();
    calls.put("waitForMultipleEvents", () -> wsa.waitForMultipleEvents(1,
        new WsaEvent[] {event}, false, WSA_INFINITE, false));
    calls.put("waitForMultipleEvents(alertable)", () -> wsa.waitForMultipleEvents(1,
        new WsaEvent[] {alertEvent}, false, WSA_INFINITE, true));
    calls.put("sleepEx", () -> {
      long start = System.nanoTime();
      int r = wsa.sleepEx(SLEEP_MS, true);
      return new long[] {r, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)};
    });
    calls.put("getOverlappedResult(wait)", () -> wsa.getOverlappedResult(pendingOv.s(), token,
        new int[1], true, null));
    calls.put("getQueuedCompletionStatus", () -> wsa.getQueuedCompletionStatus(port, new int[1],
        new long[1], new WsaOverlapped[1], WSA_INFINITE));
    calls.put("getQueuedCompletionStatusEx", () -> wsa.getQueuedCompletionStatusEx(portEx,
        new WsaOverlappedEntry[4], 4, new int[1], WSA_INFINITE, false));
    calls.put("recv(blocking)", () -> wsa.recv(blockingRecv.s(),
        new WsaBuf[] {WsaBuf.allocate(100)}, 1, new int[1], new int[1], null, null));
    calls.put("send(blocking)", () -> wsa.send(blockingSend.s(),
        new WsaBuf[] {WsaBuf.allocateDirect(16 << 20)}, 1, new int[1], 0, null, null));
    calls.put("accept", () -> wsa.accept(listener, null));

    Map<String, Outcome> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
    List<Thread> threads = new ArrayList<>();
    for (Map.Entry<String, Supplier<Object>> call : calls.entrySet()) {
      Thread t = daemon(call.getKey(), () -> {
        Object value = call.getValue().get();
        outcomes.put(call.getKey(), new Outcome(value, Wsa.getLastError(), System.nanoTime()));
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      awaitBlocked(t);
    }
    assertEquals(0, wsa.cleanup(), lastError("cleanup"));
    for (Thread t : threads) {
      join(t);
    }

    for (String call : calls.keySet()) {
      assertNotNull(outcomes.get(call), call + " did not return");
    }
    assertWaitFailed(outcomes.get("waitForMultipleEvents"));
    assertWaitFailed(outcomes.get("waitForMultipleEvents(alertable)"));
    assertFailedWith(false, ERROR_ABANDONED_WAIT_0, outcomes.get("getQueuedCompletionStatus"));
    assertFailedWith(false, ERROR_ABANDONED_WAIT_0, outcomes.get("getQueuedCompletionStatusEx"));
    assertFailedWith(false, WSA_OPERATION_ABORTED, outcomes.get("getOverlappedResult(wait)"));
    assertEquals(WSA_OPERATION_ABORTED, token.internal(), "the pending receive's status");
    assertFailedWith(SOCKET_ERROR, WSA_OPERATION_ABORTED, outcomes.get("recv(blocking)"));
    assertFailedWith(SOCKET_ERROR, WSA_OPERATION_ABORTED, outcomes.get("send(blocking)"));
    assertFailedWith(WsaSocket.INVALID_SOCKET, WSA_OPERATION_ABORTED, outcomes.get("accept"));

    long[] sleep = (long[]) outcomes.get("sleepEx").value();
    assertEquals(0, sleep[0], "sleepEx returns normally: it is a kernel32 call, not Winsock");
    assertTrue(sleep[1] >= SLEEP_MS - 5,
        "sleepEx ended after " + sleep[1] + " ms, before its timeout of " + SLEEP_MS + " ms");
    assertEquals(WSANOTINITIALISED, wsa.cleanup() == SOCKET_ERROR ? Wsa.getLastError() : 0,
        "a second cleanup");
    assertNull(wsa.createEvent(), "createEvent after cleanup");
  }

  private static void assertWaitFailed(Outcome o) {
    assertEquals(WSA_WAIT_FAILED, o.value(), "waitForMultipleEvents' value");
    assertEquals(WSA_INVALID_HANDLE, o.lastError(), () -> "last error " + name(o.lastError()));
  }

  private static void assertFailedWith(Object value, int code, Outcome o) {
    assertEquals(value, o.value(), "return value");
    assertEquals(code, o.lastError(), () -> "last error " + name(o.lastError()));
  }
}
