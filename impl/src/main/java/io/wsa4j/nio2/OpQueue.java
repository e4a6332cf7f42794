package io.wsa4j.nio2;

import static io.wsa4j.Winsock.MSG_PEEK;
import static io.wsa4j.Winsock.MSG_WAITALL;
import static io.wsa4j.Winsock.WSAEINTR;
import static io.wsa4j.Winsock.WSAEINVAL;
import static io.wsa4j.Winsock.WSAENOBUFS;
import static io.wsa4j.Winsock.WSAENOTSOCK;
import static io.wsa4j.Winsock.WSA_IO_PENDING;
import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;

import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.spi.Spi;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.function.Predicate;

/**
 * The bounded FIFO of one socket's posted operations in one direction. NIO2 allows one read and
 * one write in flight per channel; Winsock allows many posted operations, filled or sent in call
 * order. The queue holds them and hands the head to NIO2 ({@link #pump()}); when NIO2 finishes,
 * the head is announced and the next one goes.
 *
 * <p>Lock: the queue itself. It guards every field below and every {@link IoOp} in the queue.
 * NIO2 calls are made outside it (the handler of a read that completes at once may run on the
 * calling thread); {@link #busy} keeps a second call from starting meanwhile.
 */
abstract class OpQueue {
  private static final Spi.OverlappedAccess TOKENS = Spi.overlapped();

  final NioSocket socket;
  final AsynchronousSocketChannel channel;
  /** The {@link io.wsa4j.WsaStats.OpKind} ordinal of the ops this queue starts. */
  final int kind;
  private final int maxPending;

  // statistics of this queue's own kind (see Stats); guarded by this
  long posted;
  long completed;
  long failed;
  long aborted;
  long bytes;

  /** Posted, not yet completed operations, head first; the head may be in NIO2's hands. */
  IoOp head;
  private IoOp tail;
  /** Operations in the FIFO: bounded by {@link #maxPending} (rule 19). */
  private int pending;
  /**
   * Finished ops whose completion routines wait in an issuing thread's APC queue. They still count
   * against {@link #maxPending} (rule 19): a thread that posts with routines and never waits
   * alertably runs out of room instead of growing its APC queue without bound.
   */
  private int apcs;
  /** Recycled ops, at most {@link #maxPending}. */
  private IoOp free;
  private int freeCount;
  /** An NIO2 read or write is in flight. */
  boolean busy;
  /** The socket was closed: nothing is posted or started any more. */
  boolean closed;
  /** Sticky connection error (a Winsock code) or 0: every later operation fails with it. */
  int error;

  OpQueue(NioSocket socket, AsynchronousSocketChannel channel, io.wsa4j.WsaStats.OpKind kind,
      int maxPending) {
    this.socket = socket;
    this.channel = channel;
    this.kind = kind.ordinal();
    this.maxPending = maxPending;
  }

  /**
   * Whether this queue keeps its own counters (receives and sends, the hot path); accepts and
   * connects are counted by the context's {@link Stats}.
   */
  boolean countsOwnKind() {
    return true;
  }

  /** Operations in the FIFO now. Under the lock. */
  final int pending() {
    return pending;
  }

  /**
   * Counts a finished op; called by {@link Completions} under this queue's lock. An op counts
   * here when it is of this queue's kind, else (accepts, connects, their moved first transfers)
   * with the context.
   */
  final void count(IoOp op, int status, int bytesMoved) {
    if (op.kind == kind && countsOwnKind()) {
      if (status == 0) {
        completed++;
        bytes += bytesMoved;
      } else if (status == io.wsa4j.Winsock.WSA_OPERATION_ABORTED) {
        aborted++;
        socket.context.counters().error(status);
      } else {
        failed++;
        socket.context.counters().error(status);
      }
    } else {
      socket.context.counters().ended(op.kind, status, bytesMoved);
    }
  }

  /** The code a new operation fails with at once (shutdown, known error), or 0. Under the lock. */
  abstract int admissionError();

  /** Starts the head operation in NIO2 if none is in flight, after finishing what can finish. */
  void pump() {
    Object io;
    synchronized (this) {
      io = nextIo();
    }
    if (io != null) {
      start(io);
    }
  }

