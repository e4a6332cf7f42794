package io.wsa4j.nio2;

import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaOverlapped;
import java.util.concurrent.locks.LockSupport;

/**
 * What wsa4j keeps per application thread: its APC queue (the completion routines waiting for it
 * to enter an alertable wait, as Windows queues them to the issuing thread) and a private token
 * its blocking calls use.
 *
 * <p>The APC queue links the finished {@link IoOp}s themselves, so queuing a routine allocates
 * nothing. It is bounded by the operations the thread has posted: each one can be queued once.
 */
final class ThreadState {
  private static final System.Logger LOG = System.getLogger("io.wsa4j");
  private static final ThreadLocal<ThreadState> CURRENT = ThreadLocal.withInitial(ThreadState::new);

  final Thread thread = Thread.currentThread();
  /** The token of this thread's blocking send/recv; only one is in progress at a time. */
  final WsaOverlapped blockingToken = new WsaOverlapped();
  /** This thread's place on a completion port's waiter stack. */
  final NioPort.Waiter portWaiter = new NioPort.Waiter(thread);
  /** Scratch out-parameter for {@link NioPort#take}. */
  final int[] outcome = new int[1];

  /** FIFO of finished ops whose routines are due; guarded by this. */
  private IoOp apcHead;
  private IoOp apcTail;

  static ThreadState current() {
    return CURRENT.get();
  }

  /**
   * Queues {@code op}'s routine for this thread. Returns false (and queues nothing) if the thread
   * has ended: the operation stays completed, only its routine is dropped (rule 9).
   */
  boolean queueApc(IoOp op) {
    synchronized (this) {
      if (!thread.isAlive()) {
        return false;
      }
      op.next = null;
      if (apcTail == null) {
        apcHead = op;
      } else {
        apcTail.next = op;
      }
      apcTail = op;
    }
    LockSupport.unpark(thread);
    return true;
  }

  synchronized boolean hasApcs() {
    return apcHead != null;
  }

  /**
   * Runs every queued routine, in queue order, on the calling thread (which must be this one).
   * Routines queued while they run are run too. A routine that throws is logged and the others
   * still run.
   *
   * @return whether any routine ran
   */
  boolean runApcs() {
    boolean ran = false;
    for (;;) {
      IoOp op;
      synchronized (this) {
        op = apcHead;
        if (op == null) {
          return ran;
        }
        apcHead = op.next;
        if (apcHead == null) {
          apcTail = null;
        }
        op.next = null;
      }
      ran = true;
      WsaCompletionRoutine routine = op.routine;
      WsaOverlapped overlapped = op.overlapped;
      int error = op.status;
      int bytes = op.transferred;
      op.recycle(); // the op may be reused by the routine's own next post
      try {
        routine.complete(error, bytes, overlapped, 0);
      } catch (RuntimeException | Error e) {
        LOG.log(System.Logger.Level.WARNING, "completion routine threw; continuing", e);
      }
    }
  }
}
