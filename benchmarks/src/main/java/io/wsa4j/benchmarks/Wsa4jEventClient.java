package io.wsa4j.benchmarks;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.SOCK_STREAM;
import static io.wsa4j.Winsock.TCP_NODELAY;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static io.wsa4j.Winsock.WSA_IO_PENDING;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaError;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * wsa4j in the event model: an overlapped {@code WSARecv} is posted first, then an overlapped
 * {@code WSASend}; each token has its own event, and the thread collects both results with
 * {@code WSAGetOverlappedResult(wait=TRUE)}. A short receive is re-posted for the rest of the
 * message by moving the receive buffer's position and the {@code WSABUF}'s {@code len}, as C
 * code advances {@code buf}/{@code len}; nothing is allocated per round trip.
 */
final class Wsa4jEventClient implements RoundTripClient {
  static final String NAME = "wsa4j-event";

  private final int size;
  private final Wsa wsa;
  private final WsaSocket s;
  private final WsaEvent sendEvent;
  private final WsaEvent recvEvent;
  private final WsaOverlapped sendOv;
  private final WsaOverlapped recvOv;
  private final WsaBuf[] sendBufs;
  private final WsaBuf[] recvBufs;
  /** The buffer of {@link #recvBufs}; its position marks how much of the message is back. */
  private final ByteBuffer in;
  private final int[] bytes = new int[1];
  /** WSARecv's in/out flags; kept apart from {@link #resultFlags} while a receive is posted. */
  private final int[] recvFlags = new int[1];
  private final int[] resultFlags = new int[1];

  Wsa4jEventClient(InetSocketAddress peer, int size) {
    this.size = size;
    wsa = Wsa.startup();
    try {
      s = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
      check(s != WsaSocket.INVALID_SOCKET, "WSASocket");
      check(wsa.setsockopt(s, IPPROTO_TCP, TCP_NODELAY, 1) == 0, "setsockopt(TCP_NODELAY)");
      check(wsa.connect(s, peer) == 0, "connect");
      sendEvent = wsa.createEvent();
      recvEvent = wsa.createEvent();
      check(sendEvent != null && recvEvent != null, "WSACreateEvent");
    } catch (RuntimeException e) {
      wsa.cleanup();
      throw e;
    }
    sendOv = new WsaOverlapped(sendEvent);
    recvOv = new WsaOverlapped(recvEvent);
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
    check(wsa.getOverlappedResult(s, sendOv, bytes, true, resultFlags), "WSASend completion");

    int received = 0;
    while (true) {
      check(wsa.getOverlappedResult(s, recvOv, bytes, true, resultFlags), "WSARecv completion");
      if (bytes[0] == 0) {
        throw new IllegalStateException("peer closed after " + received + " bytes");
      }
      received += bytes[0];
      if (received == size) {
        return received;
      }
      in.position(received);
      recvBufs[0].len(size - received);
      postRecv();
    }
  }

  private void postRecv() {
    recvFlags[0] = 0;
    int rc = wsa.recv(s, recvBufs, 1, null, recvFlags, recvOv, null);
    check(rc == 0 || Wsa.getLastError() == WSA_IO_PENDING, "WSARecv");
  }

  /** Fails the benchmark with the call's Winsock error when {@code ok} is false. */
  private static void check(boolean ok, String call) {
    if (!ok) {
      throw new IllegalStateException(call + " failed: " + WsaError.name(Wsa.getLastError()));
    }
  }

  @Override
  public void close() {
    // cleanup alone would close them too; close them first, as a Winsock program would.
    wsa.closesocket(s);
    wsa.closeEvent(sendEvent);
    wsa.closeEvent(recvEvent);
    wsa.cleanup();
  }
}
