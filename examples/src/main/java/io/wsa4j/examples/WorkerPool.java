package io.wsa4j.examples;

import static java.lang.System.Logger.Level.WARNING;

import io.wsa4j.Wsa;
import io.wsa4j.WsaSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@link PooledWorker}s of one server ({@link EventEchoServer}, {@link EventSelectEchoServer},
 * {@link SelectEchoServer}): gives each accepted socket to the least loaded worker, and starts
 * another worker when all are full, since one wait covers only 63 connections (64 sockets for
 * {@code select}).
 *
 * <p>Workers are kept until {@link #stopAll}, even when idle, as in the classic sample: an idle
 * worker costs one parked thread, and never retiring one leaves no race between a worker deciding
 * to end and the acceptor handing it a socket.
 */
final class WorkerPool {
  private static final System.Logger LOG = System.getLogger(WorkerPool.class.getName());

  private final Supplier<PooledWorker> factory;
  private final String threadNamePrefix;
  /** The running workers and their threads, in start order (guarded by this). */
  private final List<PooledWorker> workers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  /** Set by {@link #stopAll}; no worker starts afterwards (guarded by this). */
  private boolean stopped;

  /**
   * @param factory makes a worker, not yet running; null when it cannot (last error set)
   */
  WorkerPool(Supplier<PooledWorker> factory, String threadNamePrefix) {
    this.factory = factory;
    this.threadNamePrefix = threadNamePrefix;
  }

  /**
   * Starts {@code n} workers up front.
   *
   * @return false when a worker could not be created
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
    PooledWorker target = null;
    for (PooledWorker w : workers) {
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
      workers.forEach(PooledWorker::stop);
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
  private PooledWorker startWorker() {
    PooledWorker w = factory.get();
    if (w == null) {
      LOG.log(WARNING, "cannot start a worker: " + Errors.describe(Wsa.getLastError()));
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
