package io.wsa4j.nio2;

import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.spi.Spi;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One posted send or receive. Objects are reused: each {@link OpQueue} keeps a small free list, so
 * a socket that posts one operation after another allocates nothing in the steady state.
 *
 * <p>Life cycle (all transitions under the owning queue's lock, except the APC hand-off):
 * <pre>
 *   FREE --capture--> QUEUED --(head, handed to NIO2)--> IN FLIGHT --finish--> DONE
 *   QUEUED/IN FLIGHT --abort--> DONE
 *   DONE --(routine queued)--> APC --runApcs--> FREE
 *   DONE --> FREE                       (no routine, or routine dropped)
 * </pre>
 * An op that was in flight when it was aborted is not recycled: NIO2 may still hold its views.
 */
final class IoOp {
  private static final Spi.BufAccess BUFS = Spi.buf();

  /** The queue the op is in (and is recycled to); an AcceptEx/ConnectEx op moves on to a data queue. */
  OpQueue owner;
  /**
   * The socket the operation was issued on: its port gets the packet, its waiters wake. For an
   * AcceptEx that is the listener even while the first receive runs on the accepted socket.
   */
  NioSocket issuedOn;
  /** AcceptEx (and blocking accept): the socket the connection goes into. */
  NioSocket acceptSocket;
  /**
   * The 8-argument AcceptEx: the buffer its address block goes into (see {@link
   * AcceptExAddresses}), or null. The block starts {@link #addressOffset} bytes into it.
   */
  WsaBuf addressBuffer;
  int addressOffset;
  int localAddressLength;
  int remoteAddressLength;
  /** The {@link io.wsa4j.WsaStats.OpKind} ordinal it was started as. */
  int kind;
  /** {@code cancelIoEx} reached this op while NIO2 held it: abort once NIO2 lets go. */
  boolean cancelRequested;

  /** The user's token, or the issuing thread's blocking token; null once detached. */
  WsaOverlapped overlapped;
  WsaCompletionRoutine routine;
  /** The thread whose APC queue gets the routine. */
  ThreadState issuer;
  /** Set for blocking calls: this thread is parked until the token completes. */
  Thread blockingThread;
  /** {@code MSG_WAITALL}: complete only when the buffers are full (or EOF, or an error). */
  boolean waitAll;
  /** {@code MSG_PEEK}: copy the data but leave it for the next receive. */
  boolean peek;

  /** The caller's WsaBufs, kept to release their views. */
  WsaBuf[] bufs = new WsaBuf[1];
  /** Views of the caller's buffers, positioned on the region; advanced as bytes move. */
  ByteBuffer[] views = new ByteBuffer[1];
  /** Whether views[i] is the WsaBuf's cached view (to be given back) or a private duplicate. */
  boolean[] claimed = new boolean[1];
  int count;
  /** First view that still has room (receive) or bytes (send). */
  int cursor;
  long remaining;
  int transferred;

  /** 0 or the Winsock code; valid once done. */
  int status;
  boolean done;
  /** Blocking op whose caller gave up (interrupt): finish without touching any token. */
  boolean detached;
  /**
   * Aborted while NIO2 still held its views: never recycled (NIO2 may yet touch the views); its
   * views are given back when NIO2's handler finally reports it.
   */
  boolean abandoned;
  /** Link in the queue FIFO, the free list, or a thread's APC queue. */
  IoOp next;
  /** {@code WSARecvFrom}: where the datagram's source is written when it completes, or null. */
  java.net.SocketAddress[] fromOut;
  /** {@code WSASendTo}: the datagram's destination (null: the connected peer). */
  java.net.InetSocketAddress to;

  IoOp(OpQueue owner) {
    this.owner = owner;
    this.issuedOn = owner.socket;
  }

  /** Captures the WSABUF array (Windows copies it before the call returns) and positions views. */
  void capture(WsaBuf[] buffers, int n) {
    if (views.length < n) {
      bufs = Arrays.copyOf(bufs, n);
      views = Arrays.copyOf(views, n);
      claimed = Arrays.copyOf(claimed, n);
    }
    long total = 0;
    for (int i = 0; i < n; i++) {
      WsaBuf b = buffers[i];
      ByteBuffer v = BUFS.claimView(b);
      claimed[i] = v != null;
      if (v == null) {
        v = b.buf().duplicate(); // the same WsaBuf is in another pending op
      }
      int pos = b.buf().position();
      v.limit(pos + b.len());
      v.position(pos);
      bufs[i] = b;
      views[i] = v;
      total += b.len();
    }
    count = n;
    cursor = 0;
    remaining = total;
    transferred = 0;
    status = 0;
    done = false;
    detached = false;
    abandoned = false;
    cancelRequested = false;
    acceptSocket = null;
    addressBuffer = null;
    next = null;
    fromOut = null;
    to = null;
  }

  /** Skips views that are full (receive) or drained (send). */
  void advanceCursor() {
    while (cursor < count && !views[cursor].hasRemaining()) {
      cursor++;
    }
  }

  /** Bytes still to move, according to the views. */
  boolean hasRoom() {
    advanceCursor();
    return cursor < count;
  }

  /** Copies as much of {@code src} as fits into the views; returns the bytes copied. */
  int fillFrom(ByteBuffer src) {
    int copied = 0;
    while (src.hasRemaining() && hasRoom()) {
      ByteBuffer v = views[cursor];
      int n = Math.min(v.remaining(), src.remaining());
      int limit = src.limit();
      src.limit(src.position() + n);
      v.put(src);
      src.limit(limit);
      copied += n;
    }
    transferred += copied;
    remaining -= copied;
    return copied;
  }

  /** Copies as many pending bytes of the views as fit into {@code dst}; returns the count. */
  int drainInto(ByteBuffer dst) {
    int copied = 0;
    while (dst.hasRemaining() && hasRoom()) {
      ByteBuffer v = views[cursor];
      int n = Math.min(v.remaining(), dst.remaining());
      int limit = v.limit();
      v.limit(v.position() + n);
      dst.put(v);
      v.limit(limit);
      copied += n;
    }
    return copied;
  }

  /**
   * Gives back the views and drops every reference to user objects, then returns to the pool;
   * does nothing for an abandoned op.
   */
  void recycle() {
    if (abandoned) {
      return;
    }
    releaseViews();
    overlapped = null;
    routine = null;
    issuer = null;
    blockingThread = null;
    acceptSocket = null;
    addressBuffer = null;
    fromOut = null;
    to = null;
    owner.recycle(this);
  }

  /** Gives the cached views back to their WsaBufs and forgets the buffers. */
  void releaseViews() {
    for (int i = 0; i < count; i++) {
      if (claimed[i]) {
        BUFS.releaseView(bufs[i]);
      }
      bufs[i] = null;
      views[i] = null;
    }
    count = 0;
  }
}
