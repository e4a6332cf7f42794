package io.wsa4j.contract;

import static io.wsa4j.Winsock.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Rule 34 of API.md: datagram sockets, in every completion model. */
@Timeout(30)
class DatagramRulesTest extends UdpSupport {
  private static final int ERROR_PORT_UNREACHABLE_CODE = 1234;

  /** How a test learns that an operation finished. */
  enum Model { EVENT, ROUTINE, PORT, BLOCKING }

  /** What a finished operation reported: its Winsock status, count and (receives) source. */
  record Outcome(int status, int bytes, SocketAddress from, boolean immediate) {}

  /** A started operation: how to wait for it. */
  private final class Started {
    final Model model;
    final WsaSocket s;
    final WsaOverlapped ov;
    final RoutineLog log = new RoutineLog();
    final SocketAddress[] from = new SocketAddress[1];
    final int[] count = {SENTINEL};
    WsaCompletionPort port;
    Background<Integer> blocked;
    int rc;
    int error;

    Started(Model model, WsaSocket s) {
      this.model = model;
      this.s = s;
      this.ov = model == Model.EVENT ? token() : model == Model.BLOCKING ? null : new WsaOverlapped();
      if (model == Model.PORT) {
        port = wsa.createIoCompletionPort(s, null, 77, 0);
        assertTrue(port != null, () -> "createIoCompletionPort: " + lastErrorName());
      }
    }

    Outcome await() throws Exception {
      if (model == Model.BLOCKING) {
        int r = blocked != null ? blocked.get() : rc;
        return new Outcome(r == 0 ? 0 : error, count[0], from[0], blocked == null);
      }
      boolean immediate = rc == 0 || (rc == SOCKET_ERROR && error != WSA_IO_PENDING);
      if (rc == SOCKET_ERROR && error != WSA_IO_PENDING && error != WSAEMSGSIZE) {
        return new Outcome(error, 0, from[0], true);
      }
      switch (model) {
        case EVENT: {
          awaitSignaled(ov.event());
          int[] n = {SENTINEL};
          int[] f = new int[1];
          boolean ok = wsa.getOverlappedResult(s, ov, n, false, f);
          int status = ok ? 0 : Wsa.getLastError();
          assertEquals(status, (int) ov.internal(), "internal() vs getOverlappedResult");
          if (status == 0 || status == WSAEMSGSIZE) {
            assertEquals(ov.internalHigh(), n[0], "count of getOverlappedResult vs internalHigh()");
          }
          return new Outcome(status, (int) ov.internalHigh(), from[0], immediate);
        }
        case ROUTINE: {
          runRoutines(log, 1);
          RoutineLog.Call c = log.only();
          return new Outcome(c.error(), c.bytes(), from[0], immediate);
        }
        case PORT: {
          int[] n = {SENTINEL};
          long[] key = new long[1];
          WsaOverlapped[] got = new WsaOverlapped[1];
          boolean ok = wsa.getQueuedCompletionStatus(port, n, key, got, WAIT_MS);
          assertEquals(ov, got[0], () -> "packet's overlapped (" + lastErrorName() + ")");
          assertEquals(77, key[0], "completion key");
          int win32 = ok ? 0 : Wsa.getLastError();
          int status = win32 == ERROR_MORE_DATA ? WSAEMSGSIZE
              : win32 == ERROR_PORT_UNREACHABLE_CODE ? WSAECONNRESET
              : win32 == ERROR_OPERATION_ABORTED ? WSA_OPERATION_ABORTED : win32;
          return new Outcome(status, n[0], from[0], immediate);
        }
        default:
          throw new AssertionError(model);
      }
    }
  }

  private Started recvFrom(Model model, WsaSocket s, WsaBuf... bufs) {
    Started st = new Started(model, s);
    if (model == Model.BLOCKING) {
      st.blocked = fork("blocking recvFrom", () -> {
        int rc = recvFrom(s, bufs, st.count, new int[1], st.from, null, null);
        st.error = Wsa.getLastError();
        return rc;
      });
      return st;
    }
    st.rc = recvFrom(s, bufs, st.count, new int[1], st.from, st.ov,
        model == Model.ROUTINE ? st.log : null);
    st.error = Wsa.getLastError();
    return st;
  }

