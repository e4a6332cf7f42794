package io.wsa4j.faults;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Property test on plain JUnit 5: {@value #DEFAULT_PROGRAMS} random {@link Program}s per run, each
 * run against the library and a JDK peer by {@link ProgramRunner}, which checks the invariants.
 * The seed is logged; {@code -Dwsa4j.seed=S} replays a run, {@code -Dwsa4j.program=P} runs one
 * program alone, {@code -Dwsa4j.programs=N} changes the count. A failing program is shrunk (steps
 * dropped, buffers shortened while it still fails) and printed as Java-like text.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class StreamPropertyTest {
  static final int DEFAULT_PROGRAMS = 200;
  private static final long SHRINK_MILLIS = 40_000;
  private static final long SEED = Long.getLong("wsa4j.seed", System.nanoTime());

  static {
    System.out.println("StreamPropertyTest seed " + SEED + " (replay with -Dwsa4j.seed=" + SEED
        + ")");
  }

  @Test
  void randomProgramsCompleteEveryOpOnceAndKeepBothByteStreamsInOrder() {
    Long single = Long.getLong("wsa4j.program");
    if (single != null) {
      check(Program.generate(single), -1);
      return;
    }
    SplittableRandom seeds = new SplittableRandom(SEED);
    int count = Integer.getInteger("wsa4j.programs", DEFAULT_PROGRAMS);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      check(Program.generate(seeds.nextLong()), i);
    }
    System.out.println(count + " programs held every invariant in "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms; receives that saw EOF"
        + " after a reset (tolerated unless -Dwsa4j.strictReset=true, see"
        + " ResetAfterSendRegressionTest): " + ProgramRunner.TOLERATED_EOF_AFTER_RESET.get());
  }

  private static void check(Program p, int index) {
    Throwable failure = attempt(p);
    if (failure == null) {
      return;
    }
    Shrunk minimal = shrink(p, failure);
    fail("program " + index + " (run seed " + SEED + "; this program alone: -Dwsa4j.program="
        + p.seed() + ") broke an invariant: " + failure + "\n\noriginal program ("
        + p.steps().size() + " steps):\n" + p + "\nminimal program (" + minimal.attempts
        + " shrink attempts):\n" + minimal.program + "which fails with: " + minimal.failure,
        failure);
  }

  /** Runs {@code p}; the failure, or null when every invariant held. */
  static Throwable attempt(Program p) {
    return attempt(p, ProgramRunner.STRICT_RESET);
  }

  static Throwable attempt(Program p, boolean strictReset) {
    try {
      ProgramRunner.run(p, strictReset);
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  record Shrunk(Program program, Throwable failure, int attempts) {}

  /**
   * Greedy shrinking: takes the first smaller program that still fails, and starts over from it,
   * until none does or the time is up.
   */
  static Shrunk shrink(Program p, Throwable failure) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SHRINK_MILLIS);
    Program current = p;
    Throwable currentFailure = failure;
    int attempts = 0;
    boolean progress = true;
    while (progress && System.nanoTime() < deadline) {
      progress = false;
      for (Program candidate : current.shrinks()) {
        if (System.nanoTime() >= deadline) {
          break;
        }
        attempts++;
        Throwable f = attempt(candidate);
        if (f != null) {
          current = candidate;
          currentFailure = f;
          progress = true;
          break;
        }
      }
    }
    return new Shrunk(current, currentFailure, attempts);
  }
}
