package io.wsa4j.nio2;

import io.wsa4j.WsaOverlapped;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;

/**
 * The posted operations of one datagram socket in one direction, moved by non-blocking calls on a
 * {@link DatagramChannel} instead of NIO2 handlers.
 *
 * <p>{@link #drain} is the one loop that moves datagrams: while operations wait, it makes one
 * non-blocking attempt for the head (outside the lock: {@link #attempt}) and applies the result
 * (under it: {@link #absorb}); when the kernel has nothing (no datagram, no room), it asks the
 * {@link DatagramSelector} for readiness and returns. The thread that posts an operation drains
 * first, so a datagram already waiting, or a send the kernel takes at once, completes during the
 * call (rule 25); the selector thread drains when readiness comes. {@link #busy} lets only one
 * thread touch the channel at a time, and whoever holds it re-checks the queue before it lets
 * go, so no posted operation is left without someone to finish it or readiness to wait for.
 *
 * <p>Completions go through {@link Completions} as for TCP (event, routine, port, blocked
 * caller): an operation that completes inline is announced exactly like a later one.
 *
 * <p>Lock: the queue itself (as {@link OpQueue}); it also guards {@link #interested}.
 */
abstract class DatagramQueue extends OpQueue {
  /** Scratch for {@link #drain}: [0] whether the caller's op finished inline, [1] status, [2] bytes. */
  private static final ThreadLocal<int[]> OUTCOME = ThreadLocal.withInitial(() -> new int[3]);

  final NioDatagramSocket datagramSocket;
  final DatagramChannel datagrams;
  /** Where staging (receives) and gathers (sends) come from. */
  final StagingPool pool;
  private final int interestBit;
  /** Our bit is set in the key's interest set. */
  private boolean interested;
  /** {@code shutdown} of this direction: new operations fail; pending ones go on (scenario 42). */
  private boolean shutdown;
  /** The last attempt's Winsock error, or 0; written by the busy holder, read under the lock. */
  int lastError;

  DatagramQueue(NioDatagramSocket socket, io.wsa4j.WsaStats.OpKind kind, int maxPending,
      StagingPool pool, int interestBit) {
    super(socket, null, kind, maxPending);
    this.datagramSocket = socket;
    this.datagrams = socket.channel();
    this.pool = pool;
    this.interestBit = interestBit;
  }

  @Override
  final int admissionError() {
    return shutdown ? io.wsa4j.Winsock.WSAESHUTDOWN : 0;
  }

  /** {@code shutdown} of this direction. */
  final synchronized void shutdown() {
    shutdown = true;
  }

  /** The calling thread's outcome scratch for {@link #drain}. */
  static int[] outcome() {
    int[] o = OUTCOME.get();
    o[0] = 0;
    return o;
  }

  @Override
  final void pump() {
    drain(null, null);
  }

  /**
   * Moves datagrams while operations and datagrams (or room) are there; asks for readiness when
   * the kernel has nothing.
   *
   * @param mine the token the caller just posted, or null
   * @param outcome when {@code mine} completed on this thread: [0] = 1, [1] its status, [2] its
   *     count (the immediate result the call returns, rule 25)
   */
  final void drain(WsaOverlapped mine, int[] outcome) {
    boolean wake = false;
    for (;;) {
      IoOp op;
      synchronized (this) {
        if (busy || closed) {
          break;
        }
        settle(mine, outcome);
        if (!wantsIo()) {
          setInterest(false);
          break;
        }
        op = head; // null for a receive queue keeping the readiness level (see wantsIo)
        busy = true;
      }
      attempt(op);
      synchronized (this) {
        busy = false;
        if (closed) {
          break;
        }
        if (!absorb(op, mine, outcome)) {
          wake = setInterest(true) && !datagramSocket.selector().onSelectorThread();
          break;
        }
      }
    }
    if (wake) {
      datagramSocket.selector().wakeup();
    }
  }

  /**
   * Sets or clears this direction's interest; under the lock, so a request and a withdrawal
   * never cross. Returns whether the interest was newly requested.
   */
  private boolean setInterest(boolean on) {
    if (on == interested) {
      return false;
    }
    SelectionKey key = datagramSocket.key();
    try {
      if (on) {
        key.interestOpsOr(interestBit);
      } else {
        key.interestOpsAnd(~interestBit);
      }
    } catch (CancelledKeyException e) {
      return false; // closed: the close aborts what is queued
    }
    interested = on;
    return on;
  }

  /**
   * Completes the head with {@code status}, noting it in {@code outcome} if it is the caller's.
   * The caller's own op failing during its call is a call that fails at once: it gives no
   * completion indication (rule 3), except a truncated datagram, which Windows reports both ways
   * (a warning status, STATUS_BUFFER_OVERFLOW, still completes the I/O).
   */
  final void finish(IoOp op, int status, WsaOverlapped mine, int[] outcome) {
    boolean inline = mine != null && op.overlapped == mine;
    if (inline) {
      outcome[0] = 1;
      outcome[1] = status;
      outcome[2] = op.transferred;
    }
    boolean notify = !inline || status == 0 || status == io.wsa4j.Winsock.WSAEMSGSIZE;
    Completions.announce(takeHead(), status, notify);
  }

  /** Whether the channel has work to do: an operation waits (or a level must be kept). Under the lock. */
  boolean wantsIo() {
    return head != null;
  }

  /** Completes what needs no I/O (a datagram already staged). Under the lock. */
  void settle(WsaOverlapped mine, int[] outcome) {}

  /** One non-blocking transfer for {@code op}; outside the lock, by the {@link #busy} holder. */
  abstract void attempt(IoOp op);

  /**
   * Applies the last {@link #attempt} to the head. Under the lock.
   *
   * @return false if the kernel had nothing: wait for readiness
   */
  abstract boolean absorb(IoOp op, WsaOverlapped mine, int[] outcome);
}
