package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;
import static io.wsa4j.nio2.Args.badOut;
import static io.wsa4j.nio2.Args.fail;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.locks.LockSupport;

/**
 * The datagram calls of a context ({@code WSASendTo}, {@code WSARecvFrom}, {@code sendto},
 * {@code recvfrom}, and {@code WSASend}/{@code WSARecv} on a connected datagram socket), and the
 * context's {@link DatagramSelector}, started with its first datagram socket and stopped at
 * {@code WSACleanup}.
 *
 * <p>Each call checks its arguments in Winsock's order (the socket itself was checked by the
 * facade), queues one operation, and drains the queue on the calling thread: a datagram already
 * waiting, or a send the kernel takes at once, completes during the call and the call returns 0
 * with the count (rule 25), its event, routine and packet following as for a later completion.
 */
final class DatagramCalls {
  /** The largest UDP payload: 65,535 minus the IPv4 (20) and UDP (8) headers. */
  static final int MAX_IPV4_PAYLOAD = 65_507;
  /** The largest UDP payload over IPv6 without jumbograms: 65,535 minus the UDP header. */
  static final int MAX_IPV6_PAYLOAD = 65_527;

  private static final java.util.concurrent.atomic.AtomicInteger SELECTORS =
      new java.util.concurrent.atomic.AtomicInteger();

  private final Nio2Wsa context;
  private final Args args;
  // guarded by this
  private DatagramSelector selector;
  private boolean stopped;

  DatagramCalls(Nio2Wsa context, Args args) {
    this.context = context;
    this.args = args;
  }

  // -- the calls, behind Nio2Wsa --

  int sendto(WsaSocket s, byte[] buf, int off, int len, int flags, SocketAddress to) {
    NioDatagramSocket d = datagramArg(s);
    return d == null ? SOCKET_ERROR : sendto(d, buf, off, len, flags, to);
  }

  int recvfrom(WsaSocket s, byte[] buf, int off, int len, int flags, SocketAddress[] fromOut) {
    NioDatagramSocket d = datagramArg(s);
    return d == null ? SOCKET_ERROR : recvfrom(d, buf, off, len, flags, fromOut);
  }

  int sendTo(WsaSocket s, WsaBuf[] buffers, int bufferCount, int[] numberOfBytesSent, int flags,
      SocketAddress to, WsaOverlapped overlapped, WsaCompletionRoutine completionRoutine) {
    NioDatagramSocket d = datagramArg(s);
    return d == null ? SOCKET_ERROR : sendTo(d, buffers, bufferCount, numberOfBytesSent, flags,
        to, overlapped, completionRoutine);
  }

  int recvFrom(WsaSocket s, WsaBuf[] buffers, int bufferCount, int[] numberOfBytesRecvd,
      int[] flags, SocketAddress[] fromOut, WsaOverlapped overlapped,
      WsaCompletionRoutine completionRoutine) {
    NioDatagramSocket d = datagramArg(s);
    return d == null ? SOCKET_ERROR : recvFrom(d, buffers, bufferCount, numberOfBytesRecvd, flags,
        fromOut, overlapped, completionRoutine);
  }

