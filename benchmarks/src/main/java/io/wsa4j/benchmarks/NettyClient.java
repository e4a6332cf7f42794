package io.wsa4j.benchmarks;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Netty as the near side: one event loop thread owns the channel; the benchmark thread hands it a
 * retained duplicate of the message ({@code writeAndFlush} with the void promise) and parks until
 * the handler has counted the whole echo and unparked it. The same thread hop as wsa4j's waits.
 */
final class NettyClient implements RoundTripClient {
  static final String NIO = "netty-nio";
  static final String EPOLL = "netty-epoll";

  private final EventLoopGroup group;
  private final Channel ch;
  private final ByteBuf message;
  private final Counter counter;

  NettyClient(InetSocketAddress peer, int size, boolean epoll) throws InterruptedException {
    group = new MultiThreadIoEventLoopGroup(1,
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    counter = new Counter(size);
    PooledByteBufAllocator allocator = new PooledByteBufAllocator(true);
    try {
      ch = new Bootstrap().group(group)
          .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.ALLOCATOR, allocator)
          .handler(counter)
          .connect(peer).sync().channel();
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
    message = allocator.directBuffer(size);
    for (int i = 0; i < size; i++) {
      message.writeByte(i);
    }
  }

  @Override
  public int roundTrip() {
    counter.start(Thread.currentThread());
    ch.writeAndFlush(message.retainedDuplicate(), ch.voidPromise());
    while (!counter.done) {
      LockSupport.park(this);
      if (counter.failure != null) {
        throw new IllegalStateException("round trip failed", counter.failure);
      }
    }
    return counter.size;
  }

  @Override
  public void close() {
    ch.close().awaitUninterruptibly();
    message.release();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  /** Counts echoed bytes on the event loop; the last one of a message wakes the waiter. */
  private static final class Counter extends ChannelInboundHandlerAdapter {
    final int size;
    private int received; // event loop only
    private volatile Thread waiter;
    volatile boolean done;
    volatile Throwable failure;

    Counter(int size) {
      this.size = size;
    }

    void start(Thread t) {
      waiter = t;
      done = false;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      received += b.readableBytes();
      b.release();
      if (received >= size) {
        received -= size;
        done = true;
        LockSupport.unpark(waiter);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      exceptionCaught(ctx, new IllegalStateException("peer closed"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      failure = cause;
      LockSupport.unpark(waiter);
      ctx.close();
    }
  }
}
