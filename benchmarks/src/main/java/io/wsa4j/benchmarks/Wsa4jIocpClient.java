package io.wsa4j.benchmarks;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.SOCK_STREAM;
import static io.wsa4j.Winsock.TCP_NODELAY;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static io.wsa4j.Winsock.WSA_INFINITE;
import static io.wsa4j.Winsock.WSA_IO_PENDING;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaError;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * wsa4j with a completion port: the socket is associated with a port, an overlapped
 * {@code WSARecv} and {@code WSASend} are posted, and the benchmark thread itself dequeues their
 * packets with {@code GetQueuedCompletionStatus(INFINITE)} — the worker loop of an IOCP server,
 * with one worker. A short receive is re-posted for the rest. Nothing is allocated per round trip
 * by this code: tokens, {@code WSABUF}s and out-parameter arrays are reused.
 */
final class Wsa4jIocpClient implements RoundTripClient {
  static final String NAME = "wsa4j-iocp";
  private static final long KEY = 7;

  private final int size;
  private final Wsa wsa;
  private final WsaSocket s;
  private final WsaCompletionPort port;
  private final WsaOverlapped sendOv = new WsaOverlapped();
  private final WsaOverlapped recvOv = new WsaOverlapped();
  private final WsaBuf[] sendBufs;
  private final WsaBuf[] recvBufs;
  /** The buffer of {@link #recvBufs}; its position marks how much of the message is back. */
  private final ByteBuffer in;
  private final int[] recvFlags = new int[1];
  private final int[] bytes = new int[1];
  private final long[] key = new long[1];
  private final WsaOverlapped[] dequeued = new WsaOverlapped[1];

  Wsa4jIocpClient(InetSocketAddress peer, int size) {
    this.size = size;
    wsa = Wsa.startup();
    try {
      s = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
      check(s != WsaSocket.INVALID_SOCKET, "WSASocket");
      check(wsa.setsockopt(s, IPPROTO_TCP, TCP_NODELAY, 1) == 0, "setsockopt(TCP_NODELAY)");
      check(wsa.connect(s, peer) == 0, "connect");
      port = wsa.createIoCompletionPort(s, null, KEY, 1);
      check(port != null, "CreateIoCompletionPort");
    } catch (RuntimeException e) {
      wsa.cleanup();
      throw e;
    }
    ByteBuffer out = ByteBuffer.allocateDirect(size);
    for (int i = 0; i < size; i++) {
      out.put(i, (byte) i);
    }
    sendBufs = new WsaBuf[] {new WsaBuf(out)};
    in = ByteBuffer.allocateDirect(size);
    recvBufs = new WsaBuf[] {new WsaBuf(in)};
  }

  @Override
  public int roundTrip() {
    in.clear();
    recvBufs[0].len(size);
    postRecv();
    int rc = wsa.send(s, sendBufs, 1, null, 0, sendOv, null);
    check(rc == 0 || Wsa.getLastError() == WSA_IO_PENDING, "WSASend");

    boolean sent = false;
    int received = 0;
    while (!sent || received < size) {
      boolean ok = wsa.getQueuedCompletionStatus(port, bytes, key, dequeued, WSA_INFINITE);
      check(ok, "GetQueuedCompletionStatus");
      if (dequeued[0] == sendOv) {
        sent = true;
        continue;
      }
      if (bytes[0] == 0) {
        throw new IllegalStateException("peer closed after " + received + " bytes");
      }
      received += bytes[0];
      if (received < size) {
        in.position(received);
        recvBufs[0].len(size - received);
        postRecv();
      }
    }
    return received;
  }

  private void postRecv() {
    recvFlags[0] = 0;
    int rc = wsa.recv(s, recvBufs, 1, null, recvFlags, recvOv, null);
    check(rc == 0 || Wsa.getLastError() == WSA_IO_PENDING, "WSARecv");
  }

  private static void check(boolean ok, String call) {
    if (!ok) {
      throw new IllegalStateException(call + " failed: " + WsaError.name(Wsa.getLastError()));
    }
  }

  @Override
  public void close() {
    wsa.closesocket(s);
    wsa.closeHandle(port);
    wsa.cleanup();
  }
}
