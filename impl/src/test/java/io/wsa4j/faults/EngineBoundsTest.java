package io.wsa4j.faults;

import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.WSAENOBUFS;
import static io.wsa4j.Winsock.WSA_IO_PENDING;
import static io.wsa4j.Winsock.WSA_WAIT_IO_COMPLETION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import io.wsa4j.testkit.WsaFixture;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 10: memory the engine holds stays bounded (routines waiting, staging of closed sockets). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EngineBoundsTest extends WsaFixture {
  private static final int LIMIT = 4;

  @Test
  @DisplayName("rule 19: routines queued to a thread that never waits alertably stay counted against the socket's bound")
  void queuedRoutinesCountAgainstTheBound() throws Exception {
    Wsa wsa = startup(WsaConfig.builder().ioThreads(2).maxPendingPerSocket(LIMIT).build());
    Conn c = connect(wsa, false);
    AtomicInteger ran = new AtomicInteger();
    for (int i = 0; i < LIMIT; i++) {
      int rc = sendOv(wsa, c.s(), WsaBuf.wrap(new byte[8]), new WsaOverlapped(),
          (error, bytes, ov, flags) -> ran.incrementAndGet());
      assertTrue(rc == 0 || Wsa.getLastError() == WSA_IO_PENDING, lastError("send " + i));
    }
    // every send went (the peer reads nothing yet; 32 bytes fit any buffer), so each routine
    // waits in this thread's APC queue: the socket is at its bound until they run
    int rc = sendOv(wsa, c.s(), WsaBuf.wrap(new byte[8]), new WsaOverlapped(),
        (error, bytes, ov, flags) -> ran.incrementAndGet());
    assertEquals(SOCKET_ERROR, rc, "a send beyond the bound was accepted");
    assertEquals(WSAENOBUFS, Wsa.getLastError(), lastError("send beyond the bound"));
    while (ran.get() < LIMIT) {
      assertEquals(WSA_WAIT_IO_COMPLETION, wsa.sleepEx((int) WAIT_MS, true));
    }
    rc = sendOv(wsa, c.s(), WsaBuf.wrap(new byte[8]), new WsaOverlapped(),
        (error, bytes, ov, flags) -> ran.incrementAndGet());
    assertTrue(rc == 0 || Wsa.getLastError() == WSA_IO_PENDING, lastError("send after the run"));
  }

  @Test
  @DisplayName("sockets closed with a 64 KiB receive pending give their staging back: a second round allocates no direct memory")
  void closedSocketsDoNotLeakDirectMemory() throws Exception {
    BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
    Wsa wsa = startup(WsaConfig.builder().ioThreads(2).build());
    long[] after = new long[3];
    for (int round = 0; round < after.length; round++) {
      closeWithReceivesPending(wsa, 100);
      after[round] = direct.getMemoryUsed();
    }
    long grew = after[2] - after[0];
    System.out.println("direct memory after each round: " + after[0] + ", " + after[1] + ", "
        + after[2]);
    // 100 sockets x 64 KiB = 6.25 MiB a round if the staging were not pooled again
    assertTrue(grew < (2 << 20), () -> "direct memory grew by " + grew + " bytes over two rounds"
        + " of 100 closed sockets: staging leaks");
  }

  private void closeWithReceivesPending(Wsa wsa, int sockets) throws Exception {
    List<WsaSocket> open = new ArrayList<>();
    List<Socket> peers = new ArrayList<>();
    try (ServerSocket server = new ServerSocket(0, sockets, LOOPBACK)) {
      for (int i = 0; i < sockets; i++) {
        WsaSocket s = newSocket(wsa);
        assertEquals(0, wsa.connect(s, server.getLocalSocketAddress()), lastError("connect"));
        peers.add(server.accept());
        int rc = recvOv(wsa, s, WsaBuf.allocate(64 * 1024), new WsaOverlapped(), null);
        assertEquals(SOCKET_ERROR, rc);
        assertEquals(WSA_IO_PENDING, Wsa.getLastError(), lastError("recv"));
        open.add(s);
      }
      for (WsaSocket s : open) {
        assertEquals(0, wsa.closesocket(s), lastError("closesocket"));
      }
    } finally {
      for (Socket p : peers) {
        p.close();
      }
    }
  }
}
