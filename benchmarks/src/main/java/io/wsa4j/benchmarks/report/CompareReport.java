package io.wsa4j.benchmarks.report;

import io.wsa4j.benchmarks.servers.EchoServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Turns the JSON lines that {@code bench/compare} collected from EchoLoad into the results page
 * ({@code benchmarks/results/DATE.md}) and its chart ({@code DATE.png}).
 *
 * <p>Per configuration and server: the median over the repetitions, the range (min–max), and the
 * ratio of the medians to the baseline server's (raw NIO2). Throughput is msgs/s for ping-pong and
 * MB/s for stream; a ratio above 1 is faster than the baseline. For p99 latency, above 1 is slower.
 */
@Command(name = "CompareReport", mixinStandardHelpOptions = true,
    description = "Writes the markdown results page and PNG chart of a bench/compare run.")
public final class CompareReport implements Callable<Integer> {

  @Option(names = "--input", required = true, description = "EchoLoad JSON lines, one per run.")
  Path input;

  @Option(names = "--markdown", required = true, description = "The page to write.")
  Path markdown;

  @Option(names = "--chart", required = true, description = "The PNG to write.")
  Path chart;

  @Option(names = "--header", description = "Markdown inserted after the title (machine, method).")
  Path header;

  @Option(names = "--title", defaultValue = "Echo server comparison")
  String title;

