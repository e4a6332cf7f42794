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
   * Where the connection is. Possible transitions:
   * <pre>
   * RECEIVING -> SENDING    a receive completed with n > 0 bytes; a send of those n bytes is posted
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
  /** Out-parameter of {@code getOverlappedResult}. */
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
    if (!c.postRecv()) {
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
    switch (state) {
      case RECEIVING:
        if (bytes[0] == 0) {
          LOG.log(DEBUG, () -> socket + ": closed by the peer");
          return false;
        }
        return postSend(bytes[0]);
      case SENDING:
        return postRecv();
      default:
        return false;
    }
  }

  /** Posts a receive of up to a whole buffer. */
  private boolean postRecv() {
    state = State.RECEIVING;
    buffers[0].len(bufferSize);
    flags[0] = 0;
    int rc = wsa.recv(socket, buffers, 1, null, flags, overlapped, null);
    return started(rc, "WSARecv");
  }

  /** Posts a send of exactly the {@code n} bytes just received. */
  private boolean postSend(int n) {
    state = State.SENDING;
    buffers[0].len(n);
    int rc = wsa.send(socket, buffers, 1, null, 0, overlapped, null);
    return started(rc, "WSASend");
  }

  /**
   * Judges a post: 0 (completed at once) and {@code WSA_IO_PENDING} both mean the event will be, or
   * already is, signaled (rule 2), so the worker just goes back to waiting. Any other error means
   * the operation never started and nothing will be signaled.
   */
  private boolean started(int rc, String call) {
    if (rc == SOCKET_ERROR) {
      int error = Wsa.getLastError();
      if (error != WSA_IO_PENDING) {
        logFailure(call, error);
        return false;
      }
    }
    return true;
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
