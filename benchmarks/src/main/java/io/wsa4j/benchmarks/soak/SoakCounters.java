package io.wsa4j.benchmarks.soak;

import io.wsa4j.WsaError;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What the soak counts, shared by the server and every client thread. */
final class SoakCounters {
  final AtomicLong serverPosted = new AtomicLong();
  final AtomicLong serverCompleted = new AtomicLong();
  final AtomicLong serverAccepted = new AtomicLong();
  final AtomicLong clientPosted = new AtomicLong();
  final AtomicLong clientCompleted = new AtomicLong();
  /** Completions seen for a token that had no operation in flight. */
  final AtomicLong twice = new AtomicLong();
  /** Operations still not complete when their deadline passed. */
  final AtomicLong never = new AtomicLong();
  final LongAdder bytesVerified = new LongAdder();
  /** Bytes that came back different, or not at all, on a connection that did not fail. */
  final AtomicLong bytesLost = new AtomicLong();
  final LongAdder connections = new LongAdder();
  final LongAdder cancelsThatHit = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

  void error(String where, int code) {
    String name = code == -1 ? "exception" : WsaError.name(code) + " (" + code + ")";
    errors.computeIfAbsent(where + ": " + name, k -> new LongAdder()).increment();
  }

  Map<String, Long> errors() {
    Map<String, Long> m = new TreeMap<>();
    errors.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  long opsCompleted() {
    return serverCompleted.get() + clientCompleted.get();
  }
}
