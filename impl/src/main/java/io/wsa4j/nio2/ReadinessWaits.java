package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;
import static io.wsa4j.nio2.Args.fail;

import io.wsa4j.WsaFdSet;
import io.wsa4j.WsaPollFd;
import io.wsa4j.WsaSocket;
import io.wsa4j.WsaTimeval;
import io.wsa4j.spi.Spi;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code select} and {@code WSAPoll} (API.md rules 32 and 33): wait until a socket's
 * {@link Readiness} levels say a call would not block. A waiting thread registers with each
 * socket's {@link WaitList}, checks the levels again, and parks; any level change on one of its
 * sockets unparks it and it scans again, so no change between the scan and the park is missed.
 */
final class ReadinessWaits {
  private static final int POLL_EVENTS = POLLIN | POLLPRI | POLLOUT | POLLWRBAND;

  private static final Spi.PollFdAccess POLL_FDS = Spi.pollFd();

  private final Nio2Wsa context;
  private final Args args;

  ReadinessWaits(Nio2Wsa context, Args args) {
    this.context = context;
    this.args = args;
  }

  // -- select --

  int select(int nfds, WsaFdSet readfds, WsaFdSet writefds, WsaFdSet exceptfds,
      WsaTimeval timeout) {
    if (context.isCleanedUp()) {
      return fail(WSANOTINITIALISED);
    }
    if (empty(readfds) && empty(writefds) && empty(exceptfds)) {
      return fail(WSAEINVAL);
    }
    if (timeout != null && (timeout.sec() < 0 || timeout.usec() < 0)) {
      return fail(WSAEINVAL);
    }
    WsaFdSet[] sets = {readfds, writefds, exceptfds};
    for (WsaFdSet set : sets) {
      for (int i = 0; set != null && i < set.count(); i++) {
        NioSocket sock = args.socketOf(set.get(i));
        if (sock == null) {
          return fail(WSAENOTSOCK);
        }
        sock.readiness.watch();
      }
    }
    long deadline = timeout == null ? Long.MAX_VALUE
        : System.nanoTime() + Math.min(timeout.sec(), Long.MAX_VALUE / 2_000_000_000L)
            * 1_000_000_000L + Math.min(timeout.usec(), 1_000_000_000L) * 1000L;
    Thread self = Thread.currentThread();
    while (true) {
      if (context.isCleanedUp()) {
        return fail(WSA_OPERATION_ABORTED); // rule 23: cleanup ends every blocked call
      }
      int ready = countSelect(readfds, writefds, exceptfds, false);
      if (ready > 0 || System.nanoTime() - deadline >= 0) {
        return countSelect(readfds, writefds, exceptfds, true);
      }
      if (self.isInterrupted()) {
        return fail(WSAEINTR);
      }
      register(sets, self, true);
      try {
        if (countSelect(readfds, writefds, exceptfds, false) == 0 && !self.isInterrupted()) {
          park(deadline);
        }
      } finally {
        register(sets, self, false);
      }
    }
  }

  private static boolean empty(WsaFdSet set) {
    return set == null || set.count() == 0;
  }

  private static void park(long deadline) {
    if (deadline == Long.MAX_VALUE) {
      LockSupport.park();
    } else {
      LockSupport.parkNanos(deadline - System.nanoTime());
    }
  }

  private void register(WsaFdSet[] sets, Thread self, boolean add) {
    for (WsaFdSet set : sets) {
      for (int i = 0; set != null && i < set.count(); i++) {
        listen(set.get(i), self, add);
      }
    }
  }

  /** Adds {@code self} to (or removes it from) the waiters of {@code h}, if it is a socket. */
  private static void listen(WsaSocket h, Thread self, boolean add) {
    if (h instanceof NioSocket) {
      WaitList w = ((NioSocket) h).readiness.waiters;
      if (add) {
        w.add(self);
      } else {
        w.remove(self);
      }
    }
  }

  /** Counts the ready entries; with {@code trim}, leaves only those in the sets. */
  private int countSelect(WsaFdSet r, WsaFdSet w, WsaFdSet x, boolean trim) {
    return count(r, 0, trim) + count(w, 1, trim) + count(x, 2, trim);
  }

