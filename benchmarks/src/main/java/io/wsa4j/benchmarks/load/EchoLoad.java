package io.wsa4j.benchmarks.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * An echo load generator that works against any TCP echo server: opens N connections, drives
 * them from one or two selector threads, checks every echoed byte, and prints a JSON line of
 * results.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.wsa4j.benchmarks.load.EchoLoad \
 *     --port 7007 --connections 100 --size 64 --mode pingpong --warmup 5 --duration 10
 * </pre>
 *
 * <h2>Modes</h2>
 *
 * <ul>
 *   <li>{@code pingpong}: one message in flight per connection; each round trip's latency goes
 *       into an HdrHistogram.
 *   <li>{@code stream}: up to {@code --window} bytes in flight per connection, in whole
 *       messages; throughput in MB/s (10^6 bytes of echo received per second). Latencies are
 *       still recorded, but they include queueing behind the window.
 * </ul>
 *
 * <h2>Phases</h2>
 *
 * Connect (gradually: at most {@code --max-pending-connects} unconfirmed at a time), then
 * warm-up, then measurement; traffic starts when every connection is up (or
 * {@code --connect-timeout} passes). Only the measurement phase counts. A progress line goes to
 * stderr each second; the final JSON line goes to stdout.
 *
 * <p>Exit status: 0, or 1 when a byte came back wrong (mismatches) or the run had errors.
 */
@Command(name = "EchoLoad", sortOptions = false, mixinStandardHelpOptions = true,
    description = "Drives an echo server with N connections and reports msgs/s, MB/s and"
        + " latency percentiles as one JSON line.")
public final class EchoLoad implements Callable<Integer> {

  /** The run's phase, ordered: workers compare with {@code >=}. */
  static final class Phase extends AtomicInteger {
    private static final long serialVersionUID = 1L;
    static final int CONNECT = 0;
    static final int WARMUP = 1;
    static final int MEASURE = 2;
    static final int DONE = 3;
  }

  enum Mode { pingpong, stream }

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server host. Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--port", required = true, description = "Server port.")
  int port;

  @Option(names = {"-c", "--connections"}, defaultValue = "1",
      description = "Connections, 1..10000. Default: ${DEFAULT-VALUE}.")
  int connections;

  @Option(names = {"-s", "--size"}, defaultValue = "64",
      description = "Message size in bytes. Default: ${DEFAULT-VALUE}.")
  int size;

  @Option(names = "--mode", defaultValue = "pingpong",
      description = "pingpong or stream. Default: ${DEFAULT-VALUE}.")
  Mode mode;

  @Option(names = "--window", description = "stream: bytes in flight per connection"
      + " (rounded down to whole messages). Default: 4 messages.")
  Integer window;

  @Option(names = "--warmup", defaultValue = "5", description = "Warm-up seconds, not counted. Default: ${DEFAULT-VALUE}.")
  double warmupSeconds;

  @Option(names = {"-d", "--duration"}, defaultValue = "10", description = "Measured seconds. Default: ${DEFAULT-VALUE}.")
  double durationSeconds;

  @Option(names = "--threads", defaultValue = "1", description = "Selector threads, 1 or 2. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(names = "--max-pending-connects", defaultValue = "128",
      description = "Connects in flight at once. Default: ${DEFAULT-VALUE}.")
  int maxPendingConnects;

  @Option(names = "--connect-timeout", defaultValue = "60",
      description = "Seconds to wait for all connections before starting anyway. Default: ${DEFAULT-VALUE}.")
  double connectTimeoutSeconds;

  @Option(names = "--label", defaultValue = "", description = "Copied into the JSON (e.g. the server's name).")
  String label;

  @Option(names = "--quiet", description = "No progress lines.")
  boolean quiet;

