package io.wsa4j.nio2;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.SOCK_STREAM;
import static io.wsa4j.Winsock.WSAEADDRINUSE;
import static io.wsa4j.Winsock.WSAEADDRNOTAVAIL;
import static io.wsa4j.Winsock.WSAECONNABORTED;
import static io.wsa4j.Winsock.WSAECONNREFUSED;
import static io.wsa4j.Winsock.WSAECONNRESET;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaError;
import io.wsa4j.WsaSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rule 14 under a non-English locale: a JVM started with {@code LANG=de_DE.UTF-8} reports socket
 * errors in German ({@code strerror} is translated because the JDK calls {@code setlocale}), and
 * wsa4j must still return the Winsock codes. The test forks that JVM; it compiles the German
 * locale with {@code localedef} into {@code target/} when the system has none. Where neither is
 * possible, or the C library has no German messages, there is nothing to test and it is skipped.
 */
@Timeout(120)
class LocalizedErrorsTest {

  @Test
  @DisplayName("rule 14: under LANG=de_DE.UTF-8 a reset, a refusal and bind failures keep their codes")
  void germanLocaleKeepsTheCodes() throws Exception {
    assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "glibc locales");
    Map<String, String> env = germanEnvironment();
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Child.class.getName());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
    assertEquals(0, p.exitValue(), () -> "child JVM failed:\n" + out);
    Map<String, String> got = new HashMap<>();
    for (String line : out.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        got.put(line.substring(0, eq), line.substring(eq + 1).strip());
      }
    }
    String jdkText = got.get("jdk.refused");
    assumeFalse(jdkText == null || jdkText.contains("Connection refused"),
        () -> "the C library has no German messages: the JDK said " + jdkText);

    assertCode(got, "bind.notAvailable", WSAEADDRNOTAVAIL, out);
    assertCode(got, "bind.inUse", WSAEADDRINUSE, out);
    assertCode(got, "connect.refused", WSAECONNREFUSED, out);
    int reset = Integer.parseInt(got.get("send.afterReset"));
    assertTrue(reset == WSAECONNRESET || reset == WSAECONNABORTED,
        () -> "a send after the peer's reset failed with " + WsaError.name(reset) + "\n" + out);
  }

  private static void assertCode(Map<String, String> got, String key, int expected, String out) {
    int code = Integer.parseInt(got.get(key));
    assertEquals(expected, code, () -> key + ": expected " + WsaError.name(expected) + ", got "
        + WsaError.name(code) + "\n" + out);
  }

  /** LANG/LC_ALL for German, with LOCPATH to a locale compiled here if the system has none. */
  private static Map<String, String> germanEnvironment() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("LANG", "de_DE.UTF-8");
    env.put("LC_ALL", "de_DE.UTF-8");
    if (run(List.of("locale", "-a")).toLowerCase().contains("de_de.utf8")) {
      return env;
    }
    Path dir = Path.of("target", "locales").toAbsolutePath();
    Path compiled = dir.resolve("de_DE.UTF-8");
    if (!Files.isDirectory(compiled)) {
      assumeTrue(Files.exists(Path.of("/usr/share/i18n/locales/de_DE")),
          "no German locale and no locale sources to compile one");
      Files.createDirectories(dir);
      run(List.of("localedef", "-i", "de_DE", "-f", "UTF-8", compiled.toString()));
      assumeTrue(Files.isDirectory(compiled), "localedef could not compile de_DE.UTF-8");
    }
    env.put("LOCPATH", dir.toString());
    return env;
  }

  private static String run(List<String> cmd) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(60, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return ""; // the tool is missing: the caller's assumption skips the test
    }
  }

  /** The forked JVM: prints {@code key=value} lines, one per provoked failure. */
  static final class Child {
    private Child() {}

    public static void main(String[] args) throws Exception {
      InetAddress loopback = InetAddress.getLoopbackAddress();
      InetSocketAddress closed;
      try (ServerSocket ss = new ServerSocket(0, 1, loopback)) {
        closed = (InetSocketAddress) ss.getLocalSocketAddress();
      }
      try (AsynchronousSocketChannel c = AsynchronousSocketChannel.open()) {
        c.connect(closed).get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        System.out.println("jdk.refused=" + e.getCause().getMessage());
      }
      List<String> lines = new ArrayList<>();
      try (Wsa wsa = Wsa.startup()) {
        WsaSocket s = socket(wsa);
        wsa.bind(s, new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 0));
        lines.add("bind.notAvailable=" + Wsa.getLastError());

        WsaSocket first = socket(wsa);
        wsa.bind(first, new InetSocketAddress(loopback, 0));
        wsa.listen(first, 1);
        InetSocketAddress taken = Nio2Support.localAddress(wsa, first);
        WsaSocket second = socket(wsa);
        int rc = wsa.bind(second, taken);
        if (rc == 0) {
          rc = wsa.listen(second, 1); // where the JDK binds a listener late
        }
        lines.add("bind.inUse=" + (rc == 0 ? 0 : Wsa.getLastError()));

        wsa.connect(socket(wsa), closed);
        lines.add("connect.refused=" + Wsa.getLastError());

        try (ServerSocket ss = new ServerSocket(0, 1, loopback)) {
          WsaSocket c = socket(wsa);
          wsa.connect(c, ss.getLocalSocketAddress());
          try (Socket peer = ss.accept()) {
            peer.setSoLinger(true, 0);
          }
          int error = 0;
          for (int i = 0; i < 1000 && error == 0; i++) {
            int[] n = new int[1];
            if (wsa.send(c, new WsaBuf[] {WsaBuf.allocate(1)}, 1, n, 0, null, null) != 0) {
              error = Wsa.getLastError();
            } else {
              Thread.sleep(1); // the reset is on its way
            }
          }
          lines.add("send.afterReset=" + error);
        }
      }
      lines.forEach(System.out::println);
    }

    private static WsaSocket socket(Wsa wsa) {
      return wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    }
  }

  /** Small helpers of the child. */
  static final class Nio2Support {
    private Nio2Support() {}

    static InetSocketAddress localAddress(Wsa wsa, WsaSocket s) {
      java.net.SocketAddress[] out = new java.net.SocketAddress[1];
      wsa.getsockname(s, out);
      return (InetSocketAddress) out[0];
    }
  }
}
