package io.wsa4j.benchmarks.load;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One client connection's state; touched only by the {@link LoadWorker} thread that owns it.
 *
 * <p>The connection is a byte stream cut into messages of {@code size} bytes. At most
 * {@code window} bytes are unacknowledged (written but not yet echoed back): ping-pong is the
 * case {@code window == size}. A message's latency runs from the moment its first byte is handed
 * to the socket until its last byte is back.
 */
final class LoadConnection {
  final SocketChannel channel;
  final long seed;
  SelectionKey key;

  /** Stream offset of the next byte to put into {@link #out}. */
  long sendOffset;
  /** Stream offset of the next byte expected back. */
  long recvOffset;
  /** Bytes waiting to be written (flipped: position..limit); empty between messages. */
  final ByteBuffer out;

  /** Start times of the messages in flight, oldest at {@link #head}; a ring. */
  final long[] sentAt;
  int head;
  int inFlight;

  /** Whether the connection has finished connecting and is counted as up. */
  boolean up;
  /** Whether OP_WRITE is in the interest set (a write was left partial). */
  boolean writeInterest;

  LoadConnection(SocketChannel channel, long seed, int window, int size) {
    this.channel = channel;
    this.seed = seed;
    this.out = ByteBuffer.allocateDirect(size);
    this.out.flip(); // empty
    this.sentAt = new long[Math.max(1, window / size) + 1];
  }
}
