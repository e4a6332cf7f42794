package io.wsa4j.contract;

import static io.wsa4j.Winsock.ERROR_ABANDONED_WAIT_0;
import static io.wsa4j.Winsock.ERROR_INVALID_HANDLE;
import static io.wsa4j.Winsock.ERROR_INVALID_PARAMETER;
import static io.wsa4j.Winsock.ERROR_NETNAME_DELETED;
import static io.wsa4j.Winsock.ERROR_OPERATION_ABORTED;
import static io.wsa4j.Winsock.MSG_PEEK;
import static io.wsa4j.Winsock.STATUS_PENDING;
import static io.wsa4j.Winsock.WAIT_IO_COMPLETION;
import static io.wsa4j.Winsock.WAIT_TIMEOUT;
import static io.wsa4j.Winsock.WSAECONNRESET;
import static io.wsa4j.Winsock.WSAEINVAL;
import static io.wsa4j.Winsock.WSA_INFINITE;
import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;
import static io.wsa4j.Winsock.WSA_WAIT_EVENT_0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaOverlappedEntry;
import io.wsa4j.WsaSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Completion ports: dequeuing (rule 21), association (rule 22), and their parts of rules 9, 14. */
@Timeout(60)
class CompletionPortRulesTest extends WsaFixture {

  /** A token subclass, as C code embeds an OVERLAPPED in a per-I/O struct. */
  static final class IoContext extends WsaOverlapped {
    final String name;

    IoContext(String name) {
      this.name = name;
    }
  }

  static Stream<Arguments> postedValues() {
    return Stream.of(
        Arguments.of(0, 0L, null),
        Arguments.of(7, 42L, new WsaOverlapped()),
        Arguments.of(-1, -1L, new IoContext("negative")),
        Arguments.of(Integer.MAX_VALUE, Long.MAX_VALUE, new IoContext("max")),
        Arguments.of(Integer.MIN_VALUE, Long.MIN_VALUE, new WsaOverlapped()),
        Arguments.of(123_456, 0x1234_5678_9abc_def0L, new IoContext("large key")));
  }

  @ParameterizedTest(name = "rule 21: posted ({0}, {1}, {2}) comes back exactly")
  @MethodSource("postedValues")
  void postedValuesComeBackExactly(int bytes, long key, WsaOverlapped token) {
    WsaCompletionPort port = newPort();
    assertTrue(wsa.postQueuedCompletionStatus(port, bytes, key, token), WsaFixture::lastError);
    Dequeued d = gqcs(port, WAIT_MS);
    assertTrue(d.ok(), d::toString);
    assertEquals(bytes, d.bytes());
    assertEquals(key, d.key());
    assertSame(token, d.overlapped());
  }

  @ParameterizedTest(name = "rule 21: a {0} ms timeout returns false, WAIT_TIMEOUT, a null token, count and key untouched")
  @ValueSource(ints = {0, 50})
  void timeoutLeavesCountAndKeyUntouched(int timeoutMillis) {
    WsaCompletionPort port = newPort();
    long start = System.nanoTime();
    Dequeued d = gqcs(port, timeoutMillis);
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    assertFalse(d.ok());
    assertEquals(WAIT_TIMEOUT, d.error());
    assertNull(d.overlapped(), "overlapped[0] is set to null");
    assertEquals(COUNT_SENTINEL, d.bytes(), "count untouched");
    assertEquals(KEY_SENTINEL, d.key(), "key untouched");
    assertTrue(elapsedMs >= timeoutMillis - 1, "returned before the timeout: " + elapsedMs);
  }

  @ParameterizedTest(name = "rule 21: a successful {0} receive posts true, its count, key and token")
  @EnumSource(value = BufKind.class, names = {"HEAP", "DIRECT"})
  void successfulReceivePacket(BufKind kind) throws Exception {
    Conn c = connect();
    WsaCompletionPort port = newPort();
    associate(c.s(), port, 125);
    WsaOverlapped ov = new WsaOverlapped();
    WsaBuf buf = kind.make(64);
    startPendingRecv(c.s(), ov, buf);
    assertNoPacket(port);
    byte[] data = randomBytes(12);
    c.peer().getOutputStream().write(data);

    int n = assertSuccessPacket(awaitPacket(port), 125, ov);
    assertTrue(n > 0 && n <= data.length, "count " + n);
    assertArrayEquals(Arrays.copyOf(data, n), bytesOf(buf, n));
  }

