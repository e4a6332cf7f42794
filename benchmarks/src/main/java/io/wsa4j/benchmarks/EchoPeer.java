package io.wsa4j.benchmarks;

import io.wsa4j.benchmarks.servers.Nio2EchoChain;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.TimeUnit;

/**
 * The far side of a benchmark connection: a plain NIO2 echo of one connection, written without
 * wsa4j so that both implementations under test talk to the same peer. One direct buffer, one
 * read→write→read chain driven by a single reused handler; it never allocates per message.
 *
 * <p>Life cycle: {@link #start()} binds 127.0.0.1 on an ephemeral port and accepts one
 * connection; {@link #close()} closes both channels and stops the peer's own thread.
 */
final class EchoPeer implements AutoCloseable {
  /** Big enough for the largest message; a smaller message is echoed in a single pass. */
  private static final int BUFFER_SIZE = 64 * 1024;

  /** One thread of its own, so the peer never competes with the implementation's I/O threads. */
  private final AsynchronousChannelGroup group;
  private final AsynchronousServerSocketChannel server;
  /** The accepted connection; set once by the accept handler. */
  private volatile AsynchronousSocketChannel channel;

  private EchoPeer(AsynchronousChannelGroup group, AsynchronousServerSocketChannel server) {
    this.group = group;
    this.server = server;
  }

  /** Binds, starts accepting one connection, and returns; connect to {@link #address()}. */
  static EchoPeer start() throws IOException {
    AsynchronousChannelGroup group = AsynchronousChannelGroup.withFixedThreadPool(1, r -> {
      Thread t = new Thread(r, "echo-peer");
      t.setDaemon(true);
      return t;
    });
    AsynchronousServerSocketChannel server = AsynchronousServerSocketChannel.open(group);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
    EchoPeer peer = new EchoPeer(group, server);
    server.accept(null, new CompletionHandler<AsynchronousSocketChannel, Void>() {
      @Override
      public void completed(AsynchronousSocketChannel ch, Void unused) {
        peer.channel = ch;
        try {
          ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
          Nio2EchoChain.closeQuietly(ch);
          return;
        }
        Nio2EchoChain.start(ch, BUFFER_SIZE);
      }

      @Override
      public void failed(Throwable t, Void unused) {
        // The server was closed before anyone connected: nothing to clean up.
      }
    });
    return peer;
  }

  /** The address the peer listens on. */
  InetSocketAddress address() throws IOException {
    return (InetSocketAddress) server.getLocalAddress();
  }

  @Override
  public void close() throws IOException {
    Nio2EchoChain.closeQuietly(server);
    AsynchronousSocketChannel ch = channel;
    if (ch != null) {
      Nio2EchoChain.closeQuietly(ch);
    }
    group.shutdownNow();
    try {
      group.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // JMH is stopping us; the thread is a daemon anyway
    }
  }

}
