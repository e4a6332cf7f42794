package io.wsa4j.nio2;

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
        try {
          server.accept(null, acceptHandler);
        } catch (RuntimeException e) {
          acceptFailed(e);
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
    if (!into.attachAccepted(ch)) {
      // the socket was closed under the accept: the op is aborted, the connection kept for the next
      synchronized (this) {
        if (ready == null && !closed) {
          ready = ch;
        } else {
          closeQuietly(ch);
        }
        Completions.announce(op, WSA_OPERATION_ABORTED, true);
      }
      return;
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

  /** An AcceptEx's first receive completed (any way): it no longer needs finding. */
  void firstDataDone(NioSocket into) {
    awaitingFirstData.remove(into);
  }

  /**
   * Aborts this listener's AcceptEx ops waiting for first data (those of {@code token}, or all).
   * Takes no lock of this queue while it reaches into the accepted sockets' queues.
   */
  int cancelFirstData(WsaOverlapped token, boolean notify) {
    int matched = 0;
    for (NioSocket into : awaitingFirstData) {
      RecvQueue q = into.recvQueue();
      if (q != null) {
        matched += q.cancelIssuedOn(socket, token, notify);
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
