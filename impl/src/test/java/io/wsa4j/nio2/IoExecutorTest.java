package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The group's executor: pollers, the trampoline, and how sockets spread over the pollers. */
@Timeout(60)
class IoExecutorTest {

  @Test
  @DisplayName("a task handed over inside a task runs after it, on the same thread, before execute returns")
  void trampolineRunsDeferredTasksFlat() {
    IoExecutor io = new IoExecutor(Executors.defaultThreadFactory());
    int depth = 200_000; // recursion this deep would overflow any default stack
    AtomicInteger ran = new AtomicInteger();
    AtomicInteger maxNesting = new AtomicInteger();
    AtomicInteger nesting = new AtomicInteger();
    Runnable[] chain = new Runnable[1];
    chain[0] = () -> {
      maxNesting.accumulateAndGet(nesting.incrementAndGet(), Math::max);
      if (ran.incrementAndGet() < depth) {
        io.execute(chain[0]);
      }
      nesting.decrementAndGet();
    };
    io.execute(chain[0]);
    assertEquals(depth, ran.get(), "every task ran before the outer execute returned");
    assertEquals(1, maxNesting.get(), "tasks ran one after another, not nested");
  }

  @Test
  @DisplayName("a task that throws is logged; the tasks deferred behind it still run")
  void throwingTaskDoesNotLoseOthers() {
    IoExecutor io = new IoExecutor(Executors.defaultThreadFactory());
    AtomicInteger ran = new AtomicInteger();
    io.execute(() -> {
      io.execute(ran::incrementAndGet);
      throw new IllegalStateException("handler bug (expected in this test)");
    });
    assertEquals(1, ran.get());
  }

  @Test
  @DisplayName("ioThreads = 3: two named pollers of the executor and NIO2's internal one; cleanup ends them")
  void pollersAreNamedAndStop() throws Exception {
    Nio2Wsa wsa = (Nio2Wsa) Wsa.startup(WsaConfig.builder().ioThreads(3).build());
    List<Thread> pollers = wsa.io().pollers();
    assertEquals(2, pollers.size(), "ioThreads - 1 pollers from the factory");
    for (Thread t : pollers) {
      assertTrue(t.getName().startsWith("wsa4j-io-"), t.getName());
      assertTrue(t.isAlive(), t.getName());
      assertTrue(t.isDaemon(), t.getName());
    }
    assertEquals(0, wsa.cleanup());
    for (Thread t : pollers) {
      t.join(30_000);
      assertFalse(t.isAlive(), t.getName() + " still alive after cleanup");
    }
  }

  @Test
  @DisplayName("completions of many sockets spread over every poller, not one")
  void socketsSpreadOverPollers() throws Exception {
    int ioThreads = 3;
    int sockets = 32;
    Nio2Wsa wsa = (Nio2Wsa) Wsa.startup(WsaConfig.builder().ioThreads(ioThreads).build());
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    List<Socket> peers = new ArrayList<>();
    try (ServerSocket server = new ServerSocket(0, sockets, InetAddress.getLoopbackAddress())) {
      WsaSocket[] s = new WsaSocket[sockets];
      for (int i = 0; i < sockets; i++) {
        s[i] = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
        assertEquals(0, wsa.connect(s[i], server.getLocalSocketAddress()));
        peers.add(server.accept());
      }
      List<Thread> pollers = wsa.io().pollers();
      long[] before = new long[pollers.size()];
      for (int p = 0; p < before.length; p++) {
        before[p] = mx.getThreadCpuTime(pollers.get(p).getId());
      }
      // receives posted before the peer writes: each one completes on a poller
      for (int round = 0; round < 20; round++) {
        for (int i = 0; i < sockets; i++) {
          WsaOverlapped ov = new WsaOverlapped();
          int r = wsa.recv(s[i], new WsaBuf[] {WsaBuf.allocate(1)}, 1, null, new int[1], ov, null);
          assertEquals(SOCKET_ERROR, r);
          assertEquals(WSA_IO_PENDING, Wsa.getLastError());
          OutputStream out = peers.get(i).getOutputStream();
          out.write(round);
          int[] n = new int[1];
          assertTrue(wsa.getOverlappedResult(s[i], ov, n, true, new int[1]));
          assertEquals(1, n[0]);
        }
      }
      for (int p = 0; p < before.length; p++) {
        long after = mx.getThreadCpuTime(pollers.get(p).getId());
        assertTrue(after > before[p], pollers.get(p).getName() + " never ran: completions stayed on"
            + " one poller");
      }
    } finally {
      for (Socket p : peers) {
        p.close();
      }
      wsa.cleanup();
    }
  }

  @Test
  @DisplayName("an immediate completion keeps the calling thread's interrupt status")
  void interruptSurvivesInlineHandler() throws Exception {
    Wsa wsa = Wsa.startup(WsaConfig.builder().ioThreads(1).build());
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      WsaSocket s = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
      assertEquals(0, wsa.connect(s, server.getLocalSocketAddress()));
      try (Socket peer = server.accept()) {
        Thread.currentThread().interrupt();
        WsaOverlapped ov = new WsaOverlapped();
        wsa.send(s, new WsaBuf[] {WsaBuf.wrap(new byte[] {7})}, 1, null, 0, ov, null);
        assertTrue(Thread.interrupted(), "the send cleared the caller's interrupt status");
        int[] n = new int[1];
        assertTrue(wsa.getOverlappedResult(s, ov, n, true, new int[1]));
        InputStream in = peer.getInputStream();
        assertEquals(7, in.read());
      }
    } finally {
      Thread.interrupted();
      wsa.cleanup();
    }
  }
}
