package io.wsa4j.examples;

import io.wsa4j.WsaConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Runs an echo server in the foreground until Ctrl-C.
 *
 * <pre>
 * java -jar examples/target/echo-server.jar --port 7007
 * </pre>
 */
@Command(name = "echo-server", sortOptions = false,
    description = "Echoes back whatever each client sends, using wsa4j's overlapped I/O.")
public final class EchoServerMain implements Callable<Integer> {

  @Option(names = "--model", defaultValue = "event", paramLabel = "MODEL",
      description = "I/O model: event (overlapped I/O with event objects)."
          + " Default: ${DEFAULT-VALUE}.")
  String model;

  @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Local address to listen on. Default: ${DEFAULT-VALUE}.")
  InetAddress bind;

  @Option(names = "--port", defaultValue = "7007", paramLabel = "PORT",
      description = "Port to listen on; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--workers", defaultValue = "1", paramLabel = "N",
      description = "Worker threads to start with; one more starts per 63 connections beyond."
          + " Default: ${DEFAULT-VALUE}.")
  int workers;

  @Option(names = "--buffer-size", defaultValue = "" + EventEchoServer.DEFAULT_BUFFER_SIZE,
      paramLabel = "BYTES",
      description = "Receive buffer per connection. Default: ${DEFAULT-VALUE}.")
  int bufferSize;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Spec
  CommandSpec spec;

  public static void main(String[] args) {
    // One line per log record (the JDK default spends two).
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s %3$s: %5$s%n");
    }
    System.exit(new CommandLine(new EchoServerMain()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    // -- configure --
    if (port < 0 || port > 0xFFFF) {
      throw new ParameterException(spec.commandLine(), "--port must be 0..65535, not " + port);
    }
    if (workers < 1) {
      throw new ParameterException(spec.commandLine(),
          "--workers must be at least 1, not " + workers);
    }
    if (bufferSize < 1) {
      throw new ParameterException(spec.commandLine(),
          "--buffer-size must be at least 1, not " + bufferSize);
    }
    PrintWriter err = spec.commandLine().getErr();

    // -- start --
    EchoServer server;
    try {
      server = start();
    } catch (IOException | IllegalStateException e) {
      // IllegalStateException: no wsa4j provider on the class path.
      err.println("echo-server: " + e.getMessage());
      err.flush();
      return 1;
    }
    String name = server.getClass().getSimpleName();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      System.out.println(name + " stopped");
    }, "echo-server-shutdown"));
    System.out.println(name + " listening on " + format(server.localAddress()) + " (" + model
        + " model); Ctrl-C to stop");

    // -- wait, then shut down (Ctrl-C closes the server from the hook, which ends the wait) --
    try {
      server.awaitTermination();
    } finally {
      server.close();
    }
    return 0;
  }

  /** One case per model; {@code iocp} and {@code routine} are to come. */
  private EchoServer start() throws IOException {
    switch (model) {
      case "event":
        return EventEchoServer.start(bind, port, workers, bufferSize, WsaConfig.defaults());
      default:
        throw new ParameterException(spec.commandLine(),
            "unknown --model '" + model + "': this build has only 'event'");
    }
  }

  private static String format(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
