package io.wsa4j.contract;

import static io.wsa4j.Winsock.AF_INET6;
import static io.wsa4j.Winsock.ERROR_INSUFFICIENT_BUFFER;
import static io.wsa4j.Winsock.ERROR_INVALID_PARAMETER;
import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.SOCK_STREAM;
import static io.wsa4j.Winsock.SOMAXCONN;
import static io.wsa4j.Winsock.WSAEFAULT;
import static io.wsa4j.Winsock.WSAEINVAL;
import static io.wsa4j.Winsock.WSAENOTSOCK;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wsa4j.WsaBuf;
import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rule 36: the 8-argument {@code AcceptEx} writes the local and remote address after the first
 * data, and {@code GetAcceptExSockaddrs} reads them back; the lengths are checked as Wine's {@code
 * test_AcceptEx} records Windows checking them.
 */
@Timeout(60)
class AcceptExAddressBlockTest extends WsaFixture {
  /** sizeof(struct sockaddr_in) + 16, what Windows asks for an IPv4 address. */
  private static final int V4 = 16 + 16;
  private static final int V6 = 28 + 16;
  private static final byte FILL = (byte) 0x5A;

  private static WsaBuf filled(int len) {
    WsaBuf b = WsaBuf.allocate(len);
    Arrays.fill(b.buf().array(), FILL);
    return b;
  }

  private void startAcceptEx(WsaSocket listener, WsaSocket acceptor, WsaBuf out, int data,
      int local, int remote, WsaOverlapped ov) {
    assertStarted(wsa.acceptEx(listener, acceptor, out, data, local, remote, new int[1], ov),
        "acceptEx");
  }

  @ParameterizedTest(name = "rule 36: AcceptEx with {0} bytes of first data writes both addresses after it; getAcceptExSockaddrs reads them back")
  @ValueSource(ints = {0, 2, 100})
  void addressesFollowTheData(int data) throws Exception {
    WsaSocket listener = listener();
    WsaSocket acceptor = newSocket();
    WsaBuf out = filled(data + 2 * V4 + 10);
    WsaOverlapped ov = new WsaOverlapped();
    startAcceptEx(listener, acceptor, out, data, V4, V4, ov);
    Socket client = jdkClient(localAddress(listener));
    byte[] first = randomBytes(data);
    client.getOutputStream().write(first); // Wine's "short reads": completes on the first data

    assertEquals(data, awaitSuccess(listener, ov), "count is the first data only");
    assertArrayEquals(first, bytesOf(out, data), "first data at the start of the buffer");
    SocketAddress[] local = new SocketAddress[1];
    SocketAddress[] remote = new SocketAddress[1];
    wsa.getAcceptExSockaddrs(out, data, V4, V4, local, remote);
    assertEquals(client.getRemoteSocketAddress(), local[0], "local address: the listener's");
    assertEquals(client.getLocalSocketAddress(), remote[0], "remote address: the client's");
    byte[] tail = new byte[10];
    out.buf().get(data + 2 * V4, tail);
    byte[] untouched = new byte[10];
    Arrays.fill(untouched, FILL);
    assertArrayEquals(untouched, tail, "nothing written beyond the two address slots");
  }

  @Test
  @DisplayName("rule 36: the block sits at the WsaBuf's position, not the ByteBuffer's start, and no position or limit moves")
  void blockRespectsTheBufferRegion() throws Exception {
    WsaSocket listener = listener();
    WsaSocket acceptor = newSocket();
    ByteBuffer backing = ByteBuffer.allocateDirect(400);
    backing.position(37).limit(37 + 8 + 2 * V4);
    WsaBuf out = new WsaBuf(backing);
    WsaOverlapped ov = new WsaOverlapped();
    startAcceptEx(listener, acceptor, out, 8, V4, V4, ov);
    Socket client = jdkClient(localAddress(listener));
    client.getOutputStream().write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    assertEquals(8, awaitSuccess(listener, ov));
    assertEquals(37, backing.position(), "position kept");
    assertEquals(37 + 8 + 2 * V4, backing.limit(), "limit kept");
    SocketAddress[] remote = new SocketAddress[1];
    wsa.getAcceptExSockaddrs(out, 8, V4, V4, null, remote);
    assertEquals(client.getLocalSocketAddress(), remote[0]);
  }

