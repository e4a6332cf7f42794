package io.wsa4j.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The near side of a round-trip benchmark: sends one message of a fixed size and waits until the
 * peer has echoed all of it back. One implementation per {@code impl} parameter value.
 */
interface RoundTripClient extends AutoCloseable {

  /**
   * Connects a client of kind {@code impl} to {@code peer}, for messages of {@code size} bytes.
   *
   * @throws IllegalArgumentException if {@code impl} names no client
   */
  static RoundTripClient open(String impl, InetSocketAddress peer, int size) throws Exception {
    switch (impl) {
      case Wsa4jEventClient.NAME:
        return new Wsa4jEventClient(peer, size);
      case Wsa4jIocpClient.NAME:
        return new Wsa4jIocpClient(peer, size);
      case Nio2Client.NAME:
        return new Nio2Client(peer, size);
      case Nio2HandlerClient.NAME:
        return new Nio2HandlerClient(peer, size);
      case NettyClient.NIO:
        return new NettyClient(peer, size, false);
      case NettyClient.EPOLL:
        return new NettyClient(peer, size, true);
      default:
        throw new IllegalArgumentException("unknown impl: " + impl);
    }
  }

  /**
   * Sends one message and receives it back whole.
   *
   * @return the number of bytes received (the message size), for the benchmark to consume
   */
  int roundTrip() throws Exception;

  @Override
  void close() throws IOException;
}