  @Test
  @DisplayName("rule 21: a receive failed by a peer reset posts false, token, count, key, ERROR_NETNAME_DELETED (rule 14)")
  void resetReceivePacket() throws Exception {
    Conn c = connect();
    WsaCompletionPort port = newPort();
    associate(c.s(), port, 0x12345678L);
    WsaOverlapped ov = new WsaOverlapped();
    startPendingRecv(c.s(), ov, WsaBuf.allocate(16));
    resetPeer(c.peer());

    Dequeued d = awaitPacket(port);
    assertFailurePacket(d, 0x12345678L, ov, ERROR_NETNAME_DELETED);
    assertEquals(0, d.bytes(), "a failed receive moved no bytes");
    assertEquals(WSAECONNRESET, ov.internal(), "the token keeps the Winsock code");
    Result o = await(c.s(), ov);
    assertFalse(o.ok());
    assertEquals(WSAECONNRESET, o.error(), "getOverlappedResult reports the Winsock code");
  }

  @Test
  @DisplayName("rule 21: closesocket with a receive pending posts false with ERROR_OPERATION_ABORTED (rules 12, 14)")
  void closesocketAbortsPendingReceive() throws Exception {
    Conn c = connect();
    WsaCompletionPort port = newPort();
    associate(c.s(), port, 9);
    WsaOverlapped ov = new WsaOverlapped();
    startPendingRecv(c.s(), ov, WsaBuf.allocate(16));
    assertEquals(0, wsa.closesocket(c.s()));

    Dequeued d = awaitPacket(port);
    assertFailurePacket(d, 9, ov, ERROR_OPERATION_ABORTED);
    assertEquals(WSA_OPERATION_ABORTED, ov.internal());
    assertNoPacket(port);
  }

  @Test
  @DisplayName("rule 21: closing the port under a waiting thread returns ERROR_ABANDONED_WAIT_0; later calls get ERROR_INVALID_HANDLE")
  void closingThePortReleasesWaiters() throws Exception {
    WsaCompletionPort port = newPort();
    Background<Dequeued> waiter = fork("gqcs-waiter", () -> gqcs(port, WSA_INFINITE));
    awaitPortWaiters(port, 1);
    assertTrue(wsa.closeHandle(port), WsaFixture::lastError);

    Dequeued d = waiter.get();
    assertFalse(d.ok());
    assertEquals(ERROR_ABANDONED_WAIT_0, d.error());
    assertNull(d.overlapped());
    assertEquals(COUNT_SENTINEL, d.bytes(), "count untouched");
    assertEquals(KEY_SENTINEL, d.key(), "key untouched");

    assertEquals(ERROR_INVALID_HANDLE, gqcs(port, 0).error(), "GQCS on a closed port");
    assertFailsWith(ERROR_INVALID_HANDLE, wsa.postQueuedCompletionStatus(port, 1, 1, null), "post");
    assertFailsWith(ERROR_INVALID_HANDLE,
        wsa.getQueuedCompletionStatusEx(port, new WsaOverlappedEntry[1], 1, new int[1], 0, false),
        "GQCSEx");
    assertFailsWith(ERROR_INVALID_HANDLE, wsa.closeHandle(port), "closeHandle twice");
  }

  /** A thread blocked in GQCSEx: its return and last error. */
  record ExResult(boolean ok, int error) {}

  @Test
  @DisplayName("rule 21: cleanup releases threads in getQueuedCompletionStatus and …Ex with ERROR_ABANDONED_WAIT_0 (rule 23)")
  void cleanupReleasesPortWaiters() throws Exception {
    WsaCompletionPort port = newPort();
    Background<Dequeued> plain = fork("gqcs", () -> gqcs(port, WSA_INFINITE));
    awaitPortWaiters(port, 1);
    Background<ExResult> ex = fork("gqcs-ex", () -> {
      boolean ok = wsa.getQueuedCompletionStatusEx(port, new WsaOverlappedEntry[4], 4,
          new int[1], WSA_INFINITE, false);
      return new ExResult(ok, ok ? 0 : Wsa.getLastError());
    });
    awaitPortWaiters(port, 2);
    assertEquals(0, cleanupNow());

    Dequeued d = plain.get();
    assertFalse(d.ok());
    assertEquals(ERROR_ABANDONED_WAIT_0, d.error());
    assertNull(d.overlapped());
    assertEquals(new ExResult(false, ERROR_ABANDONED_WAIT_0), ex.get());
  }