  @Test
  @DisplayName("rule 36: an IPv6 listener's block holds sockaddr_in6 addresses (28 + 16 bytes each)")
  void ipv6Addresses() throws Exception {
    InetAddress v6 = InetAddress.getByName("::1");
    WsaSocket listener = wsa.socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    assumeTrue(wsa.bind(listener, new InetSocketAddress(v6, 0)) == 0, "no IPv6 loopback here");
    assertEquals(0, wsa.listen(listener, SOMAXCONN));
    WsaSocket acceptor = wsa.socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    WsaBuf out = WsaBuf.allocate(2 * V6);
    WsaOverlapped ov = new WsaOverlapped();
    assertStarted(wsa.acceptEx(listener, acceptor, out, 0, V6 - 1, V6, new int[1], ov), "acceptEx");
    Socket early = jdkClient(localAddress(listener));
    assertEquals(ERROR_INSUFFICIENT_BUFFER, await(listener, ov).error(),
        "an IPv4-sized slot is short for an IPv6 listener");
    WsaOverlapped ov2 = new WsaOverlapped();
    WsaSocket acceptor2 = wsa.socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    assertStarted(wsa.acceptEx(listener, acceptor2, out, 0, V6, V6, new int[1], ov2), "acceptEx");
    assertEquals(0, awaitSuccess(listener, ov2));
    SocketAddress[] local = new SocketAddress[1];
    SocketAddress[] remote = new SocketAddress[1];
    wsa.getAcceptExSockaddrs(out, 0, V6, V6, local, remote);
    assertEquals(early.getLocalSocketAddress(), remote[0], "the connection the failed accept left");
    assertEquals(early.getRemoteSocketAddress(), local[0]);
    assertSame(Inet6Address.class, ((InetSocketAddress) remote[0]).getAddress().getClass());
  }

  @Test
  @DisplayName("rule 36: a remote address length of 0 fails at once with WSAEFAULT (Wine test_AcceptEx)")
  void zeroRemoteLengthFaults() {
    WsaSocket listener = listener();
    WsaOverlapped ov = new WsaOverlapped();
    assertFailsWith(WSAEFAULT, wsa.acceptEx(listener, newSocket(), WsaBuf.allocate(64), 0, V4, 0,
        new int[1], ov), "acceptEx");
    assertFalse(ov.isCompleted() && ov.internal() != 0, "no completion indication");
    assertNoPacketFor(listener);
  }

  private void assertNoPacketFor(WsaSocket listener) {
    WsaCompletionPort port = newPort();
    associate(listener, port, 7);
    assertNoPacket(port);
  }

  @ParameterizedTest(name = "rule 36: a local address length of {0} (non-zero, under size + 16) pends, then fails with ERROR_INSUFFICIENT_BUFFER; the connection waits for the next accept")
  @ValueSource(ints = {3, 16 + 4, 16 + 15})
  void shortLocalLengthFailsOnConnection(int local) throws Exception {
    WsaSocket listener = listener();
    WsaCompletionPort port = newPort();
    associate(listener, port, 9);
    WsaOverlapped ov = new WsaOverlapped();
    startAcceptEx(listener, newSocket(), WsaBuf.allocate(100), 0, local, V4, ov);
    assertNoPacket(port); // Wine: pending until a connection arrives
    Socket client = jdkClient(localAddress(listener));
    Dequeued d = awaitPacket(port);
    assertFailurePacket(d, 9, ov, ERROR_INSUFFICIENT_BUFFER);
    assertEquals(0, d.bytes(), "no bytes");
    assertEquals(ERROR_INSUFFICIENT_BUFFER, ov.internal());

    // Wine: "The above connection request is not accepted" — the next accept gets it
    SocketAddress[] peer = new SocketAddress[1];
    WsaSocket accepted = wsa.accept(listener, peer);
    assertEquals(client.getLocalSocketAddress(), peer[0], "the same connection, kept");
    wsa.closesocket(accepted);
  }

