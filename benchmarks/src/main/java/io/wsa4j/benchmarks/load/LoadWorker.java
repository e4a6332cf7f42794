package io.wsa4j.benchmarks.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * One selector thread driving a share of the connections: it opens them (at most
 * {@code maxPendingConnects} unconfirmed at a time, so that the server's listen backlog is not
 * overrun), then keeps each one's window full and checks every byte that comes back.
 *
 * <p>Thread rules: everything but the counters and {@link #stop()} belongs to the worker's own
 * thread. The counters are single-writer and published with {@code lazySet}; {@link EchoLoad}
 * reads them once a second.
 */
final class LoadWorker implements Runnable {
  private static final int READ_CHUNK = 64 * 1024;

  private final InetSocketAddress server;
  private final int toOpen;
  private final int maxPendingConnects;
  private final int size;
  private final int window;
  private final long seedBase;
  private final Recorder latencies;
  private final EchoLoad.Phase phase;

  private final Selector selector;
  private final List<LoadConnection> connections = new ArrayList<>();
  private final ByteBuffer in = ByteBuffer.allocateDirect(READ_CHUNK);
  private final byte[] scratch = new byte[READ_CHUNK];
  private int opened;
  private int pendingConnects;
  private boolean trafficStarted;

  // -- counters (this thread writes, EchoLoad reads) --
  final AtomicLong up = new AtomicLong();
  final AtomicLong messages = new AtomicLong();
  final AtomicLong bytes = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong mismatches = new AtomicLong();
  private long messagesLocal;
  private long bytesLocal;

  LoadWorker(InetSocketAddress server, int toOpen, int maxPendingConnects, int size, int window,
      long seedBase, Recorder latencies, EchoLoad.Phase phase) throws IOException {
    this.server = server;
    this.toOpen = toOpen;
    this.maxPendingConnects = maxPendingConnects;
    this.size = size;
    this.window = window;
    this.seedBase = seedBase;
    this.latencies = latencies;
    this.phase = phase;
    this.selector = Selector.open();
  }

  /** Asks the thread to close its connections and end; any thread. */
  void stop() {
    selector.wakeup();
  }

  @Override
  public void run() {
    try {
      while (phase.get() != EchoLoad.Phase.DONE) {
        openMore();
        if (!trafficStarted && phase.get() >= EchoLoad.Phase.WARMUP) {
          trafficStarted = true;
          for (LoadConnection c : connections) {
            if (c.up) {
              pump(c);
            }
          }
        }
        selector.select(100);
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey k = it.next();
          it.remove();
          LoadConnection c = (LoadConnection) k.attachment();
          try {
            if (!k.isValid()) {
              continue;
            }
            if (k.isConnectable()) {
              connected(c);
              continue;
            }
            if (k.isReadable()) {
              read(c);
            }
            if (k.isValid() && k.isWritable()) {
              pump(c);
            }
          } catch (IOException e) {
            fail(c);
          }
        }
      }
    } catch (IOException | ClosedSelectorException e) {
      errors.incrementAndGet();
    } finally {
      for (LoadConnection c : connections) {
        closeQuietly(c);
      }
      try {
        selector.close();
      } catch (IOException ignored) {
        // ending anyway
      }
    }
  }

  // -- connecting --

  private void openMore() {
    while (opened < toOpen && pendingConnects < maxPendingConnects) {
      opened++;
      SocketChannel ch = null;
      try {
        ch = SocketChannel.open();
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        LoadConnection c = new LoadConnection(ch, seedBase + opened * 7919L, window, size);
        connections.add(c);
        if (ch.connect(server)) {
          c.key = ch.register(selector, SelectionKey.OP_READ, c);
          markUp(c);
        } else {
          c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
          pendingConnects++;
        }
      } catch (IOException e) {
        errors.incrementAndGet();
        if (ch != null) {
          try {
            ch.close();
          } catch (IOException ignored) {
            // counted already
          }
        }
      }
    }
  }

  private void connected(LoadConnection c) throws IOException {
    pendingConnects--;
    try {
      c.channel.finishConnect();
    } catch (IOException e) {
      fail(c);
      return;
    }
    c.key.interestOps(SelectionKey.OP_READ);
    markUp(c);
  }

  private void markUp(LoadConnection c) throws IOException {
    c.up = true;
    up.lazySet(up.get() + 1);
    if (trafficStarted) {
      pump(c);
    }
  }

  // -- sending: whole messages while the window has room --

  private void pump(LoadConnection c) throws IOException {
    boolean sending = phase.get() < EchoLoad.Phase.DONE;
    while (true) {
      if (!c.out.hasRemaining()) {
        if (!sending || c.sendOffset - c.recvOffset + size > window) {
          break;
        }
        c.out.clear();
        c.out.put(Pattern.BYTES, Pattern.at(c.seed, c.sendOffset), size).flip();
        c.sendOffset += size;
        int tail = (c.head + c.inFlight) % c.sentAt.length;
        c.sentAt[tail] = System.nanoTime();
        c.inFlight++;
      }
      c.channel.write(c.out);
      if (c.out.hasRemaining()) {
        break; // the socket is full: wait for OP_WRITE
      }
    }
    boolean wantWrite = c.out.hasRemaining();
    if (wantWrite != c.writeInterest) {
      c.writeInterest = wantWrite;
      c.key.interestOps(wantWrite ? SelectionKey.OP_READ | SelectionKey.OP_WRITE
          : SelectionKey.OP_READ);
    }
  }

  // -- receiving: check every byte, time every completed message --

  private void read(LoadConnection c) throws IOException {
    in.clear();
    int n = c.channel.read(in);
    if (n < 0) {
      fail(c); // the server closed a connection in the middle of the run
      return;
    }
    if (n == 0) {
      return;
    }
    in.flip();
    in.get(scratch, 0, n);
    if (c.recvOffset + n > c.sendOffset) {
      mismatches.incrementAndGet(); // more came back than was sent
    } else {
      int from = Pattern.at(c.seed, c.recvOffset);
      if (Arrays.mismatch(scratch, 0, n, Pattern.BYTES, from, from + n) >= 0) {
        mismatches.incrementAndGet();
      }
    }
    long before = c.recvOffset;
    c.recvOffset += n;
    bytesLocal += n;
    bytes.lazySet(bytesLocal);
    long done = c.recvOffset / size - before / size; // message ends crossed by this read
    if (done > 0) {
      long now = System.nanoTime();
      for (long i = 0; i < done && c.inFlight > 0; i++) {
        latencies.recordValue(now - c.sentAt[c.head]);
        c.head = (c.head + 1) % c.sentAt.length;
        c.inFlight--;
      }
      messagesLocal += done;
      messages.lazySet(messagesLocal);
      pump(c);
    }
  }

  private void fail(LoadConnection c) {
    errors.incrementAndGet();
    if (c.up) {
      c.up = false;
      up.lazySet(up.get() - 1);
    }
    closeQuietly(c);
  }

  private static void closeQuietly(LoadConnection c) {
    try {
      c.channel.close();
    } catch (IOException ignored) {
      // nothing more to learn from it
    }
  }
}
