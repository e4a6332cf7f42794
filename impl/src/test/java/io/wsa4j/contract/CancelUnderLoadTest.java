package io.wsa4j.contract;

import static io.wsa4j.Winsock.ERROR_NOT_FOUND;
import static io.wsa4j.Winsock.ERROR_OPERATION_ABORTED;
import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaError;
import io.wsa4j.WsaOverlapped;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rule 13's promise under load: while a JDK peer streams a long sequence, receives are posted and
 * randomly cancelled; the bytes of the receives that succeeded, in completion order, are exactly
 * the sequence sent, and aborted receives delivered nothing.
 */
@Timeout(60)
class CancelUnderLoadTest extends WsaFixture {
  private static final int STREAM_BYTES = 32 << 20;
  private static final long KEY = 0x10AD;

  /** One posted receive: its buffer and what the buffer held before the call. */
  private static final class Recv extends WsaOverlapped {
    final long seq;
    final WsaBuf buf;
    final byte[] before;

    Recv(long seq, WsaBuf buf, byte[] before) {
      this.seq = seq;
      this.buf = buf;
      this.before = before;
    }
  }

  @ParameterizedTest(name = "rule 13: 32 MiB streamed while {0} receives are posted and randomly cancelled: no byte lost, none duplicated")
  @EnumSource(value = BufKind.class, names = {"HEAP", "DIRECT"})
  void noByteLostUnderRandomCancels(BufKind kind) throws Exception {
    byte[] stream = new byte[STREAM_BYTES];
    new Random(SEED ^ kind.ordinal()).nextBytes(stream);
    Conn c = connect();
    WsaCompletionPort port = newPort();
    associate(c.s(), port, KEY);
    // The peer writes chunk i only once the test grants it. Usually the test grants several
    // chunks ahead (the stream flows and most receives complete during the call); now and then it
    // waits until everything granted has arrived, posts receives into the empty connection and
    // cancels them: those receives are pending for sure, so the run proves the abort path too.
    Random peerRnd = new Random(rnd.nextLong());
    List<Integer> ends = new ArrayList<>();
    for (int off = 0; off < stream.length; ) {
      off += Math.min(stream.length - off, 1 + peerRnd.nextInt(64 * 1024));
      ends.add(off);
    }
    Semaphore credits = new Semaphore(0);
    fork("streaming-peer", () -> {
      OutputStream out = c.peer().getOutputStream();
      int off = 0;
      for (int end : ends) {
        credits.acquire();
        out.write(stream, off, end - off);
        off = end;
      }
      c.peer().shutdownOutput();
      return null;
    });

    Deque<Recv> outstanding = new ArrayDeque<>();
    int offset = 0;
    long seq = 0;
    long lastSuccess = -1;
    int aborted = 0;
    int cancels = 0;
    int granted = 0;
    int grantedBytes = 0;
    boolean eof = false;
    while (!eof || !outstanding.isEmpty()) {
      int target = 1 + rnd.nextInt(3);
      while (!eof && outstanding.size() < target) {
        Recv r = post(c, kind, seq++);
        outstanding.add(r);
      }
      boolean drained = offset == grantedBytes && granted < ends.size();
      if (drained && rnd.nextBoolean()) {
        Recv fresh = post(c, kind, seq++); // into an empty connection: it pends
        outstanding.add(fresh);
        assertTrue(wsa.cancelIoEx(c.s(), fresh),
            () -> "a receive posted into an empty connection was not pending: "
                + WsaError.name(Wsa.getLastError()));
        cancels++;
      } else if (!outstanding.isEmpty() && rnd.nextInt(10) < 4) {
        List<Recv> list = new ArrayList<>(outstanding);
        WsaOverlapped which = rnd.nextBoolean() ? null : list.get(rnd.nextInt(list.size()));
        boolean ok = wsa.cancelIoEx(c.s(), which);
        int code = Wsa.getLastError();
        assertTrue(ok || code == ERROR_NOT_FOUND,
            () -> "cancelIoEx: " + code + " " + WsaError.name(code));
        cancels++;
      }
      if (drained) {
        int batch = 1 + rnd.nextInt(8);
        for (int i = 0; i < batch && granted < ends.size(); i++) {
          grantedBytes = ends.get(granted++);
          credits.release();
        }
      }
      Dequeued d = awaitPacket(port);
      Recv r = (Recv) d.overlapped();
      assertEquals(KEY, d.key());
      assertTrue(outstanding.remove(r), () -> "a packet for no outstanding receive: " + d);
      if (d.ok()) {
        assertTrue(r.seq > lastSuccess, "successful receives complete in posting order");
        lastSuccess = r.seq;
        int n = d.bytes();
        assertEquals(n, r.internalHigh());
        if (n == 0) {
          eof = true;
          assertEquals(STREAM_BYTES, offset, "EOF before the whole stream arrived");
          continue;
        }
        assertTrue(offset + n <= STREAM_BYTES, "more bytes than were sent");
        byte[] got = bytesOf(r.buf, n);
        byte[] want = Arrays.copyOfRange(stream, offset, offset + n);
        if (!Arrays.equals(want, got)) {
          fail("receive #" + r.seq + " at stream offset " + offset + " (" + n
              + " bytes) does not continue the stream: got " + hex(got) + ", want " + hex(want));
        }
        offset += n;
      } else {
        assertEquals(ERROR_OPERATION_ABORTED, d.error(), d::toString);
        assertEquals(WSA_OPERATION_ABORTED, r.internal());
        assertEquals(0, d.bytes(), "an aborted receive counts no bytes");
        assertArrayEquals(r.before, bytesOf(r.buf, r.before.length),
            "an aborted receive's buffer is untouched");
        aborted++;
      }
    }
    System.out.println(kind + ": " + seq + " receives, " + cancels + " cancels, " + aborted
        + " aborted");
    assertEquals(STREAM_BYTES, offset);
    assertTrue(aborted > 0, "the run aborted no receive: it proved nothing");
  }

  private Recv post(Conn c, BufKind kind, long seq) {
    int len = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(64) : 1 + rnd.nextInt(64 * 1024);
    WsaBuf buf = kind.make(len);
    byte[] before = randomBytes(len);
    buf.buf().put(0, before);
    Recv r = new Recv(seq, buf, before);
    startRecv(c.s(), r, null, buf);
    return r;
  }
}
