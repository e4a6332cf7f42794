package com.example.modular;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs on the module path: the API is the named module io.wsa4j.api, found as a module. */
class HelloTest {
  @Test
  @Timeout(30)
  void greetsThroughTheProviderFoundOnTheModulePath() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String[] got = new String[1];
      Thread peer = new Thread(() -> {
        try (Socket s = server.accept()) {
          got[0] = new String(s.getInputStream().readNBytes(5), "US-ASCII");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      peer.start();
      assertEquals("nio2 in module io.wsa4j.api", Hello.greet(server.getLocalSocketAddress()));
      assertEquals("com.example.modular", Hello.class.getModule().getName(), "runs as a module");
      peer.join(10_000);
      assertEquals("hello", got[0]);
    }
  }
}
