package io.wsa4j.benchmarks.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.wsa4j.WsaConfig;
import io.wsa4j.examples.UdpEchoServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts one UDP echo server of the comparison and runs it until the process is stopped:
 * {@code udp-raw} (a non-blocking {@link DatagramChannel} on a {@link Selector}, one thread: the
 * baseline), {@code udp-netty-epoll} (Netty 4.2's epoll datagram channel) or {@code udp-iocp}
 * (the wsa4j example {@link UdpEchoServer}). Each echoes every datagram to its sender.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.wsa4j.benchmarks.udp.UdpEchoServers \
 *     --server udp-raw --port 7007
 * </pre>
 *
 * <p>Prints {@code listening on PORT} once ready, as {@code EchoServers} does.
 */
@Command(name = "UdpEchoServers", sortOptions = false, mixinStandardHelpOptions = true,
    description = "Runs one UDP echo server: the raw DatagramChannel baseline, Netty epoll or wsa4j.")
public final class UdpEchoServers implements Callable<Integer> {
  /** Every server name, baseline first. */
  public static final List<String> NAMES = List.of("udp-raw", "udp-netty-epoll", "udp-iocp");
  /** Socket receive buffer asked for by every server. */
  static final int RCVBUF = 4 << 20;

  @Option(names = "--server", required = true, paramLabel = "NAME",
      description = "udp-raw, udp-netty-epoll or udp-iocp.")
  String name;

  @Option(names = "--port", defaultValue = "7007", description = "Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Default: ${DEFAULT-VALUE}.")
  InetAddress bind;

  @Option(names = "--threads", description = "udp-iocp: workers (and NIO2 threads);"
      + " udp-netty-epoll: event loops (one serves the one socket). udp-raw has one thread."
      + " Default: the processors this JVM may use.")
  Integer threads;

  public static void main(String[] args) {
    System.exit(new CommandLine(new UdpEchoServers()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!NAMES.contains(name)) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--server must be one of " + NAMES + ", not " + name);
    }
    int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    InetSocketAddress address = new InetSocketAddress(bind, port);
    AutoCloseable server;
    switch (name) {
      case "udp-raw":
        server = RawServer.start(address);
        break;
      case "udp-netty-epoll":
        server = nettyEpoll(address, n);
        break;
      default:
        server = UdpEchoServer.start(bind, port, n,
            WsaConfig.builder().ioThreads(n).build());
        break;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception e) {
        System.err.println(name + ": close: " + e);
      }
      stopped.countDown();
    }, "udp-echo-servers-shutdown"));
    System.out.println(name + " listening on " + port + " (JDK " + Runtime.version() + ")");
    System.out.flush();
    stopped.await();
    return 0;
  }

  /** The baseline: one thread, a selector, receive and send back until nothing is waiting. */
  static final class RawServer implements AutoCloseable, Runnable {
    private final DatagramChannel channel;
    private final Selector selector;
    private final Thread thread;
    private volatile boolean closed;

    private RawServer(DatagramChannel channel, Selector selector) {
      this.channel = channel;
      this.selector = selector;
      this.thread = new Thread(this, "udp-raw");
      this.thread.setDaemon(true);
    }

    static RawServer start(InetSocketAddress address) throws IOException {
      DatagramChannel ch = DatagramChannel.open();
      ch.setOption(StandardSocketOptions.SO_RCVBUF, RCVBUF);
      ch.bind(address);
      ch.configureBlocking(false);
      Selector selector = Selector.open();
      ch.register(selector, SelectionKey.OP_READ);
      RawServer s = new RawServer(ch, selector);
      s.thread.start();
      return s;
    }

    @Override
    public void run() {
      ByteBuffer buf = ByteBuffer.allocateDirect(65_536);
      try {
        while (!closed) {
          selector.select();
          selector.selectedKeys().clear();
          for (SocketAddress from; (from = channel.receive(buf.clear())) != null; ) {
            buf.flip();
            channel.send(buf, from); // a full send buffer drops the echo, as UDP may
          }
        }
      } catch (IOException e) {
        if (!closed) {
          System.err.println("udp-raw: " + e);
        }
      }
    }

    @Override
    public void close() throws Exception {
      closed = true;
      selector.wakeup();
      thread.join(TimeUnit.SECONDS.toMillis(10));
      selector.close();
      channel.close();
    }
  }

  /** Netty's epoll datagram channel: write each packet back to its sender, flush per batch. */
  static AutoCloseable nettyEpoll(InetSocketAddress address, int threads) throws IOException {
    if (!Epoll.isAvailable()) {
      throw new IOException("Netty epoll transport unavailable: " + Epoll.unavailabilityCause());
    }
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
    try {
      Channel ch = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
          .option(ChannelOption.SO_RCVBUF, RCVBUF)
          .option(ChannelOption.ALLOCATOR, new PooledByteBufAllocator(true))
          .handler(new Echo())
          .bind(address).sync().channel();
      return () -> {
        ch.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      };
    } catch (InterruptedException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while binding", e);
    }
  }

  @ChannelHandler.Sharable
  static final class Echo extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      ctx.write(new DatagramPacket(packet.content().retain(), packet.sender()));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }
  }
}
