package io.wsa4j.nio2;

import static io.wsa4j.Winsock.ERROR_ABANDONED_WAIT_0;
import static io.wsa4j.Winsock.WAIT_IO_COMPLETION;
import static io.wsa4j.Winsock.WAIT_TIMEOUT;
import static io.wsa4j.Winsock.WSAEINTR;
import static io.wsa4j.Winsock.WSA_INFINITE;

import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaOverlapped;
import java.util.concurrent.locks.LockSupport;

/**
 * An I/O completion port: a FIFO of completion packets and a LIFO stack of waiting threads.
 *
 * <p>As on Windows, packets leave in the order they arrived while the thread that waited last is
 * served first (its cache is warm; idle threads stay idle). A packet that arrives while threads
 * wait is handed straight to the top waiter, so it is never queued and stolen by a thread that
 * arrives later. {@code concurrentThreads} is advisory: wsa4j does not throttle running threads,
 * since it cannot see when a thread blocks elsewhere.
 *
 * <p>Lock: the port itself; it guards the packet queue, the free list and the waiter stack.
 * Packets are pooled (at most {@link #MAX_FREE_PACKETS}), so the steady state allocates nothing.
 * Packets of completed operations are bounded by the operations posted; packets posted with
 * {@code postQueuedCompletionStatus} are bounded by {@link #MAX_POSTED}.
 */
final class NioPort extends WsaCompletionPort {
  private static final int MAX_FREE_PACKETS = 4096;
  /** Posted (not operation) packets that may wait in the queue. */
  static final int MAX_POSTED = 1 << 20;

  /** One completion packet. */
  static final class Packet {
    long key;
    int bytes;
    WsaOverlapped overlapped;
    /** 0 or the Win32 code of a failed operation. */
    int error;
    boolean posted;
    Packet next;
  }

  /** A thread in {@code GetQueuedCompletionStatus}; one per thread, reused. */
  static final class Waiter {
    final Thread thread;
    /** The packet handed over by a poster; guarded by the port. */
    Packet handed;
    Waiter below;
    boolean onStack;

    Waiter(Thread thread) {
      this.thread = thread;
    }
  }

  final Nio2Wsa context;
  final int concurrentThreads;

  // guarded by this
  private Packet head;
  private Packet tail;
  private int queued;
  private int postedQueued;
  private Packet free;
  private int freeCount;
  private Waiter top;
  /** The last {@link #enqueue} refused its packet. */
  private boolean postedRefused;
  private volatile boolean closed;

  NioPort(Nio2Wsa context, int concurrentThreads) {
    this.context = context;
    this.concurrentThreads = concurrentThreads;
  }

  boolean isClosed() {
    return closed;
  }

  /** Packets waiting now. */
  synchronized int depth() {
    return queued;
  }

  /** Threads waiting now, registered to be handed a packet (tests use it to know a wait began). */
  synchronized int waiting() {
    int n = 0;
    for (Waiter w = top; w != null; w = w.below) {
      n++;
    }
    return n;
  }

  /**
   * Queues a packet, or hands it to the thread that waited last.
   *
   * @return false if the port is closed, or too many posted packets wait
   */
  boolean post(long key, int bytes, WsaOverlapped overlapped, int error, boolean posted) {
    Thread wake;
    synchronized (this) {
      wake = enqueue(key, bytes, overlapped, error, posted);
      if (wake == null) {
        return !postedRefused;
      }
    }
    LockSupport.unpark(wake); // after the lock: the woken thread takes it at once
    return true;
  }

