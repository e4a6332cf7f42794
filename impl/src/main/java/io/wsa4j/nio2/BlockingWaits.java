package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;

import io.wsa4j.WsaOverlapped;
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
    while (!token.isCompleted()) {
      if (Thread.currentThread().isInterrupted()) {
        boolean cancelled = acceptInto == null
            ? queue.cancelBlocking(token)
            : queue.cancelAcceptsInto(acceptInto) > 0;
        if (cancelled) {
          return WSAEINTR;
        }
      }
      LockSupport.park(queue);
    }
    return (int) token.internal();
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
