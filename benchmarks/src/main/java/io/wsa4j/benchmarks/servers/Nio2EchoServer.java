package io.wsa4j.benchmarks.servers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.TimeUnit;

/**
 * The yardstick: raw NIO2, what wsa4j is built on. A fixed-thread-pool channel group, one direct
 * buffer per connection, and a read→write→read chain driven by one reused handler per
 * connection; nothing is allocated per message by this code.
 */
final class Nio2EchoServer implements BaselineServer {
  private final AsynchronousChannelGroup group;
  private final AsynchronousServerSocketChannel listener;
  private final int bufferSize;

  private Nio2EchoServer(AsynchronousChannelGroup group, AsynchronousServerSocketChannel listener,
      int bufferSize) {
    this.group = group;
    this.listener = listener;
    this.bufferSize = bufferSize;
  }

  static Nio2EchoServer start(InetSocketAddress bind, int threads, int bufferSize)
      throws IOException {
    AsynchronousChannelGroup group = AsynchronousChannelGroup.withFixedThreadPool(threads,
        EchoServers.daemonThreads("nio2-echo"));
    AsynchronousServerSocketChannel listener = AsynchronousServerSocketChannel.open(group);
    listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    listener.bind(bind, EchoServers.BACKLOG);
    Nio2EchoServer server = new Nio2EchoServer(group, listener, bufferSize);
    server.accept();
    return server;
  }

  private void accept() {
    listener.accept(null, new CompletionHandler<AsynchronousSocketChannel, Void>() {
      @Override
      public void completed(AsynchronousSocketChannel ch, Void unused) {
        accept();
        try {
          ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
          Nio2EchoChain.closeQuietly(ch);
          return;
        }
        Nio2EchoChain.start(ch, bufferSize);
      }

      @Override
      public void failed(Throwable t, Void unused) {
        if (listener.isOpen()) {
          accept(); // e.g. too many open files: keep serving the connections we have
        }
      }
    });
  }

  @Override
  public int port() {
    try {
      return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    Nio2EchoChain.closeQuietly(listener);
    try {
      group.shutdownNow();
      group.awaitTermination(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      // stopping anyway
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
