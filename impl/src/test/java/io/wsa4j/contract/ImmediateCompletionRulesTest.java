package io.wsa4j.contract;

import static io.wsa4j.Winsock.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import io.wsa4j.testkit.WsaFixture;
import java.io.OutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rules 25-27: operations that finish during their call, skip-on-success, and CancelIo. A send
 * into an idle connection is taken whole by the kernel; a receive whose bytes a previous read
 * already staged needs no I/O: both must finish during the call on every path.
 */
@Timeout(60)
class ImmediateCompletionRulesTest extends WsaFixture {
  private static final long KEY = 0x25;

  /** What a finished-during-the-call recv or send returned. */
  private record Call(int rc, int count) {}

  private Call send(WsaSocket s, WsaOverlapped ov, io.wsa4j.WsaCompletionRoutine routine,
      WsaBuf... bufs) {
    int[] count = {COUNT_SENTINEL};
    int rc = wsa.send(s, bufs, bufs.length, count, 0, ov, routine);
    return new Call(rc, count[0]);
  }

  private Call recv(WsaSocket s, WsaOverlapped ov, io.wsa4j.WsaCompletionRoutine routine,
      WsaBuf... bufs) {
    int[] count = {COUNT_SENTINEL};
    int[] flags = {0}; // in: no flags; out: 0 on success
    int rc = wsa.recv(s, bufs, bufs.length, count, flags, ov, routine);
    if (rc == 0) {
      assertEquals(0, flags[0], "flags written on immediate success");
    }
    return new Call(rc, count[0]);
  }

  private static void assertImmediate(Call call, int count, WsaOverlapped ov, String what) {
    assertEquals(0, call.rc(), () -> what + " did not finish during the call: " + lastError());
    assertEquals(count, call.count(), what + ": count written");
    assertTrue(ov.isCompleted(), what + ": token completed");
    assertEquals(0, ov.internal(), what + ": status");
    assertEquals(count, ov.internalHigh(), what + ": internalHigh");
  }

  /**
   * Leaves {@code staged} bytes staged on {@code c}: a 1-byte receive posted before the peer
   * writes takes the first byte of one segment; the rest waits in the library's staging.
   */
  private byte[] stage(Conn c, int staged) throws Exception {
    WsaOverlapped first = new WsaOverlapped();
    startPendingRecv(c.s(), first, WsaBuf.allocate(1));
    byte[] data = randomBytes(1 + staged);
    c.peer().getOutputStream().write(data); // one write, TCP_NODELAY: one segment
    int[] n = new int[1];
    assertTrue(wsa.getOverlappedResult(c.s(), first, n, true, new int[1]), lastError());
    assertEquals(1, n[0]);
    byte[] rest = new byte[staged];
    System.arraycopy(data, 1, rest, 0, staged);
    return rest;
  }

  @ParameterizedTest(name = "rule 25: a send the kernel takes whole returns 0 with its count and still signals its event [{0}]")
  @EnumSource(BufKind.class)
  void sendFinishesDuringCallWithEvent(BufKind kind) throws Exception {
    Conn c = connect();
    WsaEvent e = wsa.createEvent();
    WsaOverlapped ov = new WsaOverlapped(e);
    byte[] data = randomBytes(100);
    Call call = send(c.s(), ov, null, kind.holding(data));
    assertImmediate(call, 100, ov, "send");
    assertTrue(e.isSignaled(), "the event is signaled as for a later completion");
    int[] n = new int[1];
    assertTrue(wsa.getOverlappedResult(c.s(), ov, n, false, new int[1]), lastError());
    assertEquals(100, n[0]);
    assertArrayEquals(data, readFully(c.peer().getInputStream(), 100));
  }

