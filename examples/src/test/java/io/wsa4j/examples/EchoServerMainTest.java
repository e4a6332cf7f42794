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
        .execute("--model", "iocp", "--port", "0");
    assertEquals(CommandLine.ExitCode.USAGE, rc);
    assertTrue(err.toString().startsWith("unknown --model 'iocp'"), err::toString);
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
