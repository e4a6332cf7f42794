package io.wsa4j.benchmarks;

import static io.wsa4j.Winsock.WSA_INFINITE;

import io.wsa4j.Wsa;
import io.wsa4j.WsaEvent;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What an event-model worker pays to find out which of its events fired:
 * {@code WSAWaitForMultipleEvents(count, events, FALSE, INFINITE)} with exactly one event
 * signaled, at a random index (from a fixed-seed sequence, the same in every run), then
 * {@code WSAResetEvent}. The event is set on the same thread just before, so the wait never
 * blocks: this is the cost of the scan and the bookkeeping, not of a wake-up.
 *
 * <p>{@code count = 64} is {@code WSA_MAXIMUM_WAIT_EVENTS}, a full worker; {@code count = 1} is
 * the floor.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WaitForEventsBenchmark {
  private static final int INDICES = 1024; // a power of two: the cursor wraps with a mask

  @Param({"1", "64"})
  public int count;

  private Wsa wsa;
  private WsaEvent[] events;
  private final int[] indices = new int[INDICES];
  private int cursor;

  @Setup(Level.Trial)
  public void setUp() {
    wsa = Wsa.startup();
    events = new WsaEvent[count];
    for (int i = 0; i < count; i++) {
      events[i] = wsa.createEvent();
      if (events[i] == null) {
        throw new IllegalStateException("WSACreateEvent failed: " + Wsa.getLastError());
      }
    }
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < INDICES; i++) {
      indices[i] = random.nextInt(count);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    wsa.cleanup();
  }

  /** Returns the index found, which must be the one signaled. */
  @Benchmark
  public int waitForOneOf() {
    int i = indices[cursor++ & (INDICES - 1)];
    wsa.setEvent(events[i]);
    int found = wsa.waitForMultipleEvents(count, events, false, WSA_INFINITE, false);
    wsa.resetEvent(events[i]);
    if (found != i) {
      throw new IllegalStateException("signaled " + i + ", WSAWaitForMultipleEvents returned "
          + found);
    }
    return found;
  }
}
