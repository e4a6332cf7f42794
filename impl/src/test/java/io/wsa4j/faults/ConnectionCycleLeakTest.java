package io.wsa4j.faults;

import static io.wsa4j.Winsock.SD_SEND;
import static io.wsa4j.Winsock.WSA_WAIT_EVENT_0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10,000 connect / echo / close cycles of library clients against a JDK echo server, in four
 * parallel batches, in ten contexts started and cleaned up within the measurement: open file
 * descriptors and live threads return to their baseline, and the retained heap to within 8 MiB of
 * it. Linux only (it counts {@code /proc/self/fd}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectionCycleLeakTest {
  private static final int CYCLES = 10_000;
  private static final int CLIENT_THREADS = 4;
  /** Contexts started and cleaned up in turn, each running its share of the cycles. */
  private static final int CONTEXTS = 10;
  private static final long HEAP_MARGIN = 8L << 20;
  private static final long SETTLE_MS = 20_000;

  /** A JDK echo server: one accept thread, a fixed pool of connection handlers. */
  static final class JdkEchoServer implements AutoCloseable {
    final ServerSocket server;
    final ExecutorService handlers = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "jdk-echo-handler");
      t.setDaemon(true);
      return t;
    });
    final Thread acceptor;
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    JdkEchoServer() throws IOException {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(WsaFixture.LOOPBACK, 0), 1000);
      acceptor = new Thread(this::acceptLoop, "jdk-echo-acceptor");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    InetSocketAddress address() {
      return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          handlers.execute(() -> echo(s));
        } catch (IOException e) {
          if (!server.isClosed()) {
            failure.compareAndSet(null, e);
          }
          return; // closed by the test: the end of the accept loop
        }
      }
    }

    private void echo(Socket s) {
      try (s) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = in.read(buf)) > 0; ) {
          out.write(buf, 0, n);
        }
      } catch (IOException e) {
        failure.compareAndSet(null, e);
      }
    }

    @Override
    public void close() throws Exception {
      server.close();
      acceptor.join(WsaFixture.WAIT_MS);
      handlers.shutdown();
      assertTrue(handlers.awaitTermination(WsaFixture.WAIT_MS, TimeUnit.MILLISECONDS));
    }
  }

  static long openFds() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length - 1; // minus the directory's own fd
  }

  static int liveThreads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  /** Used heap after GC: the least of a few collections. */
  static long retainedHeap() {
    Runtime rt = Runtime.getRuntime();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      WsaFixture.sleepQuietly(20);
      least = Math.min(least, rt.totalMemory() - rt.freeMemory());
    }
    return least;
  }

  /**
   * One cycle: socket, connect, overlapped send + receive of an echo, then FIN and close, or
   * (every third) close with a receive pending.
   */
  static void cycle(Wsa wsa, InetSocketAddress server, int i) {
    WsaSocket s = WsaFixture.newSocket(wsa);
    assertEquals(0, wsa.connect(s, server), WsaFixture.lastError("connect"));
    byte[] msg = ("cycle " + i).getBytes(StandardCharsets.US_ASCII);
    WsaEvent sendDone = wsa.createEvent();
    WsaEvent recvDone = wsa.createEvent();
    WsaOverlapped sendToken = new WsaOverlapped(sendDone);
    WsaOverlapped recvToken = new WsaOverlapped(recvDone);
    WsaBuf in = (i & 1) == 0 ? WsaBuf.allocate(64) : WsaBuf.allocateDirect(64);
    WsaFixture.mustStart(WsaFixture.recvOv(wsa, s, in, recvToken, null), "recv");
    WsaFixture.mustStart(WsaFixture.sendOv(wsa, s, WsaBuf.wrap(msg), sendToken, null),
        "send");
    assertEquals(WSA_WAIT_EVENT_0, wsa.waitForMultipleEvents(2,
        new WsaEvent[] {sendDone, recvDone}, true, (int) WsaFixture.WAIT_MS, false), "echo");
    int[] n = new int[1];
    assertTrue(wsa.getOverlappedResult(s, recvToken, n, false, null),
        WsaFixture.lastError("recv result"));
    // loopback and a short message: one segment, echoed whole
    assertArrayEquals(msg, WsaFixture.bytesOf(in, n[0]), "the echo");
    if (i % 3 == 2) {
      // every third cycle closes with a receive pending: the abort path must not leak either
      WsaOverlapped pending = new WsaOverlapped(recvDone);
      WsaFixture.mustStart(WsaFixture.recvOv(wsa, s, in, pending, null), "recv");
      assertEquals(0, wsa.closesocket(s), WsaFixture.lastError("closesocket"));
      assertEquals(io.wsa4j.Winsock.WSA_OPERATION_ABORTED, pending.internal(), "aborted recv");
    } else {
      assertEquals(0, wsa.shutdown(s, SD_SEND), WsaFixture.lastError("shutdown"));
      assertEquals(0, wsa.closesocket(s), WsaFixture.lastError("closesocket"));
    }
    assertTrue(wsa.closeEvent(sendDone));
    assertTrue(wsa.closeEvent(recvDone));
  }

  static void run(Wsa wsa, InetSocketAddress server, int cycles, int threads)
      throws InterruptedException {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = t * cycles / threads;
      int last = (t + 1) * cycles / threads;
      Thread c = WsaFixture.daemon("cycle-client-" + t, () -> {
        try {
          for (int i = first; i < last && failure.get() == null; i++) {
            cycle(wsa, server, i);
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      });
      clients.add(c);
      c.start();
    }
    for (Thread c : clients) {
      c.join(100_000);
      assertTrue(!c.isAlive(), c.getName() + " still running");
    }
    if (failure.get() != null) {
      throw new AssertionError("a cycle failed", failure.get());
    }
  }

  @Test
  void tenThousandConnectEchoCloseCyclesLeaveNoFdThreadOrHeapBehind() throws Exception {
    Assumptions.assumeTrue(new File("/proc/self/fd").isDirectory(), "counts /proc/self/fd");
    try (JdkEchoServer server = new JdkEchoServer()) {
      // warm-up: JDK and library statics (the NIO pre-close socket, class loading) come to stay
      try (Wsa warm = Wsa.startup(WsaConfig.builder().ioThreads(2).build())) {
        run(warm, server.address(), 200, CLIENT_THREADS);
      }
      // and the JDK's one delayed-task thread, which the library's end-of-stream hold may start
      // at any first hold and which stays for the JVM's life: not a thread a context leaves
      CompletableFuture.delayedExecutor(0, TimeUnit.MILLISECONDS, Runnable::run)
          .execute(() -> { });
      long fds0 = settled(ConnectionCycleLeakTest::openFds);
      int threads0 = (int) settled(() -> liveThreads());
      long heap0 = retainedHeap();

      long start = System.nanoTime();
      for (int k = 0; k < CONTEXTS; k++) {
        Wsa wsa = Wsa.startup(WsaConfig.builder().ioThreads(2).build());
        try {
          run(wsa, server.address(), CYCLES / CONTEXTS, CLIENT_THREADS);
          assertEquals(0, wsa.stats().socketsOpen(), () -> "sockets open: " + wsa.stats());
          assertEquals(0, wsa.stats().pendingNow(), () -> "pending: " + wsa.stats());
        } finally {
          assertEquals(0, wsa.cleanup());
        }
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(null, server.failure.get(), "the echo server failed");

      awaitAtMost(ConnectionCycleLeakTest::openFds, fds0, "open fds (baseline " + fds0 + ")");
      awaitAtMost(() -> liveThreads(), threads0, "live threads (baseline " + threads0 + ")");
      long heap = retainedHeap();
      assertTrue(heap <= heap0 + HEAP_MARGIN, "retained heap grew from " + heap0 / 1024
          + " KiB to " + heap / 1024 + " KiB");
      System.out.printf("%d cycles in %d ms; fds %d -> %d, threads %d -> %d, heap %d -> %d KiB%n",
          CYCLES, millis, fds0, openFds(), threads0, liveThreads(), heap0 / 1024, heap / 1024);
    }
  }

  /** The value once it stops changing for a moment (threads and fds of earlier work go away). */
  private static long settled(java.util.function.LongSupplier value) {
    long last = value.getAsLong();
    for (int i = 0; i < 20; i++) {
      WsaFixture.sleepQuietly(50);
      long now = value.getAsLong();
      if (now == last) {
        return now;
      }
      last = now;
    }
    return last;
  }

  /** Polls (bounded) until {@code value} is at most {@code bound}; threads and fds close late. */
  private static void awaitAtMost(java.util.function.LongSupplier value, long bound, String what) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MS);
    while (value.getAsLong() > bound) {
      assertTrue(System.nanoTime() < deadline, what + ": " + value.getAsLong() + " after "
          + SETTLE_MS + " ms");
      WsaFixture.sleepQuietly(20);
    }
  }
}