  /**
   * The datagram socket behind an argument, or null with the last error set. A stream socket
   * is refused with {@code WSAEOPNOTSUPP}: wsa4j's {@code sendTo}/{@code recvFrom} are for
   * datagrams (on Windows they also work as {@code WSASend}/{@code WSARecv} on a connected
   * stream socket, the address ignored; use those there).
   */
  private NioDatagramSocket datagramArg(WsaSocket s) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return null;
    }
    if (!(sock instanceof NioDatagramSocket)) {
      fail(WSAEOPNOTSUPP);
      return null;
    }
    return (NioDatagramSocket) sock;
  }

  /** {@code WSASend}/{@code WSARecv} on a datagram socket: to and from the connected peer. */
  static int transfer(boolean receive, NioDatagramSocket sock, WsaBuf[] buffers,
      int bufferCount, int[] countOut, int[] flagsOut, int flags, WsaOverlapped overlapped,
      WsaCompletionRoutine routine) {
    if (receive) {
      return recvFrom(sock, buffers, bufferCount, countOut, flagsOut, null, overlapped, routine);
    }
    if (!sock.isConnected()) {
      return fail(WSAENOTCONN);
    }
    return sendTo(sock, buffers, bufferCount, countOut, flags, null, overlapped, routine);
  }

  /** The context's selector, started on first use; null once cleanup stopped it. */
  private synchronized DatagramSelector selector() throws IOException {
    if (stopped) {
      return null;
    }
    if (selector == null) {
      selector = DatagramSelector.start(r -> {
        Thread t = new Thread(r, "wsa4j-udp-selector-" + SELECTORS.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }
    return selector;
  }

  /** {@code WSACleanup}: after every socket is closed, stops the selector thread. */
  void stop() {
    DatagramSelector s;
    synchronized (this) {
      stopped = true;
      s = selector;
      selector = null;
    }
    if (s != null) {
      s.stop();
    }
  }

  /**
   * Opens a datagram socket.
   *
   * @return the socket, or null with {@code code[0]} set
   */
  NioDatagramSocket open(long id, int family, boolean overlapped, int[] code) {
    try {
      DatagramSelector s = selector();
      if (s == null) {
        code[0] = WSANOTINITIALISED;
        return null;
      }
      return NioDatagramSocket.open(context, id, family, overlapped, s);
    } catch (IOException | RuntimeException e) {
      code[0] = Errors.toWinsock(e);
      if (code[0] == WSAENETDOWN) {
        code[0] = WSAENOBUFS; // no descriptor or memory for a socket (WSASocket's documented code)
      }
      return null;
    }
  }

  static int maxPayload(NioDatagramSocket s) {
    return s.family == AF_INET ? MAX_IPV4_PAYLOAD : MAX_IPV6_PAYLOAD;
  }

  // -- WSASendTo / WSARecvFrom --

  /** {@code WSASendTo} (and {@code WSASend} when {@code to} is null on a connected socket). */
  static int sendTo(NioDatagramSocket s, WsaBuf[] buffers, int bufferCount, int[] sentOut, int flags,
      SocketAddress to, WsaOverlapped overlapped, WsaCompletionRoutine routine) {
    int code = checkBuffers(buffers, bufferCount, false);
    boolean blocking = overlapped == null || !s.overlapped;
    if (code == 0 && ((blocking && badOut(sentOut)) || (sentOut != null && sentOut.length < 1))) {
      code = WSAEFAULT; // scenario 38: no count and no overlapped
    }
    if (code == 0) {
      code = checkFlags(flags, 0);
    }
    InetSocketAddress target = null;
    if (code == 0) {
      int[] c = DatagramQueue.outcome(); // the thread's scratch: no array per datagram
      c[0] = 0;
      target = destination(s, to, c);
      code = c[0];
    }
    if (code == 0 && total(buffers, bufferCount) > maxPayload(s)) {
      code = WSAEMSGSIZE;
    }
    if (code == 0) {
      code = checkToken(s, blocking, overlapped, routine);
    }
    if (code != 0) {
      return fail(code);
    }
    return post(s.datagramSendQueue(), buffers, bufferCount, sentOut, null, 0, target, null,
        blocking ? null : overlapped, routine);
  }

  /** {@code WSARecvFrom} (and {@code WSARecv} when {@code fromOut} is null). */
  static int recvFrom(NioDatagramSocket s, WsaBuf[] buffers, int bufferCount, int[] recvdOut,
      int[] flags, SocketAddress[] fromOut, WsaOverlapped overlapped,
      WsaCompletionRoutine routine) {
    int code = checkBuffers(buffers, bufferCount, true);
    boolean blocking = overlapped == null || !s.overlapped;
    if (code == 0 && (badOut(flags) || (blocking && badOut(recvdOut))
        || (recvdOut != null && recvdOut.length < 1)
        || (fromOut != null && fromOut.length < 1))) {
      code = WSAEFAULT;
    }
    if (code == 0) {
      code = checkFlags(flags[0], MSG_PEEK);
    }
    if (code == 0 && !s.isBound()) {
      code = WSAEINVAL; // WSARecvFrom on an unbound socket
    }
    if (code == 0) {
      code = checkToken(s, blocking, overlapped, routine);
    }
    if (code != 0) {
      return fail(code);
    }
    return post(s.datagramRecvQueue(), buffers, bufferCount, recvdOut, flags, flags[0] & MSG_PEEK,
        null, fromOut, blocking ? null : overlapped, routine);
  }

  private static int checkBuffers(WsaBuf[] buffers, int bufferCount, boolean receive) {
    if (bufferCount < 1) {
      return WSAEINVAL;
    }
    if (buffers == null || bufferCount > buffers.length) {
      return WSAEFAULT;
    }
    for (int i = 0; i < bufferCount; i++) {
      WsaBuf b = buffers[i];
      if (b == null || b.len() > b.buf().remaining() || (receive && b.buf().isReadOnly())) {
        return WSAEFAULT;
      }
    }
    return 0;
  }

  private static long total(WsaBuf[] buffers, int bufferCount) {
    long total = 0;
    for (int i = 0; i < bufferCount; i++) {
      total += buffers[i].len();
    }
    return total;
  }

  /** {@code MSG_OOB}: no urgent data in UDP; MSG_WAITALL: a datagram is whole or nothing. */
  private static int checkFlags(int flags, int allowed) {
    if ((flags & (MSG_OOB | MSG_WAITALL)) != 0) {
      return WSAEOPNOTSUPP;
    }
    return (flags & ~allowed & ~MSG_PARTIAL) != 0 ? WSAEINVAL : 0;
  }

  private static int checkToken(NioDatagramSocket s, boolean blocking, WsaOverlapped overlapped,
      WsaCompletionRoutine routine) {
    if (!blocking && overlapped.internal() == STATUS_PENDING) {
      return WSAEINVAL; // rule 17
    }
    if (!blocking && routine != null && s.port() != null) {
      return WSAEINVAL; // rule 9
    }
    if (blocking && Thread.currentThread().isInterrupted()) {
      return WSAEINTR;
    }
    return 0;
  }

  /**
   * Where a datagram goes: {@code to}, or the connected peer when {@code to} is null (null is
   * returned then: the channel writes to its peer). A connected socket sends only to its peer.
   */
  private static InetSocketAddress destination(NioDatagramSocket s, SocketAddress to, int[] code) {
    if (to == null) {
      if (!s.isConnected()) {
        code[0] = s.isClosed() ? WSAENOTSOCK : WSAEDESTADDRREQ; // no destination, no peer
      }
      return null;
    }
    InetSocketAddress a = address(s, to, code);
    if (a == null || !s.isConnected()) {
      return a;
    }
    if (a.equals(s.peer())) {
      return null;
    }
    code[0] = WSAEISCONN; // the JDK sends a connected datagram channel's datagrams to its peer only
    return null;
  }

  /** A destination of the socket's family, not port 0, or null with a code. */
  private static InetSocketAddress address(NioSocket s, SocketAddress a, int[] code) {
    InetSocketAddress isa = Args.addressFor(s.family, a, code);
    if (isa != null && isa.getPort() == 0) {
      code[0] = WSAEADDRNOTAVAIL; // sendto port 0
      return null;
    }
    return isa;
  }

  /**
   * Queues one operation and drains on this thread; returns at once when it finished during the
   * call (rule 25), else {@code WSA_IO_PENDING} (overlapped) or after waiting (blocking).
   *
   * @param overlapped the user's token, or null for a blocking call
   */
  private static int post(DatagramQueue queue, WsaBuf[] buffers, int bufferCount, int[] countOut,
      int[] flagsOut, int opFlags, InetSocketAddress to, SocketAddress[] fromOut,
      WsaOverlapped overlapped, WsaCompletionRoutine routine) {
    ThreadState ts = overlapped == null ? ThreadState.current() : null;
    WsaOverlapped token = overlapped != null ? overlapped : ts.blockingToken;
    int code;
    synchronized (queue) {
      code = queue.enqueue(buffers, bufferCount, token, overlapped != null ? routine : null,
          ts != null ? ts.thread : null, opFlags);
      if (code == 0) {
        IoOp op = queue.tail();
        op.to = to;
        op.fromOut = fromOut;
      }
    }
    if (code != 0) {
      return fail(code);
    }
    int[] outcome = DatagramQueue.outcome();
    queue.drain(token, outcome);
    int status;
    int bytes;
    Readiness readiness = queue.datagramSocket.readiness;
    boolean receive = queue instanceof DatagramRecvQueue;
    if (receive && readiness.watched()) {
      readiness.reenable(FD_READ); // every receive call re-enables FD_READ
    }
    if (outcome[0] != 0) {
      status = outcome[1];
      bytes = outcome[2];
    } else if (overlapped != null) {
      return fail(WSA_IO_PENDING);
    } else if (readiness.nonBlocking() && queue.cancelBlocking(token)) {
      if (!receive) {
        readiness.reenable(FD_WRITE); // FD_WRITE comes when room is back
      }
      return fail(WSAEWOULDBLOCK); // rule 28: nothing waiting, or no room
    } else if (token.isCompleted()) {
      status = (int) token.internal();
      bytes = status == 0 || status == WSAEMSGSIZE ? (int) token.internalHigh() : 0;
    } else {
      status = awaitBlocking(queue, token);
      bytes = status == 0 || status == WSAEMSGSIZE ? (int) token.internalHigh() : 0;
    }
    if (status == 0 || status == WSAEMSGSIZE) {
      if (countOut != null) {
        countOut[0] = bytes; // a truncated datagram's count too (rule 34)
      }
      if (flagsOut != null) {
        flagsOut[0] = 0;
      }
    }
    if (status != 0) {
      return fail(status);
    }
    Wsa.setLastError(0);
    return 0;
  }

  /** Parks until the blocking op completes; an interrupt takes it back ({@code WSAEINTR}). */
  private static int awaitBlocking(OpQueue queue, WsaOverlapped token) {
    while (!token.isCompleted()) {
      if (Thread.currentThread().isInterrupted() && queue.cancelBlocking(token)) {
        return WSAEINTR;
      }
      LockSupport.park(queue);
    }
    return (int) token.internal();
  }

  // -- sendto / recvfrom: the plain calls, on the thread's own buffer wrapper --

  /** {@code sendto}: the byte count, or {@code SOCKET_ERROR}. */
  private static int sendto(NioDatagramSocket s, byte[] buf, int off, int len, int flags, SocketAddress to) {
    WsaBuf[] one = wrap(buf, off, len, false);
    if (one == null) {
      return fail(WSAEFAULT);
    }
    int[] count = ThreadBuffers.get().count;
    int rc = sendTo(s, one, 1, count, flags, to, null, null);
    ThreadBuffers.get().release();
    return rc == 0 ? count[0] : SOCKET_ERROR;
  }

  /** {@code recvfrom}: the byte count (0 for an empty datagram), or {@code SOCKET_ERROR}. */
  private static int recvfrom(NioDatagramSocket s, byte[] buf, int off, int len, int flags,
      SocketAddress[] fromOut) {
    WsaBuf[] one = wrap(buf, off, len, true);
    if (one == null) {
      return fail(WSAEFAULT);
    }
    ThreadBuffers tb = ThreadBuffers.get();
    tb.flags[0] = flags;
    int rc = recvFrom(s, one, 1, tb.count, tb.flags, fromOut, null, null);
    tb.release();
    return rc == 0 ? tb.count[0] : SOCKET_ERROR;
  }

  private static WsaBuf[] wrap(byte[] buf, int off, int len, boolean receive) {
    if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
      return null;
    }
    return ThreadBuffers.get().wrap(buf, off, len);
  }

  /**
   * A thread's wrapper for the plain calls' arrays: the same {@code WsaBuf} while the thread keeps
   * using the same array, so a loop of {@code recvfrom} into one array allocates nothing.
   */
  private static final class ThreadBuffers {
    private static final ThreadLocal<ThreadBuffers> CURRENT =
        ThreadLocal.withInitial(ThreadBuffers::new);
    final int[] count = new int[1];
    final int[] flags = new int[1];
    private final WsaBuf[] one = new WsaBuf[1];
    private byte[] array;
    private java.nio.ByteBuffer wrapped;

    static ThreadBuffers get() {
      return CURRENT.get();
    }

    WsaBuf[] wrap(byte[] buf, int off, int len) {
      if (buf != array) {
        array = buf;
        wrapped = java.nio.ByteBuffer.wrap(buf);
        one[0] = new WsaBuf(wrapped, 0);
      }
      wrapped.limit(buf.length).position(off);
      one[0].len(len);
      return one;
    }

    /** Drops the array when it is a large one, so a thread does not pin it. */
    void release() {
      if (array != null && array.length > 65_536) {
        array = null;
        wrapped = null;
        one[0] = null;
      }
    }
  }
}
