package io.wsa4j.faults;

import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.WAIT_TIMEOUT;
import static io.wsa4j.Winsock.WSAENOBUFS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaOverlapped;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A socket at its bound of pending operations refuses the next one with {@code WSAENOBUFS} and no
 * completion indication at all, and takes new ones again once some complete.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueueLimitTest extends WsaFixture {
  private static final int LIMIT = 4;

  private Wsa limited() {
    return startup(WsaConfig.builder().ioThreads(2).maxPendingPerSocket(LIMIT).build());
  }

  /**
   * The refused token was never announced, checked through the mode's own channel: its event is
   * not signaled, an alertable wait runs no routine for it, or the port has no packet at all.
   */
  private static void assertNeverAnnounced(Wsa wsa, Indication mode, WsaCompletionPort port,
      CountingToken refused) {
    assertFalse(refused.internal() == io.wsa4j.Winsock.STATUS_PENDING, "refused op pending");
    assertEquals(0, refused.internalHigh(), "the refused op transferred bytes");
    if (mode == Indication.EVENT) {
      assertFalse(refused.event().isSignaled(), "the refused op's event was signaled");
    } else if (mode == Indication.ROUTINE) {
      assertEquals(0, wsa.sleepEx(100, true), "a routine ran for the refused op");
      assertEquals(0, refused.routineCalls.get(), "the refused op's routine ran");
    } else {
      WsaOverlapped[] got = {refused};
      assertFalse(wsa.getQueuedCompletionStatus(port, new int[1], new long[1], got, 100),
          () -> "a packet while only refused and pending ops exist: " + got[0]);
      assertEquals(WAIT_TIMEOUT, Wsa.getLastError());
      assertEquals(null, got[0], "a timed-out dequeue writes no token");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Indication.class)
  void receiveBeyondTheLimitIsRefusedSilentlyAndTheSocketRecovers(Indication mode)
      throws Exception {
    Wsa wsa = limited();
    Conn c = connect(wsa, false);
    WsaCompletionPort port = mode.prepare(wsa, c.s());
    List<CountingToken> tokens = new ArrayList<>();
    List<WsaBuf> bufs = new ArrayList<>();
    for (int i = 0; i < LIMIT; i++) {
      CountingToken t = mode.token(wsa);
      WsaBuf b = WsaBuf.allocate(100);
      mustStart(recvOv(wsa, c.s(), b, t, mode.routine()), "recv " + i);
      tokens.add(t);
      bufs.add(b);
    }
    CountingToken refused = mode.token(wsa);
    assertEquals(SOCKET_ERROR, recvOv(wsa, c.s(), WsaBuf.allocate(100), refused, mode.routine()));
    assertEquals(WSAENOBUFS, Wsa.getLastError(), lastError("recv beyond the limit"));
    assertNeverAnnounced(wsa, mode, port, refused);

    byte[] data = pattern(LIMIT * 100, 11);
    c.peer().getOutputStream().write(data);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    for (int i = 0; i < LIMIT; i++) {
      int[] r = mode.await(wsa, c.s(), port, tokens.get(i));
      assertEquals(0, r[0], () -> name(r[0]));
      got.write(bytesOf(bufs.get(i), r[1]));
    }
    // room again: the refused token itself may be posted now, and completes
    WsaBuf more = WsaBuf.allocate(data.length);
    mustStart(recvOv(wsa, c.s(), more, refused, mode.routine()), "recv after completions");
    if (got.size() == data.length) {
      c.peer().getOutputStream().write(new byte[] {42});
    }
    int[] r = mode.await(wsa, c.s(), port, refused);
    assertEquals(0, r[0], () -> name(r[0]));
    byte[] last = bytesOf(more, r[1]);
    if (got.size() == data.length) {
      assertArrayEquals(new byte[] {42}, last, "the receive posted once there was room");
    } else {
      got.write(last);
      while (got.size() < data.length) { // the rest, however the stack split it
        CountingToken t = mode.token(wsa);
        WsaBuf b = WsaBuf.allocate(data.length);
        mustStart(recvOv(wsa, c.s(), b, t, mode.routine()), "recv");
        int[] n = mode.await(wsa, c.s(), port, t);
        assertEquals(0, n[0], () -> name(n[0]));
        assertTrue(n[1] > 0, "EOF");
        got.write(bytesOf(b, n[1]));
      }
    }
    assertArrayEquals(data, got.toByteArray(), "the bytes the receives got, in posting order");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Indication.class)
  void sendBeyondTheLimitIsRefusedSilentlyAndTheSocketRecovers(Indication mode)
      throws Exception {
    Wsa wsa = limited();
    Conn c = connect(wsa, true);
    WsaCompletionPort port = mode.prepare(wsa, c.s());
    List<CountingToken> tokens = new ArrayList<>();
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    for (int i = 0; i < LIMIT; i++) {
      byte[] chunk = pattern(200_000, 20 + i);
      CountingToken t = mode.token(wsa);
      mustStart(sendOv(wsa, c.s(), bufOf(chunk, i % 2 == 0), t, mode.routine()), "send " + i);
      tokens.add(t);
      sent.write(chunk);
    }
    CountingToken refused = mode.token(wsa);
    assertEquals(SOCKET_ERROR, sendOv(wsa, c.s(), bufOf(new byte[] {1}, false), refused,
        mode.routine()));
    assertEquals(WSAENOBUFS, Wsa.getLastError(), lastError("send beyond the limit"));
    assertNeverAnnounced(wsa, mode, port, refused);

    byte[] read = readN(c.peer(), sent.size());
    assertArrayEquals(sent.toByteArray(), read, "the peer read the four sends in order");
    for (CountingToken t : tokens) {
      int[] r = mode.await(wsa, c.s(), port, t);
      assertEquals(0, r[0], () -> name(r[0]));
      assertEquals(200_000, r[1]);
    }
    byte[] last = pattern(1000, 30);
    mustStart(sendOv(wsa, c.s(), bufOf(last, true), refused, mode.routine()), "send again");
    assertArrayEquals(last, readN(c.peer(), last.length));
    assertEquals(0, mode.await(wsa, c.s(), port, refused)[0]);
    mode.assertNoMore(wsa, port, refused);
    assertTrue(c.peer().getInputStream().available() == 0, "bytes beyond the sends");
  }
}
