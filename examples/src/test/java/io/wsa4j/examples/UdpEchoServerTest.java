package io.wsa4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wsa4j.WsaConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The UDP echo server: every datagram comes back to its sender, whole. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UdpEchoServerTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @Test
  @DisplayName("each datagram, 0 to 65,507 bytes, is echoed whole to its sender; several senders at once")
  void echoesEveryDatagramToItsSender() throws Exception {
    try (UdpEchoServer server = UdpEchoServer.start(LOOPBACK, 0, 2, WsaConfig.defaults());
        DatagramChannel a = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
        DatagramChannel b = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0))) {
      InetSocketAddress to = server.localAddress();
      Random rnd = new Random(12);
      ByteBuffer in = ByteBuffer.allocate(65_536);
      for (int size : new int[] {0, 1, 64, 1200, 9000, 65_507}) {
        for (DatagramChannel c : new DatagramChannel[] {a, b}) {
          byte[] data = new byte[size];
          rnd.nextBytes(data);
          c.send(ByteBuffer.wrap(data), to);
          in.clear();
          assertEquals(to, c.receive(in), "the echo comes from the server's port");
          in.flip();
          byte[] got = new byte[in.remaining()];
          in.get(got);
          assertArrayEquals(data, got, "echo of " + size + " bytes");
        }
      }
      assertEquals(to.getPort(), server.port());
    }
  }

  @Test
  @DisplayName("EchoClient --udp sends each line as a datagram and prints the echo")
  void echoClientOverUdp() throws Exception {
    try (UdpEchoServer server = UdpEchoServer.start(LOOPBACK, 0, 1, WsaConfig.defaults())) {
      java.io.InputStream in = System.in;
      java.io.PrintStream out = System.out;
      java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
      int rc;
      try {
        System.setIn(new java.io.ByteArrayInputStream(
            "hello\nover UDP\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        System.setOut(new java.io.PrintStream(printed, true, "UTF-8"));
        rc = new picocli.CommandLine(new EchoClient())
            .execute("--udp", "--port", String.valueOf(server.port()));
      } finally {
        System.setIn(in);
        System.setOut(out);
      }
      assertEquals(0, rc);
      assertEquals("hello\nover UDP\n", printed.toString("UTF-8"));
    }
  }
}
