package io.wsa4j.nio2;

import static io.wsa4j.Winsock.ERROR_INSUFFICIENT_BUFFER;
import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;

import io.wsa4j.WsaOverlapped;
import java.io.IOException;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Posted accepts of one listening socket — {@code AcceptEx} and blocking {@code accept} alike —
 * served in call order by one NIO2 accept at a time.
 *
 * <p>Each op names the socket the connection goes into. When NIO2 accepts, the head op's socket
 * takes the channel; if the op asked for first data, the op moves on to that socket's receive queue
 * and completes with the first bytes (still announced on the listener: its event, its port).
 * A connection accepted after its op left (cancelled, interrupted) waits in {@link #ready} for the
 * next accept, so none is lost; only one can wait, since an accept is started only for a waiting op.
 */
final class AcceptQueue extends OpQueue {
  private static final System.Logger LOG = System.getLogger("io.wsa4j");

  private final AsynchronousServerSocketChannel server;
  /** A connection accepted with no op left to take it; guarded by this. */
  private AsynchronousSocketChannel ready;
  /**
   * Accepted sockets whose AcceptEx waits, in their receive queue, for the first data. The op is
   * still the listener's: cancelling or closing the listener must reach it there.
   */
  private final Set<NioSocket> awaitingFirstData = ConcurrentHashMap.newKeySet();
  /**
   * The readiness models watch this listener: while no accept is posted, one NIO2 accept stays in
   * flight, so a waiting connection is known ({@code FD_ACCEPT}, readable in select) and a
   * non-blocking {@code accept} takes it from {@link #ready}. Written under this.
   */
  private volatile boolean watched;

  private final CompletionHandler<AsynchronousSocketChannel, Void> acceptHandler =
      new CompletionHandler<>() {
        @Override
        public void completed(AsynchronousSocketChannel ch, Void unused) {
          accepted(ch);
        }

        @Override
        public void failed(Throwable exc, Void unused) {
          acceptFailed(exc);
        }
      };

  AcceptQueue(NioSocket listener, AsynchronousServerSocketChannel server, int maxPending) {
    super(listener, null, io.wsa4j.WsaStats.OpKind.ACCEPT, maxPending);
    this.server = server;
  }

  @Override
  boolean countsOwnKind() {
    return false;
  }

  @Override
  int admissionError() {
    return 0;
  }

  @Override
  boolean inFlight(IoOp op) {
    return false; // NIO2's accept belongs to no op: whoever is head when it lands takes it
  }

  @Override
  boolean detachInFlight(IoOp op) {
    return false;
  }

  @Override
  void closed() {
    if (ready != null) {
      closeQuietly(ready);
      ready = null;
    }
  }

  @Override
  void pump() {
    for (;;) {
      IoOp op;
      AsynchronousSocketChannel ch;
      synchronized (this) {
        if (watched) {
          socket.readiness.acceptable(head == null && ready != null);
        }
        if (closed || (head == null && (!watched || ready != null))) {
          return;
        }
        if (ready == null) {
          if (busy) {
            return;
          }
          busy = true;
          op = null;
          ch = null;
        } else {
          ch = ready;
          ready = null;
          op = takeHead();
        }
      }
      if (op == null) {
        boolean interrupted = IoExecutor.preserveInterrupt();
        try {
          server.accept(null, acceptHandler);
        } catch (RuntimeException e) {
          acceptFailed(e);
        } finally {
          IoExecutor.restoreInterrupt(interrupted);
        }
        return;
      }
      handOver(op, ch);
    }
  }

  boolean isWatched() {
    return watched;
  }

  /** Starts keeping the readiness level current (see {@link #watched}). */
  void watch() {
    synchronized (this) {
      watched = true;
    }
    pump();
  }

  /**
   * A non-blocking {@code accept}: the waiting connection, if no posted accept is ahead; the
   * caller then calls {@link #pump()} to wait for the next one.
   *
   * @return the connection, or null when none waits
   */
  synchronized AsynchronousSocketChannel takeReady() {
    if (closed || head != null || ready == null) {
      return null;
    }
    AsynchronousSocketChannel ch = ready;
    ready = null;
    return ch;
  }

  /** Gives the connection to the op's socket and completes the op, or starts its first receive. */
  private void handOver(IoOp op, AsynchronousSocketChannel ch) {
    NioSocket into = op.acceptSocket;
    into.acceptDone();
    if (op.addressBuffer != null && !addressesFit(op)) {
      // Wine's test_AcceptEx: a short address length fails the AcceptEx once a connection
      // arrives, with ERROR_INSUFFICIENT_BUFFER, and the connection is left for the next accept
      keepForNext(ch);
      synchronized (this) {
        Completions.announce(op, ERROR_INSUFFICIENT_BUFFER, true);
      }
      return;
    }
    if (!into.attachAccepted(ch)) {
      // the socket was closed under the accept: the op is aborted, the connection kept for the next
      keepForNext(ch);
      synchronized (this) {
        Completions.announce(op, WSA_OPERATION_ABORTED, true);
      }
      return;
    }
    if (op.addressBuffer != null) {
      writeAddresses(op, ch);
    }
    if (op.remaining > 0) {
      RecvQueue firstData = into.recvQueue();
      awaitingFirstData.add(into);
      firstData.adopt(op);
      firstData.pump();
    } else {
      synchronized (this) {
        Completions.announce(op, 0, true);
      }
    }
  }

  /**
   * Queues an {@code AcceptEx}; with {@code block} non-null its address block goes into that
   * buffer, {@code offset} bytes in, once a connection is accepted.
   */
  int postAcceptEx(io.wsa4j.WsaBuf[] first, io.wsa4j.WsaOverlapped token,
      NioSocket into, io.wsa4j.WsaBuf block, int offset, int localLength, int remoteLength,
      ThreadState ts) {
    synchronized (this) {
      int code = enqueueCall(first, first.length, token, into, ts);
      if (code != 0) {
        return code;
      }
      if (block != null) {
        for (IoOp op = head; op != null; op = op.next) {
          if (op.acceptSocket == into) { // at most one accept into a socket is queued
            op.addressBuffer = block;
            op.addressOffset = offset;
            op.localAddressLength = localLength;
            op.remoteAddressLength = remoteLength;
          }
        }
      }
    }
    return startCall(ts); // 0 if it accepted (and got its first data) during the call
  }

  /** Keeps an accepted connection whose op could not take it for the next accept. */
  private void keepForNext(AsynchronousSocketChannel ch) {
    synchronized (this) {
      if (ready == null && !closed) {
        ready = ch;
        return;
      }
    }
    closeQuietly(ch);
  }

  /**
   * Whether the address lengths of an 8-argument AcceptEx can hold the addresses. A local length
   * of 0 asks for no local address: Windows completes such an AcceptEx and writes only the remote
   * one (Wine's {@code test_AcceptEx}); any other length must be the address size + 16.
   */
  private boolean addressesFit(IoOp op) {
    int needed = AcceptExAddresses.required(socket.family);
    return (op.localAddressLength == 0 || op.localAddressLength >= needed)
        && op.remoteAddressLength >= needed;
  }

  /** Writes the local and remote address after the first data (the lengths were checked). */
  private void writeAddresses(IoOp op, AsynchronousSocketChannel ch) {
    try {
      java.nio.ByteBuffer buf = op.addressBuffer.buf();
      int at = buf.position() + op.addressOffset;
      if (op.localAddressLength > 0) {
        AcceptExAddresses.write(buf, at, op.localAddressLength,
            (java.net.InetSocketAddress) ch.getLocalAddress());
      }
      AcceptExAddresses.write(buf, at + op.localAddressLength, op.remoteAddressLength,
          (java.net.InetSocketAddress) ch.getRemoteAddress());
    } catch (IOException e) {
      // the connection is already gone: its first receive reports how; no address to give
      LOG.log(System.Logger.Level.DEBUG, "reading the addresses of an accepted connection", e);
    }
  }

  /** Whether an AcceptEx into {@code into} still waits for its first data. */
  boolean awaitsFirstData(NioSocket into) {
    return awaitingFirstData.contains(into);
  }

  /** An AcceptEx's first receive completed (any way): it no longer needs finding. */
  void firstDataDone(NioSocket into) {
    awaitingFirstData.remove(into);
  }

  /**
   * Aborts this listener's AcceptEx ops waiting for first data (those of {@code token}, or all).
   * Takes no lock of this queue while it reaches into the accepted sockets' queues.
   */
  int cancelFirstData(WsaOverlapped token, ThreadState by, boolean notify) {
    int matched = 0;
    for (NioSocket into : awaitingFirstData) {
      RecvQueue q = into.recvQueue();
      if (q != null) {
        matched += q.cancelIssuedOn(socket, token, by, notify);
      }
    }
    return matched;
  }

  private void accepted(AsynchronousSocketChannel ch) {
    synchronized (this) {
      busy = false;
      if (closed) {
        closeQuietly(ch);
        return;
      }
      ready = ch;
    }
    pump();
  }

  private void acceptFailed(Throwable exc) {
    synchronized (this) {
      busy = false;
      if (closed || head == null) {
        return;
      }
      // not sticky: the listener may accept again (e.g. after too many open files)
      finishHead(Errors.toWinsock(exc));
    }
    pump();
  }

  private void closeQuietly(AsynchronousSocketChannel ch) {
    try {
      ch.close();
    } catch (IOException | java.nio.channels.ShutdownChannelGroupException e) {
      LOG.log(System.Logger.Level.DEBUG, "closing an unclaimed accepted channel", e);
    }
  }
}
