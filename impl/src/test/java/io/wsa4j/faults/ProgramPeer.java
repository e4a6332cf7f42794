package io.wsa4j.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.LinkedBlockingQueue;

/** The JDK peer of a {@link ProgramRunner} run: a gated reader and an ordered writer. */
final class ProgramPeer {
  private ProgramPeer() {}

  /** Reads what the library sends, gated by credit so that sends can be made to wait. */
  static final class Reader extends Thread {
    private final InputStream in;
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
    private long credit;
    private boolean unlimited;
    private volatile boolean eof;

    Reader(InputStream in) {
      super("program-peer-reader");
      setDaemon(true);
      this.in = in;
    }

    synchronized void grant(long n) {
      credit += n;
      notifyAll();
    }

    synchronized void unlimited(boolean on) {
      unlimited = on;
      notifyAll();
    }

    synchronized byte[] seen() {
      return seen.toByteArray();
    }

    boolean reachedEof() {
      return eof;
    }

    @Override
    public void run() {
      byte[] buf = new byte[64 * 1024];
      try {
        for (;;) {
          int max;
          synchronized (this) {
            while (credit == 0 && !unlimited) {
              wait();
            }
            max = unlimited ? buf.length : (int) Math.min(credit, buf.length);
          }
          int n = in.read(buf, 0, max);
          if (n < 0) {
            eof = true;
            return;
          }
          synchronized (this) {
            seen.write(buf, 0, n);
            credit = Math.max(0, credit - n);
          }
        }
      } catch (IOException | InterruptedException e) {
        // a reset, or the peer socket closed at the end: what was seen stays, EOF was not
      }
    }
  }

  /** Writes the peer's bytes in order on its own thread, so that a full window never blocks. */
  static final class Writer extends Thread {
    private static final byte[] SHUTDOWN = new byte[0];
    private static final byte[] STOP = new byte[0];
    private final Socket socket;
    private final OutputStream out;
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    /** A write or the shutdown failed: the peer was reset (or reset itself). */
    volatile boolean failed;
    /** The peer's FIN went out (shutdownOutput returned), after every byte queued before it. */
    volatile boolean finSent;
    private boolean stopped;

    Writer(Socket socket) throws IOException {
      super("program-peer-writer");
      setDaemon(true);
      this.socket = socket;
      this.out = socket.getOutputStream();
    }

    void write(byte[] b) {
      queue.add(b);
    }

    void shutdownOutput() {
      queue.add(SHUTDOWN);
    }

    void stopAndJoin() throws InterruptedException {
      if (stopped) {
        return;
      }
      stopped = true;
      queue.add(STOP);
      join(ProgramRunner.OP_WAIT_MS);
      ProgramRunner.check(!isAlive(), "the peer's writer did not end");
    }

    @Override
    public void run() {
      try {
        for (;;) {
          byte[] b = queue.take();
          if (b == STOP) {
            return;
          } else if (b == SHUTDOWN) {
            socket.shutdownOutput(); // after every byte queued before it
            finSent = true;
          } else {
            out.write(b);
          }
        }
      } catch (IOException | InterruptedException | RuntimeException e) {
        // the peer was reset or closed: later bytes are simply not sent
        failed = true;
        drainUntilStop();
      }
    }

    private void drainUntilStop() {
      try {
        while (queue.take() != STOP) {
          // discard
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