  /**
   * Under the lock: finishes what needs no I/O and, if an NIO2 call is due, marks the queue busy
   * and returns what {@link #start} needs; null if nothing is to start. Queues whose pump does
   * more than one NIO2 call keep this default, which just asks for {@link #pump()}.
   */
  Object nextIo() {
    return PUMP;
  }

  /** Outside every lock: makes the NIO2 call {@link #nextIo} prepared. */
  void start(Object io) {
    pump();
  }

  /** What the default {@link #nextIo} returns: "run pump() after unlocking". */
  private static final Object PUMP = new Object();

  /**
   * An overlapped call: queues the operation and starts it, in one critical section, and tells
   * whether it finished during the call (rule 25). An op that completes successfully before this
   * returns has been announced already (token written, event signaled, routine queued, packet
   * posted unless skip-on-success applies).
   *
   * @param regions the buffers' positions and lengths as validated (see {@link IoOp#capture}), or
   *     null
   * @param ts the calling thread's state (looked up once per call)
   * @return 0 if it finished during the call, {@code WSA_IO_PENDING} if not (it completes
   *     later), else the Winsock code of the refusal (no completion indication)
   */
  final int post(WsaBuf[] buffers, int count, int[] regions, WsaOverlapped token,
      WsaCompletionRoutine routine, int flags, NioSocket acceptSocket, ThreadState ts) {
    ts.beginCall(token);
    Object io;
    synchronized (this) {
      int code = enqueue(buffers, count, regions, token, routine, null, flags, acceptSocket, ts);
      if (code != 0) {
        ts.endCall();
        return code;
      }
      io = nextIo();
    }
    if (io != null) {
      start(io);
    }
    return ts.endCall() ? 0 : WSA_IO_PENDING;
  }

  /**
   * The first half of {@link #post} for a caller that must update its own state between queuing
   * and starting (ConnectEx, AcceptEx with an address block); {@link #startCall} is the second
   * half, outside every lock.
   *
   * @return 0 if queued, else the Winsock code of the refusal
   */
  final synchronized int enqueueCall(WsaBuf[] buffers, int count, WsaOverlapped token,
      NioSocket acceptSocket, ThreadState ts) {
    ts.beginCall(token);
    int code = enqueue(buffers, count, null, token, null, null, 0, acceptSocket, ts);
    if (code != 0) {
      ts.endCall();
    }
    return code;
  }

  /** Starts what {@link #enqueueCall} queued: 0 if it finished during the call, else pending. */
  final int startCall(ThreadState ts) {
    pump();
    return ts.endCall() ? 0 : WSA_IO_PENDING;
  }

  /**
   * A blocking call (rule 8): queues the operation on the thread's private token and starts it;
   * the caller then parks until the token completes.
   *
   * @return 0 if queued, else the Winsock code of the refusal
   */
  final int postBlocking(WsaBuf[] buffers, int count, int[] regions, int flags,
      NioSocket acceptSocket, ThreadState ts) {
    Object io;
    synchronized (this) {
      int code = enqueue(buffers, count, regions, ts.blockingToken, null, ts.thread, flags,
          acceptSocket, ts);
      if (code != 0) {
        return code;
      }
      io = nextIo();
    }
    if (io != null) {
      start(io);
    }
    return 0;
  }

  /**
   * Queues an operation without starting it, for queues that complete or start it their own way
   * (an ioctl's immediate op, DisconnectEx); the caller starts it. A blocking op's thread is the
   * calling one.
   *
   * @return 0 if queued, else the Winsock code of the refusal
   */
  final synchronized int enqueue(WsaBuf[] buffers, int count, WsaOverlapped token,
      WsaCompletionRoutine routine, Thread blockingThread, int flags) {
    return enqueue(buffers, count, null, token, routine, blockingThread, flags, null,
        ThreadState.current());
  }

