package io.wsa4j.faults;

import static io.wsa4j.Winsock.WSAECONNABORTED;
import static io.wsa4j.Winsock.WSAECONNRESET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.testkit.WsaFixture.CountingToken;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A peer that resets the connection (linger 0, close) while operations are in flight: each one
 * completes exactly once with a connection error, through its own mechanism, and nothing hangs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerResetTest extends WsaFixture {
  private static final int LARGE = 16 << 20;

  private static void reset(Socket peer) throws Exception {
    peer.setSoLinger(true, 0);
    peer.close();
  }

  private static void assertConnectionError(int status, String what) {
    assertTrue(status == WSAECONNRESET || status == WSAECONNABORTED,
        what + " completed with " + name(status) + ", not WSAECONNRESET/WSAECONNABORTED");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Indication.class)
  void resetDuringLargeSendCompletesItAndTheQueuedSendOnceWithAConnectionError(Indication mode)
      throws Exception {
    Wsa wsa = startup();
    Conn c = connect(wsa, true);
    WsaCompletionPort port = mode.prepare(wsa, c.s());
    byte[] data = pattern(LARGE, 1);
    CountingToken big = mode.token(wsa);
    CountingToken queued = mode.token(wsa);
    mustStart(sendOv(wsa, c.s(), bufOf(data, true), big, mode.routine()), "send(16 MiB)");
    mustStart(sendOv(wsa, c.s(), bufOf(pattern(1000, 2), false), queued, mode.routine()),
        "send(queued)");

    byte[] head = readN(c.peer(), 64 * 1024); // the send is under way, and stuck on the peer
    assertArrayEquals(Arrays.copyOf(data, head.length), head, "the first bytes the peer read");
    assertTrue(!big.isCompleted(), "a 16 MiB send completed into a 16 KiB window");
    reset(c.peer());

    int[] first = mode.await(wsa, c.s(), port, big);
    assertConnectionError(first[0], "the large send");
    int[] second = mode.await(wsa, c.s(), port, queued);
    assertConnectionError(second[0], "the queued send");
    mode.assertNoMore(wsa, port, queued);
    assertEquals(mode == Indication.EVENT ? 0 : 1, big.indications(),
        "announcements of the large send");
    assertEquals(0, wsa.closesocket(c.s()), lastError("closesocket"));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Indication.class)
  void resetWhileReceivesArePendingCompletesEachOnceWithConnectionReset(Indication mode)
      throws Exception {
    Wsa wsa = startup();
    Conn c = connect(wsa, false);
    WsaCompletionPort port = mode.prepare(wsa, c.s());
    CountingToken[] tokens = new CountingToken[3];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = mode.token(wsa);
      mustStart(recvOv(wsa, c.s(), WsaBuf.allocate(4096), tokens[i], mode.routine()), "recv");
    }
    reset(c.peer());
    for (CountingToken t : tokens) {
      int[] r = mode.await(wsa, c.s(), port, t);
      assertEquals(WSAECONNRESET, r[0], () -> "a pending receive completed with " + name(r[0]));
    }
    mode.assertNoMore(wsa, port, tokens[tokens.length - 1]);
    for (CountingToken t : tokens) {
      assertEquals(mode == Indication.EVENT ? 0 : 1, t.indications(), "announcements");
    }
    // the error is sticky: a receive posted now fails too, at once or through its indication
    CountingToken late = mode.token(wsa);
    int rc = recvOv(wsa, c.s(), WsaBuf.allocate(16), late, mode.routine());
    if (rc != 0 && Wsa.getLastError() != io.wsa4j.Winsock.WSA_IO_PENDING) {
      assertConnectionError(Wsa.getLastError(), "a receive after the reset");
      assertEquals(0, late.indications(), "a call that failed at once was announced");
    } else {
      assertNotEquals(0, mode.await(wsa, c.s(), port, late)[0], "a receive after the reset");
    }
    assertEquals(0, wsa.closesocket(c.s()), lastError("closesocket"));
  }
}
