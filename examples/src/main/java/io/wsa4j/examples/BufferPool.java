package io.wsa4j.examples;

import io.wsa4j.WsaBuf;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Receive buffers lent to connections while data flows (zero-byte receives keep idle connections
 * from holding one). Bounded: at most {@code max} buffers are kept for reuse.
 */
final class BufferPool {
  /** The buffer of a zero-byte receive. */
  static final WsaBuf EMPTY = new WsaBuf(ByteBuffer.allocate(0));

  private final int size;
  private final int max;
  private final ArrayDeque<WsaBuf> free = new ArrayDeque<>();

  BufferPool(int size, int max) {
    this.size = size;
    this.max = max;
  }

  synchronized WsaBuf take() {
    WsaBuf b = free.pollFirst();
    return b != null ? b : WsaBuf.allocateDirect(size);
  }

  synchronized void give(WsaBuf b) {
    if (free.size() < max) {
      free.addFirst(b);
    }
  }
}
