package io.wsa4j.contract;

import static io.wsa4j.Winsock.MSG_OOB;
import static io.wsa4j.Winsock.MSG_PEEK;
import static io.wsa4j.Winsock.STATUS_PENDING;
import static io.wsa4j.Winsock.WAIT_TIMEOUT;
import static io.wsa4j.Winsock.WSAEOPNOTSUPP;
import static io.wsa4j.Winsock.WSA_IO_INCOMPLETE;
import static io.wsa4j.Winsock.WSA_WAIT_EVENT_0;
import static io.wsa4j.Winsock.WSA_WAIT_IO_COMPLETION;
import static io.wsa4j.Winsock.WSA_WAIT_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Rule 7 (zero-byte receives) and the receive flags of rule 24 ({@code MSG_PEEK}, {@code MSG_OOB}). */
@Timeout(60)
class ZeroByteAndPeekRulesTest extends WsaFixture {
  private static final long KEY = 7;

  /** How a pending receive's completion is observed. */
  enum Mechanism { EVENT, ROUTINE, PORT }

  /** A receive started through one mechanism, and the means to observe it. */
  private final class Watched {
    final Mechanism mechanism;
    final WsaSocket socket;
    final WsaOverlapped ov;
    final WsaCompletionPort port;
    final List<int[]> routineCalls = new ArrayList<>();

    Watched(Mechanism mechanism, WsaSocket socket) {
      this.mechanism = mechanism;
      this.socket = socket;
      this.ov = new WsaOverlapped(mechanism == Mechanism.ROUTINE ? null : wsa.createEvent());
      this.port = mechanism == Mechanism.PORT ? newPort() : null;
      if (port != null) {
        associate(socket, port, KEY);
      }
    }

    void start(int flags, WsaBuf... bufs) {
      WsaCompletionRoutine routine = mechanism != Mechanism.ROUTINE ? null
          : (err, n, token, f) -> {
            assertSame(ov, token);
            routineCalls.add(new int[] {err, n});
          };
      int rc = wsa.recv(socket, bufs, bufs.length, null, new int[] {flags}, ov, routine);
      assertStarted(rc, "recv");
    }

    /** Nothing is announced within a short window, and the token is still pending. */
    void assertStillPending() {
      switch (mechanism) {
        case EVENT:
          assertEquals(WSA_WAIT_TIMEOUT, wsa.waitForMultipleEvents(1,
              new WsaEvent[] {ov.event()}, false, NO_PACKET_MS, false));
          break;
        case ROUTINE:
          assertEquals(0, wsa.sleepEx(NO_PACKET_MS, true), "no routine ran");
          break;
        case PORT:
          assertNoPacket(port);
          break;
        default:
          throw new AssertionError(mechanism);
      }
      assertFailsWith(WSA_IO_INCOMPLETE,
          wsa.getOverlappedResult(socket, ov, new int[1], false, new int[1]), "pending");
      assertEquals(STATUS_PENDING, ov.internal());
    }

    /** Waits for a successful completion through the mechanism; returns the count it reports. */
    int awaitCompletion() {
      switch (mechanism) {
        case EVENT:
          assertEquals(WSA_WAIT_EVENT_0, wsa.waitForMultipleEvents(1,
              new WsaEvent[] {ov.event()}, false, WAIT_MS, false));
          return awaitSuccess(socket, ov);
        case ROUTINE:
          assertEquals(WSA_WAIT_IO_COMPLETION, wsa.sleepEx(WAIT_MS, true));
          assertEquals(1, routineCalls.size(), "one routine call");
          assertEquals(0, routineCalls.get(0)[0], "routine error");
          return routineCalls.get(0)[1];
        case PORT:
          return assertSuccessPacket(awaitPacket(port), KEY, ov);
        default:
          throw new AssertionError(mechanism);
      }
    }
  }

  /** Receive buffers that total 0 bytes, in several shapes. */
  enum ZeroShape {
    HEAP_EMPTY {
      @Override
      WsaBuf[] make() {
        return new WsaBuf[] {WsaBuf.allocate(0)};
      }
    },
    DIRECT_EMPTY {
      @Override
      WsaBuf[] make() {
        return new WsaBuf[] {WsaBuf.allocateDirect(0)};
      }
    },
    TWO_EMPTY {
      @Override
      WsaBuf[] make() {
        return new WsaBuf[] {WsaBuf.allocate(0), WsaBuf.allocateDirect(0)};
      }
    },
    ZERO_LEN_OF_A_BUFFER {
      @Override
      WsaBuf[] make() {
        return new WsaBuf[] {new WsaBuf(ByteBuffer.allocate(32), 0)};
      }
    };

