package io.wsa4j.faults;

import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.WSAEINTR;
import static io.wsa4j.Winsock.WSA_INFINITE;
import static io.wsa4j.Winsock.WSA_WAIT_FAILED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaOverlappedEntry;
import io.wsa4j.WsaSocket;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Thread.interrupt()} during a blocking call: the call returns its failure value with
 * {@code WSAEINTR}, the flag stays set, and no byte is lost or duplicated afterwards.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InterruptTest extends WsaFixture {

  /** What an interrupted call returned, its last error and whether the flag was still set. */
  record Outcome(Object value, int lastError, boolean flagSet) {}

  private static Outcome interruptWhileBlocked(String name, Supplier<Object> call)
      throws InterruptedException {
    AtomicReference<Outcome> out = new AtomicReference<>();
    Thread t = daemon(name, () -> out.set(new Outcome(call.get(), Wsa.getLastError(),
        Thread.currentThread().isInterrupted())));
    t.start();
    awaitBlocked(t);
    t.interrupt();
    join(t);
    return out.get();
  }

  @Test
  void everyBlockingCallReturnsWsaeintrAndKeepsTheInterruptFlag() throws Exception {
    Wsa wsa = startup();
    WsaEvent event = wsa.createEvent();
    WsaCompletionPort port = wsa.createIoCompletionPort(null, null, 0, 0);
    assertNotNull(port);
    Conn recvConn = connect(wsa, false);
    Conn sendConn = connect(wsa, true);
    Conn ovConn = connect(wsa, false);
    WsaOverlapped pending = new WsaOverlapped();
    mustStart(recvOv(wsa, ovConn.s(), WsaBuf.allocate(10), pending, null), "recv");
    SocketAddress[] at = {null};
    WsaSocket listener = listen(wsa, at);

    Map<String, Object[]> expected = new LinkedHashMap<>();
    Map<String, Supplier<Object>> calls = new LinkedHashMap<>();
    calls.put("recv", () -> wsa.recv(recvConn.s(), new WsaBuf[] {WsaBuf.allocate(10)}, 1,
        new int[1], new int[1], null, null));
    expected.put("recv", new Object[] {SOCKET_ERROR});
    calls.put("send", () -> wsa.send(sendConn.s(), new WsaBuf[] {WsaBuf.allocate(8 << 20)}, 1,
        new int[1], 0, null, null));
    expected.put("send", new Object[] {SOCKET_ERROR});
    calls.put("accept", () -> wsa.accept(listener, null));
    expected.put("accept", new Object[] {WsaSocket.INVALID_SOCKET});
    calls.put("getOverlappedResult(wait)", () -> wsa.getOverlappedResult(ovConn.s(), pending,
        new int[1], true, null));
    expected.put("getOverlappedResult(wait)", new Object[] {false});
    calls.put("waitForMultipleEvents", () -> wsa.waitForMultipleEvents(1,
        new WsaEvent[] {event}, false, WSA_INFINITE, true));
    expected.put("waitForMultipleEvents", new Object[] {WSA_WAIT_FAILED});
    calls.put("getQueuedCompletionStatus", () -> wsa.getQueuedCompletionStatus(port,
        new int[1], new long[1], new WsaOverlapped[1], WSA_INFINITE));
    expected.put("getQueuedCompletionStatus", new Object[] {false});
    calls.put("getQueuedCompletionStatusEx", () -> wsa.getQueuedCompletionStatusEx(port,
        new WsaOverlappedEntry[1], 1, new int[1], WSA_INFINITE, true));
    expected.put("getQueuedCompletionStatusEx", new Object[] {false});

    for (Map.Entry<String, Supplier<Object>> call : calls.entrySet()) {
      Outcome o = interruptWhileBlocked(call.getKey(), call.getValue());
      assertEquals(expected.get(call.getKey())[0], o.value(), call.getKey() + " returned");
      assertEquals(WSAEINTR, o.lastError(), () -> call.getKey() + ": " + name(o.lastError()));
      assertTrue(o.flagSet(), call.getKey() + " cleared the interrupt flag");
    }
    Outcome sleep = interruptWhileBlocked("sleepEx", () -> wsa.sleepEx(WSA_INFINITE, true));
    assertEquals(0, sleep.value(), "sleepEx returns early with 0");
    assertTrue(sleep.flagSet(), "sleepEx cleared the interrupt flag");

    // the interrupted getOverlappedResult left the operation alone: it still completes
    ovConn.peer().getOutputStream().write(new byte[] {9, 8, 7});
    int[] n = new int[1];
    assertTrue(wsa.getOverlappedResult(ovConn.s(), pending, n, true, null),
        lastError("getOverlappedResult"));
    assertEquals(3, n[0]);
    // the interrupted receive lost nothing: the next one gets every byte
    byte[] data = pattern(5000, 3);
    recvConn.peer().getOutputStream().write(data);
    assertArrayEquals(data, blockingReceive(wsa, recvConn.s(), data.length));
  }

  private static byte[] blockingReceive(Wsa wsa, WsaSocket s, int n) {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    while (got.size() < n) {
      WsaBuf b = WsaBuf.allocate(1000);
      int[] count = new int[1];
      assertEquals(0, wsa.recv(s, new WsaBuf[] {b}, 1, count, new int[1], null, null),
          lastError("recv"));
      assertTrue(count[0] > 0, "EOF");
      got.write(bytesOf(b, count[0]), 0, count[0]);
    }
    return got.toByteArray();
  }

  @Test
  void receiverInterruptedOverAndOverWhileDataStreamsInLosesNoByte() throws Exception {
    Wsa wsa = startup();
    Conn c = connect(wsa, false);
    byte[] data = pattern(2_000_000, 4);
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger interrupted = new AtomicInteger();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread reader = daemon("interrupted-reader", () -> {
      try {
        WsaBuf b = WsaBuf.allocateDirect(777);
        int[] n = new int[1];
        while (got.size() < data.length) {
          int rc = wsa.recv(c.s(), new WsaBuf[] {b}, 1, n, new int[1], null, null);
          if (rc == SOCKET_ERROR) {
            assertEquals(WSAEINTR, Wsa.getLastError(), lastError("recv"));
            assertTrue(Thread.interrupted(), "WSAEINTR without the flag");
            interrupted.incrementAndGet();
            continue;
          }
          assertTrue(n[0] > 0, "EOF after " + got.size() + " bytes");
          got.write(bytesOf(b, n[0]), 0, n[0]);
        }
      } catch (Throwable e) {
        failure.set(e);
      } finally {
        done.set(true);
      }
    });
    reader.start();
    Thread interrupter = daemon("interrupter", () -> {
      while (!done.get()) {
        reader.interrupt();
        sleepQuietly(1);
      }
    });
    interrupter.start();
    OutputStream out = c.peer().getOutputStream();
    for (int off = 0; off < data.length; off += 10_000) {
      out.write(data, off, Math.min(10_000, data.length - off));
      sleepQuietly(off % 200_000 == 0 ? 2 : 0);
    }
    join(reader);
    join(interrupter);
    if (failure.get() != null) {
      throw new AssertionError("reader failed", failure.get());
    }
    assertTrue(interrupted.get() > 0, "the reader was never interrupted in a call");
    byte[] all = got.toByteArray();
    assertEquals(data.length, all.length, "bytes received");
    assertEquals(-1, Arrays.mismatch(data, all), "first differing byte");
  }

  @Test
  void interruptedBlockingSendSendsAPrefixOnlyAndTheNextSendFollowsIt() throws Exception {
    Wsa wsa = startup();
    Conn c = connect(wsa, true);
    byte[] big = pattern(8 << 20, 5);
    Outcome o = interruptWhileBlocked("sender", () -> wsa.send(c.s(),
        new WsaBuf[] {bufOf(big, false)}, 1, new int[1], 0, null, null));
    assertEquals(SOCKET_ERROR, o.value());
    assertEquals(WSAEINTR, o.lastError(), () -> name(o.lastError()));
    assertTrue(o.flagSet());
    byte[] tail = pattern(1000, 77);
    // The peer reads from now on: the interrupted send's last chunk may still wait for room (the
    // sender itself wrote until the connection was full before it blocked), and only the peer
    // reading lets it and the next send go.
    AtomicReference<byte[]> seenRef = new AtomicReference<>();
    Thread peerReader = daemon("peer-reader", () -> {
      try {
        seenRef.set(c.peer().getInputStream().readAllBytes());
      } catch (java.io.IOException e) {
        seenRef.set(new byte[0]);
      }
    });
    peerReader.start();
    int[] n = new int[1];
    assertEquals(0, wsa.send(c.s(), new WsaBuf[] {bufOf(tail, true)}, 1, n, 0, null, null),
        lastError("send after the interrupt"));
    assertEquals(tail.length, n[0]);
    assertEquals(0, wsa.shutdown(c.s(), io.wsa4j.Winsock.SD_SEND));
    join(peerReader);
    byte[] seen = seenRef.get();
    int prefix = seen.length - tail.length;
    assertTrue(prefix >= 0 && prefix < big.length, "peer read " + seen.length + " bytes");
    assertArrayEquals(Arrays.copyOf(big, prefix), Arrays.copyOf(seen, prefix),
        "the interrupted send's bytes are a prefix of it");
    assertArrayEquals(tail, Arrays.copyOfRange(seen, prefix, seen.length),
        "the next send follows the prefix directly");
  }
}
