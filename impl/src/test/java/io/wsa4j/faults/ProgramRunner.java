package io.wsa4j.faults;

import static io.wsa4j.Winsock.SD_SEND;
import static io.wsa4j.Winsock.SOL_SOCKET;
import static io.wsa4j.Winsock.SO_SNDBUF;
import static io.wsa4j.Winsock.STATUS_PENDING;
import static io.wsa4j.Winsock.WAIT_TIMEOUT;
import static io.wsa4j.Winsock.WSAECONNABORTED;
import static io.wsa4j.Winsock.WSAECONNRESET;
import static io.wsa4j.Winsock.WSAENOTSOCK;
import static io.wsa4j.Winsock.WSA_IO_PENDING;
import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaError;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import io.wsa4j.WsaStats;
import io.wsa4j.testkit.WsaFixture.CountingToken;
import io.wsa4j.faults.Program.Buf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Runs a {@link Program} against the real library with a JDK peer, keeping a reference model of
 * what must hold, and checks the invariants at the end. A violation is an {@link AssertionError}
 * whose message says which invariant broke.
 *
 * <p>Invariants: every started operation completed exactly once (one routine call / one packet /
 * its event signaled) with a code the contract allows given what happened around it; a refused
 * post was never announced; the bytes the peer read are the sends in posting order, each whole if
 * it succeeded, an aborted one contributing at most a prefix (and at most one per cancel, close or
 * reset); the bytes successful receives got, concatenated in posting order, are a prefix of what
 * the peer wrote, and EOF comes only after all of it; nothing waits beyond a bound; the socket and
 * the context end with nothing open or pending.
 */
final class ProgramRunner {
  static final long OP_WAIT_MS = 10_000;
  /**
   * Whether a receive that reports a graceful EOF on a connection the peer reset (no FIN of the
   * peer went out) fails the program. On by default since the race that
   * {@link ResetAfterSendRegressionTest} shows is fixed; {@code -Dwsa4j.strictReset=false} counts
   * such receives in {@link #TOLERATED_EOF_AFTER_RESET} instead.
   */
  static final boolean STRICT_RESET =
      Boolean.parseBoolean(System.getProperty("wsa4j.strictReset", "true"));
  static final java.util.concurrent.atomic.AtomicInteger TOLERATED_EOF_AFTER_RESET =
      new java.util.concurrent.atomic.AtomicInteger();
  private static final int POLL_MS = 20;

  /** One posted operation and what the model knows about it. */
  static final class Op {
    final int ordinal;
    final boolean send;
    final WsaBuf[] bufs;
    final long total;
    byte[] data;
    CountingToken token;
    boolean started;
    int refusal;
    boolean closedBefore;
    boolean resetBefore;
    boolean sendShutBefore;
    /** A cancel that named this op (or all) came after it was posted; likewise a close. */
    boolean cancelledAfter;
    boolean closedAfter;

    Op(int ordinal, boolean send, List<Buf> spec) {
      this.ordinal = ordinal;
      this.send = send;
      bufs = new WsaBuf[spec.size()];
      long sum = 0;
      for (int i = 0; i < bufs.length; i++) {
        Buf b = spec.get(i);
        int offset = b.len() % 3; // a region that does not start at index 0
        ByteBuffer bb = b.direct() ? ByteBuffer.allocateDirect(b.len() + offset + 2)
            : ByteBuffer.allocate(b.len() + offset + 2);
        bb.position(offset).limit(offset + b.len());
        bufs[i] = new WsaBuf(bb);
        sum += b.len();
      }
      total = sum;
    }

    @Override
    public String toString() {
      return "t" + ordinal + " (" + (send ? "send" : "recv") + " of " + total + " bytes"
          + (started ? ", status " + name((int) token.internal()) + ", count "
              + token.internalHigh() : ", refused with " + name(refusal)) + ")";
    }
  }

  private final Program program;
  private final List<Op> ops = new ArrayList<>();
  private final ByteArrayOutputStream peerSent = new ByteArrayOutputStream();
  private final SplittableRandom peerBytes;
  private Wsa wsa;
  private WsaSocket s;
  private WsaCompletionPort port;
  private Socket peer;
  private ProgramPeer.Reader reader;
  private ProgramPeer.Writer writer;
  private boolean closed;
  /** {@code shutdown(SD_SEND)} was called by the program. */
  private boolean sendShut;
  private boolean peerShut;
  private boolean peerReset;
  /** Cancels and closes that hit a send: each may leave one partly sent send behind. */
  private int sendAborts;

