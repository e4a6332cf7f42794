package io.wsa4j.nio2;

import static io.wsa4j.Winsock.WSAENOBUFS;
import static io.wsa4j.Winsock.WSAESHUTDOWN;
import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.TimeUnit;

/**
 * Posted sends of one socket, sent in call order (rule 4), each completing only when every byte
 * of every buffer is gone (rule 5): NIO2 may write part of a gather, so the head is written again
 * from where it stopped until its views are drained.
 *
 * <p>A blocking send goes out through {@link #staging}, a library-owned chunk: if its caller is
 * interrupted while NIO2 writes, the chunk in flight finishes from library memory (the caller owns
 * its buffer again) and nothing after it is sent.
 *
 * <p>{@code shutdown(SD_SEND)} waits for the queue to drain, then shuts the output down, so the FIN
 * follows the data already posted.
 */
final class SendQueue extends OpQueue {
  private static final System.Logger LOG = System.getLogger("io.wsa4j");
  /** The chunk of a blocking send: a class of the context's {@link StagingPool}. */
  private static final int STAGING_BYTES = 16 * 1024;
  /** What {@link #nextIo} returns when the output is to be shut down (outside the lock). */
  private static final Object SHUT_OUTPUT = new Object();
  /** What {@link #nextIo} returns when the FIN is out and a DisconnectEx waits to be told. */
  private static final Object FIN_SENT = new Object();

  private final StagingPool pool;

  // all guarded by this
  /** {@code shutdown(SD_SEND)} was called: new sends fail. */
  private boolean shutdownRequested;
  private boolean outputShut;
  /**
   * Library-owned chunk of a blocking send, from the pool while one runs; bytes to write in
   * [position, limit).
   */
  private ByteBuffer staging;
  /** The write in flight is from {@link #staging}. */
  private boolean writingStaging;
  /** The receive side holds an end of stream until the write in flight settles. */
  private boolean eofWaiting;
  /** A DisconnectEx waiting for the FIN, told outside this lock once it is out. */
  private DisconnectQueue disconnect;
  /** Why the FIN could not be sent (a Winsock code), or 0. */
  private int finError;

  private final CompletionHandler<Integer, IoOp> fromOne = new CompletionHandler<>() {
    @Override
    public void completed(Integer n, IoOp op) {
      writeFinished(op, n);
    }

    @Override
    public void failed(Throwable exc, IoOp op) {
      writeFailed(op, exc);
    }
  };

  private final CompletionHandler<Long, IoOp> fromMany = new CompletionHandler<>() {
    @Override
    public void completed(Long n, IoOp op) {
      writeFinished(op, n.intValue());
    }

    @Override
    public void failed(Throwable exc, IoOp op) {
      writeFailed(op, exc);
    }
  };

  SendQueue(NioSocket socket, AsynchronousSocketChannel channel, int maxPending) {
    super(socket, channel, io.wsa4j.WsaStats.OpKind.SEND, maxPending);
    this.pool = socket.context.staging();
  }

  @Override
  int admissionError() {
    return shutdownRequested ? WSAESHUTDOWN : error != 0 ? error : socket.connectionError();
  }

  /** {@code shutdown(SD_SEND)}: refuse new sends; the FIN goes once the queue is empty. */
  void shutdown() {
    synchronized (this) {
      shutdownRequested = true;
    }
    pump();
  }

  /** {@code DisconnectEx}: as {@link #shutdown()}, and tells {@code d} once the FIN is out. */
  void shutdownThen(DisconnectQueue d) {
    synchronized (this) {
      shutdownRequested = true;
      disconnect = d;
    }
    pump();
  }

  /**
   * Called by the receive side when a read saw end of stream: if a write is in flight, it will
   * be told when that write settles ({@link RecvQueue#writeSettled}); by then a reset the write
   * took is recorded on the socket.
   *
   * @return whether the end of stream must wait
   */
  synchronized boolean holdEofUntilWriteSettles() {
    if (busy && !closed) {
      eofWaiting = true;
      return true;
    }
    return false;
  }

  /** Tells the receive side, outside this lock, that the write it waited for has settled. */
  private void settle(boolean eofWasWaiting) {
    RecvQueue receives = socket.recvQueue();
    if (eofWasWaiting && receives != null) {
      receives.writeSettled();
    }
  }

  @Override
  boolean inFlight(IoOp op) {
    return busy && !writingStaging && op == head;
  }

  @Override
  boolean detachInFlight(IoOp op) {
    return op == head && (busy || (staging != null && staging.hasRemaining()));
  }

  @Override
  void closed() {
    if (staging != null && !busy) {
      pool.give(staging);
      staging = null; // with a write in flight NIO2 still owns it: given back when NIO2 reports
    }
  }

