package io.wsa4j.examples;

import static java.lang.System.Logger.Level.WARNING;

import io.wsa4j.Wsa;
import io.wsa4j.WsaSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link EventWorker}s of one {@link EventEchoServer}: gives each accepted socket to the least
 * loaded worker, and starts another worker when all are full, since one wait covers only 63
 * connections.
 *
 * <p>Workers are kept until {@link #stopAll}, even when idle, as in the classic sample: an idle
 * worker costs one parked thread, and never retiring one leaves no race between a worker deciding
 * to end and the acceptor handing it a socket.
 */
final class EventWorkerPool {
  private static final System.Logger LOG = System.getLogger(EventWorkerPool.class.getName());

  private final Wsa wsa;
  private final int bufferSize;
  private final String threadNamePrefix;
  /** The running workers and their threads, in start order (guarded by this). */
  private final List<EventWorker> workers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  /** Set by {@link #stopAll}; no worker starts afterwards (guarded by this). */
  private boolean stopped;

  EventWorkerPool(Wsa wsa, int bufferSize, String threadNamePrefix) {
    this.wsa = wsa;
    this.bufferSize = bufferSize;
    this.threadNamePrefix = threadNamePrefix;
  }

  /**
   * Starts {@code n} workers up front.
   *
   * @return false when a worker could not be created (its event)
   */
  synchronized boolean prestart(int n) {
    for (int i = 0; i < n; i++) {
      if (startWorker() == null) {
        return false;
      }
    }
    return true;
  }

  /**
   * Hands an accepted socket to a worker, starting one if all are full.
   *
   * @return false when no worker could take it (the caller closes it)
   */
  synchronized boolean assign(WsaSocket socket) {
    if (stopped) {
      return false;
    }
    EventWorker target = null;
    for (EventWorker w : workers) {
      if (target == null || w.load() < target.load()) {
        target = w;
      }
    }
    // Only this method raises a load, under this lock, so the reservation cannot fail if the
    // least loaded worker had room.
    if (target == null || !target.tryReserve()) {
      target = startWorker();
      if (target == null || !target.tryReserve()) {
        return false;
      }
    }
    target.handOver(socket);
    return true;
  }

  /** How many workers run now. */
  synchronized int size() {
    return workers.size();
  }

  /**
   * Stops every worker and waits up to {@code timeoutMillis} for each thread.
   *
   * @return true when every thread ended
   */
  boolean stopAll(long timeoutMillis) throws InterruptedException {
    List<Thread> toJoin;
    synchronized (this) {
      stopped = true;
      workers.forEach(EventWorker::stop);
      toJoin = new ArrayList<>(threads);
    }
    // Joined outside the lock: never block while holding it.
    boolean allEnded = true;
    for (Thread t : toJoin) {
      t.join(timeoutMillis);
      allEnded &= !t.isAlive();
    }
    return allEnded;
  }

  /** Starts one more worker (lock held). */
  private EventWorker startWorker() {
    EventWorker w = EventWorker.create(wsa, bufferSize);
    if (w == null) {
      LOG.log(WARNING, "cannot start a worker: WSACreateEvent failed: "
          + Errors.describe(Wsa.getLastError()));
      return null;
    }
    Thread t = new Thread(w, threadNamePrefix + workers.size());
    t.setDaemon(true);
    workers.add(w);
    threads.add(t);
    t.start();
    return w;
  }
}
