package io.wsa4j.faults;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.SOCK_DGRAM;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static io.wsa4j.Winsock.WSA_IO_PENDING;
import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import io.wsa4j.testkit.WsaFixture;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10,000 datagram sockets opened, used and closed (every other one with a receive pending):
 * open file descriptors, direct memory (the staging buffers) and threads (the selector) return to
 * their baseline. Linux only (it counts {@code /proc/self/fd}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DatagramSocketLeakTest {
  private static final int CYCLES = 10_000;
  /** Direct memory a live context may keep: its pooled staging buffers and the JDK's caches. */
  private static final long DIRECT_MARGIN = 1L << 20;

  static long directMemory() {
    for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (b.getName().equals("direct")) {
        return b.getMemoryUsed();
      }
    }
    throw new AssertionError("no direct buffer pool bean");
  }

  static void cycle(Wsa wsa, int i, WsaBuf buf, byte[] payload) {
    WsaSocket s = wsa.socket(AF_INET, SOCK_DGRAM, 17, null, 0, WSA_FLAG_OVERLAPPED);
    assertNotEquals(WsaSocket.INVALID_SOCKET, s, WsaFixture.lastError("socket"));
    assertEquals(0, wsa.bind(s, new InetSocketAddress(WsaFixture.LOOPBACK, 0)));
    SocketAddress[] self = new SocketAddress[1];
    assertEquals(0, wsa.getsockname(s, self));
    assertEquals(payload.length, wsa.sendto(s, payload, 0, payload.length, 0, self[0]));
    int[] n = new int[1];
    assertEquals(0, wsa.recvFrom(s, new WsaBuf[] {buf}, 1, n, new int[1], null, null,
        null), WsaFixture.lastError("recvFrom"));
    assertEquals(payload.length, n[0]);
    if (i % 2 == 1) {
      WsaOverlapped pending = new WsaOverlapped();
      assertEquals(-1, wsa.recvFrom(s, new WsaBuf[] {buf}, 1, null, new int[1], null,
          pending, null));
      assertEquals(WSA_IO_PENDING, Wsa.getLastError());
      assertEquals(0, wsa.closesocket(s));
      assertEquals(WSA_OPERATION_ABORTED, pending.internal());
    } else {
      assertEquals(0, wsa.closesocket(s));
    }
  }

  @Test
  @DisplayName("rule 34: 10,000 datagram sockets opened and closed return fds, direct memory and threads to baseline")
  void socketsReturnEverything() throws Exception {
    WsaBuf buf = WsaBuf.allocate(256);
    byte[] payload = new byte[200];
    try (Wsa warm = Wsa.startup()) { // class loading, JDK caches
      for (int i = 0; i < 100; i++) {
        cycle(warm, i, buf, payload);
      }
    }
    long fds = ConnectionCycleLeakTest.openFds();
    int threads = ConnectionCycleLeakTest.liveThreads();
    long direct = directMemory();

    Wsa wsa = Wsa.startup();
    cycle(wsa, 0, buf, payload); // the context's own descriptors: channel group and selector
    long liveFds = ConnectionCycleLeakTest.openFds();
    for (int i = 0; i < CYCLES; i++) {
      cycle(wsa, i, buf, payload);
    }
    WsaFixture.awaitCondition(() -> ConnectionCycleLeakTest.openFds() <= liveFds,
        () -> "fds with the context alive: " + ConnectionCycleLeakTest.openFds() + " vs "
            + liveFds);
    long live = directMemory();
    System.out.printf("DatagramSocketLeakTest: direct %d before, %d with the context alive%n",
        direct, live);
    if (live > direct + DIRECT_MARGIN) {
      throw new AssertionError("direct memory grew by " + (live - direct) + " bytes");
    }
    assertEquals(0, wsa.cleanup());
    WsaFixture.awaitCondition(() -> ConnectionCycleLeakTest.openFds() <= fds,
        () -> "fds after cleanup: " + ConnectionCycleLeakTest.openFds() + " vs " + fds);
    WsaFixture.awaitCondition(() -> ConnectionCycleLeakTest.liveThreads() <= threads,
        () -> "threads after cleanup: " + ConnectionCycleLeakTest.liveThreads() + " vs " + threads);
    WsaFixture.awaitCondition(() -> {
      System.gc();
      return directMemory() <= direct;
    }, () -> "direct memory after cleanup: " + directMemory() + " vs " + direct);
  }
}