  private int count(WsaFdSet set, int which, boolean trim) {
    if (set == null) {
      return 0;
    }
    int ready = 0;
    for (int i = set.count() - 1; i >= 0; i--) {
      WsaSocket h = set.get(i);
      if (isReady(h, which)) {
        ready++;
      } else if (trim) {
        set.clear(h);
      }
    }
    return ready;
  }

  /** Rule 32, per set: 0 read, 1 write, 2 except. A socket closed during the wait is reported readable. */
  private boolean isReady(WsaSocket h, int which) {
    if (!(h instanceof NioSocket)) {
      return false;
    }
    NioSocket sock = (NioSocket) h;
    if (sock.isClosed()) {
      return which == 0; // closesocket wakes select with the socket ready (scenario 51)
    }
    Readiness r = sock.readiness;
    switch (which) {
      case 0:
        return (r.levels() & (FD_READ | FD_ACCEPT | FD_CLOSE)) != 0;
      case 1:
        return (r.levels() & FD_WRITE) != 0;
      default:
        return r.connectFailed();
    }
  }

  // -- WSAPoll --

  int poll(WsaPollFd[] fdArray, int fds, int timeoutMillis) {
    if (context.isCleanedUp()) {
      return fail(WSANOTINITIALISED);
    }
    if (fdArray == null) {
      return fail(WSAEFAULT);
    }
    if (fds < 1) {
      return fail(WSAEINVAL);
    }
    if (fds > fdArray.length) {
      return fail(WSAEFAULT);
    }
    for (int i = 0; i < fds; i++) {
      if (fdArray[i] == null) {
        return fail(WSAEFAULT);
      }
      if ((fdArray[i].events() & ~(POLL_EVENTS | POLLERR | POLLHUP | POLLNVAL)) != 0) {
        return fail(WSAEINVAL);
      }
      NioSocket sock = args.socketOf(fdArray[i].fd());
      if (sock != null) {
        sock.readiness.watch();
      }
    }
    long deadline = timeoutMillis < 0 ? Long.MAX_VALUE
        : System.nanoTime() + timeoutMillis * 1_000_000L;
    Thread self = Thread.currentThread();
    while (true) {
      if (context.isCleanedUp()) {
        return fail(WSA_OPERATION_ABORTED); // rule 23
      }
      int ready = scanPoll(fdArray, fds);
      if (ready > 0 || System.nanoTime() - deadline >= 0) {
        return ready;
      }
      if (self.isInterrupted()) {
        return fail(WSAEINTR);
      }
      registerPoll(fdArray, fds, self, true);
      try {
        if (scanPoll(fdArray, fds) == 0 && !self.isInterrupted()) {
          park(deadline);
        }
      } finally {
        registerPoll(fdArray, fds, self, false);
      }
    }
  }

  private void registerPoll(WsaPollFd[] fdArray, int fds, Thread self, boolean add) {
    for (int i = 0; i < fds; i++) {
      listen(fdArray[i].fd(), self, add);
    }
  }

  /** Writes every revents; returns how many are non-zero. */
  private int scanPoll(WsaPollFd[] fdArray, int fds) {
    int ready = 0;
    for (int i = 0; i < fds; i++) {
      int revents = revents(fdArray[i]);
      POLL_FDS.revents(fdArray[i], revents);
      if (revents != 0) {
        ready++;
      }
    }
    return ready;
  }

  /**
   * Rule 33: POLLRDNORM data or a connection waits (or the stream ended: recv returns 0 now);
   * POLLWRNORM a send is taken; POLLHUP the stream ended; POLLERR it was reset or the connect
   * failed; POLLNVAL not a socket of this context. The last three are reported whatever
   * {@code events} asks.
   */
  private int revents(WsaPollFd pfd) {
    NioSocket sock = args.socketOf(pfd.fd());
    if (sock == null) {
      return POLLNVAL;
    }
    Readiness r = sock.readiness;
    int levels = r.levels();
    int out = 0;
    if ((levels & (FD_READ | FD_ACCEPT | FD_CLOSE)) != 0) {
      out |= POLLRDNORM;
    }
    if ((levels & FD_WRITE) != 0) {
      out |= POLLWRNORM;
    }
    out &= pfd.events();
    if ((levels & FD_CLOSE) != 0) {
      out |= r.closeCode() == 0 ? POLLHUP : POLLHUP | POLLERR;
    }
    if (r.connectFailed()) {
      out |= POLLERR;
    }
    return out;
  }
}
