package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;
import static io.wsa4j.nio2.Args.fail;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaFdSet;
import io.wsa4j.WsaNetworkEvents;
import io.wsa4j.WsaPollFd;
import io.wsa4j.WsaSocket;
import io.wsa4j.WsaTimeval;
import io.wsa4j.spi.Spi;
import java.util.concurrent.locks.LockSupport;

/**
 * Non-blocking mode and the readiness models (API.md rules 28–33): {@code ioctlsocket(FIONBIO,
 * FIONREAD)}, the plain {@code send}/{@code recv}, {@code WSAEventSelect},
 * {@code WSAEnumNetworkEvents}, {@code select} and {@code WSAPoll}. The levels they read are kept
 * by each socket's {@link Readiness}.
 */
final class ReadinessCalls {
  /** The events WSAEventSelect knows (FD_ALL_EVENTS of winsock2.h: the ten bits). */
  private static final int FD_ALL = (1 << FD_MAX_EVENTS) - 1;
  private static final int POLL_EVENTS = POLLIN | POLLPRI | POLLOUT | POLLWRBAND;

  private static final Spi.PollFdAccess POLL_FDS = Spi.pollFd();

  private final Nio2Wsa context;
  private final Args args;

  ReadinessCalls(Nio2Wsa context, Args args) {
    this.context = context;
    this.args = args;
  }

  // -- ioctlsocket --

