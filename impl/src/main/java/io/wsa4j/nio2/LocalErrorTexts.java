package io.wsa4j.nio2;

import static io.wsa4j.Winsock.WSAEADDRINUSE;
import static io.wsa4j.Winsock.WSAEADDRNOTAVAIL;
import static io.wsa4j.Winsock.WSAECONNABORTED;
import static io.wsa4j.Winsock.WSAECONNREFUSED;
import static io.wsa4j.Winsock.WSAECONNRESET;
import static io.wsa4j.Winsock.WSAENOTCONN;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The error texts of this machine's locale, learned by provoking each error once.
 *
 * <p>The JDK reports a failed socket call by the platform's message text and no number: on Linux
 * and macOS {@code strerror}, which the C library translates because the JDK calls
 * {@code setlocale}; on Windows {@code FormatMessage}, translated by the system language. A German
 * Linux says "Verbindungsaufbau abgelehnt" for a refused connect. {@link Errors} knows the English
 * texts; for any other language it asks here. When the JVM's default locale is not English, the
 * first {@code WSAStartup} of the process makes this class provoke, on the loopback address and
 * with the same NIO2 channels the library uses, the errors it can cause deterministically — a refused connect, an address in use, an address not available, a
 * write after a reset (the reset, then the broken pipe), a shutdown after it — and keep the text
 * each produced. It takes a few milliseconds, once per process, on the thread that calls
 * {@code WSAStartup} (never where a lookup happens: lookups run under the queues' locks, where no
 * NIO2 call may be made); a probe that fails or takes more than {@link #PROBE_MS} just teaches
 * nothing. Errors it cannot provoke (timeouts, unreachable
 * networks) stay unknown in other languages and are mapped by exception type.
 */
final class LocalErrorTexts {
  /** Bound on each probe's wait: they all complete at once on the loopback address. */
  static final long PROBE_MS = 2_000;
  /** A TEST-NET-1 address (RFC 5737): never a local address, so binding it fails. */
  private static final String NON_LOCAL = "192.0.2.1";

  private final Map<String, Integer> texts;

  LocalErrorTexts(Map<String, Integer> texts) {
    Map<String, Integer> lower = new LinkedHashMap<>();
    texts.forEach((text, code) -> lower.putIfAbsent(normalize(text), code));
    this.texts = lower;
  }

  /** The Winsock code of a text seen by a probe that {@code message} contains, or 0. */
  int codeOf(String message) {
    String m = normalize(message);
    for (Map.Entry<String, Integer> e : texts.entrySet()) {
      if (!e.getKey().isEmpty() && m.contains(e.getKey())) {
        return e.getValue();
      }
    }
    return 0;
  }

  /** The learned texts, for diagnostics and tests. */
  Map<String, Integer> texts() {
    return texts;
  }

  /** The texts of this process, once learned; null in an English locale (nothing to learn). */
  private static volatile LocalErrorTexts learned;

  /** Lookup in this process's learned texts: 0 when none were learned. Never blocks. */
  static int lookup(String message) {
    LocalErrorTexts t = learned;
    return t == null ? 0 : t.codeOf(message);
  }

  /** Learns this process's texts unless the default locale is English or they are known. */
  static void learnIfLocalized() {
    if (learned == null && !Locale.getDefault().getLanguage().equals("en")) {
      learn();
    }
  }

  private static synchronized void learn() {
    if (learned == null) {
      learned = new LocalErrorTexts(probe());
    }
  }

  private static String normalize(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
  }

  /** Provokes each error and returns its text → its Winsock code, in probe order. */
  static Map<String, Integer> probe() {
    Map<String, Integer> seen = new LinkedHashMap<>();
    AsynchronousChannelGroup group;
    try {
      group = AsynchronousChannelGroup.withFixedThreadPool(1, r -> {
        Thread t = new Thread(r, "wsa4j-error-texts");
        t.setDaemon(true);
        return t;
      });
    } catch (IOException | RuntimeException e) {
      return seen;
    }
    try {
      InetAddress loopback = InetAddress.getLoopbackAddress();
      probeRefused(group, loopback, seen);
      probeInUse(group, loopback, seen);
      probeNotAvailable(group, seen);
      probeReset(group, loopback, seen);
    } finally {
      try {
        group.shutdownNow();
      } catch (IOException e) {
        // its one thread is a daemon and idle: nothing left to release
      }
    }
    return seen;
  }

  private static void probeRefused(AsynchronousChannelGroup group, InetAddress loopback,
      Map<String, Integer> seen) {
    try (AsynchronousSocketChannel c = AsynchronousSocketChannel.open(group)) {
      SocketAddress closed;
      try (ServerSocket ss = new ServerSocket(0, 1, loopback)) {
        closed = ss.getLocalSocketAddress();
      }
      c.connect(closed).get(PROBE_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      learn(seen, e.getCause(), WSAECONNREFUSED);
    } catch (IOException | InterruptedException | TimeoutException | RuntimeException e) {
      restoreInterrupt(e);
    }
  }

  private static void probeInUse(AsynchronousChannelGroup group, InetAddress loopback,
      Map<String, Integer> seen) {
    try (AsynchronousServerSocketChannel first = AsynchronousServerSocketChannel.open(group);
        AsynchronousServerSocketChannel second = AsynchronousServerSocketChannel.open(group)) {
      first.bind(new InetSocketAddress(loopback, 0), 1);
      try {
        second.bind(first.getLocalAddress(), 1);
      } catch (IOException e) {
        learn(seen, e, WSAEADDRINUSE);
      }
    } catch (IOException | RuntimeException e) {
      // no text learned
    }
  }

  private static void probeNotAvailable(AsynchronousChannelGroup group,
      Map<String, Integer> seen) {
    try (AsynchronousSocketChannel c = AsynchronousSocketChannel.open(group)) {
      try {
        c.bind(new InetSocketAddress(InetAddress.getByName(NON_LOCAL), 0));
      } catch (IOException e) {
        learn(seen, e, WSAEADDRNOTAVAIL);
      }
    } catch (IOException | RuntimeException e) {
      // no text learned
    }
  }

  /**
   * A write after the peer reset the connection fails first with the reset, then with a broken
   * pipe; a shutdown then finds the socket not connected.
   */
  private static void probeReset(AsynchronousChannelGroup group, InetAddress loopback,
      Map<String, Integer> seen) {
    try (ServerSocket ss = new ServerSocket(0, 1, loopback);
        AsynchronousSocketChannel c = AsynchronousSocketChannel.open(group)) {
      ss.setSoTimeout((int) PROBE_MS);
      c.connect(ss.getLocalSocketAddress()).get(PROBE_MS, TimeUnit.MILLISECONDS);
      try (Socket peer = ss.accept()) {
        peer.setSoLinger(true, 0);
      }
      int[] codes = {WSAECONNRESET, WSAECONNABORTED};
      int failures = 0;
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PROBE_MS);
      while (failures < codes.length && System.nanoTime() < deadline) {
        try {
          c.write(ByteBuffer.allocate(1)).get(PROBE_MS, TimeUnit.MILLISECONDS);
          Thread.sleep(1); // the reset has not arrived yet
        } catch (ExecutionException e) {
          learn(seen, e.getCause(), codes[failures++]);
        }
      }
      try {
        c.shutdownOutput();
      } catch (IOException e) {
        learn(seen, e, WSAENOTCONN);
      }
    } catch (IOException | InterruptedException | ExecutionException | TimeoutException
        | RuntimeException e) {
      restoreInterrupt(e);
    }
  }

  /** Keeps the text of {@code t} for {@code code}, unless it has none or another code has it. */
  private static void learn(Map<String, Integer> seen, Throwable t, int code) {
    if (t instanceof IOException && t.getMessage() != null && !t.getMessage().isBlank()) {
      seen.putIfAbsent(t.getMessage(), code);
    }
  }

  private static void restoreInterrupt(Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
  }
}
