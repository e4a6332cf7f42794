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
  /** Fails the echo test with a description instead of leaving it to the timeout. */
  private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);

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
      new EchoLoad(server.localAddress(), CONNECTIONS, new Random(SEED)).run();
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
        new EchoLoad(server.localAddress(), 100, new Random(SEED + 1)).run();
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

  /**
   * Many clients on one selector thread, each writing its own random bytes in
   * random-sized pieces while reading the echo, which must match byte for byte. Every connection
   * stays open until all are done, so all of them are live at the server at once.
   *
   * <p>Connections are opened as the server takes them: at most {@link #UNCONFIRMED} at a time have
   * not yet had a byte echoed. A burst beyond the listen backlog (NIO2's default is 50, some
   * kernels cap it at 128) makes Linux answer with SYN cookies, and a client that then sends at
   * once may get its connection reset by the kernel, which is no fault of the server.
   */
  private static final class EchoLoad {
    private static final int UNCONFIRMED = 32;

    private final InetSocketAddress server;
    private final int connections;
    private final Random random;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final List<Peer> peers = new ArrayList<>();
    /** Opened peers that have not had a byte echoed yet. */
    private int unconfirmed;

    EchoLoad(InetSocketAddress server, int connections, Random random) {
      this.server = server;
      this.connections = connections;
      this.random = random;
    }

    void run() throws IOException {
      try (Selector selector = Selector.open()) {
        int finished = 0;
        long lastProgress = System.nanoTime();
        while (finished < connections) {
          openMore(selector);
          if (Thread.interrupted()) {
            throw new IllegalStateException("interrupted (timeout?); " + describe());
          }
          if (selector.select(1_000) == 0) {
            if (System.nanoTime() - lastProgress > STALL_NANOS) {
              fail("no progress for 30 s; " + describe());
            }
            continue;
          }
          lastProgress = System.nanoTime();
          for (SelectionKey key : selector.selectedKeys()) {
            Peer p = (Peer) key.attachment();
            if (key.isConnectable()) {
              p.channel.finishConnect();
              key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
              continue;
            }
            if (key.isWritable() && p.write()) {
              key.interestOps(SelectionKey.OP_READ);
            }
            if (key.isReadable()) {
              boolean first = p.received == 0;
              boolean done = p.read(readBuffer);
              if (first && p.received > 0) {
                unconfirmed--;
              }
              if (done) {
                key.cancel(); // left open until the end
                finished++;
              }
            }
          }
          selector.selectedKeys().clear();
        }
      } finally {
        for (Peer p : peers) {
          p.channel.close();
        }
      }
    }

    private void openMore(Selector selector) throws IOException {
      while (peers.size() < connections && unconfirmed < UNCONFIRMED) {
        Peer p = new Peer(peers.size(), SocketChannel.open(), random.nextLong());
        peers.add(p);
        unconfirmed++;
        p.channel.configureBlocking(false);
        p.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        p.channel.connect(server);
        p.channel.register(selector, SelectionKey.OP_CONNECT, p);
      }
    }

    private String describe() {
      int connected = 0;
      int sentAll = 0;
      int done = 0;
      for (Peer p : peers) {
        connected += p.channel.isConnected() ? 1 : 0;
        sentAll += p.sent == BYTES_PER_CONNECTION ? 1 : 0;
        done += p.received == BYTES_PER_CONNECTION ? 1 : 0;
      }
      return "of " + peers.size() + " connections opened: " + connected + " connected, " + sentAll
          + " sent everything, " + done + " got everything back; seed " + SEED;
    }
  }

  /** One client connection and its bookkeeping. */
  private static final class Peer {
    final int index;
    final SocketChannel channel;
    final Random random;
    /** What this peer sends; the echo must equal it. */
    final byte[] data = new byte[BYTES_PER_CONNECTION];
    /** Bytes written, and the end of the piece being written. */
    int sent;
    int pieceEnd;
    /** Bytes of echo checked. */
    int received;

    Peer(int index, SocketChannel channel, long seed) {
      this.index = index;
      this.channel = channel;
      this.random = new Random(seed);
      random.nextBytes(data);
    }

    @Override
    public String toString() {
      return "connection " + index + " (sent " + sent + ", got back " + received + ", seed " + SEED
          + ")";
    }

    /** Writes (part of) the current piece; true once everything is sent. */
    boolean write() throws IOException {
      if (sent == pieceEnd) {
        pieceEnd = Math.min(BYTES_PER_CONNECTION, sent + 1 + random.nextInt(MAX_PIECE));
      }
      try {
        sent += channel.write(ByteBuffer.wrap(data, sent, pieceEnd - sent));
      } catch (IOException e) {
        throw new IOException(this + ": write: " + e.getMessage(), e);
      }
      return sent == BYTES_PER_CONNECTION;
    }

    /** Reads and checks what arrived; true once the whole echo is back. */
    boolean read(ByteBuffer buffer) throws IOException {
      buffer.clear();
      int n;
      try {
        n = channel.read(buffer);
      } catch (IOException e) {
        throw new IOException(this + ": read: " + e.getMessage(), e);
      }
      if (n < 0) {
        fail("connection " + index + ": the server closed after " + received + " of "
            + BYTES_PER_CONNECTION + " bytes; seed " + SEED);
      }
      if (received + n > sent) {
        fail("connection " + index + ": got " + (received + n) + " bytes back but sent only "
            + sent + "; seed " + SEED);
      }
      buffer.flip();
      for (int i = 0; i < n; i++) {
        byte got = buffer.get(i);
        if (got != data[received + i]) {
          fail("connection " + index + ": byte " + (received + i) + " is " + got + ", sent "
              + data[received + i] + "; seed " + SEED);
        }
      }
      received += n;
      return received == BYTES_PER_CONNECTION;
    }
  }
}