  int ioctlsocket(WsaSocket s, int cmd, int[] argp) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    if (argp == null || argp.length < 1) {
      return fail(WSAEFAULT);
    }
    switch (cmd) {
      case FIONBIO:
        return sock.readiness.nonBlocking(argp[0] != 0) ? 0 : fail(WSAEINVAL);
      case FIONREAD:
        argp[0] = readable(sock);
        return 0;
      default:
        return fail(WSAEINVAL);
    }
  }

  /**
   * {@code WSAIoctl} with FIONBIO ({@code inBuffer} an {@code int[]} or {@code Integer}, non-zero:
   * non-blocking) or FIONREAD ({@code outBuffer[0]} := the {@code Integer} count). They finish
   * during the call, so a token or routine is not used.
   */
  int ioctl(WsaSocket s, int code, Object inBuffer, Object[] outBuffer, int[] bytesReturned) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    if (code == SIO_KEEPALIVE_VALS) {
      return keepAlive(sock, inBuffer);
    }
    if (code == FIONBIO) {
      int[] value = {0};
      if (inBuffer instanceof int[] && ((int[]) inBuffer).length > 0) {
        value[0] = ((int[]) inBuffer)[0];
      } else if (inBuffer instanceof Integer) {
        value[0] = (Integer) inBuffer;
      } else {
        return fail(WSAEFAULT);
      }
      return ioctlsocket(s, FIONBIO, value);
    }
    if (Args.badOut(outBuffer)) {
      return fail(WSAEFAULT);
    }
    outBuffer[0] = readable(sock);
    if (bytesReturned != null && bytesReturned.length > 0) {
      bytesReturned[0] = Integer.BYTES;
    }
    return 0;
  }

  /**
   * {@code SIO_KEEPALIVE_VALS} ({@code inBuffer} {@code int[] {onoff, keepalivetime ms,
   * keepaliveinterval ms}}): {@code SO_KEEPALIVE}, and the idle time and probe interval through
   * {@code jdk.net.ExtendedSocketOptions} (whole seconds, rounded up) where the platform has them.
   * Difference: where it has not, or when the socket has no channel yet (not bound, connected or
   * listening), the times are not applied; only on/off is.
   */
  private static int keepAlive(NioSocket sock, Object inBuffer) {
    if (!(inBuffer instanceof int[]) || ((int[]) inBuffer).length < 3) {
      return fail(WSAEFAULT);
    }
    int[] vals = (int[]) inBuffer;
    int code = sock.setOption(SocketOptions.indexOf(SOL_SOCKET, SO_KEEPALIVE),
        vals[0] != 0 ? 1 : 0);
    if (code == 0 && vals[0] != 0) {
      code = sock.setChannelOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, seconds(vals[1]));
    }
    if (code == 0 && vals[0] != 0) {
      code = sock.setChannelOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL,
          seconds(vals[2]));
    }
    return code == 0 ? 0 : fail(code);
  }

  /** Milliseconds (a DWORD) as whole seconds, rounded up, at least 1. */
  private static int seconds(int millis) {
    long ms = Integer.toUnsignedLong(millis);
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (ms + 999) / 1000));
  }

  /** FIONREAD: the bytes a recv returns now. The first ask starts the watch that fills it. */
  private static int readable(NioSocket sock) {
    if (sock instanceof NioDatagramSocket) {
      sock.readiness.watch();
      return ((NioDatagramSocket) sock).datagramRecvQueue().readableNow(); // the next datagram
    }
    RecvQueue q = sock.recvQueue();
    if (q == null) {
      return 0;
    }
    sock.readiness.watch();
    return q.readableNow();
  }

  // -- plain send / recv --

  int send(WsaSocket s, byte[] buf, int off, int len, int flags) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    if (buf == null || off < 0 || len < 0 || len > buf.length - off) {
      return fail(WSAEFAULT);
    }
    if (flags != 0) {
      return fail(WSAEOPNOTSUPP); // MSG_OOB (rule 24) and MSG_DONTROUTE: NIO2 has neither
    }
    PlainSender plain = sock.plainSender();
    if (plain == null) {
      return fail(WSAENOTCONN);
    }
    if (!sock.readiness.nonBlocking()) {
      int[] sent = new int[1];
      int r = context.send(s, new WsaBuf[] {WsaBuf.wrap(buf, off, len)}, 1, sent, 0, null, null);
      return r == 0 ? sent[0] : SOCKET_ERROR;
    }
    return sendNow(sock, plain.send(buf, off, len), len);
  }

  /** WSASend without a token on a non-blocking socket: as a plain non-blocking send. */
  static int sendNonBlocking(NioSocket sock, WsaBuf[] buffers, int count, int total, int[] sentOut) {
    PlainSender plain = sock.plainSender();
    if (plain == null) {
      return fail(WSAENOTCONN);
    }
    int n = sendNow(sock, plain.send(buffers, count, total), total);
    if (n >= 0) {
      sentOut[0] = n;
      return 0;
    }
    return n;
  }

  private static int sendNow(NioSocket sock, int taken, int len) {
    if (taken >= 0) {
      return len;
    }
    if (taken == -WSAEWOULDBLOCK) {
      sock.readiness.reenable(FD_WRITE); // FD_WRITE comes when room is back
    }
    return fail(-taken);
  }

  int recv(WsaSocket s, byte[] buf, int off, int len, int flags) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    if (buf == null || off < 0 || len < 0 || len > buf.length - off) {
      return fail(WSAEFAULT);
    }
    if ((flags & ~(MSG_PEEK | MSG_WAITALL | MSG_OOB)) != 0 || (flags & MSG_OOB) != 0) {
      return fail(WSAEOPNOTSUPP);
    }
    RecvQueue q = sock.recvQueue();
    if (q == null) {
      return fail(WSAENOTCONN);
    }
    if (!sock.readiness.nonBlocking()) {
      int[] got = new int[1];
      int[] fl = {flags};
      int r = context.recv(s, new WsaBuf[] {WsaBuf.wrap(buf, off, len)}, 1, got, fl, null, null);
      return r == 0 ? got[0] : SOCKET_ERROR;
    }
    if ((flags & MSG_WAITALL) != 0) {
      return fail(WSAEOPNOTSUPP); // recv page: not on non-blocking sockets
    }
    boolean peek = (flags & MSG_PEEK) != 0;
    int got = q.receiveNow(buf, off, len, null, 0, peek);
    // while the staged chunk was a full read, fetch more during this call, as Windows' recv takes
    // everything the socket holds; each read is larger (up to 64 KiB) and the caller's buffer
    // bounds the loop. A read that does not finish at once stays in flight as the probe
    while (got > 0 && got < len && !peek && q.moreLikelyWaiting()) {
      sock.readiness.watch();
      q.pump();
      int more = q.receiveNow(buf, off + got, len - got, null, 0, false);
      if (more <= 0) {
        break; // nothing more now; an end of stream or error is reported by the next call
      }
      got += more;
    }
    return recvNow(sock, q, got);
  }

  /** WSARecv without a token on a non-blocking socket (winsock-semantics scenario 9). */
  static int recvNonBlocking(NioSocket sock, WsaBuf[] buffers, int count, int flags, int[] countOut,
      int[] flagsOut) {
    RecvQueue q = sock.recvQueue();
    if ((flags & MSG_WAITALL) != 0) {
      return fail(WSAEOPNOTSUPP);
    }
    int n = recvNow(sock, q, q.receiveNow(null, 0, 0, buffers, count, (flags & MSG_PEEK) != 0));
    if (n >= 0) {
      countOut[0] = n;
      flagsOut[0] = 0;
      return 0;
    }
    return n;
  }

  private static int recvNow(NioSocket sock, RecvQueue q, int got) {
    sock.readiness.watch();
    q.pump(); // fetch more, publish the new level
    sock.readiness.reenable(FD_READ); // recorded again at once if data is left (level-triggered)
    return got >= 0 ? got : fail(-got);
  }

  // -- WSAEventSelect / WSAEnumNetworkEvents --

  int eventSelect(WsaSocket s, WsaEvent event, int networkEvents) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    NioEvent e = null;
    if (event != null) {
      e = args.eventOf(event);
      if (e == null) {
        return fail(WSAEINVAL);
      }
    } else if (networkEvents != 0) {
      return fail(WSAEINVAL);
    }
    if ((networkEvents & ~FD_ALL) != 0) {
      return fail(WSAEINVAL);
    }
    sock.readiness.select(e, networkEvents);
    sock.readiness.watch();
    return 0;
  }

  int enumNetworkEvents(WsaSocket s, WsaEvent event, WsaNetworkEvents out) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    if (out == null) {
      return fail(WSAEFAULT);
    }
    NioEvent e = null;
    if (event != null) {
      e = args.eventOf(event);
      if (e == null) {
        return fail(WSAEINVAL);
      }
    }
    sock.readiness.takeRecord(e, out);
    return 0;
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
