package io.wsa4j.examples;

import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.WSAECONNABORTED;
import static io.wsa4j.Winsock.WSAECONNRESET;
import static io.wsa4j.Winsock.WSAEWOULDBLOCK;
import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

import io.wsa4j.Wsa;
import io.wsa4j.WsaSocket;

/**
 * The echo of one non-blocking connection of the readiness-model servers ({@link SelectEchoServer},
 * {@link EventSelectEchoServer}): a receive buffer and the part of it not yet sent back.
 *
 * <p>A receive happens only once the previous echo is gone, so a peer that does not read its echo
 * stops being read from, and the server holds one buffer for it, never more. Used by one thread.
 */
final class NonBlockingEcho {
  private static final System.Logger LOG = System.getLogger(NonBlockingEcho.class.getName());
  /** Receives per turn, so that one busy peer does not keep its thread from the others. */
  private static final int RECEIVES_PER_TURN = 16;

  /** What the connection waits for after a step. */
  enum Step {
    /** Data to read: nothing blocked (only after a turn ended early). */
    READABLE,
    /** Nothing to read now: wait until the socket is readable. */
    IDLE,
    /** An echo is unsent: wait until the socket is writable. */
    BLOCKED,
    /** The peer closed and every byte was echoed, or the connection failed: close it. */
    DONE
  }

  final WsaSocket socket;
  private final byte[] buffer;
  private int unsentOffset;
  private int unsentLength;

  NonBlockingEcho(WsaSocket socket, int bufferSize) {
    this.socket = socket;
    this.buffer = new byte[bufferSize];
  }

  boolean hasUnsent() {
    return unsentLength > 0;
  }

  /**
   * Sends what is unsent, then receives and echoes until nothing is left to read, the echo blocks,
   * or the turn is over. Called when the socket is readable or writable.
   */
  Step turn(Wsa wsa) {
    if (!flush(wsa)) {
      return hasUnsent() ? Step.BLOCKED : Step.DONE;
    }
    for (int i = 0; i < RECEIVES_PER_TURN; i++) {
      int n = wsa.recv(socket, buffer, 0, buffer.length, 0);
      if (n == SOCKET_ERROR) {
        int error = Wsa.getLastError();
        if (error == WSAEWOULDBLOCK) {
          return Step.IDLE; // and the recv re-enabled FD_READ
        }
        log("recv", error);
        return Step.DONE;
      }
      if (n == 0) {
        return Step.DONE; // graceful close, and every earlier byte is echoed
      }
      unsentOffset = 0;
      unsentLength = n;
      if (!flush(wsa)) {
        return hasUnsent() ? Step.BLOCKED : Step.DONE;
      }
    }
    return Step.READABLE;
  }

  /**
   * Sends the unsent bytes.
   *
   * @return true when all are gone; false when the send would block (bytes stay unsent) or failed
   *     (nothing stays unsent)
   */
  private boolean flush(Wsa wsa) {
    while (unsentLength > 0) {
      int n = wsa.send(socket, buffer, unsentOffset, unsentLength, 0);
      if (n == SOCKET_ERROR) {
        int error = Wsa.getLastError();
        if (error != WSAEWOULDBLOCK) {
          log("send", error);
          unsentLength = 0;
        }
        return false; // WSAEWOULDBLOCK: FD_WRITE / writable in select once there is room
      }
      unsentOffset += n;
      unsentLength -= n;
    }
    return true;
  }

  private void log(String call, int error) {
    LOG.log(error == WSAECONNRESET || error == WSAECONNABORTED ? DEBUG : WARNING,
        () -> socket + ": " + call + ": " + Errors.describe(error));
  }
}
