package io.wsa4j.examples;

import static io.wsa4j.Winsock.FD_ACCEPT;
import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.WSA_INFINITE;
import static io.wsa4j.Winsock.WSA_WAIT_EVENT_0;

import io.wsa4j.Wsa;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaNetworkEvents;
import io.wsa4j.WsaSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * An echo server in the {@code WSAEventSelect} model, where the notes this project grew from
 * start: the event arrives first, then the program receives the data. Each socket has an event and
 * a selection ({@code FD_ACCEPT} for the listener; {@code FD_READ|FD_WRITE|FD_CLOSE} for a
 * connection); {@link EventWorker} threads wait on 64 events each with
 * {@code WSAWaitForMultipleEvents} (a wake-up event and 63 connections), read what happened with
 * {@code WSAEnumNetworkEvents}, and finish partial echoes on {@code FD_WRITE}
 * ({@link EventSelectConnection}).
 *
 * <pre>{@code
 * try (EventSelectEchoServer server = EventSelectEchoServer.start(
 *     InetAddress.getLoopbackAddress(), 0, 16384, WsaConfig.defaults())) {
 *   int port = server.localAddress().getPort();
 *   ...
 * }
 * }</pre>
 */
public final class EventSelectEchoServer extends NonBlockingEchoServer {
  /** Signaled with FD_ACCEPT when connections wait; set by {@link #close()} to end the acceptor. */
  private final WsaEvent acceptEvent;
  private final WsaEvent[] waitOn;
  private final WsaNetworkEvents happened = new WsaNetworkEvents();

  private EventSelectEchoServer(Wsa wsa, boolean ownsWsa, WsaSocket listener,
      InetSocketAddress local, int bufferSize) throws IOException {
    super(wsa, ownsWsa, listener, local, bufferSize);
    acceptEvent = wsa.createEvent();
    if (acceptEvent == null) {
      throw failure("WSACreateEvent", local);
    }
    waitOn = new WsaEvent[] {acceptEvent};
    if (wsa.eventSelect(listener, acceptEvent, FD_ACCEPT) == SOCKET_ERROR) {
      wsa.closeEvent(acceptEvent);
      throw failure("WSAEventSelect", local);
    }
  }

  /**
   * Starts a server in a Winsock context of its own, which {@link #close()} ends.
   *
   * @param bindAddress the local address to listen on
   * @param port the port, or 0 for any free one (see {@link #localAddress()})
   * @param bufferSize bytes of each connection's receive buffer
   * @param config the settings of the context
   * @return the running server
   * @throws IOException if the listening socket cannot be set up (the message names the call and
   *     the Winsock error)
   */
  public static EventSelectEchoServer start(InetAddress bindAddress, int port, int bufferSize,
      WsaConfig config) throws IOException {
    return start(EventSelectEchoServer::new, bindAddress, port, bufferSize, config, null);
  }

  /**
   * Starts a server in the caller's Winsock context, which {@link #close()} leaves running.
   *
   * @param bindAddress the local address to listen on
   * @param port the port, or 0 for any free one
   * @param bufferSize bytes of each connection's receive buffer
   * @param wsa the context to use
   * @return the running server
   * @throws IOException if the listening socket cannot be set up
   */
  public static EventSelectEchoServer start(InetAddress bindAddress, int port, int bufferSize,
      Wsa wsa) throws IOException {
    return start(EventSelectEchoServer::new, bindAddress, port, bufferSize, null,
        java.util.Objects.requireNonNull(wsa, "wsa"));
  }

  @Override
  String threadPrefix() {
    return "eventselect-echo-";
  }

  @Override
  PooledWorker newWorker() {
    return EventWorker.create(wsa, bufferSize, EventSelectConnection::open);
  }

  /** The acceptor's wait: the listener's event, then its record (which resets the event). */
  @Override
  boolean awaitConnection() {
    if (wsa.waitForMultipleEvents(1, waitOn, false, WSA_INFINITE, false) != WSA_WAIT_EVENT_0
        || stopping) {
      return false;
    }
    return wsa.enumNetworkEvents(listener, acceptEvent, happened) != SOCKET_ERROR;
  }

  @Override
  void wakeAcceptor() {
    wsa.setEvent(acceptEvent); // closesocket signals nothing: the acceptor must be told
  }

  @Override
  void closed() {
    wsa.closeEvent(acceptEvent);
  }

  @Override
  public String toString() {
    return "EventSelectEchoServer[" + localAddress() + "]";
  }
}
