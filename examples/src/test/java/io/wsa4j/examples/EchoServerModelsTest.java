package io.wsa4j.examples;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.wsa4j.WsaConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One suite for the three I/O models: each echo server, in-process on loopback, talked to with
 * plain JDK sockets so that a wsa4j bug cannot hide behind a matching bug on the client side.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoServerModelsTest {
  /** Rerun a failure with {@code -Dwsa4j.seed=<printed value>}. */
  private static final long SEED = Long.getLong("wsa4j.seed", System.nanoTime());
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int CONNECTIONS = 2_000;

  /** Each model, how to start it, and the prefix of its threads' names. */
  enum Model {
    IOCP("iocp-echo-") {
      @Override
      EchoServer start() throws IOException {
        return IocpEchoServer.start(new IocpEchoServer.Options().bind(LOOPBACK).workers(2),
            WsaConfig.defaults());
      }
    },
    EVENT("event-echo-") {
      @Override
      EchoServer start() throws IOException {
        return EventEchoServer.start(LOOPBACK, 0, 1, 16 * 1024, WsaConfig.defaults());
      }
    },
    ROUTINE("routine-echo-") {
      @Override
      EchoServer start() throws IOException {
        return RoutineEchoServer.start(LOOPBACK, 0, 16 * 1024, WsaConfig.defaults());
      }
    },
    SELECT("select-echo-") {
      @Override
      EchoServer start() throws IOException {
        return SelectEchoServer.start(LOOPBACK, 0, 16 * 1024, WsaConfig.defaults());
      }
    },
    EVENTSELECT("eventselect-echo-") {
      @Override
      EchoServer start() throws IOException {
        return EventSelectEchoServer.start(LOOPBACK, 0, 16 * 1024, WsaConfig.defaults());
      }
    };

    final String threadPrefix;

    Model(String threadPrefix) {
      this.threadPrefix = threadPrefix;
    }

    abstract EchoServer start() throws IOException;
  }

  @BeforeAll
  static void printSeed() {
    System.out.println("EchoServerModelsTest: -Dwsa4j.seed=" + SEED);
  }

  @ParameterizedTest(name = "{0}: 2,000 concurrent connections, random pieces, every byte echoed")
  @EnumSource(Model.class)
  void echoesEveryByteOfManyConcurrentConnections(Model model) throws Exception {
    EchoServer server = model.start();
    int port = server.localAddress().getPort();
    try {
      new EchoLoad(server.localAddress(), CONNECTIONS, 16 * 1024, 4 * 1024,
          SEED + model.ordinal()).run();
    } finally {
      server.close();
    }
    assertStopped(model, port);
  }

  @ParameterizedTest(name = "{0}: a peer that never reads stalls alone; others are served")
  @EnumSource(Model.class)
  void peerThatNeverReadsDoesNotStopOthers(Model model) throws Exception {
    EchoServer server = model.start();
    int port = server.localAddress().getPort();
    try (SocketChannel hog = SocketChannel.open(); Selector selector = Selector.open()) {
      hog.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
      hog.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
      hog.connect(server.localAddress());
      hog.configureBlocking(false);
      hog.register(selector, SelectionKey.OP_WRITE);
      long written = writeUntilStalled(selector, hog);
      System.out.println("EchoServerModelsTest: " + model + ": the non-reading peer stalled after "
          + written + " bytes");
      try (Socket other = new Socket(LOOPBACK, port)) {
        byte[] hello = "hello\n".getBytes(US_ASCII);
        other.getOutputStream().write(hello);
        InputStream in = other.getInputStream();
        assertEquals("hello\n", new String(in.readNBytes(hello.length), US_ASCII));
      }
    } finally {
      server.close(); // must not hang on the send pending towards the hog
    }
    assertStopped(model, port);
  }

  /**
   * Writes without reading until the connection stalls for 2 s. The server stops reading once its
   * echo cannot be sent, so the stall comes after the socket buffers on both sides fill, plus what
   * one connection of the server holds: {@link #stallBound} bytes at most. More shows the server
   * buffering without limit.
   */
  static long writeUntilStalled(Selector selector, SocketChannel hog) throws IOException {
    ByteBuffer junk = ByteBuffer.allocate(64 * 1024);
    long written = 0;
    long bound = stallBound(hog);
    while (selector.select(2_000) > 0) {
      selector.selectedKeys().clear();
      junk.clear();
      written += hog.write(junk);
      if (written > bound) {
        fail("the server kept reading from a peer that never reads: " + written + " bytes, "
            + "more than the " + bound + " the socket buffers and one connection can hold");
      }
    }
    return written;
  }

  /** Bytes one connection of any echo model may hold beyond the socket buffers. */
  static final long SERVER_HOLDS = 1L << 20;

  /**
   * What can be written before the stall: the hog's own buffers, the server socket's receive and
   * send buffers at their largest (on Linux the maxima of {@code tcp_rmem}/{@code tcp_wmem},
   * elsewhere 8 MiB each), and {@link #SERVER_HOLDS}.
   */
  static long stallBound(SocketChannel hog) throws IOException {
    long own = hog.getOption(StandardSocketOptions.SO_SNDBUF)
        + hog.getOption(StandardSocketOptions.SO_RCVBUF);
    return 2 * own + maxBuffer("tcp_rmem") + maxBuffer("tcp_wmem") + SERVER_HOLDS;
  }

  private static long maxBuffer(String sysctl) {
    try {
      // readAllLines, not readString: /proc files report size 0 and readString reads 1 byte
      String[] v = Files.readAllLines(Path.of("/proc/sys/net/ipv4", sysctl)).get(0).trim()
          .split("\\s+");
      return Long.parseLong(v[v.length - 1]);
    } catch (IOException | RuntimeException e) {
      return 8L << 20;
    }
  }

  /** The port refuses connections and the server's threads are gone. */
  static void assertStopped(Model model, int port) {
    assertThrows(ConnectException.class, () -> new Socket(LOOPBACK, port).close());
    String prefix = model.threadPrefix + port + "-";
    List<String> alive = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith(prefix) && t.isAlive()) {
        alive.add(t.getName());
      }
    }
    assertEquals(List.of(), alive, "server threads still running");
  }
}
