package io.wsa4j.contract;

import static io.wsa4j.Winsock.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.Wsa;
import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaFdSet;
import io.wsa4j.WsaNetworkEvents;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaPollFd;
import io.wsa4j.WsaSocket;
import io.wsa4j.WsaTimeval;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rules 28–33 (API.md §5.3): non-blocking mode, FIONREAD, WSAEventSelect and
 * WSAEnumNetworkEvents, select and WSAPoll, as a user of the calls sees them.
 */
@Timeout(60)
class ReadinessRulesTest extends WsaFixture {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private final WsaNetworkEvents events = new WsaNetworkEvents();

  private Conn nonBlocking() throws IOException {
    Conn c = connect(Connector.LIBRARY_CONNECTS, false, 0);
    assertEquals(0, wsa.ioctlsocket(c.s(), FIONBIO, new int[] {1}), WsaFixture::lastErrorName);
    return c;
  }

  /** Waits (select, forever bounded by the test timeout) until s is readable. */
  private void awaitReadable(WsaSocket s) {
    WsaFdSet r = new WsaFdSet();
    r.set(s);
    assertEquals(1, wsa.select(0, r, null, null, new WsaTimeval(WAIT_MS / 1000, 0)),
        () -> "select: not readable: " + lastErrorName());
  }

  /** Receives with the non-blocking recv until n bytes came, waiting in select between. */
  private byte[] recvAll(WsaSocket s, int n) {
    byte[] all = new byte[n];
    int got = 0;
    while (got < n) {
      int r = wsa.recv(s, all, got, n - got, 0);
      if (r == SOCKET_ERROR) {
        assertEquals(WSAEWOULDBLOCK, Wsa.getLastError(), WsaFixture::lastErrorName);
        awaitReadable(s);
      } else {
        assertTrue(r > 0, "end of stream after " + got + " of " + n + " bytes");
        got += r;
      }
    }
    return all;
  }

  private WsaSocket listener(int flags) {
    WsaSocket l = newSocket(flags);
    assertEquals(0, wsa.bind(l, new InetSocketAddress(LOOPBACK, 0)));
    assertEquals(0, wsa.listen(l, 50));
    return l;
  }

  private SocketAddress address(WsaSocket s) {
    SocketAddress[] a = new SocketAddress[1];
    assertEquals(0, wsa.getsockname(s, a));
    return a[0];
  }

  private int enumEvents(WsaSocket s, WsaEvent e) {
    assertEquals(0, wsa.enumNetworkEvents(s, e, events), WsaFixture::lastErrorName);
    return events.networkEvents();
  }

  /** Waits for e, then returns the record of s (which resets e). */
  private int awaitEvents(WsaSocket s, WsaEvent e) {
    awaitSignaled(e);
    return enumEvents(s, e);
  }

  /** Waits until the record of s holds all of {@code wanted}; returns everything recorded. */
  private int awaitRecorded(WsaSocket s, WsaEvent e, int wanted) {
    int seen = 0;
    while ((seen & wanted) != wanted) {
      seen |= awaitEvents(s, e);
    }
    return seen;
  }

  // -- rule 28 --

  @Test
  @DisplayName("rule 28: a non-blocking recv with nothing there fails with WSAEWOULDBLOCK; the data comes once it arrives")
  void recvWouldBlock() throws Exception {
    Conn c = nonBlocking();
    byte[] buf = new byte[16];
    assertEquals(SOCKET_ERROR, wsa.recv(c.s(), buf, 0, buf.length, 0));
    assertEquals(WSAEWOULDBLOCK, Wsa.getLastError());
    c.peerSend("hello".getBytes(), Pacing.BULK);
    assertArrayEquals("hello".getBytes(), recvAll(c.s(), 5));
  }

  /**
   * Windows' recv takes everything the socket holds. wsa4j learns readability by a small staging
   * read, so the recv that follows reads the rest during its call instead of returning that chunk
   * alone (one write of 8 KiB arrives whole on loopback).
   */
  @Test
  @DisplayName("rule 28: once readable, a non-blocking recv gets the whole 8 KiB message the peer wrote, not the staging chunk")
  void recvAfterReadableGetsTheWholeMessage() throws Exception {
    Conn c = nonBlocking();
    byte[] data = new byte[8 * 1024];
    new java.util.Random(8).nextBytes(data);
    c.peerSend(data, Pacing.BULK);
    awaitReadable(c.s());
    byte[] buf = new byte[16 * 1024];
    assertEquals(data.length, wsa.recv(c.s(), buf, 0, buf.length, 0), "bytes of one recv");
    assertArrayEquals(data, java.util.Arrays.copyOf(buf, data.length));
  }

