package io.wsa4j.nio2;

import static io.wsa4j.Winsock.FD_ACCEPT;
import static io.wsa4j.Winsock.FD_CLOSE;
import static io.wsa4j.Winsock.FD_CLOSE_BIT;
import static io.wsa4j.Winsock.FD_CONNECT;
import static io.wsa4j.Winsock.FD_CONNECT_BIT;
import static io.wsa4j.Winsock.FD_MAX_EVENTS;
import static io.wsa4j.Winsock.FD_READ;
import static io.wsa4j.Winsock.FD_WRITE;


/**
 * What the readiness models (API.md rules 28–33: non-blocking mode, {@code select},
 * {@code WSAPoll}, {@code WSAEventSelect}) see of one socket, whatever its kind.
 *
 * <h2>How a socket kind plugs in</h2>
 * A socket kind (TCP stream, UDP datagram...) owns one {@code Readiness} and
 * <ol>
 *   <li>gives it, at construction, a {@code watch} action: called (once, from a calling thread, no
 *       lock held) when someone first cares about the socket's readiness. From then on the kind
 *       must keep its levels current on its own — a TCP socket keeps a staging read in flight while
 *       no receive is posted, a listener keeps one accept going — and push them at once;
 *   <li>pushes each level when it changes, from any thread, under its own locks if it likes:
 *       {@link #readable}, {@link #acceptable}, {@link #writable}, {@link #ended} and
 *       {@link #connectDone}. A push is cheap and idempotent; before {@link #watch()} ran, pushes
 *       may be skipped ({@link #watched()} says whether anyone listens);
 *   <li>calls {@link #socketClosed()} from {@code closesocket}.
 * </ol>
 * The calls (recv, send, accept, connect, FIONREAD) stay the kind's own; they call
 * {@link #reenable} as the Windows page of each call says it re-enables an event.
 *
 * <h2>Levels and records</h2>
 * Levels are facts true now ({@code FD_READ}: a receive returns data now; {@code FD_ACCEPT}: an
 * accept returns a connection now; {@code FD_WRITE}: a send is taken now; {@code FD_CLOSE}: the
 * stream ended, with {@link #closeCode}). {@code select} and {@code WSAPoll} read levels. The
 * {@code WSAEventSelect} record follows the Microsoft pages: an event of the mask is recorded, and
 * the event object signaled, when its level becomes true while the event is <em>armed</em>;
 * recording disarms it until the call that re-enables it ({@code recv} for {@code FD_READ},
 * {@code accept} for {@code FD_ACCEPT}, a send that failed with {@code WSAEWOULDBLOCK} for
 * {@code FD_WRITE}); if the level is still true then, it is recorded again at once (level
 * triggered). {@code FD_CONNECT} is recorded once per connect attempt and {@code FD_CLOSE} once,
 * with their error codes. A new selection clears the record and arms everything, so events already
 * true are recorded at once.
 *
 * <p>Lock: this object, a leaf: while holding it nothing is called but field writes; events are
 * signaled and waiters woken after it is released. So socket kinds may push under their locks.
 */
final class Readiness {
  private static final io.wsa4j.spi.Spi.NetworkEventsAccess NETWORK_EVENTS =
      io.wsa4j.spi.Spi.networkEvents();
  /** The events that have an error code ({@code iErrorCode[FD_*_BIT]}). */
  private static final int WITH_CODE = FD_CONNECT | FD_CLOSE;

  /** Threads in {@code select} or {@code WSAPoll} on this socket. */
  final WaitList waiters = new WaitList();
  private final Runnable watchAction;
  private volatile boolean watched;
  private volatile boolean nonBlocking;

  // guarded by this
  /** FD_READ / FD_ACCEPT / FD_WRITE / FD_CLOSE bits true now. */
  private int levels;
  private int closeCode;
  /** -1 while no connect attempt finished; else 0 or the code of the failed attempt. */
  private int connectCode = -1;
  private int mask;
  private NioEvent event;
  private int armed;
  private int recorded;
  private final int[] codes = new int[FD_MAX_EVENTS];

  /**
   * @param watchAction starts the socket kind's level keeping (see the class comment)
   */
  Readiness(Runnable watchAction) {
    this.watchAction = watchAction;
  }

  /**
   * Someone cares about readiness from now on: the kind's level keeping starts, or goes on. Called
   * by every readiness call, so the action must be cheap once it runs (a socket that connected or
   * started listening since the last call starts keeping the new levels here).
   */
  void watch() {
    watched = true;
    watchAction.run();
  }

  boolean watched() {
    return watched;
  }

  boolean nonBlocking() {
    return nonBlocking;
  }

  /**
   * FIONBIO. Turning it off while a selection is active fails (rule 28).
   *
   * @return false if refused
   */
  synchronized boolean nonBlocking(boolean on) {
    if (!on && mask != 0) {
      return false;
    }
    nonBlocking = on;
    return true;
  }

  // -- pushes from the socket kind --

  void readable(boolean now) {
    level(FD_READ, now, 0);
  }

  void acceptable(boolean now) {
    level(FD_ACCEPT, now, 0);
  }

