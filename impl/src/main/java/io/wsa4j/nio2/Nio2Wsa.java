package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaData;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaOverlappedEntry;
import io.wsa4j.WsaSocket;
import io.wsa4j.WsaStats;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A wsa4j context on NIO2. Each call checks its arguments in the order Winsock does
 * (initialised, handle, counts, pointers, flags, state), fails through {@link #fail} with the
 * documented code, and otherwise delegates to the socket, its queues or an event.
 */
final class Nio2Wsa implements Wsa {
  private static final AtomicInteger CONTEXTS = new AtomicInteger();
  private static final WsaBuf[] NO_BUFFERS = new WsaBuf[0];

  private final WsaConfig config;
  private final WsaData data;
  private final AsynchronousChannelGroup group;
  private final StagingPool staging = new StagingPool();
  private final Stats stats = new Stats();
  private final Set<NioSocket> sockets = ConcurrentHashMap.newKeySet();
  private final Set<NioEvent> events = ConcurrentHashMap.newKeySet();
  private final PortCalls ports = new PortCalls(this);
  private final DatagramCalls datagrams = new DatagramCalls(this);
  /** Handle values, Windows-like: multiples of 4. */
  private final AtomicLong handles = new AtomicLong(0x100);
  private volatile boolean cleanedUp;
  /** The statistics MBean, when {@code config.jmx()}. */
  private final StatsMBean mbean;

  Nio2Wsa(WsaConfig config, String providerName) {
    this.config = config;
    int number = CONTEXTS.incrementAndGet();
    this.data = new WsaData(0x0202, "wsa4j on Java NIO2 (" + System.getProperty("os.name") + ")",
        providerName);
    try {
      this.group = AsynchronousChannelGroup.withFixedThreadPool(config.ioThreads(),
          config.threadFactory() != null ? config.threadFactory() : new IoThreadFactory(number));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the NIO2 channel group", e);
    }
    this.mbean = config.jmx() ? StatsMBean.register(this, number) : null;
  }

  WsaConfig config() {
    return config;
  }

  boolean isCleanedUp() {
    return cleanedUp;
  }

  StagingPool staging() {
    return staging;
  }

  AsynchronousChannelGroup group() {
    return group;
  }

  // -- failure helpers: every failure leaves through one of these --

  /** Sets the last error; returns {@code SOCKET_ERROR}, the failure value of {@code int} calls. */
  static int fail(int code) {
    Wsa.setLastError(code);
    return SOCKET_ERROR;
  }

  /** Sets the last error; returns false, the failure value of {@code boolean} calls. */
  static boolean failed(int code) {
    Wsa.setLastError(code);
    return false;
  }

  private static int result(int code) {
    return code == 0 ? 0 : fail(code);
  }

  /** The socket behind a handle of this context, or null (null, closed or foreign handle). */
  private NioSocket socketOf(WsaSocket s) {
    if (s instanceof NioSocket) {
      NioSocket ns = (NioSocket) s;
      if (ns.context == this && !ns.isClosed()) {
        return ns;
      }
    }
    return null;
  }

  /**
   * The socket behind an argument, or null with the last error set: {@code WSANOTINITIALISED}
   * after cleanup, else {@code WSAENOTSOCK} for a null, closed or foreign handle (rule 15).
   */
  private NioSocket socketArg(WsaSocket s) {
    if (cleanedUp) {
      Wsa.setLastError(WSANOTINITIALISED);
      return null;
    }
    NioSocket sock = socketOf(s);
    if (sock == null) {
      Wsa.setLastError(WSAENOTSOCK);
    }
    return sock;
  }

  /** As {@link #socketArg} for an event: {@code WSA_INVALID_HANDLE} when it is not valid. */
  private NioEvent eventArg(WsaEvent e) {
    if (cleanedUp) {
      Wsa.setLastError(WSANOTINITIALISED);
      return null;
    }
    NioEvent ev = eventOf(e);
    if (ev == null) {
      Wsa.setLastError(WSA_INVALID_HANDLE);
    }
    return ev;
  }

  private NioEvent eventOf(WsaEvent e) {
    if (e instanceof NioEvent) {
      NioEvent ne = (NioEvent) e;
      if (ne.context == this && !ne.isClosed()) {
        return ne;
      }
    }
    return null;
  }

  /** The address as an {@link InetSocketAddress} of the socket's family, or null with a code. */
  private static InetSocketAddress addressFor(NioSocket s, SocketAddress a, int[] code) {
    if (a == null) {
      code[0] = WSAEFAULT;
      return null;
    }
    if (!(a instanceof InetSocketAddress)) {
      code[0] = WSAEAFNOSUPPORT;
      return null;
    }
    InetSocketAddress isa = (InetSocketAddress) a;
    if (isa.isUnresolved()) {
      code[0] = WSAEADDRNOTAVAIL;
      return null;
    }
    boolean familyMatches = s.family == AF_INET
        ? isa.getAddress() instanceof Inet4Address
        : isa.getAddress() instanceof Inet6Address;
    if (!familyMatches) {
      code[0] = WSAEAFNOSUPPORT;
      return null;
    }
    return isa;
  }

  private static boolean badOut(Object[] out) {
    return out == null || out.length < 1;
  }

  private static boolean badOut(int[] out) {
    return out == null || out.length < 1;
  }

  // -- context --

  @Override
  public WsaData data() {
    return data;
  }

  @Override
  public WsaStats stats() {
    synchronized (stats) {
      return stats.snapshot(sockets, sockets.size(), ports.open());
    }
  }

  @Override
  public int cleanup() {
    synchronized (this) {
      if (cleanedUp) {
        return fail(WSANOTINITIALISED);
      }
      cleanedUp = true;
    }
    for (NioSocket s : sockets) {
      s.close(false);
    }
    datagrams.stop();
    for (NioEvent e : events) {
      e.close();
    }
    events.clear();
    ports.closeAll();
    if (mbean != null) {
      mbean.unregister();
    }
    try {
      group.shutdownNow(); // closes every channel still open and stops the I/O threads
    } catch (IOException e) {
      System.getLogger("io.wsa4j").log(System.Logger.Level.DEBUG, "closing the channel group", e);
    }
    try {
      while (!group.awaitTermination(10, TimeUnit.SECONDS)) {
        System.getLogger("io.wsa4j").log(System.Logger.Level.WARNING,
            "I/O threads still running 10 s after WSACleanup; waiting");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // threads are told to stop; do not wait any longer
    }
    return 0;
  }

  /** Makes and registers a socket; null if the context is cleaned up. */
  private NioSocket newSocket(int family, boolean overlapped) {
    NioSocket s = new NioSocket(this, handles.getAndAdd(4), family, overlapped);
    sockets.add(s);
    if (cleanedUp) {
      s.close(false); // cleanup ran between the caller's check and the add
      Wsa.setLastError(WSANOTINITIALISED);
      return null;
    }
    return s;
  }

  /** A socket closed: its counters join the totals as it leaves the live set, atomically. */
  void forget(NioSocket s, OpQueue[] queues) {
    synchronized (stats) {
      for (OpQueue q : queues) {
        if (q != null && q.countsOwnKind()) {
          stats.fold(q);
        }
      }
      sockets.remove(s);
    }
  }

  Stats counters() {
    return stats;
  }

  // -- sockets --

  @Override
  public WsaSocket socket(int af, int type, int protocol, Object protocolInfo, int group,
      int flags) {
    int code = 0;
    if (cleanedUp) {
      code = WSANOTINITIALISED;
    } else if (af != AF_INET && af != AF_INET6) {
      code = WSAEAFNOSUPPORT;
    } else if (type != SOCK_STREAM && type != SOCK_DGRAM) {
      code = WSAESOCKTNOSUPPORT;
    } else if (protocol != 0 && protocol != (type == SOCK_STREAM ? IPPROTO_TCP : 17)) {
      code = WSAEPROTONOSUPPORT; // TCP for streams, IPPROTO_UDP (17) for datagrams
    } else if (protocolInfo != null || group != 0 || (flags & ~WSA_FLAG_OVERLAPPED) != 0) {
      code = WSAEINVAL;
    }
    if (code != 0) {
      Wsa.setLastError(code);
      return WsaSocket.INVALID_SOCKET;
    }
    NioSocket s = type == SOCK_DGRAM
        ? newDatagramSocket(af, (flags & WSA_FLAG_OVERLAPPED) != 0)
        : newSocket(af, (flags & WSA_FLAG_OVERLAPPED) != 0);
    return s != null ? s : WsaSocket.INVALID_SOCKET;
  }

  /** Makes and registers a datagram socket; null with the last error set if it cannot. */
  private NioSocket newDatagramSocket(int family, boolean overlapped) {
    int[] code = new int[1];
    NioSocket s = datagrams.open(handles.getAndAdd(4), family, overlapped, code);
    if (s == null) {
      Wsa.setLastError(code[0]);
      return null;
    }
    sockets.add(s);
    if (cleanedUp) {
      s.close(false); // cleanup ran between the caller's check and the add
      Wsa.setLastError(WSANOTINITIALISED);
      return null;
    }
    return s;
  }

  DatagramCalls datagrams() {
    return datagrams;
  }

  @Override
  public int bind(WsaSocket s, SocketAddress local) {
    NioSocket sock = socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    int[] code = new int[1];
    InetSocketAddress a = addressFor(sock, local, code);
    return a == null ? fail(code[0]) : result(sock.bind(a));
  }

  @Override
  public int listen(WsaSocket s, int backlog) {
    NioSocket sock = socketArg(s);
    return sock == null ? SOCKET_ERROR : result(sock.listen(backlog));
  }

  @Override
  public WsaSocket accept(WsaSocket listener, SocketAddress[] remoteOut) {
    NioSocket sock = socketArg(listener);
    if (sock == null) {
      return WsaSocket.INVALID_SOCKET;
    }
    int code;
    if (remoteOut != null && remoteOut.length < 1) {
      code = WSAEFAULT;
    } else if (Thread.currentThread().isInterrupted()) {
      code = WSAEINTR;
    } else if (sock.acceptQueue() == null) {
      code = WSAEINVAL; // not listening
    } else {
      return acceptBlocking(sock, remoteOut);
    }
    Wsa.setLastError(code);
    return WsaSocket.INVALID_SOCKET;
  }

  /** {@code WSAAccept}: an accept into a fresh socket, waited for on the thread's token. */
  private WsaSocket acceptBlocking(NioSocket listener, SocketAddress[] remoteOut) {
    NioSocket fresh = newSocket(listener.family, listener.overlapped);
    if (fresh == null) {
      Wsa.setLastError(WSANOTINITIALISED);
      return WsaSocket.INVALID_SOCKET;
    }
    fresh.acceptInto(listener);
    ThreadState ts = ThreadState.current();
    AcceptQueue queue = listener.acceptQueue();
    int code = queue.enqueue(NO_BUFFERS, 0, ts.blockingToken, null, ts.thread, 0, fresh);
    if (code == 0) {
      queue.pump();
      code = awaitBlocking(queue, ts.blockingToken, fresh);
    }
    if (code != 0) {
      fresh.close(false);
      Wsa.setLastError(code == WSAENOTSOCK ? WSA_OPERATION_ABORTED : code);
      return WsaSocket.INVALID_SOCKET;
    }
    if (remoteOut != null && fresh.remoteAddress(remoteOut) != 0) {
      remoteOut[0] = null; // reset before we asked; the socket itself will say so
    }
    return fresh;
  }

  /**
   * Parks until the blocking op on {@code token} completes. An interrupt takes the op out of its
   * queue (no byte or connection is lost: see the queues) and gives {@code WSAEINTR}.
   *
   * @return 0, or the op's Winsock code, or {@code WSAEINTR}
   */
  private static int awaitBlocking(OpQueue queue, WsaOverlapped token, NioSocket acceptInto) {
    while (!token.isCompleted()) {
      if (Thread.currentThread().isInterrupted()) {
        boolean cancelled = acceptInto == null
            ? queue.cancelBlocking(token)
            : queue.cancelAcceptsInto(acceptInto) > 0;
        if (cancelled) {
          return WSAEINTR;
        }
      }
      LockSupport.park(queue);
    }
    return (int) token.internal();
  }

  @Override
  public int connect(WsaSocket s, SocketAddress remote) {
    NioSocket sock = socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    int[] code = new int[1];
    InetSocketAddress a = addressFor(sock, remote, code);
    if (a == null) {
      return fail(code[0]);
    }
    if (Thread.currentThread().isInterrupted()) {
      return fail(WSAEINTR);
    }
    return result(sock.connect(a));
  }

  @Override
  public int closesocket(WsaSocket s) {
    NioSocket sock = socketArg(s);
    return sock == null ? SOCKET_ERROR : result(sock.close(true));
  }

  @Override
  public int shutdown(WsaSocket s, int how) {
    NioSocket sock = socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    if (how != SD_RECEIVE && how != SD_SEND && how != SD_BOTH) {
      return fail(WSAEINVAL);
    }
    return result(sock.shutdown(how));
  }

  @Override
  public int setsockopt(WsaSocket s, int level, int option, int value) {
    NioSocket sock = socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    if (sock instanceof NioDatagramSocket) {
      return result(((NioDatagramSocket) sock).setOption(level, option, value));
    }
    if (level == SOL_SOCKET && option == SO_LINGER) {
      // NIO2 has no linger option: only "off" can be honoured (rule 24)
      return value == -1 ? 0 : fail(WSAENOPROTOOPT);
    }
    int index = SocketOptions.indexOf(level, option);
    if (index < 0) {
      return fail(index == -2 ? WSAEINVAL : WSAENOPROTOOPT);
    }
    return result(sock.setOption(index, value));
  }

  @Override
  public int getsockopt(WsaSocket s, int level, int option, int[] valueOut) {
    NioSocket sock = socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    if (badOut(valueOut)) {
      return fail(WSAEFAULT);
    }
    if (sock instanceof NioDatagramSocket) {
      return result(((NioDatagramSocket) sock).getOption(level, option, valueOut));
    }
    if (level == SOL_SOCKET && option == SO_LINGER) {
      valueOut[0] = -1;
      return 0;
    }
    int index = SocketOptions.indexOf(level, option);
    if (index < 0) {
      return fail(index == -2 ? WSAEINVAL : WSAENOPROTOOPT);
    }
    return result(sock.getOption(index, valueOut));
  }

  @Override
  public int getsockname(WsaSocket s, SocketAddress[] out) {
    NioSocket sock = socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    return badOut(out) ? fail(WSAEFAULT) : result(sock.localAddress(out));
  }

  @Override
  public int getpeername(WsaSocket s, SocketAddress[] out) {
    NioSocket sock = socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    return badOut(out) ? fail(WSAEFAULT) : result(sock.remoteAddress(out));
  }

  // -- data --

  @Override
  public int send(WsaSocket s, WsaBuf[] buffers, int bufferCount, int[] numberOfBytesSent,
      int flags, WsaOverlapped overlapped, WsaCompletionRoutine completionRoutine) {
    return transfer(false, s, buffers, bufferCount, numberOfBytesSent, null, flags, overlapped,
        completionRoutine);
  }

  @Override
  public int recv(WsaSocket s, WsaBuf[] buffers, int bufferCount, int[] numberOfBytesRecvd,
      int[] flags, WsaOverlapped overlapped, WsaCompletionRoutine completionRoutine) {
    int flagsIn = flags != null && flags.length > 0 ? flags[0] : 0;
    return transfer(true, s, buffers, bufferCount, numberOfBytesRecvd, flags, flagsIn, overlapped,
        completionRoutine);
  }

  /** {@code WSASend} and {@code WSARecv}: the checks of rules 15–19, then queue or block. */
  private int transfer(boolean receive, WsaSocket s, WsaBuf[] buffers, int bufferCount,
      int[] countOut, int[] flagsOut, int flags, WsaOverlapped overlapped,
      WsaCompletionRoutine routine) {
    NioSocket sock = socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    if (sock instanceof NioDatagramSocket) {
      return datagramTransfer(receive, (NioDatagramSocket) sock, buffers, bufferCount, countOut,
          flagsOut, flags, overlapped, routine);
    }
    if (bufferCount < 1) {
      return fail(WSAEINVAL);
    }
    if (buffers == null || bufferCount > buffers.length) {
      return fail(WSAEFAULT);
    }
    long total = 0;
    for (int i = 0; i < bufferCount; i++) {
      WsaBuf b = buffers[i];
      if (b == null || b.len() > b.buf().remaining() || (receive && b.buf().isReadOnly())) {
        return fail(WSAEFAULT);
      }
      total += b.len();
    }
    boolean blocking = overlapped == null || !sock.overlapped;
    if ((receive && badOut(flagsOut)) || (blocking && badOut(countOut))
        || (countOut != null && countOut.length < 1)) {
      return fail(WSAEFAULT);
    }
    if ((flags & MSG_OOB) != 0) {
      return fail(WSAEOPNOTSUPP); // rule 24: NIO2 has no urgent data
    }
    if (total > Integer.MAX_VALUE) {
      return fail(WSAEMSGSIZE); // the count must fit the DWORD the caller reads back
    }
    if (!blocking && overlapped.internal() == STATUS_PENDING) {
      return fail(WSAEINVAL); // rule 17
    }
    if (!blocking && routine != null && sock.port() != null) {
      return fail(WSAEINVAL); // rule 9: a socket on a port completes through the port only
    }
    OpQueue queue = receive ? sock.recvQueue() : sock.sendQueue();
    if (queue == null) {
      return fail(WSAENOTCONN);
    }
    int opFlags = receive ? flags & (MSG_WAITALL | MSG_PEEK) : 0;
    if (blocking) {
      return transferBlocking(queue, buffers, bufferCount, countOut, flagsOut, opFlags);
    }
    int code = queue.enqueue(buffers, bufferCount, overlapped, routine, null, opFlags);
    if (code != 0) {
      return fail(code);
    }
    queue.pump();
    return fail(WSA_IO_PENDING); // rule 2: always correct, and callers must handle it anyway
  }

  /** {@code WSASend}/{@code WSARecv} on a datagram socket: to and from the connected peer. */
  private int datagramTransfer(boolean receive, NioDatagramSocket sock, WsaBuf[] buffers,
      int bufferCount, int[] countOut, int[] flagsOut, int flags, WsaOverlapped overlapped,
      WsaCompletionRoutine routine) {
    if (receive) {
      return datagrams.recvFrom(sock, buffers, bufferCount, countOut, flagsOut, null, overlapped,
          routine);
    }
    if (!sock.isConnected()) {
      return fail(WSAENOTCONN);
    }
    return datagrams.sendTo(sock, buffers, bufferCount, countOut, flags, null, overlapped,
        routine);
  }

  /** Rule 8: post on the thread's private token and park until it completes. */
  private int transferBlocking(OpQueue queue, WsaBuf[] buffers, int bufferCount, int[] countOut,
      int[] flagsOut, int opFlags) {
    ThreadState ts = ThreadState.current();
    WsaOverlapped token = ts.blockingToken;
    if (Thread.currentThread().isInterrupted()) {
      return fail(WSAEINTR);
    }
    int code = queue.enqueue(buffers, bufferCount, token, null, ts.thread, opFlags);
    if (code != 0) {
      return fail(code);
    }
    queue.pump();
    int status = awaitBlocking(queue, token, null);
    if (status != 0) {
      return fail(status);
    }
    countOut[0] = (int) token.internalHigh();
    if (flagsOut != null) {
      flagsOut[0] = 0;
    }
    return 0;
  }

  @Override
  public boolean getOverlappedResult(WsaSocket s, WsaOverlapped overlapped,
      int[] bytesTransferred, boolean wait, int[] flags) {
    NioSocket sock = socketArg(s);
    if (sock == null) {
      return false;
    }
    if (overlapped == null || badOut(bytesTransferred)) {
      return failed(WSAEFAULT);
    }
    if (!overlapped.isCompleted()) {
      if (!wait) {
        return failed(WSA_IO_INCOMPLETE);
      }
      int code = awaitCompletion(sock, overlapped);
      if (code != 0) {
        return failed(code);
      }
    }
    int status = (int) overlapped.internal();
    if (status == WSAEMSGSIZE) {
      bytesTransferred[0] = (int) overlapped.internalHigh(); // a truncated datagram (rule 34)
    }
    if (status != 0) {
      return failed(status);
    }
    bytesTransferred[0] = (int) overlapped.internalHigh();
    if (flags != null && flags.length > 0) {
      flags[0] = 0;
    }
    Wsa.setLastError(0);
    return true;
  }

  /** Parks (not alertably) until the token completes; 0, or WSAEINTR. */
  private int awaitCompletion(NioSocket sock, WsaOverlapped overlapped) {
    Thread self = Thread.currentThread();
    sock.resultWaiters.add(self);
    try {
      while (!overlapped.isCompleted()) {
        if (self.isInterrupted()) {
          return WSAEINTR;
        }
        if (sock.isClosed() && !overlapped.isCompleted()) {
          // every op of a closed socket is announced before its waiters wake: this token
          // belongs to no op of the socket, so nothing will complete it here
          return WSA_OPERATION_ABORTED;
        }
        LockSupport.park(sock);
      }
      return 0;
    } finally {
      sock.resultWaiters.remove(self);
    }
  }

  @Override
  public boolean cancelIoEx(WsaSocket s, WsaOverlapped overlapped) {
    NioSocket sock = socketArg(s);
    if (sock == null) {
      return false;
    }
    return sock.cancel(overlapped) > 0 || failed(ERROR_NOT_FOUND);
  }

  // -- events and waits --

  @Override
  public WsaEvent createEvent() {
    if (cleanedUp) {
      Wsa.setLastError(WSANOTINITIALISED);
      return null;
    }
    NioEvent e = new NioEvent(this);
    events.add(e);
    if (cleanedUp) {
      e.close();
      Wsa.setLastError(WSANOTINITIALISED);
      return null;
    }
    return e;
  }

  @Override
  public boolean setEvent(WsaEvent e) {
    NioEvent ev = eventArg(e);
    if (ev == null) {
      return false;
    }
    ev.set();
    return true;
  }

  @Override
  public boolean resetEvent(WsaEvent e) {
    NioEvent ev = eventArg(e);
    if (ev == null) {
      return false;
    }
    ev.reset();
    return true;
  }

  @Override
  public boolean closeEvent(WsaEvent e) {
    NioEvent ev = eventArg(e);
    if (ev == null) {
      return false;
    }
    events.remove(ev);
    ev.close();
    return true;
  }

  @Override
  public int waitForMultipleEvents(int count, WsaEvent[] events, boolean waitAll,
      int timeoutMillis, boolean alertable) {
    if (cleanedUp) {
      return fail(WSANOTINITIALISED);
    }
    if (count < 1 || count > WSA_MAXIMUM_WAIT_EVENTS || events == null || events.length < count) {
      return fail(WSA_INVALID_PARAMETER);
    }
    for (int i = 0; i < count; i++) {
      if (eventOf(events[i]) == null) {
        return fail(WSA_INVALID_HANDLE);
      }
    }
    return EventWait.await(count, events, waitAll, timeoutMillis, alertable);
  }

  @Override
  public int sleepEx(int timeoutMillis, boolean alertable) {
    return EventWait.sleep(timeoutMillis, alertable);
  }

  // -- completion ports: see PortCalls --

  @Override
  public WsaCompletionPort createIoCompletionPort(WsaSocket s, WsaCompletionPort existing,
      long completionKey, int concurrentThreads) {
    if (cleanedUp) {
      Wsa.setLastError(WSANOTINITIALISED);
      return null;
    }
    return ports.create(s == null ? null : socketOf(s), s == null, existing, completionKey,
        concurrentThreads);
  }

  @Override
  public boolean getQueuedCompletionStatus(WsaCompletionPort port, int[] bytesTransferred,
      long[] completionKey, WsaOverlapped[] overlapped, int timeoutMillis) {
    NioPort p = portArg(port);
    return p != null && ports.dequeue(p, bytesTransferred, completionKey, overlapped,
        timeoutMillis);
  }

  @Override
  public boolean getQueuedCompletionStatusEx(WsaCompletionPort port, WsaOverlappedEntry[] entries,
      int count, int[] removed, int timeoutMillis, boolean alertable) {
    NioPort p = portArg(port);
    return p != null && ports.dequeueMany(p, entries, count, removed, timeoutMillis, alertable);
  }

  @Override
  public boolean postQueuedCompletionStatus(WsaCompletionPort port, int bytesTransferred,
      long completionKey, WsaOverlapped overlapped) {
    NioPort p = portArg(port);
    return p != null && (p.post(completionKey, bytesTransferred, overlapped, 0, true)
        || failed(p.isClosed() ? ERROR_INVALID_HANDLE : WSA_NOT_ENOUGH_MEMORY));
  }

  @Override
  public boolean closeHandle(WsaCompletionPort port) {
    NioPort p = portArg(port);
    if (p == null) {
      return false;
    }
    ports.close(p);
    return true;
  }

  /** As {@link #socketArg} for a port: {@code ERROR_INVALID_HANDLE} when it is not valid. */
  private NioPort portArg(WsaCompletionPort port) {
    if (cleanedUp) {
      Wsa.setLastError(WSANOTINITIALISED);
      return null;
    }
    NioPort p = ports.portOf(port);
    if (p == null) {
      Wsa.setLastError(ERROR_INVALID_HANDLE);
    }
    return p;
  }

  // -- extension functions --

  @Override
  public boolean acceptEx(WsaSocket listener, WsaSocket acceptSocket, WsaBuf outputBuffer,
      int receiveDataLength, int[] bytesReceived, WsaOverlapped overlapped) {
    if (cleanedUp) {
      return failed(WSANOTINITIALISED);
    }
    NioSocket l = socketOf(listener);
    NioSocket into = socketOf(acceptSocket);
    if (l == null || into == null) {
      return failed(WSAENOTSOCK);
    }
    if (overlapped == null) {
      return failed(ERROR_INVALID_PARAMETER);
    }
    AcceptQueue queue = l.acceptQueue();
    if (queue == null || receiveDataLength < 0 || into == l) {
      return failed(WSAEINVAL);
    }
    if (receiveDataLength > 0 && (outputBuffer == null || receiveDataLength > outputBuffer.len()
        || outputBuffer.len() > outputBuffer.buf().remaining()
        || outputBuffer.buf().isReadOnly())) {
      return failed(WSAEFAULT);
    }
    if (overlapped.internal() == STATUS_PENDING || !into.acceptInto(l)) {
      return failed(WSAEINVAL); // a pending token, or an acceptor already used (scenario 70)
    }
    WsaBuf[] first = receiveDataLength > 0
        ? new WsaBuf[] {new WsaBuf(outputBuffer.buf(), receiveDataLength)}
        : NO_BUFFERS;
    int code = queue.enqueue(first, first.length, overlapped, null, null, 0, into);
    if (code != 0) {
      into.acceptDone();
      return failed(code);
    }
    queue.pump();
    return failed(ERROR_IO_PENDING);
  }

  @Override
  public boolean connectEx(WsaSocket s, SocketAddress remote, WsaBuf sendBuffer, int[] bytesSent,
      WsaOverlapped overlapped) {
    NioSocket sock = socketArg(s);
    if (sock == null) {
      return false;
    }
    if (overlapped == null) {
      return failed(ERROR_INVALID_PARAMETER);
    }
    int[] code = new int[1];
    InetSocketAddress a = addressFor(sock, remote, code);
    if (a == null) {
      return failed(code[0]);
    }
    if (sendBuffer != null && sendBuffer.len() > sendBuffer.buf().remaining()) {
      return failed(WSAEFAULT);
    }
    if (overlapped.internal() == STATUS_PENDING) {
      return failed(WSAEINVAL);
    }
    WsaBuf[] first = sendBuffer != null && sendBuffer.len() > 0
        ? new WsaBuf[] {sendBuffer}
        : NO_BUFFERS;
    int started = sock.connectEx(a, first, first.length, overlapped);
    return failed(started == 0 ? ERROR_IO_PENDING : started);
  }

  @Override
  public String toString() {
    return "Wsa[" + data.description() + (cleanedUp ? ", cleaned up" : "") + "]";
  }
}
