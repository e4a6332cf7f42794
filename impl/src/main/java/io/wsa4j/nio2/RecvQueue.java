package io.wsa4j.nio2;

import static io.wsa4j.Winsock.WSAENOBUFS;
import static io.wsa4j.Winsock.WSAENOTSOCK;
import static io.wsa4j.Winsock.WSAESHUTDOWN;
import static io.wsa4j.Winsock.WSAEWOULDBLOCK;

import io.wsa4j.WsaBuf;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Posted receives of one socket, filled in call order (rule 4).
 *
 * <p>NIO2 reads land in {@link #staging}, a library-owned direct buffer, and are copied into the
 * head receive's buffers. A read handed to NIO2 cannot be recalled; because it never targets the
 * caller's memory, a receive can leave the queue at any time (interrupted blocking call, closed
 * socket) and the bytes the read brings simply wait, staged, for the next receive: no byte is
 * lost. The copy is the one NIO2 itself makes for heap buffers; for direct buffers it is the price
 * of that guarantee.
 *
 * <p>End of stream and connection errors are sticky: every later receive completes with 0 bytes
 * (EOF, winsock-semantics scenario 41) or fails with the same code.
 */
final class RecvQueue extends OpQueue {
  private final StagingPool pool;

  // all guarded by this
  /** The peer closed gracefully. */
  private boolean eof;
  /**
   * A read saw end of stream while a write of this socket was in flight. Linux hands a socket's
   * error to the first read or write only: if that write took a reset, this "end of stream" is
   * the reset seen second. The EOF waits until the write settles ({@link #writeSettled}): after a
   * reset that is at once (the kernel fails the write, and NIO2's poller reports it), so the
   * receive fails with the reset as on Windows. A write blocked because the peer does not read
   * may not settle for a long time, and a real FIN must still end the receives: so the hold ends
   * after {@link #EOF_HOLD_MILLIS} at the latest (then the write is taken as blocked by a peer
   * that sent its FIN and does not read, not failing on a reset). The JDK itself offers
   * no way to tell a FIN from a reset whose error the write took.
   */
  private boolean eofHeld;
  /** The longest an end of stream waits for a write in flight (see {@link #eofHeld}). */
  static final long EOF_HOLD_MILLIS = 200;
  /**
   * Ends a hold with {@link #writeSettled} on the JDK's one delayed-task thread (a JVM-wide
   * daemon that {@code CompletableFuture} starts at its first delayed task and keeps); only
   * wsa4j's own completion code runs there.
   */
  private static final Executor EOF_HOLD_TIMER =
      CompletableFuture.delayedExecutor(EOF_HOLD_MILLIS, TimeUnit.MILLISECONDS, Runnable::run);
  /** {@code shutdown(SD_RECEIVE)}: new receives fail; pending ones go on (scenario 42). */
  private boolean shutdown;
  /** Where NIO2 reads; holds undelivered bytes in [position, limit) when {@link #staged}. */
  private ByteBuffer staging;
  private boolean staged;
  /**
   * The staging capacity a zero-byte receive reads with. It starts at the smallest class, so an
   * idle connection holds 1 KiB; a read that fills it means data is flowing, and the next one
   * reads more (up to 64 KiB), so that the receive that follows gets a whole message at once, as
   * on Windows where it takes everything the kernel holds; a read that does not fill it drained
   * the connection, and the next zero-byte read is back at 1 KiB. So an idle connection with a
   * zero-byte receive posted holds 1 KiB, except right after a burst that ended exactly at a full
   * buffer: then up to 64 KiB, until its next data arrives (a read NIO2 holds cannot be recalled
   * or resized).
   */
  private int zeroByteCapacity = StagingPool.SMALLEST;
  /** The read that staged the bytes now staged filled its buffer: more is likely in the kernel. */
  private boolean readFilled;
  /**
   * The head receive, which took every staged byte and has room left after a read that filled
   * staging, and now gets one more read during the same call: Windows' recv takes everything the
   * socket holds, and a receive after a zero-byte one would otherwise get only the small
   * zero-byte chunk of a larger message. If that read does not finish during the call
   * ({@link #topUpReturned}), or ends in end of stream or an error, the receive completes with
   * what it has; a read still in flight then simply stages for the next receive. Null if none.
   */
  private IoOp topUp;
  /** Counts top-ups, so that a returning call knows whether its own top-up is still open. */
  private long topUps;
  /**
   * The readiness models watch this socket ({@link Readiness}): while no receive is posted, a
   * staging read stays in flight as for a zero-byte receive, so that arriving data, an end of
   * stream or a reset is known (and pushed) without a receive asking.
   */
  private volatile boolean watched;

