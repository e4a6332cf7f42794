package io.wsa4j.benchmarks.soak;

import static io.wsa4j.Winsock.*;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The soak's client behaviours. Each runs on its own thread until the deadline, one connection
 * after another, and checks every byte that comes back against what it sent.
 */
final class SoakClients {
  private static final int IO_TIMEOUT_MS = 30_000;

  private SoakClients() {}

  /** A client loop: the deadline, the server, the counters, its own random stream. */
  abstract static class Client implements Runnable {
    final InetSocketAddress server;
    final SoakCounters counters;
    final long deadlineNanos;
    final SplittableRandom random;
    final String name;

    Client(String name, InetSocketAddress server, SoakCounters counters, long deadlineNanos,
        long seed) {
      this.name = name;
      this.server = server;
      this.counters = counters;
      this.deadlineNanos = deadlineNanos;
      this.random = new SplittableRandom(seed);
    }

    boolean timeLeft() {
      return System.nanoTime() < deadlineNanos;
    }

    byte[] randomBytes(int n) {
      byte[] b = new byte[n];
      for (int i = 0; i < n; i++) {
        b[i] = (byte) random.nextInt();
      }
      return b;
    }

    Socket open() throws IOException {
      Socket s = new Socket();
      s.connect(server, IO_TIMEOUT_MS);
      s.setSoTimeout(IO_TIMEOUT_MS);
      s.setTcpNoDelay(true);
      counters.connections.increment();
      return s;
    }

    /** Compares an echo with what was sent; counts the bytes verified or lost. */
    void verify(byte[] sent, byte[] got) {
      if (Arrays.equals(sent, got)) {
        counters.bytesVerified.add(sent.length);
      } else {
        int mismatch = Arrays.mismatch(sent, got);
        counters.bytesLost.addAndGet(sent.length - Math.max(0, mismatch));
        System.err.println(name + ": echo differs from byte " + mismatch + " of " + sent.length
            + " (got " + got.length + ")");
      }
    }

    @Override
    public final void run() {
      while (timeLeft()) {
        try {
          once();
        } catch (IOException e) {
          counters.error(name + " " + e.getClass().getSimpleName(), -1);
        } catch (RuntimeException e) {
          counters.error(name + " " + e.getClass().getSimpleName(), -1);
          e.printStackTrace();
        }
      }
    }

    abstract void once() throws IOException;
  }

  /** Writes 1 byte to 64 KiB at a time and reads each echo back whole: every byte checked. */
  static final class WellBehaved extends Client {
    WellBehaved(int i, InetSocketAddress server, SoakCounters c, long deadline, long seed) {
      super("well-behaved-" + i, server, c, deadline, seed);
    }

    @Override
    void once() throws IOException {
      try (Socket s = open()) {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        int rounds = 1 + random.nextInt(50);
        for (int r = 0; r < rounds && timeLeft(); r++) {
          byte[] sent = randomBytes(1 + random.nextInt(random.nextBoolean() ? 64 : 64 * 1024));
          out.write(sent);
          verify(sent, in.readNBytes(sent.length));
        }
        s.shutdownOutput();
        if (in.read() != -1) {
          counters.error(name + " data after the echo", -1);
        }
      }
    }
  }

  /** Writes, reads part of the echo, then resets the connection (linger 0) mid-stream. */
  static final class Resetter extends Client {
    Resetter(int i, InetSocketAddress server, SoakCounters c, long deadline, long seed) {
      super("resetter-" + i, server, c, deadline, seed);
    }

    @Override
    void once() throws IOException {
      Socket s = open();
      try {
        byte[] sent = randomBytes(1 + random.nextInt(256 * 1024));
        s.getOutputStream().write(sent);
        int read = random.nextInt(sent.length + 1) / 2;
        byte[] got = s.getInputStream().readNBytes(read);
        verify(Arrays.copyOf(sent, read), got);
        s.setSoLinger(true, 0);
      } finally {
        s.close();
      }
    }
  }

  /** Sends 128 KiB, then reads the echo back slowly, in 512-byte reads with pauses. */
  static final class SlowReader extends Client {
    SlowReader(int i, InetSocketAddress server, SoakCounters c, long deadline, long seed) {
      super("slow-reader-" + i, server, c, deadline, seed);
    }

    @Override
    void once() throws IOException {
      try (Socket s = open()) {
        byte[] sent = randomBytes(128 * 1024);
        s.getOutputStream().write(sent);
        InputStream in = s.getInputStream();
        byte[] got = new byte[sent.length];
        int off = 0;
        int reads = 0;
        while (off < got.length) {
          int n = in.read(got, off, Math.min(512, got.length - off));
          if (n < 0) {
            break;
          }
          off += n;
          if (++reads % 16 == 0) {
            pause(2);
          }
        }
        verify(sent, Arrays.copyOf(got, off));
      }
    }
  }

  /** Connects and closes at once; sometimes sends a few bytes and half-closes, reading to EOF. */
  static final class Churn extends Client {
    Churn(int i, InetSocketAddress server, SoakCounters c, long deadline, long seed) {
      super("churn-" + i, server, c, deadline, seed);
    }

