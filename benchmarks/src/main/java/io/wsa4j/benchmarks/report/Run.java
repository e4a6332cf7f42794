package io.wsa4j.benchmarks.report;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * One EchoLoad run as read back from its JSON line: a flat object of strings and numbers, which
 * is all EchoLoad writes, so a regular expression reads it.
 */
final class Run {
  private static final java.util.regex.Pattern FIELD = java.util.regex.Pattern.compile(
      "\"(\\w+)\"\\s*:\\s*(?:\"([^\"]*)\"|([-+0-9.eE]+|true|false))");

  private final Map<String, String> fields;

  private Run(Map<String, String> fields) {
    this.fields = fields;
  }

  static Run parse(String line) {
    Map<String, String> m = new HashMap<>();
    Matcher matcher = FIELD.matcher(line);
    while (matcher.find()) {
      m.put(matcher.group(1), matcher.group(2) != null ? matcher.group(2) : matcher.group(3));
    }
    return new Run(m);
  }

  String server() {
    return fields.getOrDefault("label", "?");
  }

  String mode() {
    return fields.getOrDefault("mode", "?");
  }

  int connections() {
    return (int) number("connections");
  }

  int size() {
    return (int) number("size");
  }

  /** A run that produced no result line (the client or the server died). */
  boolean failed() {
    return "true".equals(fields.get("failed"));
  }

  double number(String key) {
    String v = fields.get(key);
    return v == null ? Double.NaN : Double.parseDouble(v);
  }

  /** The configuration this run belongs to, e.g. {@code pingpong 100 × 64 B}. */
  Config config() {
    return new Config(mode(), connections(), size());
  }

  /** A cell of the load matrix. */
  record Config(String mode, int connections, int size) implements Comparable<Config> {
    @Override
    public int compareTo(Config o) {
      int c = mode.compareTo(o.mode);
      if (c == 0) {
        c = Integer.compare(size, o.size);
      }
      return c != 0 ? c : Integer.compare(connections, o.connections);
    }

    boolean stream() {
      return mode.equals("stream");
    }

    @Override
    public String toString() {
      return mode + " " + String.format(java.util.Locale.ROOT, "%,d", connections) + " conn × "
          + (size % 1024 == 0 ? size / 1024 + " KiB" : size + " B");
    }
  }
}
