package io.wsa4j.benchmarks;

import io.wsa4j.Wsa;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaOverlapped;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Is the completion port a bottleneck? Hands packets from one thread to another through a wsa4j
 * port ({@code postQueuedCompletionStatus} → {@code getQueuedCompletionStatus}) and, as the
 * yardstick, through a {@link LinkedBlockingQueue} ({@code offer} → {@code poll}); also the cost of
 * a post and a dequeue on one thread, where nothing waits.
 *
 * <p>Consumers wait with a short timeout rather than forever, so that an iteration can end while
 * the queue is empty without stranding a thread.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Group)
public class PortHandoffBenchmark {
  private static final long KEY = 42;

  private Wsa wsa;
  private WsaCompletionPort port;
  private final WsaOverlapped token = new WsaOverlapped();
  /** Bounded like a port's posted packets, so neither side of the comparison grows without limit. */
  private final LinkedBlockingQueue<WsaOverlapped> queue = new LinkedBlockingQueue<>(1 << 20);

  /** Out-parameters, one set per consumer thread. */
  @State(Scope.Thread)
  public static class Outs {
    final int[] bytes = new int[1];
    final long[] key = new long[1];
    final WsaOverlapped[] overlapped = new WsaOverlapped[1];
  }

  @Setup(Level.Trial)
  public void setUp() {
    wsa = Wsa.startup(WsaConfig.builder().ioThreads(1).build());
    port = wsa.createIoCompletionPort(null, null, 0, 0);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    wsa.cleanup();
  }

  @Benchmark
  @Group("port")
  @GroupThreads(1)
  public boolean portPost() {
    return wsa.postQueuedCompletionStatus(port, 1, KEY, token);
  }

  @Benchmark
  @Group("port")
  @GroupThreads(1)
  public boolean portTake(Outs outs) {
    return wsa.getQueuedCompletionStatus(port, outs.bytes, outs.key, outs.overlapped, 10);
  }

  @Benchmark
  @Group("queue")
  @GroupThreads(1)
  public boolean queueOffer() {
    return queue.offer(token);
  }

  @Benchmark
  @Group("queue")
  @GroupThreads(1)
  public WsaOverlapped queueTake() throws InterruptedException {
    return queue.poll(10, TimeUnit.MILLISECONDS);
  }

  @Benchmark
  @Group("portSameThread")
  public boolean portPostThenTake(Outs outs) {
    wsa.postQueuedCompletionStatus(port, 1, KEY, token);
    return wsa.getQueuedCompletionStatus(port, outs.bytes, outs.key, outs.overlapped, 0);
  }

  @Benchmark
  @Group("queueSameThread")
  public WsaOverlapped queueOfferThenPoll() {
    queue.offer(token);
    return queue.poll();
  }
}
