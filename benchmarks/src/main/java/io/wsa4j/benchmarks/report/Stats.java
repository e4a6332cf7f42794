package io.wsa4j.benchmarks.report;

import java.util.Arrays;
import java.util.List;

/**
 * Median, minimum and maximum of one figure over the repetitions of a configuration. Latency
 * figures ({@code *_us}) skip runs in which no message completed: their percentiles are 0, not
 * fast.
 */
record Stats(double median, double min, double max, int n) {

  static Stats of(List<Run> runs, String key) {
    boolean latency = key.endsWith("_us");
    double[] v = runs.stream().filter(r -> !r.failed())
        .filter(r -> !latency || r.number("msgs") > 0).mapToDouble(r -> r.number(key))
        .filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (v.length == 0) {
      return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    double median = v.length % 2 == 1 ? v[v.length / 2]
        : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    return new Stats(median, v[0], v[v.length - 1], v.length);
  }

  boolean empty() {
    return n == 0;
  }

  @Override
  public String toString() {
    return "Stats" + Arrays.toString(new double[] {median, min, max, n});
  }
}
