package io.wsa4j.examples;

import static io.wsa4j.Winsock.FD_CLOSE;
import static io.wsa4j.Winsock.FD_CLOSE_BIT;
import static io.wsa4j.Winsock.FD_READ;
import static io.wsa4j.Winsock.FD_WRITE;
import static io.wsa4j.Winsock.SOCKET_ERROR;
import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

import io.wsa4j.Wsa;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaNetworkEvents;
import io.wsa4j.WsaSocket;

/**
 * One connection of the {@link EventSelectEchoServer}: a socket selected for
 * {@code FD_READ|FD_WRITE|FD_CLOSE} on its own event. When the event is signaled,
 * {@code WSAEnumNetworkEvents} says what happened (and resets the event); then the connection
 * sends what is unsent and receives and echoes until {@code WSAEWOULDBLOCK}, which re-enables
 * {@code FD_READ} — or, if an echo would block, waits for {@code FD_WRITE} without reading.
 */
final class EventSelectConnection implements EventWorker.Connection {
  private static final System.Logger LOG = System.getLogger(EventSelectConnection.class.getName());

  private final Wsa wsa;
  private final WsaEvent event;
  private final NonBlockingEcho echo;
  private final WsaNetworkEvents happened = new WsaNetworkEvents();

  private EventSelectConnection(Wsa wsa, WsaSocket socket, WsaEvent event, int bufferSize) {
    this.wsa = wsa;
    this.event = event;
    this.echo = new NonBlockingEcho(socket, bufferSize);
  }

  /**
   * Gives an accepted socket its own event and selection (replacing the listener's FD_ACCEPT
   * selection it inherited).
   *
   * @return the connection, or null (the socket is closed) when it cannot be set up
   */
  static EventSelectConnection open(Wsa wsa, WsaSocket socket, int bufferSize) {
    WsaEvent event = wsa.createEvent();
    if (event == null
        || wsa.eventSelect(socket, event, FD_READ | FD_WRITE | FD_CLOSE) == SOCKET_ERROR) {
      LOG.log(WARNING, socket + ": WSAEventSelect: " + Errors.describe(Wsa.getLastError()));
      if (event != null) {
        wsa.closeEvent(event);
      }
      wsa.closesocket(socket);
      return null;
    }
    return new EventSelectConnection(wsa, socket, event, bufferSize);
  }

  @Override
  public WsaEvent event() {
    return event;
  }

  @Override
  public boolean onSignaled() {
    if (wsa.enumNetworkEvents(echo.socket, event, happened) == SOCKET_ERROR) {
      LOG.log(WARNING, echo.socket + ": WSAEnumNetworkEvents: "
          + Errors.describe(Wsa.getLastError()));
      return false;
    }
    int closeError = happened.errorCode(FD_CLOSE_BIT);
    if ((happened.networkEvents() & FD_CLOSE) != 0 && closeError != 0) {
      LOG.log(DEBUG, () -> echo.socket + ": FD_CLOSE: " + Errors.describe(closeError));
      return false; // reset: nothing more will come, nothing unsent can go
    }
    // FD_READ, FD_WRITE, a graceful FD_CLOSE: flush, then read until nothing is left (a graceful
    // close reads as 0 once every byte before it is echoed)
    return echo.turn(wsa) != NonBlockingEcho.Step.DONE;
  }

  @Override
  public void close() {
    wsa.closesocket(echo.socket);
    wsa.closeEvent(event);
  }
}
