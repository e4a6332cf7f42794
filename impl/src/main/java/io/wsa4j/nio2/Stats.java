package io.wsa4j.nio2;

import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;

import io.wsa4j.WsaStats;
import io.wsa4j.WsaStats.OpKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters behind {@link io.wsa4j.Wsa#stats()}.
 *
 * <p>The hot counters — receives and sends — live in each {@link OpQueue} as plain fields written
 * under the lock the queue holds anyway, so counting costs a few adds and no contention. When a
 * socket closes its queues are folded into the context's totals here. Accepts and connects (one
 * per connection) and errors (rare) are counted here directly.
 */
final class Stats {
  private static final int KINDS = OpKind.values().length;

  private final LongAdder[] posted = adders();
  private final LongAdder[] completed = adders();
  private final LongAdder[] failed = adders();
  private final LongAdder[] aborted = adders();
  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();
  private final Map<Integer, LongAdder> errors = new ConcurrentHashMap<>();

  private static LongAdder[] adders() {
    LongAdder[] a = new LongAdder[KINDS];
    for (int i = 0; i < KINDS; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  /** An op of a kind no queue counts (accept, connect) was started. */
  void posted(int kind) {
    posted[kind].increment();
  }

  /** An op ended outside its own queue's counters: accept, connect, or a moved first transfer. */
  void ended(int kind, int status, int bytes) {
    (status == 0 ? completed : status == WSA_OPERATION_ABORTED ? aborted : failed)[kind]
        .increment();
    if (status == 0) {
      (kind == OpKind.RECV.ordinal() || kind == OpKind.ACCEPT.ordinal() ? bytesIn : bytesOut)
          .add(bytes);
    } else {
      error(status);
    }
  }

  void error(int code) {
    errors.computeIfAbsent(code, c -> new LongAdder()).increment();
  }

  /** Adds a closed queue's counters to the totals. Under {@code this}, with the socket forgotten. */
  void fold(OpQueue q) {
    int k = q.kind;
    posted[k].add(q.posted);
    completed[k].add(q.completed);
    failed[k].add(q.failed);
    aborted[k].add(q.aborted);
    (k == OpKind.RECV.ordinal() ? bytesIn : bytesOut).add(q.bytes);
  }

  /** The folded totals at one instant: taken under {@code this}, with the live set. */
  record Totals(long[] posted, long[] completed, long[] failed, long[] aborted, long in,
      long out) {}

  /** The totals of closed sockets. Under {@code this}, so that no fold is half seen. */
  Totals totals() {
    return new Totals(sum(posted), sum(completed), sum(failed), sum(aborted), bytesIn.sum(),
        bytesOut.sum());
  }

  /**
   * {@code totals} plus the queues of {@code sockets}, the sockets live when the totals were
   * taken. Not under {@code this}: each queue is read under its own lock only.
   */
  WsaStats snapshot(Totals totals, List<NioSocket> sockets, Iterable<NioPort> ports) {
    long[] p = totals.posted();
    long[] c = totals.completed();
    long[] f = totals.failed();
    long[] a = totals.aborted();
    long in = totals.in();
    long out = totals.out();
    long pending = 0;
    for (NioSocket s : sockets) {
      for (OpQueue q : s.queues()) {
        if (q == null) {
          continue;
        }
        synchronized (q) {
          if (q.countsOwnKind()) {
            p[q.kind] += q.posted;
            c[q.kind] += q.completed;
            f[q.kind] += q.failed;
            a[q.kind] += q.aborted;
            if (q.kind == OpKind.RECV.ordinal()) {
              in += q.bytes;
            } else {
              out += q.bytes;
            }
          }
          pending += q.pending();
        }
      }
    }
    Map<Integer, Long> byCode = new HashMap<>();
    errors.forEach((code, n) -> byCode.put(code, n.sum()));
    List<Integer> depths = new ArrayList<>();
    for (NioPort port : ports) {
      depths.add(port.depth());
    }
    return new WsaStats(sockets.size(), p, c, f, a, out, in, pending, byCode, depths);
  }

  private static long[] sum(LongAdder[] adders) {
    long[] v = new long[KINDS];
    for (int i = 0; i < KINDS; i++) {
      v[i] = adders[i].sum();
    }
    return v;
  }
}
