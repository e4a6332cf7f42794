package io.wsa4j.examples;

import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.WSAECONNABORTED;
import static io.wsa4j.Winsock.WSAECONNRESET;
import static io.wsa4j.Winsock.WSA_IO_INCOMPLETE;
import static io.wsa4j.Winsock.WSA_IO_PENDING;
import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;
import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;

/**
 * One client connection of the {@link EventEchoServer}: the {@code SOCKET_INFORMATION} of the
 * classic Winsock sample. It owns one socket, one event, one overlapped token and one receive
 * buffer, and has at most one operation in flight: a receive, or the send echoing what that
 * receive brought. The next receive is posted only once the echo is sent, so a peer that does not
 * read its echo stops being read from, and the server never holds more than one buffer for it.
 *
 * <p>Used only by the worker thread that owns it (no locking).
 */
final class EventConnection implements EventWorker.Connection {
  private static final System.Logger LOG = System.getLogger(EventConnection.class.getName());
  /**
   * Completions of one connection handled in a row inline before the next is left to its event.
   * The worker sweeps up to 63 connections per wake-up, so this keeps each one's turn short.
   */
  static final int INLINE_BUDGET = 16;
  /** Outcomes of a post (see {@link #started}). */
  private static final int PENDING = 0;
  private static final int DONE = 1;
  private static final int FAILED = 2;

  /**
   * Where the connection is. Possible transitions:
   * <pre>
   * RECEIVING -> SENDING    a receive completed (signaled, or at once in the call) with n > 0
   *                         bytes; a send of those n bytes is posted
   * SENDING   -> RECEIVING  the send completed; the next receive is posted
   * RECEIVING -> CLOSED     a receive completed with 0 bytes (the peer closed)
   * any       -> CLOSED     an operation failed, or the worker is stopping
   * </pre>
   */
  private enum State { RECEIVING, SENDING, CLOSED }

  private final Wsa wsa;
  /** The accepted socket; closed by {@link #close()} only. */
  private final WsaSocket socket;
  /** The token's {@code hEvent}; the worker waits on it. */
  private final WsaEvent event;
  /** The token of the one operation in flight; the library's while pending. */
  private final WsaOverlapped overlapped;
  /** One buffer, received into and then sent from; its len is set before every post. */
  private final WsaBuf[] buffers;
  /** Buffer capacity; the len of every receive. */
  private final int bufferSize;
  /** Count out-parameter of {@code getOverlappedResult} and of every post. */
  private final int[] bytes = new int[1];
  /** In/out flags of {@code recv} and {@code getOverlappedResult}. */
  private final int[] flags = new int[1];
  /** See {@link State}. */
  private State state = State.RECEIVING;

  private EventConnection(Wsa wsa, WsaSocket socket, WsaEvent event, int bufferSize) {
    this.wsa = wsa;
    this.socket = socket;
    this.event = event;
    this.overlapped = new WsaOverlapped(event);
    // Direct: NIO2 reads and writes it without copying through a temporary buffer.
    this.buffers = new WsaBuf[] {WsaBuf.allocateDirect(bufferSize)};
    this.bufferSize = bufferSize;
  }

  /**
   * Wraps an accepted socket and posts its first receive.
   *
   * @return the connection, or null when it could not start (the socket is then closed)
   */
  static EventConnection open(Wsa wsa, WsaSocket socket, int bufferSize) {
    WsaEvent event = wsa.createEvent();
    if (event == null) {
      LOG.log(WARNING, "WSACreateEvent failed for " + socket + ": "
          + Errors.describe(Wsa.getLastError()));
      wsa.closesocket(socket);
      return null;
    }
    EventConnection c = new EventConnection(wsa, socket, event, bufferSize);
    // Finished at once or not, the event is signaled when it is: the worker handles it then.
    if (c.postRecv() == FAILED) {
      c.close();
      return null;
    }
    return c;
  }

  /** The event to wait on. */
  @Override
  public WsaEvent event() {
    return event;
  }

  /**
   * Handles the completion of the operation in flight, and posts the next one.
   *
   * @return false when the connection is finished and must be closed
   */
  @Override
  public boolean onSignaled() {
    // Manual-reset event: clear it before collecting the result, so that only the completion of
    // the operation posted below can signal it again.
    wsa.resetEvent(event);
    if (!wsa.getOverlappedResult(socket, overlapped, bytes, false, flags)) {
      int error = Wsa.getLastError();
      if (error == WSA_IO_INCOMPLETE) {
        // Not expected (rule 3 signals only after the result is written); waiting again is safe.
        LOG.log(DEBUG, () -> socket + ": signaled while still pending");
        return true;
      }
      logFailure(state == State.RECEIVING ? "WSARecv" : "WSASend", error);
      return false;
    }
    return completed(bytes[0]);
  }

  /**
   * The inline completion loop: handles the result of the operation that finished and posts the
   * next one; when that one finishes during the call (rule 25), handles it here too, and so on, up
   * to {@link #INLINE_BUDGET} in a row. Its event is signaled then as well, but starting the next
   * operation resets it (rule 3), so it is not handled a second time. When the budget is spent the
   * last result is left to its event, still signaled: the worker's sweep comes back to it after
   * the other connections, so a busy connection cannot starve them.
   *
   * @param n the bytes the finished operation transferred
   * @return false when the connection is finished and must be closed
   */
  private boolean completed(int n) {
    for (int budget = INLINE_BUDGET; ; budget--) {
      int outcome;
      switch (state) {
        case RECEIVING:
          if (n == 0) {
            LOG.log(DEBUG, () -> socket + ": closed by the peer");
            return false;
          }
          outcome = postSend(n);
          break;
        case SENDING:
          outcome = postRecv();
          break;
        default:
          return false;
      }
      if (outcome != DONE) {
        return outcome == PENDING;
      }
      if (budget == 1) {
        return true; // signaled: handled on the worker's next look at this event
      }
      n = bytes[0];
    }
  }

  /** Posts a receive of up to a whole buffer; see {@link #started}. */
  private int postRecv() {
    state = State.RECEIVING;
    buffers[0].len(bufferSize);
    flags[0] = 0;
    int rc = wsa.recv(socket, buffers, 1, bytes, flags, overlapped, null);
    return started(rc, "WSARecv");
  }

  /** Posts a send of exactly the {@code n} bytes just received; see {@link #started}. */
  private int postSend(int n) {
    state = State.SENDING;
    buffers[0].len(n);
    int rc = wsa.send(socket, buffers, 1, bytes, 0, overlapped, null);
    return started(rc, "WSASend");
  }

  /**
   * Judges a post: {@link #DONE} when it finished during the call (0, the count in
   * {@link #bytes}), {@link #PENDING} when its event will be signaled later, {@link #FAILED} when
   * it never started (any other error: nothing will be signaled).
   */
  private int started(int rc, String call) {
    if (rc == 0) {
      return DONE;
    }
    int error = Wsa.getLastError();
    if (error != WSA_IO_PENDING) {
      logFailure(call, error);
      return FAILED;
    }
    return PENDING;
  }

  /** Closes the socket (aborting the operation in flight) and the event. Idempotent. */
  @Override
  public void close() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    wsa.closesocket(socket);
    wsa.closeEvent(event);
  }

  private void logFailure(String call, int error) {
    // Resets and aborts are how connections end in practice; anything else deserves a warning.
    boolean routine = error == WSAECONNRESET || error == WSAECONNABORTED
        || error == WSA_OPERATION_ABORTED;
    LOG.log(routine ? DEBUG : WARNING, () -> socket + ": " + call + " failed: "
        + Errors.describe(error));
  }
}