  @Test
  @DisplayName("rule 28: WSARecv without a token on a non-blocking socket fails with WSAEWOULDBLOCK; with a token it is overlapped as ever")
  void overlappedUnaffected() throws Exception {
    Conn c = connect(Connector.LIBRARY_CONNECTS, false, WSA_FLAG_OVERLAPPED);
    assertEquals(0, wsa.ioctlsocket(c.s(), FIONBIO, new int[] {1}));
    WsaBuf[] one = {WsaBuf.allocate(8)};
    assertEquals(SOCKET_ERROR, wsa.recv(c.s(), one, 1, new int[1], new int[1], null, null));
    assertEquals(WSAEWOULDBLOCK, Wsa.getLastError());
    WsaOverlapped ov = token();
    assertEquals(SOCKET_ERROR, wsa.recv(c.s(), one, 1, null, new int[1], ov, null));
    assertEquals(WSA_IO_PENDING, Wsa.getLastError());
    c.peerSend("abc".getBytes(), Pacing.BULK);
    awaitSignaled(ov.event());
    assertEquals(3, ov.internalHigh());
  }

  @Test
  @DisplayName("rule 28: a non-blocking send takes a buffer whole or fails with WSAEWOULDBLOCK; every byte taken arrives in order")
  void sendWholeOrWouldBlock() throws Exception {
    Conn c = connect(Connector.LIBRARY_CONNECTS, true, 0);
    assertEquals(0, wsa.ioctlsocket(c.s(), FIONBIO, new int[] {1}));
    byte[] piece = new byte[8 * 1024];
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    int calls = 0;
    while (true) {
      rnd.nextBytes(piece);
      int n = wsa.send(c.s(), piece, 0, piece.length, 0);
      if (n == SOCKET_ERROR) {
        assertEquals(WSAEWOULDBLOCK, Wsa.getLastError(), WsaFixture::lastErrorName);
        break;
      }
      assertEquals(piece.length, n, "never a partial count");
      sent.write(piece);
      assertTrue(++calls < 100_000, "the send buffer never filled");
    }
    byte[] expected = sent.toByteArray();
    assertArrayEquals(expected, c.peerReadBytes(expected.length));
    WsaFdSet w = new WsaFdSet();
    w.set(c.s());
    assertEquals(1, wsa.select(0, null, w, null, new WsaTimeval(WAIT_MS / 1000, 0)),
        "writable again once the peer read");
    assertEquals(4, wsa.send(c.s(), "more".getBytes(), 0, 4, 0));
    assertArrayEquals("more".getBytes(), c.peerReadBytes(4));
  }

  @Test
  @DisplayName("rule 28: a non-blocking accept with no connection fails with WSAEWOULDBLOCK, then returns the connection")
  void acceptWouldBlock() throws Exception {
    WsaSocket l = listener(0);
    assertEquals(0, wsa.ioctlsocket(l, FIONBIO, new int[] {1}));
    assertEquals(WsaSocket.INVALID_SOCKET, wsa.accept(l, null));
    assertEquals(WSAEWOULDBLOCK, Wsa.getLastError());
    try (Socket peer = new Socket()) {
      peer.connect(address(l));
      awaitReadable(l);
      SocketAddress[] remote = new SocketAddress[1];
      WsaSocket s = wsa.accept(l, remote);
      assertNotEquals(WsaSocket.INVALID_SOCKET, s, WsaFixture::lastErrorName);
      assertEquals(peer.getLocalSocketAddress(), remote[0]);
      assertEquals(SOCKET_ERROR, wsa.recv(s, new byte[1], 0, 1, 0), "inherits non-blocking");
      assertEquals(WSAEWOULDBLOCK, Wsa.getLastError());
    }
  }