  private final boolean strictReset;

  private ProgramRunner(Program program, boolean strictReset) {
    this.program = program;
    this.strictReset = strictReset;
    this.peerBytes = new SplittableRandom(program.seed() ^ 0x5DEECE66DL);
  }

  /** Runs the program; returns normally if every invariant held. */
  static void run(Program program) throws Exception {
    run(program, STRICT_RESET);
  }

  /** As {@link #run(Program)}; {@code strictReset} fails an EOF after a reset (the known bug). */
  static void run(Program program, boolean strictReset) throws Exception {
    new ProgramRunner(program, strictReset).execute();
  }

  static String name(int code) {
    return WsaError.name(code) + " (" + code + ")";
  }

  static void check(boolean ok, String invariant) {
    if (!ok) {
      throw new AssertionError(invariant);
    }
  }

  // -- the run --

  private void execute() throws Exception {
    wsa = Wsa.startup(WsaConfig.builder().ioThreads(2).build());
    Throwable failure = null;
    try {
      connect();
      for (Program.Step step : program.steps()) {
        perform(step);
      }
      finish();
      checkInvariants();
      WsaStats stats = wsa.stats();
      check(stats.socketsOpen() == 0, "sockets still open at the end: " + stats);
      check(stats.pendingNow() == 0, "operations still pending at the end: " + stats);
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      // the first broken invariant is the report; what breaks while tearing down after it joins
      // it as suppressed rather than hiding it
      try {
        tearDown();
      } catch (Throwable t) {
        if (failure == null) {
          throw t;
        }
        failure.addSuppressed(t);
      }
    }
  }

  private void tearDown() throws Exception {
    try {
      if (peer != null) {
        peer.close();
      }
      if (writer != null) {
        writer.stopAndJoin();
      }
      if (reader != null) {
        reader.unlimited(true); // a reader waiting for credit would otherwise never see the close
        reader.join(OP_WAIT_MS);
        check(!reader.isAlive(), "the peer's reader did not end");
      }
    } finally {
      check(wsa.cleanup() == 0, "cleanup failed: " + name(Wsa.getLastError()));
    }
  }

  private void connect() throws IOException {
    try (ServerSocket ss = new ServerSocket()) {
      if (program.smallBuffers()) {
        ss.setReceiveBufferSize(WsaFixture.SMALL_SOCKET_BUFFER);
      }
      ss.bind(new InetSocketAddress(WsaFixture.LOOPBACK, 0), 1);
      s = WsaFixture.newSocket(wsa);
      if (program.smallBuffers()) {
        check(wsa.setsockopt(s, SOL_SOCKET, SO_SNDBUF, WsaFixture.SMALL_SOCKET_BUFFER) == 0,
            "SO_SNDBUF");
      }
      check(wsa.connect(s, ss.getLocalSocketAddress()) == 0, "connect failed: "
          + name(Wsa.getLastError()));
      peer = ss.accept();
    }
    peer.setTcpNoDelay(true);
    port = program.mode().prepare(wsa, s);
    reader = new ProgramPeer.Reader(peer.getInputStream());
    reader.start();
    writer = new ProgramPeer.Writer(peer);
    writer.start();
  }

  private void perform(Program.Step step) throws Exception {
    if (step instanceof Program.Send send) {
      post(true, send.bufs());
    } else if (step instanceof Program.Recv recv) {
      post(false, recv.bufs());
    } else if (step instanceof Program.Cancel c) {
      cancel(c.target());
    } else if (step instanceof Program.Wait w) {
      if (w.target() < ops.size() && ops.get(w.target()).started) {
        await(ops.get(w.target()), w.fill());
      }
    } else if (step instanceof Program.PeerWrite w) {
      peerWrite(w.n());
    } else if (step instanceof Program.PeerRead r) {
      reader.grant(r.n());
    } else if (step instanceof Program.PeerShutdownOutput) {
      if (!peerShut) {
        peerShut = true;
        writer.shutdownOutput();
      }
    } else if (step instanceof Program.PeerReset) {
      if (!peerReset) {
        peerReset = true;
        peerShut = true;
        peer.setSoLinger(true, 0);
        peer.close();
      }
    } else if (step instanceof Program.ShutdownSend) {
      int rc = wsa.shutdown(s, SD_SEND);
      if (closed) {
        check(rc != 0 && Wsa.getLastError() == WSAENOTSOCK, "shutdown after closesocket: "
            + name(Wsa.getLastError()));
      } else {
        check(rc == 0, "shutdown(SD_SEND) failed: " + name(Wsa.getLastError()));
        sendShut = true;
      }
    } else if (step instanceof Program.CloseSocket) {
      if (!closed) {
        for (Op op : ops) {
          op.closedAfter = true;
          if (op.send && op.started && !op.token.isCompleted()) {
            sendAborts++;
          }
        }
        check(wsa.closesocket(s) == 0, "closesocket failed: " + name(Wsa.getLastError()));
        closed = true;
      }
    }
  }

