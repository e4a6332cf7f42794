package io.wsa4j.benchmarks.servers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The yardstick: raw NIO2, what wsa4j is built on. One direct buffer per connection and a
 * read→write→read chain driven by one reused handler per connection ({@link Nio2EchoChain});
 * nothing is allocated per message by this code.
 *
 * <p>How the channels are grouped is a {@link Grouping}; the comparison uses the fastest one
 * found on this machine (see {@link Grouping#BEST}), so that "as fast as raw NIO2" means as fast
 * as NIO2 can be made, not as a default happens to be.
 */
final class Nio2EchoServer implements BaselineServer {
  /** The ways to group the server's channels that were measured against each other. */
  enum Grouping {
    /** {@code n} single-thread groups, each with its own listener on the port (SO_REUSEPORT). */
    GROUPS,
    /** One {@code withFixedThreadPool(n)} group: n threads each polling and running handlers. */
    FIXED,
    /** One {@code withFixedThreadPool(1)} group, whatever n. */
    FIXED1,
    /** {@code withThreadPool(newFixedThreadPool(n))}: one poller hands events to n threads. */
    POOL,
    /** {@code withCachedThreadPool(newCachedThreadPool(), n)}. */
    CACHED,
    /** The JVM's default group (channels opened with no group). */
    DEFAULT;

    /** Measured fastest (benchmarks/results/2026-12-02-nio2-groupings.md). */
    static final Grouping BEST = POOL;

    static Grouping parse(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  /** The groups this server made (none for {@link Grouping#DEFAULT}), shut down by close. */
  private final List<AsynchronousChannelGroup> groups;
  private final List<AsynchronousServerSocketChannel> listeners;
  private final int bufferSize;

  private Nio2EchoServer(List<AsynchronousChannelGroup> groups,
      List<AsynchronousServerSocketChannel> listeners, int bufferSize) {
    this.groups = groups;
    this.listeners = listeners;
    this.bufferSize = bufferSize;
  }

  static Nio2EchoServer start(InetSocketAddress bind, int threads, int bufferSize)
      throws IOException {
    return start(bind, threads, bufferSize, Grouping.BEST);
  }

  static Nio2EchoServer start(InetSocketAddress bind, int threads, int bufferSize,
      Grouping grouping) throws IOException {
    List<AsynchronousChannelGroup> groups = new ArrayList<>();
    switch (grouping) {
      case GROUPS:
        for (int i = 0; i < threads; i++) {
          groups.add(AsynchronousChannelGroup.withFixedThreadPool(1,
              EchoServers.daemonThreads("nio2-echo-g" + i)));
        }
        break;
      case FIXED:
      case FIXED1:
        groups.add(AsynchronousChannelGroup.withFixedThreadPool(
            grouping == Grouping.FIXED ? threads : 1, EchoServers.daemonThreads("nio2-echo")));
        break;
      case POOL:
        groups.add(AsynchronousChannelGroup.withThreadPool(
            Executors.newFixedThreadPool(threads, EchoServers.daemonThreads("nio2-echo"))));
        break;
      case CACHED:
        groups.add(AsynchronousChannelGroup.withCachedThreadPool(
            Executors.newCachedThreadPool(EchoServers.daemonThreads("nio2-echo")), threads));
        break;
      case DEFAULT:
        break;
      default:
        throw new AssertionError(grouping);
    }
    List<AsynchronousServerSocketChannel> listeners = new ArrayList<>();
    Nio2EchoServer server = new Nio2EchoServer(groups, listeners, bufferSize);
    try {
      if (groups.isEmpty()) {
        listeners.add(AsynchronousServerSocketChannel.open());
      }
      for (AsynchronousChannelGroup g : groups) {
        listeners.add(AsynchronousServerSocketChannel.open(g));
      }
      InetSocketAddress address = bind;
      for (AsynchronousServerSocketChannel l : listeners) {
        l.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        if (listeners.size() > 1) {
          l.setOption(StandardSocketOptions.SO_REUSEPORT, true); // the kernel spreads connections
        }
        l.bind(address, EchoServers.BACKLOG);
        address = (InetSocketAddress) l.getLocalAddress(); // port 0: the others join the first
      }
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    listeners.forEach(server::accept);
    return server;
  }

  private void accept(AsynchronousServerSocketChannel listener) {
    listener.accept(null, new CompletionHandler<AsynchronousSocketChannel, Void>() {
      @Override
      public void completed(AsynchronousSocketChannel ch, Void unused) {
        accept(listener);
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
          accept(listener); // e.g. too many open files: keep serving the connections we have
        }
      }
    });
  }

  @Override
  public int port() {
    try {
      return ((InetSocketAddress) listeners.get(0).getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    listeners.forEach(Nio2EchoChain::closeQuietly);
    try {
      for (AsynchronousChannelGroup g : groups) {
        g.shutdownNow();
      }
      for (AsynchronousChannelGroup g : groups) {
        g.awaitTermination(10, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      // stopping anyway
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