  @ParameterizedTest(name = "rule 25: a receive whose data is already staged returns 0 with its count [{0}]")
  @EnumSource(BufKind.class)
  void stagedRecvFinishesDuringCall(BufKind kind) throws Exception {
    Conn c = connect();
    byte[] staged = stage(c, 40);
    WsaEvent e = wsa.createEvent();
    WsaOverlapped ov = new WsaOverlapped(e);
    WsaBuf buf = kind.make(64);
    Call call = recv(c.s(), ov, null, buf);
    assertImmediate(call, 40, ov, "recv");
    assertTrue(e.isSignaled(), "the event is signaled");
    byte[] got = new byte[40];
    buf.buf().get(buf.buf().position(), got);
    assertArrayEquals(staged, got);
    kind.assertUnmoved(buf);
  }

  @Test
  @DisplayName("rule 25: a send that finishes during the call still queues its routine, run once in the next alertable wait")
  void immediateSendQueuesRoutine() throws Exception {
    Conn c = connect();
    RoutineLog log = new RoutineLog();
    WsaOverlapped ov = new WsaOverlapped();
    Call call = send(c.s(), ov, log, WsaBuf.wrap(new byte[10]));
    assertImmediate(call, 10, ov, "send");
    assertEquals(0, log.count(), "the routine runs only in an alertable wait, not in the call");
    assertEquals(WSA_WAIT_IO_COMPLETION, wsa.sleepEx(WAIT_MS, true));
    RoutineLog.Call r = log.only();
    assertEquals(0, r.error());
    assertEquals(10, r.bytes());
    assertSame(ov, r.overlapped());
  }

  @Test
  @DisplayName("rule 25: without skip mode, an operation that finished during the call still posts its packet")
  void immediateOpsPostWithoutSkipMode() throws Exception {
    Conn c = connect();
    byte[] staged = stage(c, 8);
    WsaCompletionPort port = newPort();
    associate(c.s(), port, KEY);
    WsaOverlapped sent = new WsaOverlapped();
    assertImmediate(send(c.s(), sent, null, WsaBuf.wrap(new byte[5])), 5, sent, "send");
    WsaOverlapped got = new WsaOverlapped();
    assertImmediate(recv(c.s(), got, null, WsaBuf.allocate(8)), 8, got, "recv");
    assertEquals(5, assertSuccessPacket(awaitPacket(port), KEY, sent));
    assertEquals(8, assertSuccessPacket(awaitPacket(port), KEY, got));
    assertNoPacket(port);
    assertEquals(8, staged.length);
  }

  @Test
  @DisplayName("rule 26: skip-on-success: an operation that returned 0 posts no packet; one that returned WSA_IO_PENDING posts as before")
  void skipOnSuccessDropsOnlyImmediatePackets() throws Exception {
    Conn c = connect();
    WsaCompletionPort port = newPort();
    associate(c.s(), port, KEY);
    assertTrue(wsa.setFileCompletionNotificationModes(c.s(),
        FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE), lastError());
    WsaEvent e = wsa.createEvent();
    WsaOverlapped sent = new WsaOverlapped(e);
    assertImmediate(send(c.s(), sent, null, WsaBuf.wrap(new byte[5])), 5, sent, "send");
    assertTrue(e.isSignaled(), "FILE_SKIP_SET_EVENT_ON_HANDLE: the token's own event still signals");
    assertNoPacket(port);

    WsaOverlapped pending = new WsaOverlapped();
    startPendingRecv(c.s(), pending, WsaBuf.allocate(4));
    c.peer().getOutputStream().write(new byte[] {1, 2, 3});
    assertEquals(3, assertSuccessPacket(awaitPacket(port), KEY, pending));

    // the modes cannot be cleared: 0 is accepted and changes nothing
    assertTrue(wsa.setFileCompletionNotificationModes(c.s(), 0), lastError());
    WsaOverlapped again = new WsaOverlapped();
    assertImmediate(send(c.s(), again, null, WsaBuf.wrap(new byte[2])), 2, again, "send");
    assertNoPacket(port);
  }

