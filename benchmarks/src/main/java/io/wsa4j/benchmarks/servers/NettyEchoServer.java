package io.wsa4j.benchmarks.servers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Netty 4.2 with either transport, in the classic echo-handler shape: write each inbound buffer
 * back as it arrives, flush once the read batch is complete. Pooled direct buffers; one event
 * loop group serves both the listener and the connections.
 */
final class NettyEchoServer implements BaselineServer {
  private final EventLoopGroup group;
  private final Channel listener;

  private NettyEchoServer(EventLoopGroup group, Channel listener) {
    this.group = group;
    this.listener = listener;
  }

  static NettyEchoServer start(InetSocketAddress bind, int threads, boolean epoll)
      throws IOException {
    if (epoll && !Epoll.isAvailable()) {
      throw new IOException("Netty epoll transport unavailable: " + Epoll.unavailabilityCause());
    }
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> type =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads,
        EchoServers.daemonThreads(epoll ? "netty-epoll" : "netty-nio"), io);
    PooledByteBufAllocator allocator = new PooledByteBufAllocator(true);
    EchoHandler handler = new EchoHandler();
    try {
      Channel listener = new ServerBootstrap()
          .group(group)
          .channel(type)
          .option(ChannelOption.SO_BACKLOG, EchoServers.BACKLOG)
          .option(ChannelOption.SO_REUSEADDR, true)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childOption(ChannelOption.ALLOCATOR, allocator)
          .childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              ch.pipeline().addLast(handler);
            }
          })
          .bind(bind).sync().channel();
      return new NettyEchoServer(group, listener);
    } catch (InterruptedException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while binding", e);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  @Override
  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  @Override
  public void close() {
    listener.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  /** Stateless, so one instance serves every connection. */
  @Sharable
  private static final class EchoHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg, ctx.voidPromise()); // the buffer goes back out; the write releases it
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a reset client, typically at the end of a run: nothing to report
    }
  }
}
