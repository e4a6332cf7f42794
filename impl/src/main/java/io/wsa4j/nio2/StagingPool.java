package io.wsa4j.nio2;

import java.nio.ByteBuffer;
import java.util.function.IntFunction;

/**
 * Direct buffers that receives land in before they are copied to the caller (see
 * {@link RecvQueue}), in four size classes, pooled per context with a hard bound.
 *
 * <p>A socket keeps its staging buffer while it keeps receiving and trades it here only when the
 * size it needs changes: a zero-byte receive (an idle connection) swaps a large buffer for the
 * smallest class, so idle connections hold {@value #SMALLEST} bytes, not a full receive buffer.
 * Buffers beyond {@link #MAX_POOLED_BYTES} per class are left to the GC.
 */
final class StagingPool {
  /** The class a zero-byte receive (and the smallest read) uses. */
  static final int SMALLEST = io.wsa4j.Winsock.ZERO_BYTE_STAGING;
  static final int LARGEST = 64 * 1024;
  private static final int CLASSES = 4; // 1 KiB, 4 KiB, 16 KiB, 64 KiB
  private static final long MAX_POOLED_BYTES = 16L * 1024 * 1024;

  private final ByteBuffer[][] free = new ByteBuffer[CLASSES][];
  private final int[] count = new int[CLASSES];

  /** Makes the direct buffers; tests substitute one that runs out. */
  private final IntFunction<ByteBuffer> allocator;

  StagingPool() {
    this(ByteBuffer::allocateDirect);
  }

  StagingPool(IntFunction<ByteBuffer> allocator) {
    this.allocator = allocator;
    for (int c = 0; c < CLASSES; c++) {
      free[c] = new ByteBuffer[(int) (MAX_POOLED_BYTES / capacityOf(c))];
    }
  }

  private static int capacityOf(int sizeClass) {
    return SMALLEST << (2 * sizeClass);
  }

  /** The capacity a read for {@code wanted} bytes gets: the smallest class that holds it (≤ 64 KiB). */
  static int capacityFor(long wanted) {
    int c = 0;
    while (c < CLASSES - 1 && capacityOf(c) < wanted) {
      c++;
    }
    return capacityOf(c);
  }

  private static int classOf(int capacity) {
    return Integer.numberOfTrailingZeros(capacity / SMALLEST) / 2;
  }

  /**
   * A pooled, cleared buffer of exactly {@code capacity} bytes (a value of {@link #capacityFor}),
   * or null if none is free. Never allocates: callers may hold their own locks.
   */
  ByteBuffer poll(int capacity) {
    int c = classOf(capacity);
    ByteBuffer[] stack = free[c];
    synchronized (stack) {
      if (count[c] > 0) {
        ByteBuffer b = stack[--count[c]];
        stack[count[c]] = null;
        return b.clear();
      }
    }
    return null;
  }

  /**
   * A new direct buffer of {@code capacity} bytes, or null when direct memory is exhausted (the
   * operation that needed it then fails with {@code WSAENOBUFS}). Call with no lock held: the
   * JDK may wait here for the GC to free direct memory.
   */
  ByteBuffer allocate(int capacity) {
    try {
      return allocator.apply(capacity);
    } catch (OutOfMemoryError e) {
      return null;
    }
  }

  /** {@link #poll}, else {@link #allocate}: a buffer, or null when memory is exhausted. */
  ByteBuffer take(int capacity) {
    ByteBuffer b = poll(capacity);
    return b != null ? b : allocate(capacity);
  }

  /** Returns a buffer no one uses any more. */
  void give(ByteBuffer b) {
    int c = classOf(b.capacity());
    ByteBuffer[] stack = free[c];
    synchronized (stack) {
      if (count[c] < stack.length) {
        stack[count[c]++] = b;
      }
    }
  }
}