  @Test
  @DisplayName("rule 26: unknown flags → false + ERROR_INVALID_PARAMETER; a bad socket → WSAENOTSOCK")
  void notificationModesArguments() throws Exception {
    Conn c = connect();
    Wsa.setLastError(0);
    assertFalse(wsa.setFileCompletionNotificationModes(c.s(), 0x4));
    assertEquals(ERROR_INVALID_PARAMETER, Wsa.getLastError());
    assertFalse(wsa.setFileCompletionNotificationModes(c.s(),
        FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | 0x100));
    assertEquals(ERROR_INVALID_PARAMETER, Wsa.getLastError());
    assertFalse(wsa.setFileCompletionNotificationModes(null, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS));
    assertEquals(WSAENOTSOCK, Wsa.getLastError());
  }

  @Test
  @DisplayName("rule 25: getOverlappedResult(wait=false) reports an immediate completion at once")
  void getOverlappedResultAfterImmediate() throws Exception {
    Conn c = connect();
    stage(c, 3);
    WsaOverlapped ov = new WsaOverlapped();
    assertImmediate(recv(c.s(), ov, null, WsaBuf.allocate(16)), 3, ov, "recv");
    int[] n = {COUNT_SENTINEL};
    assertTrue(wsa.getOverlappedResult(c.s(), ov, n, false, new int[1]), lastError());
    assertEquals(3, n[0]);
  }

  @Test
  @DisplayName("rule 27: cancelIo aborts the calling thread's operations on the socket only, and returns true even with none")
  void cancelIoIsPerThread() throws Exception {
    Conn c = connect();
    assertTrue(wsa.cancelIo(c.s()), "no operation pending: still true");
    WsaOverlapped mine = new WsaOverlapped();
    startPendingRecv(c.s(), mine, WsaBuf.allocate(4));
    WsaOverlapped theirs = new WsaOverlapped();
    Background<Integer> other = fork("other-thread", () -> {
      startPendingRecv(c.s(), theirs, WsaBuf.allocate(4));
      return 0;
    });
    other.get();
    assertTrue(wsa.cancelIo(c.s()), lastError());
    int[] n = new int[1];
    assertFalse(wsa.getOverlappedResult(c.s(), mine, n, true, null));
    assertEquals(WSA_OPERATION_ABORTED, Wsa.getLastError(), "this thread's receive aborts");
    assertEquals(STATUS_PENDING, theirs.internal(), "the other thread's receive is untouched");
    c.peer().getOutputStream().write(new byte[] {9});
    assertTrue(wsa.getOverlappedResult(c.s(), theirs, n, true, new int[1]), lastError());
    assertEquals(1, n[0]);
  }

  @Test
  @DisplayName("rule 25: a JDK peer streams 1-byte writes into 64 posted 1-byte receives: nothing overflows, no byte is lost")
  void tinyWritesIntoManyReceives() throws Exception {
    int total = 100_000;
    int posted = 64;
    Conn c = connect();
    WsaCompletionPort port = newPort();
    associate(c.s(), port, KEY);
    WsaOverlapped[] ovs = new WsaOverlapped[posted];
    WsaBuf[] bufs = new WsaBuf[posted];
    for (int i = 0; i < posted; i++) {
      ovs[i] = new WsaOverlapped().attach(i);
      bufs[i] = WsaBuf.allocate(1);
      startRecv(c.s(), ovs[i], null, bufs[i]);
    }
    Background<Void> peer = fork("tiny-writer", () -> {
      OutputStream out = c.peer().getOutputStream();
      for (int i = 0; i < total; i++) {
        out.write(i & 0xff);
      }
      return null;
    });
    int issued = posted;
    for (int got = 0; got < total; got++) {
      Dequeued d = awaitPacket(port);
      assertTrue(d.ok(), d::toString);
      assertEquals(1, d.bytes(), d::toString);
      int i = (Integer) d.overlapped().attachment();
      assertEquals(got & 0xff, bufs[i].buf().get(0) & 0xff, "byte " + got + " out of order");
      if (issued < total) {
        startRecv(c.s(), ovs[i], null, bufs[i]);
        issued++;
      }
    }
    peer.get();
  }
}
