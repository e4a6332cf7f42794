package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;

import io.wsa4j.Wsa;
import io.wsa4j.WsaEvent;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code WSAWaitForMultipleEvents} and {@code SleepEx}: parking waits that end on a signaled event,
 * a queued completion routine (when alertable), a closed event, an interrupt or the timeout.
 *
 * <p>The waiting thread registers in each event's {@link WaitList} and re-checks before every
 * park, so a signal between the check and the park is never lost. Routines run here, on the
 * waiting thread, before the wait returns {@code WSA_WAIT_IO_COMPLETION} — the only place besides
 * {@link #sleep} where user code runs.
 */
final class EventWait {
  private EventWait() {}

  /** The events are valid handles of the caller's context, and 1 ≤ count ≤ 64. */
  static int await(int count, WsaEvent[] events, boolean waitAll, int timeoutMillis,
      boolean alertable) {
    ThreadState ts = ThreadState.current();
    if (alertable && ts.runApcs()) {
      return WSA_WAIT_IO_COMPLETION;
    }
    int satisfied = check(count, events, waitAll);
    if (satisfied != WSA_WAIT_TIMEOUT || timeoutMillis == 0) {
      return satisfied;
    }
    Thread self = Thread.currentThread();
    if (self.isInterrupted()) {
      return fail(WSAEINTR);
    }
    long deadline = deadline(timeoutMillis);
    for (int i = 0; i < count; i++) {
      ((NioEvent) events[i]).waiters.add(self);
    }
    try {
      for (;;) {
        if (alertable && ts.runApcs()) {
          return WSA_WAIT_IO_COMPLETION;
        }
        satisfied = check(count, events, waitAll);
        if (satisfied != WSA_WAIT_TIMEOUT) {
          return satisfied;
        }
        if (self.isInterrupted()) {
          return fail(WSAEINTR);
        }
        long left = deadline - System.nanoTime();
        if (timeoutMillis != WSA_INFINITE && left <= 0) {
          return WSA_WAIT_TIMEOUT;
        }
        if (timeoutMillis == WSA_INFINITE) {
          LockSupport.park(events);
        } else {
          LockSupport.parkNanos(events, left);
        }
      }
    } finally {
      for (int i = 0; i < count; i++) {
        ((NioEvent) events[i]).waiters.remove(self);
      }
    }
  }

  /**
   * The lowest signaled index (any) or 0 (all signaled, {@code waitAll}), {@code WSA_WAIT_TIMEOUT}
   * if not satisfied, or {@code WSA_WAIT_FAILED} if an event was closed meanwhile (closeEvent or
   * cleanup: the caller's handle is invalid now).
   */
  private static int check(int count, WsaEvent[] events, boolean waitAll) {
    boolean all = true;
    for (int i = 0; i < count; i++) {
      NioEvent e = (NioEvent) events[i];
      if (e.isClosed()) {
        return fail(WSA_INVALID_HANDLE);
      }
      if (e.isSignaled()) {
        if (!waitAll) {
          return WSA_WAIT_EVENT_0 + i;
        }
      } else {
        all = false;
      }
    }
    return waitAll && all ? WSA_WAIT_EVENT_0 : WSA_WAIT_TIMEOUT;
  }

  /** {@code SleepEx}: 0, or {@code WSA_WAIT_IO_COMPLETION} when routines ran. */
  static int sleep(int timeoutMillis, boolean alertable) {
    ThreadState ts = alertable ? ThreadState.current() : null;
    if (alertable && ts.runApcs()) {
      return WSA_WAIT_IO_COMPLETION;
    }
    if (timeoutMillis == 0) {
      return 0;
    }
    Thread self = Thread.currentThread();
    boolean forever = timeoutMillis < 0; // WSA_INFINITE, or any value a DWORD would make huge
    long deadline = deadline(timeoutMillis);
    for (;;) {
      if (self.isInterrupted()) {
        return 0; // returns early, flag left set
      }
      long left = deadline - System.nanoTime();
      if (!forever && left <= 0) {
        return 0;
      }
      if (forever) {
        LockSupport.park(ts);
      } else {
        LockSupport.parkNanos(ts, left);
      }
      if (alertable && ts.runApcs()) {
        return WSA_WAIT_IO_COMPLETION;
      }
    }
  }

  private static long deadline(int timeoutMillis) {
    return System.nanoTime() + Math.max(0, timeoutMillis) * 1_000_000L;
  }

  private static int fail(int code) {
    Wsa.setLastError(code);
    return WSA_WAIT_FAILED;
  }
}
