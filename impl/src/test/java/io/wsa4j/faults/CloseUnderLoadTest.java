package io.wsa4j.faults;

import static io.wsa4j.Winsock.STATUS_PENDING;
import static io.wsa4j.Winsock.WSAENOBUFS;
import static io.wsa4j.Winsock.WSAENOTSOCK;
import static io.wsa4j.Winsock.WSA_IO_PENDING;
import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code closesocket} from one thread while 1,000 operations on 100 sockets are pending and other
 * threads keep posting: every operation that started completes exactly once (event, routine or
 * packet), every post after the close fails at once with {@code WSAENOTSOCK} and is never
 * announced, and no thread hangs.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CloseUnderLoadTest extends WsaFixture {
  private static final int SOCKETS = 100;
  private static final int OPS_PER_SOCKET = 10;
  private static final int POSTERS = 4;
  private static final int SEND_BYTES = 256 * 1024;

  /** How a socket's operations announce themselves: by socket index modulo 3. */
  private static Indication modeOf(int socket) {
    return Indication.values()[socket % 3];
  }

  /** One post and what came of it. */
  record Post(int socket, CountingToken token, boolean send, boolean started, int refusal,
      boolean afterClose) {}

  @Test
  void closesocketUnderConcurrentPostingCompletesEveryStartedOpExactlyOnce() throws Exception {
    Wsa wsa = startup(WsaConfig.builder().ioThreads(2).build());
    WsaSocket[] sockets = new WsaSocket[SOCKETS];
    WsaCompletionPort port = wsa.createIoCompletionPort(null, null, 0, 0);
    assertNotNull(port, lastError("CreateIoCompletionPort"));
    for (int i = 0; i < SOCKETS; i++) {
      sockets[i] = connect(wsa, true).s(); // the peers neither send nor read
      if (modeOf(i) == Indication.PORT) {
        assertNotNull(wsa.createIoCompletionPort(sockets[i], port, i, 0), lastError("associate"));
      }
    }
    ByteBuffer payload = ByteBuffer.allocateDirect(SEND_BYTES);
    AtomicBoolean[] closedFlags = new AtomicBoolean[SOCKETS];
    for (int i = 0; i < SOCKETS; i++) {
      closedFlags[i] = new AtomicBoolean();
    }

    // -- a port consumer counts packets per token until the port is closed --
    Thread consumer = daemon("port-consumer", () -> {
      int[] n = new int[1];
      long[] key = new long[1];
      WsaOverlapped[] ov = new WsaOverlapped[1];
      for (;;) {
        boolean ok = wsa.getQueuedCompletionStatus(port, n, key, ov, (int) WAIT_MS * 3);
        if (ov[0] == null) {
          return; // ERROR_ABANDONED_WAIT_0 once the test closes the port, or a timeout
        }
        CountingToken t = (CountingToken) ov[0];
        t.packetError = ok ? 0 : Indication.winsockOf(Wsa.getLastError());
        t.packets.incrementAndGet();
      }
    });
    consumer.start();

    // -- posters: 250 ops each up front, then more until every socket is closed --
    CountDownLatch posted = new CountDownLatch(POSTERS);
    AtomicBoolean allClosed = new AtomicBoolean();
    ConcurrentLinkedQueue<Post> posts = new ConcurrentLinkedQueue<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> posters = new ArrayList<>();
    for (int p = 0; p < POSTERS; p++) {
      int first = p * SOCKETS / POSTERS;
      int last = (p + 1) * SOCKETS / POSTERS;
      long seed = 1000 + p;
      posters.add(daemon("poster-" + p, () -> {
        try {
          SplittableRandom random = new SplittableRandom(seed);
          List<CountingToken> mine = new ArrayList<>();
          for (int i = first; i < last; i++) {
            for (int k = 0; k < OPS_PER_SOCKET; k++) {
              Post post = post(wsa, sockets[i], i, k % 3 == 0, payload, closedFlags[i]);
              assertTrue(post.started(), () -> "initial post refused: " + name(post.refusal()));
              posts.add(post);
              mine.add(post.token());
            }
          }
          posted.countDown();
          while (!allClosed.get()) {
            int i = first + random.nextInt(last - first);
            Post post = post(wsa, sockets[i], i, random.nextBoolean(), payload, closedFlags[i]);
            posts.add(post);
            if (post.started()) {
              mine.add(post.token());
            }
            wsa.sleepEx(0, true); // runs routines already due
          }
          // run this thread's routines until each of its started routine ops was called
          long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
          for (CountingToken t : mine) {
            while (needsRoutine(t) && t.routineCalls.get() == 0) {
              if (System.nanoTime() > deadline) {
                throw new AssertionError("a routine never ran; token status " + t.internal());
              }
              wsa.sleepEx(50, true);
            }
          }
          wsa.sleepEx(50, true); // a second call would come now
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
          posted.countDown();
        }
      }));
    }
    posters.forEach(Thread::start);
    assertTrue(posted.await(WAIT_MS, TimeUnit.MILLISECONDS), "posters did not post in time");
    assertEquals(null, failure.get(), "a poster failed");

    // -- close every socket from this thread while the posters go on --
    for (int i = 0; i < SOCKETS; i++) {
      assertEquals(0, wsa.closesocket(sockets[i]), lastError("closesocket"));
      closedFlags[i].set(true);
    }
    allClosed.set(true);
    for (Thread t : posters) {
      join(t);
    }
    if (failure.get() != null) {
      throw new AssertionError("a poster failed", failure.get());
    }
    int portOps = 0;
    for (Post p : posts) {
      if (p.started() && modeOf(p.socket()) == Indication.PORT) {
        portOps++;
      }
    }
    int expectedPackets = portOps;
    awaitCondition(() -> posts.stream().filter(p -> p.started()
            && modeOf(p.socket()) == Indication.PORT).allMatch(p -> p.token().packets.get() > 0),
        () -> "packets of " + expectedPackets + " port operations");
    sleepQuietly(100); // a duplicate packet would arrive now
    assertTrue(wsa.closeHandle(port), lastError("closeHandle"));
    join(consumer);

    // -- every started op: done, aborted (or a send that finished), announced exactly once --
    Map<String, Integer> outcomes = new TreeMap<>();
    int started = 0;
    for (Post p : posts) {
      CountingToken t = p.token();
      Indication mode = modeOf(p.socket());
      if (!p.started()) {
        outcomes.merge("refused " + name(p.refusal()), 1, Integer::sum);
        assertTrue(p.refusal() == WSAENOTSOCK || p.refusal() == WSAENOBUFS,
            () -> "refused with " + name(p.refusal()));
        if (p.afterClose()) {
          assertEquals(WSAENOTSOCK, p.refusal(), "a post after closesocket returned");
        }
        assertEquals(0, t.indications(), "a refused post was announced");
        if (t.event() != null) {
          assertTrue(!t.event().isSignaled(), "a refused post signaled its event");
        }
        continue;
      }
      started++;
      int status = (int) t.internal();
      assertTrue(status != STATUS_PENDING, "an operation never completed");
      assertTrue(status == WSA_OPERATION_ABORTED || (p.send() && status == 0),
          () -> (p.send() ? "send" : "recv") + " completed with " + name(status));
      outcomes.merge((p.send() ? "send " : "recv ") + name(status), 1, Integer::sum);
      switch (mode) {
        case EVENT -> {
          assertTrue(t.event().isSignaled(), "an aborted op's event is not signaled");
          assertEquals(0, t.indications());
        }
        case ROUTINE -> {
          assertEquals(1, t.routineCalls.get(), "routine calls of one op");
          assertEquals(0, t.packets.get());
          assertEquals(status, t.routineError, "the routine's error");
        }
        default -> {
          assertEquals(1, t.packets.get(), "packets of one op");
          assertEquals(0, t.routineCalls.get());
          assertEquals(status, t.packetError, "the packet's error");
        }
      }
    }
    assertTrue(started >= SOCKETS * OPS_PER_SOCKET, "started " + started);
    assertTrue(outcomes.keySet().stream().anyMatch(k -> k.startsWith("refused WSAENOTSOCK")),
        "no post raced the close: " + outcomes);
    System.out.println("close under load: " + started + " started, outcomes " + outcomes);
  }

  @Test
  void cleanupWithAThousandOpsPendingWritesAbortedToEachAndAnnouncesNone() throws Exception {
    Wsa wsa = startup(WsaConfig.builder().ioThreads(2).build());
    WsaCompletionPort port = wsa.createIoCompletionPort(null, null, 0, 0);
    assertNotNull(port, lastError("CreateIoCompletionPort"));
    ByteBuffer payload = ByteBuffer.allocateDirect(SEND_BYTES);
    List<Post> posts = new ArrayList<>();
    AtomicBoolean never = new AtomicBoolean();
    for (int i = 0; i < SOCKETS; i++) {
      WsaSocket s = connect(wsa, true).s();
      if (modeOf(i) == Indication.PORT) {
        assertNotNull(wsa.createIoCompletionPort(s, port, i, 0), lastError("associate"));
      }
      for (int k = 0; k < OPS_PER_SOCKET; k++) {
        Post p = post(wsa, s, i, k % 3 == 0, payload, never);
        assertTrue(p.started(), () -> "post refused: " + name(p.refusal()));
        posts.add(p);
      }
    }
    int[] consumerResult = {-1};
    Thread consumer = daemon("port-waiter", () -> {
      WsaOverlapped[] ov = new WsaOverlapped[1];
      boolean ok = wsa.getQueuedCompletionStatus(port, new int[1], new long[1], ov,
          io.wsa4j.Winsock.WSA_INFINITE);
      consumerResult[0] = ok ? 0 : Wsa.getLastError();
    });
    consumer.start();
    awaitBlocked(consumer);

    assertEquals(0, wsa.cleanup(), lastError("cleanup"));
    join(consumer);
    assertEquals(io.wsa4j.Winsock.ERROR_ABANDONED_WAIT_0, consumerResult[0],
        "the port's waiter: " + name(consumerResult[0]));
    // this thread issued every routine op: an alertable wait now must run none of them
    assertEquals(0, wsa.sleepEx(50, true), "a routine ran after cleanup");
    for (Post p : posts) {
      CountingToken t = p.token();
      assertEquals(WSA_OPERATION_ABORTED, t.internal(), "status after cleanup");
      assertEquals(0, t.indications(), "an op was announced by cleanup");
      if (t.event() != null) {
        assertTrue(!t.event().isSignaled(), "cleanup signaled an event");
      }
    }
    Post late = post(wsa, WsaSocket.INVALID_SOCKET, 1, false, payload, never); // no event
    assertEquals(io.wsa4j.Winsock.WSANOTINITIALISED, late.refusal(), "a post after cleanup");
  }

  private static boolean needsRoutine(CountingToken t) {
    return t.event() == null && t.attachment() == COUNTING_ROUTINE;
  }

  /** Posts one op in the socket's mode; records whether it started or how it was refused. */
  private Post post(Wsa wsa, WsaSocket s, int index, boolean send, ByteBuffer payload,
      AtomicBoolean closedFlag) {
    Indication mode = modeOf(index);
    CountingToken t = mode.token(wsa);
    WsaCompletionRoutine routine = mode.routine();
    t.attach(routine);
    boolean afterClose = closedFlag.get(); // closesocket(s) had returned before this post
    WsaBuf b = send ? new WsaBuf(payload.duplicate()) : WsaBuf.allocate(512);
    int rc = send ? sendOv(wsa, s, b, t, routine) : recvOv(wsa, s, b, t, routine);
    int code = rc == 0 ? 0 : Wsa.getLastError();
    boolean started = rc == 0 || code == WSA_IO_PENDING;
    return new Post(index, t, send, started, started ? 0 : code, afterClose);
  }
}
