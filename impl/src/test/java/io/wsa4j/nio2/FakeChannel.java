package io.wsa4j.nio2;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A Mockito-made {@link AsynchronousSocketChannel} whose reads and writes stay pending until the
 * test completes them, so the queues' reaction to every NIO2 outcome (partial write, EOF, error)
 * can be driven step by step without a network.
 */
final class FakeChannel {
  /** One read or write NIO2 would be working on. */
  static final class Call {
    final ByteBuffer[] buffers;
    final int offset;
    final int length;
    final Object attachment;
    final CompletionHandler<Number, Object> handler;
    final boolean scatterGather;

    Call(ByteBuffer[] buffers, int offset, int length, Object attachment,
        CompletionHandler<Number, Object> handler, boolean scatterGather) {
      this.buffers = buffers;
      this.offset = offset;
      this.length = length;
      this.attachment = attachment;
      this.handler = handler;
      this.scatterGather = scatterGather;
    }

    Number result(long n) {
      return scatterGather ? (Number) Long.valueOf(n) : (Number) Integer.valueOf((int) n);
    }
  }

  final AsynchronousSocketChannel channel = mock(AsynchronousSocketChannel.class);
  final Deque<Call> reads = new ArrayDeque<>();
  final Deque<Call> writes = new ArrayDeque<>();
  /** Every byte a completed write took, in order. */
  final ByteArrayOutputStream written = new ByteArrayOutputStream();

  @SuppressWarnings("unchecked")
  FakeChannel() {
    doAnswer(inv -> {
      reads.add(new Call(new ByteBuffer[] {inv.getArgument(0)}, 0, 1, inv.getArgument(1),
          inv.getArgument(2), false));
      return null;
    }).when(channel).read(any(ByteBuffer.class), any(), any(CompletionHandler.class));
    doAnswer(inv -> {
      reads.add(new Call(inv.getArgument(0), inv.getArgument(1), inv.getArgument(2),
          inv.getArgument(5), inv.getArgument(6), true));
      return null;
    }).when(channel).read(any(ByteBuffer[].class), anyInt(), anyInt(), anyLong(), any(), any(),
        any(CompletionHandler.class));
    doAnswer(inv -> {
      writes.add(new Call(new ByteBuffer[] {inv.getArgument(0)}, 0, 1, inv.getArgument(1),
          inv.getArgument(2), false));
      return null;
    }).when(channel).write(any(ByteBuffer.class), any(), any(CompletionHandler.class));
    doAnswer(inv -> {
      writes.add(new Call(inv.getArgument(0), inv.getArgument(1), inv.getArgument(2),
          inv.getArgument(5), inv.getArgument(6), true));
      return null;
    }).when(channel).write(any(ByteBuffer[].class), anyInt(), anyInt(), anyLong(), any(), any(),
        any(CompletionHandler.class));
  }

  /** Completes the oldest pending write after taking at most {@code max} bytes of it. */
  void writeSome(int max) {
    Call call = writes.remove();
    long taken = 0;
    for (int i = call.offset; i < call.offset + call.length && taken < max; i++) {
      ByteBuffer b = call.buffers[i];
      while (b.hasRemaining() && taken < max) {
        written.write(b.get());
        taken++;
      }
    }
    call.handler.completed(call.result(taken), call.attachment);
  }

  /** Completes the oldest pending read with as much of {@code data} as fits; returns the count. */
  int readDelivers(byte[] data) {
    Call call = reads.remove();
    int given = 0;
    for (int i = call.offset; i < call.offset + call.length && given < data.length; i++) {
      ByteBuffer b = call.buffers[i];
      int n = Math.min(b.remaining(), data.length - given);
      b.put(data, given, n);
      given += n;
    }
    call.handler.completed(call.result(given), call.attachment);
    return given;
  }

  void readEndOfStream() {
    Call call = reads.remove();
    call.handler.completed(call.result(-1), call.attachment);
  }

  void readFails(Throwable t) {
    Call call = reads.remove();
    call.handler.failed(t, call.attachment);
  }

  void writeFails(Throwable t) {
    Call call = writes.remove();
    call.handler.failed(t, call.attachment);
  }
}
