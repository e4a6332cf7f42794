package io.wsa4j.faults;

import static io.wsa4j.Winsock.ERROR_CONNECTION_ABORTED;
import static io.wsa4j.Winsock.ERROR_NETNAME_DELETED;
import static io.wsa4j.Winsock.WAIT_TIMEOUT;
import static io.wsa4j.Winsock.WSAECONNABORTED;
import static io.wsa4j.Winsock.WSAECONNRESET;
import static io.wsa4j.Winsock.WSA_WAIT_EVENT_0;
import static io.wsa4j.Winsock.WSA_WAIT_IO_COMPLETION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import io.wsa4j.testkit.WsaFixture.CountingToken;

/**
 * The three ways an overlapped operation announces its completion, so one fault test runs against
 * each: the token's event, a completion routine run in an alertable wait, a completion-port packet.
 * Routines and packets are counted, so a second announcement fails the test; an event can only be
 * seen signaled, so for it the token's status must agree with {@code getOverlappedResult}.
 */
enum Indication {
  EVENT, ROUTINE, PORT;

  /** Prepares {@code s} for this mode; returns its port (PORT) or null. */
  WsaCompletionPort prepare(Wsa wsa, WsaSocket s) {
    if (this != PORT) {
      return null;
    }
    WsaCompletionPort port = wsa.createIoCompletionPort(s, null, 7, 0);
    assertNotNull(port, WsaFixture.lastError("CreateIoCompletionPort"));
    return port;
  }

  CountingToken token(Wsa wsa) {
    if (this == EVENT) {
      WsaEvent e = wsa.createEvent();
      assertNotNull(e, WsaFixture.lastError("createEvent"));
      return new CountingToken(e);
    }
    return new CountingToken();
  }

  WsaCompletionRoutine routine() {
    return this == ROUTINE ? WsaFixture.COUNTING_ROUTINE : null;
  }

  /**
   * Waits (bounded) for the announcement of {@code t} and returns its Winsock status and count as
   * the mechanism reported them. Must run on the issuing thread for ROUTINE.
   */
  int[] await(Wsa wsa, WsaSocket s, WsaCompletionPort port, CountingToken t) {
    long deadline = System.nanoTime() + WsaFixture.WAIT_MS * 1_000_000L;
    switch (this) {
      case EVENT -> {
        assertEquals(WSA_WAIT_EVENT_0, wsa.waitForMultipleEvents(1,
            new WsaEvent[] {t.event()}, false, (int) WsaFixture.WAIT_MS, false),
            "the token's event was not signaled");
        assertTrue(t.isCompleted(), "event signaled before the status was written");
        int[] n = {-1};
        boolean ok = wsa.getOverlappedResult(s, t, n, false, null);
        int status = ok ? 0 : Wsa.getLastError();
        assertEquals(t.internal(), status, "getOverlappedResult and internal() disagree");
        return new int[] {status, ok ? n[0] : 0};
      }
      case ROUTINE -> {
        while (t.routineCalls.get() == 0) {
          if (System.nanoTime() > deadline) {
            fail("the completion routine did not run within " + WsaFixture.WAIT_MS + " ms");
          }
          int r = wsa.sleepEx(100, true);
          assertTrue(r == 0 || r == WSA_WAIT_IO_COMPLETION, "sleepEx returned " + r);
        }
        assertEquals(t.internal(), t.routineError, "routine's error and internal() disagree");
        return new int[] {t.routineError, t.routineBytes};
      }
      default -> {
        int[] n = {-1};
        long[] key = {-1};
        WsaOverlapped[] ov = {null};
        boolean ok = wsa.getQueuedCompletionStatus(port, n, key, ov, (int) WsaFixture.WAIT_MS);
        int err = ok ? 0 : Wsa.getLastError();
        assertNotNull(ov[0], () -> "no packet: " + WsaFixture.name(err));
        assertSame(t, ov[0], "a packet for another token");
        t.packets.incrementAndGet();
        return new int[] {winsockOf(err), n[0]};
      }
    }
  }

  /** No second announcement of {@code t} comes within a short window. */
  void assertNoMore(Wsa wsa, WsaCompletionPort port, CountingToken t) {
    switch (this) {
      case ROUTINE -> {
        assertEquals(0, wsa.sleepEx(100, true), "a routine ran again");
        assertEquals(1, t.routineCalls.get(), "routine calls for one operation");
      }
      case PORT -> {
        WsaOverlapped[] ov = {null};
        assertFalse(wsa.getQueuedCompletionStatus(port, new int[1], new long[1], ov, 100),
            "a second packet");
        assertEquals(WAIT_TIMEOUT, Wsa.getLastError());
      }
      default -> assertTrue(t.isCompleted());
    }
  }

  /** The Winsock code a completion port's Win32 code stands for. */
  static int winsockOf(int win32) {
    return switch (win32) {
      case ERROR_NETNAME_DELETED -> WSAECONNRESET;
      case ERROR_CONNECTION_ABORTED -> WSAECONNABORTED;
      default -> win32;
    };
  }
}
