package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import io.wsa4j.WsaStats;
import io.wsa4j.WsaStats.OpKind;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.lang.management.ThreadInfo;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Wsa#stats()} and its MBean count what the user did. */
@Timeout(30)
class StatsTest {
  private final Wsa wsa = Wsa.startup(WsaConfig.builder().ioThreads(1).jmx(true).build());

  @AfterEach
  void tearDown() {
    wsa.cleanup();
  }

  private WsaSocket connect(ServerSocket server) {
    WsaSocket s = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    assertEquals(0, wsa.connect(s, server.getLocalSocketAddress()));
    return s;
  }

  /** Waits for {@code ov}'s operation, which must succeed with {@code bytes}. */
  private static void await(Wsa wsa, WsaSocket s, WsaOverlapped ov, int bytes) {
    int[] n = {-1};
    assertTrue(wsa.getOverlappedResult(s, ov, n, true, null),
        () -> "the operation failed: " + Wsa.getLastError());
    assertEquals(bytes, n[0], "bytes transferred");
  }

  @Test
  @DisplayName("posted, completed, aborted and bytes follow sends, receives and a close")
  void countsWhatHappened() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      WsaSocket s = connect(server);
      try (Socket peer = server.accept()) {
        WsaOverlapped send = new WsaOverlapped();
        wsa.send(s, new WsaBuf[] {WsaBuf.wrap(new byte[100])}, 1, null, 0, send, null);
        await(wsa, s, send, 100);
        InputStream in = peer.getInputStream();
        assertEquals(100, in.readNBytes(100).length);

        WsaOverlapped recv = new WsaOverlapped();
        wsa.recv(s, new WsaBuf[] {WsaBuf.allocate(64)}, 1, null, new int[1], recv, null);
        peer.getOutputStream().write(new byte[40]);
        await(wsa, s, recv, 40);
        WsaOverlapped pending = new WsaOverlapped();
        wsa.recv(s, new WsaBuf[] {WsaBuf.allocate(64)}, 1, null, new int[1], pending, null);

        WsaStats live = wsa.stats();
        assertEquals(1, live.socketsOpen());
        assertEquals(1, live.pendingNow());
        assertEquals(1, live.posted(OpKind.SEND));
        assertEquals(1, live.completed(OpKind.SEND));
        assertEquals(2, live.posted(OpKind.RECV));
        assertEquals(1, live.completed(OpKind.RECV));
        assertEquals(100, live.bytesSent());
        assertEquals(40, live.bytesReceived());

        wsa.closesocket(s);
        WsaStats closed = wsa.stats();
        assertEquals(0, closed.socketsOpen());
        assertEquals(0, closed.pendingNow());
        assertEquals(1, closed.aborted(OpKind.RECV), "the pending receive, aborted by the close");
        assertEquals(2, closed.posted(OpKind.RECV), "a closed socket's counts are kept");
        assertEquals(40, closed.bytesReceived());
        assertEquals(1L, closed.errorsByCode().get(WSA_OPERATION_ABORTED));
      }
    }
  }

  @Test
  @DisplayName("a refused call is not counted; a completion port's queue depth is shown")
  void refusedCallsAndPortDepth() {
    WsaSocket unconnected = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0,
        WSA_FLAG_OVERLAPPED);
    wsa.recv(unconnected, new WsaBuf[] {WsaBuf.allocate(8)}, 1, null, new int[1],
        new WsaOverlapped(), null);
    WsaCompletionPort port = wsa.createIoCompletionPort(null, null, 0, 0);
    wsa.postQueuedCompletionStatus(port, 1, 2, null);
    wsa.postQueuedCompletionStatus(port, 1, 2, null);
    WsaStats s = wsa.stats();
    assertEquals(0, s.posted(OpKind.RECV));
    assertEquals(List.of(2), s.portQueueDepths());
    assertTrue(s.toString().contains("ports=[2]"), s.toString());
  }

  @Test
  @DisplayName("jmx(true) registers this context's figures as its own MBean until cleanup")
  void mbeanFollowsTheContext() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName all = new ObjectName("io.wsa4j:type=Wsa,*");
    Set<ObjectName> before = server.queryNames(all, null);
    Wsa mine = Wsa.startup(WsaConfig.builder().ioThreads(1).jmx(true).build());
    try {
      Set<ObjectName> added = new HashSet<>(server.queryNames(all, null));
      added.removeAll(before);
      assertEquals(1, added.size(), () -> "one new MBean for one new context: " + added);
      ObjectName name = added.iterator().next();
      assertEquals(0L, server.getAttribute(name, "SocketsOpen"));
      for (int i = 0; i < 3; i++) {
        mine.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
      }
      assertEquals(3L, server.getAttribute(name, "SocketsOpen"), "the context's three sockets");
      assertEquals(0, mine.cleanup());
      assertFalse(server.isRegistered(name), name + " still registered after cleanup");
    } finally {
      mine.cleanup();
    }
  }

  @Test
  @DisplayName("a snapshot blocked on one socket's queue does not hold up closesocket of another")
  void closesocketDoesNotWaitBehindASnapshot() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      WsaSocket busy = connect(server);
      server.accept().close();
      WsaSocket other = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0,
          WSA_FLAG_OVERLAPPED);
      OpQueue held = ((NioSocket) busy).queues()[0];
      FutureTask<WsaStats> snapshot = new FutureTask<>(wsa::stats);
      FutureTask<Integer> close = new FutureTask<>(() -> wsa.closesocket(other));
      Thread reader = new Thread(snapshot, "stats-reader");
      Thread closer = new Thread(close, "closer");
      synchronized (held) { // the snapshot will have to wait for this queue
        reader.start();
        awaitBlockedOn(reader, held);
        closer.start();
        assertEquals(0, close.get(10, TimeUnit.SECONDS),
            "closesocket of another socket while a snapshot waits for a queue");
      }
      assertEquals(2, snapshot.get(10, TimeUnit.SECONDS).socketsOpen(),
          "the snapshot shows the sockets open when it began");
      assertEquals(1, wsa.stats().socketsOpen(), "after the close, only the busy one");
    }
  }

  /** Waits until {@code t} is blocked entering the monitor of {@code lock}. */
  private static void awaitBlockedOn(Thread t, Object lock) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    ThreadInfo info;
    do {
      info = ManagementFactory.getThreadMXBean().getThreadInfo(t.getId());
      if (info != null && info.getLockInfo() != null
          && info.getLockInfo().getIdentityHashCode() == System.identityHashCode(lock)) {
        return;
      }
      Thread.sleep(1);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(t.getName() + " never blocked on the queue: " + info);
  }
}
