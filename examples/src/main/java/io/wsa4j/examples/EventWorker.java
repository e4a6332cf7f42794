package io.wsa4j.examples;

import static io.wsa4j.Winsock.WSA_INFINITE;
import static io.wsa4j.Winsock.WSA_MAXIMUM_WAIT_EVENTS;
import static io.wsa4j.Winsock.WSA_WAIT_EVENT_0;
import static io.wsa4j.Winsock.WSA_WAIT_FAILED;
import static java.lang.System.Logger.Level.WARNING;

import io.wsa4j.Wsa;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaSocket;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker thread of the {@link EventEchoServer}: serves up to {@link #MAX_CONNECTIONS} connections
 * by waiting on their events with {@code WSAWaitForMultipleEvents}.
 *
 * <p>Index 0 of the wait array is the worker's wake-up event: the acceptor sets it after queueing a
 * new socket, {@link #stop()} sets it to end the thread. Indexes 1 .. count-1 are the connections'
 * events, kept dense: a closed connection's slot is filled by the last one.
 *
 * <p>Threads: {@link #handOver}, {@link #load} and {@link #stop} may be called from any thread;
 * everything else runs on the worker thread, which alone touches the arrays.
 */
final class EventWorker implements Runnable {
  private static final System.Logger LOG = System.getLogger(EventWorker.class.getName());

  /** One wait covers 64 events, and one of them is the wake-up event. */
  static final int MAX_CONNECTIONS = WSA_MAXIMUM_WAIT_EVENTS - 1;

  private final Wsa wsa;
  private final int bufferSize;
  /** Set to hand over sockets or to stop; index 0 of {@link #events}. */
  private final WsaEvent wakeUp;
  /** The wait array: wake-up event, then one event per connection (worker thread only). */
  private final WsaEvent[] events = new WsaEvent[WSA_MAXIMUM_WAIT_EVENTS];
  /** {@code connections[i]} owns {@code events[i]}, for i ≥ 1 (worker thread only). */
  private final EventConnection[] connections = new EventConnection[WSA_MAXIMUM_WAIT_EVENTS];
  /** Used entries of both arrays, the wake-up event included (worker thread only). */
  private int count = 1;
  /** Reused one-element array for polling a single event. */
  private final WsaEvent[] probe = new WsaEvent[1];
  /** Accepted sockets not yet adopted by the worker thread. */
  private final Queue<WsaSocket> handedOver = new ConcurrentLinkedQueue<>();
  /**
   * Connections this worker answers for: handed over (queued or adopted) and not yet closed.
   * Raised by the acceptor before handing over, lowered by the worker on close; never above
   * {@link #MAX_CONNECTIONS}, which is what keeps {@link #events} from overflowing.
   */
  private final AtomicInteger load = new AtomicInteger();
  private volatile boolean stopping;

  private EventWorker(Wsa wsa, WsaEvent wakeUp, int bufferSize) {
    this.wsa = wsa;
    this.wakeUp = wakeUp;
    this.bufferSize = bufferSize;
    events[0] = wakeUp;
  }

  /**
   * A worker with its wake-up event, not yet running.
   *
   * @return the worker, or null when {@code WSACreateEvent} failed (last error set)
   */
  static EventWorker create(Wsa wsa, int bufferSize) {
    WsaEvent wakeUp = wsa.createEvent();
    return wakeUp == null ? null : new EventWorker(wsa, wakeUp, bufferSize);
  }

  /** Connections this worker answers for, handed-over ones included. */
  int load() {
    return load.get();
  }

  /**
   * Reserves a slot for one more connection.
   *
   * @return false when the worker is full
   */
  boolean tryReserve() {
    int n;
    do {
      n = load.get();
      if (n >= MAX_CONNECTIONS) {
        return false;
      }
    } while (!load.compareAndSet(n, n + 1));
    return true;
  }

  /** Gives an accepted socket to this worker, which holds a slot for it ({@link #tryReserve}). */
  void handOver(WsaSocket socket) {
    handedOver.add(socket);
    wsa.setEvent(wakeUp);
  }

  /** Asks the thread to close its connections and end. */
  void stop() {
    stopping = true;
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
      EventConnection c = EventConnection.open(wsa, s, bufferSize);
      if (c == null) {
        load.decrementAndGet();
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
    load.decrementAndGet();
  }
}