  private final CompletionHandler<Integer, Void> readHandler = new CompletionHandler<>() {
    @Override
    public void completed(Integer n, Void unused) {
      readFinished(n);
    }

    @Override
    public void failed(Throwable exc, Void unused) {
      readFailed(exc);
    }
  };

  RecvQueue(NioSocket socket, AsynchronousSocketChannel channel, int maxPending,
      StagingPool pool) {
    super(socket, channel, io.wsa4j.WsaStats.OpKind.RECV, maxPending);
    this.pool = pool;
  }

  @Override
  int admissionError() {
    return shutdown ? WSAESHUTDOWN : error != 0 ? error : socket.connectionError();
  }

  synchronized void shutdown() {
    shutdown = true;
  }

  @Override
  boolean inFlight(IoOp op) {
    return false; // NIO2 only ever holds the staging buffer
  }

  @Override
  boolean detachInFlight(IoOp op) {
    return false;
  }

  @Override
  void closed() {
    if (staging != null && !busy) {
      pool.give(staging);
      staging = null; // with a read in flight NIO2 still owns it: given back when NIO2 reports
    }
    staged = false;
  }

  @Override
  Object nextIo() {
    deliver();
    publishLevels();
    if (busy || closed || eofHeld || (head == null && !probeWanted())) {
      return null;
    }
    // deliver() leaves nothing staged while a receive waits: the buffer is free to refill
    busy = true;
    long wanted = head == null ? 0 : head.remaining;
    int capacity = stagingCapacity(wanted);
    if (staging == null || staging.capacity() < capacity
        || (wanted == 0 && staging.capacity() > capacity)) {
      ByteBuffer pooled = pool.poll(capacity);
      if (pooled == null) {
        return capacity; // allocated outside this lock, in start()
      }
      swapStaging(pooled);
    }
    return staging.clear();
  }

  @Override
  void start(Object io) {
    while (io instanceof Integer) {
      io = grow((Integer) io);
      if (io == null) {
        return;
      }
    }
    IoOp toppingUp = topUp; // written by this thread in nextIo; stable until the read starts
    long topUpCount = topUps;
    boolean interrupted = IoExecutor.preserveInterrupt();
    try {
      channel.read((ByteBuffer) io, null, readHandler);
    } catch (RuntimeException e) { // e.g. ShutdownChannelGroupException, thrown at the call
      readFailed(e);
    } finally {
      IoExecutor.restoreInterrupt(interrupted);
    }
    if (toppingUp != null) {
      topUpReturned(toppingUp, topUpCount);
    }
  }

  /**
   * The read of a top-up returned: if its receive is still waiting (the read is parked in epoll,
   * or its handler waits deferred on this thread), it completes now with the bytes it has.
   */
  private void topUpReturned(IoOp op, long count) {
    Object io;
    synchronized (this) {
      if (topUp != op || topUps != count || closed) {
        return; // the read finished it
      }
      finishHead(0); // op is the head: a top-up leaves the FIFO only through left()
      io = nextIo();
    }
    if (io != null) {
      start(io);
    }
  }

  @Override
  void left(IoOp op) {
    if (op == topUp) {
      topUp = null;
    }
  }

  /** A receive that already took bytes completes with them when cancelled (none is lost). */
  @Override
  int abortStatus(IoOp op) {
    return holdsResult(op) ? 0 : super.abortStatus(op);
  }

  /**
   * Whether {@code op} already took bytes that are its result: a top-up's receive. (A
   * {@code MSG_WAITALL} receive that took some is not done until its buffers are full.)
   */
  private static boolean holdsResult(IoOp op) {
    return op.transferred > 0 && !op.waitAll;
  }

  boolean isWatched() {
    return watched;
  }

