package io.wsa4j.examples;

import static io.wsa4j.Winsock.ERROR_ABANDONED_WAIT_0;
import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.WSAEOPNOTSUPP;
import static io.wsa4j.Winsock.WSANOTINITIALISED;
import static io.wsa4j.Winsock.WSA_INFINITE;
import static io.wsa4j.Winsock.WSA_IO_PENDING;

import io.wsa4j.Wsa;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link Wsa} that turns pending overlapped sends and receives into ones that "completed
 * immediately", the other outcome rules 2 and 25 allow: it waits until the operation is done, then
 * returns 0 with the count, as Winsock does when the data was already there. Whatever the engine
 * does by itself, the servers under test then see both outcomes often.
 *
 * <p>What follows an immediate success is what Windows does after one:
 * <ul>
 *   <li>with an event: the event is signaled (the call returns once it is);
 *   <li>with a routine: the routine is queued to the thread all the same (the call returns once
 *       the status is written, which rule 3 puts before the queueing);
 *   <li>on a socket bound to a port: a packet is posted, unless the socket is in
 *       {@code FILE_SKIP_COMPLETION_PORT_ON_SUCCESS} mode (rule 26). For that, connections are
 *       bound to a shadow port of this wrapper; a forwarder thread moves each packet to the port
 *       the server named, except that of an operation this wrapper reported as finished on a socket
 *       in skip mode: that one the server must handle inline, or the connection stalls. Where the
 *       engine has no skip mode yet, the wrapper provides it; with {@code skipMode} false it
 *       refuses the call, as a provider without it would.
 * </ul>
 *
 * <p>Sends are waited for (the tests' peers always read); receives only briefly, since the data may
 * never come. An operation that failed keeps its {@code WSA_IO_PENDING}: returning its error
 * instead would claim that no completion indication follows, while it is already on its way.
 */
final class ImmediateCompletions {
  private static final long SEND_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long RECV_WAIT_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

  private final Wsa real;
  private final boolean skipMode;
  /**
   * Operations reported as finished at once: by the engine itself (rule 25's fast path) or made
   * so by this wrapper. Which of the two happens more depends on the machine's speed, so the tests
   * count both.
   */
  final AtomicInteger immediate;
  /** Packets of those kept from the server's port (skip mode: the engine's or this wrapper's). */
  final AtomicInteger swallowed = new AtomicInteger();
  /** Packets the server itself posted with a token (its re-posts of inline results). */
  final AtomicInteger reposted = new AtomicInteger();
  /** Sockets the server bound to a port: really bound to {@link #shadow}. */
  private final Set<WsaSocket> bound = ConcurrentHashMap.newKeySet();
  /** Sockets in skip mode, the engine's or this wrapper's. */
  private final Set<WsaSocket> skipping = ConcurrentHashMap.newKeySet();
  /** Port-bound operations whose call is waiting for their packet. */
  private final Map<WsaOverlapped, Waiter> waiting = new ConcurrentHashMap<>();
  private volatile WsaCompletionPort shadow;
  private volatile WsaCompletionPort target;
  private final Wsa proxy;

  private ImmediateCompletions(Wsa real, boolean skipMode, AtomicInteger immediate) {
    this.real = real;
    this.skipMode = skipMode;
    this.immediate = immediate;
    this.proxy = (Wsa) Proxy.newProxyInstance(Wsa.class.getClassLoader(),
        new Class<?>[] {Wsa.class}, (p, method, args) -> invoke(method, args));
  }

  /** The event and routine servers' wrapper; {@code immediate} counts what it made finish at once. */
  static Wsa wrap(Wsa real, AtomicInteger immediate) {
    return new ImmediateCompletions(real, false, immediate).proxy;
  }

  /**
   * A wrapper for a completion-port server. The forwarder thread ends when {@code real} is cleaned
   * up, which the caller does after stopping the server.
   *
   * @param skipMode whether {@code setFileCompletionNotificationModes} succeeds
   */
  static ImmediateCompletions forPort(Wsa real, boolean skipMode) {
    return new ImmediateCompletions(real, skipMode, new AtomicInteger());
  }

  /** The wrapped context to give the server. */
  Wsa wsa() {
    return proxy;
  }

  private Object invoke(Method method, Object[] args) throws Throwable {
    switch (method.getName()) {
      case "createIoCompletionPort":
        if (args[0] != null && args[1] != null) {
          return bind((WsaSocket) args[0], (WsaCompletionPort) args[1], (long) args[2]);
        }
        break;
      case "setFileCompletionNotificationModes":
        return setModes((WsaSocket) args[0], (int) args[1]);
      case "postQueuedCompletionStatus":
        if (args[3] != null) {
          reposted.incrementAndGet();
        }
        break;
      case "send":
      case "recv":
        if (args[5] != null) {
          return overlappedCall(method, args);
        }
        break;
      default:
        break;
    }
    return call(method, args);
  }

  private Object call(Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(real, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private Object bind(WsaSocket s, WsaCompletionPort port, long key) {
    startForwarder(port);
    if (real.createIoCompletionPort(s, shadow, key, 0) == null) {
      return null;
    }
    bound.add(s);
    return port;
  }

  private synchronized void startForwarder(WsaCompletionPort port) {
    if (shadow != null) {
      return;
    }
    target = port;
    shadow = real.createIoCompletionPort(null, null, 0, 0);
    Thread t = new Thread(this::forward, "immediate-completions-forwarder");
    t.setDaemon(true);
    t.start();
  }

  private boolean setModes(WsaSocket s, int flags) {
    if (!skipMode) {
      Wsa.setLastError(WSAEOPNOTSUPP); // as a provider without the mode answers
      return false;
    }
    if (!real.setFileCompletionNotificationModes(s, flags)
        && Wsa.getLastError() != WSAEOPNOTSUPP) {
      return false;
    }
    skipping.add(s); // the engine's mode, or ours
    return true;
  }

  private Object overlappedCall(Method method, Object[] args) throws Throwable {
    WsaSocket s = (WsaSocket) args[0];
    WsaOverlapped ov = (WsaOverlapped) args[5];
    boolean isSend = method.getName().equals("send");
    long waitNanos = isSend ? SEND_WAIT_NANOS : RECV_WAIT_NANOS;
    if (!bound.contains(s)) {
      Object result = call(method, args);
      if ((int) result == 0) {
        immediate.incrementAndGet(); // the engine finished it during the call itself
      }
      if ((int) result != SOCKET_ERROR || Wsa.getLastError() != WSA_IO_PENDING) {
        return result;
      }
      boolean routine = args[6] != null;
      if (!awaitDone(ov, routine, waitNanos) || ov.internal() != 0) {
        Wsa.setLastError(WSA_IO_PENDING);
        return result;
      }
      return finishedAtOnce(args, (int) ov.internalHigh());
    }
    Waiter w = new Waiter(skipping.contains(s));
    waiting.put(ov, w);
    Object result = call(method, args);
    if ((int) result == 0) {
      immediate.incrementAndGet(); // the engine finished it during the call itself
      if (w.skip) {
        swallowed.incrementAndGet(); // and, in its own skip mode, posts no packet for it
      }
    }
    if ((int) result != SOCKET_ERROR || Wsa.getLastError() != WSA_IO_PENDING) {
      int error = Wsa.getLastError();
      waiting.remove(ov, w);
      Wsa.setLastError(error);
      return result;
    }
    if (!w.await(waitNanos)) {
      waiting.remove(ov, w);
      Wsa.setLastError(WSA_IO_PENDING);
      return result;
    }
    return finishedAtOnce(args, w.bytes);
  }

  private Object finishedAtOnce(Object[] args, int bytes) {
    int[] count = (int[]) args[3];
    if (count != null) {
      count[0] = bytes;
    }
    immediate.incrementAndGet();
    return 0;
  }

  /** Starting an operation resets its event, so a signaled event means this one completed. */
  private static boolean awaitDone(WsaOverlapped ov, boolean routine, long nanos) {
    long deadline = System.nanoTime() + nanos;
    while (!(ov.isCompleted() && (routine || ov.event() != null && ov.event().isSignaled()))) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      LockSupport.parkNanos(10_000);
    }
    return true;
  }

  /** Moves packets from the shadow port to the server's, keeping those skip mode suppresses. */
  private void forward() {
    int[] bytes = new int[1];
    long[] key = new long[1];
    WsaOverlapped[] ov = new WsaOverlapped[1];
    for (;;) {
      ov[0] = null;
      boolean ok = real.getQueuedCompletionStatus(shadow, bytes, key, ov, WSA_INFINITE);
      if (ov[0] == null) {
        int error = Wsa.getLastError();
        if (!ok && (error == ERROR_ABANDONED_WAIT_0 || error == WSANOTINITIALISED)) {
          return;
        }
        continue;
      }
      Waiter w = waiting.remove(ov[0]);
      if (w != null && ov[0].internal() == 0 && w.take(bytes[0]) && w.skip) {
        swallowed.incrementAndGet(); // reported as finished at once: no packet, as rule 26 says
        continue;
      }
      real.postQueuedCompletionStatus(target, bytes[0], key[0], ov[0]);
    }
  }

  /** A call waiting for its operation's packet; the forwarder hands it over, or the call gives up. */
  private static final class Waiter {
    private static final int WAITING = 0;
    private static final int TAKEN = 1;
    private static final int GAVE_UP = 2;

    final Thread caller = Thread.currentThread();
    final boolean skip;
    final AtomicInteger state = new AtomicInteger(WAITING);
    volatile int bytes;

    Waiter(boolean skip) {
      this.skip = skip;
    }

    /** The forwarder's side: false when the call already gave up (the packet goes on). */
    boolean take(int n) {
      bytes = n;
      if (!state.compareAndSet(WAITING, TAKEN)) {
        return false;
      }
      LockSupport.unpark(caller);
      return true;
    }

    /** The call's side: true when the packet was handed over in time. */
    boolean await(long nanos) {
      long deadline = System.nanoTime() + nanos;
      while (state.get() == WAITING) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return !state.compareAndSet(WAITING, GAVE_UP); // lost the race: it was taken
        }
        LockSupport.parkNanos(left);
      }
      return true;
    }
  }
}
