package io.wsa4j.benchmarks;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.IPPROTO_UDP;
import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.SOCK_DGRAM;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static io.wsa4j.Winsock.WSA_INFINITE;
import static io.wsa4j.Winsock.WSA_IO_PENDING;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaError;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The example of the README's "Example: a UDP echo", kept here so that every build compiles it.
 * Keep the body of {@link #echoOnce} identical to the README's snippet.
 */
public final class ReadmeUdpExample {
  private ReadmeUdpExample() {}

  /** Receives one datagram on {@code local} with an overlapped WSARecvFrom and echoes it. */
  public static void echoOnce(InetSocketAddress local) {
    try (Wsa wsa = Wsa.startup()) {
      WsaSocket s = wsa.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP, null, 0, WSA_FLAG_OVERLAPPED);
      if (wsa.bind(s, local) == SOCKET_ERROR) {
        System.err.println("bind: " + WsaError.name(Wsa.getLastError()));
        return;
      }
      WsaEvent event = wsa.createEvent();
      WsaOverlapped ov = new WsaOverlapped(event);
      WsaBuf buf = WsaBuf.allocateDirect(65_507); // the largest UDP payload over IPv4
      SocketAddress[] from = new SocketAddress[1];
      int[] bytes = new int[1];
      int[] flags = new int[1];

      int rc = wsa.recvFrom(s, new WsaBuf[] {buf}, 1, null, flags, from, ov, null);
      if (rc == 0 || Wsa.getLastError() == WSA_IO_PENDING) {
        wsa.waitForMultipleEvents(1, new WsaEvent[] {event}, false, WSA_INFINITE, false);
        if (wsa.getOverlappedResult(s, ov, bytes, false, flags)) {
          buf.len(bytes[0]); // one datagram back to where it came from (a blocking WSASendTo)
          wsa.sendTo(s, new WsaBuf[] {buf}, 1, bytes, 0, from[0], null, null);
          System.out.println("echoed " + bytes[0] + " bytes to " + from[0]);
        } else {
          System.err.println("WSARecvFrom completed with " + WsaError.name(Wsa.getLastError()));
        }
      } else {
        System.err.println("WSARecvFrom: " + WsaError.name(Wsa.getLastError()));
      }
      wsa.closeEvent(event);
      wsa.closesocket(s);
    }
  }
}
