package io.wsa4j.benchmarks.servers;

/** A running echo server started by {@link EchoServers}; {@link #close()} stops it. */
interface BaselineServer extends AutoCloseable {

  /** The port it listens on. */
  int port();

  /** Stops accepting, closes the connections and the server's threads. Never throws. */
  @Override
  void close();
}
