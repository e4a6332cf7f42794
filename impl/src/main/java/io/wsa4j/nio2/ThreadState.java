package io.wsa4j.nio2;

import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaOverlapped;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
  private static final Object INLINE = new Object();
  private static final VarHandle CALL;

  static {
    try {
      CALL = MethodHandles.lookup().findVarHandle(ThreadState.class, "call", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final Thread thread = Thread.currentThread();
  /** The token of this thread's blocking send/recv; only one is in progress at a time. */
  final WsaOverlapped blockingToken = new WsaOverlapped();
  /** This thread's place on a completion port's waiter stack. */
  final NioPort.Waiter portWaiter = new NioPort.Waiter(thread);
  /** Scratch: the validated position and length of each buffer of the call in progress. */
  private int[] regions = new int[8];
  /** Scratch out-parameter for {@link NioPort#take}. */
  final int[] outcome = new int[1];

  /**
   * The overlapped call this thread is making (rule 25): its token while the call runs, then
   * {@link #INLINE} if the operation completed successfully before the call returned, null
   * otherwise. The announcer and the returning call race for it with one atomic step each, so
   * exactly one of "returned 0" and "returned WSA_IO_PENDING" holds, and skip-on-success (rule 26)
   * drops the packet only of an operation whose call returned 0.
   */
  private volatile Object call;

  /** FIFO of finished ops whose routines are due; guarded by this. */
  private IoOp apcHead;
  private IoOp apcTail;

  static ThreadState current() {
    return CURRENT.get();
  }

  /** Scratch room for the regions of {@code buffers} buffers (see {@link IoOp#capture}). */
  int[] regions(int buffers) {
    if (regions.length < 2 * buffers) {
      regions = new int[2 * buffers];
    }
    return regions;
  }

  /** An overlapped call on {@code token} starts; before its op is queued. */
  void beginCall(WsaOverlapped token) {
    call = token;
  }

  /**
   * The op of {@code token} completed successfully: if its call is still running, it now returns
   * 0 (rule 25). Any thread; called by {@link Completions}.
   */
  boolean claimInline(WsaOverlapped token) {
    return CALL.compareAndSet(this, token, INLINE);
  }

  /** The call returns: whether its op completed during it. */
  boolean endCall() {
    return CALL.getAndSet(this, null) == INLINE;
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
      OpQueue owner = op.owner;
      op.recycle(); // the op may be reused by the routine's own next post
      owner.apcRan();
      try {
        routine.complete(error, bytes, overlapped, 0);
      } catch (RuntimeException | Error e) {
        LOG.log(System.Logger.Level.WARNING, "completion routine threw; continuing", e);
      }
    }
  }
}
