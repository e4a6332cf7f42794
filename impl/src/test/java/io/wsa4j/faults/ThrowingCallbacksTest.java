package io.wsa4j.faults;

import static io.wsa4j.Winsock.WSAEINTR;
import static io.wsa4j.Winsock.WSA_INFINITE;
import static io.wsa4j.Winsock.WSA_WAIT_IO_COMPLETION;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaOverlapped;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * User code that throws from a completion routine or a completion-port consumer does not break
 * the library: later operations complete, and a routine's exception is reported as a WARNING of
 * logger {@code io.wsa4j} (System.Logger, which goes to java.util.logging by default).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThrowingCallbacksTest extends WsaFixture {

  /**
   * A {@code java.util.logging.StreamHandler} with an {@code XMLFormatter} attached to one logger
   * while a test runs. Made by reflection: the tests compile inside the provider's JPMS module,
   * which does not read {@code java.logging}; they run on the class path, where it is there.
   */
  static final class Captured implements AutoCloseable {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Object logger;
    private final Object handler;
    private final Object previousLevel;
    private final Class<?> handlerClass;
    private final Class<?> levelClass;

    Captured(String name) throws ReflectiveOperationException {
      Class<?> loggerClass = Class.forName("java.util.logging.Logger");
      handlerClass = Class.forName("java.util.logging.Handler");
      levelClass = Class.forName("java.util.logging.Level");
      Class<?> formatterClass = Class.forName("java.util.logging.Formatter");
      Object formatter = Class.forName("java.util.logging.XMLFormatter")
          .getConstructor().newInstance();
      handler = Class.forName("java.util.logging.StreamHandler")
          .getConstructor(java.io.OutputStream.class, formatterClass).newInstance(out, formatter);
      Object all = levelClass.getField("ALL").get(null);
      handlerClass.getMethod("setLevel", levelClass).invoke(handler, all);
      logger = loggerClass.getMethod("getLogger", String.class).invoke(null, name);
      previousLevel = loggerClass.getMethod("getLevel").invoke(logger);
      loggerClass.getMethod("setLevel", levelClass).invoke(logger, all);
      loggerClass.getMethod("addHandler", handlerClass).invoke(logger, handler);
    }

    /** The records published so far, each as its XML text. */
    List<String> records() throws ReflectiveOperationException {
      handlerClass.getMethod("flush").invoke(handler);
      List<String> records = new ArrayList<>();
      String all = out.toString(StandardCharsets.UTF_8);
      for (String part : all.split("<record>")) {
        if (part.contains("</record>")) {
          records.add(part.substring(0, part.indexOf("</record>")));
        }
      }
      return records;
    }

    @Override
    public void close() throws ReflectiveOperationException {
      logger.getClass().getMethod("removeHandler", handlerClass).invoke(logger, handler);
      logger.getClass().getMethod("setLevel", levelClass).invoke(logger, previousLevel);
    }
  }

  @Test
  void routineThatThrowsIsLoggedAsWarningAndLaterRoutinesStillRun() throws Exception {
    Wsa wsa = startup();
    Conn c = connect(wsa, false);
    RuntimeException boom = new IllegalStateException("routine failure for the test");
    AtomicInteger calls = new AtomicInteger();
    WsaCompletionRoutine throwing = (error, bytes, ov, flags) -> {
      calls.incrementAndGet();
      throw boom;
    };
    try (Captured log = track(new Captured("io.wsa4j"))) {
      // two routines queued together: the second still runs after the first threw
      WsaBuf b1 = WsaBuf.allocate(3);
      CountingToken second = new CountingToken();
      mustStart(recvOv(wsa, c.s(), b1, new WsaOverlapped(), throwing), "recv 1");
      mustStart(recvOv(wsa, c.s(), WsaBuf.allocate(3), second, COUNTING_ROUTINE), "recv 2");
      c.peer().getOutputStream().write(new byte[] {1, 2, 3, 4, 5, 6});
      runRoutinesUntil(wsa, () -> second.routineCalls.get() > 0);
      assertEquals(1, calls.get(), "the throwing routine ran once");
      assertEquals(1, second.routineCalls.get(), "the routine queued after it ran too");
      assertEquals(3, second.routineBytes);

      List<String> records = log.records();
      assertTrue(records.stream().anyMatch(r -> r.contains("<level>WARNING</level>")
              && r.contains("<exception>") && r.contains(boom.toString())),
          "no WARNING record carrying " + boom + " among " + records);

      // the thread and the socket keep working
      CountingToken later = new CountingToken();
      WsaBuf b3 = WsaBuf.allocate(10);
      mustStart(recvOv(wsa, c.s(), b3, later, COUNTING_ROUTINE), "recv 3");
      c.peer().getOutputStream().write(new byte[] {7, 8});
      runRoutinesUntil(wsa, () -> later.routineCalls.get() > 0);
      assertEquals(0, wsa.sleepEx(50, true), "a routine ran twice");
      assertEquals(1, later.routineCalls.get());
      assertArrayEquals(new byte[] {7, 8}, bytesOf(b3, later.routineBytes));
    }
  }

  /** Alertable waits on this thread until {@code done}; each must have run routines. */
  private static void runRoutinesUntil(Wsa wsa, java.util.function.BooleanSupplier done) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "routines did not run within " + WAIT_MS + " ms");
      int r = wsa.sleepEx((int) WAIT_MS, true);
      assertEquals(WSA_WAIT_IO_COMPLETION, r, "sleepEx ended without running a routine");
    }
  }

  /**
   * A consumer that stops waiting (here: interrupted, the way a failing worker pool stops its
   * threads) just as a packet is handed to it must not take the packet with it: either its
   * {@code GetQueuedCompletionStatus} returns the packet, or the packet stays queued for the next
   * consumer. Exactly one of the two, every time; afterwards other consumers still get packets.
   */
  @Test
  void portConsumerStoppedAsAPacketArrivesLosesNoPacket() throws Exception {
    Wsa wsa = startup();
    WsaCompletionPort port = wsa.createIoCompletionPort(null, null, 0, 0);
    assertNotNull(port, lastError("CreateIoCompletionPort"));
    int returnedToConsumer = 0;
    for (int round = 0; round < 200; round++) {
      long key = 1000 + round;
      int[] outcome = new int[1];
      long[] gotKey = {-1};
      Thread consumer = daemon("stopped-consumer-" + round, () -> {
        boolean ok = wsa.getQueuedCompletionStatus(port, new int[1], gotKey,
            new WsaOverlapped[1], WSA_INFINITE);
        outcome[0] = ok ? 0 : Wsa.getLastError();
      });
      consumer.start();
      awaitBlocked(consumer); // only to make the race likely: either outcome is checked
      assertTrue(wsa.postQueuedCompletionStatus(port, 7, key, null));
      consumer.interrupt();
      join(consumer);
      long[] leftKey = {-1};
      boolean left = wsa.getQueuedCompletionStatus(port, new int[1], leftKey,
          new WsaOverlapped[1], 0);
      if (outcome[0] == 0) {
        returnedToConsumer++;
        assertEquals(key, gotKey[0], "the consumer got this round's packet");
        assertFalse(left, () -> "the packet was delivered twice: also " + leftKey[0]);
      } else {
        assertEquals(WSAEINTR, outcome[0], () -> "the stopped consumer: " + name(outcome[0]));
        assertTrue(left, "the packet was lost with the stopped consumer");
        assertEquals(key, leftKey[0], "the packet stayed queued for the next consumer");
      }
    }
    System.out.println("stopped consumers that still returned their packet: "
        + returnedToConsumer + " of 200");
    assertTrue(wsa.postQueuedCompletionStatus(port, 1, 42, null));
    long[] k = new long[1];
    assertTrue(wsa.getQueuedCompletionStatus(port, new int[1], k, new WsaOverlapped[1],
        (int) WAIT_MS), lastError("GetQueuedCompletionStatus"));
    assertEquals(42, k[0], "a later consumer gets later packets");
  }
}