  /** Starts keeping the readiness levels current (see {@link #watched}). */
  void watch() {
    synchronized (this) {
      watched = true;
    }
    pump();
  }

  /** A probe read is wanted: watched, nothing staged, the stream still open. Under the lock. */
  private boolean probeWanted() {
    return watched && !staged && !eof && error == 0 && socket.connectionError() == 0;
  }

  /** Tells the readiness models what a receive would find now. Under the lock. */
  private void publishLevels() {
    if (!watched) {
      return;
    }
    Readiness r = socket.readiness;
    r.readable(head == null && staged);
    if (head == null && !staged && !eofHeld) {
      int code = error != 0 ? error : socket.connectionError();
      if (code != 0 || eof) {
        r.ended(code);
      }
    }
  }

  /**
   * Whether a non-blocking receive that just emptied staging should read again at once: the read
   * that staged those bytes filled its buffer, so more is likely in the kernel, and nothing else
   * is reading.
   */
  synchronized boolean moreLikelyWaiting() {
    return !staged && readFilled && head == null && !busy && !eof && error == 0 && !closed;
  }

  /** FIONREAD: the bytes a receive returns now (those staged, when no receive is posted). */
  synchronized int readableNow() {
    return head == null && staged ? staging.remaining() : 0;
  }

  /**
   * A receive that never waits (rule 28): the staged bytes, when no posted receive is ahead.
   * Copies into {@code dst} (from {@code off}, at most {@code len}) or, when {@code dst} is null,
   * into the regions of {@code bufs} (their positions unchanged). The caller then calls
   * {@link #pump()}, which fetches more and publishes the new levels.
   *
   * @return the bytes copied (0 at end of stream), or minus the Winsock code:
   *     {@code WSAEWOULDBLOCK} while nothing is here
   */
  synchronized int receiveNow(byte[] dst, int off, int len, WsaBuf[] bufs, int count,
      boolean peek) {
    if (closed) {
      return -WSAENOTSOCK;
    }
    if (shutdown) {
      return -WSAESHUTDOWN;
    }
    if (head != null || eofHeld) {
      return -WSAEWOULDBLOCK; // posted receives are served first
    }
    if (!staged) {
      int code = error != 0 ? error : socket.connectionError();
      return code != 0 ? -code : eof ? 0 : -WSAEWOULDBLOCK;
    }
    int mark = staging.position();
    int copied = 0;
    if (dst != null) {
      copied = Math.min(len, staging.remaining());
      staging.get(dst, off, copied);
    } else {
      for (int i = 0; i < count && staging.hasRemaining(); i++) {
        ByteBuffer b = bufs[i].buf();
        int n = Math.min(bufs[i].len(), staging.remaining());
        b.put(b.position(), staging, staging.position(), n);
        staging.position(staging.position() + n);
        copied += n;
      }
    }
    if (peek) {
      staging.position(mark);
    } else {
      staged = staging.hasRemaining();
      bytes += copied;
    }
    return copied;
  }

  /**
   * Allocates a staging buffer no pool had, outside the lock. If direct memory has run out, the
   * receive that needed it fails with {@code WSAENOBUFS}; nothing throws.
   *
   * @return what to start next, or null
   */
  private Object grow(int capacity) {
    ByteBuffer fresh = pool.allocate(capacity);
    Object io;
    synchronized (this) {
      busy = false;
      if (closed) {
        io = null;
      } else if (fresh != null) {
        swapStaging(fresh);
        fresh = null;
        io = nextIo();
      } else if (head != null) {
        // each failure takes one receive: this ends (a top-up keeps the bytes it has)
        finishHead(head == topUp ? 0 : WSAENOBUFS);
        io = nextIo();
      } else {
        io = null; // a readiness probe: it is tried again with the next receive or watch
      }
    }
    if (fresh != null) {
      pool.give(fresh); // closed meanwhile
    }
    return io;
  }

  private void swapStaging(ByteBuffer b) {
    if (staging != null) {
      pool.give(staging);
    }
    staging = b;
  }

  /**
   * The staging capacity for a read on behalf of a receive of {@code wanted} bytes: the class that
   * holds it, or for a zero-byte receive the adaptive {@link #zeroByteCapacity}. Under the lock.
   */
  private int stagingCapacity(long wanted) {
    return wanted == 0 ? zeroByteCapacity : StagingPool.capacityFor(wanted);
  }