  private Started sendTo(Model model, WsaSocket s, SocketAddress to, WsaBuf... bufs) {
    Started st = new Started(model, s);
    st.rc = sendTo(s, bufs, st.count, to, st.ov, model == Model.ROUTINE ? st.log : null);
    st.error = Wsa.getLastError();
    return st;
  }

  private static WsaBuf holding(byte[] data) {
    return BufKind.DIRECT.holding(data);
  }

  // -- one datagram per call, its source, in every model --

  @ParameterizedTest(name = "rule 34: a posted recvFrom receives one whole datagram and writes its source [{0}]")
  @EnumSource(Model.class)
  void postedReceiveGetsOneDatagramAndItsSource(Model model) throws Exception {
    WsaSocket s = udpSocket();
    DatagramChannel peer = peer();
    WsaBuf buf = BufKind.HEAP.prefilled(100);
    Started st = recvFrom(model, s, buf);
    if (model != Model.BLOCKING) {
      assertEquals(SOCKET_ERROR, st.rc, "nothing waits yet: pending");
      assertEquals(WSA_IO_PENDING, st.error, "last error");
    }
    byte[] first = randomBytes(37);
    byte[] second = randomBytes(41);
    peer.send(ByteBuffer.wrap(first), local(s));
    peer.send(ByteBuffer.wrap(second), local(s));
    Outcome o = st.await();
    assertEquals(0, o.status(), () -> "status " + name(o.status()));
    assertEquals(first.length, o.bytes(), "one datagram, not both");
    assertArrayEquals(first, Arrays.copyOf(filledInOrder(first.length, buf), first.length));
    assertEquals(addressOf(peer), o.from(), "fromOut[0]");
  }

  @ParameterizedTest(name = "rule 25: a recvFrom with a datagram waiting returns 0 with the count, already indicated [{0}]")
  @EnumSource(Model.class)
  void waitingDatagramCompletesAtOnce(Model model) throws Exception {
    WsaSocket s = udpSocket();
    DatagramChannel peer = peer();
    byte[] data = randomBytes(64);
    peer.send(ByteBuffer.wrap(data), local(s)); // on loopback it is queued when send returns
    WsaBuf buf = BufKind.DIRECT.prefilled(64);
    Started st = recvFrom(model == Model.BLOCKING ? Model.EVENT : model, s, buf);
    assertEquals(0, st.rc, () -> "immediate completion expected, got " + lastErrorName());
    assertEquals(64, st.count[0], "count written at return");
    assertEquals(addressOf(peer), st.from[0], "fromOut[0] at return");
    Outcome o = st.await(); // and the completion was indicated as for a later one
    assertEquals(0, o.status());
    assertEquals(64, o.bytes());
  }

  @ParameterizedTest(name = "rule 34: sendTo sends a gather of WsaBufs as one datagram [{0}]")
  @EnumSource(value = Model.class, names = {"EVENT", "ROUTINE", "PORT"})
  void gatherIsOneDatagram(Model model) throws Exception {
    WsaSocket s = udpSocket();
    DatagramChannel peer = peer();
    byte[] a = randomBytes(10);
    byte[] b = randomBytes(0);
    byte[] c = randomBytes(300);
    Started st = sendTo(model, s, addressOf(peer), holding(a), holding(b), BufKind.HEAP.holding(c));
    Outcome o = st.await();
    assertEquals(0, o.status(), () -> name(o.status()));
    assertEquals(310, o.bytes(), "bytes sent");
    assertArrayEquals(concat(a, b, c), receiveAt(peer), "one datagram at the peer");
  }

  @Test
  @DisplayName("rule 34: blocking sendTo and sendto return the count; recvfrom returns one datagram and its source")
  void blockingCalls() throws Exception {
    WsaSocket s = udpSocket(0);
    DatagramChannel peer = peer();
    int[] sent = {SENTINEL};
    byte[] data = randomBytes(500);
    assertEquals(0, sendTo(s, new WsaBuf[] {holding(data)}, sent, addressOf(peer), null, null));
    assertEquals(500, sent[0]);
    assertArrayEquals(data, receiveAt(peer));
    assertEquals(7, sendto(s, data, 3, 7, 0, addressOf(peer)));
    assertArrayEquals(Arrays.copyOfRange(data, 3, 10), receiveAt(peer));

    peer.send(ByteBuffer.wrap(data, 0, 20), local(s));
    byte[] into = new byte[100];
    SocketAddress[] from = new SocketAddress[1];
    assertEquals(20, recvfrom(s, into, 5, 95, 0, from));
    assertArrayEquals(Arrays.copyOf(data, 20), Arrays.copyOfRange(into, 5, 25));
    assertEquals(addressOf(peer), from[0]);
    peer.send(ByteBuffer.allocate(0), local(s));
    assertEquals(0, recvfrom(s, into, 0, 100, 0, from), "an empty datagram");
  }

