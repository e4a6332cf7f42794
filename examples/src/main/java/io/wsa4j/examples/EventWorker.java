package io.wsa4j.examples;

import static io.wsa4j.Winsock.WSA_INFINITE;
import static io.wsa4j.Winsock.WSA_MAXIMUM_WAIT_EVENTS;
import static io.wsa4j.Winsock.WSA_WAIT_EVENT_0;
import static io.wsa4j.Winsock.WSA_WAIT_FAILED;
import static java.lang.System.Logger.Level.WARNING;

import io.wsa4j.Wsa;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaSocket;

/**
 * A worker thread of the {@link EventEchoServer} and the {@link EventSelectEchoServer}: serves up to
 * {@link #MAX_CONNECTIONS} connections by waiting on their events with
 * {@code WSAWaitForMultipleEvents}. What a signaled event means is the connection's business
 * ({@link Connection}): an overlapped operation finished, or network events were recorded.
 *
 * <p>Index 0 of the wait array is the worker's wake-up event: the acceptor sets it after queueing a
 * new socket, {@link #stop()} sets it to end the thread. Indexes 1 .. count-1 are the connections'
 * events, kept dense: a closed connection's slot is filled by the last one.
 *
 * <p>Threads: {@link #handOver}, {@link #load} and {@link #stop} may be called from any thread;
 * everything else runs on the worker thread, which alone touches the arrays.
 */
final class EventWorker extends PooledWorker {
  private static final System.Logger LOG = System.getLogger(EventWorker.class.getName());

  /** One wait covers 64 events, and one of them is the wake-up event. */
  static final int MAX_CONNECTIONS = WSA_MAXIMUM_WAIT_EVENTS - 1;

  /** A connection served by one event. Used only by its worker thread. */
  interface Connection {
    /** The event this connection's work signals. */
    WsaEvent event();

    /**
     * Does what the signaled event asks.
     *
     * @return false when the connection is done (the worker closes it)
     */
    boolean onSignaled();

    /** Closes the socket and the event. */
    void close();
  }

  /** Opens a connection for an accepted socket; null when it cannot (the socket is closed). */
  interface Opener {
    Connection open(Wsa wsa, WsaSocket socket, int bufferSize);
  }

  private final Wsa wsa;
  private final int bufferSize;
  /** Set to hand over sockets or to stop; index 0 of {@link #events}. */
  private final WsaEvent wakeUp;
  /** The wait array: wake-up event, then one event per connection (worker thread only). */
  private final WsaEvent[] events = new WsaEvent[WSA_MAXIMUM_WAIT_EVENTS];
  /** {@code connections[i]} owns {@code events[i]}, for i ≥ 1 (worker thread only). */
  private final Connection[] connections = new Connection[WSA_MAXIMUM_WAIT_EVENTS];
  private final Opener opener;
  /** Used entries of both arrays, the wake-up event included (worker thread only). */
  private int count = 1;
  /** Reused one-element array for polling a single event. */
  private final WsaEvent[] probe = new WsaEvent[1];

  private EventWorker(Wsa wsa, WsaEvent wakeUp, int bufferSize, Opener opener) {
    super(MAX_CONNECTIONS);
    this.wsa = wsa;
    this.opener = opener;
    this.wakeUp = wakeUp;
    this.bufferSize = bufferSize;
    events[0] = wakeUp;
  }

  /**
   * A worker with its wake-up event, not yet running.
   *
   * @return the worker, or null when {@code WSACreateEvent} failed (last error set)
   */
  static EventWorker create(Wsa wsa, int bufferSize, Opener opener) {
    WsaEvent wakeUp = wsa.createEvent();
    return wakeUp == null ? null : new EventWorker(wsa, wakeUp, bufferSize, opener);
  }

  @Override
  void wake() {
    wsa.setEvent(wakeUp);
  }

  @Override
  public void run() {
    try {
      serve();
    } finally {
      for (int i = count - 1; i >= 1; i--) {
        closeAt(i);
      }
      for (WsaSocket s; (s = handedOver.poll()) != null; ) {
        wsa.closesocket(s);
      }
      wsa.closeEvent(wakeUp);
    }
  }

  private void serve() {
    while (true) {
      int rc = wsa.waitForMultipleEvents(count, events, false, WSA_INFINITE, false);
      if (rc == WSA_WAIT_FAILED || rc < WSA_WAIT_EVENT_0 || rc >= WSA_WAIT_EVENT_0 + count) {
        if (!stopping) {
          LOG.log(WARNING, "WSAWaitForMultipleEvents returned " + rc + ": "
              + Errors.describe(Wsa.getLastError()));
        }
        return;
      }
      // The wait names only the lowest signaled index; sweeping every index from there on keeps
      // busy low slots from starving the others.
      for (int i = rc - WSA_WAIT_EVENT_0; i < count; ) {
        probe[0] = events[i];
        if (wsa.waitForMultipleEvents(1, probe, true, 0, false) != WSA_WAIT_EVENT_0) {
          i++;
        } else if (i == 0) {
          if (!onWakeUp()) {
            return;
          }
          i++;
        } else if (connections[i].onSignaled()) {
          i++;
        } else {
          closeAt(i); // the last slot moves into i, and is looked at next
        }
      }
    }
  }

  /** @return false when the worker must stop */
  private boolean onWakeUp() {
    // Reset before draining: a socket queued after the drain sets the event again.
    wsa.resetEvent(wakeUp);
    if (stopping) {
      return false;
    }
    for (WsaSocket s; (s = handedOver.poll()) != null; ) {
      Connection c = opener.open(wsa, s, bufferSize);
      if (c == null) {
        released();
        continue;
      }
      events[count] = c.event();
      connections[count] = c;
      count++;
    }
    return true;
  }

  private void closeAt(int i) {
    connections[i].close();
    int last = count - 1;
    events[i] = events[last];
    connections[i] = connections[last];
    events[last] = null;
    connections[last] = null;
    count = last;
    released();
  }
}