  /**
   * Completes what needs no I/O: staged bytes into the head, then EOF or a sticky error for
   * everything queued. Stops at a receive that needs a read. Under the lock.
   */
  private void deliver() {
    while (head != null) {
      IoOp op = head;
      if (staged) {
        if (op.remaining == 0 && op.transferred == 0) {
          finishHead(0); // zero-byte receive: data is here; report 0 and consume nothing (rule 7)
          continue;
        }
        if (op.peek) {
          int mark = staging.position();
          op.fillFrom(staging);
          staging.position(mark); // MSG_PEEK: copy, leave the bytes for the next receive
          finishHead(0);
          continue;
        }
        op.fillFrom(staging);
        staged = staging.hasRemaining();
        if (op.waitAll && op.hasRoom()) {
          continue; // MSG_WAITALL: read more into the rest
        }
        if (!staged && readFilled && op != topUp && op.hasRoom() && !eof && !eofHeld
            && error == 0 && !busy) {
          topUp = op; // nextIo reads for the rest at once, during this call
          topUps++;
          return;
        }
        finishHead(0);
      } else if (error != 0 || (error = socket.connectionError()) != 0) {
        // the connection broke, maybe seen first by a send; a receive that already holds bytes
        // (a top-up) completes with them, and the next one gets the error
        finishHead(holdsResult(op) ? 0 : error);
      } else if (eof) {
        finishHead(0); // 0 bytes, or what MSG_WAITALL had gathered before the close
      } else {
        return;
      }
    }
  }

  private void readFinished(int n) {
    Object io;
    synchronized (this) {
      busy = false;
      if (closed) {
        releaseAfterClose();
        return;
      }
      if (n < 0) {
        io = null;
      } else {
        adaptZeroByteCapacity(n);
        readFilled = n == staging.capacity();
        staging.flip();
        staged = n > 0;
        io = nextIo(); // the finished read and the next start: one critical section
      }
    }
    if (n >= 0) {
      if (io != null) {
        start(io);
      }
      return;
    }
    // asked outside this lock: the send queue calls back into this one
    SendQueue sends = socket.sendQueue();
    boolean held = sends != null && sends.holdEofUntilWriteSettles();
    synchronized (this) {
      if (held) {
        eofHeld = true;
      } else {
        eof = true; // a write that took a reset has recorded it by now: deliver() checks
      }
    }
    if (held) {
      EOF_HOLD_TIMER.execute(this::writeSettled); // at the latest; one small task per hold: rare
    }
    pump();
  }

  /** The read NIO2 held when the socket closed has ended: its buffer goes back to the pool. */
  private void releaseAfterClose() {
    if (staging != null) {
      pool.give(staging);
      staging = null;
    }
  }

  /**
   * Adapts the read a zero-byte receive makes. A read that filled staging means more is queued in
   * the kernel: the next one reads four times as much (up to 64 KiB), and it completes at once
   * rather than waiting. A read that did not fill it drained the connection: the next zero-byte
   * read, the one likely to wait while the connection idles, is back to the smallest class.
   */
  private void adaptZeroByteCapacity(int n) {
    int capacity = staging.capacity();
    if (n == capacity) {
      zeroByteCapacity = Math.min(StagingPool.LARGEST, Math.max(zeroByteCapacity, capacity) * 4);
    } else {
      zeroByteCapacity = StagingPool.SMALLEST;
    }
  }

  /**
   * The write an end of stream waited for has finished (one way or the other), or the hold ran
   * out ({@link #EOF_HOLD_TIMER}): the end of stream goes to the receives.
   */
  void writeSettled() {
    synchronized (this) {
      if (!eofHeld) {
        return;
      }
      eofHeld = false;
      eof = true;
    }
    pump();
  }

  private void readFailed(Throwable exc) {
    Object io;
    synchronized (this) {
      busy = false;
      if (closed) {
        releaseAfterClose();
        return;
      }
      error = socket.connectionFailed(Errors.toWinsock(exc));
      io = nextIo(); // fails every receive with the sticky error
    }
    if (io != null) {
      start(io);
    }
  }
}
