package io.wsa4j.examples.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.WsaStats;
import io.wsa4j.examples.IocpEchoServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 50 clients write 1 byte to 64 KiB at a time with random pauses of a few milliseconds, each
 * reading its echo back on a second thread: every byte comes back, in order.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IocpEchoServerRandomTrafficTest {
  private static final int CLIENTS = 50;
  private static final int BYTES_PER_CLIENT = 400 * 1024;

  @Test
  void fiftyClientsWritingOneByteTo64KiBWithPausesGetEveryByteBackInOrder() throws Exception {
    SplittableRandom seeds = new SplittableRandom(AbuseSupport.SEED);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong verified = new AtomicLong();
    try (IocpEchoServer server = AbuseSupport.start(new IocpEchoServer.Options().workers(2))) {
      List<Thread> threads = new ArrayList<>();
      List<Socket> sockets = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        Socket s = AbuseSupport.connect(server);
        sockets.add(s);
        long seed = seeds.nextLong();
        byte[] stream = new byte[BYTES_PER_CLIENT];
        new SplittableRandom(seed).nextBytes(stream);
        Thread writer = new Thread(() -> {
          SplittableRandom r = new SplittableRandom(seed ^ 1);
          try {
            OutputStream out = s.getOutputStream();
            for (int off = 0; off < stream.length && failure.get() == null; ) {
              int n = Math.min(stream.length - off, 1 + r.nextInt(r.nextBoolean() ? 100
                  : 64 * 1024));
              out.write(stream, off, n);
              off += n;
              if (r.nextInt(4) == 0) {
                Thread.sleep(1 + r.nextInt(4));
              }
            }
            s.shutdownOutput();
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        }, "writer-" + c);
        Thread reader = new Thread(() -> {
          try {
            InputStream in = s.getInputStream();
            byte[] got = in.readNBytes(stream.length);
            int mismatch = Arrays.mismatch(stream, got);
            assertEquals(-1, mismatch, "first differing byte (of " + got.length + " read)");
            assertEquals(-1, in.read(), "bytes after the echo");
            verified.addAndGet(got.length);
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        }, "reader-" + c);
        writer.setDaemon(true);
        reader.setDaemon(true);
        threads.add(writer);
        threads.add(reader);
      }
      long start = System.nanoTime();
      threads.forEach(Thread::start);
      for (Thread t : threads) {
        t.join(AbuseSupport.WAIT_MS * 3);
        assertTrue(!t.isAlive() || failure.get() != null, t.getName() + " still running");
      }
      for (Socket s : sockets) {
        s.close();
      }
      if (failure.get() != null) {
        throw new AssertionError("a client failed", failure.get());
      }
      assertEquals((long) CLIENTS * BYTES_PER_CLIENT, verified.get(), "bytes verified");
      AbuseSupport.awaitCondition(() -> server.connectionCount() == 0,
          () -> "connections left: " + server.connectionCount());
      WsaStats stats = server.stats();
      assertEquals((long) CLIENTS * BYTES_PER_CLIENT, stats.bytesReceived(), stats::toString);
      assertEquals((long) CLIENTS * BYTES_PER_CLIENT, stats.bytesSent(), stats::toString);
      System.out.printf("%d clients, %,d bytes echoed and checked in %d ms%n", CLIENTS,
          verified.get(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
  }
}
