package io.wsa4j.benchmarks;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.SOCK_STREAM;
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

/**
 * The example of the README's "Example: an overlapped receive", kept here so that every build
 * compiles it. Keep the body of {@link #receiveOnce} identical to the README's snippet.
 */
public final class ReadmeExample {
  private ReadmeExample() {}

  /** Connects to {@code server}, receives once with an overlapped WSARecv and prints the count. */
  public static void receiveOnce(InetSocketAddress server) {
    try (Wsa wsa = Wsa.startup()) { // WSAStartup; close() is WSACleanup
      WsaSocket s = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
      if (wsa.connect(s, server) == SOCKET_ERROR) {
        System.err.println("connect: " + WsaError.name(Wsa.getLastError()));
        return;
      }
      WsaEvent event = wsa.createEvent();
      WsaOverlapped ov = new WsaOverlapped(event);
      WsaBuf buf = WsaBuf.allocateDirect(4096);
      int[] bytes = new int[1];
      int[] flags = new int[1];

      int rc = wsa.recv(s, new WsaBuf[] {buf}, 1, null, flags, ov, null);
      if (rc == 0 || Wsa.getLastError() == WSA_IO_PENDING) {
        // Done at once or pending: either way the event is signaled once the receive completes.
        wsa.waitForMultipleEvents(1, new WsaEvent[] {event}, false, WSA_INFINITE, false);
        if (wsa.getOverlappedResult(s, ov, bytes, false, flags)) {
          System.out.println("received " + bytes[0] + " bytes");
        } else {
          System.err.println("WSARecv completed with " + WsaError.name(Wsa.getLastError()));
        }
      } else {
        System.err.println("WSARecv: " + WsaError.name(Wsa.getLastError()));
      }
      wsa.closeEvent(event);
      wsa.closesocket(s);
    }
  }
}