  @Spec
  CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new EchoLoad()).setCaseInsensitiveEnumValuesAllowed(true)
        .execute(args));
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    // -- configure --
    if (connections < 1 || connections > 10_000) {
      throw new ParameterException(spec.commandLine(), "--connections must be 1..10000, not " + connections);
    }
    if (size < 1 || size > Pattern.MAX_CHUNK) {
      throw new ParameterException(spec.commandLine(), "--size must be 1.." + Pattern.MAX_CHUNK + ", not " + size);
    }
    if (threads < 1 || threads > 2) {
      throw new ParameterException(spec.commandLine(), "--threads must be 1 or 2, not " + threads);
    }
    if (durationSeconds <= 0 || warmupSeconds < 0 || maxPendingConnects < 1) {
      throw new ParameterException(spec.commandLine(),
          "--duration must be positive, --warmup not negative, --max-pending-connects at least 1");
    }
    int win = mode == Mode.pingpong ? size
        : Math.max(size, (window != null ? window : 4 * size) / size * size);
    InetSocketAddress server = new InetSocketAddress(host, port);
    Recorder latencies = new Recorder(3);
    Phase phase = new Phase();

    // -- start: the workers connect at once; traffic waits for WARMUP --
    List<LoadWorker> workers = new ArrayList<>();
    List<Thread> workerThreads = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int share = connections / threads + (i < connections % threads ? 1 : 0);
      LoadWorker w = new LoadWorker(server, share, Math.max(1, maxPendingConnects / threads),
          size, win, 1_000_003L * i, latencies, phase);
      Thread t = new Thread(w, "echo-load-" + i);
      t.setDaemon(true);
      workers.add(w);
      workerThreads.add(t);
      t.start();
    }
    PrintStream err = System.err;
    long connectStart = System.nanoTime();
    long connectDeadline = connectStart + seconds(connectTimeoutSeconds);
    while (sum(workers, 'u') < connections && System.nanoTime() < connectDeadline
        && sum(workers, 'e') < connections) {
      Thread.sleep(20);
    }
    double connectMillis = (System.nanoTime() - connectStart) / 1e6;
    if (!quiet) {
      err.printf(Locale.ROOT, "connected %d/%d in %.0f ms%n", sum(workers, 'u'), connections, connectMillis);
    }

    // -- warm up, then measure; a progress line each second --
    phase.set(Phase.WARMUP);
    Histogram phaseHistogram = new Histogram(3);
    runPhase("warmup", seconds(warmupSeconds), workers, latencies, phaseHistogram, err);
    latencies.getIntervalHistogram(); // drop what came in since the last progress line
    phase.set(Phase.MEASURE);
    long msgs0 = sum(workers, 'm');
    long bytes0 = sum(workers, 'b');
    long errors0 = sum(workers, 'e');
    long t0 = System.nanoTime();
    Histogram measured = new Histogram(3);
    runPhase("measure", seconds(durationSeconds), workers, latencies, measured, err);
    long msgs = sum(workers, 'm') - msgs0;
    long bytes = sum(workers, 'b') - bytes0;
    double elapsed = (System.nanoTime() - t0) / 1e9;
    measured.add(latencies.getIntervalHistogram());
    long connectedAtEnd = sum(workers, 'u');

    // -- shut down --
    phase.set(Phase.DONE);
    for (LoadWorker w : workers) {
      w.stop();
    }
    for (Thread t : workerThreads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
    long errors = sum(workers, 'e');
    long mismatches = sum(workers, 'x');

    // -- report --
    System.out.println(String.format(Locale.ROOT,
        "{\"label\":\"%s\",\"mode\":\"%s\",\"connections\":%d,\"connected\":%d,\"size\":%d,"
            + "\"window\":%d,\"threads\":%d,\"warmup_s\":%.1f,\"duration_s\":%.3f,"
            + "\"connect_ms\":%.0f,\"msgs\":%d,\"msgs_per_s\":%.1f,\"mb_per_s\":%.3f,"
            + "\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f,"
            + "\"errors\":%d,\"errors_before_measure\":%d,\"mismatches\":%d}",
        label.replace("\"", ""), mode, connections, connectedAtEnd, size, win, threads,
        warmupSeconds, elapsed, connectMillis, msgs, msgs / elapsed, bytes / elapsed / 1e6,
        us(measured.getValueAtPercentile(50)), us(measured.getValueAtPercentile(99)),
        us(measured.getValueAtPercentile(99.9)), us(measured.getMaxValue()),
        errors, errors0, mismatches));
    return errors > 0 || mismatches > 0 ? 1 : 0;
  }

  /** Sleeps through one phase, printing a line a second; collects the phase's latencies. */
  private void runPhase(String name, long nanos, List<LoadWorker> workers, Recorder latencies,
      Histogram into, PrintStream err) throws InterruptedException {
    long start = System.nanoTime();
    long end = start + nanos;
    long lastMsgs = sum(workers, 'm');
    long last = start;
    Histogram interval = null;
    while (true) {
      long now = System.nanoTime();
      if (now >= end) {
        return;
      }
      Thread.sleep(Math.max(1, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(end - now))));
      now = System.nanoTime();
      interval = latencies.getIntervalHistogram(interval);
      into.add(interval);
      long msgs = sum(workers, 'm');
      if (!quiet) {
        err.printf(Locale.ROOT, "[%5.1fs %-7s] conns %d/%d  msgs/s %,.0f  p99 %.0f us%s%n",
            (now - start) / 1e9, name, sum(workers, 'u'), connections,
            (msgs - lastMsgs) / ((now - last) / 1e9), us(into.getValueAtPercentile(99)),
            errorsNote(workers));
      }
      lastMsgs = msgs;
      last = now;
    }
  }

  private static String errorsNote(List<LoadWorker> workers) {
    long e = sum(workers, 'e');
    long x = sum(workers, 'x');
    return e == 0 && x == 0 ? "" : "  errors " + e + "  mismatches " + x;
  }

  /** Sum of one counter over the workers: u(p), m(essages), b(ytes), e(rrors), x (mismatches). */
  private static long sum(List<LoadWorker> workers, char counter) {
    long s = 0;
    for (LoadWorker w : workers) {
      switch (counter) {
        case 'u': s += w.up.get(); break;
        case 'm': s += w.messages.get(); break;
        case 'b': s += w.bytes.get(); break;
        case 'e': s += w.errors.get(); break;
        case 'x': s += w.mismatches.get(); break;
        default: throw new AssertionError(counter);
      }
    }
    return s;
  }

  private static long seconds(double s) {
    return (long) (s * 1e9);
  }

  private static double us(long nanos) {
    return nanos / 1000.0;
  }
}
