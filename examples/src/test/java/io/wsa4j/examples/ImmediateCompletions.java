package io.wsa4j.examples;

import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.WSA_IO_PENDING;

import io.wsa4j.Wsa;
import io.wsa4j.WsaOverlapped;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link Wsa} that turns pending overlapped sends and receives into ones that "completed
 * immediately", the other outcome rule 2 allows: it waits until the operation's event is signaled,
 * then returns 0 with the count, as Winsock does when the data was already there.
 *
 * <p>Sends are waited for (the tests' peers always read); receives only briefly, since the data may
 * never come. An operation that failed keeps its {@code WSA_IO_PENDING}: returning its error
 * instead would claim that no completion indication follows, while the event is already set.
 */
final class ImmediateCompletions {
  private static final long SEND_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long RECV_WAIT_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

  private ImmediateCompletions() {}

  static Wsa wrap(Wsa real, AtomicInteger immediate) {
    return (Wsa) Proxy.newProxyInstance(Wsa.class.getClassLoader(), new Class<?>[] {Wsa.class},
        (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          String name = method.getName();
          if (!(name.equals("send") || name.equals("recv")) || args[5] == null
              || (int) result != SOCKET_ERROR || Wsa.getLastError() != WSA_IO_PENDING) {
            return result;
          }
          WsaOverlapped ov = (WsaOverlapped) args[5];
          long waitNanos = name.equals("send") ? SEND_WAIT_NANOS : RECV_WAIT_NANOS;
          if (!awaitSignaled(ov, waitNanos) || ov.internal() != 0) {
            Wsa.setLastError(WSA_IO_PENDING);
            return result;
          }
          int[] count = (int[]) args[3];
          if (count != null) {
            count[0] = (int) ov.internalHigh();
          }
          immediate.incrementAndGet();
          return 0;
        });
  }

  /** Starting an operation resets its event, so a signaled event means this one completed. */
  private static boolean awaitSignaled(WsaOverlapped ov, long nanos) {
    long deadline = System.nanoTime() + nanos;
    while (!(ov.isCompleted() && ov.event() != null && ov.event().isSignaled())) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      LockSupport.parkNanos(10_000);
    }
    return true;
  }
}