  @Test
  @DisplayName("rule 34: posted receives are filled in arrival order, one datagram each")
  void postedReceivesFilledInArrivalOrder() throws Exception {
    WsaSocket s = udpSocket();
    DatagramChannel peer = peer();
    int n = 16;
    WsaOverlapped[] ovs = new WsaOverlapped[n];
    WsaBuf[] bufs = new WsaBuf[n];
    SocketAddress[][] from = new SocketAddress[n][1];
    for (int i = 0; i < n; i++) {
      ovs[i] = token();
      bufs[i] = BufKind.HEAP.prefilled(8);
      assertEquals(SOCKET_ERROR, recvFrom(s, new WsaBuf[] {bufs[i]}, null, new int[1], from[i],
          ovs[i], null));
      assertEquals(WSA_IO_PENDING, Wsa.getLastError());
    }
    for (int i = 0; i < n; i++) {
      peer.send(ByteBuffer.wrap(new byte[] {(byte) i, 1, 2}), local(s));
    }
    for (int i = 0; i < n; i++) {
      awaitSignaled(ovs[i].event());
      assertEquals(0, ovs[i].internal());
      assertEquals(3, ovs[i].internalHigh());
      assertEquals(i, bufs[i].buf().get(bufs[i].buf().position()), "datagram in receive " + i);
      assertEquals(addressOf(peer), from[i][0]);
    }
  }

  @Test
  @DisplayName("rule 34: a scatter of WsaBufs receives one datagram in array order")
  void scatterReceivesOneDatagram() throws Exception {
    WsaSocket s = udpSocket(0);
    DatagramChannel peer = peer();
    byte[] data = randomBytes(9);
    peer.send(ByteBuffer.wrap(data), local(s));
    WsaBuf a = BufKind.HEAP.prefilled(4);
    WsaBuf b = BufKind.DIRECT.prefilled(5);
    int[] n = new int[1];
    assertEquals(0, recvFrom(s, new WsaBuf[] {a, b}, n, new int[1], null, null, null));
    assertEquals(9, n[0]);
    assertArrayEquals(data, filledInOrder(9, a, b));
  }

  // -- truncation --

  @ParameterizedTest(name = "rule 34: a datagram larger than the buffers fills them and fails with WSAEMSGSIZE, the count written [{0}]")
  @EnumSource(Model.class)
  void truncationIsReported(Model model) throws Exception {
    WsaSocket s = udpSocket();
    DatagramChannel peer = peer();
    WsaBuf a = BufKind.HEAP.prefilled(6);
    WsaBuf b = BufKind.DIRECT.prefilled(4);
    Started st = recvFrom(model, s, a, b);
    byte[] big = randomBytes(100);
    peer.send(ByteBuffer.wrap(big), local(s));
    Outcome o = st.await();
    assertEquals(WSAEMSGSIZE, o.status(), () -> "status " + name(o.status()));
    assertEquals(10, o.bytes(), "count of a truncated datagram");
    assertArrayEquals(Arrays.copyOf(big, 10), filledInOrder(10, a, b), "the buffers are filled");
    assertEquals(addressOf(peer), o.from());
    if (model != Model.BLOCKING && model != Model.ROUTINE) {
      assertEquals(WSAEMSGSIZE, st.ov.internal(), "internal()");
      assertEquals(10, st.ov.internalHigh(), "internalHigh()");
    }
    // the rest is lost: the next receive gets the next datagram
    peer.send(ByteBuffer.wrap(new byte[] {42}), local(s));
    byte[] one = new byte[200];
    assertEquals(1, recvfrom(s, one, 0, 200, 0, null));
    assertEquals(42, one[0]);
  }

