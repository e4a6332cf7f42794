package io.wsa4j.examples;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.WsaConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The completion-port server's startup pack, as Windows servers use it: extension functions loaded
 * through {@code WSAIoctl}, {@code SO_UPDATE_ACCEPT_CONTEXT}, the peer read with {@code
 * GetAcceptExSockaddrs}, sockets recycled with {@code DisconnectEx(TF_REUSE_SOCKET)}, and silent
 * connections closed by their {@code SO_CONNECT_TIME}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IocpEchoServerStartupTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private static void assertEchoes(Socket s, String text) throws IOException {
    byte[] bytes = text.getBytes(US_ASCII);
    s.getOutputStream().write(bytes);
    assertEquals(text, new String(s.getInputStream().readNBytes(bytes.length), US_ASCII));
  }

  /** Waits for a state of the server that a worker reaches after a packet; fails after 10 s. */
  private static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT_NANOS;
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what + " within 10 s");
      LockSupport.parkNanos(1_000_000);
    }
  }

  @Test
  @DisplayName("a closed connection's socket is recycled with DisconnectEx(TF_REUSE_SOCKET) and its handle serves a later connection")
  void closedConnectionsSocketServesALaterOne() throws Exception {
    try (IocpEchoServer server = IocpEchoServer.start(new IocpEchoServer.Options().bind(LOOPBACK)
        .workers(2).socketPool(4), WsaConfig.defaults())) {
      int port = server.localAddress().getPort();
      // each connection ends with its socket back in the pool before the next one is accepted, so
      // the AcceptEx posted on that accept takes a recycled socket; those serve connections 18 on
      for (int i = 0; i < IocpEchoServer.ACCEPTS_POSTED + 8; i++) {
        try (Socket s = new Socket(LOOPBACK, port)) {
          assertEchoes(s, "connection " + i);
          s.shutdownOutput();
          assertEquals(-1, s.getInputStream().read(), "the server ends the connection in turn");
        }
        awaitTrue(() -> server.pooledSockets() > 0, "the socket back in the pool");
      }
      assertTrue(server.recycledAccepts() >= 7, "connections served on recycled handles: "
          + server.recycledAccepts());
      assertTrue(server.pooledSockets() <= 4, "the pool is bounded: " + server.pooledSockets());
    }
  }

  @Test
  @DisplayName("with no pool every socket is closed, and the server works as before")
  void withoutPool() throws Exception {
    try (IocpEchoServer server = IocpEchoServer.start(new IocpEchoServer.Options().bind(LOOPBACK)
        .workers(1).socketPool(0), WsaConfig.defaults())) {
      for (int i = 0; i < IocpEchoServer.ACCEPTS_POSTED + 4; i++) {
        try (Socket s = new Socket(LOOPBACK, server.localAddress().getPort())) {
          assertEchoes(s, "x" + i);
        }
      }
      assertEquals(0, server.recycledAccepts());
      assertEquals(0, server.pooledSockets());
    }
  }

  @Test
  @DisplayName("a connection that connected but never sent is closed after --silent-timeout by its SO_CONNECT_TIME; one that sent stays")
  void silentConnectionIsClosed() throws Exception {
    try (IocpEchoServer server = IocpEchoServer.start(new IocpEchoServer.Options().bind(LOOPBACK)
        .workers(1).silentTimeoutSeconds(1), WsaConfig.defaults());
        Socket talker = new Socket(LOOPBACK, server.localAddress().getPort())) {
      assertEchoes(talker, "hello");
      long start = System.nanoTime();
      try (Socket silent = new Socket(LOOPBACK, server.localAddress().getPort())) {
        silent.setSoTimeout(10_000);
        assertEquals(-1, silent.getInputStream().read(), "the silent connection is closed");
      }
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(elapsed >= 1000, "closed after " + elapsed + " ms: before a second had passed");
      assertEquals(1, server.silentConnectionsClosed());
      assertEchoes(talker, "still here"); // it sent, so it was never a candidate
    }
  }
}
