package io.wsa4j.nio2;

import java.io.IOException;
import java.nio.channels.AsynchronousChannelGroup;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The executor of a context's NIO2 channel group: a trampoline that runs each task on the thread
 * that hands it over, so that an operation NIO2 finishes during {@code channel.read}/{@code write}
 * has been handled before the call returns (the fast path, API.md rule 25).
 *
 * <h2>Why a non-fixed group, and why this executor</h2>
 * NIO2 tries a handler-based read or write at once on any thread only when the group's pool is
 * not a fixed thread pool ({@code UnixAsynchronousSocketChannelImpl.implRead}: {@code attemptRead
 * = invokeDirect || !port.isFixedThreadPool()}). A group made with
 * {@link AsynchronousChannelGroup#withCachedThreadPool} is not fixed. It polls epoll with
 * {@code initialSize} threads taken from this executor plus one internal thread of NIO2's own
 * ({@code sun.nio.ch.internalThreadPoolSize}, default 1). The context asks for
 * {@code ioThreads - 1}, so exactly {@code ioThreads} threads poll one epoll set, and every socket,
 * accepted ones included, is served by whichever poller is free: the load spreads as it did on the
 * fixed pool.
 *
 * <p>The threads asked for while the group starts ({@link #starting}) are the pollers: each gets
 * its own thread from the factory and runs until the group shuts down. Every later task is a
 * completion handler that NIO2 could not invoke directly: the read finished at once on a thread
 * not bound to the group, or the handler chain was already {@code
 * sun.nio.ch.maxCompletionHandlersOnStack} (16) deep, or NIO2's internal poller delivered it.
 *
 * <h2>Bounded stack</h2>
 * {@link #execute} runs the task on the calling thread unless that thread is already running
 * trampoline tasks; then the task is appended to the thread's deque and the outermost frame runs
 * it after the current one returns. So a thread's stack holds at most one trampoline frame plus
 * NIO2's own direct-invocation cap, whatever the inflow (a peer streaming 1-byte writes into 64
 * posted 1-byte receives). The deque is bounded by construction: each entry is the completion of
 * one NIO2 read, write, accept or connect, and a channel has at most one of each in flight.
 *
 * <h2>What runs where</h2>
 * Tasks are wsa4j's completion handlers only: they update a queue and announce operations (write
 * the token, signal an event, queue a routine, post a packet), never calling user code. So running
 * them on an application thread (inside its own WSA call) or on a poller is safe. Handlers never
 * throw; if one does (a bug), it is logged and the rest of the deque still runs, so no other
 * completion is lost.
 *
 * <p>NIO2 clears the interrupt status after each handler ({@code Invoker.invokeUnchecked}); an
 * application thread's interrupt must survive its own send, so {@link #preserveInterrupt} restores
 * it around the NIO2 calls the queues make.
 *
 * <p>Shutdown: {@link #shutdown} only records it (tasks still run, so every completion fires);
 * {@link #awaitTermination} waits for the pollers this executor started. NIO2's internal poller is
 * woken and ends at the same group shutdown; it is NIO2's, made by NIO2's own thread factory, and
 * cannot be awaited from here.
 */
final class IoExecutor extends AbstractExecutorService {
  private static final System.Logger LOG = System.getLogger("io.wsa4j");

  /** Per thread: whether it is inside {@link #execute}, and the tasks deferred meanwhile. */
  private static final ThreadLocal<Frame> FRAME = ThreadLocal.withInitial(Frame::new);

  private static final class Frame {
    boolean running;
    final ArrayDeque<Runnable> deferred = new ArrayDeque<>();
  }

  private final ThreadFactory factory;
  /** The pollers this executor started: they end when the group shuts down. */
  private final List<Thread> pollers = new CopyOnWriteArrayList<>();
  /** The group is being made: tasks handed over now are pollers and get their own thread. */
  private volatile boolean starting;
  private volatile boolean shutdown;

  /** @param factory makes the pollers this executor starts ({@code ioThreads - 1} of them) */
  IoExecutor(ThreadFactory factory) {
    this.factory = factory;
  }

  /**
   * Makes the context's channel group on this executor: {@code ioThreads} threads poll one epoll
   * set, and an operation started on any thread is attempted during the call. Call once.
   */
  AsynchronousChannelGroup openGroup(int ioThreads) throws IOException {
    starting = true;
    try {
      return AsynchronousChannelGroup.withCachedThreadPool(this, ioThreads - 1);
    } finally {
      starting = false;
    }
  }

  /** The pollers this executor started (NIO2's internal one is not among them), for tests. */
  List<Thread> pollers() {
    return List.copyOf(pollers);
  }

  @Override
  public void execute(Runnable task) {
    if (starting) {
      Thread t = factory.newThread(task);
      pollers.add(t);
      t.start();
      return;
    }
    Frame frame = FRAME.get();
    if (frame.running) {
      frame.deferred.addLast(task); // the outermost frame runs it: the stack stays flat
      return;
    }
    frame.running = true;
    try {
      Runnable next = task;
      do {
        runLogged(next);
      } while ((next = frame.deferred.pollFirst()) != null);
    } finally {
      frame.running = false;
    }
  }

  private static void runLogged(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      LOG.log(System.Logger.Level.ERROR, "a wsa4j completion handler threw; continuing", e);
    }
  }

  /**
   * Whether the calling thread is interrupted now; pass the answer to {@link #restoreInterrupt}
   * after the NIO2 call, whose inline handlers clear the flag.
   */
  static boolean preserveInterrupt() {
    return Thread.currentThread().isInterrupted();
  }

  /** Sets the interrupt status again if it was set before the NIO2 call. */
  static void restoreInterrupt(boolean wasInterrupted) {
    if (wasInterrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    if (!shutdown) {
      return false;
    }
    for (Thread t : pollers) {
      if (t.isAlive()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    for (Thread t : pollers) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return isTerminated();
      }
      TimeUnit.NANOSECONDS.timedJoin(t, left);
    }
    return isTerminated();
  }
}