  @Test
  @DisplayName("rule 34: a truncated datagram waiting at the call fails at once with WSAEMSGSIZE and the count")
  void immediateTruncation() throws Exception {
    WsaSocket s = udpSocket();
    DatagramChannel peer = peer();
    peer.send(ByteBuffer.wrap(randomBytes(65_507)), local(s));
    WsaOverlapped ov = token();
    int[] n = {SENTINEL};
    WsaBuf buf = BufKind.DIRECT.prefilled(1000);
    int rc = recvFrom(s, new WsaBuf[] {buf}, n, new int[1], null, ov, null);
    assertEquals(SOCKET_ERROR, rc);
    assertEquals(WSAEMSGSIZE, Wsa.getLastError());
    assertEquals(1000, n[0], "count out-parameter");
    assertEquals(1000, ov.internalHigh());
    assertTrue(ov.event().isSignaled(), "the truncated receive completed: its event is signaled");
  }

  @Test
  @DisplayName("rule 34: the largest IPv4 datagram (65,507 bytes) goes through whole; one byte more fails with WSAEMSGSIZE")
  void largestDatagram() throws Exception {
    WsaSocket s = udpSocket(0);
    WsaSocket r = udpSocket(0);
    byte[] data = randomBytes(65_507);
    int[] n = new int[1];
    assertEquals(0, sendTo(s, new WsaBuf[] {holding(data)}, n, local(r), null, null));
    WsaBuf big = BufKind.DIRECT.prefilled(70_000);
    assertEquals(0, recvFrom(r, new WsaBuf[] {big}, n, new int[1], null, null, null));
    assertEquals(65_507, n[0]);
    assertArrayEquals(data, filledInOrder(65_507, big));
    assertFailsWith(WSAEMSGSIZE, sendTo(s, new WsaBuf[] {holding(new byte[65_508])}, n,
        local(r), null, null), "sendTo 65,508 bytes");
  }

  // -- connect, filtering, ICMP --

  @Test
  @DisplayName("rule 34: connect sets the default peer: send/recv work and datagrams from others are dropped")
  void connectFiltersAndSetsDefaultPeer() throws Exception {
    WsaSocket s = udpSocket(0);
    DatagramChannel friend = peer();
    DatagramChannel stranger = peer();
    assertEquals(0, wsa.connect(s, addressOf(friend)));
    SocketAddress[] peerName = new SocketAddress[1];
    assertEquals(0, wsa.getpeername(s, peerName));
    assertEquals(addressOf(friend), peerName[0]);
    stranger.send(ByteBuffer.wrap(new byte[] {1}), local(s));
    friend.send(ByteBuffer.wrap(new byte[] {2}), local(s));
    WsaBuf b = BufKind.HEAP.prefilled(10);
    int[] n = new int[1];
    assertEquals(0, wsa.recv(s, new WsaBuf[] {b}, 1, n, new int[1], null, null));
    assertEquals(1, n[0]);
    assertEquals(2, b.buf().get(b.buf().position()), "the stranger's datagram was dropped");
    byte[] data = randomBytes(5);
    assertEquals(0, wsa.send(s, new WsaBuf[] {holding(data)}, 1, n, 0, null, null));
    assertArrayEquals(data, receiveAt(friend));
    assertFailsWith(WSAEISCONN, sendTo(s, new WsaBuf[] {holding(data)}, n, addressOf(stranger),
        null, null), "sendTo another address on a connected socket");
  }

  @ParameterizedTest(name = "rule 34: an ICMP port-unreachable fails the pending receive of a connected socket with WSAECONNRESET [{0}]")
  @EnumSource(value = Model.class, names = {"EVENT", "PORT"})
  void portUnreachableIsConnReset(Model model) throws Exception {
    WsaSocket s = udpSocket();
    InetSocketAddress gone;
    try (DatagramChannel ch = DatagramChannel.open()) {
      ch.bind(new InetSocketAddress(LOOPBACK, 0));
      gone = addressOf(ch);
    }
    assertEquals(0, wsa.connect(s, gone));
    Started st = recvFrom(model, s, BufKind.HEAP.prefilled(10));
    int[] n = new int[1];
    assertEquals(0, wsa.send(s, new WsaBuf[] {holding(new byte[] {1})}, 1, n, 0, null, null));
    Outcome o = st.await();
    assertEquals(WSAECONNRESET, o.status(), () -> name(o.status()));
    // not sticky: the socket goes on
    Started next = recvFrom(Model.EVENT, s, BufKind.HEAP.prefilled(10));
    assertEquals(WSA_IO_PENDING, next.error, "the next receive waits");
    assertTrue(wsa.cancelIoEx(s, next.ov));
  }

