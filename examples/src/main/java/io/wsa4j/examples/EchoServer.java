package io.wsa4j.examples;

import io.wsa4j.WsaStats;
import java.net.InetSocketAddress;

/**
 * A running echo server, whatever its I/O model; what {@link EchoServerMain} needs to start one,
 * report it and stop it.
 */
public interface EchoServer extends AutoCloseable {

  /** The address the listening socket is bound to, with the real port when 0 was asked for. */
  InetSocketAddress localAddress();

  /** The statistics of the server's Winsock context ({@link io.wsa4j.Wsa#stats()}). */
  WsaStats stats();

  /** The port the server listens on: {@code localAddress().getPort()}. */
  default int port() {
    return localAddress().getPort();
  }

  /**
   * Blocks until the server stops accepting connections: after {@link #close()}, or after a fatal
   * error of its listening socket.
   */
  void awaitTermination() throws InterruptedException;

  /**
   * Stops accepting, closes every connection, waits for the server's threads and ends its Winsock
   * context if the server started it. Idempotent; a second caller waits for the first to finish.
   * Never throws.
   */
  @Override
  void close();
}
