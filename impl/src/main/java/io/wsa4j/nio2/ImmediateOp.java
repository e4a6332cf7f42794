package io.wsa4j.nio2;

import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaOverlapped;

/**
 * An overlapped call that finishes during the call itself — {@code WSAIoctl} with a token, which
 * Windows completes at once and still announces (winsock-semantics scenario 28; Wine's {@code
 * test_get_extension_func}: the packet is posted, the routine queued, with 0 bytes). The op goes
 * through a queue of its own so that the announcement is {@link Completions}' one path: status
 * first, then event, routine or packet.
 *
 * <p>Its counters stay in this throwaway queue: {@code Wsa.stats()} counts data, accepts and
 * connects, not ioctls.
 */
final class ImmediateOp extends CallOwnedQueue {
  private static final WsaBuf[] NO_BUFFERS = new WsaBuf[0];

  private ImmediateOp(NioSocket socket) {
    super(socket);
  }

  /**
   * Starts and completes an op on {@code token} with {@code status} and {@code bytes}.
   *
   * @return 0, or the code the start was refused with (a token still pending: no indication)
   */
  static int complete(NioSocket socket, WsaOverlapped token, WsaCompletionRoutine routine,
      int status, int bytes) {
    ImmediateOp q = new ImmediateOp(socket);
    synchronized (q) {
      int code = q.enqueue(NO_BUFFERS, 0, token, routine, null, 0);
      if (code != 0) {
        return code;
      }
      q.head.transferred = bytes;
      q.finishHead(status);
    }
    return 0;
  }
}
