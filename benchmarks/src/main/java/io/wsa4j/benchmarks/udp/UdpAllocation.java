package io.wsa4j.benchmarks.udp;

import io.wsa4j.WsaConfig;
import io.wsa4j.examples.UdpEchoServer;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Locale;

/**
 * Heap bytes the wsa4j side allocates per echoed datagram once warm: {@link UdpEchoServer} in this
 * JVM, ping-ponged by blocking JDK clients; the allocation of every thread but the clients' is
 * summed (HotSpot's per-thread allocation counters) and divided by the datagrams.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.wsa4j.benchmarks.udp.UdpAllocation [clients] [size]
 * </pre>
 *
 * <p>With one client every datagram comes from the same source, and the JDK reuses the source
 * address it decoded last; with several, each datagram from a source other than the previous
 * one costs the {@code InetSocketAddress} (and {@code InetAddress}) the JDK decodes.
 */
public final class UdpAllocation {
  private UdpAllocation() {}

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (UdpEchoServer server = UdpEchoServer.start(loopback, 0, 1,
        WsaConfig.builder().ioThreads(1).build())) {
      DatagramChannel[] c = new DatagramChannel[clients];
      for (int i = 0; i < clients; i++) {
        c[i] = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
        c[i].connect(server.localAddress());
      }
      ByteBuffer out = ByteBuffer.allocateDirect(size);
      ByteBuffer in = ByteBuffer.allocateDirect(65_536);
      run(c, out, in, 50_000); // warm-up: JIT, pools, caches
      long self = Thread.currentThread().getId();
      long[] ids = threads.getAllThreadIds();
      long before = total(threads, ids, self);
      int n = 200_000;
      run(c, out, in, n);
      long after = total(threads, ids, self);
      if (Boolean.getBoolean("perThread")) {
        for (long id : ids) {
          java.lang.management.ThreadInfo info = threads.getThreadInfo(id);
          if (info != null && id != self) {
            System.out.println(info.getThreadName() + " " + threads.getThreadAllocatedBytes(id));
          }
        }
      }
      System.out.printf(Locale.ROOT,
          "{\"clients\":%d,\"size\":%d,\"datagrams\":%d,\"server_bytes_per_datagram\":%.2f}%n",
          clients, size, n, (after - before) / (double) n);
      for (DatagramChannel ch : c) {
        ch.close();
      }
    }
  }

  private static void run(DatagramChannel[] c, ByteBuffer out, ByteBuffer in, int n)
      throws Exception {
    for (int i = 0; i < n; i++) {
      DatagramChannel ch = c[i % c.length];
      ch.write(out.clear());
      ch.read(in.clear());
    }
  }

  /** Bytes allocated so far by every thread in {@code ids} except {@code self}. */
  private static long total(com.sun.management.ThreadMXBean threads, long[] ids, long self) {
    long sum = 0;
    for (long id : ids) {
      if (id != self) {
        long b = threads.getThreadAllocatedBytes(id);
        sum += Math.max(0, b);
      }
    }
    return sum;
  }
}