  @Test
  @DisplayName("rule 21: getQueuedCompletionStatusEx removes up to count entries, FIFO (5 posted, 3 asked: 3 then 2)")
  void exRemovesUpToCountInFifoOrder() {
    WsaCompletionPort port = newPort();
    List<WsaOverlapped> tokens = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      tokens.add(new WsaOverlapped());
      assertTrue(wsa.postQueuedCompletionStatus(port, 100 + i, i, tokens.get(i)));
    }
    WsaOverlappedEntry[] entries = new WsaOverlappedEntry[3];
    int[] removed = {COUNT_SENTINEL};
    assertTrue(wsa.getQueuedCompletionStatusEx(port, entries, 3, removed, WAIT_MS, false),
        WsaFixture::lastError);
    assertEquals(3, removed[0]);
    for (int i = 0; i < 3; i++) {
      assertEntry(entries[i], i, 100 + i, tokens.get(i));
    }
    assertTrue(wsa.getQueuedCompletionStatusEx(port, entries, 3, removed, WAIT_MS, false));
    assertEquals(2, removed[0]);
    for (int i = 0; i < 2; i++) {
      assertEntry(entries[i], 3 + i, 103 + i, tokens.get(3 + i));
    }
  }

  private static void assertEntry(WsaOverlappedEntry e, long key, int bytes, WsaOverlapped ov) {
    assertNotNull(e, "entry");
    assertEquals(key, e.completionKey(), "key");
    assertEquals(bytes, e.bytesTransferred(), "bytes");
    assertSame(ov, e.overlapped(), "token");
  }

  @Test
  @DisplayName("rule 21: getQueuedCompletionStatusEx returns a failed operation as an entry: true, its token holds the error")
  void exReturnsFailedOperations() throws Exception {
    Conn c = connect();
    WsaCompletionPort port = newPort();
    associate(c.s(), port, 66);
    WsaOverlapped ov = new WsaOverlapped();
    startPendingRecv(c.s(), ov, WsaBuf.allocate(8));
    resetPeer(c.peer());
    WsaOverlappedEntry[] entries = new WsaOverlappedEntry[2];
    int[] removed = new int[1];
    assertTrue(wsa.getQueuedCompletionStatusEx(port, entries, 2, removed, WAIT_MS, false),
        WsaFixture::lastError);
    assertEquals(1, removed[0]);
    assertEntry(entries[0], 66, 0, ov);
    assertEquals(WSAECONNRESET, entries[0].overlapped().internal(), "the entry's token's status");
  }

  @Test
  @DisplayName("rule 21: getQueuedCompletionStatusEx fills caller entries in place and null slots with new ones")
  void exFillsEntriesInPlace() {
    WsaCompletionPort port = newPort();
    WsaOverlapped a = new WsaOverlapped();
    WsaOverlapped b = new IoContext("b");
    assertTrue(wsa.postQueuedCompletionStatus(port, 1, 10, a));
    assertTrue(wsa.postQueuedCompletionStatus(port, 2, 20, b));
    WsaOverlappedEntry mine = new WsaOverlappedEntry();
    WsaOverlappedEntry[] entries = {mine, null};
    int[] removed = new int[1];
    assertTrue(wsa.getQueuedCompletionStatusEx(port, entries, 2, removed, WAIT_MS, false));
    assertEquals(2, removed[0]);
    assertSame(mine, entries[0], "the caller's entry is reused");
    assertEntry(mine, 10, 1, a);
    assertEntry(entries[1], 20, 2, b);
  }

  @Test
  @DisplayName("rule 21: getQueuedCompletionStatusEx times out with false and WAIT_TIMEOUT")
  void exTimesOut() {
    WsaCompletionPort port = newPort();
    int[] removed = {COUNT_SENTINEL};
    long start = System.nanoTime();
    boolean ok = wsa.getQueuedCompletionStatusEx(port, new WsaOverlappedEntry[2], 2, removed, 50,
        true);
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    assertFailsWith(WAIT_TIMEOUT, ok, "GQCSEx");
    assertTrue(elapsedMs >= 49, "returned before the timeout: " + elapsedMs);
  }

  /** The thread JUnit runs this test on (same-thread timeouts): it is the one that waits. */
  private final Thread mainThread = Thread.currentThread();

  @ParameterizedTest(name = "rule 21: an alertable getQueuedCompletionStatusEx runs this thread''s routine, ending the wait (called while the receive is {0})")
  @ValueSource(strings = {"completed", "pending"})
  void alertableExRunsRoutines(String when) throws Exception {
    Conn c = connect(); // not on a port: routines are allowed
    WsaCompletionPort port = newPort();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    AtomicInteger bytes = new AtomicInteger(-1);
    WsaCompletionRoutine routine = (error, n, ov, flags) -> {
      ranOn.set(Thread.currentThread());
      bytes.set(error == 0 ? n : -error);
    };
    WsaOverlapped ov = new WsaOverlapped();
    int rc = wsa.recv(c.s(), new WsaBuf[] {WsaBuf.allocate(32)}, 1, null, new int[1], ov,
        routine);
    assertPending(rc, "recv");
    byte[] data = randomBytes(5);
    if (when.equals("completed")) {
      c.peer().getOutputStream().write(data);
      assertTrue(await(c.s(), ov).ok(), "the receive completed"); // not alertable: routine waits
      assertNull(ranOn.get(), "a routine runs only in an alertable wait");
    } else {
      fork("late-sender", () -> {
        awaitPortWaiters(port, 1); // the main thread, in its alertable GQCSEx
        c.peer().getOutputStream().write(data);
        return null;
      });
    }
    boolean ok = wsa.getQueuedCompletionStatusEx(port, new WsaOverlappedEntry[1], 1, new int[1],
        WAIT_MS, true);
    assertFailsWith(WAIT_IO_COMPLETION, ok, "alertable GQCSEx");
    assertSame(Thread.currentThread(), ranOn.get(), "the routine ran on the waiting thread");
    assertTrue(bytes.get() > 0, "routine saw bytes " + bytes.get());
  }

  @Test
  @DisplayName("rule 9: a non-alertable getQueuedCompletionStatusEx does not run queued routines")
  void nonAlertableExLeavesRoutinesQueued() throws Exception {
    Conn c = connect();
    WsaCompletionPort port = newPort();
    AtomicInteger calls = new AtomicInteger();
    WsaOverlapped ov = new WsaOverlapped();
    assertPending(wsa.recv(c.s(), new WsaBuf[] {WsaBuf.allocate(8)}, 1, null, new int[1], ov,
        (e, n, o, f) -> calls.incrementAndGet()), "recv");
    c.peer().getOutputStream().write(1);
    assertTrue(await(c.s(), ov).ok());
    boolean ok = wsa.getQueuedCompletionStatusEx(port, new WsaOverlappedEntry[1], 1, new int[1],
        NO_PACKET_MS, false);
    assertFailsWith(WAIT_TIMEOUT, ok, "GQCSEx");
    assertEquals(0, calls.get(), "no routine ran in a non-alertable wait");
    assertEquals(WAIT_IO_COMPLETION, wsa.sleepEx(0, true));
    assertEquals(1, calls.get());
  }

  // -- rule 22 --

  @ParameterizedTest(name = "rule 22: a socket on a port posts both its send and its receive completion with its key ({0})")
  @EnumSource(value = BufKind.class, names = {"HEAP", "DIRECT"})
  void everyCompletionIsPosted(BufKind kind) throws Exception {
    Conn c = connect();
    WsaCompletionPort port = newPort();
    associate(c.s(), port, -77);
    WsaOverlapped recvOv = new IoContext("recv");
    WsaOverlapped sendOv = new IoContext("send");
    startPendingRecv(c.s(), recvOv, kind.make(100));
    byte[] out = randomBytes(300);
    WsaBuf sendBuf = kind.make(out.length);
    sendBuf.buf().put(0, out);
    startSend(c.s(), sendOv, null, sendBuf);
    assertArrayEquals(out, readFully(c.peer().getInputStream(), out.length));
    c.peer().getOutputStream().write(randomBytes(10));

    List<WsaOverlapped> seen = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Dequeued d = awaitPacket(port);
      int n = assertSuccessPacket(d, -77, d.overlapped());
      seen.add(d.overlapped());
      if (d.overlapped() == sendOv) {
        assertEquals(out.length, n, "a send's packet counts all its bytes");
      } else {
        assertSame(recvOv, d.overlapped());
        assertTrue(n > 0 && n <= 10, "recv count " + n);
      }
    }
    assertTrue(seen.contains(sendOv) && seen.contains(recvOv), "both ops posted: " + seen);
    assertNoPacket(port);
  }

  @ParameterizedTest(name = "rule 22: a {0} receive that finds data already there still posts its packet")
  @EnumSource(value = BufKind.class, names = {"HEAP", "DIRECT"})
  void immediateCompletionIsPosted(BufKind kind) throws Exception {
    Conn c = connect();
    WsaCompletionPort port = newPort();
    associate(c.s(), port, 125);
    byte[] data = randomBytes(1024);
    c.peer().getOutputStream().write(data);
    // let the data arrive first: a blocking peek returns once it is there
    WsaBuf peekBuf = WsaBuf.allocate(1);
    int[] one = new int[1];
    assertEquals(0, withDeadline(() -> wsa.recv(c.s(), new WsaBuf[] {peekBuf}, 1, one,
        new int[] {MSG_PEEK}, null, null), () -> "no data arrived"));
    WsaOverlapped ov = new WsaOverlapped();
    WsaBuf buf = kind.make(data.length);
    int[] n = {COUNT_SENTINEL};
    int rc = wsa.recv(c.s(), new WsaBuf[] {buf}, 1, n, new int[1], ov, null);
    assertStarted(rc, "recv");
    int count = assertSuccessPacket(awaitPacket(port), 125, ov);
    if (rc == 0) {
      assertEquals(count, n[0], "an immediate success writes the same count");
    }
    assertArrayEquals(Arrays.copyOf(data, count), bytesOf(buf, count));
    assertNoPacket(port);
  }

  enum SecondPort { SAME, OTHER_EXISTING, NEW }

  @ParameterizedTest(name = "rule 22: associating a socket a second time ({0} port) fails with null, ERROR_INVALID_PARAMETER")
  @EnumSource(SecondPort.class)
  void secondAssociationIsRefused(SecondPort which) throws Exception {
    Conn c = connect();
    WsaCompletionPort port = newPort();
    associate(c.s(), port, 1);
    WsaCompletionPort existing = which == SecondPort.SAME ? port
        : which == SecondPort.OTHER_EXISTING ? newPort() : null;
    WsaCompletionPort again = wsa.createIoCompletionPort(c.s(), existing, 2, 0);
    int code = Wsa.getLastError();
    assertNull(again);
    assertEquals(ERROR_INVALID_PARAMETER, code);

    // the first association still holds, with its key
    WsaOverlapped ov = new WsaOverlapped();
    startPendingRecv(c.s(), ov, WsaBuf.allocate(8));
    c.peer().getOutputStream().write(3);
    assertSuccessPacket(awaitPacket(port), 1, ov);
    if (existing != null && existing != port) {
      assertNoPacket(existing);
    }
  }

  @Test
  @DisplayName("rule 22: with two ports, each socket's packets go to its own port")
  void packetsGoToTheSocketsOwnPort() throws Exception {
    Conn a = connect();
    Conn b = connect();
    WsaCompletionPort portA = newPort();
    WsaCompletionPort portB = newPort();
    associate(a.s(), portA, 0xA);
    associate(b.s(), portB, 0xB);
    WsaOverlapped ovA = new WsaOverlapped();
    WsaOverlapped ovB = new WsaOverlapped();
    startPendingRecv(a.s(), ovA, WsaBuf.allocate(8));
    startPendingRecv(b.s(), ovB, WsaBuf.allocate(8));
    b.peer().getOutputStream().write(2);
    a.peer().getOutputStream().write(1);

    assertSuccessPacket(awaitPacket(portA), 0xA, ovA);
    assertSuccessPacket(awaitPacket(portB), 0xB, ovB);
    assertNoPacket(portA);
    assertNoPacket(portB);
  }

  @Test
  @DisplayName("rule 22: an event on the token is signaled and a packet is posted, both (rule 3)")
  void eventAndPacketBoth() throws Exception {
    Conn c = connect();
    WsaCompletionPort port = newPort();
    associate(c.s(), port, 5);
    WsaEvent event = wsa.createEvent();
    WsaOverlapped ov = new WsaOverlapped(event);
    startPendingRecv(c.s(), ov, WsaBuf.allocate(8));
    c.peer().getOutputStream().write(4);
    assertEquals(WSA_WAIT_EVENT_0,
        wsa.waitForMultipleEvents(1, new WsaEvent[] {event}, false, WAIT_MS, false));
    assertSuccessPacket(awaitPacket(port), 5, ov);
    assertTrue(event.isSignaled(), "manual reset: still signaled");
  }

  enum AcceptKind { BLOCKING_ACCEPT, ACCEPT_EX }

  @ParameterizedTest(name = "rule 22: a socket from {0} is not associated with the listener's port")
  @EnumSource(AcceptKind.class)
  void acceptedSocketIsNotOnListenersPort(AcceptKind kind) throws Exception {
    WsaSocket listener = listener();
    WsaCompletionPort port = newPort();
    associate(listener, port, 1000);
    WsaSocket accepted;
    Socket client;
    if (kind == AcceptKind.BLOCKING_ACCEPT) {
      client = jdkClient(localAddress(listener));
      accepted = wsa.accept(listener, null);
    } else {
      accepted = newSocket();
      WsaOverlapped acceptOv = new WsaOverlapped();
      assertStarted(wsa.acceptEx(listener, accepted, null, 0, null, acceptOv), "acceptEx");
      client = jdkClient(localAddress(listener));
      assertSuccessPacket(awaitPacket(port), 1000, acceptOv); // AcceptEx itself: on the listener
    }
    assertTrue(accepted != WsaSocket.INVALID_SOCKET, WsaFixture::lastError);

    WsaEvent event = wsa.createEvent();
    WsaOverlapped ov = new WsaOverlapped(event);
    startPendingRecv(accepted, ov, WsaBuf.allocate(8));
    client.getOutputStream().write(9);
    assertEquals(WSA_WAIT_EVENT_0,
        wsa.waitForMultipleEvents(1, new WsaEvent[] {event}, false, WAIT_MS, false));
    assertEquals(1, awaitSuccess(accepted, ov));
    assertNoPacket(port);

    WsaCompletionPort own = newPort();
    associate(accepted, own, 2000); // succeeds: it had no port
  }

  // -- rule 9 --

  @ParameterizedTest(name = "rule 9: a completion routine for a {0} on a socket bound to a port → WSAEINVAL, routine never called")
  @ValueSource(strings = {"recv", "send"})
  void routineRefusedOnPortSocket(String op) throws Exception {
    Conn c = connect();
    WsaCompletionPort port = newPort();
    associate(c.s(), port, 3);
    AtomicInteger calls = new AtomicInteger();
    WsaCompletionRoutine routine = (e, n, o, f) -> calls.incrementAndGet();
    WsaBuf[] bufs = {WsaBuf.wrap(randomBytes(16))};
    WsaOverlapped ov = new WsaOverlapped();
    int rc = op.equals("recv")
        ? wsa.recv(c.s(), bufs, 1, null, new int[1], ov, routine)
        : wsa.send(c.s(), bufs, 1, null, 0, ov, routine);
    assertFailsWith(WSAEINVAL, rc, op);
    c.peer().getOutputStream().write(randomBytes(4));
    assertEquals(0, wsa.sleepEx(NO_PACKET_MS, true), "no routine queued");
    assertEquals(0, calls.get());
    assertNoPacket(port); // a call that fails at once gives no completion indication (rule 3)
    assertFalse(ov.internal() == STATUS_PENDING, "token not left pending");
  }
}