    @Override
    void once() throws IOException {
      try (Socket s = open()) {
        if (random.nextInt(4) == 0) {
          byte[] sent = randomBytes(1 + random.nextInt(100));
          s.getOutputStream().write(sent);
          s.shutdownOutput();
          byte[] got = s.getInputStream().readAllBytes();
          verify(sent, got);
        }
      }
    }
  }

  /**
   * A wsa4j client with completion routines: sends a chunk, receives it back with receives of
   * random sizes, and cancels many of them with {@code cancelIoEx} before or while data arrives.
   * A cancelled receive gets nothing; its bytes must come with the next one (none lost). Every
   * token counts its routine calls.
   */
  static final class Canceller extends Client {
    private final Wsa wsa;

    /** A token that records its routine calls. */
    static final class Token extends WsaOverlapped {
      int calls;
      int error;
      int bytes;
    }

    private final WsaCompletionRoutine routine = (error, bytes, ov, flags) -> {
      Token t = (Token) ov;
      if (t.calls++ != 0) {
        counters.twice.incrementAndGet();
      }
      t.error = error;
      t.bytes = bytes;
      counters.clientCompleted.incrementAndGet();
    };

    Canceller(int i, Wsa wsa, InetSocketAddress server, SoakCounters c, long deadline,
        long seed) {
      super("canceller-" + i, server, c, deadline, seed);
      this.wsa = wsa;
    }

    private WsaBuf buffer(int n) {
      return random.nextBoolean() ? WsaBuf.allocate(n) : WsaBuf.allocateDirect(n);
    }

    /** Runs routines until {@code t} has completed; false (counted as never) after the timeout. */
    private boolean await(Token t) {
      long deadline = System.nanoTime() + IO_TIMEOUT_MS * 1_000_000L;
      while (t.calls == 0) {
        if (System.nanoTime() > deadline) {
          counters.never.incrementAndGet();
          System.err.println(name + ": an operation did not complete in " + IO_TIMEOUT_MS + " ms");
          return false;
        }
        wsa.sleepEx(1000, true);
      }
      return true;
    }

    private boolean post(boolean send, WsaSocket s, WsaBuf b, Token t) {
      WsaBuf[] one = {b};
      int rc = send
          ? wsa.send(s, one, 1, null, 0, t, routine)
          : wsa.recv(s, one, 1, null, new int[1], t, routine);
      if (rc != 0 && Wsa.getLastError() != WSA_IO_PENDING) {
        counters.error(name + (send ? " send" : " recv") + " failed at once", Wsa.getLastError());
        return false;
      }
      counters.clientPosted.incrementAndGet();
      return true;
    }

    @Override
    void once() throws IOException {
      WsaSocket s = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
      if (s == WsaSocket.INVALID_SOCKET) {
        counters.error(name + " socket", Wsa.getLastError());
        return;
      }
      try {
        if (wsa.connect(s, server) != 0) {
          counters.error(name + " connect", Wsa.getLastError());
          return;
        }
        counters.connections.increment();
        int rounds = 1 + random.nextInt(20);
        for (int r = 0; r < rounds && timeLeft(); r++) {
          if (!round(s)) {
            return;
          }
        }
      } finally {
        wsa.closesocket(s);
      }
    }

    /** One chunk out and back; false if the connection cannot go on. */
    private boolean round(WsaSocket s) {
      byte[] sent = randomBytes(1 + random.nextInt(32 * 1024));
      WsaBuf out = buffer(sent.length);
      out.buf().put(0, sent);
      Token sendToken = new Token();
      if (!post(true, s, out, sendToken)) {
        return false;
      }
      byte[] got = new byte[sent.length];
      int received = 0;
      while (received < sent.length) {
        WsaBuf in = buffer(1 + random.nextInt(16 * 1024));
        Token t = new Token();
        if (!post(false, s, in, t)) {
          return false;
        }
        int how = random.nextInt(10);
        if (how < 3) {
          wsa.cancelIoEx(s, t); // before any data may have arrived
        } else if (how < 5) {
          wsa.sleepEx(random.nextInt(2), true); // may run this receive's routine already
          wsa.cancelIoEx(s, t); // false with ERROR_NOT_FOUND once it completed
        }
        if (!await(t)) {
          return false;
        }
        if (t.error == WSA_OPERATION_ABORTED) {
          counters.cancelsThatHit.increment();
          continue;
        }
        if (t.error != 0 || t.bytes == 0) {
          counters.error(name + " recv", t.error);
          counters.bytesLost.addAndGet(sent.length - received);
          return false;
        }
        int n = Math.min(t.bytes, sent.length - received);
        ByteBuffer view = in.buf().duplicate();
        view.get(got, received, n);
        received += t.bytes;
        if (t.bytes > n) {
          counters.bytesLost.addAndGet(t.bytes - n); // more than was sent: bytes of another echo
        }
      }
      verify(sent, got);
      if (!await(sendToken)) {
        return false;
      }
      if (sendToken.error != 0) {
        counters.error(name + " send", sendToken.error);
        return false;
      }
      return true;
    }
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
