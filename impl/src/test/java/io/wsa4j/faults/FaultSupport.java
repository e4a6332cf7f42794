package io.wsa4j.faults;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.SOCK_STREAM;
import static io.wsa4j.Winsock.SOL_SOCKET;
import static io.wsa4j.Winsock.SO_SNDBUF;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static io.wsa4j.Winsock.WSA_IO_PENDING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaError;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;

/**
 * What the fault tests share: a context per test, library sockets connected to JDK peers on the
 * loopback address (port 0), tokens that count their completions, bounded waits. Everything opened
 * through it is closed after each test, whatever happened.
 */
abstract class FaultSupport {
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  /** The generous bound on anything that should happen "promptly". */
  static final long WAIT_MS = 10_000;
  /** Socket buffers small enough that a large send stays pending while the peer does not read. */
  static final int SMALL_BUFFER = 16 * 1024;

  private final List<AutoCloseable> opened = new ArrayList<>();
  private final List<Wsa> contexts = new ArrayList<>();

  /** A fresh context, cleaned up after the test. */
  Wsa startup(WsaConfig config) {
    Wsa wsa = Wsa.startup(config);
    contexts.add(wsa);
    return wsa;
  }

  Wsa startup() {
    return startup(WsaConfig.builder().ioThreads(2).build());
  }

  <T extends AutoCloseable> T track(T c) {
    opened.add(c);
    return c;
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
    for (Wsa wsa : contexts) {
      wsa.cleanup(); // a second cleanup just fails with WSANOTINITIALISED
    }
  }

  /** A library socket and the JDK socket at the other end. */
  record Conn(WsaSocket s, Socket peer) {}

  /** An overlapped library socket connected to a JDK peer. */
  Conn connect(Wsa wsa, boolean smallBuffers) throws IOException {
    try (ServerSocket ss = new ServerSocket()) {
      if (smallBuffers) {
        ss.setReceiveBufferSize(SMALL_BUFFER);
      }
      ss.bind(new InetSocketAddress(LOOPBACK, 0), 200);
      WsaSocket s = newSocket(wsa);
      if (smallBuffers) {
        assertEquals(0, wsa.setsockopt(s, SOL_SOCKET, SO_SNDBUF, SMALL_BUFFER), lastError("SO_SNDBUF"));
      }
      assertEquals(0, wsa.connect(s, ss.getLocalSocketAddress()), lastError("connect"));
      Socket peer = track(ss.accept());
      peer.setTcpNoDelay(true);
      peer.setSoTimeout((int) WAIT_MS);
      return new Conn(s, peer);
    }
  }

  static WsaSocket newSocket(Wsa wsa) {
    WsaSocket s = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    assertNotEquals(WsaSocket.INVALID_SOCKET, s, lastError("socket"));
    return s;
  }

  /** A listening library socket on 127.0.0.1, port 0. */
  static WsaSocket listen(Wsa wsa, SocketAddress[] addressOut) {
    WsaSocket l = newSocket(wsa);
    assertEquals(0, wsa.bind(l, new InetSocketAddress(LOOPBACK, 0)), lastError("bind"));
    assertEquals(0, wsa.listen(l, 50), lastError("listen"));
    assertEquals(0, wsa.getsockname(l, addressOut), lastError("getsockname"));
    return l;
  }

  static Supplier<String> lastError(String call) {
    int code = Wsa.getLastError();
    return () -> call + ": last error " + WsaError.name(code);
  }

  static String name(int code) {
    return WsaError.name(code) + " (" + code + ")";
  }

  // -- tokens --

  /** A token that counts how often it was announced through a routine or a port packet. */
  static class CountingToken extends WsaOverlapped {
    final AtomicInteger routineCalls = new AtomicInteger();
    final AtomicInteger packets = new AtomicInteger();
    volatile int routineError = -1;
    volatile int routineBytes = -1;
    volatile int packetError = -1;
    volatile int packetBytes = -1;

    CountingToken() {}

    CountingToken(io.wsa4j.WsaEvent e) {
      super(e);
    }

    int indications() {
      return routineCalls.get() + packets.get();
    }
  }

  /** The routine every test uses: records the call on its token. */
  static final WsaCompletionRoutine COUNTING_ROUTINE = (error, bytes, ov, flags) -> {
    CountingToken t = (CountingToken) ov;
    t.routineError = error;
    t.routineBytes = bytes;
    t.routineCalls.incrementAndGet();
  };

  /** Posts an overlapped send or receive that must start (pending or done at once). */
  static void mustStart(int rc, String call) {
    if (rc != 0) {
      assertEquals(WSA_IO_PENDING, Wsa.getLastError(), lastError(call));
    }
  }

  static int sendOv(Wsa wsa, WsaSocket s, WsaBuf b, WsaOverlapped ov, WsaCompletionRoutine r) {
    return wsa.send(s, new WsaBuf[] {b}, 1, null, 0, ov, r);
  }

  static int recvOv(Wsa wsa, WsaSocket s, WsaBuf b, WsaOverlapped ov, WsaCompletionRoutine r) {
    return wsa.recv(s, new WsaBuf[] {b}, 1, null, new int[1], ov, r);
  }

  // -- waiting --

  /** Polls {@code condition} (for things with no event to wait on) until it holds or the bound. */
  static void awaitCondition(BooleanSupplier condition, Supplier<String> what) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail(what.get() + " after " + WAIT_MS + " ms");
      }
      sleepQuietly(1);
    }
  }

  /** Waits until {@code t} is parked (WAITING or TIMED_WAITING), i.e. blocked in the call. */
  static void awaitBlocked(Thread t) {
    awaitCondition(() -> t.getState() == Thread.State.WAITING
        || t.getState() == Thread.State.TIMED_WAITING, () -> t.getName() + " never blocked ("
        + t.getState() + ")");
  }

  static void join(Thread t) throws InterruptedException {
    t.join(WAIT_MS);
    if (t.isAlive()) {
      StringBuilder stack = new StringBuilder();
      for (StackTraceElement e : t.getStackTrace()) {
        stack.append("\n  at ").append(e);
      }
      fail(t.getName() + " still running after " + WAIT_MS + " ms" + stack);
    }
  }

  static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Reads exactly {@code n} bytes from the peer. */
  static byte[] readN(Socket peer, int n) throws IOException {
    InputStream in = peer.getInputStream();
    byte[] b = in.readNBytes(n);
    assertEquals(n, b.length, "bytes the peer read before EOF");
    return b;
  }

  static byte[] pattern(int n, int salt) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + salt + (i >>> 8));
    }
    return b;
  }

  static WsaBuf bufOf(byte[] data, boolean direct) {
    WsaBuf b = direct ? WsaBuf.allocateDirect(data.length) : WsaBuf.allocate(data.length);
    b.buf().put(0, data);
    return b;
  }

  static byte[] bytesOf(WsaBuf b, int n) {
    byte[] out = new byte[n];
    b.buf().get(b.buf().position(), out);
    return out;
  }

  /** A daemon thread with a name, for anything that blocks. */
  static Thread daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
