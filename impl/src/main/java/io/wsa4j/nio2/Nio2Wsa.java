package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;
import static io.wsa4j.nio2.Args.fail;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaData;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaFdSet;
import io.wsa4j.WsaNetworkEvents;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaOverlappedEntry;
import io.wsa4j.WsaPollFd;
import io.wsa4j.WsaSocket;
import io.wsa4j.WsaStats;
import io.wsa4j.WsaTimeval;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousChannelGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A wsa4j context on NIO2: what {@code WSAStartup} made. It owns the context's state (its channel
 * group, staging pool, statistics, live sockets and handle numbers), ends it in {@link #cleanup},
 * and delegates every Winsock call to the class of its concern:
 *
 * <ul>
 *   <li>{@link SocketCalls}: sockets, addresses, integer options;
 *   <li>{@link DataCalls}: overlapped and blocking {@code WSASend}/{@code WSARecv}, results,
 *       cancellation, notification modes;
 *   <li>{@link EventCalls}: events and waits;
 *   <li>{@link PortCalls}: completion ports;
 *   <li>{@link ExtensionCalls}: {@code AcceptEx}, {@code ConnectEx}, {@code DisconnectEx},
 *       {@code WSAIoctl} and the update-context options;
 *   <li>{@link ReadinessCalls}: non-blocking mode, {@code WSAEventSelect}, plain {@code
 *       send}/{@code recv};
 *   <li>{@link ReadinessWaits}: {@code select} and {@code WSAPoll};
 *   <li>{@link DatagramCalls}: {@code WSASendTo}/{@code WSARecvFrom}, {@code sendto}/{@code
 *       recvfrom}.
 * </ul>
 *
 * Argument checks shared by all of them, and the one way a failure leaves, are in {@link Args}.
 */
final class Nio2Wsa implements Wsa {
  private static final AtomicInteger CONTEXTS = new AtomicInteger();

  private final WsaConfig config;
  private final WsaData data;
  /** Runs the group's pollers and the completion handlers NIO2 hands over (the fast path). */
  private final IoExecutor io;
  private final AsynchronousChannelGroup group;
  private final StagingPool staging = new StagingPool();
  private final Stats stats = new Stats();
  private final Set<NioSocket> sockets = ConcurrentHashMap.newKeySet();
  /** Handle values, Windows-like: multiples of 4. */
  private final AtomicLong handles = new AtomicLong(0x100);
  private volatile boolean cleanedUp;
  /** The statistics MBean, when {@code config.jmx()}. */
  private final StatsMBean mbean;

  private final Args args = new Args(this);
  private final SocketCalls socketCalls = new SocketCalls(this, args);
  private final DataCalls dataCalls = new DataCalls(args);
  private final EventCalls eventCalls = new EventCalls(this, args);
  private final PortCalls ports = new PortCalls(this);
  private final ExtensionCalls extensions = new ExtensionCalls(this, args);
  private final ReadinessCalls readiness = new ReadinessCalls(this, args);
  private final ReadinessWaits readinessWaits = new ReadinessWaits(this, args);
  private final DatagramCalls datagrams = new DatagramCalls(this, args);

  Nio2Wsa(WsaConfig config, String providerName) {
    LocalErrorTexts.learnIfLocalized(); // once per process, here where no lock is held
    this.config = config;
    int number = CONTEXTS.incrementAndGet();
    this.data = new WsaData(0x0202, "wsa4j on Java NIO2 (" + System.getProperty("os.name") + ")",
        providerName);
    try {
      this.io = new IoExecutor(
          config.threadFactory() != null ? config.threadFactory() : new IoThreadFactory(number));
      this.group = io.openGroup(config.ioThreads());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the NIO2 channel group", e);
    }
    this.mbean = config.jmx() ? StatsMBean.register(this, number) : null;
  }

  // -- the context's state, for the calls, sockets and queues --

  WsaConfig config() {
    return config;
  }

  boolean isCleanedUp() {
    return cleanedUp;
  }

  StagingPool staging() {
    return staging;
  }

  IoExecutor io() {
    return io;
  }

  AsynchronousChannelGroup group() {
    return group;
  }

  Stats counters() {
    return stats;
  }

  /** Makes and registers a socket; null if the context is cleaned up. */
  NioSocket newSocket(int family, boolean overlapped) {
    return register(new NioSocket(this, handles.getAndAdd(4), family, overlapped));
  }

  /** Makes and registers a datagram socket; null with {@code code[0]} set if it cannot. */
  NioSocket newDatagramSocket(int family, boolean overlapped, int[] code) {
    NioSocket s = datagrams.open(handles.getAndAdd(4), family, overlapped, code);
    if (s != null && register(s) == null) {
      code[0] = WSANOTINITIALISED;
      return null;
    }
    return s;
  }

  private NioSocket register(NioSocket s) {
    sockets.add(s);
    if (cleanedUp) {
      s.close(false); // cleanup ran between the caller's check and the add
      return null;
    }
    return s;
  }

  /** A socket closed: its counters join the totals as it leaves the live set, atomically. */
  void forget(NioSocket s, OpQueue[] queues) {
    synchronized (stats) {
      fold(queues);
      sockets.remove(s);
    }
  }

  /** A live socket dropped these queues (DisconnectEx reuse): their counters join the totals. */
  void retire(OpQueue... queues) {
    synchronized (stats) {
      fold(queues);
    }
  }

  private void fold(OpQueue[] queues) {
    for (OpQueue q : queues) {
      if (q != null && q.countsOwnKind()) {
        stats.fold(q);
      }
    }
  }

  // -- context --

  @Override
  public WsaData data() {
    return data;
  }

  @Override
  public WsaStats stats() {
    // Under the monitor only the totals and the live set are copied: no socket's lock is taken
    // there, so a closesocket (forget) never waits behind a snapshot that visits thousands of
    // queues. A socket in the copy folds its counters into totals copied before: counted once.
    Stats.Totals totals;
    List<NioSocket> live;
    synchronized (stats) {
      totals = stats.totals();
      live = new ArrayList<>(sockets);
    }
    return stats.snapshot(totals, live, ports.open());
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
    eventCalls.closeAll();
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

  // -- sockets: SocketCalls --

  @Override
  public WsaSocket socket(int af, int type, int protocol, Object protocolInfo, int group,
      int flags) {
    return socketCalls.socket(af, type, protocol, protocolInfo, group, flags);
  }

  @Override
  public int bind(WsaSocket s, SocketAddress local) {
    return socketCalls.bind(s, local);
  }

  @Override
  public int listen(WsaSocket s, int backlog) {
    return socketCalls.listen(s, backlog);
  }

  @Override
  public WsaSocket accept(WsaSocket listener, SocketAddress[] remoteOut) {
    return socketCalls.accept(listener, remoteOut);
  }

  @Override
  public int connect(WsaSocket s, SocketAddress remote) {
    return socketCalls.connect(s, remote);
  }

  @Override
  public int closesocket(WsaSocket s) {
    return socketCalls.closesocket(s);
  }

  @Override
  public int shutdown(WsaSocket s, int how) {
    return socketCalls.shutdown(s, how);
  }

  @Override
  public int setsockopt(WsaSocket s, int level, int option, int value) {
    return socketCalls.setsockopt(s, level, option, value);
  }

  @Override
  public int getsockopt(WsaSocket s, int level, int option, int[] valueOut) {
    return socketCalls.getsockopt(s, level, option, valueOut);
  }

  @Override
  public int getsockname(WsaSocket s, SocketAddress[] out) {
    return socketCalls.getsockname(s, out);
  }

  @Override
  public int getpeername(WsaSocket s, SocketAddress[] out) {
    return socketCalls.getpeername(s, out);
  }

  // -- data: DataCalls --

  @Override
  public int send(WsaSocket s, WsaBuf[] buffers, int bufferCount, int[] numberOfBytesSent,
      int flags, WsaOverlapped overlapped, WsaCompletionRoutine completionRoutine) {
    return dataCalls.send(s, buffers, bufferCount, numberOfBytesSent, flags, overlapped,
        completionRoutine);
  }

  @Override
  public int recv(WsaSocket s, WsaBuf[] buffers, int bufferCount, int[] numberOfBytesRecvd,
      int[] flags, WsaOverlapped overlapped, WsaCompletionRoutine completionRoutine) {
    return dataCalls.recv(s, buffers, bufferCount, numberOfBytesRecvd, flags, overlapped,
        completionRoutine);
  }

  @Override
  public boolean getOverlappedResult(WsaSocket s, WsaOverlapped overlapped,
      int[] bytesTransferred, boolean wait, int[] flags) {
    return dataCalls.getOverlappedResult(s, overlapped, bytesTransferred, wait, flags);
  }

  @Override
  public boolean cancelIoEx(WsaSocket s, WsaOverlapped overlapped) {
    return dataCalls.cancelIoEx(s, overlapped);
  }

  @Override
  public boolean cancelIo(WsaSocket s) {
    return dataCalls.cancelIo(s);
  }

  @Override
  public boolean setFileCompletionNotificationModes(WsaSocket s, int flags) {
    return dataCalls.setFileCompletionNotificationModes(s, flags);
  }

  // -- events and waits: EventCalls --

  @Override
  public WsaEvent createEvent() {
    return eventCalls.createEvent();
  }

  @Override
  public boolean setEvent(WsaEvent e) {
    return eventCalls.setEvent(e);
  }

  @Override
  public boolean resetEvent(WsaEvent e) {
    return eventCalls.resetEvent(e);
  }

  @Override
  public boolean closeEvent(WsaEvent e) {
    return eventCalls.closeEvent(e);
  }

  @Override
  public int waitForMultipleEvents(int count, WsaEvent[] events, boolean waitAll,
      int timeoutMillis, boolean alertable) {
    return eventCalls.waitForMultipleEvents(count, events, waitAll, timeoutMillis, alertable);
  }

  @Override
  public int sleepEx(int timeoutMillis, boolean alertable) {
    return eventCalls.sleepEx(timeoutMillis, alertable);
  }

  // -- completion ports: PortCalls --

  @Override
  public WsaCompletionPort createIoCompletionPort(WsaSocket s, WsaCompletionPort existing,
      long completionKey, int concurrentThreads) {
    if (cleanedUp) {
      Wsa.setLastError(WSANOTINITIALISED);
      return null;
    }
    return ports.create(s == null ? null : args.socketOf(s), s == null, existing, completionKey,
        concurrentThreads);
  }

  @Override
  public boolean getQueuedCompletionStatus(WsaCompletionPort port, int[] bytesTransferred,
      long[] completionKey, WsaOverlapped[] overlapped, int timeoutMillis) {
    NioPort p = ports.portArg(port);
    return p != null && ports.dequeue(p, bytesTransferred, completionKey, overlapped,
        timeoutMillis);
  }

  @Override
  public boolean getQueuedCompletionStatusEx(WsaCompletionPort port, WsaOverlappedEntry[] entries,
      int count, int[] removed, int timeoutMillis, boolean alertable) {
    NioPort p = ports.portArg(port);
    return p != null && ports.dequeueMany(p, entries, count, removed, timeoutMillis, alertable);
  }

  @Override
  public boolean postQueuedCompletionStatus(WsaCompletionPort port, int bytesTransferred,
      long completionKey, WsaOverlapped overlapped) {
    NioPort p = ports.portArg(port);
    return p != null && ports.post(p, bytesTransferred, completionKey, overlapped);
  }

  @Override
  public boolean closeHandle(WsaCompletionPort port) {
    NioPort p = ports.portArg(port);
    if (p == null) {
      return false;
    }
    ports.close(p);
    return true;
  }

  // -- extension functions: ExtensionCalls --

  @Override
  public boolean acceptEx(WsaSocket listener, WsaSocket acceptSocket, WsaBuf outputBuffer,
      int receiveDataLength, int[] bytesReceived, WsaOverlapped overlapped) {
    return extensions.acceptEx(listener, acceptSocket, outputBuffer, receiveDataLength,
        bytesReceived, overlapped);
  }

  @Override
  public boolean acceptEx(WsaSocket listener, WsaSocket acceptSocket, WsaBuf outputBuffer,
      int receiveDataLength, int localAddressLength, int remoteAddressLength,
      int[] bytesReceived, WsaOverlapped overlapped) {
    return extensions.acceptEx(listener, acceptSocket, outputBuffer, receiveDataLength,
        localAddressLength, remoteAddressLength, bytesReceived, overlapped);
  }

  @Override
  public boolean connectEx(WsaSocket s, SocketAddress remote, WsaBuf sendBuffer, int[] bytesSent,
      WsaOverlapped overlapped) {
    return extensions.connectEx(s, remote, sendBuffer, bytesSent, overlapped);
  }

  @Override
  public void getAcceptExSockaddrs(WsaBuf outputBuffer, int receiveDataLength,
      int localAddressLength, int remoteAddressLength, SocketAddress[] localOut,
      SocketAddress[] remoteOut) {
    extensions.getAcceptExSockaddrs(outputBuffer, receiveDataLength, localAddressLength,
        remoteAddressLength, localOut, remoteOut);
  }

  @Override
  public boolean disconnectEx(WsaSocket s, WsaOverlapped overlapped, int flags, int reserved) {
    return extensions.disconnectEx(s, overlapped, flags, reserved);
  }

  @Override
  public int ioctl(WsaSocket s, int ioControlCode, Object inBuffer, Object[] outBuffer,
      int[] bytesReturned, WsaOverlapped overlapped, WsaCompletionRoutine completionRoutine) {
    if (ioControlCode == FIONBIO || ioControlCode == FIONREAD
        || ioControlCode == SIO_KEEPALIVE_VALS) {
      return readiness.ioctl(s, ioControlCode, inBuffer, outBuffer, bytesReturned);
    }
    return extensions.ioctl(s, ioControlCode, inBuffer, outBuffer, bytesReturned, overlapped,
        completionRoutine);
  }

  @Override
  public int setsockopt(WsaSocket s, int level, int option, WsaSocket value) {
    return extensions.setsockopt(s, level, option, value);
  }

  // -- non-blocking mode and readiness: ReadinessCalls, ReadinessWaits (select, WSAPoll) --

  @Override
  public int ioctlsocket(WsaSocket s, int cmd, int[] argp) {
    return readiness.ioctlsocket(s, cmd, argp);
  }

  @Override
  public int eventSelect(WsaSocket s, WsaEvent event, int networkEvents) {
    return readiness.eventSelect(s, event, networkEvents);
  }

  @Override
  public int enumNetworkEvents(WsaSocket s, WsaEvent event, WsaNetworkEvents out) {
    return readiness.enumNetworkEvents(s, event, out);
  }

  @Override
  public int select(int nfds, WsaFdSet readfds, WsaFdSet writefds, WsaFdSet exceptfds,
      WsaTimeval timeout) {
    return readinessWaits.select(nfds, readfds, writefds, exceptfds, timeout);
  }

  @Override
  public int poll(WsaPollFd[] fdArray, int fds, int timeoutMillis) {
    return readinessWaits.poll(fdArray, fds, timeoutMillis);
  }

  @Override
  public int send(WsaSocket s, byte[] buf, int off, int len, int flags) {
    return readiness.send(s, buf, off, len, flags);
  }

  @Override
  public int recv(WsaSocket s, byte[] buf, int off, int len, int flags) {
    return readiness.recv(s, buf, off, len, flags);
  }

  // -- datagrams: DatagramCalls --

  @Override
  public int sendto(WsaSocket s, byte[] buf, int off, int len, int flags, SocketAddress to) {
    return datagrams.sendto(s, buf, off, len, flags, to);
  }

  @Override
  public int recvfrom(WsaSocket s, byte[] buf, int off, int len, int flags,
      SocketAddress[] fromOut) {
    return datagrams.recvfrom(s, buf, off, len, flags, fromOut);
  }

  @Override
  public int sendTo(WsaSocket s, WsaBuf[] buffers, int bufferCount, int[] numberOfBytesSent,
      int flags, SocketAddress to, WsaOverlapped overlapped,
      WsaCompletionRoutine completionRoutine) {
    return datagrams.sendTo(s, buffers, bufferCount, numberOfBytesSent, flags, to, overlapped,
        completionRoutine);
  }

  @Override
  public int recvFrom(WsaSocket s, WsaBuf[] buffers, int bufferCount, int[] numberOfBytesRecvd,
      int[] flags, SocketAddress[] fromOut, WsaOverlapped overlapped,
      WsaCompletionRoutine completionRoutine) {
    return datagrams.recvFrom(s, buffers, bufferCount, numberOfBytesRecvd, flags, fromOut,
        overlapped, completionRoutine);
  }

  @Override
  public String toString() {
    return "Wsa[" + data.description() + (cleanedUp ? ", cleaned up" : "") + "]";
  }
}