  @Test
  @DisplayName("rule 34: a send to the broadcast address without SO_BROADCAST fails with WSAEACCES")
  void broadcastNeedsSoBroadcast() {
    WsaSocket s = wsa.socket(AF_INET, SOCK_DGRAM, UDP, null, 0, 0);
    int[] n = new int[1];
    InetSocketAddress bcast = new InetSocketAddress("255.255.255.255", 9);
    assertFailsWith(WSAEACCES, sendTo(s, new WsaBuf[] {holding(new byte[] {1})}, n, bcast, null,
        null), "sendTo 255.255.255.255");
    int[] v = {SENTINEL};
    assertEquals(0, wsa.getsockopt(s, SOL_SOCKET, SO_BROADCAST, v));
    assertEquals(0, v[0], "SO_BROADCAST off by default");
    assertEquals(0, wsa.setsockopt(s, SOL_SOCKET, SO_BROADCAST, 1));
    assertEquals(0, wsa.getsockopt(s, SOL_SOCKET, SO_BROADCAST, v));
    assertEquals(1, v[0], "SO_BROADCAST on");
  }

  // -- cancel, close, cleanup with receives pending --

  @ParameterizedTest(name = "rule 13: cancelIoEx aborts posted receives of a datagram socket [{0}]")
  @EnumSource(value = Model.class, names = {"EVENT", "ROUTINE", "PORT"})
  void cancelAbortsPostedReceives(Model model) throws Exception {
    WsaSocket s = udpSocket();
    Started st = recvFrom(model, s, BufKind.HEAP.prefilled(10));
    assertTrue(wsa.cancelIoEx(s, null), () -> "cancelIoEx: " + lastErrorName());
    assertEquals(WSA_OPERATION_ABORTED, st.await().status());
    assertFalse(wsa.cancelIoEx(s, null));
    assertEquals(ERROR_NOT_FOUND, Wsa.getLastError());
    // a datagram that arrives later is kept for the next receive
    DatagramChannel peer = peer();
    peer.send(ByteBuffer.wrap(new byte[] {9}), local(s));
    byte[] into = new byte[4];
    assertEquals(1, recvfrom(s, into, 0, 4, 0, null));
  }

  @ParameterizedTest(name = "rule 12: closesocket aborts every posted receive and send of a datagram socket [{0}]")
  @EnumSource(value = Model.class, names = {"EVENT", "ROUTINE", "PORT", "BLOCKING"})
  void closeAbortsPending(Model model) throws Exception {
    WsaSocket s = udpSocket();
    Started st = recvFrom(model, s, BufKind.HEAP.prefilled(10));
    if (model == Model.BLOCKING) {
      awaitCondition(() -> st.blocked.thread.getState() == Thread.State.WAITING,
          () -> "the blocking receive is not waiting");
    }
    assertEquals(0, wsa.closesocket(s));
    if (model == Model.EVENT) {
      awaitSignaled(st.ov.event()); // getOverlappedResult refuses the closed handle: read the token
      assertEquals(WSA_OPERATION_ABORTED, st.ov.internal());
    } else {
      assertEquals(WSA_OPERATION_ABORTED, st.await().status());
    }
    assertFailsWith(WSAENOTSOCK, recvfrom(s, new byte[1], 0, 1, 0, null), "recvfrom after close");
  }

