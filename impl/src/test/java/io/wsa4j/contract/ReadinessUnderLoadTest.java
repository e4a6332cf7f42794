package io.wsa4j.contract;

import static io.wsa4j.Winsock.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wsa4j.Wsa;
import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaNetworkEvents;
import io.wsa4j.WsaSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rule 30 under load: 1,000 non-blocking sockets selected for FD_READ|FD_CLOSE on one event, peers
 * writing random pieces from several threads and then closing. The reader does exactly one recv
 * per FD_READ, of a random size, so most recvs leave data: a level-triggered record that is not
 * made again stalls the run (the wait times out and the test fails naming what is missing).
 */
@Timeout(180)
class ReadinessUnderLoadTest extends WsaFixture {
  private static final int CONNECTIONS = 1_000;
  private static final int WRITERS = 4;
  private static final int MAX_BYTES = 24 * 1024;

  /** One connection: what its peer writes (length and CRC from its own seed) and what came. */
  private static final class Conn {
    final WsaSocket s;
    final Socket peer;
    final long seed;
    final int length;
    final CRC32 received = new CRC32();
    int got;
    int closes;

    Conn(WsaSocket s, Socket peer, long seed, int length) {
      this.s = s;
      this.peer = peer;
      this.seed = seed;
      this.length = length;
    }

    byte[] data() {
      byte[] d = new byte[length];
      new Random(seed).nextBytes(d);
      return d;
    }
  }

  @Test
  @DisplayName("rule 30 (load): 1,000 event-selected sockets, random pieces: no byte lost, no FD_READ or FD_CLOSE missed")
  void noEventMissed() throws Exception {
    List<Conn> conns = new ArrayList<>();
    try (ServerSocket server = new ServerSocket(0, CONNECTIONS, InetAddress.getLoopbackAddress())) {
      for (int i = 0; i < CONNECTIONS; i++) {
        WsaSocket s = newSocket(0);
        assertEquals(0, wsa.connect(s, server.getLocalSocketAddress()),
            WsaFixture::lastErrorName);
        Socket peer = track(server.accept());
        conns.add(new Conn(s, peer, rnd.nextLong(), 1 + rnd.nextInt(MAX_BYTES)));
      }
    }
    WsaEvent e = event();
    for (Conn c : conns) {
      assertEquals(0, wsa.eventSelect(c.s, e, FD_READ | FD_CLOSE));
    }
    ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      List<Conn> mine = conns.subList(w * CONNECTIONS / WRITERS, (w + 1) * CONNECTIONS / WRITERS);
      long seed = rnd.nextLong();
      done.add(writers.submit(() -> {
        write(mine, new Random(seed));
        return null;
      }));
    }
    try {
      read(conns, e);
      for (Future<?> f : done) {
        f.get(WAIT_MS, TimeUnit.MILLISECONDS);
      }
    } finally {
      writers.shutdownNow();
      assertTrue(writers.awaitTermination(WAIT_MS, TimeUnit.MILLISECONDS));
    }
    for (Conn c : conns) {
      CRC32 expected = new CRC32();
      expected.update(c.data());
      assertEquals(c.length, c.got, "bytes of a connection");
      assertEquals(expected.getValue(), c.received.getValue(), "content of a connection");
      assertEquals(1, c.closes, "FD_CLOSE once");
    }
  }

  /** Random pieces in random connection order, then a graceful close of each. */
  private static void write(List<Conn> mine, Random r) throws IOException {
    List<Conn> left = new ArrayList<>(mine);
    int[] sent = new int[mine.size()];
    byte[][] data = new byte[mine.size()][];
    for (int i = 0; i < mine.size(); i++) {
      data[i] = mine.get(i).data();
    }
    List<Integer> index = new ArrayList<>();
    for (int i = 0; i < mine.size(); i++) {
      index.add(i);
    }
    while (!index.isEmpty()) {
      int k = r.nextInt(index.size());
      int i = index.get(k);
      Conn c = mine.get(i);
      int n = Math.min(1 + r.nextInt(4096), c.length - sent[i]);
      OutputStream out = c.peer.getOutputStream();
      out.write(data[i], sent[i], n);
      sent[i] += n;
      if (sent[i] == c.length) {
        c.peer.shutdownOutput();
        index.remove(k);
      }
    }
    left.clear();
  }

  /** One recv per FD_READ; on FD_CLOSE, the rest. Until every connection closed. */
  private void read(List<Conn> conns, WsaEvent e) {
    WsaNetworkEvents ne = new WsaNetworkEvents();
    WsaEvent[] one = {e};
    byte[] buf = new byte[4096];
    int open = conns.size();
    while (open > 0) {
      int rc = wsa.waitForMultipleEvents(1, one, false, WAIT_MS, false);
      if (rc != WSA_WAIT_EVENT_0) {
        fail("no event for " + WAIT_MS + " ms with " + open + " connections open: "
            + "a record was missed (rc " + rc + ")");
      }
      assertTrue(wsa.resetEvent(e)); // before the scan: a record made during it signals again
      for (Conn c : conns) {
        if (c.closes > 0) {
          continue;
        }
        assertEquals(0, wsa.enumNetworkEvents(c.s, null, ne), WsaFixture::lastErrorName);
        int events = ne.networkEvents();
        if ((events & FD_READ) != 0) {
          receive(c, buf, 1 + rnd.nextInt(buf.length));
        }
        if ((events & FD_CLOSE) != 0) {
          assertEquals(0, ne.errorCode(FD_CLOSE_BIT), "graceful close");
          c.closes++;
          open--;
          while (receive(c, buf, buf.length) > 0) {
            // every byte before the close
          }
        }
      }
    }
  }

  private int receive(Conn c, byte[] buf, int len) {
    int n = wsa.recv(c.s, buf, 0, len, 0);
    if (n == SOCKET_ERROR) {
      assertEquals(WSAEWOULDBLOCK, Wsa.getLastError(), WsaFixture::lastErrorName);
      return -1;
    }
    c.received.update(buf, 0, n);
    c.got += n;
    return n;
  }
}
