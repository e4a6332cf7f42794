package io.wsa4j.benchmarks.servers;

import io.wsa4j.WsaConfig;
import io.wsa4j.examples.EchoServer;
import io.wsa4j.examples.EventEchoServer;
import io.wsa4j.examples.EventSelectEchoServer;
import io.wsa4j.examples.IocpEchoServer;
import io.wsa4j.examples.RoutineEchoServer;
import io.wsa4j.examples.SelectEchoServer;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The three wsa4j echo servers from {@code wsa4j-examples}, started as their own {@code main}
 * would, except that the thread counts come from {@link EchoServers} so that every server in a
 * comparison gets the same number of I/O threads.
 */
final class Wsa4jServers implements BaselineServer {
  private final EchoServer server;

  private Wsa4jServers(EchoServer server) {
    this.server = server;
  }

  /**
   * {@code threads}: the context's NIO2 I/O threads, and for iocp also the workers in the
   * {@code GetQueuedCompletionStatus} loop; the event model starts one worker (it adds one per 63
   * connections), the routine model has its one alertable thread, and the select and eventselect
   * models start one worker (one more per 64 or 63 connections). {@code zeroByteReceives}
   * applies to iocp only.
   */
  static Wsa4jServers start(String model, InetSocketAddress bind, int threads, int bufferSize,
      boolean zeroByteReceives) throws IOException {
    WsaConfig config = WsaConfig.builder().ioThreads(threads).build();
    switch (model) {
      case "iocp":
        return new Wsa4jServers(IocpEchoServer.start(new IocpEchoServer.Options()
            .bind(bind.getAddress()).port(bind.getPort()).workers(threads)
            .bufferSize(bufferSize).maxConnections(20_000).zeroByteReceives(zeroByteReceives),
            config));
      case "event":
        return new Wsa4jServers(EventEchoServer.start(bind.getAddress(), bind.getPort(), 1,
            bufferSize, config));
      case "routine":
        return new Wsa4jServers(RoutineEchoServer.start(bind.getAddress(), bind.getPort(),
            bufferSize, config));
      case "select":
        return new Wsa4jServers(SelectEchoServer.start(bind.getAddress(), bind.getPort(),
            bufferSize, config));
      case "eventselect":
        return new Wsa4jServers(EventSelectEchoServer.start(bind.getAddress(), bind.getPort(),
            bufferSize, config));
      default:
        throw new IllegalArgumentException("unknown wsa4j model: " + model);
    }
  }

  @Override
  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
  }
}
