package io.wsa4j.benchmarks;

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
 * One message's round trip over a loopback TCP connection: send {@code size} bytes and receive
 * until all {@code size} bytes are back. The far side is the same plain NIO2 echo
 * ({@link EchoPeer}) for every {@code impl}, so the difference between rows is the near side:
 *
 * <ul>
 *   <li>{@code wsa4j-event}: overlapped {@code WSARecv} and {@code WSASend}, each token with an
 *       event, completed with {@code WSAGetOverlappedResult(wait=TRUE)};
 *   <li>{@code wsa4j-iocp}: the same two calls on a socket associated with a completion port;
 *       the benchmark thread dequeues both packets with {@code GetQueuedCompletionStatus};
 *   <li>{@code nio2}: {@code AsynchronousSocketChannel} with {@code Future.get()};
 *   <li>{@code nio2-handler}: {@code AsynchronousSocketChannel} with completion handlers that
 *       unpark the benchmark thread — the same hop from an I/O thread to the waiting thread that
 *       wsa4j makes, so the fairest yardstick of its layer;
 *   <li>{@code netty-nio}, {@code netty-epoll}: a Netty 4.2 client whose handler counts the echo
 *       on its event loop and unparks the benchmark thread.
 * </ul>
 *
 * <p>Allocation: the wsa4j clients reuse every token, buffer and out-parameter array, so
 * {@code -prof gc}'s {@code gc.alloc.rate.norm} for them is the library's own allocation per
 * round trip.
 *
 * <p>Each trial opens a fresh connection (and, for wsa4j, a fresh {@code Wsa} context) and closes
 * everything in teardown. Run it with
 * {@code java -jar benchmarks/target/benchmarks.jar RoundTrip -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoundTripBenchmark {

  /** Message size in bytes. */
  @Param({"64", "16384"})
  public int size;

  /** The near side; see the class comment. */
  @Param({Wsa4jEventClient.NAME, Wsa4jIocpClient.NAME, Nio2Client.NAME, Nio2HandlerClient.NAME,
      NettyClient.NIO, NettyClient.EPOLL})
  public String impl;

  private EchoPeer peer;
  private RoundTripClient client;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    peer = EchoPeer.start();
    try {
      client = RoundTripClient.open(impl, peer.address(), size);
    } catch (Exception | Error e) {
      peer.close();
      throw e;
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    try {
      if (client != null) {
        client.close();
      }
    } finally {
      peer.close();
    }
  }

  /** Returns the byte count so that the round trip cannot be optimized away. */
  @Benchmark
  public int roundTrip() throws Exception {
    return client.roundTrip();
  }
}