  private void post(boolean send, List<Buf> spec) {
    Op op = new Op(ops.size(), send, spec);
    ops.add(op);
    op.token = program.mode().token(wsa);
    if (send) {
      SplittableRandom r = new SplittableRandom(program.seed() * 31 + op.ordinal);
      op.data = new byte[(int) op.total];
      r.nextBytes(op.data);
      int at = 0;
      for (WsaBuf b : op.bufs) {
        b.buf().put(b.buf().position(), op.data, at, b.len());
        at += b.len();
      }
    }
    op.closedBefore = closed;
    op.resetBefore = peerReset;
    op.sendShutBefore = sendShut;
    int rc = send
        ? wsa.send(s, op.bufs, op.bufs.length, null, 0, op.token, program.mode().routine())
        : wsa.recv(s, op.bufs, op.bufs.length, null, new int[1], op.token,
            program.mode().routine());
    int code = rc == 0 ? 0 : Wsa.getLastError();
    op.started = rc == 0 || code == WSA_IO_PENDING;
    op.refusal = op.started ? 0 : code;
  }

  private void cancel(int target) {
    boolean matchedSend = false;
    for (Op op : ops) {
      if (op.started && (target < 0 || op.ordinal == target)) {
        op.cancelledAfter = true;
        matchedSend |= op.send && !op.token.isCompleted();
      }
    }
    if (matchedSend) {
      sendAborts++;
    }
    WsaOverlapped token = target < 0 ? null : target < ops.size() ? ops.get(target).token : null;
    if (target >= ops.size()) {
      return; // names no op (a shrunk program)
    }
    wsa.cancelIoEx(s, token); // false with ERROR_NOT_FOUND is fine: it may have completed
  }

  private void peerWrite(int n) {
    if (peerShut) {
      return;
    }
    byte[] b = new byte[n];
    peerBytes.nextBytes(b);
    peerSent.write(b, 0, n);
    writer.write(b);
  }

  /** Waits for {@code op}, feeding a receive with peer bytes and draining for a send. */
  private void await(Op op, int fill) throws Exception {
    if (op.send) {
      reader.unlimited(true);
      awaitAnnounced(op, () -> {});
      reader.unlimited(false);
    } else {
      awaitAnnounced(op, () -> peerWrite(fill));
    }
  }

  /** Whether the op's completion has been seen through its mechanism. */
  private boolean announced(Op op) {
    return switch (program.mode()) {
      case EVENT -> op.token.isCompleted() && op.token.event().isSignaled();
      case ROUTINE -> op.token.routineCalls.get() > 0;
      case PORT -> op.token.packets.get() > 0;
    };
  }

  private void awaitAnnounced(Op op, Runnable between) {
    long deadline = System.nanoTime() + OP_WAIT_MS * 1_000_000L;
    while (!announced(op)) {
      check(System.nanoTime() < deadline, op + " not announced within " + OP_WAIT_MS
          + " ms (deadlock or lost completion)");
      between.run();
      pump(op, POLL_MS);
    }
    if (program.mode() == Indication.EVENT) {
      // the token's result agrees with getOverlappedResult(wait = true), which must not block
      int[] n = {-1};
      boolean ok = wsa.getOverlappedResult(s, op.token, n, true, null);
      if (!closed) {
        check(ok == (op.token.internal() == 0), "getOverlappedResult disagrees with " + op);
        check(ok || Wsa.getLastError() == op.token.internal(),
            "getOverlappedResult's error disagrees with " + op);
      }
    }
  }

