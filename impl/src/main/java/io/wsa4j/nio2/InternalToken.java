package io.wsa4j.nio2;

import io.wsa4j.WsaOverlapped;

/**
 * A token the library posts on its own behalf (the bytes a non-blocking {@code send} took, a
 * non-blocking {@code connect}): its completion is told to the library, never to a port, an
 * event or a routine.
 *
 * <p>{@link #completed} runs once per operation, under the queue's lock, on whichever thread
 * finishes it: it may only update its own state and push readiness levels (leaf locks).
 */
abstract class InternalToken extends WsaOverlapped {
  /**
   * The operation finished.
   *
   * @param status 0 or the Winsock code
   * @param bytes the bytes moved (0 on failure)
   */
  abstract void completed(int status, int bytes);
}
