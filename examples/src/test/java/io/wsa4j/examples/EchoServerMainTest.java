package io.wsa4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The launcher's argument checks, which run before any socket is opened. */
class EchoServerMainTest {

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void unknownModelIsRejectedWithUsageError() {
    StringWriter err = new StringWriter();
    int rc = new CommandLine(new EchoServerMain()).setErr(new PrintWriter(err, true))
        .execute("--model", "poll", "--port", "0");
    assertEquals(CommandLine.ExitCode.USAGE, rc);
    assertTrue(err.toString().contains("--model"), err::toString);
    assertTrue(err.toString().contains("iocp, event, routine, select, eventselect"), err::toString);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void helpDocumentsEveryOption() {
    StringWriter out = new StringWriter();
    int rc = new CommandLine(new EchoServerMain()).setOut(new PrintWriter(out, true))
        .execute("--help");
    assertEquals(CommandLine.ExitCode.OK, rc);
    for (String option : new String[] {"--model", "--bind", "--port", "--workers",
        "--max-connections", "--idle-timeout", "--silent-timeout", "--socket-pool", "zero-byte",
        "--buffer-size", "--udp", "--stats",
        "--help"}) {
      assertTrue(out.toString().contains(option), () -> option + " missing from:\n" + out);
    }
    assertTrue(out.toString().contains("Default: iocp"), out::toString);
    String words = out.toString().replaceAll("\\s+", " "); // help text wraps anywhere
    for (EchoServerMain.Model model : EchoServerMain.Model.values()) {
      assertTrue(words.contains(model.name() + " ("), () -> model + " missing from:\n" + out);
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void workersBelowOneIsRejectedWithUsageError() {
    StringWriter err = new StringWriter();
    int rc = new CommandLine(new EchoServerMain()).setErr(new PrintWriter(err, true))
        .execute("--workers", "0", "--port", "0");
    assertEquals(CommandLine.ExitCode.USAGE, rc);
    assertTrue(err.toString().startsWith("--workers must be at least 1"), err::toString);
  }
}