  /** One bounded wait that lets announcements through: routines run, packets are counted. */
  private void pump(Op op, int millis) {
    switch (program.mode()) {
      case EVENT -> wsa.waitForMultipleEvents(1, new WsaEvent[] {op.token.event()}, false, millis,
          false);
      case ROUTINE -> wsa.sleepEx(millis, true);
      case PORT -> takePacket(millis);
    }
  }

  private boolean takePacket(int millis) {
    int[] n = {-1};
    long[] key = {-1};
    WsaOverlapped[] ov = {null};
    boolean ok = wsa.getQueuedCompletionStatus(port, n, key, ov, millis);
    if (ov[0] == null) {
      check(Wsa.getLastError() == WAIT_TIMEOUT, "GetQueuedCompletionStatus failed: "
          + name(Wsa.getLastError()));
      return false;
    }
    CountingToken t = (CountingToken) ov[0];
    t.packetError = ok ? 0 : Indication.winsockOf(Wsa.getLastError());
    t.packetBytes = n[0];
    t.packets.incrementAndGet();
    return true;
  }

  // -- the end of a program --

  private void finish() throws Exception {
    reader.unlimited(true);
    if (!closed && !peerReset && !peerShut) {
      peerShut = true;
      writer.shutdownOutput(); // pending receives end with the data, then EOF
    }
    for (Op op : ops) {
      if (op.started) {
        awaitAnnounced(op, () -> {});
      }
    }
    if (!closed) {
      if (!peerReset) {
        check(wsa.shutdown(s, SD_SEND) == 0, "shutdown(SD_SEND) failed: "
            + name(Wsa.getLastError()));
        reader.join(OP_WAIT_MS); // the peer reads everything, then EOF
        check(!reader.isAlive(), "the peer never saw EOF after shutdown(SD_SEND)");
      }
      check(wsa.closesocket(s) == 0, "closesocket failed: " + name(Wsa.getLastError()));
      closed = true;
    }
    // a close with unread data resets the connection: the peer's writer, if it writes then, takes
    // the kernel's one-shot error, and its reader sees EOF; so the writer is done before any check
    writer.stopAndJoin();
    reader.join(OP_WAIT_MS);
    check(!reader.isAlive(), "the peer's reader never saw the end of the connection");
    // a second announcement would come now
    switch (program.mode()) {
      case ROUTINE -> check(wsa.sleepEx(POLL_MS, true) == 0, "a routine ran after all were run");
      case PORT -> check(!takePacket(POLL_MS), "a packet came after every op had one");
      default -> { }
    }
  }