  /** Queues an operation, or refuses it with no completion indication. Under the lock. */
  private int enqueue(WsaBuf[] buffers, int count, int[] regions, WsaOverlapped token,
      WsaCompletionRoutine routine, Thread blockingThread, int flags, NioSocket acceptSocket,
      ThreadState ts) {
    int code = closed ? WSAENOTSOCK : admissionError();
    if (code == 0 && pending + apcs >= maxPending) {
      code = WSAENOBUFS;
    }
    if (code == 0 && !TOKENS.tryBegin(token)) {
      code = WSAEINVAL; // the token is pending in another call (rule 17)
    }
    if (code != 0) {
      return code;
    }
    if (routine == null && blockingThread == null) {
      WsaEvent event = token.event(); // final: no user code. Starting resets the event (rule 3)
      if (event instanceof NioEvent) {
        ((NioEvent) event).reset();
      }
    }
    IoOp op = free;
    if (op != null) {
      free = op.next;
      freeCount--;
    } else {
      op = new IoOp(this);
    }
    op.capture(buffers, count, regions);
    op.issuedOn = socket;
    op.overlapped = token;
    op.routine = routine;
    op.issuer = routine != null && blockingThread == null ? ts : null;
    op.caller = blockingThread == null ? ts : null;
    op.blockingThread = blockingThread;
    op.acceptSocket = acceptSocket;
    op.kind = kind;
    if (countsOwnKind()) {
      posted++;
    } else {
      socket.context.counters().posted(kind);
    }
    op.waitAll = (flags & MSG_WAITALL) != 0;
    op.peek = (flags & MSG_PEEK) != 0;
    if (tail == null) {
      head = op;
    } else {
      tail.next = op;
    }
    tail = op;
    pending++;
    return 0;
  }

  /**
   * Takes over an op another queue started (the first receive of an AcceptEx, the first send of a
   * ConnectEx) and puts it at the tail. Not bounded: the op was admitted by its first queue.
   */
  final synchronized void adopt(IoOp op) {
    op.owner = this;
    op.next = null;
    if (tail == null) {
      head = op;
    } else {
      tail.next = op;
    }
    tail = op;
    pending++;
  }

  /**
   * {@code CancelIoEx}: every overlapped op issued on this queue's socket with {@code token} (all
   * of them when null) completes with {@code WSA_OPERATION_ABORTED} now, except one NIO2 holds,
   * which aborts when NIO2 lets go (see {@link #inFlight}). Blocking calls are not touched (they
   * are the calling threads' own, as {@code CancelSynchronousIo} would be), nor is an AcceptEx of
   * another socket waiting here for its first data (scenario 49: it belongs to the listener).
   *
   * @param by only the ops this thread issued ({@code CancelIo}, rule 27), or null for all
   * @return how many ops matched
   */
  final int cancel(WsaOverlapped token, ThreadState by) {
    return cancelWhere(op -> op.issuedOn == socket && op.blockingThread == null && !op.detached
        && (token == null || op.overlapped == token) && (by == null || op.caller == by), true);
  }

  /** Aborts the accepts into {@code acceptSocket}, blocking ones included (it is being closed). */
  final int cancelAcceptsInto(NioSocket acceptSocket) {
    return cancelWhere(op -> op.acceptSocket == acceptSocket, true);
  }

  /**
   * Aborts the AcceptEx ops of {@code listener} (those started with {@code token}, or all) that
   * wait here, on their accepted socket, for the first data.
   */
  final int cancelIssuedOn(NioSocket listener, WsaOverlapped token, ThreadState by,
      boolean notify) {
    return cancelWhere(op -> op.issuedOn == listener
        && (token == null || op.overlapped == token) && (by == null || op.caller == by), notify);
  }

  private synchronized int cancelWhere(Predicate<IoOp> matches, boolean notify) {
    int matched = 0;
    IoOp prev = null;
    IoOp op = head;
    while (op != null) {
      IoOp next = op.next;
      if (!matches.test(op)) {
        prev = op;
      } else if (inFlight(op)) {
        op.cancelRequested = true;
        matched++;
        prev = op;
      } else {
        unlink(prev, op);
        matched++;
        Completions.announce(op, abortStatus(op), notify);
      }
      op = next;
    }
    return matched;
  }

