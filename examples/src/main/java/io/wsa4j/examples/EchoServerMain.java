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

  /** The I/O models, one server class each. */
  enum Model { iocp, event, routine, select, eventselect }

  @Option(names = "--model", defaultValue = "iocp", paramLabel = "MODEL",
      description = "I/O model: iocp (a completion port with worker threads and AcceptEx),"
          + " event (overlapped I/O with event objects, 63 connections per worker thread),"
          + " routine (completion routines on one alertable thread),"
          + " select (non-blocking sockets, select over 64 per worker thread),"
          + " eventselect (WSAEventSelect, 63 connections per worker thread)."
          + " Default: ${DEFAULT-VALUE}.")
  Model model;

  @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Local address to listen on. Default: ${DEFAULT-VALUE}.")
  InetAddress bind;

  @Option(names = "--port", defaultValue = "7007", paramLabel = "PORT",
      description = "Port to listen on; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--workers", paramLabel = "N",
      description = "Worker threads. iocp: threads in the GetQueuedCompletionStatus loop"
          + " (default: one per processor); event: threads to start with, one more per 63"
          + " connections beyond (default 1); routine: ignored (one alertable thread);"
          + " select, eventselect: ignored (one worker, one more per 64 or 63 connections).")
  Integer workers;

  @Option(names = "--max-connections", defaultValue = "10000", paramLabel = "N",
      description = "iocp: connections served at once; more are accepted and closed at once,"
          + " without disturbing the others. Default: ${DEFAULT-VALUE}.")
  int maxConnections;

  @Option(names = "--idle-timeout", defaultValue = "0", paramLabel = "SECONDS",
      description = "iocp: close connections idle this long; 0 never does."
          + " Default: ${DEFAULT-VALUE}.")
  long idleTimeoutSeconds;

  @Option(names = "--silent-timeout", defaultValue = "30", paramLabel = "SECONDS",
      description = "iocp: close connections that connected but sent nothing for this long, by"
          + " their SO_CONNECT_TIME; 0 never does. Default: ${DEFAULT-VALUE}.")
  int silentTimeoutSeconds;

  @Option(names = "--socket-pool", defaultValue = "64", paramLabel = "N",
      description = "iocp: sockets of closed connections kept, recycled by"
          + " DisconnectEx(TF_REUSE_SOCKET), for the next AcceptEx; 0 closes them."
          + " Default: ${DEFAULT-VALUE}.")
  int socketPool;

  @Option(names = "--zero-byte", defaultValue = "true", negatable = true, fallbackValue = "true",
      description = "iocp: idle connections wait on a zero-byte receive and hold no buffer"
          + " (--no-zero-byte: always a full receive). Default: ${DEFAULT-VALUE}.")
  boolean zeroByte;

  @Option(names = "--udp",
      description = "Also serve UDP on the same port: a completion-port UDP echo server with"
          + " " + UdpEchoServer.POSTED + " posted WSARecvFrom (each datagram is sent back to its"
          + " sender).")
  boolean udp;

  @Option(names = "--stats", description = "Print a one-line summary of Wsa.stats() every 10 s.")
  boolean stats;

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
    if (workers != null && workers < 1) {
      throw new ParameterException(spec.commandLine(),
          "--workers must be at least 1, not " + workers);
    }
    if (maxConnections < 1 || idleTimeoutSeconds < 0) {
      throw new ParameterException(spec.commandLine(),
          "--max-connections must be at least 1 and --idle-timeout not negative");
    }
    if (silentTimeoutSeconds < 0 || socketPool < 0) {
      throw new ParameterException(spec.commandLine(),
          "--silent-timeout and --socket-pool must not be negative");
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
    EchoServer datagrams = null;
    if (udp) {
      try {
        datagrams = UdpEchoServer.start(bind, server.port(),
            workers != null ? workers : Runtime.getRuntime().availableProcessors(),
            WsaConfig.defaults());
      } catch (IOException e) {
        server.close();
        err.println("echo-server: UDP: " + e.getMessage());
        err.flush();
        return 1;
      }
    }
    EchoServer udpServer = datagrams;
    String name = server.getClass().getSimpleName();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      if (udpServer != null) {
        udpServer.close();
      }
      System.out.println(name + " stopped");
    }, "echo-server-shutdown"));
    System.out.println(name + " listening on " + format(server.localAddress()) + " (" + model
        + " model)" + (udp ? ", and UDP on the same port" : "") + "; Ctrl-C to stop");
    if (stats) {
      startStatsPrinter(server);
    }

    // -- wait, then shut down (Ctrl-C closes the server from the hook, which ends the wait) --
    try {
      server.awaitTermination();
    } finally {
      server.close();
      if (udpServer != null) {
        udpServer.close();
      }
    }
    return 0;
  }

  /** One case per model. */
  private EchoServer start() throws IOException {
    switch (model) {
      case iocp:
        IocpEchoServer.Options o = new IocpEchoServer.Options().bind(bind).port(port)
            .bufferSize(bufferSize).maxConnections(maxConnections)
            .idleTimeoutMillis(idleTimeoutSeconds * 1000).zeroByteReceives(zeroByte)
            .silentTimeoutSeconds(silentTimeoutSeconds).socketPool(socketPool);
        if (workers != null) {
          o.workers(workers);
        }
        return IocpEchoServer.start(o, WsaConfig.defaults());
      case event:
        return EventEchoServer.start(bind, port, workers != null ? workers : 1, bufferSize,
            WsaConfig.defaults());
      case routine:
        return RoutineEchoServer.start(bind, port, bufferSize, WsaConfig.defaults());
      case select:
        return SelectEchoServer.start(bind, port, bufferSize, WsaConfig.defaults());
      case eventselect:
        return EventSelectEchoServer.start(bind, port, bufferSize, WsaConfig.defaults());
      default:
        throw new AssertionError(model);
    }
  }

  /** Every 10 s, one line of the server's context statistics. */
  private static void startStatsPrinter(EchoServer server) {
    Thread t = new Thread(() -> {
      try {
        while (true) {
          Thread.sleep(10_000);
          System.out.println("stats: " + server.stats());
        }
      } catch (InterruptedException e) {
        // the JVM is exiting
      }
    }, "echo-server-stats");
    t.setDaemon(true);
    t.start();
  }

  private static String format(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
