package io.wsa4j.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaOverlapped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Rules 1, 4 and 5 of API.md for {@code send}. */
@Timeout(30)
class OverlappedSendRulesTest extends WsaFixture {

  /**
   * Bytes the loopback kernel buffers of a {@link #connectCongestible()} connection can hold,
   * with a wide margin: a send may not complete while more than this is still unread by the peer.
   */
  private static final int KERNEL_SLACK = 4 << 20;

  @ParameterizedTest(name = "rule 1: a send the peer cannot absorb is pending, count unwritten [{0}]")
  @EnumSource(BufKind.class)
  void sendThePeerCannotAbsorbIsPending(BufKind kind) throws Exception {
    Conn c = connectCongestible();
    WsaOverlapped ov = token();
    byte[] data = startStuckSend(c, ov, null, kind);
    assertEquals(0, ov.internalHigh(), "internalHigh() while pending");
    assertFalse(ov.event().isSignaled(), "event signaled while pending");

    Background<byte[]> drained = drain(c.peer(), data.length, Pacing.BULK, new AtomicLong());
    awaitSignaled(ov.event());
    assertEquals(data.length, awaitSuccess(c.s(), ov), "count");
    assertBytes(data, drained.get(), "bytes at the peer");
  }

  @ParameterizedTest(name = "rule 5: an overlapped send completes in full, only once the peer drained it [{0}]")
  @EnumSource(BufKind.class)
  void overlappedSendCompletesOnlyInFull(BufKind kind) throws Exception {
    Conn c = connectCongestible();
    WsaOverlapped ov = token();
    byte[] data = startStuckSend(c, ov, null, kind);

    AtomicLong peerRead = new AtomicLong();
    Background<byte[]> drained = drain(c.peer(), data.length, Pacing.BULK, peerRead);
    awaitSignaled(ov.event());
    long readAtCompletion = peerRead.get();

    assertEquals(data.length, awaitSuccess(c.s(), ov), "count: never partial");
    assertTrue(readAtCompletion >= data.length - KERNEL_SLACK, "completed with only "
        + readAtCompletion + " of " + data.length + " bytes read by the peer");
    assertBytes(data, drained.get(), "bytes at the peer");
  }

  @ParameterizedTest(name = "rule 5: an overlapped send of several buffers sends all of them in array order [{0}, peer reads {1}]")
  @MethodSource("bufKindsAndPacings")
  void overlappedSendGathersInArrayOrder(BufKind kind, Pacing peerReads) throws Exception {
    Conn c = connectCongestible();
    byte[][] parts = {randomBytes(70_000), randomBytes(1), randomBytes(90_000), randomBytes(333)};
    WsaBuf[] bufs = new WsaBuf[parts.length];
    for (int i = 0; i < parts.length; i++) {
      bufs[i] = kind.holding(parts[i]);
    }
    byte[] all = concat(parts);
    WsaOverlapped ov = token();

    Start start = startSend(c.s(), ov, null, bufs);
    Background<byte[]> drained = drain(c.peer(), all.length, peerReads, new AtomicLong());
    int n = awaitSuccess(c.s(), ov);
    if (start.immediate()) {
      assertEquals(start.count(), n, "count at return vs getOverlappedResult");
    }
    assertEquals(all.length, n, "count: never partial");
    assertBytes(all, drained.get(), "bytes at the peer");
    for (WsaBuf b : bufs) {
      kind.assertUnmoved(b);
    }
  }

  @ParameterizedTest(name = "rule 5: a blocking send returns only when all is sent, with the full count [{0}]")
  @EnumSource(BufKind.class)
  void blockingSendReturnsFullCount(BufKind kind) throws Exception {
    Conn c = connectCongestible();
    byte[] data = randomBytes(8 << 20);
    WsaBuf[] bufs = {kind.holding(data)};
    AtomicLong peerRead = new AtomicLong();
    Background<byte[]> drained = drain(c.peer(), data.length, Pacing.BULK, peerRead);

    int[] count = {SENTINEL};
    int rc = wsa.send(c.s(), bufs, 1, count, 0, null, null);
    long readAtReturn = peerRead.get();

    assertEquals(0, rc, () -> "blocking send: " + lastErrorName());
    assertEquals(data.length, count[0], "count: never partial");
    assertTrue(readAtReturn >= data.length - KERNEL_SLACK, "returned with only "
        + readAtReturn + " of " + data.length + " bytes read by the peer");
    assertBytes(data, drained.get(), "bytes at the peer");
    kind.assertUnmoved(bufs[0]);
  }

  @ParameterizedTest(name = "rule 4: several outstanding sends go out in call order [{0}]")
  @EnumSource(BufKind.class)
  void outstandingSendsGoOutInCallOrder(BufKind kind) throws Exception {
    Conn c = connectCongestible();
    List<byte[]> parts = new ArrayList<>();
    List<WsaOverlapped> tokens = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      byte[] part = randomBytes(1 + rnd.nextInt(128 * 1024));
      WsaOverlapped ov = token();
      startSend(c.s(), ov, null, kind.holding(part));
      parts.add(part);
      tokens.add(ov);
    }
    byte[] all = concat(parts.toArray(new byte[0][]));
    Background<byte[]> drained = drain(c.peer(), all.length, Pacing.BULK, new AtomicLong());

    for (int i = 0; i < tokens.size(); i++) {
      assertEquals(parts.get(i).length, awaitSuccess(c.s(), tokens.get(i)), "count of send #" + i);
    }
    assertBytes(all, drained.get(), "bytes at the peer, in call order");
  }
}
