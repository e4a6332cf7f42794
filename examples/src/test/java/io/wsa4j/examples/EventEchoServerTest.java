package io.wsa4j.examples;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wsa4j.Wsa;
import io.wsa4j.WsaConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the {@link EventEchoServer} in-process on loopback and talks to it with plain JDK sockets,
 * so that a wsa4j bug cannot hide behind a matching bug on the client side.
 */
class EventEchoServerTest {
  /** Rerun a failure with {@code -Dwsa4j.seed=<printed value>}. */
  private static final long SEED = Long.getLong("wsa4j.seed", System.nanoTime());

  private static final int CONNECTIONS = 500;
  private static final int BYTES_PER_CONNECTION = 64 * 1024;
  private static final int MAX_PIECE = 8 * 1024;

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @BeforeAll
  static void printSeed() {
    System.out.println("EventEchoServerTest: -Dwsa4j.seed=" + SEED);
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void echoesEveryByteOfManyConcurrentConnections() throws Exception {
    EventEchoServer server = EventEchoServer.start(LOOPBACK, 0, 2,
        EventEchoServer.DEFAULT_BUFFER_SIZE, WsaConfig.defaults());
    int port = server.localAddress().getPort();
    try {
      new EchoLoad(server.localAddress(), CONNECTIONS, BYTES_PER_CONNECTION, MAX_PIECE, SEED).run();
      // 500 live connections need 8 waits of 63: the 2 workers started with were not enough.
      assertTrue(server.workerCount() >= (CONNECTIONS + EventWorker.MAX_CONNECTIONS - 1)
          / EventWorker.MAX_CONNECTIONS, () -> "workers: " + server.workerCount());
    } finally {
      server.close();
    }
    assertStopped(port);
  }

  /**
   * wsa4j reports every started operation as {@code WSA_IO_PENDING}; Winsock may also return 0 for
   * one that completed at once, its event already signaled (rule 2). The server must take both.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void echoesWhenOperationsCompleteImmediately() throws Exception {
    AtomicInteger immediate = new AtomicInteger();
    try (Wsa real = Wsa.startup()) {
      Wsa wsa = ImmediateCompletions.wrap(real, immediate);
      EventEchoServer server = EventEchoServer.start(LOOPBACK, 0, 1,
          EventEchoServer.DEFAULT_BUFFER_SIZE, wsa);
      int port = server.port();
      try {
        new EchoLoad(server.localAddress(), 100, BYTES_PER_CONNECTION, MAX_PIECE, SEED + 1).run();
      } finally {
        server.close();
      }
      assertStopped(port);
    }
    assertTrue(immediate.get() > 0, "no operation was made to complete immediately");
    System.out.println("EventEchoServerTest: " + immediate + " operations completed immediately");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void peerThatNeverReadsDoesNotStopOthers() throws Exception {
    EventEchoServer server = EventEchoServer.start(LOOPBACK, 0, 1,
        EventEchoServer.DEFAULT_BUFFER_SIZE, WsaConfig.defaults());
    int port = server.localAddress().getPort();
    try (SocketChannel hog = SocketChannel.open(); Selector selector = Selector.open()) {
      // Small buffers on our side, so that the stall comes sooner.
      hog.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
      hog.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
      hog.connect(server.localAddress());
      hog.configureBlocking(false);
      hog.register(selector, SelectionKey.OP_WRITE);

      // Write without ever reading. The server stops reading once its echo cannot be sent, so the
      // writes stall after the socket buffers on both sides fill up.
      ByteBuffer junk = ByteBuffer.allocate(64 * 1024);
      long written = 0;
      long bound = 256L * 1024 * 1024;
      while (selector.select(2_000) > 0) {
        selector.selectedKeys().clear();
        junk.clear();
        written += hog.write(junk);
        if (written > bound) {
          fail("the server kept reading from a peer that never reads: " + written + " bytes");
        }
      }
      System.out.println("EventEchoServerTest: the non-reading peer stalled after " + written
          + " bytes");

      // Another client is still served by the same (only) worker.
      try (Socket other = new Socket(LOOPBACK, port)) {
        byte[] hello = "hello\n".getBytes(US_ASCII);
        other.getOutputStream().write(hello);
        assertEquals("hello\n", new String(other.getInputStream().readNBytes(hello.length),
            US_ASCII));
      }

      // Stopping must not hang on the send still pending towards the hog.
      server.close();
    } finally {
      server.close();
    }
    assertStopped(port);
  }

  /** The port refuses connections and the server's threads are gone. */
  private static void assertStopped(int port) {
    assertThrows(ConnectException.class, () -> new Socket(LOOPBACK, port).close());
    String prefix = "event-echo-" + port + "-";
    List<String> alive = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith(prefix) && t.isAlive()) {
        alive.add(t.getName());
      }
    }
    assertEquals(List.of(), alive, "server threads still running");
  }
}
