package io.wsa4j.nio2;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads parked on one object (an event, a socket's results). A waiter adds itself, re-checks
 * its condition, parks, and removes itself when done; whoever changes the condition writes it
 * first (a volatile write) and then calls {@link #wakeAll()}. Either the waker sees the waiter in
 * the list, or the waiter's re-check sees the new condition: no wake-up is lost.
 *
 * <p>Holds threads in a small array that only grows, so waiting allocates nothing once warm.
 */
final class WaitList {
  /** Parked threads; guarded by this. */
  private Thread[] threads = new Thread[2];
  /** Entries used in {@link #threads}; written under this, read racily as a hint. */
  private volatile int size;

  synchronized void add(Thread t) {
    if (size == threads.length) {
      threads = Arrays.copyOf(threads, size * 2);
    }
    threads[size] = t;
    size = size + 1;
  }

  /** Removes one entry of {@code t} (a thread waiting twice on one object is listed twice). */
  synchronized void remove(Thread t) {
    for (int i = size - 1; i >= 0; i--) {
      if (threads[i] == t) {
        threads[i] = threads[size - 1];
        threads[size - 1] = null;
        size = size - 1;
        return;
      }
    }
  }

  /**
   * Unparks every listed thread; call after publishing the condition it waits for. The empty
   * check needs no lock: {@link #size} and the condition are both volatile, so either this read
   * sees the waiter's add, or the waiter's re-check (after its add) sees the condition.
   */
  void wakeAll() {
    if (size == 0) {
      return;
    }
    synchronized (this) {
      for (int i = 0; i < size; i++) {
        LockSupport.unpark(threads[i]);
      }
    }
  }
}
