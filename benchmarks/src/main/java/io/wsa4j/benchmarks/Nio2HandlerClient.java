package io.wsa4j.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * Raw NIO2 with completion handlers, the fairer yardstick for wsa4j: like wsa4j's overlapped
 * calls, a read and a write are both started at once, their handlers run on the channel group's
 * threads (re-issuing a short read or write there), and the benchmark thread parks until both
 * are done — the same thread hop wsa4j's event and port waits make. The group is a fixed thread
 * pool of one thread per processor, as wsa4j's context builds by default: in such a group the
 * handler runs on the thread that polled the event. (In the default group it would be handed on
 * to another thread first, one hop more than wsa4j makes.) The two handlers are reused, so this
 * code allocates nothing per round trip (NIO2 itself may).
 */
final class Nio2HandlerClient implements RoundTripClient {
  static final String NAME = "nio2-handler";

  private final AsynchronousChannelGroup group;
  private final AsynchronousSocketChannel ch;
  private final ByteBuffer out;
  private final ByteBuffer in;
  private final ReadHandler reader = new ReadHandler();
  private final WriteHandler writer = new WriteHandler();
  /** The thread waiting in {@link #roundTrip()}. */
  private volatile Thread waiter;
  private volatile boolean readDone;
  private volatile boolean writeDone;
  private volatile Throwable failure;

  Nio2HandlerClient(InetSocketAddress peer, int size) throws IOException, InterruptedException,
      ExecutionException {
    out = ByteBuffer.allocateDirect(size);
    in = ByteBuffer.allocateDirect(size);
    for (int i = 0; i < size; i++) {
      out.put(i, (byte) i);
    }
    group = AsynchronousChannelGroup.withFixedThreadPool(
        Runtime.getRuntime().availableProcessors(), r -> {
          Thread t = new Thread(r, "nio2-handler-client");
          t.setDaemon(true);
          return t;
        });
    ch = AsynchronousSocketChannel.open(group);
    try {
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      ch.connect(peer).get();
    } catch (IOException | InterruptedException | ExecutionException | RuntimeException e) {
      ch.close();
      group.shutdownNow();
      throw e;
    }
  }

  @Override
  public int roundTrip() {
    waiter = Thread.currentThread();
    readDone = false;
    writeDone = false;
    in.clear();
    out.clear();
    ch.read(in, null, reader);
    ch.write(out, null, writer);
    while (!(readDone && writeDone)) {
      LockSupport.park(this);
      if (failure != null) {
        throw new IllegalStateException("round trip failed", failure);
      }
    }
    return in.position();
  }

  private void fail(Throwable t) {
    failure = t;
    LockSupport.unpark(waiter);
  }

  private final class ReadHandler implements CompletionHandler<Integer, Void> {
    @Override
    public void completed(Integer n, Void unused) {
      if (n < 0) {
        fail(new IllegalStateException("peer closed after " + in.position() + " bytes"));
      } else if (in.hasRemaining()) {
        ch.read(in, null, this);
      } else {
        readDone = true;
        LockSupport.unpark(waiter);
      }
    }

    @Override
    public void failed(Throwable t, Void unused) {
      fail(t);
    }
  }

  private final class WriteHandler implements CompletionHandler<Integer, Void> {
    @Override
    public void completed(Integer n, Void unused) {
      if (out.hasRemaining()) {
        ch.write(out, null, this);
      } else {
        writeDone = true;
        LockSupport.unpark(waiter);
      }
    }

    @Override
    public void failed(Throwable t, Void unused) {
      fail(t);
    }
  }

  @Override
  public void close() throws IOException {
    ch.close();
    group.shutdownNow();
  }
}
