package io.wsa4j.contract;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.SOCK_DGRAM;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.wsa4j.WsaBuf;
import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * Fixture of the datagram contract tests (rule 34): datagram sockets bound on the loopback
 * address, plain JDK {@link DatagramChannel} peers, and the datagram calls.
 *
 * <p>On Linux a loopback datagram is in the receiver's socket buffer when the sender's call
 * returns, so "a datagram is waiting" needs no sleep.
 */
abstract class UdpSupport extends WsaFixture {
  static final int UDP = io.wsa4j.Winsock.IPPROTO_UDP;

  /** A datagram socket bound to the loopback address, port 0, overlapped. */
  protected WsaSocket udpSocket() {
    return udpSocket(WSA_FLAG_OVERLAPPED);
  }

  protected WsaSocket udpSocket(int flags) {
    WsaSocket s = wsa.socket(AF_INET, SOCK_DGRAM, UDP, null, 0, flags);
    assertNotEquals(WsaSocket.INVALID_SOCKET, s, () -> "socket(SOCK_DGRAM): " + lastErrorName());
    assertEquals(0, wsa.bind(s, new InetSocketAddress(LOOPBACK, 0)),
        () -> "bind: " + lastErrorName());
    return s;
  }

  protected InetSocketAddress local(WsaSocket s) {
    SocketAddress[] out = new SocketAddress[1];
    assertEquals(0, wsa.getsockname(s, out), () -> "getsockname: " + lastErrorName());
    return (InetSocketAddress) out[0];
  }

  /** A blocking JDK datagram peer on the loopback address. */
  protected DatagramChannel peer() throws IOException {
    DatagramChannel ch = track(DatagramChannel.open());
    ch.bind(new InetSocketAddress(LOOPBACK, 0));
    return ch;
  }

  protected static InetSocketAddress addressOf(DatagramChannel ch) throws IOException {
    return (InetSocketAddress) ch.getLocalAddress();
  }

  /** Receives one datagram at a JDK peer (blocking); returns its bytes. */
  protected static byte[] receiveAt(DatagramChannel ch) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(65_536);
    ch.receive(b);
    b.flip();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  protected int sendTo(WsaSocket s, WsaBuf[] bufs, int[] sent, SocketAddress to,
      WsaOverlapped ov, WsaCompletionRoutine routine) {
    return wsa.sendTo(s, bufs, bufs.length, sent, 0, to, ov, routine);
  }

  protected int recvFrom(WsaSocket s, WsaBuf[] bufs, int[] recvd, int[] flags,
      SocketAddress[] from, WsaOverlapped ov, WsaCompletionRoutine routine) {
    return wsa.recvFrom(s, bufs, bufs.length, recvd, flags, from, ov, routine);
  }

  protected int sendto(WsaSocket s, byte[] buf, int off, int len, int flags, SocketAddress to) {
    return wsa.sendto(s, buf, off, len, flags, to);
  }

  protected int recvfrom(WsaSocket s, byte[] buf, int off, int len, int flags,
      SocketAddress[] from) {
    return wsa.recvfrom(s, buf, off, len, flags, from);
  }
}
