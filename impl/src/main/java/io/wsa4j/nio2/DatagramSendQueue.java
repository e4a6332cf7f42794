package io.wsa4j.nio2;

import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;

import io.wsa4j.WsaOverlapped;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * Posted {@code WSASendTo}s (and {@code WSASend}s of a connected datagram socket), each sent as
 * one datagram, in call order.
 *
 * <p>A single {@code WsaBuf} is sent from its own view; a gather of several is one datagram, so
 * the buffers are copied into {@link #gather} first (the channel sends one buffer per datagram).
 * The kernel takes a datagram whole or not at all: when its buffer is full the send waits for
 * {@code OP_WRITE}; it is never partial.
 *
 * <p>The head is in the kernel's hands only during the non-blocking {@code send} call, so a
 * cancel reaching it then takes effect right after: it completes with {@code
 * WSA_OPERATION_ABORTED} if the kernel had no room, and with success if the datagram left.
 */
final class DatagramSendQueue extends DatagramQueue {
  // guarded by this
  /** Where a gather is assembled into one datagram; taken at the first gather. */
  private ByteBuffer gather;

  // the last attempt's result; written by the busy holder, read under the lock
  private int lastSent;
  private boolean lastEmpty;

  DatagramSendQueue(NioDatagramSocket socket, int maxPending, StagingPool pool) {
    super(socket, io.wsa4j.WsaStats.OpKind.SEND, maxPending, pool, SelectionKey.OP_WRITE);
  }

  @Override
  boolean inFlight(IoOp op) {
    return busy && op == head;
  }

  @Override
  boolean detachInFlight(IoOp op) {
    return inFlight(op); // the kernel may be reading its buffer: finish it, silently, first
  }

  @Override
  void closed() {
    if (gather != null && !busy) {
      pool.give(gather);
    }
    gather = null;
  }

  @Override
  void attempt(IoOp op) {
    ByteBuffer src;
    if (op.count == 1) {
      src = op.views[0];
    } else {
      synchronized (this) {
        if (gather == null) {
          gather = pool.take(StagingPool.LARGEST);
        }
        src = gather.clear();
      }
      for (int i = 0; i < op.count; i++) {
        ByteBuffer v = op.views[i];
        int n = v.remaining();
        src.put(src.position(), v, v.position(), n); // absolute: a retry gathers again
        src.position(src.position() + n);
      }
      src.flip();
    }
    lastEmpty = !src.hasRemaining();
    try {
      lastSent = op.to != null ? datagrams.send(src, op.to) : datagrams.write(src);
      lastError = 0;
    } catch (IOException | RuntimeException e) {
      lastSent = 0;
      lastError = Errors.toWinsock(e);
    }
  }

  @Override
  boolean absorb(IoOp op, WsaOverlapped mine, int[] outcome) {
    if (lastError != 0) {
      op.transferred = 0;
      finish(op, lastError, mine, outcome);
    } else if (lastSent > 0 || lastEmpty) {
      op.transferred = lastSent; // an empty datagram "sends 0": the kernel takes it or fails
      finish(op, 0, mine, outcome);
    } else if (op.cancelRequested) {
      finish(op, WSA_OPERATION_ABORTED, mine, outcome);
    } else {
      datagramSocket.readiness.writable(false); // no room in the socket buffer: wait for OP_WRITE
      return false;
    }
    if (datagramSocket.readiness.watched()) {
      datagramSocket.readiness.writable(true);
    }
    return true;
  }
}