  /**
   * Queues the packet or hands it to the top waiter. Under the lock.
   *
   * @return the waiter to unpark, or null (queued, or refused: see {@link #post})
   */
  private Thread enqueue(long key, int bytes, WsaOverlapped overlapped, int error,
      boolean posted) {
    if (closed || (posted && postedQueued >= MAX_POSTED)) {
      postedRefused = true;
      return null;
    }
    postedRefused = false;
    Packet p = free;
    if (p != null) {
      free = p.next;
      freeCount--;
      p.next = null;
    } else {
      p = new Packet();
    }
    p.key = key;
    p.bytes = bytes;
    p.overlapped = overlapped;
    p.error = error;
    p.posted = posted;
    Waiter w = top;
    if (w != null) {
      top = w.below;
      w.below = null;
      w.onStack = false;
      w.handed = p;
      return w.thread;
    }
    if (tail == null) {
      head = p;
    } else {
      tail.next = p;
    }
    tail = p;
    queued++;
    if (posted) {
      postedQueued++;
    }
    return null;
  }

  /** Takes the oldest packet without waiting, or null. */
  synchronized Packet poll() {
    Packet p = head;
    if (p != null) {
      head = p.next;
      if (head == null) {
        tail = null;
      }
      p.next = null;
      queued--;
      if (p.posted) {
        postedQueued--;
      }
    }
    return p;
  }

  /**
   * Waits for a packet.
   *
   * @param alertable also end the wait when the thread has completion routines queued
   * @param outcome element 0 receives why no packet came: {@code WAIT_TIMEOUT},
   *     {@code ERROR_ABANDONED_WAIT_0} (closed), {@code WSAEINTR}, {@code WAIT_IO_COMPLETION}
   * @return the packet, or null
   */
  Packet take(Waiter self, int timeoutMillis, boolean alertable, ThreadState ts, int[] outcome) {
    synchronized (this) {
      if (closed) {
        outcome[0] = ERROR_ABANDONED_WAIT_0;
        return null;
      }
      Packet p = poll();
      if (p != null || timeoutMillis == 0) {
        outcome[0] = WAIT_TIMEOUT;
        return p;
      }
      self.handed = null;
      self.below = top;
      self.onStack = true;
      top = self;
    }
    boolean forever = timeoutMillis == WSA_INFINITE;
    long deadline = System.nanoTime() + Math.max(0, timeoutMillis) * 1_000_000L;
    for (;;) {
      int why = 0;
      long left = deadline - System.nanoTime();
      if (closed) {
        why = ERROR_ABANDONED_WAIT_0;
      } else if (self.thread.isInterrupted()) {
        why = WSAEINTR;
      } else if (alertable && ts.hasApcs()) {
        why = WAIT_IO_COMPLETION;
      } else if (!forever && left <= 0) {
        why = WAIT_TIMEOUT;
      }
      synchronized (this) {
        Packet p = self.handed;
        if (p != null) {
          self.handed = null;
          return p; // a packet beats any other reason to stop waiting
        }
        if (why != 0) {
          unlinkWaiter(self);
          outcome[0] = why;
          return null;
        }
      }
      if (forever) {
        LockSupport.park(this);
      } else {
        LockSupport.parkNanos(this, left);
      }
    }
  }

  private void unlinkWaiter(Waiter self) {
    if (!self.onStack) {
      return;
    }
    if (top == self) {
      top = self.below;
    } else {
      for (Waiter w = top; w != null; w = w.below) {
        if (w.below == self) {
          w.below = self.below;
          break;
        }
      }
    }
    self.below = null;
    self.onStack = false;
  }

  /** Takes a dequeued packet back. */
  synchronized void recycle(Packet p) {
    p.overlapped = null;
    if (freeCount < MAX_FREE_PACKETS) {
      p.next = free;
      free = p;
      freeCount++;
    }
  }

  /** {@code CloseHandle}: drops the packets and releases every waiter. */
  void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      head = null;
      tail = null;
      queued = 0;
      postedQueued = 0;
      free = null;
      freeCount = 0;
      for (Waiter w = top; w != null; ) {
        Waiter below = w.below;
        w.below = null;
        w.onStack = false;
        LockSupport.unpark(w.thread);
        w = below;
      }
      top = null;
    }
  }

  @Override
  public String toString() {
    return "IOCP[" + (closed ? "closed" : "open") + "]";
  }
}
