package com.example.consumer;

import static io.wsa4j.Winsock.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Compiled against wsa4j-api only; the provider comes from wsa4j-impl through ServiceLoader. */
class OverlappedEchoTest {
  @Test
  @Timeout(30)
  void overlappedRoundTripThroughAnEchoPeer() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Wsa wsa = Wsa.startup()) {
      assertEquals("nio2", wsa.data().provider());
      Thread echo = new Thread(() -> {
        try (Socket peer = server.accept()) {
          InputStream in = peer.getInputStream();
          OutputStream out = peer.getOutputStream();
          out.write(in.readNBytes(5));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      echo.start();

      WsaSocket s = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
      assertEquals(0, wsa.connect(s, server.getLocalSocketAddress()));
      WsaEvent event = wsa.createEvent();
      WsaOverlapped ov = new WsaOverlapped(event);
      int[] count = new int[1];
      int[] flags = new int[1];

      int r = wsa.send(s, new WsaBuf[] {WsaBuf.wrap("hello".getBytes(StandardCharsets.US_ASCII))},
          1, null, 0, ov, null);
      assertTrue(r == 0 || Wsa.getLastError() == WSA_IO_PENDING);
      assertTrue(wsa.getOverlappedResult(s, ov, count, true, flags));
      assertEquals(5, count[0]);

      WsaBuf buf = WsaBuf.allocateDirect(16);
      int received = 0;
      while (received < 5) {
        buf.len(16 - received);
        buf.buf().position(received);
        r = wsa.recv(s, new WsaBuf[] {buf}, 1, null, flags, ov, null);
        assertTrue(r == 0 || Wsa.getLastError() == WSA_IO_PENDING);
        assertEquals(WSA_WAIT_EVENT_0,
            wsa.waitForMultipleEvents(1, new WsaEvent[] {event}, false, 10_000, false));
        assertTrue(wsa.getOverlappedResult(s, ov, count, false, flags));
        received += count[0];
      }
      byte[] got = new byte[5];
      buf.buf().get(0, got);
      assertEquals("hello", new String(got, StandardCharsets.US_ASCII));
      assertEquals(0, wsa.closesocket(s));
      echo.join(10_000);
    }
  }
}
