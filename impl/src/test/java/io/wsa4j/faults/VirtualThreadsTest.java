package io.wsa4j.faults;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.SOCK_STREAM;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaSocket;
import io.wsa4j.testkit.WsaFixture;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blocking calls from virtual threads (JDK 21+; the build targets 17, so virtual threads are
 * made by reflection): 10,000 virtual threads, each blocked in a blocking {@code recv}, are all
 * served, and none pins its carrier while it waits (JFR's {@code jdk.VirtualThreadPinned}, with no
 * threshold). The 10,000 receives are pending in the library at once, as its statistics count
 * them: with pinned carriers (two on this machine) only a handful could be.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class VirtualThreadsTest {
  /** Connections; each has {@link #PER_SOCKET} receives blocked on it (2 file descriptors each). */
  private static final int CONNECTIONS = 2_000;
  private static final int PER_SOCKET = 5;
  private static final int THREADS = CONNECTIONS * PER_SOCKET;

  @Test
  @DisplayName("rule 8: 10,000 virtual threads blocked in recv are served, and none pins a carrier")
  void tenThousandVirtualThreadsBlockedInRecv(@TempDir Path dir) throws Exception {
    Wsa wsa = Wsa.startup(WsaConfig.builder().ioThreads(2).build());
    List<Socket> peers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    try (Recording pins = new Recording();
        ServerSocket server = new ServerSocket(0, CONNECTIONS, InetAddress.getLoopbackAddress())) {
      pins.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
      warmUp(wsa, server);
      pins.start();
      WsaSocket[] sockets = new WsaSocket[CONNECTIONS];
      for (int i = 0; i < CONNECTIONS; i++) {
        sockets[i] = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
        assertNotEquals(WsaSocket.INVALID_SOCKET, sockets[i], WsaFixture.lastError("socket"));
        assertEquals(0, wsa.connect(sockets[i], server.getLocalSocketAddress()),
            WsaFixture.lastError("connect " + i));
        Socket peer = server.accept();
        peer.setTcpNoDelay(true);
        peers.add(peer);
      }

      // each receive takes one byte: connection i sends PER_SOCKET distinct bytes
      BitSet[] got = new BitSet[CONNECTIONS];
      AtomicInteger served = new AtomicInteger();
      AtomicReference<String> failure = new AtomicReference<>();
      CountDownLatch done = new CountDownLatch(THREADS);
      for (int i = 0; i < CONNECTIONS; i++) {
        got[i] = new BitSet();
        for (int k = 0; k < PER_SOCKET; k++) {
          int conn = i;
          threads.add(startVirtual(() -> {
            try {
              WsaBuf b = WsaBuf.allocate(1);
              int[] n = {-1};
              int rc = wsa.recv(sockets[conn], new WsaBuf[] {b}, 1, n, new int[1], null, null);
              if (rc != 0 || n[0] != 1) {
                failure.compareAndSet(null, "recv on connection " + conn + ": rc " + rc
                    + ", " + n[0] + " bytes, " + WsaFixture.name(Wsa.getLastError()));
              } else {
                synchronized (got[conn]) {
                  got[conn].set(b.buf().get(0));
                }
                served.incrementAndGet();
              }
            } finally {
              done.countDown();
            }
          }));
        }
      }
      WsaFixture.awaitCondition(() -> wsa.stats().pendingNow() == THREADS,
          () -> "receives pending in the library: " + wsa.stats().pendingNow() + " of " + THREADS);

      for (int i = 0; i < CONNECTIONS; i++) {
        OutputStream out = peers.get(i).getOutputStream();
        for (int k = 0; k < PER_SOCKET; k++) {
          out.write(k + 1); // one byte each: each blocked receive gets one
        }
      }
      assertTrue(done.await(120, TimeUnit.SECONDS),
          () -> "served " + served.get() + " of " + THREADS + " blocked virtual threads");
      assertEquals(null, failure.get());
      assertEquals(THREADS, served.get());
      for (int i = 0; i < CONNECTIONS; i++) {
        assertEquals(PER_SOCKET, got[i].cardinality(), "distinct bytes received on " + i);
      }

      pins.stop();
      Path file = dir.resolve("pins.jfr");
      pins.dump(file);
      List<String> pinned = new ArrayList<>();
      for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
        if (e.getEventType().getName().equals("jdk.VirtualThreadPinned") && pinned.size() < 5) {
          pinned.add(String.valueOf(e.getStackTrace()));
        }
      }
      assertEquals(List.of(), pinned, "virtual threads pinned their carrier while waiting");
      Files.deleteIfExists(file);
    } finally {
      for (Socket p : peers) {
        p.close();
      }
      wsa.cleanup();
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(10));
      }
    }
  }

  /**
   * One blocking receive from a virtual thread, before recording: the first call loads classes,
   * and a virtual thread that waits for another one's class loading is pinned (the JDK's class
   * loading is one of its documented pinning points), which is not what this test is about.
   */
  private static void warmUp(Wsa wsa, ServerSocket server) throws Exception {
    WsaSocket s = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    assertEquals(0, wsa.connect(s, server.getLocalSocketAddress()), WsaFixture.lastError("connect"));
    try (Socket peer = server.accept()) {
      int[] n = {-1};
      Thread t = startVirtual(() -> wsa.recv(s, new WsaBuf[] {WsaBuf.allocate(1)}, 1, n,
          new int[1], null, null));
      WsaFixture.awaitCondition(() -> wsa.stats().pendingNow() == 1, () -> "warm-up receive");
      peer.getOutputStream().write(1);
      t.join(TimeUnit.SECONDS.toMillis(10));
      assertEquals(1, n[0], "the warm-up receive");
    }
    assertEquals(0, wsa.closesocket(s));
  }

  /** {@code Thread.ofVirtual().start(task)}, by reflection: this source compiles for Java 17. */
  private static Thread startVirtual(Runnable task) throws Exception {
    Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
    Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
    return (Thread) start.invoke(builder, task);
  }
}