  @Test
  @DisplayName("rule 23: cleanup with datagram receives pending aborts them silently and stops the selector thread")
  void cleanupAbortsAndStopsSelector() throws Exception {
    WsaSocket s = udpSocket();
    WsaOverlapped ov = token();
    assertEquals(SOCKET_ERROR, recvFrom(s, new WsaBuf[] {BufKind.HEAP.prefilled(4)}, null,
        new int[1], null, ov, null));
    assertTrue(Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith("wsa4j-udp")), "a selector thread runs");
    assertEquals(0, wsa.cleanup());
    wsa = null;
    assertEquals(WSA_OPERATION_ABORTED, ov.internal());
    assertFalse(ov.event().isSignaled(), "cleanup cancels silently");
    awaitCondition(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().startsWith("wsa4j-udp") && t.isAlive()),
        () -> "selector thread still alive after cleanup");
  }

  // -- sockets and options --

  @Test
  @DisplayName("rule 34: SOCK_DGRAM sockets: names, options, listen and shutdown as Windows has them for UDP")
  void socketCalls() throws Exception {
    WsaSocket s = wsa.socket(AF_INET, SOCK_DGRAM, 0, null, 0, WSA_FLAG_OVERLAPPED);
    SocketAddress[] out = new SocketAddress[1];
    assertFailsWith(WSAEINVAL, wsa.getsockname(s, out), "getsockname unbound");
    assertFailsWith(WSAEINVAL, recvfrom(s, new byte[1], 0, 1, 0, null), "recvfrom unbound");
    assertEquals(0, wsa.setsockopt(s, SOL_SOCKET, SO_RCVBUF, 1 << 20));
    assertEquals(0, wsa.setsockopt(s, SOL_SOCKET, SO_REUSEADDR, 1));
    assertEquals(0, wsa.bind(s, new InetSocketAddress(LOOPBACK, 0)));
    assertFailsWith(WSAEINVAL, wsa.bind(s, new InetSocketAddress(LOOPBACK, 0)), "bind twice");
    int[] v = new int[1];
    assertEquals(0, wsa.getsockopt(s, SOL_SOCKET, SO_RCVBUF, v));
    assertTrue(v[0] >= 1 << 20, "SO_RCVBUF " + v[0]);
    assertEquals(0, wsa.getsockopt(s, SOL_SOCKET, SO_SNDBUF, v));
    assertEquals(0, wsa.getsockopt(s, SOL_SOCKET, SO_TYPE, v));
    assertEquals(SOCK_DGRAM, v[0], "SO_TYPE");
    assertFailsWith(WSAENOPROTOOPT, wsa.setsockopt(s, IPPROTO_TCP, TCP_NODELAY, 1), "TCP_NODELAY");
    assertFailsWith(WSAENOTCONN, wsa.getpeername(s, out), "getpeername unconnected");
    assertFailsWith(WSAEOPNOTSUPP, wsa.listen(s, 5), "listen on UDP");
    assertFailsWith(WSAENOTCONN, wsa.send(s, new WsaBuf[] {holding(new byte[1])}, 1,
        new int[1], 0, null, null), "send unconnected");
    assertFailsWith(WSAEDESTADDRREQ, sendTo(s, new WsaBuf[] {holding(new byte[1])},
        new int[1], null, null, null), "sendTo without an address");
    assertEquals(0, wsa.shutdown(s, SD_SEND));
    assertFailsWith(WSAESHUTDOWN, sendto(s, new byte[1], 0, 1, 0, local(s)), "send after SD_SEND");
    assertEquals(0, wsa.closesocket(s));
    assertEquals(WsaSocket.INVALID_SOCKET, wsa.socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP, null, 0, 0));
    assertEquals(WSAEPROTONOSUPPORT, Wsa.getLastError());
    assertEquals(WsaSocket.INVALID_SOCKET, wsa.socket(AF_INET, SOCK_STREAM, UDP, null, 0, 0));
    assertEquals(WSAEPROTONOSUPPORT, Wsa.getLastError());
  }


  @Test
  @DisplayName("rule 34: IPv6 datagram sockets send and receive, 65,527 bytes at most")
  void ipv6() throws Exception {
    WsaSocket a = wsa.socket(AF_INET6, SOCK_DGRAM, UDP, null, 0, 0);
    WsaSocket b = wsa.socket(AF_INET6, SOCK_DGRAM, UDP, null, 0, 0);
    InetSocketAddress any6 = new InetSocketAddress(java.net.InetAddress.getByName("::1"), 0);
    org.junit.jupiter.api.Assumptions.assumeTrue(wsa.bind(b, any6) == 0, "no IPv6 loopback");
    byte[] data = randomBytes(65_527);
    int[] n = new int[1];
    assertEquals(0, sendTo(a, new WsaBuf[] {holding(data)}, n, local(b), null, null),
        () -> lastErrorName());
    WsaBuf into = BufKind.DIRECT.prefilled(65_527);
    assertEquals(0, recvFrom(b, new WsaBuf[] {into}, n, new int[1], null, null, null));
    assertArrayEquals(data, filledInOrder(65_527, into));
    assertFailsWith(WSAEMSGSIZE, sendTo(a, new WsaBuf[] {holding(new byte[65_528])}, n,
        local(b), null, null), "65,528 bytes over IPv6");
    assertNull(null);
  }
}
