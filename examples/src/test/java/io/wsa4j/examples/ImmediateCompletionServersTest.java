package io.wsa4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.Wsa;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example servers when operations finish during the call (rule 25), with and without the
 * completion port's skip-on-success mode (rule 26). {@link ImmediateCompletions} makes them finish
 * so, whatever the engine does by itself. A server that handled such an operation twice would echo
 * bytes twice (a mismatch); one that did not handle it at all would stall (EchoLoad fails after
 * 30 s without progress).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ImmediateCompletionServersTest {
  /** Rerun a failure with {@code -Dwsa4j.seed=<printed value>}. */
  private static final long SEED = Long.getLong("wsa4j.seed", System.nanoTime());
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int CONNECTIONS = 100;
  private static final int BYTES_PER_CONNECTION = 64 * 1024;
  private static final int MAX_PIECE = 8 * 1024;

  @BeforeAll
  static void printSeed() {
    System.out.println("ImmediateCompletionServersTest: -Dwsa4j.seed=" + SEED);
  }

  @Test
  @DisplayName("rule 26: iocp in skip-on-success mode handles what finishes at once inline, once")
  void iocpWithSkipOnSuccess() throws Exception {
    try (Wsa real = Wsa.startup()) {
      ImmediateCompletions stub = ImmediateCompletions.forPort(real, true);
      try (IocpEchoServer server = IocpEchoServer.start(new IocpEchoServer.Options()
          .bind(LOOPBACK).workers(2), stub.wsa())) {
        new EchoLoad(server.localAddress(), CONNECTIONS, BYTES_PER_CONNECTION, MAX_PIECE, SEED)
            .run();
      }
      System.out.println("ImmediateCompletionServersTest: iocp, skip mode: " + stub.immediate
          + " finished at once, " + stub.swallowed + " of their packets kept from the port");
      assertTrue(stub.immediate.get() > 0, "no operation was made to finish at once");
      // Each of these reached the server only as a 0 from its call: it was handled inline.
      assertTrue(stub.swallowed.get() > 0, "no packet was suppressed");
    }
  }

  @Test
  @DisplayName("rule 25: iocp without skip mode leaves an immediate success to its packet")
  void iocpWithoutSkipMode() throws Exception {
    try (Wsa real = Wsa.startup()) {
      ImmediateCompletions stub = ImmediateCompletions.forPort(real, false);
      try (IocpEchoServer server = IocpEchoServer.start(new IocpEchoServer.Options()
          .bind(LOOPBACK).workers(2), stub.wsa())) {
        new EchoLoad(server.localAddress(), CONNECTIONS, BYTES_PER_CONNECTION, MAX_PIECE,
            SEED + 1).run();
      }
      assertTrue(stub.immediate.get() > 0, "no operation was made to finish at once");
      assertEquals(0, stub.swallowed.get(), "every packet reached the server's port");
      assertEquals(0, stub.reposted.get(), "nothing was handled inline, so nothing re-posted");
    }
  }

  @Test
  @DisplayName("rule 26: a busy connection's inline run is bounded; the rest goes through the port")
  void inlineRunsAreBounded() throws Exception {
    try (Wsa real = Wsa.startup()) {
      ImmediateCompletions stub = ImmediateCompletions.forPort(real, true);
      try (IocpEchoServer server = IocpEchoServer.start(new IocpEchoServer.Options()
          .bind(LOOPBACK).workers(1).zeroByteReceives(false), stub.wsa());
          Socket s = new Socket(LOOPBACK, server.localAddress().getPort())) {
        byte[] sent = new byte[8 * 1024 * 1024];
        new Random(SEED).nextBytes(sent);
        // Write at full speed while reading, so that most receives find their data waiting.
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
          try {
            OutputStream out = s.getOutputStream();
            for (int off = 0; off < sent.length; off += 1024) {
              out.write(sent, off, 1024);
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        InputStream in = s.getInputStream();
        byte[] echoed = in.readNBytes(sent.length);
        writer.get(60, TimeUnit.SECONDS);
        assertArrayEquals(sent, echoed, "the echo differs");
      }
      System.out.println("ImmediateCompletionServersTest: one busy connection: " + stub.immediate
          + " finished at once, " + stub.reposted + " runs cut short and re-posted");
      assertTrue(stub.reposted.get() > 0, "no inline run reached the bound of "
          + IocpEchoServer.INLINE_BUDGET);
    }
  }

  @Test
  @DisplayName("rule 25: a routine is queued after an immediate success: the routine server echoes once")
  void routineServer() throws Exception {
    AtomicInteger immediate = new AtomicInteger();
    try (Wsa real = Wsa.startup()) {
      RoutineEchoServer server = RoutineEchoServer.start(LOOPBACK, 0, 16 * 1024,
          ImmediateCompletions.wrap(real, immediate));
      try {
        new EchoLoad(server.localAddress(), CONNECTIONS, BYTES_PER_CONNECTION, MAX_PIECE,
            SEED + 2).run();
      } finally {
        server.close();
      }
    }
    assertTrue(immediate.get() > 0, "no operation was made to finish at once");
  }
}
