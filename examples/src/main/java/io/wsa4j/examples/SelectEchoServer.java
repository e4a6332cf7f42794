package io.wsa4j.examples;

import static io.wsa4j.Winsock.SOCKET_ERROR;

import io.wsa4j.Wsa;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaFdSet;
import io.wsa4j.WsaSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * An echo server in the {@code select} model, the first one Windows network programming teaches:
 * non-blocking sockets, and {@link SelectWorker} threads that each {@code select} over up to
 * {@code FD_SETSIZE} (64) connections; an echo that cannot be sent at once is kept until its socket
 * is writable, and its connection is not read from meanwhile. An accepting thread waits in
 * {@code select} on the listening socket and accepts until {@code WSAEWOULDBLOCK}.
 *
 * <pre>{@code
 * try (SelectEchoServer server = SelectEchoServer.start(
 *     InetAddress.getLoopbackAddress(), 0, 16384, WsaConfig.defaults())) {
 *   int port = server.localAddress().getPort();
 *   ...
 * }
 * }</pre>
 */
public final class SelectEchoServer extends NonBlockingEchoServer {
  private final WsaFdSet acceptable = new WsaFdSet();

  private SelectEchoServer(Wsa wsa, boolean ownsWsa, WsaSocket listener,
      InetSocketAddress local, int bufferSize) {
    super(wsa, ownsWsa, listener, local, bufferSize);
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
  public static SelectEchoServer start(InetAddress bindAddress, int port, int bufferSize,
      WsaConfig config) throws IOException {
    return start(SelectEchoServer::new, bindAddress, port, bufferSize, config, null);
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
  public static SelectEchoServer start(InetAddress bindAddress, int port, int bufferSize, Wsa wsa)
      throws IOException {
    return start(SelectEchoServer::new, bindAddress, port, bufferSize, null,
        java.util.Objects.requireNonNull(wsa, "wsa"));
  }

  @Override
  String threadPrefix() {
    return "select-echo-";
  }

  @Override
  PooledWorker newWorker() {
    return new SelectWorker(wsa, bufferSize);
  }

  /** The acceptor's wait: {@code select} on the listener alone, readable = a connection waits. */
  @Override
  boolean awaitConnection() {
    acceptable.zero();
    acceptable.set(listener);
    // closesocket from close() ends the wait: the socket is reported, and accept then fails
    return wsa.select(0, acceptable, null, null, null) != SOCKET_ERROR;
  }

  @Override
  public String toString() {
    return "SelectEchoServer[" + localAddress() + "]";
  }
}
