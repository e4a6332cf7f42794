package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;
import static io.wsa4j.nio2.QueueFixture.bufs;
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

/** The send FIFO against an NIO2 channel the test drives by hand. */
@Timeout(10)
class SendQueueTest {
  private final QueueFixture f = new QueueFixture();

  @AfterEach
  void tearDown() {
    f.close();
  }

  private WsaOverlapped post(WsaBuf[] buffers) {
    WsaOverlapped token = f.token();
    int r = f.send.post(buffers, buffers.length, null, token, null, 0, null, ThreadState.current());
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
    int r = f.send.post(buffers, buffers.length, null, token, counting, 0, null,
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


  @Test
  @DisplayName("rule 5: a gathered send written one byte at a time completes once, with every byte")
  void partialWritesNeverCompleteTheSend() {
    WsaOverlapped token = post(bufs("abc", "defg"));
    for (int i = 0; i < 6; i++) {
      f.fake.writeSome(1);
      assertFalse(token.isCompleted(), "completed after " + (i + 1) + " of 7 bytes");
      assertFalse(token.event().isSignaled());
    }
    f.fake.writeSome(1);
    assertEquals(0, token.internal());
    assertEquals(7, token.internalHigh());
    assertTrue(token.event().isSignaled());
    assertEquals("abcdefg", f.fake.written.toString(StandardCharsets.US_ASCII));
  }

  @Test
  @DisplayName("rule 4: queued sends go out in call order, one NIO2 write at a time")
  void sendsLeaveInCallOrder() {
    WsaOverlapped first = post(bufs("one,"));
    WsaOverlapped second = post(bufs("two,", "2,"));
    WsaOverlapped third = post(bufs("three"));
    while (!f.fake.writes.isEmpty()) {
      assertEquals(1, f.fake.writes.size(), "NIO2 allows one write in flight");
      f.fake.writeSome(3);
    }
    assertEquals("one,two,2,three", f.fake.written.toString(StandardCharsets.US_ASCII));
    assertEquals(4, first.internalHigh());
    assertEquals(6, second.internalHigh());
    assertEquals(5, third.internalHigh());
  }

  @Test
  @DisplayName("rule 14: a failed write fails the head and every queued send with the mapped code")
  void writeFailureIsStickyForTheDirection() {
    WsaOverlapped first = post(bufs("aaaa"));
    WsaOverlapped second = post(bufs("bbbb"));
    f.fake.writeFails(new IOException("Broken pipe"));
    assertEquals(WSAECONNABORTED, first.internal());
    assertEquals(WSAECONNABORTED, second.internal());
    assertTrue(second.event().isSignaled());
    WsaBuf[] later = bufs("c");
    assertEquals(WSAECONNABORTED,
        f.send.post(later, 1, null, f.token(), null, 0, null, ThreadState.current()), "later sends fail at once");
  }

  @Test
  @DisplayName("rule 12: closing aborts the in-flight and queued sends once; NIO2's late report adds nothing")
  void abortAnnouncesEachSendOnce() {
    WsaOverlapped inFlight = postCounted(bufs("xxxx"));
    WsaOverlapped queued = postCounted(bufs("yyyy"));
    f.send.abortAll(true);
    f.fake.writeFails(new java.nio.channels.AsynchronousCloseException());
    assertEquals(1, announcements(inFlight), "the in-flight send's announcements");
    assertEquals(1, announcements(queued), "the queued send's announcements");
    assertEquals(WSA_OPERATION_ABORTED, inFlight.internal());
    assertEquals(WSA_OPERATION_ABORTED, queued.internal());
    assertTrue(f.fake.writes.isEmpty(), "nothing is written after the abort");
  }

  @Test
  @DisplayName("rule 19: the fifth pending send on a socket bounded at four fails with WSAENOBUFS")
  void pendingSendsAreBounded() {
    for (int i = 0; i < 4; i++) {
      post(bufs("z"));
    }
    WsaOverlapped refused = f.token();
    assertEquals(WSAENOBUFS, f.send.post(bufs("z"), 1, null, refused, null, 0, null, ThreadState.current()));
    assertFalse(refused.internal() == STATUS_PENDING, "a refused call leaves the token alone");
    f.fake.writeSome(1);
    assertEquals(WSA_IO_PENDING, f.send.post(bufs("z"), 1, null, refused, null, 0, null, ThreadState.current()),
        "room again once one completed");
  }

  @Test
  @DisplayName("shutdown(SD_SEND) waits for the queued sends, then shuts the output down")
  void shutdownFollowsQueuedData() throws IOException {
    post(bufs("data"));
    f.send.shutdown();
    org.mockito.Mockito.verify(f.fake.channel, org.mockito.Mockito.never()).shutdownOutput();
    f.fake.writeSome(4);
    org.mockito.Mockito.verify(f.fake.channel).shutdownOutput();
    assertEquals(WSAESHUTDOWN, f.send.post(bufs("late"), 1, null, f.token(), null, 0, null, ThreadState.current()));
  }
}
