package io.wsa4j.nio2;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.net.SocketAddress;

/** Test access to the datagram calls until the facade exposes them. */
public final class UdpBridge {
  private UdpBridge() {}

  private static NioDatagramSocket of(WsaSocket s) {
    NioDatagramSocket d = (NioDatagramSocket) s;
    if (d.isClosed()) {
      Wsa.setLastError(io.wsa4j.Winsock.WSAENOTSOCK);
      return null;
    }
    return d;
  }

  private static DatagramCalls calls(Wsa wsa) {
    return ((Nio2Wsa) wsa).datagrams();
  }

  public static int sendTo(Wsa wsa, WsaSocket s, WsaBuf[] buffers, int bufferCount, int[] sent,
      int flags, SocketAddress to, WsaOverlapped ov, WsaCompletionRoutine routine) {
    NioDatagramSocket d = of(s);
    return d == null ? -1 : calls(wsa).sendTo(d, buffers, bufferCount, sent, flags, to, ov, routine);
  }

  public static int recvFrom(Wsa wsa, WsaSocket s, WsaBuf[] buffers, int bufferCount,
      int[] recvd, int[] flags, SocketAddress[] fromOut, WsaOverlapped ov,
      WsaCompletionRoutine routine) {
    NioDatagramSocket d = of(s);
    return d == null ? -1 : calls(wsa).recvFrom(d, buffers, bufferCount, recvd, flags, fromOut, ov, routine);
  }

  public static int sendto(Wsa wsa, WsaSocket s, byte[] buf, int off, int len, int flags,
      SocketAddress to) {
    NioDatagramSocket d = of(s);
    return d == null ? -1 : calls(wsa).sendto(d, buf, off, len, flags, to);
  }

  public static int recvfrom(Wsa wsa, WsaSocket s, byte[] buf, int off, int len, int flags,
      SocketAddress[] fromOut) {
    NioDatagramSocket d = of(s);
    return d == null ? -1 : calls(wsa).recvfrom(d, buf, off, len, flags, fromOut);
  }
}
