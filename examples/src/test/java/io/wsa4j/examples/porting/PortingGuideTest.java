package io.wsa4j.examples.porting;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keeps {@code docs/porting-from-c.md} honest: every Java block of the guide is the tagged region
 * it names, every tagged region is quoted, and the quoted servers really echo.
 *
 * <p>A Java block in the guide is preceded by {@code <!-- snippet: File.java#name -->}; the region
 * is the lines between {@code // tag::name[]} and {@code // end::name[]} of that file in this
 * package, with their common leading indentation removed. Surefire runs in the module directory,
 * so the guide is {@code ../docs/porting-from-c.md}.
 */
class PortingGuideTest {
  private static final Path GUIDE = Path.of("../docs/porting-from-c.md");
  private static final Path SOURCES = Path.of("src/test/java/io/wsa4j/examples/porting");
  private static final Pattern MARKER =
      Pattern.compile("<!--\\s*snippet:\\s*([\\w.]+\\.java)#([\\w-]+)\\s*-->");
  private static final Pattern JAVA_BLOCK =
      Pattern.compile("\\A\\s*```java\\n(.*?)^```", Pattern.DOTALL | Pattern.MULTILINE);
  private static final Pattern TAG = Pattern.compile("^\\s*// (tag|end)::([\\w-]+)\\[\\]\\s*$");
  private static final String[] MESSAGES = {
    "hello\n", "overlapped I/O, the Java way\n", "x", "0123456789".repeat(700) + "\n"
  };

  @Test
  void everyJavaSnippetOfTheGuideIsItsTaggedRegion() throws IOException {
    Map<String, String> used = snippetsOfGuide();
    assertFalse(used.isEmpty(), "no <!-- snippet: F#name --> marker in " + GUIDE);
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, String> e : used.entrySet()) {
      String ref = e.getKey();
      String file = ref.substring(0, ref.indexOf('#'));
      String name = ref.substring(ref.indexOf('#') + 1);
      Map<String, String> regions = regionsOf(SOURCES.resolve(file));
      String expected = regions.get(name);
      if (expected == null) {
        failures.add("snippet " + ref + ": no region tag::" + name + "[] in " + file
            + " (regions: " + regions.keySet() + ")");
      } else if (!expected.equals(e.getValue())) {
        failures.add("snippet " + ref + " differs from its tagged region:\n"
            + diff(expected, e.getValue()));
      }
    }
    if (!failures.isEmpty()) {
      fail(failures.size() + " snippet(s) of " + GUIDE + " out of date:\n\n"
          + String.join("\n\n", failures));
    }
  }

  @Test
  void everyJavaBlockOfTheGuideHasASnippetMarker() throws IOException {
    String guide = Files.readString(GUIDE, UTF_8).replace("\r\n", "\n");
    Matcher block = Pattern.compile("^```java$", Pattern.MULTILINE).matcher(guide);
    List<Integer> unmarked = new ArrayList<>();
    while (block.find()) {
      String before = guide.substring(0, block.start()).stripTrailing();
      if (!before.endsWith("-->") || !MARKER.matcher(before.substring(before.lastIndexOf("<!--")))
          .matches()) {
        unmarked.add(lineOf(guide, block.start()));
      }
    }
    assertTrue(unmarked.isEmpty(), "```java blocks of " + GUIDE
        + " without a <!-- snippet: File.java#name --> marker, at lines " + unmarked
        + ": put the code in a tagged region and quote it");
  }

  @Test
  void everyTaggedRegionIsQuotedByTheGuide() throws IOException {
    Set<String> used = snippetsOfGuide().keySet();
    Set<String> unused = new TreeSet<>();
    try (Stream<Path> files = Files.list(SOURCES)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        String file = f.getFileName().toString();
        if (!file.endsWith(".java")) {
          continue;
        }
        for (String name : regionsOf(f).keySet()) {
          if (!used.contains(file + "#" + name)) {
            unused.add(file + "#" + name);
          }
        }
      }
    }
    assertTrue(unused.isEmpty(), "tagged regions not quoted by " + GUIDE + ": " + unused);
  }

  @Test
  @Timeout(30)
  void theGuidesEventServerEchoes() throws Exception {
    PortingGuideEventServer server = new PortingGuideEventServer();
    runAgainstJdkClient(() -> server.run(0), server::awaitListening, server::stop);
  }

  @Test
  @Timeout(30)
  void theGuidesCompletionPortServerEchoes() throws Exception {
    PortingGuideIocpWorker server = new PortingGuideIocpWorker();
    runAgainstJdkClient(() -> server.run(0, 2), server::awaitListening, server::stop);
  }

  @Test
  @Timeout(30)
  void theGuidesCompletionRoutineServerEchoes() throws Exception {
    PortingGuideRoutines server = new PortingGuideRoutines();
    runAgainstJdkClient(() -> server.run(0), server::awaitListening, server::stop);
  }

  @Test
  @Timeout(30)
  void theGuidesEventSelectServerEchoes() throws Exception {
    PortingGuideEventSelect server = new PortingGuideEventSelect();
    runAgainstJdkClient(() -> server.run(0), server::awaitListening, server::stop);
  }

  // -- the client --

  interface Listening {
    InetSocketAddress await(long timeout, TimeUnit unit) throws InterruptedException;
  }

  /** Starts the server, echoes {@link #MESSAGES} through one JDK socket, stops it, checks it ended. */
  private static void runAgainstJdkClient(Callable<Integer> run, Listening listening, Runnable stop)
      throws Exception {
    AtomicInteger rc = new AtomicInteger(-1);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread serverThread = new Thread(() -> {
      try {
        rc.set(run.call());
      } catch (Throwable t) {
        thrown.set(t);
      }
    }, "porting-guide-server");
    serverThread.setDaemon(true);
    serverThread.start();
    try {
      InetSocketAddress bound = listening.await(20, TimeUnit.SECONDS);
      assertNotNull(bound, "the server did not listen (rc " + rc.get() + ", " + thrown.get() + ")");
      try (Socket client = new Socket(InetAddress.getLoopbackAddress(), bound.getPort())) {
        client.setSoTimeout(10_000);
        OutputStream out = client.getOutputStream();
        InputStream in = client.getInputStream();
        for (String message : MESSAGES) {
          byte[] sent = message.getBytes(UTF_8);
          out.write(sent);
          out.flush();
          byte[] echoed = in.readNBytes(sent.length);
          assertEquals(message, new String(echoed, UTF_8), "echo of a " + sent.length + "-byte message");
        }
        client.shutdownOutput();
        assertEquals(-1, in.read(), "the server closes after the client's FIN");
      }
    } finally {
      stop.run();
      serverThread.join(TimeUnit.SECONDS.toMillis(20));
    }
    assertFalse(serverThread.isAlive(), "the server did not stop");
    if (thrown.get() != null) {
      throw new AssertionError("the server threw", thrown.get());
    }
    assertEquals(0, rc.get(), "the server's return value");
  }

  // -- the guide and the regions --

  /** "File.java#name" → the text of the Java block following its marker, in guide order. */
  private static Map<String, String> snippetsOfGuide() throws IOException {
    String guide = Files.readString(GUIDE, UTF_8).replace("\r\n", "\n");
    Map<String, String> snippets = new LinkedHashMap<>();
    Matcher m = MARKER.matcher(guide);
    while (m.find()) {
      String ref = m.group(1) + "#" + m.group(2);
      Matcher block = JAVA_BLOCK.matcher(guide.substring(m.end()));
      if (!block.find()) {
        fail("snippet " + ref + ": the marker is not followed by a ```java block");
      }
      if (snippets.put(ref, stripTrailingNewline(block.group(1))) != null) {
        fail("snippet " + ref + " is quoted twice; quote each region once");
      }
    }
    return snippets;
  }

  /** The tagged regions of a file, indentation removed; tag lines inside a region are dropped. */
  private static Map<String, String> regionsOf(Path file) throws IOException {
    if (!Files.exists(file)) {
      fail("no file " + file.toAbsolutePath().normalize());
    }
    List<String> lines = Files.readAllLines(file, UTF_8);
    Map<String, List<String>> open = new LinkedHashMap<>();
    Map<String, String> regions = new LinkedHashMap<>();
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = TAG.matcher(lines.get(i));
      if (m.matches()) {
        String name = m.group(2);
        if (m.group(1).equals("tag")) {
          if (!seen.add(name)) {
            fail(file.getFileName() + ":" + (i + 1) + ": region " + name + " opened twice");
          }
          open.put(name, new ArrayList<>());
        } else {
          List<String> body = open.remove(name);
          if (body == null) {
            fail(file.getFileName() + ":" + (i + 1) + ": end::" + name + "[] without tag::");
          }
          regions.put(name, dedent(body));
        }
        continue;
      }
      for (List<String> body : open.values()) {
        body.add(lines.get(i));
      }
    }
    if (!open.isEmpty()) {
      fail(file.getFileName() + ": regions never ended: " + open.keySet());
    }
    return regions;
  }

  private static String dedent(List<String> lines) {
    int indent = Integer.MAX_VALUE;
    for (String line : lines) {
      if (!line.isBlank()) {
        indent = Math.min(indent, line.length() - line.stripLeading().length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String line : lines) {
      sb.append(line.isBlank() ? "" : line.substring(indent).stripTrailing()).append('\n');
    }
    return stripTrailingNewline(sb.toString());
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private static String stripTrailingNewline(String s) {
    return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
  }

  /** A short line diff: the first differing line of each side, then the region as it should read. */
  private static String diff(String expected, String actual) {
    String[] e = expected.split("\n", -1);
    String[] a = actual.split("\n", -1);
    int i = 0;
    while (i < e.length && i < a.length && e[i].equals(a[i])) {
      i++;
    }
    return "  first difference at line " + (i + 1) + " of the snippet:\n"
        + "    source: " + (i < e.length ? "'" + e[i] + "'" : "<end>") + "\n"
        + "    guide:  " + (i < a.length ? "'" + a[i] + "'" : "<end>") + "\n"
        + "  the region reads:\n" + expected.indent(4);
  }
}
