package io.wsa4j.benchmarks.servers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Starts one echo server of the comparison and runs it until the process is stopped.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.wsa4j.benchmarks.servers.EchoServers \
 *     --server nio2 --port 7007
 * </pre>
 *
 * <p>Prints {@code listening on PORT} once ready. Exit status 3 means "this server cannot run on
 * this JVM" (virtual threads on JDK 17), which {@code bench/compare} reports as skipped.
 */
@Command(name = "EchoServers", sortOptions = false, mixinStandardHelpOptions = true,
    description = "Runs one echo server: a baseline or a wsa4j model.")
public final class EchoServers implements Callable<Integer> {
  /** Listen backlog of the baseline servers (the kernel caps it at net.core.somaxconn). */
  static final int BACKLOG = 4096;
  /** Exit status for a server this JVM cannot run. */
  static final int UNAVAILABLE = 3;

  /** Every server name, in the order reports list them. */
  public static final List<String> NAMES = List.of("nio2", "netty-nio", "netty-epoll",
      "blocking", "virtual", "iocp", "event", "routine", "select", "eventselect");

  @Option(names = "--server", required = true, paramLabel = "NAME",
      description = "nio2 (raw AsynchronousSocketChannel), netty-nio, netty-epoll, blocking"
          + " (a platform thread per connection), virtual (a virtual thread per connection;"
          + " JDK 21+), iocp, event, routine, select, eventselect (the wsa4j example servers).")
  String name;

  @Option(names = "--port", defaultValue = "7007", description = "Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Default: ${DEFAULT-VALUE}.")
  InetAddress bind;

  @Option(names = "--threads", description = "I/O threads (event loops, channel-group threads,"
      + " iocp workers). Default: the processors this JVM may use.")
  Integer threads;

  @Option(names = "--buffer-size", defaultValue = "16384",
      description = "Per-connection buffer where the server has one. Default: ${DEFAULT-VALUE}.")
  int bufferSize;

  @Option(names = "--zero-byte", defaultValue = "true", negatable = true, fallbackValue = "true",
      description = "iocp: idle connections wait on a zero-byte receive (the example's default);"
          + " --no-zero-byte posts a full receive at once. Default: ${DEFAULT-VALUE}.")
  boolean zeroByte;

  @Option(names = "--nio2-group", paramLabel = "GROUPING",
      description = "nio2: how channels are grouped: groups (one single-thread group and listener"
          + " per I/O thread, SO_REUSEPORT), fixed, fixed1, pool (withThreadPool), cached,"
          + " default. Default: the fastest measured, pool.")
  String nio2Group;

  @Spec
  CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new EchoServers()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    if (!NAMES.contains(name)) {
      throw new ParameterException(spec.commandLine(), "--server must be one of " + NAMES
          + ", not " + name);
    }
    int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    if (n < 1 || bufferSize < 1) {
      throw new ParameterException(spec.commandLine(), "--threads and --buffer-size must be positive");
    }
    if (name.equals("virtual") && !BlockingEchoServer.virtualThreadsAvailable()) {
      System.err.println("virtual: skipped, JDK " + Runtime.version() + " has no virtual threads");
      return UNAVAILABLE;
    }

    // -- start --
    BaselineServer server;
    try {
      server = start(new InetSocketAddress(bind, port), n);
    } catch (IOException e) {
      System.err.println(name + ": " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "echo-servers-shutdown"));
    System.out.println(name + " listening on " + server.port() + " (" + n + " I/O threads, JDK "
        + Runtime.version() + ")");
    System.out.flush();

    // -- wait for SIGTERM / Ctrl-C --
    stopped.await();
    return 0;
  }

  private BaselineServer start(InetSocketAddress address, int n) throws IOException {
    switch (name) {
      case "nio2":
        return Nio2EchoServer.start(address, n, bufferSize, nio2Group == null
            ? Nio2EchoServer.Grouping.BEST : Nio2EchoServer.Grouping.parse(nio2Group));
      case "netty-nio":
        return NettyEchoServer.start(address, n, false);
      case "netty-epoll":
        return NettyEchoServer.start(address, n, true);
      case "blocking":
        return BlockingEchoServer.start(address, false, bufferSize);
      case "virtual":
        return BlockingEchoServer.start(address, true, bufferSize);
      default:
        return Wsa4jServers.start(name, address, n, bufferSize, zeroByte);
    }
  }

  /** Named daemon threads, numbered from 0. */
  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger next = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + next.getAndIncrement());
      t.setDaemon(true);
      return t;
    };
  }
}