  @Test
  @DisplayName("rule 36: a remote address length under size + 16 fails the same way when the connection arrives")
  void shortRemoteLengthFailsOnConnection() throws Exception {
    WsaSocket listener = listener();
    WsaOverlapped ov = new WsaOverlapped();
    startAcceptEx(listener, newSocket(), WsaBuf.allocate(100), 0, V4, V4 - 1, ov);
    jdkClient(localAddress(listener));
    Result o = await(listener, ov);
    assertFalse(o.ok());
    assertEquals(ERROR_INSUFFICIENT_BUFFER, o.error());
  }

  @Test
  @DisplayName("rule 36: a local address length of 0 completes and writes only the remote address (Wine test_AcceptEx)")
  void zeroLocalLengthWritesRemoteOnly() throws Exception {
    WsaSocket listener = listener();
    WsaBuf out = filled(V4);
    WsaOverlapped ov = new WsaOverlapped();
    startAcceptEx(listener, newSocket(), out, 0, 0, V4, ov);
    Socket client = jdkClient(localAddress(listener));
    assertEquals(0, awaitSuccess(listener, ov));
    SocketAddress sentinel = new InetSocketAddress(1);
    SocketAddress[] local = {sentinel};
    SocketAddress[] remote = new SocketAddress[1];
    wsa.getAcceptExSockaddrs(out, 0, 0, V4, local, remote);
    assertSame(sentinel, local[0], "no local address: the out-parameter is left alone");
    assertEquals(client.getLocalSocketAddress(), remote[0]);
  }

  @Test
  @DisplayName("rule 36: bad inputs — a buffer too small or null for data + addresses, read-only, negative lengths — fail with WSAEFAULT; the others as the 6-argument form")
  void badInputs() {
    WsaSocket listener = listener();
    WsaSocket fresh = newSocket();
    int[] n = new int[1];
    assertFailsWith(WSAEFAULT, wsa.acceptEx(listener, fresh, WsaBuf.allocate(2 * V4 - 1), 0, V4, V4,
        n, new WsaOverlapped()), "buffer one byte short of the block");
    assertFailsWith(WSAEFAULT, wsa.acceptEx(listener, fresh, WsaBuf.allocate(2 * V4 + 9), 10, V4, V4,
        n, new WsaOverlapped()), "buffer one byte short of data + block");
    assertFailsWith(WSAEFAULT, wsa.acceptEx(listener, fresh, null, 0, V4, V4, n, new WsaOverlapped()),
        "null buffer (Wine: WSAEFAULT)");
    assertFailsWith(WSAEFAULT, wsa.acceptEx(listener, fresh,
        new WsaBuf(ByteBuffer.allocate(100).asReadOnlyBuffer()), 0, V4, V4, n, new WsaOverlapped()),
        "read-only buffer");
    assertFailsWith(WSAEFAULT, wsa.acceptEx(listener, fresh, WsaBuf.allocate(100), 0, -1, V4, n,
        new WsaOverlapped()), "negative local length");
    assertFailsWith(WSAEFAULT, wsa.acceptEx(listener, fresh, WsaBuf.allocate(100), 0, V4, -1, n,
        new WsaOverlapped()), "negative remote length");
    assertFailsWith(WSAEFAULT, wsa.acceptEx(listener, fresh, WsaBuf.allocate(100), 0,
        Integer.MAX_VALUE, Integer.MAX_VALUE, n, new WsaOverlapped()), "lengths overflowing an int");
    assertFailsWith(ERROR_INVALID_PARAMETER, wsa.acceptEx(listener, fresh, WsaBuf.allocate(100), 0,
        V4, V4, n, null), "null overlapped (Wine)");
    assertFailsWith(WSAENOTSOCK, wsa.acceptEx(WsaSocket.INVALID_SOCKET, fresh, WsaBuf.allocate(100),
        0, V4, V4, n, new WsaOverlapped()), "invalid listener (Wine)");
    assertFailsWith(WSAEINVAL, wsa.acceptEx(newSocket(), fresh, WsaBuf.allocate(100), 0, V4, V4, n,
        new WsaOverlapped()), "not listening (Wine)");
    assertFailsWith(WSAEINVAL, wsa.acceptEx(listener, fresh, WsaBuf.allocate(100), -1, V4, V4, n,
        new WsaOverlapped()), "negative receive length");
    WsaOverlapped ov = new WsaOverlapped();
    startAcceptEx(listener, fresh, WsaBuf.allocate(100), 0, V4, V4, ov);
    assertFailsWith(WSAEINVAL, wsa.acceptEx(listener, fresh, WsaBuf.allocate(100), 0, V4, V4, n,
        new WsaOverlapped()), "the same acceptor twice (Wine)");
  }

