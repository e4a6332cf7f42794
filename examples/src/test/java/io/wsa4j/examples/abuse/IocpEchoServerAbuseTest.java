package io.wsa4j.examples.abuse;

import static io.wsa4j.examples.abuse.AbuseSupport.ACCEPTS_POSTED;
import static io.wsa4j.examples.abuse.AbuseSupport.assertEchoes;
import static io.wsa4j.examples.abuse.AbuseSupport.assertWithin;
import static io.wsa4j.examples.abuse.AbuseSupport.awaitStall;
import static io.wsa4j.examples.abuse.AbuseSupport.awaitCondition;
import static io.wsa4j.examples.abuse.AbuseSupport.connect;
import static io.wsa4j.examples.abuse.AbuseSupport.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.WsaStats;
import io.wsa4j.examples.IocpEchoServer;
import java.io.IOException;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link IocpEchoServer} under peers that misbehave: one that never reads, idle ones, too many,
 * and thousands that connect and leave at once. The server stays bounded and serves the others.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IocpEchoServerAbuseTest {
  /** The peer's own socket buffers, kept small so that the stall point is the server's doing. */
  private static final int PEER_BUFFER = 64 * 1024;
  /** "A few MB": the most the never-reading peer may push before its writes stall. */
  private static final long STALL_BOUND = 8L << 20;
  private static final int BUFFER_SIZE = 16 * 1024;

  @Test
  void peerThatNeverReadsStallsWithinABoundHoldingOneOperationAndOthersAreServed()
      throws Exception {
    SplittableRandom random = new SplittableRandom(AbuseSupport.SEED);
    try (IocpEchoServer server = AbuseSupport.start(new IocpEchoServer.Options().workers(2)
        .bufferSize(BUFFER_SIZE).zeroByteReceives(true))) {
      List<Socket> others = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        others.add(connect(server));
        assertEchoes(others.get(i), 100, random);
      }
      ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024); // the peer's, before the baseline
      long heap0 = AbuseSupport.retainedHeap(); // collects first: direct buffers freed by now
      long direct0 = AbuseSupport.directMemory();

      // a blocking channel writing from a direct buffer: the JDK adds no temporary direct buffer
      // of its own, so the direct memory measured below is the server's
      SocketChannel abuser = SocketChannel.open();
      abuser.setOption(StandardSocketOptions.SO_RCVBUF, PEER_BUFFER);
      abuser.setOption(StandardSocketOptions.SO_SNDBUF, PEER_BUFFER);
      abuser.connect(server.localAddress());
      AtomicLong written = new AtomicLong();
      AtomicReference<IOException> writeFailure = new AtomicReference<>();
      Thread writer = new Thread(() -> {
        try {
          for (;;) {
            written.addAndGet(abuser.write(chunk.clear()));
          }
        } catch (IOException e) {
          writeFailure.set(e); // the test closes the channel at the end
        }
      }, "never-reading-peer");
      writer.setDaemon(true);
      writer.start();

      // the writes stall: no progress over a quiet period (bounded overall)
      long stalledAt = awaitStall(written);
      assertWithin(stalledAt, STALL_BOUND, "bytes the never-reading peer wrote before stalling");
      int connections = server.connectionCount();
      assertEquals(6, connections, "connections");
      WsaStats stats = server.stats();
      // one operation per connection (the abuser's: its echo, stuck) besides the posted accepts
      assertEquals(ACCEPTS_POSTED + connections, stats.pendingNow(), stats::toString);
      long heapGrowth = AbuseSupport.retainedHeap() - heap0;
      long directGrowth = AbuseSupport.directMemory() - direct0;
      // the server's one lent buffer plus the library's staging chunk for that connection
      assertWithin(directGrowth, 2L * BUFFER_SIZE + 64 * 1024, "direct memory growth (bytes)");
      assertWithin(heapGrowth, 2L << 20, "retained heap growth (bytes)");
      System.out.printf("never-reading peer: stalled after %,d bytes; server holds %d op for it;"
              + " direct +%,d B, heap +%,d B%n", stalledAt, 1, directGrowth, heapGrowth);

      for (Socket s : others) {
        assertEchoes(s, 1 + random.nextInt(20_000), random); // still served while it is stuck
      }
      try (Socket late = connect(server)) {
        assertEchoes(late, 5000, random); // and new clients too
      }
      assertEquals(written.get(), stalledAt, "the peer's writes moved while others were served");

      abuser.setOption(StandardSocketOptions.SO_LINGER, 0);
      abuser.close();
      writer.join(AbuseSupport.WAIT_MS);
      assertTrue(!writer.isAlive(), "the writer did not end");
      awaitCondition(() -> server.connectionCount() == 5,
          () -> "the reset abuser still counted: " + server.connectionCount());
      for (Socket s : others) {
        assertEchoes(s, 777, random);
        s.close();
      }
    }
  }


  @Test
  void connectionsIdleBeyondTheTimeoutAreClosedWhileAnActiveOneStays() throws Exception {
    SplittableRandom random = new SplittableRandom(AbuseSupport.SEED + 1);
    long idleMillis = 400;
    try (IocpEchoServer server = AbuseSupport.start(new IocpEchoServer.Options().workers(2)
        .idleTimeoutMillis(idleMillis))) {
      List<Socket> idle = new ArrayList<>();
      List<Long> lastEcho = new ArrayList<>(); // when each idle connection was last active
      for (int i = 0; i < 10; i++) {
        Socket s = connect(server);
        assertEchoes(s, 10, random);
        lastEcho.add(System.nanoTime());
        idle.add(s);
      }
      try (Socket active = connect(server)) {
        long start = System.nanoTime();
        // each idle connection waits for the server's close on a thread of its own
        List<Thread> waiters = new ArrayList<>();
        List<Long> closedAfter = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < idle.size(); i++) {
          Socket s = idle.get(i);
          long since = lastEcho.get(i);
          Thread t = new Thread(() -> {
            try {
              assertEquals(-1, s.getInputStream().read(), "an idle connection got data");
              closedAfter.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since));
            } catch (Throwable e) {
              failure.compareAndSet(null, e);
            }
          }, "idle-waiter");
          t.setDaemon(true);
          waiters.add(t);
          t.start();
        }
        // the active one echoes more often than the timeout meanwhile
        while (waiters.stream().anyMatch(Thread::isAlive)) {
          assertEchoes(active, 1 + random.nextInt(100), random);
          assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(
              AbuseSupport.WAIT_MS), "idle connections still open");
          sleep(idleMillis / 8);
        }
        if (failure.get() != null) {
          throw new AssertionError("an idle connection", failure.get());
        }
        assertEquals(idle.size(), closedAfter.size());
        for (long ms : closedAfter) {
          assertTrue(ms >= idleMillis - 50, "an idle connection closed " + ms + " ms after its"
              + " last echo");
        }
        awaitCondition(() -> server.connectionCount() == 1,
            () -> "connections: " + server.connectionCount());
        assertEchoes(active, 4096, random);
      }
      for (Socket s : idle) {
        s.close();
      }
    }
  }

  @Test
  void connectionsBeyondTheLimitAreRefusedWithoutDisturbingTheOthers() throws Exception {
    SplittableRandom random = new SplittableRandom(AbuseSupport.SEED + 2);
    int max = 10;
    try (IocpEchoServer server = AbuseSupport.start(new IocpEchoServer.Options().workers(2)
        .maxConnections(max))) {
      List<Socket> admitted = new ArrayList<>();
      for (int i = 0; i < max; i++) {
        admitted.add(connect(server));
        assertEchoes(admitted.get(i), 1000, random); // served, so counted now
      }
      for (int i = 0; i < 3 * max; i++) {
        try (Socket extra = connect(server)) {
          assertEquals(-1, extra.getInputStream().read(), "a connection beyond the limit");
        }
        Socket s = admitted.get(random.nextInt(max));
        assertEchoes(s, 1 + random.nextInt(30_000), random);
      }
      assertEquals(max, server.connectionCount());
      for (Socket s : admitted) {
        assertEchoes(s, 500, random);
      }
      admitted.get(0).close();
      awaitCondition(() -> server.connectionCount() == max - 1,
          () -> "connections: " + server.connectionCount());
      try (Socket again = connect(server)) {
        assertEchoes(again, 2000, random); // room again: admitted
      }
      for (Socket s : admitted) {
        s.close();
      }
    }
  }

  @Test
  void thousandsOfConnectAndCloseWithNoDataLeaveNoConnectionAndTheServerStillServes()
      throws Exception {
    SplittableRandom random = new SplittableRandom(AbuseSupport.SEED + 3);
    try (IocpEchoServer server = AbuseSupport.start(new IocpEchoServer.Options().workers(2))) {
      int socketsBefore = server.stats().socketsOpen(); // listener and posted AcceptEx sockets
      for (int i = 0; i < 3000; i++) {
        Socket s = new Socket(AbuseSupport.LOOPBACK, server.localAddress().getPort());
        if (i % 3 == 0) {
          s.setSoLinger(true, 0); // a third leave with a reset
        }
        s.close();
      }
      awaitCondition(() -> server.connectionCount() == 0,
          () -> "connections left: " + server.connectionCount());
      // every socket is closed or back in the bounded pool DisconnectEx(TF_REUSE_SOCKET) fills
      awaitCondition(() -> server.stats().socketsOpen() == socketsBefore + server.pooledSockets(),
          () -> "server sockets: " + server.stats().socketsOpen() + ", before " + socketsBefore
              + ", pooled " + server.pooledSockets());
      assertTrue(server.pooledSockets() <= 64, "the pool is bounded: " + server.pooledSockets());
      try (Socket s = connect(server)) {
        assertEchoes(s, 10_000, random);
      }
      WsaStats stats = server.stats();
      assertTrue(stats.posted(WsaStats.OpKind.ACCEPT) >= 3000, stats::toString);
    }
  }
}
