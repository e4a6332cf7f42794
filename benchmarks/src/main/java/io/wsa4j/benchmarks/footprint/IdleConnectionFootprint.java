package io.wsa4j.benchmarks.footprint;

import static io.wsa4j.Winsock.*;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures what an idle connection costs a completion-port server: heap and direct memory per
 * connection while each waits on a zero-byte receive, against the same server posting a full
 * receive buffer per connection.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.wsa4j.benchmarks.footprint.IdleConnectionFootprint 5000 zero
 * java -cp benchmarks/target/benchmarks.jar io.wsa4j.benchmarks.footprint.IdleConnectionFootprint 5000 full
 * </pre>
 *
 * <p>The clients run in a child JVM ({@link #main} with {@code clients}), so that only the server's
 * objects are counted.
 */
public final class IdleConnectionFootprint {
  private static final int FULL_BUFFER = 16 * 1024;

  private IdleConnectionFootprint() {}

  /**
   * {@code <connections> zero|full} measures; {@code clients <port> <connections>} is the child.
   *
   * @param args see above
   * @throws Exception if the measurement cannot run
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("clients")) {
      holdClients(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
      return;
    }
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    boolean zeroByte = args.length < 2 || args[1].equals("zero");
    measure(n, zeroByte);
  }

  private static void measure(int n, boolean zeroByte) throws Exception {
    Wsa wsa = Wsa.startup(WsaConfig.builder().ioThreads(2).build());
    WsaSocket listener = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0,
        WSA_FLAG_OVERLAPPED);
    wsa.bind(listener, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    wsa.listen(listener, SOMAXCONN);
    SocketAddress[] local = new SocketAddress[1];
    wsa.getsockname(listener, local);
    int port = ((InetSocketAddress) local[0]).getPort();
    WsaCompletionPort iocp = wsa.createIoCompletionPort(listener, null, 0, 0);

    long heapBefore = usedHeap();
    long directBefore = usedDirect();

    // -- accept every connection and leave it waiting on a receive --
    Process clients = new ProcessBuilder(javaExe(), "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), IdleConnectionFootprint.class.getName(),
        "clients", Integer.toString(port), Integer.toString(n)).inheritIO().start();
    List<Object> held = new ArrayList<>(); // what a server keeps per connection
    int[] bytes = new int[1];
    long[] key = new long[1];
    WsaOverlapped[] done = new WsaOverlapped[1];
    for (int i = 0; i < n; i++) {
      WsaSocket s = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
      WsaOverlapped accept = new WsaOverlapped();
      wsa.acceptEx(listener, s, null, 0, null, accept);
      if (!wsa.getQueuedCompletionStatus(iocp, bytes, key, done, 60_000)) {
        throw new IllegalStateException("accept " + i + ": " + Wsa.getLastError());
      }
      wsa.createIoCompletionPort(s, iocp, 1, 0);
      WsaBuf buf = zeroByte ? WsaBuf.allocate(0) : WsaBuf.allocate(FULL_BUFFER);
      WsaOverlapped recv = new WsaOverlapped();
      if (wsa.recv(s, new WsaBuf[] {buf}, 1, null, new int[1], recv, null) != 0
          && Wsa.getLastError() != WSA_IO_PENDING) {
        throw new IllegalStateException("recv " + i + ": " + Wsa.getLastError());
      }
      held.add(s);
      held.add(buf);
      held.add(recv);
    }
    long heapAfter = usedHeap();
    long directAfter = usedDirect();
    System.out.printf(Locale.ROOT, "%d idle connections, %s receives: heap %.0f B/connection,"
        + " direct %.0f B/connection (%d sockets open, %d pending)%n", n,
        zeroByte ? "zero-byte" : FULL_BUFFER + "-byte heap", (heapAfter - heapBefore) / (double) n,
        (directAfter - directBefore) / (double) n, wsa.stats().socketsOpen(),
        wsa.stats().pendingNow());
    clients.destroy();
    clients.waitFor();
    wsa.cleanup();
    if (held.size() != 3 * n) {
      throw new AssertionError(held.size());
    }
  }

  private static void holdClients(int port, int n) throws Exception {
    List<SocketChannel> open = new ArrayList<>();
    InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    for (int i = 0; i < n; i++) {
      open.add(SocketChannel.open(server));
    }
    Thread.sleep(Long.MAX_VALUE); // held until the parent destroys this process
  }

  private static long usedHeap() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long usedDirect() {
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        return pool.getMemoryUsed();
      }
    }
    return 0;
  }

  private static String javaExe() {
    return System.getProperty("java.home") + "/bin/java";
  }
}
