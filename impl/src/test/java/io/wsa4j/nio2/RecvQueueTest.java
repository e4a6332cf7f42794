package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;
import static io.wsa4j.nio2.QueueFixture.room;
import static io.wsa4j.nio2.QueueFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.WsaBuf;
import io.wsa4j.WsaOverlapped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The receive FIFO against an NIO2 channel the test drives by hand. */
@Timeout(10)
class RecvQueueTest {
  private final QueueFixture f = new QueueFixture();

  @AfterEach
  void tearDown() {
    f.close();
  }

  private WsaOverlapped post(WsaBuf[] buffers, int flags) {
    WsaOverlapped token = f.token();
    int r = f.recv.post(buffers, buffers.length, null, token, null, flags, null, ThreadState.current());
    assertTrue(r == 0 || r == WSA_IO_PENDING, "posted: " + r);
    return token;
  }
  /** Counts each token's announcements: one routine call per announcement, run here. */
  private final java.util.Map<WsaOverlapped, Integer> announced =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final io.wsa4j.WsaCompletionRoutine counting =
      (error, bytes, ov, flags) -> announced.merge(ov, 1, Integer::sum);

  private WsaOverlapped postCounted(WsaBuf[] buffers) {
    WsaOverlapped token = f.token();
    int r = f.recv.post(buffers, buffers.length, null, token, counting, 0, null,
        ThreadState.current());
    assertTrue(r == 0 || r == WSA_IO_PENDING, "posted: " + r);
    return token;
  }

  /** Runs this thread's queued routines; returns how often {@code token} was announced. */
  private int announcements(WsaOverlapped token) {
    while (f.wsa.sleepEx(0, true) == WSA_WAIT_IO_COMPLETION) {
      // ran one batch of routines
    }
    return announced.getOrDefault(token, 0);
  }


  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  @DisplayName("rule 4: posted receives are filled in call order, one NIO2 read at a time")
  void receivesFillInCallOrder() {
    WsaBuf[] a = room(4);
    WsaBuf[] b = room(2, 3);
    WsaOverlapped first = post(a, 0);
    WsaOverlapped second = post(b, 0);
    assertEquals(1, f.fake.reads.size(), "NIO2 allows one read in flight");
    f.fake.readDelivers(ascii("abcd"));
    assertEquals(1, f.fake.reads.size());
    f.fake.readDelivers(ascii("efghi"));
    assertEquals(4, first.internalHigh());
    assertEquals("abcd", text(a, 4));
    assertEquals(5, second.internalHigh());
    assertEquals("efghi", text(b, 5), "scatter fills the buffers in array order");
    assertTrue(f.fake.reads.isEmpty());
  }

  @Test
  @DisplayName("rule 6: a receive completes with the bytes that arrived, not when its buffers are full")
  void completesWithWhatArrived() {
    WsaBuf[] big = room(1024);
    WsaOverlapped token = post(big, 0);
    f.fake.readDelivers(ascii("hi"));
    assertEquals(0, token.internal());
    assertEquals(2, token.internalHigh());
    assertTrue(token.event().isSignaled());
  }

  @Test
  @DisplayName("rule 6: end of stream completes the head and every later receive with 0 bytes")
  void endOfStreamIsSticky() {
    WsaOverlapped first = post(room(8), 0);
    WsaOverlapped second = post(room(8), 0);
    f.fake.readEndOfStream();
    assertEquals(0, first.internal());
    assertEquals(0, first.internalHigh());
    assertEquals(0, second.internal());
    WsaOverlapped later = post(room(8), 0);
    assertEquals(0, later.internal(), "a receive after EOF completes at once with 0");
    assertTrue(f.fake.reads.isEmpty(), "no read is issued after EOF");
  }

  @Test
  @DisplayName("rule 14: a reset fails the head and queued receives with WSAECONNRESET, and later ones at once")
  void resetIsSticky() {
    WsaOverlapped first = post(room(8), 0);
    WsaOverlapped second = post(room(8), 0);
    f.fake.readFails(new IOException("Connection reset by peer"));
    assertEquals(WSAECONNRESET, first.internal());
    assertEquals(WSAECONNRESET, second.internal());
    assertEquals(WSAECONNRESET, f.recv.post(room(1), 1, null, f.token(), null, 0, null, ThreadState.current()));
  }

  @Test
  @DisplayName("MSG_WAITALL: a receive keeps reading until its buffers are full")
  void waitAllGathersUntilFull() {
    WsaBuf[] bufs = room(3, 3);
    WsaOverlapped token = post(bufs, MSG_WAITALL);
    f.fake.readDelivers(ascii("ab"));
    assertFalse(token.isCompleted());
    f.fake.readDelivers(ascii("cde"));
    assertFalse(token.isCompleted());
    f.fake.readDelivers(ascii("f"));
    assertEquals(6, token.internalHigh());
    assertEquals("abcdef", text(bufs, 6));
  }

  @Test
  @DisplayName("rule 12: closing aborts every receive once; the in-flight read's late report adds nothing")
  void abortAnnouncesOnce() {
    WsaOverlapped inFlight = postCounted(room(8));
    WsaOverlapped queued = postCounted(room(8));
    f.recv.abortAll(true);
    f.fake.readFails(new java.nio.channels.AsynchronousCloseException());
    assertEquals(1, announcements(inFlight), "the in-flight receive's announcements");
    assertEquals(1, announcements(queued), "the queued receive's announcements");
    assertEquals(WSA_OPERATION_ABORTED, inFlight.internal());
    assertEquals(WSA_OPERATION_ABORTED, queued.internal());
    assertEquals(WSAENOTSOCK, f.recv.post(room(1), 1, null, f.token(), null, 0, null, ThreadState.current()));
  }

  @Test
  @DisplayName("rule 23: cleanup-style abort writes the status but signals no event")
  void silentAbortSignalsNothing() {
    WsaOverlapped token = post(room(8), 0);
    f.recv.abortAll(false);
    assertEquals(WSA_OPERATION_ABORTED, token.internal());
    assertFalse(token.event().isSignaled());
  }
}
