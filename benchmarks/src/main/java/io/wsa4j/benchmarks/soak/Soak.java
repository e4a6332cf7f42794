package io.wsa4j.benchmarks.soak;

import io.wsa4j.Wsa;
import io.wsa4j.WsaConfig;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A long run of an in-process completion-port echo server ({@link SoakEchoServer}) under a mix of
 * clients: well-behaved ones that check every echoed byte, ones that reset mid-stream, wsa4j
 * clients whose receives get cancelled, slow readers, and connect/close churn. Prints a progress
 * line every 10 s and a summary at the end; exits with 1 if any operation completed twice or
 * never, or any byte was lost or corrupted.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.wsa4j.benchmarks.soak.Soak [--minutes N] [--seed S]}
 */
public final class Soak {
  private Soak() {}

  /** A point-in-time measure of the process: open fds, live threads, used heap after GC. */
  record Footprint(long fds, int threads, long heapBytes, Set<String> fdTargets,
      Set<String> threadNames) {
    static Footprint now() {
      Set<String> names = new TreeSet<>();
      Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName()));
      return new Footprint(openFds(), ManagementFactory.getThreadMXBean().getThreadCount(),
          usedHeapAfterGc(), listFdTargets(), names);
    }

    /** What this footprint has that {@code start} did not: fd targets and thread names. */
    String newSince(Footprint start) {
      Set<String> fd = new TreeSet<>(fdTargets);
      fd.removeAll(start.fdTargets);
      Set<String> th = new TreeSet<>(threadNames);
      th.removeAll(start.threadNames);
      return "new fds " + fd + ", new threads " + th;
    }

    @Override
    public String toString() {
      return "fds " + (fds < 0 ? "n/a" : fds) + ", threads " + threads + ", heap "
          + heapBytes / 1024 + " KiB";
    }
  }

  static long openFds() {
    String[] entries = new File("/proc/self/fd").list();
    return entries == null ? -1 : entries.length;
  }

  /** Where each open fd points (socket:[inode], pipe, anon_inode:[eventpoll], a file). */
  static Set<String> listFdTargets() {
    Set<String> out = new TreeSet<>();
    File[] fds = new File("/proc/self/fd").listFiles();
    if (fds != null) {
      for (File f : fds) {
        try {
          String target = Files.readSymbolicLink(f.toPath()).toString();
          out.add(target.replaceAll("\\[\\d+\\]", "[…]") + " #" + f.getName());
        } catch (IOException | RuntimeException e) {
          // the fd closed while we looked (the directory stream's own fd does)
        }
      }
    }
    return out;
  }

  static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
      SoakClients.pause(50);
    }
    return used;
  }

  public static void main(String[] args) throws Exception {
    double minutes = 1;
    long seed = System.nanoTime();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--minutes" -> minutes = Double.parseDouble(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        default -> {
          System.err.println("usage: Soak [--minutes N] [--seed S]");
          System.exit(2);
        }
      }
    }
    System.exit(run(minutes, seed) ? 0 : 1);
  }

  static boolean run(double minutes, long seed) throws Exception {
    System.out.printf("soak: %.1f min, seed %d (replay with --seed %d)%n", minutes, seed, seed);
    Footprint start = Footprint.now();
    Instant began = Instant.now();
    SoakCounters counters = new SoakCounters();
    long deadline = System.nanoTime() + (long) (minutes * 60e9);
    SplittableRandom seeds = new SplittableRandom(seed);

    Wsa serverWsa = Wsa.startup(WsaConfig.builder().ioThreads(2).build());
    Wsa clientWsa = Wsa.startup(WsaConfig.builder().ioThreads(1).build());
    SoakEchoServer server = new SoakEchoServer(serverWsa, counters, 2);
    List<Thread> clients = new ArrayList<>();
    var addr = server.address();
    for (int i = 0; i < 4; i++) {
      clients.add(thread(new SoakClients.WellBehaved(i, addr, counters, deadline, seeds.nextLong())));
    }
    for (int i = 0; i < 2; i++) {
      clients.add(thread(new SoakClients.Resetter(i, addr, counters, deadline, seeds.nextLong())));
      clients.add(thread(new SoakClients.Canceller(i, clientWsa, addr, counters, deadline,
          seeds.nextLong())));
      clients.add(thread(new SoakClients.SlowReader(i, addr, counters, deadline, seeds.nextLong())));
    }
    clients.add(thread(new SoakClients.Churn(0, addr, counters, deadline, seeds.nextLong())));
    clients.forEach(Thread::start);

    long nextReport = System.nanoTime() + 10_000_000_000L;
    while (clients.stream().anyMatch(Thread::isAlive)) {
      for (Thread t : clients) {
        t.join(Math.max(1, (nextReport - System.nanoTime()) / 1_000_000));
        if (System.nanoTime() >= nextReport) {
          break;
        }
      }
      if (System.nanoTime() >= nextReport) {
        nextReport += 10_000_000_000L;
        progress(began, counters, server, serverWsa);
      }
    }

    long never = server.shutdown(30_000);
    counters.never.addAndGet(never);
    String serverStats = serverWsa.stats().toString();
    serverWsa.cleanup();
    clientWsa.cleanup();
    Footprint end = Footprint.now();
    return summary(minutes, seed, began, counters, start, end, serverStats);
  }

  private static Thread thread(SoakClients.Client c) {
    Thread t = new Thread(c, "soak-" + c.name);
    t.setDaemon(true);
    return t;
  }

  private static void progress(Instant began, SoakCounters c, SoakEchoServer server, Wsa wsa) {
    Runtime rt = Runtime.getRuntime();
    System.out.printf("[%4ds] ops %,d  verified %,d B  conns %,d (open %d, pending %d)  "
            + "cancels %,d  twice %d  never %d  lost %d  errors %,d  heap %d MiB  fds %d  "
            + "threads %d%n",
        Duration.between(began, Instant.now()).toSeconds(), c.opsCompleted(),
        c.bytesVerified.sum(), c.connections.sum(), server.connections(),
        wsa.stats().pendingNow(), c.cancelsThatHit.sum(), c.twice.get(), c.never.get(),
        c.bytesLost.get(), c.errors().values().stream().mapToLong(Long::longValue).sum(),
        (rt.totalMemory() - rt.freeMemory()) >> 20, openFds(),
        ManagementFactory.getThreadMXBean().getThreadCount());
  }

  private static boolean summary(double minutes, long seed, Instant began, SoakCounters c,
      Footprint start, Footprint end, String serverStats) {
    boolean ok = c.twice.get() == 0 && c.never.get() == 0 && c.bytesLost.get() == 0;
    StringBuilder s = new StringBuilder();
    s.append("## Soak summary\n\n");
    s.append(String.format("- duration: %s (asked %.1f min), seed %d%n",
        Duration.between(began, Instant.now()).withNanos(0), minutes, seed));
    s.append(String.format("- connections: %,d client connections, %,d accepted by the server%n",
        c.connections.sum(), c.serverAccepted.get()));
    s.append(String.format("- operations completed: %,d (server %,d of %,d posted; "
            + "wsa4j clients %,d of %,d posted)%n", c.opsCompleted(), c.serverCompleted.get(),
        c.serverPosted.get(), c.clientCompleted.get(), c.clientPosted.get()));
    s.append(String.format("- receives cancelled by cancelIoEx (aborted, bytes carried over): %,d%n",
        c.cancelsThatHit.sum()));
    s.append(String.format("- bytes verified: %,d%n", c.bytesVerified.sum()));
    s.append(String.format("- operations completed twice: %d%n", c.twice.get()));
    s.append(String.format("- operations never completed: %d%n", c.never.get()));
    s.append(String.format("- bytes lost or corrupted: %d%n", c.bytesLost.get()));
    s.append("- errors by code (where: code):\n");
    Map<String, Long> errors = c.errors();
    if (errors.isEmpty()) {
      s.append("  - none\n");
    }
    errors.forEach((k, v) -> s.append(String.format("  - %s: %,d%n", k, v)));
    s.append("- start: ").append(start).append('\n');
    s.append("- end:   ").append(end).append('\n');
    s.append("- at the end, not at the start: ").append(end.newSince(start)).append('\n');
    s.append("- server context at the end: ").append(serverStats).append('\n');
    s.append("- verdict: ").append(ok ? "PASS" : "FAIL").append('\n');
    System.out.print(s);
    return ok;
  }
}