  @Option(names = "--baseline", defaultValue = "nio2")
  String baseline;

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(new CommandLine(new CompareReport()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    List<Run> runs = Files.readAllLines(input, StandardCharsets.UTF_8).stream()
        .filter(l -> l.startsWith("{")).map(Run::parse).collect(Collectors.toList());
    Map<Run.Config, Map<String, List<Run>>> table = new TreeMap<>();
    for (Run r : runs) {
      table.computeIfAbsent(r.config(), k -> new TreeMap<>(CompareReport::byServerOrder))
          .computeIfAbsent(r.server(), k -> new ArrayList<>()).add(r);
    }
    List<String> servers = runs.stream().map(Run::server).distinct()
        .sorted(CompareReport::byServerOrder).collect(Collectors.toList());

    StringBuilder md = new StringBuilder();
    md.append("# ").append(title).append("\n\n");
    if (header != null) {
      md.append(Files.readString(header, StandardCharsets.UTF_8).strip()).append("\n\n");
    }
    ratioTable(md, table, servers, false);
    ratioTable(md, table, servers, true);
    detailTables(md, table);
    md.append("![msgs/s and p99 by connection count](").append(chart.getFileName())
        .append(")\n");
    Files.writeString(markdown, md.toString(), StandardCharsets.UTF_8);
    Charts.write(chart, table, servers);
    System.out.println("wrote " + markdown + " and " + chart);
    return 0;
  }

  /**
   * The summary: each server's median over the baseline's, per configuration; or, with
   * {@code best}, each server's best run over the baseline's best run (highest throughput, lowest
   * p99). Interference from other processes only ever slows a run down, so on a busy machine the
   * best run is the least disturbed one.
   */
  private void ratioTable(StringBuilder md, Map<Run.Config, Map<String, List<Run>>> table,
      List<String> servers, boolean best) {
    if (best) {
      md.append("## Ratios to raw NIO2, best run of each\n\n")
          .append("Throughput ratio = server's best run / ").append(baseline)
          .append("'s best run; in brackets the lowest p99 over the lowest p99. Other processes"
              + " only ever slow a run down, so on a busy machine the best run is the least"
              + " disturbed one; read this table beside the medians.\n\n");
    } else {
      md.append("## Ratios to raw NIO2 (").append(baseline).append("), medians\n\n")
          .append("Throughput ratio = server median / ").append(baseline)
          .append(" median (msgs/s for ping-pong, MB/s for stream; >1 is faster). In brackets:"
              + " p99 latency ratio (>1 is slower).\n\n");
    }
    md.append("| configuration |");
    servers.forEach(s -> md.append(' ').append(s).append(" |"));
    md.append("\n|---|");
    servers.forEach(s -> md.append("---:|"));
    md.append('\n');
    for (Map.Entry<Run.Config, Map<String, List<Run>>> e : table.entrySet()) {
      Run.Config c = e.getKey();
      String key = throughputKey(c);
      Stats base = Stats.of(e.getValue().getOrDefault(baseline, List.of()), key);
      Stats baseP99 = Stats.of(e.getValue().getOrDefault(baseline, List.of()), "p99_us");
      md.append("| ").append(c).append(" |");
      for (String s : servers) {
        List<Run> rs = e.getValue().get(s);
        if (rs == null) {
          md.append(" – |");
          continue;
        }
        Stats t = Stats.of(rs, key);
        Stats p = Stats.of(rs, "p99_us");
        if (best) {
          md.append(' ').append(ratio(t.max(), base.max())).append(" (")
              .append(ratio(p.min(), baseP99.min())).append(") |");
        } else {
          md.append(' ').append(ratio(t.median(), base.median())).append(" (")
              .append(ratio(p.median(), baseP99.median())).append(") |");
        }
      }
      md.append('\n');
    }
    md.append('\n');
  }

  private void detailTables(StringBuilder md, Map<Run.Config, Map<String, List<Run>>> table) {
    md.append("## Per configuration\n\n")
        .append("Median over the runs, and min–max. Errors and mismatches are totals over the"
            + " runs (a mismatch is an echoed chunk that differed from what was sent).\n\n");
    for (Map.Entry<Run.Config, Map<String, List<Run>>> e : table.entrySet()) {
      Run.Config c = e.getKey();
      String key = throughputKey(c);
      String unit = c.stream() ? "MB/s" : "msgs/s";
      Stats base = Stats.of(e.getValue().getOrDefault(baseline, List.of()), key);
      Stats baseP99 = Stats.of(e.getValue().getOrDefault(baseline, List.of()), "p99_us");
      md.append("### ").append(c).append("\n\n");
      md.append("| server | runs | ").append(unit).append(" median | min–max | × ").append(baseline)
          .append(" | p50 µs | p99 µs median | min–max | × ").append(baseline)
          .append(" | p99.9 µs | errors | mismatches |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Map.Entry<String, List<Run>> s : e.getValue().entrySet()) {
        List<Run> rs = s.getValue();
        Stats t = Stats.of(rs, key);
        Stats p50 = Stats.of(rs, "p50_us");
        Stats p99 = Stats.of(rs, "p99_us");
        Stats p999 = Stats.of(rs, "p999_us");
        long failed = rs.stream().filter(Run::failed).count();
        long errors = rs.stream().filter(r -> !r.failed()).mapToLong(r -> (long) r.number("errors")).sum();
        long mismatches = rs.stream().filter(r -> !r.failed())
            .mapToLong(r -> (long) r.number("mismatches")).sum();
        md.append("| ").append(s.getKey()).append(" | ").append(t.n())
            .append(failed > 0 ? " (+" + failed + " failed)" : "").append(" | ")
            .append(fmt(t.median())).append(" | ").append(fmt(t.min())).append("–")
            .append(fmt(t.max())).append(" | ").append(ratio(t.median(), base.median()))
            .append(" | ").append(fmt(p50.median())).append(" | ").append(fmt(p99.median()))
            .append(" | ").append(fmt(p99.min())).append("–").append(fmt(p99.max()))
            .append(" | ").append(ratio(p99.median(), baseP99.median())).append(" | ")
            .append(fmt(p999.median())).append(" | ").append(errors).append(" | ")
            .append(mismatches).append(" |\n");
      }
      md.append('\n');
    }
  }

  static String throughputKey(Run.Config c) {
    return c.stream() ? "mb_per_s" : "msgs_per_s";
  }

  static int byServerOrder(String a, String b) {
    int ia = EchoServers.NAMES.indexOf(a);
    int ib = EchoServers.NAMES.indexOf(b);
    if (ia < 0 || ib < 0) {
      return ia == ib ? a.compareTo(b) : ia < 0 ? 1 : -1;
    }
    return Integer.compare(ia, ib);
  }

  private static String ratio(double value, double base) {
    if (Double.isNaN(value) || Double.isNaN(base) || base == 0) {
      return "–";
    }
    return String.format(Locale.ROOT, "%.2f", value / base);
  }

  private static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