  @Test
  @DisplayName("rule 28: a non-blocking connect fails with WSAEWOULDBLOCK and completes in the background: writable in select")
  void connectInBackground() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, LOOPBACK)) {
      WsaSocket s = newSocket(0);
      assertEquals(0, wsa.ioctlsocket(s, FIONBIO, new int[] {1}));
      assertEquals(SOCKET_ERROR, wsa.connect(s, server.getLocalSocketAddress()));
      assertEquals(WSAEWOULDBLOCK, Wsa.getLastError());
      WsaFdSet w = new WsaFdSet();
      w.set(s);
      assertEquals(1, wsa.select(0, null, w, null, new WsaTimeval(WAIT_MS / 1000, 0)));
      assertTrue(w.isSet(s));
      assertEquals(SOCKET_ERROR, wsa.connect(s, server.getLocalSocketAddress()));
      assertEquals(WSAEISCONN, Wsa.getLastError());
      try (Socket peer = server.accept()) {
        assertEquals(2, wsa.send(s, "hi".getBytes(), 0, 2, 0));
        assertArrayEquals("hi".getBytes(), peer.getInputStream().readNBytes(2));
      }
    }
  }

  @Test
  @DisplayName("rule 28: a refused non-blocking connect lands in the except set, and the socket can connect again")
  void connectRefused() throws Exception {
    SocketAddress dead;
    try (ServerSocket gone = new ServerSocket(0, 5, LOOPBACK)) {
      dead = gone.getLocalSocketAddress();
    }
    WsaSocket s = newSocket(0);
    assertEquals(0, wsa.ioctlsocket(s, FIONBIO, new int[] {1}));
    assertEquals(SOCKET_ERROR, wsa.connect(s, dead));
    assertEquals(WSAEWOULDBLOCK, Wsa.getLastError());
    WsaFdSet w = new WsaFdSet();
    WsaFdSet x = new WsaFdSet();
    w.set(s);
    x.set(s);
    assertEquals(1, wsa.select(0, null, w, x, new WsaTimeval(WAIT_MS / 1000, 0)));
    assertTrue(x.isSet(s), "except set");
    assertFalse(w.isSet(s), "not writable");
    try (ServerSocket server = new ServerSocket(0, 5, LOOPBACK)) {
      assertEquals(SOCKET_ERROR, wsa.connect(s, server.getLocalSocketAddress()));
      assertEquals(WSAEWOULDBLOCK, Wsa.getLastError());
      w.zero();
      w.set(s);
      assertEquals(1, wsa.select(0, null, w, null, new WsaTimeval(WAIT_MS / 1000, 0)));
      server.accept().close();
    }
  }

  @Test
  @DisplayName("rule 28: while eventSelect is active, FIONBIO 0 fails with WSAEINVAL")
  void blockingRefusedWhileSelected() throws Exception {
    Conn c = connect();
    WsaEvent e = event();
    assertEquals(0, wsa.eventSelect(c.s(), e, FD_READ));
    assertEquals(SOCKET_ERROR, wsa.ioctlsocket(c.s(), FIONBIO, new int[] {0}));
    assertEquals(WSAEINVAL, Wsa.getLastError());
    assertEquals(0, wsa.eventSelect(c.s(), null, 0));
    assertEquals(0, wsa.ioctlsocket(c.s(), FIONBIO, new int[] {0}));
  }

  // -- rule 29 --

  @Test
  @DisplayName("rule 29: FIONREAD gives the bytes a recv returns now")
  void fionread() throws Exception {
    Conn c = nonBlocking();
    int[] n = {SENTINEL};
    assertEquals(0, wsa.ioctlsocket(c.s(), FIONREAD, n));
    assertEquals(0, n[0]);
    c.peerSend(new byte[100], Pacing.BULK);
    awaitReadable(c.s());
    assertEquals(0, wsa.ioctlsocket(c.s(), FIONREAD, n));
    assertEquals(100, n[0]);
    assertEquals(40, wsa.recv(c.s(), new byte[40], 0, 40, 0));
    assertEquals(0, wsa.ioctlsocket(c.s(), FIONREAD, n));
    assertEquals(60, n[0]);
    assertEquals(60, wsa.recv(c.s(), new byte[100], 0, 100, 0));
    assertEquals(0, wsa.ioctlsocket(c.s(), FIONREAD, n));
    assertEquals(0, n[0]);
  }

  @Test
  @DisplayName("rule 29: WSAIoctl does FIONBIO and FIONREAD as ioctlsocket does")
  void ioctlFionbioFionread() throws Exception {
    Conn c = connect(Connector.LIBRARY_CONNECTS, false, 0);
    int[] returned = {SENTINEL};
    assertEquals(0, wsa.ioctl(c.s(), FIONBIO, new int[] {1}, null, returned, null, null));
    assertEquals(SOCKET_ERROR, wsa.recv(c.s(), new byte[1], 0, 1, 0), "non-blocking now");
    assertEquals(WSAEWOULDBLOCK, Wsa.getLastError());
    c.peerSend(new byte[7], Pacing.BULK);
    awaitReadable(c.s());
    Object[] out = new Object[1];
    assertEquals(0, wsa.ioctl(c.s(), FIONREAD, null, out, returned, null, null));
    assertEquals(7, out[0]);
    assertEquals(4, returned[0]);
    expect(WSAEFAULT, wsa.ioctl(c.s(), FIONBIO, "1", null, returned, null, null));
    expect(WSAEFAULT, wsa.ioctl(c.s(), FIONREAD, null, null, returned, null, null));
  }

  @Test
  @DisplayName("rule 29: WSAIoctl(SIO_KEEPALIVE_VALS) turns SO_KEEPALIVE on and off; a short buffer is WSAEFAULT")
  void keepAliveValues() throws Exception {
    Conn c = connect();
    int[] on = {SENTINEL};
    assertEquals(0, wsa.ioctl(c.s(), SIO_KEEPALIVE_VALS, new int[] {1, 30_000, 1_000}, null,
        new int[1], null, null), WsaFixture::lastErrorName);
    assertEquals(0, wsa.getsockopt(c.s(), SOL_SOCKET, SO_KEEPALIVE, on));
    assertEquals(1, on[0]);
    assertEquals(0, wsa.ioctl(c.s(), SIO_KEEPALIVE_VALS, new int[] {0, 0, 0}, null, new int[1],
        null, null));
    assertEquals(0, wsa.getsockopt(c.s(), SOL_SOCKET, SO_KEEPALIVE, on));
    assertEquals(0, on[0]);
    expect(WSAEFAULT, wsa.ioctl(c.s(), SIO_KEEPALIVE_VALS, new int[] {1}, null, new int[1], null,
        null));
  }

  // -- rule 30 --

  @Test
  @DisplayName("rule 30: eventSelect makes the socket non-blocking and records FD_WRITE at once on a connected socket")
  void selectRecordsWritableAtOnce() throws Exception {
    Conn c = connect(Connector.LIBRARY_CONNECTS, false, 0);
    WsaEvent e = event();
    assertEquals(0, wsa.eventSelect(c.s(), e, FD_READ | FD_WRITE | FD_CLOSE));
    assertEquals(FD_WRITE, awaitEvents(c.s(), e));
    assertFalse(e.isSignaled(), "enumNetworkEvents reset the event");
    assertEquals(SOCKET_ERROR, wsa.recv(c.s(), new byte[1], 0, 1, 0));
    assertEquals(WSAEWOULDBLOCK, Wsa.getLastError());
  }

  @Test
  @DisplayName("rule 30: FD_READ is recorded when data arrives, not again until a recv, and at once after a recv that leaves data")
  void readLevelTriggered() throws Exception {
    Conn c = connect(Connector.LIBRARY_CONNECTS, false, 0);
    WsaEvent e = event();
    assertEquals(0, wsa.eventSelect(c.s(), e, FD_READ));
    c.peerSend(new byte[10], Pacing.BULK);
    assertEquals(FD_READ, awaitEvents(c.s(), e));
    c.peerSend(new byte[10], Pacing.BULK);
    assertEquals(WSA_WAIT_TIMEOUT, wsa.waitForMultipleEvents(1, new WsaEvent[] {e}, false,
        NEGATIVE_WINDOW_MS, false), "no FD_READ again without a recv");
    assertEquals(4, wsa.recv(c.s(), new byte[4], 0, 4, 0));
    assertEquals(FD_READ, awaitEvents(c.s(), e), "data is left: recorded again at once");
    byte[] rest = new byte[64];
    int got = 4;
    while (got < 20) {
      int n = wsa.recv(c.s(), rest, 0, rest.length, 0);
      if (n == SOCKET_ERROR) {
        assertEquals(WSAEWOULDBLOCK, Wsa.getLastError());
        assertEquals(FD_READ, awaitEvents(c.s(), e));
      } else {
        got += n;
      }
    }
    assertEquals(20, got);
  }

  @Test
  @DisplayName("rule 30: FD_CLOSE with 0 for a graceful close, after the data; with WSAECONNRESET for a reset")
  void closeCodes() throws Exception {
    Conn graceful = connect(Connector.LIBRARY_CONNECTS, false, 0);
    Conn reset = connect(Connector.LIBRARY_CONNECTS, false, 0);
    WsaEvent e1 = event();
    WsaEvent e2 = event();
    assertEquals(0, wsa.eventSelect(graceful.s(), e1, FD_READ | FD_CLOSE));
    assertEquals(0, wsa.eventSelect(reset.s(), e2, FD_READ | FD_CLOSE));
    graceful.peerSend("bye".getBytes(), Pacing.BULK);
    graceful.peer().shutdownOutput();
    reset.resetPeer();
    int seen = 0;
    int got = 0;
    while ((seen & FD_CLOSE) == 0) {
      int ev = awaitEvents(graceful.s(), e1);
      seen |= ev;
      if ((ev & FD_CLOSE) != 0) {
        assertEquals(0, events.errorCode(FD_CLOSE_BIT));
      }
      int n;
      while ((n = wsa.recv(graceful.s(), new byte[8], 0, 8, 0)) > 0) {
        got += n;
      }
    }
    assertEquals(3, got, "every byte before FD_CLOSE");
    assertEquals(0, wsa.recv(graceful.s(), new byte[8], 0, 8, 0), "end of stream");
    awaitRecorded(reset.s(), e2, FD_CLOSE);
    assertEquals(WSAECONNRESET, events.errorCode(FD_CLOSE_BIT));
  }

  @Test
  @DisplayName("rule 30: FD_CONNECT with 0, then FD_WRITE, for a connect; FD_CONNECT with WSAECONNREFUSED for a refused one")
  void connectEvents() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, LOOPBACK)) {
      WsaSocket s = newSocket(0);
      WsaEvent e = event();
      assertEquals(0, wsa.eventSelect(s, e, FD_CONNECT | FD_WRITE));
      assertEquals(SOCKET_ERROR, wsa.connect(s, server.getLocalSocketAddress()));
      assertEquals(WSAEWOULDBLOCK, Wsa.getLastError());
      awaitRecorded(s, e, FD_CONNECT | FD_WRITE);
      server.accept().close();
    }
    SocketAddress dead;
    try (ServerSocket gone = new ServerSocket(0, 5, LOOPBACK)) {
      dead = gone.getLocalSocketAddress();
    }
    WsaSocket s = newSocket(0);
    WsaEvent e = event();
    assertEquals(0, wsa.eventSelect(s, e, FD_CONNECT | FD_WRITE));
    assertEquals(SOCKET_ERROR, wsa.connect(s, dead));
    assertEquals(FD_CONNECT, awaitRecorded(s, e, FD_CONNECT));
    assertEquals(WSAECONNREFUSED, events.errorCode(FD_CONNECT_BIT));
  }

  @Test
  @DisplayName("rule 30: FD_ACCEPT while connections wait, again after an accept that leaves one; the accepted socket inherits the selection")
  void acceptEventsAndInheritance() throws Exception {
    WsaSocket l = listener(0);
    WsaEvent e = event();
    assertEquals(0, wsa.eventSelect(l, e, FD_ACCEPT | FD_WRITE));
    try (Socket p1 = new Socket(); Socket p2 = new Socket()) {
      p1.connect(address(l));
      p2.connect(address(l));
      assertEquals(FD_ACCEPT, awaitRecorded(l, e, FD_ACCEPT));
      WsaSocket a1 = wsa.accept(l, null);
      assertNotEquals(WsaSocket.INVALID_SOCKET, a1, WsaFixture::lastErrorName);
      // the second connection may reach the listener a little later: FD_ACCEPT comes then
      assertEquals(FD_ACCEPT, awaitRecorded(l, e, FD_ACCEPT) & FD_ACCEPT);
      WsaSocket a2 = wsa.accept(l, null);
      assertNotEquals(WsaSocket.INVALID_SOCKET, a2, WsaFixture::lastErrorName);
      // e is shared: an enumeration of l may have reset it, but a1's own record holds FD_WRITE
      assertEquals(FD_WRITE, enumEvents(a1, null), "a1 inherited the selection: FD_WRITE");
      assertEquals(SOCKET_ERROR, wsa.ioctlsocket(a2, FIONBIO, new int[] {0}),
          "the inherited selection keeps a2 non-blocking");
    }
  }

  @Test
  @DisplayName("rule 30: FD_WRITE comes again after a send failed with WSAEWOULDBLOCK, once there is room")
  void writeAfterWouldBlock() throws Exception {
    Conn c = connect(Connector.LIBRARY_CONNECTS, true, 0);
    WsaEvent e = event();
    assertEquals(0, wsa.eventSelect(c.s(), e, FD_WRITE));
    assertEquals(FD_WRITE, awaitEvents(c.s(), e));
    byte[] piece = new byte[8 * 1024];
    long sent = 0;
    while (wsa.send(c.s(), piece, 0, piece.length, 0) != SOCKET_ERROR) {
      sent += piece.length;
    }
    assertEquals(WSAEWOULDBLOCK, Wsa.getLastError());
    int total = (int) sent;
    CompletableFuture<byte[]> drain = CompletableFuture.supplyAsync(() -> {
      try {
        return c.peerReadBytes(total);
      } catch (IOException ex) {
        throw new IllegalStateException(ex);
      }
    });
    assertEquals(FD_WRITE, awaitEvents(c.s(), e));
    assertEquals(sent, drain.get(WAIT_MS, TimeUnit.MILLISECONDS).length);
  }

  // -- rule 31 --

  @Test
  @DisplayName("rule 31: enumNetworkEvents clears the record and resets the event it is given; with null it leaves the event")
  void enumClearsAndResets() throws Exception {
    Conn c = connect(Connector.LIBRARY_CONNECTS, false, 0);
    WsaEvent e = event();
    assertEquals(0, wsa.eventSelect(c.s(), e, FD_WRITE));
    awaitSignaled(e);
    assertEquals(FD_WRITE, enumEvents(c.s(), null));
    assertTrue(e.isSignaled(), "null event: not reset");
    assertEquals(0, enumEvents(c.s(), e), "the record was cleared");
    assertFalse(e.isSignaled());
  }

  // -- rule 32 --

  @Test
  @DisplayName("rule 32: select leaves only ready sockets in the sets and counts them; 0 on timeout")
  void selectTrimsSets() throws Exception {
    Conn quiet = nonBlocking();
    Conn talking = nonBlocking();
    talking.peerSend("x".getBytes(), Pacing.BULK);
    awaitReadable(talking.s()); // select returns as soon as one is ready: let both be
    WsaFdSet r = new WsaFdSet();
    WsaFdSet w = new WsaFdSet();
    r.set(quiet.s());
    r.set(talking.s());
    w.set(quiet.s());
    assertEquals(2, wsa.select(12345, r, w, null, new WsaTimeval(WAIT_MS / 1000, 0)),
        "nfds ignored; talking readable, quiet writable");
    assertEquals(1, r.count());
    assertTrue(r.isSet(talking.s()));
    assertEquals(1, w.count());
    WsaFdSet q = new WsaFdSet();
    q.set(quiet.s());
    assertEquals(0, wsa.select(0, q, null, null, new WsaTimeval(0, 1000)));
    assertEquals(0, q.count(), "timeout: the sets are emptied");
  }

  @Test
  @DisplayName("rule 32: a reset and an end of stream are readable")
  void selectReadableOnEnd() throws Exception {
    Conn ended = nonBlocking();
    Conn reset = nonBlocking();
    ended.peer().close();
    reset.resetPeer();
    awaitReadable(ended.s());
    awaitReadable(reset.s());
    assertEquals(0, wsa.recv(ended.s(), new byte[1], 0, 1, 0));
    assertEquals(SOCKET_ERROR, wsa.recv(reset.s(), new byte[1], 0, 1, 0));
    assertEquals(WSAECONNRESET, Wsa.getLastError());
  }

  @Test
  @DisplayName("rule 32: all sets null or empty → WSAEINVAL; a closed socket → WSAENOTSOCK")
  void selectBadInput() throws Exception {
    assertEquals(SOCKET_ERROR, wsa.select(0, null, null, null, new WsaTimeval(0, 0)));
    assertEquals(WSAEINVAL, Wsa.getLastError());
    assertEquals(SOCKET_ERROR, wsa.select(0, new WsaFdSet(), new WsaFdSet(), null, null));
    assertEquals(WSAEINVAL, Wsa.getLastError());
    WsaSocket s = newSocket(0);
    wsa.closesocket(s);
    WsaFdSet r = new WsaFdSet();
    r.set(s);
    assertEquals(SOCKET_ERROR, wsa.select(0, r, null, null, null));
    assertEquals(WSAENOTSOCK, Wsa.getLastError());
  }

  @Test
  @DisplayName("rule 32: closesocket in another thread wakes a select waiting forever")
  void closeWakesSelect() throws Exception {
    Conn c = nonBlocking();
    CompletableFuture<Integer> result = new CompletableFuture<>();
    Thread waiter = new Thread(() -> {
      WsaFdSet r = new WsaFdSet();
      r.set(c.s());
      result.complete(wsa.select(0, r, null, null, null));
    }, "select-waiter");
    waiter.start();
    // parked in select (WAITING): only then is the close a wake-up, not a closed handle
    awaitCondition(() -> waiter.getState() == Thread.State.WAITING, () -> "select not waiting");
    assertFalse(result.isDone(), "nothing readable yet");
    assertEquals(0, wsa.closesocket(c.s()));
    assertEquals(1, result.get(WAIT_MS, TimeUnit.MILLISECONDS));
    waiter.join(WAIT_MS);
  }

  @Test
  @DisplayName("rule 32: cleanup ends a select and a poll waiting forever with WSA_OPERATION_ABORTED (rule 23)")
  void cleanupEndsWaits() throws Exception {
    Conn c = nonBlocking();
    CompletableFuture<Integer> selected = new CompletableFuture<>();
    CompletableFuture<Integer> polled = new CompletableFuture<>();
    Thread s1 = new Thread(() -> {
      WsaFdSet r = new WsaFdSet();
      r.set(c.s());
      int rc = wsa.select(0, r, null, null, null);
      selected.complete(rc == SOCKET_ERROR ? Wsa.getLastError() : rc);
    }, "select-waiter");
    Thread s2 = new Thread(() -> {
      int rc = wsa.poll(new WsaPollFd[] {new WsaPollFd(c.s(), POLLRDNORM)}, 1, -1);
      polled.complete(rc == SOCKET_ERROR ? Wsa.getLastError() : rc);
    }, "poll-waiter");
    s1.start();
    s2.start();
    awaitCondition(() -> s1.getState() == Thread.State.WAITING
        && s2.getState() == Thread.State.WAITING, () -> "select and poll not waiting");
    assertEquals(0, cleanupNow());
    assertEquals(WSA_OPERATION_ABORTED, selected.get(WAIT_MS, TimeUnit.MILLISECONDS));
    assertEquals(WSA_OPERATION_ABORTED, polled.get(WAIT_MS, TimeUnit.MILLISECONDS));
    s1.join(WAIT_MS);
    s2.join(WAIT_MS);
  }

  @Test
  @DisplayName("rule 32: FD_SET beyond the capacity is ignored, as in C")
  void fdSetCapacity() {
    WsaFdSet set = new WsaFdSet(2);
    WsaSocket a = newSocket(0);
    WsaSocket b = newSocket(0);
    WsaSocket c = newSocket(0);
    set.set(a);
    set.set(b);
    set.set(c);
    set.set(a);
    assertEquals(2, set.count());
    assertFalse(set.isSet(c));
  }

  // -- rule 33 --

  private int poll0(WsaSocket s, int wanted) {
    WsaPollFd[] fds = {new WsaPollFd(s, wanted)};
    return wsa.poll(fds, 1, 0);
  }

  @Test
  @DisplayName("rule 33: poll writes POLLRDNORM, POLLWRNORM and POLLHUP, counts entries, and gives 0 on timeout")
  void pollRevents() throws Exception {
    Conn c = nonBlocking();
    WsaPollFd[] fds = {new WsaPollFd(c.s(), POLLRDNORM)};
    assertEquals(0, wsa.poll(fds, 1, 1));
    assertEquals(0, fds[0].revents());
    fds[0].events(POLLRDNORM | POLLWRNORM);
    assertEquals(1, wsa.poll(fds, 1, WAIT_MS));
    assertEquals(POLLWRNORM, fds[0].revents());
    c.peerSend("x".getBytes(), Pacing.BULK);
    awaitReadable(c.s());
    assertEquals(1, wsa.poll(fds, 1, WAIT_MS));
    assertEquals(POLLRDNORM | POLLWRNORM, fds[0].revents());
    assertEquals(1, wsa.recv(c.s(), new byte[1], 0, 1, 0));
    c.peer().close();
    fds[0].events(POLLRDNORM);
    awaitCondition(() -> wsa.poll(fds, 1, WAIT_MS) == 1 && (fds[0].revents() & POLLHUP) != 0,
        () -> "POLLHUP: revents " + fds[0].revents());
  }

  @Test
  @DisplayName("rule 33: POLLNVAL for a closed socket, POLLRDNORM on a listener with a connection waiting")
  void pollInvalidAndListener() throws Exception {
    WsaSocket closed = newSocket(0);
    wsa.closesocket(closed);
    WsaSocket l = listener(0);
    try (Socket peer = new Socket()) {
      peer.connect(address(l));
      WsaPollFd[] fds = {new WsaPollFd(closed, POLLRDNORM), new WsaPollFd(l, POLLRDNORM)};
      awaitCondition(() -> wsa.poll(fds, 2, WAIT_MS) == 2, () -> "listener never readable");
      assertEquals(POLLNVAL, fds[0].revents());
      assertEquals(POLLRDNORM, fds[1].revents());
    }
  }

  @Test
  @DisplayName("rule 33: poll with a null array → WSAEFAULT, 0 entries → WSAEINVAL, a count beyond the array → WSAEFAULT")
  void pollBadInput() {
    WsaSocket s = newSocket(0);
    assertEquals(SOCKET_ERROR, wsa.poll(null, 1, 0));
    assertEquals(WSAEFAULT, Wsa.getLastError());
    assertEquals(SOCKET_ERROR, wsa.poll(new WsaPollFd[] {new WsaPollFd(s, POLLIN)}, 0, 0));
    assertEquals(WSAEINVAL, Wsa.getLastError());
    assertEquals(SOCKET_ERROR, wsa.poll(new WsaPollFd[] {new WsaPollFd(s, POLLIN)}, 2, 0));
    assertEquals(WSAEFAULT, Wsa.getLastError());
  }

  // -- bad input of the other calls --

  @Test
  @DisplayName("rules 28–31: every bad input of ioctlsocket, send, recv, eventSelect and enumNetworkEvents gets its code")
  void badInputs() throws Exception {
    Conn c = nonBlocking();
    WsaSocket fresh = newSocket(0);
    WsaSocket closed = newSocket(0);
    wsa.closesocket(closed);
    WsaEvent gone = event();
    wsa.closeEvent(gone);
    byte[] b = new byte[4];
    expect(WSAENOTSOCK, wsa.ioctlsocket(closed, FIONBIO, new int[1]));
    expect(WSAENOTSOCK, wsa.ioctlsocket(null, FIONREAD, new int[1]));
    expect(WSAEFAULT, wsa.ioctlsocket(c.s(), FIONBIO, null));
    expect(WSAEFAULT, wsa.ioctlsocket(c.s(), FIONREAD, new int[0]));
    expect(WSAEINVAL, wsa.ioctlsocket(c.s(), 0x12345678, new int[1]));
    expect(WSAENOTSOCK, wsa.send(closed, b, 0, 4, 0));
    expect(WSAEFAULT, wsa.send(c.s(), null, 0, 4, 0));
    expect(WSAEFAULT, wsa.send(c.s(), b, 2, 4, 0));
    expect(WSAEFAULT, wsa.send(c.s(), b, -1, 1, 0));
    expect(WSAEOPNOTSUPP, wsa.send(c.s(), b, 0, 4, MSG_OOB));
    expect(WSAENOTCONN, wsa.send(fresh, b, 0, 4, 0));
    expect(WSAENOTSOCK, wsa.recv(closed, b, 0, 4, 0));
    expect(WSAEFAULT, wsa.recv(c.s(), null, 0, 4, 0));
    expect(WSAEFAULT, wsa.recv(c.s(), b, 0, 5, 0));
    expect(WSAEOPNOTSUPP, wsa.recv(c.s(), b, 0, 4, MSG_OOB));
    expect(WSAEOPNOTSUPP, wsa.recv(c.s(), b, 0, 4, MSG_WAITALL));
    expect(WSAENOTCONN, wsa.recv(fresh, b, 0, 4, 0));
    expect(WSAENOTSOCK, wsa.eventSelect(closed, event(), FD_READ));
    expect(WSAEINVAL, wsa.eventSelect(c.s(), gone, FD_READ));
    expect(WSAEINVAL, wsa.eventSelect(c.s(), null, FD_READ));
    expect(WSAEINVAL, wsa.eventSelect(c.s(), event(), 1 << 12));
    expect(WSAENOTSOCK, wsa.enumNetworkEvents(closed, null, events));
    expect(WSAEFAULT, wsa.enumNetworkEvents(c.s(), null, null));
    expect(WSAEINVAL, wsa.enumNetworkEvents(c.s(), gone, events));
  }

  private static void expect(int code, int result) {
    assertEquals(SOCKET_ERROR, result, "the call succeeded");
    assertEquals(code, Wsa.getLastError(), () -> "expected " + code + ", got "
        + Wsa.getLastError());
  }

  @Test
  @DisplayName("rules 28–33: after cleanup every new call fails with WSANOTINITIALISED")
  void afterCleanup() throws Exception {
    Conn c = nonBlocking();
    Wsa other = Wsa.startup(config());
    other.cleanup();
    WsaFdSet r = new WsaFdSet();
    r.set(c.s());
    expect(WSANOTINITIALISED, other.select(0, r, null, null, null));
    expect(WSANOTINITIALISED, other.poll(new WsaPollFd[] {new WsaPollFd(c.s(), POLLIN)}, 1, 0));
    expect(WSANOTINITIALISED, other.ioctlsocket(c.s(), FIONBIO, new int[1]));
    expect(WSANOTINITIALISED, other.send(c.s(), new byte[1], 0, 1, 0));
    expect(WSANOTINITIALISED, other.recv(c.s(), new byte[1], 0, 1, 0));
    expect(WSANOTINITIALISED, other.eventSelect(c.s(), null, 0));
    expect(WSANOTINITIALISED, other.enumNetworkEvents(c.s(), null, events));
  }
}