  private void checkInvariants() {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] peerStream = peerSent.toByteArray();
    boolean eofSeen = false;
    List<Op> sends = new ArrayList<>();
    for (Op op : ops) {
      CountingToken t = op.token;
      if (!op.started) {
        check(t.indications() == 0, op + ": a refused post was announced");
        if (t.event() != null) {
          check(!t.event().isSignaled(), op + ": a refused post signaled its event");
        }
        boolean allowed = op.refusal == WSAENOTSOCK ? op.closedBefore
            : op.refusal == io.wsa4j.Winsock.WSAESHUTDOWN ? op.send && op.sendShutBefore
            : (op.refusal == WSAECONNRESET || op.refusal == WSAECONNABORTED) && op.resetBefore;
        check(allowed, op + ": refused with a code nothing explains");
        check(!op.closedBefore || op.refusal == WSAENOTSOCK, op + ": post after closesocket");
        continue;
      }
      check(!op.closedBefore, op + ": started after closesocket");
      check(!(op.send && op.sendShutBefore), op + ": a send started after shutdown(SD_SEND)");
      int status = (int) t.internal();
      long count = t.internalHigh();
      check(status != STATUS_PENDING, op + ": never completed");
      switch (program.mode()) {
        case EVENT -> check(t.event().isSignaled(), op + ": completed, event not signaled");
        case ROUTINE -> {
          check(t.routineCalls.get() == 1, op + ": " + t.routineCalls.get() + " routine calls");
          check(t.routineError == status, op + ": the routine got error " + t.routineError);
          check(status != 0 || t.routineBytes == count, op + ": routine got " + t.routineBytes
              + " bytes");
        }
        case PORT -> {
          check(t.packets.get() == 1, op + ": " + t.packets.get() + " packets");
          check(t.packetError == status, op + ": the packet's error was " + t.packetError);
          check(status != 0 || t.packetBytes == count, op + ": the packet said " + t.packetBytes
              + " bytes");
        }
      }
      if (status == WSA_OPERATION_ABORTED) {
        check(op.cancelledAfter || op.closedAfter, op + ": aborted with no cancel or close");
      } else if (status == WSAECONNRESET || status == WSAECONNABORTED) {
        check(peerReset, op + ": a connection error with no reset");
      } else {
        check(status == 0, op + ": completed with a code the contract does not allow here");
      }
      if (op.send) {
        check(status != 0 || count == op.total, op + ": a partial send reported success");
        sends.add(op);
        continue;
      }
      if (status != 0) {
        continue;
      }
      check(count <= op.total, op + ": more bytes than the buffers hold");
      if (op.total > 0 && count == 0 && !writer.finSent && peerReset && !strictReset) {
        TOLERATED_EOF_AFTER_RESET.incrementAndGet(); // the open race: EOF, not WSAECONNRESET
        eofSeen = true;
      } else if (op.total > 0 && count == 0) {
        // a FIN that went out before any reset makes the EOF real, and it follows all the data
        check(writer.finSent, op + ": EOF but the peer never sent a FIN; ops: " + ops);
        check(received.size() == peerStream.length, op + ": EOF after " + received.size()
            + " of the " + peerStream.length + " bytes the peer wrote (bytes lost)");
        eofSeen = true;
      } else if (op.total == 0) {
        check(count == 0, op + ": a zero-byte receive consumed data");
      } else {
        check(!eofSeen, op + ": data after EOF");
        long left = count;
        for (WsaBuf b : op.bufs) {
          int n = (int) Math.min(left, b.len());
          byte[] part = new byte[n];
          b.buf().get(b.buf().position(), part);
          received.write(part, 0, n);
          left -= n;
        }
      }
    }
    byte[] got = received.toByteArray();
    check(got.length <= peerStream.length && Arrays.equals(got, 0, got.length, peerStream, 0,
        got.length), "receives got bytes that are not a prefix of what the peer wrote (first"
        + " difference at " + Arrays.mismatch(got, Arrays.copyOf(peerStream, got.length)) + ")");

    byte[] seen = reader.seen();
    // the peer saw a clean end only if no write of its own failed (which would mean a reset)
    boolean complete = reader.reachedEof() && !writer.failed;
    int budget = sendAborts + (peerReset ? 1 : 0);
    check(parses(sends, 0, seen, 0, complete, budget), "the peer read " + seen.length
        + " bytes that are not the sends in order (whole if successful, a prefix of at most "
        + budget + " aborted ones)" + (complete ? ", then EOF" : "; the peer did not reach EOF")
        + "; sends: " + sends);
  }

  /** Whether {@code seen[pos..]} is sends[i..] in order as the contract allows. */
  private static boolean parses(List<Op> sends, int i, byte[] seen, int pos, boolean complete,
      int budget) {
    if (!complete && pos == seen.length) {
      return true; // the peer stopped reading (reset): what it saw so far is fine
    }
    if (i == sends.size()) {
      return pos == seen.length;
    }
    Op op = sends.get(i);
    int common = commonPrefix(op.data, seen, pos);
    if (op.token.internal() == 0) {
      if (common == op.data.length) {
        return parses(sends, i + 1, seen, pos + common, complete, budget);
      }
      return !complete && pos + common == seen.length;
    }
    // an aborted or failed send: the bytes that went are its count (internalHigh), and the peer
    // sees exactly them, except that a close or reset may drop a tail the kernel still held, and
    // a closesocket announces the send while NIO2 may still be writing a last piece of it. The
    // prefix is cut at the count first: the next send's bytes may happen to continue it
    long went = op.token.internalHigh();
    if (went > 0 && common >= went && budget > 0 && parses(sends, i + 1, seen, pos + (int) went,
        complete, budget - 1)) {
      return true;
    }
    boolean mayDiffer = common < went || op.closedAfter;
    if (common > 0 && common != went && mayDiffer && budget > 0 && parses(sends, i + 1, seen,
        pos + common, complete, budget - 1)) {
      return true;
    }
    return parses(sends, i + 1, seen, pos, complete, budget);
  }

  private static int commonPrefix(byte[] data, byte[] seen, int pos) {
    int n = 0;
    while (n < data.length && pos + n < seen.length && data[n] == seen[pos + n]) {
      n++;
    }
    return n;
  }
}
