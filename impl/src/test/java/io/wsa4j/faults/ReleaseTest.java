package io.wsa4j.faults;

import static io.wsa4j.Winsock.WSA_WAIT_IO_COMPLETION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the application hands the library is released once the library is done with it, while
 * the context lives on: completed tokens, buffers (the WsaBuf and its ByteBuffer), completion
 * routines, closed events and a closed socket become unreachable from the library.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReleaseTest extends WsaFixture {

  /** A routine of its own class, so that no shared lambda instance is what stays reachable. */
  static final class Routine implements WsaCompletionRoutine {
    final AtomicInteger calls;

    Routine(AtomicInteger calls) {
      this.calls = calls;
    }

    @Override
    public void complete(int error, int bytes, WsaOverlapped ov, int flags) {
      calls.incrementAndGet();
    }
  }

  /**
   * Runs one connection through every completion mechanism and returns weak references to what
   * it used; nothing it made stays strongly reachable from the test once it returns.
   */
  private Map<String, WeakReference<Object>> useAndDrop(Wsa wsa) throws Exception {
    Map<String, WeakReference<Object>> refs = new LinkedHashMap<>();
    Conn c = connect(wsa, false);
    Conn viaPort = connect(wsa, false);
    WsaCompletionPort port = wsa.createIoCompletionPort(viaPort.s(), null, 5, 0);
    assertNotNull(port);

    // an event-signaled receive and send
    WsaEvent event = wsa.createEvent();
    WsaOverlapped eventToken = new WsaOverlapped(event);
    WsaBuf recvBuf = WsaBuf.allocateDirect(100);
    ByteBuffer recvBytes = recvBuf.buf();
    mustStart(recvOv(wsa, c.s(), recvBuf, eventToken, null), "recv");
    c.peer().getOutputStream().write(new byte[] {1, 2, 3});
    int[] n = new int[1];
    assertTrue(wsa.getOverlappedResult(c.s(), eventToken, n, true, null));
    WsaOverlapped sendToken = new WsaOverlapped(event);
    WsaBuf sendBuf = WsaBuf.wrap(new byte[5000]);
    mustStart(sendOv(wsa, c.s(), sendBuf, sendToken, null), "send");
    assertTrue(wsa.getOverlappedResult(c.s(), sendToken, n, true, null));
    readN(c.peer(), 5000);

    // a receive with a completion routine, run in an alertable wait
    AtomicInteger calls = new AtomicInteger();
    Routine routine = new Routine(calls);
    WsaOverlapped routineToken = new WsaOverlapped();
    WsaBuf routineBuf = WsaBuf.allocate(10);
    mustStart(recvOv(wsa, c.s(), routineBuf, routineToken, routine), "recv with routine");
    c.peer().getOutputStream().write(7);
    awaitCondition(routineToken::isCompleted, () -> "the routine's receive");
    assertEquals(WSA_WAIT_IO_COMPLETION, wsa.sleepEx((int) WAIT_MS, true));
    assertEquals(1, calls.get());

    // a receive whose packet goes through the port
    WsaOverlapped portToken = new WsaOverlapped();
    WsaBuf portBuf = WsaBuf.allocate(10);
    mustStart(recvOv(wsa, viaPort.s(), portBuf, portToken, null), "recv via port");
    viaPort.peer().getOutputStream().write(9);
    WsaOverlapped[] ov = new WsaOverlapped[1];
    assertTrue(wsa.getQueuedCompletionStatus(port, n, new long[1], ov, (int) WAIT_MS));
    assertTrue(ov[0] == portToken);
    ov[0] = null;

    // a receive aborted by closesocket
    WsaOverlapped abortedToken = new WsaOverlapped(wsa.createEvent());
    WsaBuf abortedBuf = WsaBuf.allocate(10);
    mustStart(recvOv(wsa, c.s(), abortedBuf, abortedToken, null), "recv to abort");

    WsaSocket socket = c.s();
    assertEquals(0, wsa.closesocket(socket));
    assertEquals(0, wsa.closesocket(viaPort.s()));
    assertTrue(wsa.closeEvent(event));
    assertTrue(wsa.closeEvent(abortedToken.event()));
    assertTrue(wsa.closeHandle(port));
    assertEquals(io.wsa4j.Winsock.WSA_OPERATION_ABORTED, abortedToken.internal());

    refs.put("event-signaled token", new WeakReference<>(eventToken));
    refs.put("send token", new WeakReference<>(sendToken));
    refs.put("receive WsaBuf", new WeakReference<>(recvBuf));
    refs.put("receive ByteBuffer (direct)", new WeakReference<>(recvBytes));
    refs.put("send WsaBuf", new WeakReference<>(sendBuf));
    refs.put("send ByteBuffer (heap)", new WeakReference<>(sendBuf.buf()));
    refs.put("completion routine", new WeakReference<>(routine));
    refs.put("routine's token", new WeakReference<>(routineToken));
    refs.put("routine's WsaBuf", new WeakReference<>(routineBuf));
    refs.put("port packet's token", new WeakReference<>(portToken));
    refs.put("port packet's WsaBuf", new WeakReference<>(portBuf));
    refs.put("aborted token", new WeakReference<>(abortedToken));
    refs.put("aborted WsaBuf", new WeakReference<>(abortedBuf));
    refs.put("closed event", new WeakReference<>(event));
    refs.put("closed socket", new WeakReference<>(socket));
    refs.put("closed port", new WeakReference<>(port));
    c.peer().close();
    viaPort.peer().close();
    return refs;
  }

  @Test
  void completedTokensBuffersRoutinesClosedEventsAndClosedSocketsAreReleased() throws Exception {
    Wsa wsa = startup(); // stays alive: the library itself must let go
    Map<String, WeakReference<Object>> refs = useAndDrop(wsa);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (refs.values().stream().anyMatch(r -> r.get() != null)) {
      if (System.nanoTime() > deadline) {
        StringBuilder kept = new StringBuilder();
        refs.forEach((what, r) -> {
          if (r.get() != null) {
            kept.append("\n  ").append(what);
          }
        });
        fail("still reachable after repeated GC:" + kept);
      }
      System.gc();
      sleepQuietly(20);
    }
    assertEquals(0, wsa.stats().socketsOpen());
  }
}
