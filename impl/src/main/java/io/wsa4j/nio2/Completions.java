package io.wsa4j.nio2;

import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.spi.Spi;
import java.util.concurrent.locks.LockSupport;

/**
 * The one place a finished operation is announced, in the order Windows documents (API.md rule
 * 3): first the token's count and status are written; then the blocked caller is woken (blocking
 * call), or else a packet is posted to the socket's completion port (if it has one; with the Win32
 * form of the error) and the routine is queued to the issuing thread (routine given) or the
 * token's event is signaled; then threads in {@code getOverlappedResult(wait)} on the socket wake.
 *
 * <p>Called once per operation, under its queue's lock. It runs no user code: signaling an event
 * and queuing an APC only unpark threads.
 */
final class Completions {
  private static final Spi.OverlappedAccess TOKENS = Spi.overlapped();

  private Completions() {}

  /**
   * Announces {@code op} with {@code status} (0 or a Winsock code) and its transferred count.
   *
   * @param notify false when {@code WSACleanup} cancels: the status is written but events and
   *     routines stay silent, as on Windows (a blocked caller is still woken)
   */
  static void announce(IoOp op, int status, boolean notify) {
    op.done = true;
    op.status = status;
    // a truncated datagram reports the bytes it filled (rule 34, the exception to rule 11)
    int bytes = status == 0 || status == io.wsa4j.Winsock.WSAEMSGSIZE ? op.transferred : 0;
    WsaOverlapped token = op.overlapped;
    if (token != null) {
      TOKENS.complete(token, status, bytes);
    }
    op.owner.count(op, status, bytes);
    if (op.owner instanceof RecvQueue && op.issuedOn != op.owner.socket) {
      op.issuedOn.acceptQueue().firstDataDone(op.acceptSocket); // an AcceptEx's first data
    }
    NioSocket socket = op.issuedOn;
    if (op.blockingThread != null) {
      LockSupport.unpark(op.blockingThread);
      op.recycle();
    } else if (op.detached || token == null) {
      op.recycle();
    } else if (token instanceof InternalToken) {
      op.recycle(); // the library's own op (readiness models): it alone is told
      ((InternalToken) token).completed(status, bytes);
    } else {
      NioPort port = socket.port();
      if (notify && port != null) {
        // immediate completions are posted too (rule 22); a closed port just drops it
        port.post(socket.completionKey(), bytes, token, Errors.toWin32(status, op.owner instanceof DatagramQueue), false);
      }
      if (notify && op.routine != null) {
        op.transferred = bytes;
        if (!op.issuer.queueApc(op)) {
          op.recycle(); // the issuing thread has ended: only the routine is dropped
        }
      } else {
        WsaEvent event = token.event();
        op.recycle(); // first: the woken thread's next post then finds it free
        if (notify && event instanceof NioEvent) {
          ((NioEvent) event).set();
        }
      }
    }
    socket.resultWaiters.wakeAll();
  }
}
