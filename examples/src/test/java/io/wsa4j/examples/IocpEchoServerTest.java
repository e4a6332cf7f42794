package io.wsa4j.examples;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.WsaConfig;
import io.wsa4j.WsaStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What only the completion-port server does: a connection limit, idle timeouts, zero-byte receives. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IocpEchoServerTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private static void assertEchoes(Socket s, String text) throws IOException {
    byte[] bytes = text.getBytes(US_ASCII);
    s.getOutputStream().write(bytes);
    assertEquals(text, new String(s.getInputStream().readNBytes(bytes.length), US_ASCII));
  }

  @Test
  @DisplayName("connections beyond --max-connections are closed at once; the others go on")
  void refusesBeyondMaxConnections() throws Exception {
    try (IocpEchoServer server = IocpEchoServer.start(new IocpEchoServer.Options().bind(LOOPBACK)
        .workers(2).maxConnections(2), WsaConfig.defaults());
        Socket a = new Socket(LOOPBACK, server.localAddress().getPort());
        Socket b = new Socket(LOOPBACK, server.localAddress().getPort())) {
      assertEchoes(a, "a");
      assertEchoes(b, "b");
      assertEquals(2, server.connectionCount(), "both served: the server counts them now");
      try (Socket c = new Socket(LOOPBACK, server.localAddress().getPort())) {
        assertEquals(-1, c.getInputStream().read(), "the third connection is closed politely");
      }
      assertEchoes(a, "still a");
      assertEchoes(b, "still b");
      assertEquals(2, server.connectionCount());
    }
  }

  @Test
  @DisplayName("a connection idle beyond --idle-timeout is closed; an active one is not")
  void closesIdleConnections() throws Exception {
    try (IocpEchoServer server = IocpEchoServer.start(new IocpEchoServer.Options().bind(LOOPBACK)
        .workers(1).idleTimeoutMillis(300), WsaConfig.defaults());
        Socket idle = new Socket(LOOPBACK, server.localAddress().getPort());
        Socket active = new Socket(LOOPBACK, server.localAddress().getPort())) {
      assertEchoes(idle, "once");
      assertEchoes(active, "once");
      // the active connection echoes without pause until the idle one is closed: an echo a few
      // microseconds after the previous one is never idle for 300 ms, whatever the machine
      idle.setSoTimeout(30_000);
      CompletableFuture<Integer> idleEnd = CompletableFuture.supplyAsync(() -> {
        try {
          return idle.getInputStream().read();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      int echoes = 0;
      while (!idleEnd.isDone()) {
        assertEchoes(active, "busy");
        echoes++;
      }
      assertEquals(-1, idleEnd.get(), "the server closed the idle connection");
      assertTrue(echoes > 0, "the active connection was served meanwhile");
      assertEchoes(active, "still open");
      assertEquals(1, server.connectionCount(), "only the idle connection was closed");
    }
  }

  @ParameterizedTest(name = "zero-byte receives {0}: one echo takes {1} receive(s)")
  @CsvSource({"true, 2", "false, 1"})
  void idleConnectionsWaitOnZeroByteReceives(boolean zeroByte, int receivesPerEcho)
      throws Exception {
    try (IocpEchoServer server = IocpEchoServer.start(new IocpEchoServer.Options().bind(LOOPBACK)
        .workers(1).zeroByteReceives(zeroByte), WsaConfig.defaults());
        Socket s = new Socket(LOOPBACK, server.localAddress().getPort())) {
      assertEchoes(s, "hello");
      WsaStats stats = awaitNextReceive(server);
      // with zero-byte receives: a 0-byte receive woke, then a lent buffer took the 5 bytes
      assertEquals(receivesPerEcho, stats.completed(WsaStats.OpKind.RECV), stats.toString());
      assertEquals(5, stats.bytesReceived());
      assertEchoes(s, "and again");
    }
  }

  /** The server posts its next receive just after the echo's send completes: wait for it. */
  private static WsaStats awaitNextReceive(IocpEchoServer server) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    WsaStats s = server.stats();
    while (s.posted(WsaStats.OpKind.RECV) == s.completed(WsaStats.OpKind.RECV)) {
      assertTrue(System.nanoTime() < deadline,
          () -> "the server posted no next receive within 10 s: " + server.stats());
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      s = server.stats();
    }
    return s;
  }
}
