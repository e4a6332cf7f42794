package io.wsa4j.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaOverlapped;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Rules 1, 4 and 6 of API.md for overlapped {@code recv}. */
@Timeout(30)
class OverlappedRecvRulesTest extends WsaFixture {

  @ParameterizedTest(name = "rule 1: a recv with nothing to read is pending, count unwritten [{0}]")
  @EnumSource(BufKind.class)
  void recvWithNothingToReadIsPending(BufKind kind) throws Exception {
    Conn c = connect();
    WsaOverlapped ov = token();
    WsaBuf buf = kind.prefilled(64);

    assertPendingNow(startRecv(c.s(), ov, null, buf), ov);
    assertEquals(0, ov.internalHigh(), "internalHigh() while pending");
    assertFalse(ov.event().isSignaled(), "event signaled while pending");

    byte[] data = randomBytes(5);
    c.peerSend(data, Pacing.BULK);
    int n = awaitSuccess(c.s(), ov);
    assertTrue(n >= 1 && n <= data.length, "count " + n);
    assertEquals(0, ov.internal(), "internal() after success");
    kind.assertUnmoved(buf);
  }

  @ParameterizedTest(name = "rule 6: a recv completes as soon as any data arrived [{0}, peer {1}, {2}]")
  @MethodSource("bufKindsPacingsAndConnectors")
  void recvCompletesWithWhateverArrived(BufKind kind, Pacing pacing, Connector connector)
      throws Exception {
    Conn c = connect(connector);
    byte[] sent = randomBytes(10);
    WsaOverlapped ov = token();
    WsaBuf big = kind.make(1 << 20);
    ByteArrayOutputStream got = new ByteArrayOutputStream();

    while (got.size() < sent.length) {
      prefill(big);
      Start start = startRecv(c.s(), ov, null, big);
      if (got.size() == 0) {
        c.peerSend(sent, pacing);
      }
      int n = awaitSuccess(c.s(), ov);
      if (start.immediate()) {
        assertEquals(start.count(), n, "count at return vs getOverlappedResult");
      }
      int expectedMax = sent.length - got.size();
      assertTrue(n >= 1 && n <= expectedMax,
          "count " + n + " with " + expectedMax + " bytes still to come into a 1 MiB buffer");
      got.writeBytes(filledInOrder(n, big));
      kind.assertUnmoved(big);
    }
    assertBytes(sent, got.toByteArray(), "received stream");
  }

  @ParameterizedTest(name = "rule 6: a recv fills its buffers in array order with no holes [{0}, peer {1}]")
  @MethodSource("bufKindsAndPacings")
  void recvScattersInArrayOrderWithoutHoles(BufKind kind, Pacing pacing) throws Exception {
    Conn c = connect();
    byte[] sent = randomBytes(61);
    WsaOverlapped ov = token();
    WsaBuf[] bufs = {kind.make(3), kind.make(5), kind.make(1), kind.make(8)};
    int capacity = 3 + 5 + 1 + 8;
    c.peerSend(sent, pacing);
    ByteArrayOutputStream got = new ByteArrayOutputStream();

    while (got.size() < sent.length) {
      for (WsaBuf b : bufs) {
        prefill(b);
      }
      int n = recvOverlapped(c.s(), ov, bufs);
      assertTrue(n >= 1 && n <= Math.min(capacity, sent.length - got.size()), "count " + n);
      got.writeBytes(filledInOrder(n, bufs));
      for (WsaBuf b : bufs) {
        kind.assertUnmoved(b);
      }
    }
    assertBytes(sent, got.toByteArray(), "received stream");
  }

  /** How the peer ends its side gracefully. */
  enum PeerClose {
    SHUTDOWN_OUTPUT,
    CLOSE
  }

  @ParameterizedTest(name = "rule 6: after the peer's graceful close every recv completes with 0 [{0}]")
  @EnumSource(PeerClose.class)
  void recvAfterGracefulCloseReturnsZero(PeerClose how) throws Exception {
    Conn c = connect();
    WsaOverlapped pending = token();
    WsaBuf buf = BufKind.HEAP.prefilled(32);
    assertPendingNow(startRecv(c.s(), pending, null, buf), pending);

    if (how == PeerClose.SHUTDOWN_OUTPUT) {
      c.peer().shutdownOutput();
    } else {
      c.peer().close();
    }

    assertEquals(0, awaitSuccess(c.s(), pending), "pending recv at the peer's close");
    for (int i = 0; i < 2; i++) {
      assertEquals(0, recvOverlapped(c.s(), token(), buf), "overlapped recv #" + i + " after EOF");
    }
    int[] count = {SENTINEL};
    int[] flags = {0};
    assertEquals(0, wsa.recv(c.s(), new WsaBuf[] {buf}, 1, count, flags, null, null),
        () -> "blocking recv after EOF: " + lastErrorName());
    assertEquals(0, count[0], "blocking recv after EOF: count");
    filledInOrder(0, buf);
  }

  @ParameterizedTest(name = "rule 4: outstanding recvs are filled in the order they were posted [{0}, peer {1}]")
  @MethodSource("bufKindsAndPacings")
  void outstandingRecvsFillInPostingOrder(BufKind kind, Pacing pacing) throws Exception {
    Conn c = connect();
    byte[] sent = randomBytes(2048);
    record Posted(WsaOverlapped ov, WsaBuf buf) {}
    Deque<Posted> window = new ArrayDeque<>();
    int[] sizes = {1, 7, 3, 16, 5};
    for (int size : sizes) {
      Posted p = new Posted(token(), kind.prefilled(size));
      assertPendingNow(startRecv(c.s(), p.ov(), null, p.buf()), p.ov());
      window.add(p);
    }
    Background<Void> sender = fork("peer-send", () -> {
      c.peerSend(sent, pacing);
      return null;
    });

    ByteArrayOutputStream got = new ByteArrayOutputStream();
    while (got.size() < sent.length) {
      Posted head = window.poll();
      int n = awaitSuccess(c.s(), head.ov());
      assertTrue(n >= 1 && n <= head.buf().len(), "count " + n + " for a recv of "
          + head.buf().len());
      got.writeBytes(filledInOrder(n, head.buf()));
      kind.assertUnmoved(head.buf());
      prefill(head.buf());
      startRecv(c.s(), head.ov(), null, head.buf());
      window.add(head);
    }
    sender.get();
    assertBytes(sent, got.toByteArray(), "concatenation of the recvs in posting order");
  }
}