  @Test
  @DisplayName("rule 36: getAcceptExSockaddrs never throws; bad input leaves the out-parameters as they were")
  void getAcceptExSockaddrsBadInput() {
    SocketAddress sentinel = new InetSocketAddress(1);
    SocketAddress[] local = {sentinel};
    SocketAddress[] remote = {sentinel};
    WsaBuf zeros = WsaBuf.allocate(2 * V4);
    wsa.getAcceptExSockaddrs(null, 0, V4, V4, local, remote);
    wsa.getAcceptExSockaddrs(zeros, -1, V4, V4, local, remote);
    wsa.getAcceptExSockaddrs(zeros, 0, -1, V4, local, remote);
    wsa.getAcceptExSockaddrs(zeros, 0, V4, V4 + 1, local, remote); // beyond the buffer
    wsa.getAcceptExSockaddrs(zeros, 0, V4, V4, local, remote); // no block was written
    wsa.getAcceptExSockaddrs(zeros, 0, V4, V4, null, new SocketAddress[0]);
    wsa.getAcceptExSockaddrs(filled(2 * V4), 0, V4, V4, local, remote); // garbage, not addresses
    assertSame(sentinel, local[0]);
    assertSame(sentinel, remote[0]);
    cleanupNow();
    wsa.getAcceptExSockaddrs(zeros, 0, V4, V4, local, remote); // a pure function: after cleanup too
    assertSame(sentinel, remote[0]);
  }

  @Test
  @DisplayName("rule 36: the 6-argument AcceptEx stays as it was: no address block after the data")
  void sixArgumentFormWritesNoBlock() throws IOException {
    WsaSocket listener = listener();
    WsaBuf out = filled(4 + 2 * V4);
    WsaOverlapped ov = new WsaOverlapped();
    assertStarted(wsa.acceptEx(listener, newSocket(), out, 4, new int[1], ov), "acceptEx");
    Socket client = jdkClient(localAddress(listener));
    client.getOutputStream().write(new byte[] {9, 8, 7, 6});
    assertEquals(4, awaitSuccess(listener, ov));
    byte[] after = new byte[2 * V4];
    out.buf().get(4, after);
    byte[] untouched = new byte[2 * V4];
    Arrays.fill(untouched, FILL);
    assertArrayEquals(untouched, after);
    SocketAddress[] remote = new SocketAddress[1];
    wsa.getAcceptExSockaddrs(out, 4, V4, V4, null, remote);
    assertNull(remote[0], "nothing to read back");
  }
}
