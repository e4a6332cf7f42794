package com.example.modular;

import static io.wsa4j.Winsock.*;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/** Sends a greeting with an overlapped WSASend and waits for it with WSAGetOverlappedResult. */
public final class Hello {
  private Hello() {}

  /** Connects to {@code peer} and sends "hello"; returns the provider's name. */
  public static String greet(SocketAddress peer) {
    try (Wsa wsa = Wsa.startup()) {
      WsaSocket s = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
      if (wsa.connect(s, peer) != 0) {
        throw new IllegalStateException("connect: " + Wsa.getLastError());
      }
      WsaOverlapped ov = new WsaOverlapped();
      int r = wsa.send(s, new WsaBuf[] {WsaBuf.wrap("hello".getBytes(StandardCharsets.US_ASCII))},
          1, null, 0, ov, null);
      int[] sent = new int[1];
      if ((r != 0 && Wsa.getLastError() != WSA_IO_PENDING)
          || !wsa.getOverlappedResult(s, ov, sent, true, null) || sent[0] != 5) {
        throw new IllegalStateException("send: " + Wsa.getLastError());
      }
      wsa.closesocket(s);
      return wsa.data().provider() + " in module " + Wsa.class.getModule().getName();
    }
  }
}
