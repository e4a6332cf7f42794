package io.wsa4j.contract;

import static io.wsa4j.Winsock.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.WsaEvent;
import io.wsa4j.WsaFdSet;
import io.wsa4j.WsaNetworkEvents;
import io.wsa4j.WsaPollFd;
import io.wsa4j.WsaSocket;
import io.wsa4j.WsaTimeval;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Rules 28–33 on datagram sockets: non-blocking mode, FIONREAD, select, WSAPoll, WSAEventSelect. */
@Timeout(30)
class DatagramReadinessTest extends UdpSupport {

  @Test
  @DisplayName("rule 28/29: a non-blocking datagram socket says WSAEWOULDBLOCK, then FIONREAD is the next datagram's size")
  void nonBlockingAndFionread() throws Exception {
    WsaSocket s = udpSocket(0);
    assertEquals(0, wsa.ioctlsocket(s, FIONBIO, new int[] {1}));
    byte[] into = new byte[100];
    assertFailsWith(WSAEWOULDBLOCK, recvfrom(s, into, 0, 100, 0, null), "recvfrom, nothing there");
    int[] n = {SENTINEL};
    assertEquals(0, wsa.ioctlsocket(s, FIONREAD, n));
    assertEquals(0, n[0], "FIONREAD with nothing there");
    DatagramChannel peer = peer();
    peer.send(ByteBuffer.wrap(new byte[37]), local(s));
    peer.send(ByteBuffer.wrap(new byte[5]), local(s));
    awaitCondition(() -> {
      wsa.ioctlsocket(s, FIONREAD, n);
      return n[0] != 0;
    }, () -> "FIONREAD still 0");
    assertEquals(37, n[0], "FIONREAD: the size of the next datagram, not of both");
    assertEquals(37, recvfrom(s, into, 0, 100, 0, null));
    assertEquals(5, recvfrom(s, into, 0, 100, 0, null));
    assertFailsWith(WSAEWOULDBLOCK, recvfrom(s, into, 0, 100, 0, null), "recvfrom, drained");
  }

  @Test
  @DisplayName("rule 32/33: select and WSAPoll see a datagram socket writable at once and readable when a datagram waits")
  void selectAndPoll() throws Exception {
    WsaSocket s = udpSocket();
    WsaPollFd[] fds = {new WsaPollFd(s, POLLRDNORM | POLLWRNORM)};
    assertEquals(1, wsa.poll(fds, 1, 1000));
    assertEquals(POLLWRNORM, fds[0].revents(), "writable, nothing to read");
    WsaFdSet read = new WsaFdSet();
    read.set(s);
    assertEquals(0, wsa.select(0, read, null, null, new WsaTimeval(0, 50_000)), "not readable yet");
    peer().send(ByteBuffer.wrap(new byte[] {1, 2, 3}), local(s));
    read.set(s);
    assertEquals(1, wsa.select(0, read, null, null, new WsaTimeval(10, 0)));
    assertTrue(read.isSet(s));
    assertEquals(1, wsa.poll(fds, 1, 1000));
    assertEquals(POLLRDNORM | POLLWRNORM, fds[0].revents());
    byte[] into = new byte[8];
    assertEquals(3, recvfrom(s, into, 0, 8, 0, null));
    assertArrayEquals(new byte[] {1, 2, 3}, java.util.Arrays.copyOf(into, 3));
  }

  @Test
  @DisplayName("rule 30/31: WSAEventSelect(FD_READ) on a datagram socket records FD_READ when a datagram arrives, again while more wait")
  void eventSelectFdRead() throws Exception {
    WsaSocket s = udpSocket();
    WsaEvent e = wsa.createEvent();
    assertEquals(0, wsa.eventSelect(s, e, FD_READ | FD_WRITE));
    WsaNetworkEvents ne = new WsaNetworkEvents();
    awaitSignaled(e);
    assertEquals(0, wsa.enumNetworkEvents(s, e, ne));
    assertEquals(FD_WRITE, ne.networkEvents(), "FD_WRITE at once, nothing to read");
    DatagramChannel peer = peer();
    peer.send(ByteBuffer.wrap(new byte[4]), local(s));
    peer.send(ByteBuffer.wrap(new byte[6]), local(s));
    awaitSignaled(e);
    assertEquals(0, wsa.enumNetworkEvents(s, e, ne));
    assertEquals(FD_READ, ne.networkEvents());
    byte[] into = new byte[16];
    assertEquals(4, recvfrom(s, into, 0, 16, 0, null));
    awaitSignaled(e); // the second datagram: FD_READ recorded again (level-triggered)
    assertEquals(0, wsa.enumNetworkEvents(s, e, ne));
    assertEquals(FD_READ, ne.networkEvents());
    assertEquals(6, recvfrom(s, into, 0, 16, 0, null));
  }
}
