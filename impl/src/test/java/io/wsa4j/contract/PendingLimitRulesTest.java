package io.wsa4j.contract;

import static io.wsa4j.Winsock.STATUS_PENDING;
import static io.wsa4j.Winsock.WSAENOBUFS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaOverlapped;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Rule 19 of API.md: a bound of pending receives, and apart from it of pending sends, per socket. */
@Timeout(30)
class PendingLimitRulesTest extends WsaFixture {

  private static final int LIMIT = 4;

  @Override
  protected WsaConfig config() {
    return WsaConfig.builder().maxPendingPerSocket(LIMIT).build();
  }

  /** Posts {@link #LIMIT} recvs that stay pending (the peer is silent). */
  private List<WsaOverlapped> fillRecvs(Conn c) {
    List<WsaOverlapped> posted = new ArrayList<>();
    for (int i = 0; i < LIMIT; i++) {
      WsaOverlapped ov = token();
      assertPendingNow(startRecv(c.s(), ov, null, BufKind.HEAP.make(8)), ov);
      posted.add(ov);
    }
    return posted;
  }

  /**
   * Makes one call past the limit and asserts it fails with WSAENOBUFS at once, with no
   * completion indication: count unwritten, token not pending, event unsignaled, routine not run.
   */
  private void assertRefused(Conn c, Op op, Mechanism mechanism) {
    WsaOverlapped ov = token();
    RoutineLog log = new RoutineLog();
    RoutineLog routine = mechanism == Mechanism.ROUTINE ? log : null;
    int[] count = {SENTINEL};
    WsaBuf[] bufs = {BufKind.HEAP.holding(randomBytes(8))};
    int rc = op == Op.RECV
        ? wsa.recv(c.s(), bufs, 1, count, new int[] {0}, ov, routine)
        : wsa.send(c.s(), bufs, 1, count, 0, ov, routine);
    assertFailsWith(WSAENOBUFS, rc, op + " number " + (LIMIT + 1));
    assertEquals(SENTINEL, count[0], "count written by a refused call");
    assertTrue(ov.internal() != STATUS_PENDING, "a refused call left its token pending");
    assertNoRoutineRuns(log);
    assertFalse(ov.event().isSignaled(), "a refused call signaled its event");
  }

  @ParameterizedTest(name = "rule 19: the recv past maxPendingPerSocket fails with WSAENOBUFS and no completion indication [{0}]")
  @EnumSource(Mechanism.class)
  void recvPastTheLimitIsRefused(Mechanism mechanism) throws Exception {
    Conn c = connect();
    List<WsaOverlapped> posted = fillRecvs(c);

    assertRefused(c, Op.RECV, mechanism);

    byte[] sent = randomBytes(1);
    c.peerSend(sent, Pacing.BULK);
    assertEquals(1, awaitSuccess(c.s(), posted.get(0)), "first recv");
    WsaOverlapped again = token();
    startRecv(c.s(), again, null, BufKind.HEAP.make(8));
    for (WsaOverlapped ov : posted.subList(1, LIMIT)) {
      assertEquals(STATUS_PENDING, ov.internal(), "a silent peer completed " + ov);
    }
    for (WsaOverlapped ov : posted.subList(1, LIMIT)) {
      c.peerSend(randomBytes(1), Pacing.BULK);
      assertEquals(1, awaitSuccess(c.s(), ov), "count of a recv posted before the refused one");
    }
    c.peerSend(randomBytes(1), Pacing.BULK);
    assertEquals(1, awaitSuccess(c.s(), again), "count of the recv posted after the completion");
  }

  @Test
  @DisplayName("rule 19: sends are bounded apart from recvs; the send past the limit fails with WSAENOBUFS and sends nothing")
  void sendPastTheLimitIsRefusedApartFromRecvs() throws Exception {
    Conn c = connectCongestible();
    fillRecvs(c);
    List<WsaOverlapped> sends = new ArrayList<>();
    List<byte[]> sent = new ArrayList<>();
    WsaOverlapped stuck = token();
    sent.add(startStuckSend(c, stuck, null, BufKind.DIRECT));
    sends.add(stuck);
    for (int i = 1; i < LIMIT; i++) {
      WsaOverlapped ov = token();
      byte[] data = randomBytes(1000);
      assertPendingNow(startSend(c.s(), ov, null, BufKind.HEAP.holding(data)), ov);
      sends.add(ov);
      sent.add(data);
    }

    assertRefused(c, Op.SEND, Mechanism.EVENT);
    assertRefused(c, Op.RECV, Mechanism.EVENT);

    Background<byte[]> peerReads = fork("peer-read-to-end", () -> c.peerReadToEnd());
    for (int i = 0; i < LIMIT; i++) {
      assertEquals(sent.get(i).length, awaitSuccess(c.s(), sends.get(i)), "count of send " + i);
    }
    byte[] after = randomBytes(10);
    WsaOverlapped ov = token();
    startSend(c.s(), ov, null, BufKind.HEAP.holding(after));
    assertEquals(after.length, awaitSuccess(c.s(), ov), "send after the completions");
    sent.add(after);

    assertEquals(0, wsa.closesocket(c.s()), () -> "closesocket: " + lastErrorName());
    assertBytes(concat(sent.toArray(new byte[0][])), peerReads.get(),
        "bytes at the peer: every accepted send, in order, and nothing of the refused one");
  }
}
