package io.wsa4j.faults;

import static io.wsa4j.Winsock.SD_SEND;
import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.WSAESHUTDOWN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.testkit.WsaFixture.CountingToken;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A connection closed in one direction only keeps working in the other. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HalfCloseTest extends WsaFixture {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Indication.class)
  void peerShutdownOutputGivesPendingAndLaterReceivesZeroWhileSendsStillArrive(Indication mode)
      throws Exception {
    Wsa wsa = startup();
    Conn c = connect(wsa, false);
    WsaCompletionPort port = mode.prepare(wsa, c.s());
    byte[] before = pattern(3000, 5);
    c.peer().getOutputStream().write(before);
    c.peer().shutdownOutput();

    // first the bytes sent before the FIN, in order, then 0 (graceful close), every time
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    for (;;) {
      CountingToken t = mode.token(wsa);
      WsaBuf b = WsaBuf.allocate(1024);
      mustStart(recvOv(wsa, c.s(), b, t, mode.routine()), "recv");
      int[] r = mode.await(wsa, c.s(), port, t);
      assertEquals(0, r[0], () -> "receive status " + name(r[0]));
      if (r[1] == 0) {
        break;
      }
      got.write(bytesOf(b, r[1]));
    }
    assertArrayEquals(before, got.toByteArray(), "the bytes before the peer's FIN");
    CountingToken again = mode.token(wsa);
    mustStart(recvOv(wsa, c.s(), WsaBuf.allocate(10), again, mode.routine()), "recv after EOF");
    assertEquals(0, mode.await(wsa, c.s(), port, again)[1], "a receive after EOF gets 0 again");

    byte[] after = pattern(200_000, 6);
    CountingToken s = mode.token(wsa);
    mustStart(sendOv(wsa, c.s(), bufOf(after, true), s, mode.routine()), "send after peer FIN");
    byte[] read = readN(c.peer(), after.length);
    int[] r = mode.await(wsa, c.s(), port, s);
    assertEquals(0, r[0], () -> "send status " + name(r[0]));
    assertEquals(after.length, r[1], "bytes sent");
    assertArrayEquals(after, read, "what the peer read after its own shutdownOutput");
    mode.assertNoMore(wsa, port, s);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Indication.class)
  void shutdownSendLetsQueuedSendsFinishThenPeerReadsEofWhileTheLibraryStillReceives(
      Indication mode) throws Exception {
    Wsa wsa = startup();
    Conn c = connect(wsa, true);
    WsaCompletionPort port = mode.prepare(wsa, c.s());
    byte[] one = pattern(300_000, 7);
    byte[] two = pattern(5_000, 8);
    CountingToken t1 = mode.token(wsa);
    CountingToken t2 = mode.token(wsa);
    mustStart(sendOv(wsa, c.s(), bufOf(one, false), t1, mode.routine()), "send 1");
    mustStart(sendOv(wsa, c.s(), bufOf(two, true), t2, mode.routine()), "send 2");
    assertEquals(0, wsa.shutdown(c.s(), SD_SEND), lastError("shutdown(SD_SEND)"));
    assertEquals(SOCKET_ERROR, sendOv(wsa, c.s(), bufOf(two, false), mode.token(wsa),
        mode.routine()), "send after shutdown(SD_SEND)");
    assertEquals(WSAESHUTDOWN, Wsa.getLastError(), lastError("send after shutdown(SD_SEND)"));

    InputStream in = c.peer().getInputStream();
    byte[] all = in.readAllBytes(); // ends at the FIN, which follows the queued data
    byte[] expected = new byte[one.length + two.length];
    System.arraycopy(one, 0, expected, 0, one.length);
    System.arraycopy(two, 0, expected, one.length, two.length);
    assertArrayEquals(expected, all, "the peer reads both sends, then EOF");
    assertEquals(0, mode.await(wsa, c.s(), port, t1)[0]);
    assertEquals(0, mode.await(wsa, c.s(), port, t2)[0]);

    byte[] reply = pattern(70_000, 9);
    c.peer().getOutputStream().write(reply);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    while (got.size() < reply.length) {
      CountingToken t = mode.token(wsa);
      WsaBuf b = WsaBuf.allocateDirect(8192);
      mustStart(recvOv(wsa, c.s(), b, t, mode.routine()), "recv after shutdown(SD_SEND)");
      int[] r = mode.await(wsa, c.s(), port, t);
      assertEquals(0, r[0], () -> "receive status " + name(r[0]));
      assertEquals(true, r[1] > 0, "EOF before the reply was complete");
      got.write(bytesOf(b, r[1]));
    }
    assertArrayEquals(reply, got.toByteArray(), "what the library received after its FIN");
    mode.assertNoMore(wsa, port, t2);
  }
  /**
   * A send the peer does not read stays pending, and the peer's FIN still ends a receive posted
   * beside it: the end of stream is not held behind a write that waits for the peer (the program
   * {@code -Dwsa4j.program=8368561930378722749} of {@link StreamPropertyTest} hung here).
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Indication.class)
  void peerFinEndsAReceiveWhileASendWaitsForThePeerToRead(Indication mode) throws Exception {
    Wsa wsa = startup();
    Conn c = connect(wsa, true);
    WsaCompletionPort port = mode.prepare(wsa, c.s());
    byte[] big = pattern(4 << 20, 10); // far more than both small socket buffers hold
    CountingToken send = mode.token(wsa);
    mustStart(sendOv(wsa, c.s(), bufOf(big, false), send, mode.routine()), "send");
    CountingToken recv = mode.token(wsa);
    mustStart(recvOv(wsa, c.s(), WsaBuf.allocate(808), recv, mode.routine()), "recv");
    c.peer().shutdownOutput();

    int[] r = mode.await(wsa, c.s(), port, recv);
    assertEquals(0, r[0], () -> "receive status " + name(r[0]));
    assertEquals(0, r[1], "the receive reports the peer's FIN as 0 bytes");
    assertEquals(false, send.isCompleted(), "the send completed although the peer read nothing");

    byte[] read = readN(c.peer(), big.length);
    int[] sent = mode.await(wsa, c.s(), port, send);
    assertEquals(0, sent[0], () -> "send status " + name(sent[0]));
    assertEquals(big.length, sent[1], "bytes sent");
    assertArrayEquals(big, read, "what the peer read once it started reading");
    mode.assertNoMore(wsa, port, send);
  }
}
