package io.wsa4j.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

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
final class EchoLoad {
  private static final int UNCONFIRMED = 32;

  private final InetSocketAddress server;
  private final int connections;
  private final Random random;
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
  private final List<Peer> peers = new ArrayList<>();
  /** Opened peers that have not had a byte echoed yet. */
  private int unconfirmed;

  /** Fails the run with a description instead of leaving it to the test's timeout. */
  private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final int bytesPerConnection;
  private final int maxPiece;
  private final long seed;

  /**
   * @param connections clients, all open at the end
   * @param bytesPerConnection what each sends (and must get back)
   * @param maxPiece the largest piece written at once (pieces are 1 to this many bytes)
   * @param seed of every random choice, printed with any failure
   */
  EchoLoad(InetSocketAddress server, int connections, int bytesPerConnection, int maxPiece,
      long seed) {
    this.server = server;
    this.connections = connections;
    this.bytesPerConnection = bytesPerConnection;
    this.maxPiece = maxPiece;
    this.seed = seed;
    this.random = new Random(seed);
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
      sentAll += p.sent == bytesPerConnection ? 1 : 0;
      done += p.received == bytesPerConnection ? 1 : 0;
    }
    return "of " + peers.size() + " connections opened: " + connected + " connected, " + sentAll
        + " sent everything, " + done + " got everything back; seed " + seed;
  }

  /** One client connection and its bookkeeping. */
  private final class Peer {
    final int index;
    final SocketChannel channel;
    final Random random;
    /** What this peer sends; the echo must equal it. */
    final byte[] data;
    /** Bytes written, and the end of the piece being written. */
    int sent;
    int pieceEnd;
    /** Bytes of echo checked. */
    int received;

    Peer(int index, SocketChannel channel, long seed) {
      this.index = index;
      this.channel = channel;
      this.random = new Random(seed);
      this.data = new byte[bytesPerConnection];
      random.nextBytes(data);
    }

    @Override
    public String toString() {
      return "connection " + index + " (sent " + sent + ", got back " + received + ", seed " + seed
          + ")";
    }

    /** Writes (part of) the current piece; true once everything is sent. */
    boolean write() throws IOException {
      if (sent == pieceEnd) {
        pieceEnd = Math.min(bytesPerConnection, sent + 1 + random.nextInt(maxPiece));
      }
      try {
        sent += channel.write(ByteBuffer.wrap(data, sent, pieceEnd - sent));
      } catch (IOException e) {
        throw new IOException(this + ": write: " + e.getMessage(), e);
      }
      return sent == bytesPerConnection;
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
            + bytesPerConnection + " bytes; seed " + seed);
      }
      if (received + n > sent) {
        fail("connection " + index + ": got " + (received + n) + " bytes back but sent only "
            + sent + "; seed " + seed);
      }
      buffer.flip();
      for (int i = 0; i < n; i++) {
        byte got = buffer.get(i);
        if (got != data[received + i]) {
          fail("connection " + index + ": byte " + (received + i) + " is " + got + ", sent "
              + data[received + i] + "; seed " + seed);
        }
      }
      received += n;
      return received == bytesPerConnection;
    }
  }
}
