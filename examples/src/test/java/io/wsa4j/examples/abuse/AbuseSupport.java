package io.wsa4j.examples.abuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wsa4j.WsaConfig;
import io.wsa4j.examples.IocpEchoServer;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** What the abuse tests of {@link IocpEchoServer} share. */
final class AbuseSupport {
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  static final long WAIT_MS = 20_000;
  /** AcceptEx operations the server keeps posted (IocpEchoServer.ACCEPTS_POSTED). */
  static final int ACCEPTS_POSTED = 16;
  static final long SEED = Long.getLong("wsa4j.seed", System.nanoTime());

  static {
    System.out.println("abuse tests seed " + SEED + " (replay with -Dwsa4j.seed=" + SEED + ")");
  }

  private AbuseSupport() {}

  static IocpEchoServer start(IocpEchoServer.Options options) throws IOException {
    return IocpEchoServer.start(options.bind(LOOPBACK),
        WsaConfig.builder().ioThreads(2).build());
  }

  static Socket connect(io.wsa4j.examples.EchoServer server) throws IOException {
    Socket s = new Socket(LOOPBACK, server.localAddress().getPort());
    s.setSoTimeout((int) WAIT_MS);
    s.setTcpNoDelay(true);
    return s;
  }

  /** One echo of {@code n} random bytes, every byte checked. */
  static void assertEchoes(Socket s, int n, SplittableRandom random) throws IOException {
    byte[] sent = new byte[n];
    random.nextBytes(sent);
    s.getOutputStream().write(sent);
    byte[] got = s.getInputStream().readNBytes(n);
    assertArrayEquals(sent, got, "echo of " + n + " bytes");
  }

  /** Polls (bounded) for a server-side condition that has no event to wait on. */
  static void awaitCondition(BooleanSupplier condition, Supplier<String> what) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail(what.get() + " after " + WAIT_MS + " ms");
      }
      sleep(5);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Direct memory the JDK has handed out (staging and pool buffers are direct). */
  static long directMemory() {
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        return pool.getMemoryUsed();
      }
    }
    throw new AssertionError("no direct buffer pool bean");
  }

  /** Used heap after GC: the least of a few collections. */
  static long retainedHeap() {
    Runtime rt = Runtime.getRuntime();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      sleep(20);
      least = Math.min(least, rt.totalMemory() - rt.freeMemory());
    }
    return least;
  }

  static void assertWithin(long value, long bound, String what) {
    assertTrue(value <= bound, what + ": " + value + " > " + bound);
  }

  /** Waits until {@code counter} has not moved for 500 ms; returns its value then. */
  static long awaitStall(AtomicLong counter) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AbuseSupport.WAIT_MS);
    long last = -1;
    while (System.nanoTime() < deadline) {
      long now = counter.get();
      if (now == last && now > 0) {
        return now;
      }
      last = now;
      sleep(500);
    }
    throw new AssertionError("the peer's writes never stalled: " + counter.get() + " bytes");
  }
}
