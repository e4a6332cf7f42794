package io.wsa4j.contract;

import static io.wsa4j.Winsock.WSA_INFINITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.nio2.PortProbe;
import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.WsaCompletionPort;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Rule 21's two orders: packets leave a port FIFO; waiting threads are released LIFO. */
@Timeout(60)
class PortOrderingTest extends WsaFixture {
  private static final int PRODUCERS = 4;
  private static final int PACKETS = 100_000;

  @Test
  @DisplayName("rule 21: 100,000 packets from 4 producers leave FIFO: each producer's sequence in order, none lost")
  void packetsLeaveFifo() throws Exception {
    WsaCompletionPort port = newPort();
    int perProducer = PACKETS / PRODUCERS;
    List<Background<Void>> producers = new ArrayList<>();
    for (int p = 0; p < PRODUCERS; p++) {
      long key = p;
      producers.add(fork("producer-" + p, () -> {
        for (int i = 0; i < perProducer; i++) {
          assertTrue(wsa.postQueuedCompletionStatus(port, i, key, null), WsaFixture::lastError);
        }
        return null;
      }));
    }
    int[] next = new int[PRODUCERS];
    for (int received = 0; received < PACKETS; received++) {
      Dequeued d = gqcs(port, WAIT_MS);
      assertTrue(d.ok(), () -> "packet missing after " + Arrays.toString(next) + ": "
          + d);
      int producer = (int) d.key();
      assertTrue(producer >= 0 && producer < PRODUCERS, "key " + d.key());
      assertEquals(next[producer], d.bytes(), "producer " + producer + " out of order");
      next[producer]++;
    }
    for (Background<Void> p : producers) {
      p.get();
    }
    for (int p = 0; p < PRODUCERS; p++) {
      assertEquals(perProducer, next[p], "packets of producer " + p);
    }
    assertNoPacket(port);
  }

  @Test
  @DisplayName("rule 21: waiting threads are released LIFO: the thread that waited last gets the first packet")
  void waitersReleasedLifo() throws Exception {
    WsaCompletionPort port = newPort();
    List<Background<Dequeued>> waiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Background<Dequeued> w = fork("waiter-" + i, () -> gqcs(port, WSA_INFINITE));
      awaitPortWaiters(port, i + 1); // registered on the port before the next one starts
      waiters.add(w);
    }
    assertTrue(wsa.postQueuedCompletionStatus(port, 1, 100, null));
    Dequeued last = waiters.get(2).get();
    assertTrue(last.ok(), last::toString);
    assertEquals(100, last.key(), "the last waiter got the first packet");
    assertEquals(2, PortProbe.waiters(port), "one packet released one thread: two still wait");
    assertTrue(!waiters.get(0).isDone() && !waiters.get(1).isDone(),
        "one packet released one thread");

    assertTrue(wsa.postQueuedCompletionStatus(port, 2, 200, null));
    assertEquals(200, waiters.get(1).get().key(), "then the one that waited second");
    assertTrue(wsa.postQueuedCompletionStatus(port, 3, 300, null));
    assertEquals(300, waiters.get(0).get().key(), "then the first");
  }
}
