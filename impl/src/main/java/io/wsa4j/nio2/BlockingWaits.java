package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;

import io.wsa4j.WsaOverlapped;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How a calling thread waits for one operation: a blocking call parks on its thread's private
 * token ({@link #awaitBlocking}); {@code WSAGetOverlappedResult(wait)} parks on the user's token
 * ({@link #awaitCompletion}). Both end early on an interrupt ({@code WSAEINTR}, flag left set)
 * and never hold a lock while parked.
 */
final class BlockingWaits {
  private BlockingWaits() {}

  /**
   * Parks until the blocking op on {@code token} completes. An interrupt takes the op out of its
   * queue (no byte or connection is lost: see the queues) and gives {@code WSAEINTR}.
   *
   * @param acceptInto for a blocking accept, the fresh socket the op accepts into; else null
   * @return 0, or the op's Winsock code, or {@code WSAEINTR}
   */
  static int awaitBlocking(OpQueue queue, WsaOverlapped token, NioSocket acceptInto) {
    return awaitBlocking(queue, token, acceptInto, 0);
  }

  /**
   * As {@link #awaitBlocking(OpQueue, WsaOverlapped, NioSocket)}, and the end of {@code
   * timeoutMillis} ({@code SO_RCVTIMEO}/{@code SO_SNDTIMEO}; 0 waits forever) takes the op back
   * the same way, with {@code WSAETIMEDOUT}. The time is kept here, never by NIO2: a timed-out
   * NIO2 read leaves its channel unable to read again (API.md §4).
   *
   * @return 0, or the op's Winsock code, or {@code WSAEINTR} / {@code WSAETIMEDOUT}
   */
  static int awaitBlocking(OpQueue queue, WsaOverlapped token, NioSocket acceptInto,
      long timeoutMillis) {
    long deadline = timeoutMillis > 0
        ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis) : 0;
    while (!token.isCompleted()) {
      boolean timedOut = deadline != 0 && deadline - System.nanoTime() <= 0;
      if (timedOut || Thread.currentThread().isInterrupted()) {
        boolean cancelled = acceptInto == null
            ? queue.cancelBlocking(token)
            : queue.cancelAcceptsInto(acceptInto) > 0;
        if (cancelled) {
          return timedOut ? WSAETIMEDOUT : WSAEINTR;
        }
      }
      if (deadline == 0) {
        LockSupport.park(queue);
      } else {
        LockSupport.parkNanos(queue, Math.max(1, deadline - System.nanoTime()));
      }
    }
    return (int) token.internal();
  }

  /**
   * Parks until the blocking DisconnectEx on {@code token} completes; an interrupt takes it back
   * ({@code WSAEINTR}; the FIN may still go out, the handle is then not recycled).
   */
  static int awaitDisconnect(NioSocket sock, WsaOverlapped token) {
    DisconnectQueue q = sock.disconnectQueue();
    if (q == null) { // it completed before we looked
      return token.isCompleted() ? (int) token.internal() : WSA_OPERATION_ABORTED;
    }
    return awaitBlocking(q, token, null, 0);
  }

  /**
   * Parks (not alertably) until the token completes.
   *
   * @return 0, {@code WSAEINTR}, or {@code WSA_OPERATION_ABORTED} when the socket closed and the
   *     token belongs to none of its operations
   */
  static int awaitCompletion(NioSocket sock, WsaOverlapped overlapped) {
    Thread self = Thread.currentThread();
    sock.resultWaiters.add(self);
    try {
      while (!overlapped.isCompleted()) {
        if (self.isInterrupted()) {
          return WSAEINTR;
        }
        if (sock.isClosed() && !overlapped.isCompleted()) {
          // every op of a closed socket is announced before its waiters wake: this token
          // belongs to no op of the socket, so nothing will complete it here
          return WSA_OPERATION_ABORTED;
        }
        LockSupport.park(sock);
      }
      return 0;
    } finally {
      sock.resultWaiters.remove(self);
    }
  }
}
