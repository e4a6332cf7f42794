package io.wsa4j.nio2;

import static io.wsa4j.Winsock.WSAEMSGSIZE;

import io.wsa4j.WsaOverlapped;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * Posted {@code WSARecvFrom}s (and {@code WSARecv}s of a connected datagram socket), each given
 * one whole datagram, in arrival order (rule 34).
 *
 * <p>{@code DatagramChannel.receive} silently drops what does not fit the buffer it is given, so
 * datagrams land in {@link #staging}, a library buffer of 64 KiB (more than the largest UDP
 * payload, 65,507 bytes over IPv4 and 65,527 over IPv6), and are copied out: a datagram larger
 * than the receive's buffers fills them and the receive fails with {@code WSAEMSGSIZE}, the count
 * written, as on Windows. A datagram received for a receive that left meanwhile (cancelled,
 * interrupted) stays staged for the next one: nothing received is lost.
 *
 * <p>Errors are not sticky, as for UDP on Windows: an ICMP port-unreachable on a connected socket
 * fails the one receive it reaches with {@code WSAECONNRESET}; the next one waits for datagrams.
 */
final class DatagramRecvQueue extends DatagramQueue {
  // guarded by this (staging's contents also by busy: the busy holder receives into it)
  /** Where datagrams land; taken at the first receive, given back at close. */
  private ByteBuffer staging;
  /** A datagram waits in staging, [position, limit), from {@link #heldFrom}. */
  private boolean held;
  private SocketAddress heldFrom;
  /**
   * The readiness models watch the socket: with no receive posted, one datagram is staged all the
   * same, so that {@code FD_READ} (and FIONREAD, the size of the next datagram) tell the truth.
   */
  private boolean watched;

  // the last attempt's result; written by the busy holder, read under the lock
  private SocketAddress lastFrom;

  DatagramRecvQueue(NioDatagramSocket socket, int maxPending, StagingPool pool) {
    super(socket, io.wsa4j.WsaStats.OpKind.RECV, maxPending, pool, SelectionKey.OP_READ);
  }

  /** Starts keeping the readiness level ({@link Readiness#readable}); idempotent. */
  void watch() {
    synchronized (this) {
      if (watched) {
        return;
      }
      watched = true;
    }
    drain(null, null);
  }

  /** FIONREAD on a datagram socket: the size of the datagram a receive gets now, or 0. */
  synchronized int readableNow() {
    return held ? staging.remaining() : 0;
  }

  @Override
  boolean wantsIo() {
    return head != null || (watched && !held);
  }

  @Override
  boolean inFlight(IoOp op) {
    return false; // the channel only ever fills staging
  }

  @Override
  boolean detachInFlight(IoOp op) {
    return false;
  }

  @Override
  void closed() {
    if (staging != null && !busy) {
      pool.give(staging); // with a receive running the busy holder still writes it: left to the GC
    }
    staging = null;
    held = false;
    heldFrom = null;
  }

  /** Delivers a staged datagram to the head receive. */
  @Override
  void settle(WsaOverlapped mine, int[] outcome) {
    while (held && head != null) {
      IoOp op = head;
      int size = staging.remaining();
      int mark = staging.position();
      op.fillFrom(staging);
      if (op.peek) {
        staging.position(mark); // MSG_PEEK: copy it, leave it for the next receive
      } else {
        held = false;
      }
      if (op.fromOut != null) {
        op.fromOut[0] = heldFrom; // before the status: whoever sees the completion sees the source
      }
      if (!held) {
        heldFrom = null;
        if (watched) {
          datagramSocket.readiness.readable(false); // until the next one is staged
        }
      }
      finish(op, op.transferred < size ? WSAEMSGSIZE : 0, mine, outcome);
    }
  }

  @Override
  void attempt(IoOp op) {
    ByteBuffer target;
    synchronized (this) {
      if (staging == null) {
        staging = pool.take(StagingPool.LARGEST);
      }
      target = staging.clear();
    }
    try {
      lastFrom = datagrams.receive(target);
      lastError = 0;
    } catch (IOException | RuntimeException e) {
      lastFrom = null;
      lastError = Errors.toWinsock(e);
    }
  }

  @Override
  boolean absorb(IoOp op, WsaOverlapped mine, int[] outcome) {
    if (lastError != 0) {
      if (head != null) {
        finish(head, lastError, mine, outcome); // e.g. an ICMP port-unreachable: WSAECONNRESET
      }
      return true;
    }
    if (lastFrom == null) {
      return false;
    }
    staging.flip();
    held = true;
    heldFrom = lastFrom;
    lastFrom = null;
    if (watched) {
      datagramSocket.readiness.readable(true); // a leaf lock: pushed under this one
    }
    return true; // the loop's settle() gives it to the head, if one waits
  }
}
