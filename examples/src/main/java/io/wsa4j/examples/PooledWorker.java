package io.wsa4j.examples;

import io.wsa4j.WsaSocket;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker thread of a {@link WorkerPool}: serves up to a fixed number of connections (what one
 * wait covers: 63 events beside the wake-up event, or the {@code FD_SETSIZE} sockets of one
 * {@code select}), adopting the sockets the acceptor hands over.
 *
 * <p>Threads: {@link #handOver}, {@link #load}, {@link #tryReserve} and {@link #stop} may be
 * called from any thread; the subclass's {@code run} alone adopts from {@link #handedOver}.
 */
abstract class PooledWorker implements Runnable {
  private final int capacity;
  /** Accepted sockets not yet adopted by the worker thread. */
  final Queue<WsaSocket> handedOver = new ConcurrentLinkedQueue<>();
  /**
   * Connections this worker answers for: handed over (queued or adopted) and not yet closed.
   * Raised by the acceptor before handing over, lowered by the worker on close; never above
   * {@link #capacity}.
   */
  private final AtomicInteger load = new AtomicInteger();
  volatile boolean stopping;

  PooledWorker(int capacity) {
    this.capacity = capacity;
  }

  /** Connections this worker answers for, handed-over ones included. */
  final int load() {
    return load.get();
  }

  /**
   * Reserves a slot for one more connection.
   *
   * @return false when the worker is full
   */
  final boolean tryReserve() {
    int n;
    do {
      n = load.get();
      if (n >= capacity) {
        return false;
      }
    } while (!load.compareAndSet(n, n + 1));
    return true;
  }

  /** Gives an accepted socket to this worker, which holds a slot for it ({@link #tryReserve}). */
  final void handOver(WsaSocket socket) {
    handedOver.add(socket);
    wake();
  }

  /** Asks the thread to close its connections and end. */
  final void stop() {
    stopping = true;
    wake();
  }

  /** A connection closed, or could not be adopted: its slot is free again. */
  final void released() {
    load.decrementAndGet();
  }

  /** Makes the worker thread look at {@link #handedOver} and {@link #stopping} soon. */
  abstract void wake();
}
