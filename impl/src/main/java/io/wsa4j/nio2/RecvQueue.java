package io.wsa4j.nio2;

import static io.wsa4j.Winsock.WSAESHUTDOWN;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.TimeUnit;

/**
 * Posted receives of one socket, filled in call order (rule 4).
 *
 * <p>An overlapped receive is read by NIO2 straight into the caller's buffers (no copy for direct
 * buffers). A blocking receive reads into {@link #staging}, a library-owned buffer, and is copied
 * out: if its caller is interrupted the read cannot be recalled, and the bytes it brings stay
 * staged for the next receive instead of landing in a buffer the caller owns again. Staged bytes
 * are always delivered before anything is read.
 *
 * <p>End of stream and connection errors are sticky: every later receive completes with 0 bytes
 * (EOF, winsock-semantics scenario 41) or fails with the same code.
 */
final class RecvQueue extends OpQueue {
  private static final int STAGING_BYTES = 16 * 1024;

  // all guarded by this
  /** The peer closed gracefully. */
  private boolean eof;
  /** {@code shutdown(SD_RECEIVE)}: new receives fail; pending ones go on (scenario 42). */
  private boolean shutdown;
  /** Library-owned receive buffer; holds undelivered bytes in [position, limit) when staged. */
  private ByteBuffer staging;
  private boolean staged;
  /** The read in flight targets {@link #staging} rather than the head's buffers. */
  private boolean readingIntoStaging;

  private final CompletionHandler<Integer, IoOp> intoOne = new CompletionHandler<>() {
    @Override
    public void completed(Integer n, IoOp op) {
      readFinished(op, n);
    }

    @Override
    public void failed(Throwable exc, IoOp op) {
      readFailed(op, exc);
    }
  };

  private final CompletionHandler<Long, IoOp> intoMany = new CompletionHandler<>() {
    @Override
    public void completed(Long n, IoOp op) {
      readFinished(op, n.intValue());
    }

    @Override
    public void failed(Throwable exc, IoOp op) {
      readFailed(op, exc);
    }
  };

  private final CompletionHandler<Integer, Void> intoStaging = new CompletionHandler<>() {
    @Override
    public void completed(Integer n, Void unused) {
      stagingFinished(n);
    }

    @Override
    public void failed(Throwable exc, Void unused) {
      readFailed(null, exc);
    }
  };

  RecvQueue(NioSocket socket, AsynchronousSocketChannel channel, int maxPending) {
    super(socket, channel, maxPending);
  }

  @Override
  int admissionError() {
    return shutdown ? WSAESHUTDOWN : error;
  }

  synchronized void shutdown() {
    shutdown = true;
  }

  @Override
  boolean inFlight(IoOp op) {
    return busy && !readingIntoStaging && op == head;
  }

  @Override
  boolean detachInFlight(IoOp op) {
    return false; // a blocking receive reads into staging: it can always be removed
  }

  @Override
  void pump() {
    IoOp op;
    boolean toStaging;
    synchronized (this) {
      deliver();
      if (busy || closed || head == null) {
        return;
      }
      op = head;
      busy = true;
      toStaging = op.blockingThread != null;
      readingIntoStaging = toStaging;
      if (toStaging) {
        if (staging == null) {
          staging = ByteBuffer.allocateDirect(STAGING_BYTES);
        }
        staging.clear();
      }
    }
    try {
      if (toStaging) {
        channel.read(staging, null, intoStaging);
      } else if (op.count - op.cursor == 1) {
        channel.read(op.views[op.cursor], op, intoOne);
      } else {
        channel.read(op.views, op.cursor, op.count - op.cursor, 0L, TimeUnit.MILLISECONDS, op,
            intoMany);
      }
    } catch (RuntimeException e) { // e.g. ShutdownChannelGroupException, thrown at the call
      readFailed(toStaging ? null : op, e);
    }
  }

  /**
   * Completes what needs no I/O: staged bytes into the head, then EOF or a sticky error for
   * everything queued. Stops at an op that needs a read. Under the lock.
   */
  private void deliver() {
    while (head != null && !busy) {
      IoOp op = head;
      if (staged) {
        op.fillFrom(staging);
        staged = staging.hasRemaining();
        if (op.waitAll && op.hasRoom()) {
          continue; // MSG_WAITALL: keep reading into the rest
        }
        finishHead(0);
      } else if (eof) {
        finishHead(0); // 0 bytes, or what MSG_WAITALL had gathered before the close
      } else if (error != 0) {
        finishHead(error);
      } else {
        return;
      }
    }
  }

  private void readFinished(IoOp op, int n) {
    synchronized (this) {
      busy = false;
      if (op.abandoned) {
        op.releaseViews(); // aborted by close while NIO2 held it; NIO2 is done with it now
        return;
      }
      if (closed) {
        return;
      }
      if (n < 0) {
        eof = true;
        finishHead(0);
      } else {
        op.transferred += n;
        op.remaining -= n;
        if (!op.waitAll || !op.hasRoom()) {
          finishHead(0);
        }
      }
    }
    pump();
  }

  private void stagingFinished(int n) {
    synchronized (this) {
      busy = false;
      readingIntoStaging = false;
      if (closed) {
        return;
      }
      if (n < 0) {
        eof = true;
      } else {
        staging.flip();
        staged = n > 0;
      }
    }
    pump();
  }

  private void readFailed(IoOp op, Throwable exc) {
    synchronized (this) {
      busy = false;
      readingIntoStaging = false;
      if (op != null && op.abandoned) {
        op.releaseViews();
        return;
      }
      if (closed) {
        return;
      }
      error = Errors.toWinsock(exc);
      if (op != null) {
        finishHead(error);
      }
    }
    pump(); // fails the rest with the sticky error
  }
}
