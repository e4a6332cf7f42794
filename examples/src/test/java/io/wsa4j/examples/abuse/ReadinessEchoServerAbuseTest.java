package io.wsa4j.examples.abuse;

import static io.wsa4j.examples.abuse.AbuseSupport.assertEchoes;
import static io.wsa4j.examples.abuse.AbuseSupport.assertWithin;
import static io.wsa4j.examples.abuse.AbuseSupport.awaitStall;
import static io.wsa4j.examples.abuse.AbuseSupport.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.WsaConfig;
import io.wsa4j.examples.EchoServer;
import io.wsa4j.examples.EventSelectEchoServer;
import io.wsa4j.examples.SelectEchoServer;
import java.io.IOException;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The readiness-model servers ({@link SelectEchoServer}, {@link EventSelectEchoServer}) under a peer
 * that writes and never reads: the server stops reading from it once an echo cannot be sent (the
 * peer's writes stall after the socket buffers fill), its memory stays within one receive buffer,
 * one staging read and the non-blocking send buffer, and the other clients are served meanwhile.
 */
@Timeout(120)
class ReadinessEchoServerAbuseTest {
  private static final int PEER_BUFFER = 64 * 1024;
  /** "A few MB": the most the never-reading peer may push before its writes stall. */
  private static final long STALL_BOUND = 8L << 20;
  private static final int BUFFER_SIZE = 16 * 1024;

  /** The two servers. */
  enum Model {
    SELECT, EVENTSELECT;

    EchoServer start() throws IOException {
      WsaConfig config = WsaConfig.builder().ioThreads(2).build();
      return this == SELECT
          ? SelectEchoServer.start(AbuseSupport.LOOPBACK, 0, BUFFER_SIZE, config)
          : EventSelectEchoServer.start(AbuseSupport.LOOPBACK, 0, BUFFER_SIZE, config);
    }
  }

  @ParameterizedTest(name = "{0}: a never-reading peer stalls within a bound; others are served")
  @EnumSource(Model.class)
  void neverReadingPeer(Model model) throws Exception {
    SplittableRandom random = new SplittableRandom(AbuseSupport.SEED);
    try (EchoServer server = model.start()) {
      List<Socket> others = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        others.add(connect(server));
        assertEchoes(others.get(i), 100, random);
      }
      ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024); // the peer's, before the baseline
      long heap0 = AbuseSupport.retainedHeap();
      long direct0 = AbuseSupport.directMemory();

      SocketChannel abuser = SocketChannel.open();
      abuser.setOption(StandardSocketOptions.SO_RCVBUF, PEER_BUFFER);
      abuser.setOption(StandardSocketOptions.SO_SNDBUF, PEER_BUFFER);
      abuser.connect(server.localAddress());
      AtomicLong written = new AtomicLong();
      Thread writer = new Thread(() -> {
        try {
          for (;;) {
            written.addAndGet(abuser.write(chunk.clear()));
          }
        } catch (IOException e) {
          // the test closes the channel at the end
        }
      }, "never-reading-peer");
      writer.setDaemon(true);
      writer.start();

      long stalledAt = awaitStall(written);
      assertWithin(stalledAt, STALL_BOUND, "bytes the never-reading peer wrote before stalling");
      long heapGrowth = AbuseSupport.retainedHeap() - heap0;
      long directGrowth = AbuseSupport.directMemory() - direct0;
      // the library's staging read (its pool keeps one chunk of each class it grew through:
      // 1 + 4 + 16 + 64 KiB), the non-blocking send buffer (≤ 64 KiB taken, and one send beyond)
      // for that connection, and the JDK's own per-thread temporary direct buffers for the heap
      // writes (up to one send's size on each thread that wrote): a constant, however much the
      // peer pushes (4.5 MB here)
      assertWithin(directGrowth, 4L * 64 * 1024, "direct memory growth (bytes)");
      assertWithin(heapGrowth, 2L << 20, "retained heap growth (bytes)");
      System.out.printf("%s never-reading peer: stalled after %,d bytes; direct +%,d B,"
          + " heap +%,d B%n", model, stalledAt, directGrowth, heapGrowth);

      for (Socket s : others) {
        assertEchoes(s, 1 + random.nextInt(20_000), random); // still served while it is stuck
      }
      try (Socket late = connect(server)) {
        assertEchoes(late, 5000, random);
      }
      assertEquals(written.get(), stalledAt, "the peer's writes moved while others were served");

      abuser.setOption(StandardSocketOptions.SO_LINGER, 0);
      abuser.close();
      writer.join(AbuseSupport.WAIT_MS);
      assertTrue(!writer.isAlive(), "the writer did not end");
      for (Socket s : others) {
        assertEchoes(s, 777, random);
        s.close();
      }
    }
  }

}
