package io.wsa4j.benchmarks.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A UDP ping-pong load against an echo server: {@code --clients} sockets on one selector thread,
 * each with one datagram of {@code --size} bytes in flight. Every echo is checked byte for byte: a
 * datagram carries its client's sequence number and then bytes of {@link Pattern} that follow
 * from it, so a wrong, cut or stale echo is a mismatch (stale: counted apart, as late).
 *
 * <p>UDP may lose datagrams: a client whose echo has not come back within {@code --timeout-ms}
 * counts it lost and sends the next. Ends with one JSON line on stdout in EchoLoad's shape
 * ({@code mode} "udp", {@code connections} = clients), so {@code CompareReport} reads it.
 */
@Command(name = "UdpLoad", sortOptions = false, mixinStandardHelpOptions = true,
    description = "UDP ping-pong load: every echoed byte verified; one JSON line at the end.")
public final class UdpLoad implements Callable<Integer> {
  @Option(names = "--host", defaultValue = "127.0.0.1") InetAddress host;
  @Option(names = "--port", defaultValue = "7007") int port;
  @Option(names = {"-c", "--clients"}, defaultValue = "1") int clients;
  @Option(names = {"-s", "--size"}, defaultValue = "64", description = "Datagram size, 8 to 65,507.")
  int size;
  @Option(names = "--warmup", defaultValue = "1", description = "Seconds not counted.")
  double warmup;
  @Option(names = {"-d", "--duration"}, defaultValue = "3", description = "Seconds measured.")
  double duration;
  @Option(names = "--timeout-ms", defaultValue = "200", description = "An echo later than this is lost.")
  long timeoutMs;
  @Option(names = "--label", defaultValue = "", description = "Copied into the JSON (the server's name).")
  String label;
  @Option(names = "--quiet", description = "No progress on stderr.") boolean quiet;

  /** One client socket and its datagram in flight. */
  private final class Client {
    final DatagramChannel channel;
    final long seed;
    final ByteBuffer out = ByteBuffer.allocateDirect(size);
    final ByteBuffer in = ByteBuffer.allocateDirect(65_536);
    final ByteBuffer expected = ByteBuffer.wrap(Pattern.BYTES);
    long seq;
    long sentAt;

    Client(DatagramChannel channel, long seed) {
      this.channel = channel;
      this.seed = seed;
    }

    void send(long now) throws IOException {
      seq++;
      int from = Pattern.at(seed, seq * 7919);
      out.clear();
      out.putLong(seq);
      out.put(Pattern.BYTES, from, size - 8);
      out.flip();
      sentAt = now;
      channel.write(out); // a full socket buffer drops it: the timeout resends
    }

    /** Checks one echo; returns 1 for the one awaited, 0 for a stale one, -1 for a wrong one. */
    int check(int n) {
      in.flip();
      if (n != size) {
        return -1;
      }
      long got = in.getLong(0);
      if (got != seq) {
        return got < seq && got > 0 ? 0 : -1;
      }
      int from = Pattern.at(seed, seq * 7919);
      expected.limit(from + size - 8).position(from);
      in.position(8);
      return in.mismatch(expected) == -1 ? 1 : -1;
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new UdpLoad()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (size < 8 || size > 65_507 || clients < 1) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--size must be 8..65507 and --clients at least 1");
    }
    InetSocketAddress server = new InetSocketAddress(host, port);
    Selector selector = Selector.open();
    Client[] all = new Client[clients];
    for (int i = 0; i < clients; i++) {
      DatagramChannel ch = DatagramChannel.open();
      ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
      ch.connect(server);
      ch.configureBlocking(false);
      all[i] = new Client(ch, 0x9E37_79B9L * (i + 1));
      ch.register(selector, SelectionKey.OP_READ, all[i]);
    }
    Histogram latencies = new Histogram(3_600_000_000L, 3);
    long[] counts = new long[4]; // msgs, mismatches, lost, late
    long start = System.nanoTime();
    long measureFrom = start + (long) (warmup * 1e9);
    long end = measureFrom + (long) (duration * 1e9);
    long timeout = timeoutMs * 1_000_000L;
    for (Client c : all) {
      c.send(start);
    }
    long nextScan = start + 10_000_000L;
    long nextProgress = start + 1_000_000_000L;
    long lastMsgs = 0;
    long now = start;
    while (now < end) {
      selector.select(10);
      now = System.nanoTime();
      long t = now;
      boolean measuring = now >= measureFrom;
      selector.selectedKeys().removeIf(key -> {
        Client c = (Client) key.attachment();
        try {
          for (;;) {
            c.in.clear();
            if (c.channel.receive(c.in) == null) {
              break;
            }
            int r = c.check(c.in.position());
            if (r < 0) {
              counts[1]++;
            } else if (r == 0) {
              counts[3]++;
              continue;
            }
            if (measuring) {
              counts[0]++;
              latencies.recordValue(Math.max(1, (t - c.sentAt) / 1000));
            }
            c.send(t);
          }
        } catch (IOException e) {
          counts[1]++; // an ICMP error (server gone): counted, the timeout resends
        }
        return true;
      });
      if (now >= nextScan) {
        nextScan = now + 10_000_000L;
        for (Client c : all) {
          if (now - c.sentAt > timeout) {
            counts[2]++;
            c.send(now);
          }
        }
      }
      if (!quiet && now >= nextProgress) {
        nextProgress = now + 1_000_000_000L;
        System.err.printf(Locale.ROOT, "[%4.1fs] msgs/s %,d  lost %d  mismatches %d%n",
            (now - start) / 1e9, counts[0] - lastMsgs, counts[2], counts[1]);
        lastMsgs = counts[0];
      }
    }
    for (Client c : all) {
      c.channel.close();
    }
    selector.close();
    double secs = duration;
    System.out.println(String.format(Locale.ROOT,
        "{\"label\":\"%s\",\"mode\":\"udp\",\"connections\":%d,\"size\":%d,\"warmup_s\":%.1f,"
            + "\"duration_s\":%.3f,\"msgs\":%d,\"msgs_per_s\":%.1f,\"mb_per_s\":%.3f,"
            + "\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f,"
            + "\"errors\":%d,\"mismatches\":%d,\"lost\":%d,\"late\":%d}",
        label, clients, size, warmup, secs, counts[0], counts[0] / secs,
        counts[0] * (double) size / secs / 1e6,
        (double) latencies.getValueAtPercentile(50), (double) latencies.getValueAtPercentile(99),
        (double) latencies.getValueAtPercentile(99.9), (double) latencies.getMaxValue(),
        counts[2], counts[1], counts[2], counts[3]));
    return counts[1] > 0 ? 1 : 0;
  }
}