  /** {@link Completions} queued an op's routine. Under the lock. */
  final void apcQueued() {
    apcs++;
  }

  /** A queued routine was taken off its APC queue to run: its room is free again. */
  final synchronized void apcRan() {
    apcs--;
  }

  /** Takes an op back for reuse. Any thread; ops of a closed queue are left to the GC. */
  final synchronized void recycle(IoOp op) {
    if (!closed && freeCount < maxPending) {
      op.next = free;
      free = op;
      freeCount++;
    }
  }

  /** The op queued last (the one {@code enqueue} just added, inside the same lock). */
  final IoOp tail() {
    return tail;
  }

  /** Removes the head and returns it, unannounced, to move it elsewhere. Under the lock. */
  final IoOp takeHead() {
    IoOp op = head;
    unlink(null, op);
    return op;
  }

  /** Whether an op for {@code acceptSocket} is queued. Under the lock. */
  final boolean holdsAcceptInto(NioSocket acceptSocket) {
    for (IoOp op = head; op != null; op = op.next) {
      if (op.acceptSocket == acceptSocket) {
        return true;
      }
    }
    return false;
  }

  /** Removes the head and announces it. Under the lock. */
  final void finishHead(int status) {
    Completions.announce(takeHead(), status, true);
  }

  /** Lets go of the direction's resources once the socket is closed. Under the lock. */
  void closed() {}

  /** Whether NIO2 holds {@code op} right now; subclasses say how they know. Under the lock. */
  abstract boolean inFlight(IoOp op);

  /**
   * {@code closesocket} / {@code WSACleanup}: every queued operation completes with
   * {@code WSA_OPERATION_ABORTED}; the one NIO2 holds is announced now and abandoned to NIO2
   * (the channel is being closed, so NIO2 will report it and let go).
   *
   * @param notify false for cleanup: statuses are written, events and routines stay silent
   */
  final synchronized void abortAll(boolean notify) {
    closed = true;
    free = null;
    freeCount = 0;
    closed();
    while (head != null) {
      if (inFlight(head)) {
        head.abandoned = true; // asked before it leaves the head: inFlight looks at the head
      }
      Completions.announce(takeHead(), WSA_OPERATION_ABORTED, notify);
    }
  }

  /**
   * A blocking call was interrupted: take its op out so the caller can return {@code WSAEINTR}.
   * No byte is lost: subclasses keep what NIO2 still delivers for the op (see
   * {@link #detachInFlight}).
   *
   * @return false if the op had already completed (the caller reports its real result)
   */
  final synchronized boolean cancelBlocking(WsaOverlapped token) {
    IoOp prev = null;
    IoOp op = head;
    while (op != null && op.overlapped != token) {
      prev = op;
      op = op.next;
    }
    if (op == null) {
      return false;
    }
    op.overlapped = null;
    TOKENS.complete(token, WSAEINTR, 0);
    if (detachInFlight(op)) {
      op.detached = true;
      return true;
    }
    unlink(prev, op);
    op.done = true;
    op.recycle();
    return true;
  }

  /**
   * The status a cancelled op that NIO2 does not hold completes with: {@code
   * WSA_OPERATION_ABORTED}, unless a subclass knows the op already holds a result. Under the lock.
   */
  int abortStatus(IoOp op) {
    return WSA_OPERATION_ABORTED;
  }

  /** {@code op} leaves the FIFO, for whatever reason; subclasses forget what they knew of it. */
  void left(IoOp op) {}

  /** Takes {@code op}, which follows {@code prev} (null: it is the head), out of the FIFO. */
  private void unlink(IoOp prev, IoOp op) {
    left(op);
    if (prev == null) {
      head = op.next;
    } else {
      prev.next = op.next;
    }
    if (tail == op) {
      tail = prev;
    }
    op.next = null;
    pending--;
  }

  /**
   * Whether an interrupted blocking op must stay queued, detached, because NIO2 is still moving
   * its bytes (a send's staged chunk); otherwise it is simply removed. Under the lock.
   */
  abstract boolean detachInFlight(IoOp op);
}
