package io.wsa4j.contract;

import static io.wsa4j.Winsock.WSAEFAULT;
import static io.wsa4j.Winsock.SD_SEND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Rule 8 of API.md: calls without a token, and sockets made without WSA_FLAG_OVERLAPPED, block. */
@Timeout(30)
class BlockingCallRulesTest extends WsaFixture {

  /** A blocking recv into {@code buf}; asserts 0 with the count and flags 0, returns the bytes. */
  private byte[] blockingRecv(WsaSocket s, WsaBuf buf, WsaOverlapped ov, RoutineLog routine) {
    prefill(buf);
    int[] count = {SENTINEL};
    int[] flags = {0};
    int rc = wsa.recv(s, new WsaBuf[] {buf}, 1, count, flags, ov, routine);
    assertEquals(0, rc, () -> "blocking recv: " + lastErrorName());
    assertTrue(count[0] >= 1 && count[0] <= buf.len(), "count " + count[0]);
    assertEquals(0, flags[0], "flags out-parameter");
    return filledInOrder(count[0], buf);
  }

  @ParameterizedTest(name = "rule 8: a recv without a token blocks until data arrives, then returns 0 with the count [{0}, peer {1}]")
  @MethodSource("bufKindsAndPacings")
  void recvWithoutTokenBlocks(BufKind kind, Pacing pacing) throws Exception {
    Conn c = connect();
    byte[] sent = randomBytes(100);
    WsaBuf buf = kind.make(40);
    Background<byte[]> receiver = fork("blocking-recv", () -> {
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      while (got.size() < sent.length) {
        got.writeBytes(blockingRecv(c.s(), buf, null, null));
        kind.assertUnmoved(buf);
      }
      return got.toByteArray();
    });
    receiver.awaitBlockedIn("recv");

    c.peerSend(sent, pacing);
    assertBytes(sent, receiver.get(), "received stream");
  }

  @ParameterizedTest(name = "rule 8: a send without a token returns 0 with the full count [{0}]")
  @EnumSource(BufKind.class)
  void sendWithoutTokenReturnsFullCount(BufKind kind) throws Exception {
    Conn c = connect();
    byte[] data = randomBytes(1 + rnd.nextInt(256 * 1024));
    WsaBuf[] bufs = {kind.holding(data)};
    Background<byte[]> drained = drain(c.peer(), data.length, Pacing.BULK, new AtomicLong());

    int[] count = {SENTINEL};
    assertEquals(0, wsa.send(c.s(), bufs, 1, count, 0, null, null),
        () -> "blocking send: " + lastErrorName());
    assertEquals(data.length, count[0], "count");
    assertBytes(data, drained.get(), "bytes at the peer");
  }

  @ParameterizedTest(name = "rule 8: on a socket made without WSA_FLAG_OVERLAPPED a call with a token blocks and ignores the routine [{0}]")
  @EnumSource(Op.class)
  void nonOverlappedSocketBlocksDespiteToken(Op op) throws Exception {
    Conn c = connect(Connector.LIBRARY_CONNECTS, op == Op.SEND, 0);
    WsaOverlapped ov = token();
    RoutineLog log = new RoutineLog();
    if (op == Op.RECV) {
      byte[] sent = randomBytes(20);
      Background<byte[]> receiver = fork("recv-with-token", () -> {
        byte[] got = blockingRecv(c.s(), BufKind.HEAP.make(64), ov, log);
        assertNoRoutineRuns(log);
        return got;
      });
      receiver.awaitBlockedIn("recv");
      c.peerSend(sent, Pacing.BULK);
      byte[] got = receiver.get();
      assertBytes(Arrays.copyOf(sent, got.length), got, "received bytes");
    } else {
      byte[] data = randomBytes(1 << 20);
      Background<byte[]> drained = drain(c.peer(), data.length, Pacing.BULK, new AtomicLong());
      int[] count = {SENTINEL};
      int rc = wsa.send(c.s(), new WsaBuf[] {BufKind.HEAP.holding(data)}, 1, count, 0, ov, log);
      assertEquals(0, rc, () -> "send with a token on a non-overlapped socket: " + lastErrorName());
      assertEquals(data.length, count[0], "count");
      assertBytes(data, drained.get(), "bytes at the peer");
      assertNoRoutineRuns(log);
    }
    assertEquals(0, log.count(), "routine invocations");
  }

  @ParameterizedTest(name = "rule 8: a blocking call without a count out-parameter fails with WSAEFAULT and moves no data [{0}]")
  @EnumSource(Op.class)
  void blockingCallWithoutCountFails(Op op) throws Exception {
    Conn c = connect();
    byte[] data = randomBytes(6);
    WsaBuf[] bufs = {op == Op.RECV ? BufKind.HEAP.prefilled(16) : BufKind.HEAP.holding(data)};
    if (op == Op.RECV) {
      c.peerSend(data, Pacing.BULK);
    }

    int rc = op == Op.RECV
        ? wsa.recv(c.s(), bufs, 1, null, new int[] {0}, null, null)
        : wsa.send(c.s(), bufs, 1, null, 0, null, null);
    assertFailsWith(WSAEFAULT, rc, op + " without token and count");

    // the failed call moved nothing: the next good call sees exactly the same data
    int[] count = {SENTINEL};
    if (op == Op.RECV) {
      filledInOrder(0, bufs);
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      while (got.size() < data.length) {
        got.writeBytes(blockingRecv(c.s(), bufs[0], null, null));
      }
      assertBytes(data, got.toByteArray(), "bytes received after the failed call");
    } else {
      assertEquals(0, wsa.send(c.s(), bufs, 1, count, 0, null, null),
          () -> "send: " + lastErrorName());
      assertEquals(0, wsa.shutdown(c.s(), SD_SEND), () -> "shutdown: " + lastErrorName());
      assertBytes(data, c.peerReadToEnd(), "bytes at the peer: the failed send sent nothing");
    }
  }
}