    abstract WsaBuf[] make();
  }

  static Stream<Arguments> mechanismsAndShapes() {
    List<Arguments> out = new ArrayList<>();
    for (Mechanism m : Mechanism.values()) {
      for (ZeroShape s : ZeroShape.values()) {
        out.add(Arguments.of(m, s));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "rule 7: a zero-byte receive ({1}, via {0}) pends while the peer is silent, completes with 0 on data, consumes nothing")
  @MethodSource("mechanismsAndShapes")
  void zeroByteReceiveWaitsAndConsumesNothing(Mechanism mechanism, ZeroShape shape)
      throws Exception {
    Conn c = connect();
    Watched w = new Watched(mechanism, c.s());
    WsaBuf[] bufs = shape.make();
    w.start(0, bufs);
    w.assertStillPending();

    byte[] data = randomBytes(300);
    c.peer().getOutputStream().write(data);
    assertEquals(0, w.awaitCompletion(), "a zero-byte receive completes with 0");
    assertEquals(0, w.ov.internalHigh());
    if (shape == ZeroShape.ZERO_LEN_OF_A_BUFFER) {
      assertArrayEquals(new byte[32], bytesOf(new WsaBuf(bufs[0].buf()), 32), "nothing written");
    }
    assertArrayEquals(data, recvFully(c.s(), data.length), "the data is all still there");
  }

  @ParameterizedTest(name = "rule 7: a zero-byte receive consumes nothing even of {0} bytes, more than one staging chunk")
  @ValueSource(ints = {1, 1024, 1025, 200_000})
  void zeroByteReceiveConsumesNothingOfLargeData(int size) throws Exception {
    Conn c = connect();
    WsaOverlapped ov = new WsaOverlapped();
    startPendingRecv(c.s(), ov, WsaBuf.allocate(0));
    byte[] data = randomBytes(size);
    fork("sender", () -> {
      c.peer().getOutputStream().write(data);
      return null;
    });
    assertEquals(0, awaitSuccess(c.s(), ov));
    assertArrayEquals(data, recvFully(c.s(), size));
  }

  @ParameterizedTest(name = "rule 7: a zero-byte receive queued ahead of a {0} receive completes with 0; the next one gets the data")
  @EnumSource(value = BufKind.class, names = {"HEAP", "DIRECT"})
  void zeroByteReceiveAheadOfNormalReceive(BufKind kind) throws Exception {
    Conn c = connect();
    WsaOverlapped zero = new WsaOverlapped();
    WsaOverlapped normal = new WsaOverlapped();
    WsaBuf buf = kind.make(100);
    startPendingRecv(c.s(), zero, kind.make(0));
    startPendingRecv(c.s(), normal, buf);
    byte[] data = randomBytes(100);
    c.peer().getOutputStream().write(data);
    assertEquals(0, awaitSuccess(c.s(), zero));
    int n = awaitSuccess(c.s(), normal);
    assertTrue(n > 0, "the normal receive got data");
    byte[] all = Arrays.copyOf(bytesOf(buf, n), data.length);
    System.arraycopy(recvFully(c.s(), data.length - n), 0, all, n, data.length - n);
    assertArrayEquals(data, all);
  }

  /**
   * Windows' recv takes everything the socket holds. The zero-byte receive's read stages only a
   * small chunk, so the receive that follows reads the rest during its call instead of getting
   * that chunk alone (one write of 8 KiB arrives whole on loopback).
   */
  @ParameterizedTest(name = "rule 7: after a zero-byte receive, a {0} receive gets the whole 8 KiB message the peer wrote, not the zero-byte chunk")
  @EnumSource(value = BufKind.class, names = {"HEAP", "DIRECT"})
  void receiveAfterZeroByteGetsTheWholeMessage(BufKind kind) throws Exception {
    Conn c = connect();
    WsaOverlapped zero = new WsaOverlapped();
    startPendingRecv(c.s(), zero, kind.make(0));
    byte[] data = randomBytes(8 * 1024);
    c.peer().getOutputStream().write(data);
    assertEquals(0, awaitSuccess(c.s(), zero), "the zero-byte receive completes with 0");
    WsaBuf buf = kind.make(16 * 1024);
    WsaOverlapped normal = new WsaOverlapped();
    int rc = recvOv(wsa, c.s(), buf, normal, null);
    assertEquals(0, rc, () -> "the data is there: the receive finishes during the call, got "
        + name(Wsa.getLastError()));
    assertEquals(data.length, (int) normal.internalHigh(), "bytes of the one message received");
    assertArrayEquals(data, bytesOf(buf, data.length));
  }

  @Test
  @DisplayName("rule 7: with data already there, zero-byte receives complete with 0, again and again, and consume nothing")
  void zeroByteReceivesWithDataAlreadyThere() throws Exception {
    Conn c = connect();
    byte[] data = randomBytes(5);
    c.peer().getOutputStream().write(data);
    for (int i = 0; i < 3; i++) {
      WsaOverlapped ov = new WsaOverlapped();
      startRecv(c.s(), ov, null, WsaBuf.allocate(0));
      assertEquals(0, awaitSuccess(c.s(), ov), "zero-byte receive #" + i);
    }
    assertArrayEquals(data, recvFully(c.s(), data.length));
  }

  @ParameterizedTest(name = "rule 7: a zero-byte receive completes with 0 when the peer closes (via {0}), and so does one posted after")
  @EnumSource(Mechanism.class)
  void zeroByteReceiveOnPeerClose(Mechanism mechanism) throws Exception {
    Conn c = connect();
    Watched w = new Watched(mechanism, c.s());
    w.start(0, WsaBuf.allocate(0));
    w.assertStillPending();
    c.peer().close();
    assertEquals(0, w.awaitCompletion());

    WsaOverlapped after = new WsaOverlapped();
    startRecv(c.s(), after, null, WsaBuf.allocate(0));
    assertEquals(0, awaitSuccess(c.s(), after));
    WsaBuf buf = WsaBuf.allocate(8);
    int[] n = {COUNT_SENTINEL};
    assertEquals(0, wsa.recv(c.s(), new WsaBuf[] {buf}, 1, n, new int[1], null, null));
    assertEquals(0, n[0], "a normal receive sees the graceful close");
  }

  @Test
  @DisplayName("rule 7: a blocking zero-byte receive waits for data, returns 0 and consumes nothing")
  void blockingZeroByteReceive() throws Exception {
    Conn c = connect();
    byte[] data = randomBytes(64);
    Thread me = Thread.currentThread();
    fork("late-sender", () -> {
      awaitBlocked(me);
      c.peer().getOutputStream().write(data);
      return null;
    });
    int[] n = {COUNT_SENTINEL};
    int[] flags = {0};
    int rc = withDeadline(() -> wsa.recv(c.s(), new WsaBuf[] {WsaBuf.allocate(0)}, 1, n, flags,
        null, null), () -> "the blocking zero-byte receive did not return");
    assertEquals(0, rc, WsaFixture::lastError);
    assertEquals(0, n[0]);
    assertArrayEquals(data, recvFully(c.s(), data.length));
  }

  // -- MSG_PEEK, MSG_OOB --

  enum Mode { BLOCKING, OVERLAPPED }

  static Stream<Arguments> modesAndKinds() {
    List<Arguments> out = new ArrayList<>();
    for (Mode m : Mode.values()) {
      for (BufKind k : BufKind.values()) {
        out.add(Arguments.of(m, k));
      }
    }
    return out.stream();
  }

  /** A MSG_PEEK receive into {@code buf}; returns its count. */
  private int peek(Mode mode, WsaSocket s, WsaBuf buf) {
    WsaBuf[] bufs = {buf};
    if (mode == Mode.BLOCKING) {
      int[] n = {COUNT_SENTINEL};
      int[] flags = {MSG_PEEK};
      int rc = withDeadline(() -> wsa.recv(s, bufs, 1, n, flags, null, null),
          () -> "blocking MSG_PEEK did not return");
      assertEquals(0, rc, WsaFixture::lastError);
      assertEquals(0, flags[0], "flags out");
      return n[0];
    }
    WsaOverlapped ov = new WsaOverlapped(wsa.createEvent());
    assertStarted(wsa.recv(s, bufs, 1, null, new int[] {MSG_PEEK}, ov, null), "recv(MSG_PEEK)");
    return awaitSuccess(s, ov);
  }

  @ParameterizedTest(name = "rule 24: MSG_PEEK ({0}, {1}) returns the data without consuming it")
  @MethodSource("modesAndKinds")
  void peekDoesNotConsume(Mode mode, BufKind kind) throws Exception {
    Conn c = connect();
    byte[] data = randomBytes(500);
    c.peer().getOutputStream().write(data);

    WsaBuf first = kind.make(1000);
    int n = peek(mode, c.s(), first);
    assertTrue(n > 0 && n <= data.length, "peek count " + n);
    assertArrayEquals(Arrays.copyOf(data, n), bytesOf(first, n));

    WsaBuf again = kind.make(1000);
    int m = peek(mode, c.s(), again);
    assertTrue(m >= n, "a second peek sees at least as much: " + m + " < " + n);
    assertArrayEquals(Arrays.copyOf(data, m), bytesOf(again, m), "a second peek sees the same");

    assertArrayEquals(data, recvFully(c.s(), data.length), "a normal receive gets it all");
  }

  @ParameterizedTest(name = "rule 24: MSG_PEEK ({0}) into a buffer smaller than the data copies a prefix and consumes nothing")
  @EnumSource(Mode.class)
  void peekIntoSmallBuffer(Mode mode) throws Exception {
    Conn c = connect();
    byte[] data = randomBytes(300);
    c.peer().getOutputStream().write(data);
    WsaBuf small = WsaBuf.allocate(10);
    int n = peek(mode, c.s(), small);
    assertTrue(n > 0 && n <= 10, "peek count " + n);
    assertArrayEquals(Arrays.copyOf(data, n), bytesOf(small, n));
    assertArrayEquals(data, recvFully(c.s(), data.length));
  }

  @Test
  @DisplayName("rule 24: an overlapped MSG_PEEK posted before the data arrives waits for it and consumes nothing")
  void overlappedPeekWaitsForData() throws Exception {
    Conn c = connect();
    WsaOverlapped ov = new WsaOverlapped();
    WsaBuf buf = WsaBuf.allocate(64);
    assertPending(wsa.recv(c.s(), new WsaBuf[] {buf}, 1, null, new int[] {MSG_PEEK}, ov, null),
        "recv(MSG_PEEK)");
    assertFailsWith(WSA_IO_INCOMPLETE,
        wsa.getOverlappedResult(c.s(), ov, new int[1], false, new int[1]), "pending");
    byte[] data = randomBytes(20);
    c.peer().getOutputStream().write(data);
    int n = awaitSuccess(c.s(), ov);
    assertTrue(n > 0);
    assertArrayEquals(Arrays.copyOf(data, n), bytesOf(buf, n));
    assertArrayEquals(data, recvFully(c.s(), data.length));
  }

  @ParameterizedTest(name = "rule 24: MSG_OOB on a {0} → WSAEOPNOTSUPP, no completion indication")
  @ValueSource(strings = {"blocking recv", "overlapped recv", "blocking send", "overlapped send"})
  void oobIsRefused(String call) throws Exception {
    Conn c = connect();
    WsaCompletionPort port = newPort();
    associate(c.s(), port, KEY);
    WsaEvent event = wsa.createEvent();
    WsaOverlapped ov = call.startsWith("overlapped") ? new WsaOverlapped(event) : null;
    WsaBuf[] bufs = {WsaBuf.wrap(randomBytes(8))};
    int[] n = {COUNT_SENTINEL};
    int rc = call.endsWith("recv")
        ? wsa.recv(c.s(), bufs, 1, n, new int[] {MSG_OOB}, ov, null)
        : wsa.send(c.s(), bufs, 1, n, MSG_OOB, ov, null);
    assertFailsWith(WSAEOPNOTSUPP, rc, call);
    assertEquals(COUNT_SENTINEL, n[0], "count not written");
    if (ov != null) {
      assertFalse(ov.internal() == STATUS_PENDING, "token not pending");
      assertFalse(event.isSignaled(), "no event");
    }
    Dequeued d = gqcs(port, NO_PACKET_MS);
    assertEquals(WAIT_TIMEOUT, d.error(), () -> "no packet: " + d);
  }
}