  void writable(boolean now) {
    level(FD_WRITE, now, 0);
  }

  /** The stream ended: 0 for a graceful close, else the error (e.g. WSAECONNRESET). */
  void ended(int code) {
    level(FD_CLOSE, true, code);
  }

  /** A non-blocking connect finished with {@code code} (0: connected). */
  void connectDone(int code) {
    NioEvent signal;
    synchronized (this) {
      connectCode = code;
      signal = record(FD_CONNECT, code);
    }
    notify(signal);
  }

  /** A new connect attempt starts: FD_CONNECT may be recorded again; the old result is gone. */
  synchronized void connectStarted() {
    connectCode = -1;
    armed |= FD_CONNECT;
  }

  /** The socket was closed: waiters wake (select reports it, WSAPoll says POLLNVAL). */
  void socketClosed() {
    synchronized (this) {
      mask = 0;
      event = null;
    }
    waiters.wakeAll();
  }

  private void level(int bit, boolean now, int code) {
    NioEvent signal;
    synchronized (this) {
      boolean was = (levels & bit) != 0;
      if (was == now || (bit == FD_CLOSE && was)) {
        return; // no change; a stream ends once, and its first code stands
      }
      levels = now ? levels | bit : levels & ~bit;
      if (bit == FD_CLOSE) {
        closeCode = code;
      }
      signal = now ? record(bit, code) : null;
    }
    notify(signal);
  }

  /** Records {@code bit} if selected and armed; returns the event to signal, or null. */
  private NioEvent record(int bit, int code) {
    if ((mask & armed & bit) == 0) {
      return null;
    }
    armed &= ~bit;
    recorded |= bit;
    if ((bit & WITH_CODE) != 0) {
      codes[bit == FD_CONNECT ? FD_CONNECT_BIT : FD_CLOSE_BIT] = code;
    }
    return event;
  }

  private void notify(NioEvent signal) {
    if (signal != null) {
      signal.set();
    }
    waiters.wakeAll();
  }

  // -- the calls --

  /**
   * A call that re-enables {@code bit} (recv → FD_READ, accept → FD_ACCEPT, a send refused with
   * WSAEWOULDBLOCK → FD_WRITE): armed again, and recorded at once if its level is still true.
   */
  void reenable(int bit) {
    NioEvent signal;
    synchronized (this) {
      if ((armed & bit) != 0) {
        return; // armed already: a true level would have been recorded (the common case)
      }
      armed |= bit;
      signal = (levels & bit) != 0 ? record(bit, 0) : null;
    }
    notify(signal);
  }

  /**
   * {@code WSAEventSelect}: replaces the selection, clears the record, arms every event and
   * records at once those already true. The socket becomes non-blocking.
   */
  void select(NioEvent e, int networkEvents) {
    NioEvent signal = null;
    synchronized (this) {
      nonBlocking = true;
      mask = e == null ? 0 : networkEvents;
      event = e;
      recorded = 0;
      java.util.Arrays.fill(codes, 0);
      armed = ~FD_CONNECT | (connectCode < 0 ? FD_CONNECT : 0); // FD_CONNECT: only one to come
      for (int bit = FD_READ; bit <= FD_CLOSE; bit <<= 1) {
        if ((levels & bit) != 0 && record(bit, bit == FD_CLOSE ? closeCode : 0) != null) {
          signal = event;
        }
      }
    }
    notify(signal);
  }

  /**
   * An accepted socket takes the listener's selection (and its non-blocking mode); with a
   * selection, the socket is watched from now on, so events already true are recorded at once.
   */
  void inherit(Readiness listener) {
    NioEvent e;
    int m;
    boolean nb;
    synchronized (listener) {
      e = listener.event;
      m = listener.mask;
      nb = listener.nonBlocking;
    }
    if (m != 0) {
      select(e, m);
      watch();
    } else {
      nonBlocking = nb;
    }
  }

  /**
   * {@code WSAEnumNetworkEvents}: copies the record into {@code out} and clears it, and resets
   * {@code reset} (may be null), atomically with respect to new records. Filling {@code out} is
   * field writes only (no user code), so it happens under the lock.
   */
  synchronized void takeRecord(NioEvent reset, io.wsa4j.WsaNetworkEvents out) {
    NETWORK_EVENTS.fill(out, recorded, codes);
    recorded = 0;
    java.util.Arrays.fill(codes, 0);
    if (reset != null) {
      reset.reset();
    }
  }

  // -- select and WSAPoll --

  /** The levels now: FD_READ, FD_ACCEPT, FD_WRITE, FD_CLOSE bits. */
  synchronized int levels() {
    return levels;
  }

  /** The code the stream ended with (valid when {@link #levels} has FD_CLOSE). */
  synchronized int closeCode() {
    return closeCode;
  }

  /** The error of the last non-blocking connect, 0 if it succeeded, -1 if none finished. */
  synchronized int connectCode() {
    return connectCode;
  }

  /** Whether the last non-blocking connect failed (select's except set, POLLERR). */
  synchronized boolean connectFailed() {
    return connectCode > 0;
  }
}
