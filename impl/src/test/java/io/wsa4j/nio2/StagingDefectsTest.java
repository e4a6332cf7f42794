package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;
import static io.wsa4j.nio2.QueueFixture.bufs;
import static io.wsa4j.nio2.QueueFixture.room;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.WsaBuf;
import io.wsa4j.WsaOverlapped;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10's engine defects in the send and receive queues, each against a {@link FakeChannel}
 * that completes NIO2's reads and writes when the test says.
 */
@Timeout(10)
class StagingDefectsTest {
  private final QueueFixture f = new QueueFixture();

  @AfterEach
  void tearDown() {
    f.close();
  }

  private static WsaOverlapped post(OpQueue q, WsaOverlapped token, WsaBuf... buffers) {
    int r = q.post(buffers, buffers.length, null, token, null, 0, null, ThreadState.current());
    assertEquals(WSA_IO_PENDING, r, "the fake completes nothing during the call");
    return token;
  }

  @Test
  @DisplayName("a send whose bytes all went succeeds with its count although cancelIoEx came while NIO2 wrote it")
  void cancelledSendThatWentWholeSucceeds() {
    WsaOverlapped token = post(f.send, f.token(), bufs("abcd"));
    assertEquals(1, f.send.cancel(token, null), "the in-flight send matches");
    f.fake.writeSome(4);
    assertEquals(0, token.internal(), "every byte went: success");
    assertEquals(4, token.internalHigh());
  }

  @Test
  @DisplayName("a send aborted part-way keeps the bytes that went in internalHigh")
  void sendAbortedPartWayKeepsItsCount() {
    WsaOverlapped token = post(f.send, f.token(), bufs("abcdef"));
    f.send.cancel(token, null);
    f.fake.writeSome(2);
    assertEquals(WSA_OPERATION_ABORTED, token.internal());
    assertEquals(2, token.internalHigh(), "the two bytes the peer has");
    assertTrue(f.fake.writes.isEmpty(), "nothing more is written after the abort");
  }

  @Test
  @DisplayName("a socket closed with a receive in flight gives its staging back to the pool once NIO2 lets go")
  void closedSocketReturnsStaging() {
    StagingPool pool = new StagingPool();
    RecvQueue recv = new RecvQueue(f.socket, f.fake.channel, 4, pool);
    post(recv, f.token(), room(100));
    ByteBuffer inFlight = f.fake.reads.peek().buffers[0];
    recv.abortAll(true);
    assertNull(pool.poll(inFlight.capacity()), "NIO2 still owns it: not pooled yet");
    f.fake.readFails(new AsynchronousCloseException());
    assertSame(inFlight, pool.poll(inFlight.capacity()), "back in the pool");
  }

  @Test
  @DisplayName("out of direct memory: the receive fails with WSAENOBUFS, nothing throws, the next one may succeed")
  void exhaustedDirectMemoryFailsWithNoBufs() {
    AtomicInteger refusals = new AtomicInteger(1);
    StagingPool pool = new StagingPool(capacity -> {
      if (refusals.getAndDecrement() > 0) {
        throw new OutOfMemoryError("Cannot reserve " + capacity + " bytes of direct buffer memory");
      }
      return ByteBuffer.allocateDirect(capacity);
    });
    RecvQueue recv = new RecvQueue(f.socket, f.fake.channel, 4, pool);
    WsaOverlapped token = f.token();
    int r = recv.post(room(10), 1, null, token, null, 0, null, ThreadState.current());
    assertTrue(r == 0 || r == WSA_IO_PENDING, "no exception, a return code: " + r);
    assertEquals(WSAENOBUFS, token.internal(), "the receive failed with WSAENOBUFS");
    assertTrue(f.fake.reads.isEmpty(), "no read was started");
    WsaOverlapped next = post(recv, f.token(), room(10));
    assertEquals(1, f.fake.reads.size(), "memory again: the next receive reads");
    f.fake.readDelivers(new byte[] {1, 2});
    assertEquals(2, next.internalHigh());
  }

  @Test
  @DisplayName("after a burst, the zero-byte read of an idle connection is back at 1 KiB")
  void idleZeroByteReadShrinks() {
    StagingPool pool = new StagingPool();
    RecvQueue recv = new RecvQueue(f.socket, f.fake.channel, 4, pool);
    byte[] full = new byte[64 * 1024];
    for (int i = 0; i < 4; i++) { // full reads: 1 KiB, 4 KiB, 16 KiB, 64 KiB
      post(recv, f.token(), new WsaBuf(ByteBuffer.allocate(0), 0));
      f.fake.readDelivers(full);
      assertEquals(0, recv.post(room(64 * 1024), 1, null, f.token(), null, 0, null,
          ThreadState.current()), "takes the staged bytes during the call");
    }
    post(recv, f.token(), new WsaBuf(ByteBuffer.allocate(0), 0));
    assertEquals(64 * 1024, f.fake.reads.peek().buffers[0].capacity(), "data flows: 64 KiB");
    f.fake.readDelivers(new byte[10]); // the burst ends: a short read
    assertEquals(0, recv.post(room(64 * 1024), 1, null, f.token(), null, 0, null,
        ThreadState.current()));
    post(recv, f.token(), new WsaBuf(ByteBuffer.allocate(0), 0)); // now the connection idles
    assertEquals(StagingPool.SMALLEST, f.fake.reads.peek().buffers[0].capacity(),
        "the idle zero-byte read holds 1 KiB, not 64");
  }

  @Test
  @DisplayName("the op uses the positions and lengths the call validated, whatever the buffer says later")
  void regionsAreReadOnce() {
    ByteBuffer bb = ByteBuffer.allocate(16);
    bb.position(3);
    WsaBuf[] buf = {new WsaBuf(bb, 5)};
    int[] regions = {3, 5};
    bb.position(14); // the caller moves it after validation: 5 bytes would no longer fit
    IoOp op = new IoOp(f.send);
    op.capture(buf, 1, regions);
    assertEquals(3, op.views[0].position());
    assertEquals(8, op.views[0].limit());
    assertEquals(5, op.remaining);
  }
}