  /**
   * Finishes the ops that need no more writing and returns what to start: the head op to write,
   * {@link #SHUT_OUTPUT}, or the size of a staging chunk to allocate first; null if nothing.
   * Under the lock.
   */
  @Override
  Object nextIo() {
    if (busy || closed) {
      return null;
    }
    for (;;) {
      IoOp op = head;
      if (op == null) {
        if (shutdownRequested && !outputShut) {
          outputShut = true;
          return SHUT_OUTPUT;
        }
        return outputShut && disconnect != null ? FIN_SENT : null;
      }
      if (error != 0 || (error = socket.connectionError()) != 0) {
        finishHead(error); // the connection broke, maybe seen first by a receive
        continue;
      }
      boolean blocking = op.blockingThread != null;
      boolean chunkLeft = blocking && staging != null && staging.hasRemaining();
      if (!chunkLeft && (op.remaining == 0 || (blocking && op.detached))) {
        // all sent, even if cancelIoEx came meanwhile: a send whose bytes all went succeeds; a
        // detached blocking send stops after its chunk
        if (blocking && staging != null) {
          pool.give(staging); // the chunk is only needed while a blocking send runs
          staging = null;
        }
        finishHead(0);
        continue;
      }
      if (op.cancelRequested) {
        // cancelled while NIO2 wrote part of it: aborted, the bytes that went stay counted
        finishHead(WSA_OPERATION_ABORTED);
        continue;
      }
      busy = true;
      if (chunkLeft) {
        writingStaging = true; // rest of a chunk NIO2 wrote only in part
        return op;
      }
      writingStaging = blocking;
      if (blocking) {
        if (staging == null) {
          staging = pool.poll(STAGING_BYTES);
          if (staging == null) {
            return STAGING_BYTES; // allocated outside this lock, in start()
          }
        }
        staging.clear();
        int n = op.drainInto(staging);
        op.transferred += n;
        op.remaining -= n;
        staging.flip();
      }
      return op;
    }
  }

  @Override
  void start(Object io) {
    while (io instanceof Integer) {
      io = grow();
      if (io == null) {
        return;
      }
    }
    if (io == SHUT_OUTPUT) {
      shutdownOutput();
      pump(); // a DisconnectEx waiting for this FIN is told now
      return;
    }
    if (io == FIN_SENT) {
      DisconnectQueue finished;
      int finCode;
      synchronized (this) {
        finished = disconnect;
        disconnect = null;
        finCode = error != 0 ? error : finError;
      }
      if (finished != null) {
        finished.finSent(finCode);
      }
      return;
    }
    IoOp op = (IoOp) io;
    boolean interrupted = IoExecutor.preserveInterrupt();
    try {
      if (writingStaging) {
        channel.write(staging, op, fromOne);
      } else if (op.count - op.cursor == 1) {
        channel.write(op.views[op.cursor], op, fromOne);
      } else {
        channel.write(op.views, op.cursor, op.count - op.cursor, 0L, TimeUnit.MILLISECONDS, op,
            fromMany);
      }
    } catch (RuntimeException e) {
      writeFailed(op, e);
    } finally {
      IoExecutor.restoreInterrupt(interrupted);
    }
  }

  /**
   * Allocates the staging chunk of a blocking send, outside the lock. If direct memory has run
   * out, the send fails with {@code WSAENOBUFS}; nothing throws.
   *
   * @return what to start next, or null
   */
  private Object grow() {
    ByteBuffer fresh = pool.allocate(STAGING_BYTES);
    Object io;
    synchronized (this) {
      busy = false;
      writingStaging = false;
      if (!closed) {
        if (fresh != null) {
          staging = fresh.limit(0); // empty: no chunk of it is left to write
          fresh = null;
        } else if (head != null) {
          finishHead(WSAENOBUFS);
        }
      }
      io = nextIo();
    }
    if (fresh != null) {
      pool.give(fresh); // closed meanwhile
    }
    return io;
  }

  private void shutdownOutput() {
    try {
      channel.shutdownOutput();
    } catch (IOException e) {
      // the connection is already gone; the next receive reports how
      synchronized (this) {
        finError = socket.connectionError() != 0 ? socket.connectionError() : Errors.toWinsock(e);
      }
      LOG.log(System.Logger.Level.DEBUG, "shutdownOutput failed on " + socket, e);
    }
  }

  /** The write NIO2 held when the socket closed has ended: the chunk goes back to the pool. */
  private void releaseAfterClose() {
    if (staging != null) {
      pool.give(staging);
      staging = null;
    }
  }

  private void writeFinished(IoOp op, int n) {
    boolean eofWasWaiting;
    Object io;
    synchronized (this) {
      busy = false;
      eofWasWaiting = eofWaiting;
      eofWaiting = false;
      if (op.abandoned) {
        op.releaseViews();
        return;
      }
      if (closed) {
        releaseAfterClose();
        return;
      }
      if (!writingStaging) {
        op.transferred += n;
        op.remaining -= n;
      }
      writingStaging = false;
      io = nextIo(); // the finished write and the next start: one critical section
    }
    settle(eofWasWaiting);
    if (io != null) {
      start(io);
    }
  }

  private void writeFailed(IoOp op, Throwable exc) {
    boolean eofWasWaiting;
    Object io;
    synchronized (this) {
      busy = false;
      eofWasWaiting = eofWaiting;
      eofWaiting = false;
      writingStaging = false;
      if (staging != null) {
        staging.clear().flip(); // nothing left to write from it
      }
      if (op.abandoned) {
        op.releaseViews();
        return;
      }
      if (closed) {
        releaseAfterClose();
        return;
      }
      error = socket.connectionFailed(Errors.toWinsock(exc));
      if (op == head && !op.done) {
        finishHead(error);
      }
      io = nextIo();
    }
    settle(eofWasWaiting); // the reset is recorded: the held end of stream becomes the error
    if (io != null) {
      start(io);
    }
  }
}
