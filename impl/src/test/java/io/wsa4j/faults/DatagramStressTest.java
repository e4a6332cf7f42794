package io.wsa4j.faults;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.SOCK_DGRAM;
import static io.wsa4j.Winsock.SOL_SOCKET;
import static io.wsa4j.Winsock.SO_RCVBUF;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static io.wsa4j.Winsock.WSA_IO_PENDING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import io.wsa4j.testkit.WsaFixture;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 100,000 datagrams of random sizes from 4 JDK senders into one wsa4j datagram socket with 16
 * receives posted on a completion port: none lost, none corrupted, each sender's in order.
 *
 * <p>Loopback UDP drops datagrams when the receive buffer overflows, so the senders are paced by
 * a credit window smaller than the receive buffer: a sender takes a datagram's size in credits
 * before it sends, the receiver gives them back when the datagram is verified. With that, a lost
 * datagram is a wsa4j bug, not bad luck. Sizes are log-uniform over 1 to 65,507 bytes (both ends
 * included), so small and maximal datagrams are both frequent; seed {@code -Dwsa4j.seed}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DatagramStressTest {
  private static final int DATAGRAMS = 100_000;
  private static final int SENDERS = 4;
  private static final int POSTED = 16;
  private static final int MAX = 65_507;
  private static final long SEED = Long.getLong("wsa4j.seed", System.nanoTime());

  /** The byte at {@code i} of datagram {@code seq} of {@code sender}: cheap to make and check. */
  static byte expected(int sender, int seq, int i) {
    return (byte) (sender * 61 + seq * 31 + i * 7 + (i >>> 8));
  }

  /** A datagram's size: log-uniform in [1, MAX]; the first two are 1 and MAX. */
  static int sizeOf(Random rnd, int seq) {
    if (seq < 2) {
      return seq == 0 ? 1 : MAX;
    }
    return (int) Math.min(MAX, Math.round(Math.exp(rnd.nextDouble() * Math.log(MAX))));
  }

  @Test
  @DisplayName("rule 34: 100,000 datagrams of 1 to 65,507 bytes from 4 senders through 16 posted receives: none lost, none corrupted, each sender's in order")
  void hundredThousandDatagrams() throws Exception {
    System.out.println("DatagramStressTest seed " + SEED + " (replay with -Dwsa4j.seed=" + SEED + ")");
    try (Wsa wsa = Wsa.startup()) {
      WsaSocket s = wsa.socket(AF_INET, SOCK_DGRAM, 17, null, 0, WSA_FLAG_OVERLAPPED);
      assertEquals(0, wsa.setsockopt(s, SOL_SOCKET, SO_RCVBUF, 4 << 20));
      assertEquals(0, wsa.bind(s, new InetSocketAddress(WsaFixture.LOOPBACK, 0)));
      SocketAddress[] name = new SocketAddress[1];
      assertEquals(0, wsa.getsockname(s, name));
      int[] rcvbuf = new int[1];
      assertEquals(0, wsa.getsockopt(s, SOL_SOCKET, SO_RCVBUF, rcvbuf));
      // credits: well under the buffer (the kernel counts more than the payload per datagram)
      Semaphore credits = new Semaphore(Math.max(MAX, rcvbuf[0] / 4));
      WsaCompletionPort port = wsa.createIoCompletionPort(s, null, 1, 0);
      assertNotNull(port);

      WsaOverlapped[] ovs = new WsaOverlapped[POSTED];
      WsaBuf[] bufs = new WsaBuf[POSTED];
      SocketAddress[][] from = new SocketAddress[POSTED][1];
      for (int i = 0; i < POSTED; i++) {
        bufs[i] = i % 2 == 0 ? WsaBuf.allocateDirect(MAX) : WsaBuf.allocate(MAX);
        ovs[i] = new WsaOverlapped().attach(i);
        post(wsa, s, bufs[i], ovs[i], from[i]);
      }

      AtomicReference<Throwable> failure = new AtomicReference<>();
      InetSocketAddress[] senderAddress = new InetSocketAddress[SENDERS];
      Thread[] senders = new Thread[SENDERS];
      DatagramChannel[] channels = new DatagramChannel[SENDERS];
      for (int k = 0; k < SENDERS; k++) {
        channels[k] = DatagramChannel.open().bind(new InetSocketAddress(WsaFixture.LOOPBACK, 0));
        senderAddress[k] = (InetSocketAddress) channels[k].getLocalAddress();
        int sender = k;
        senders[k] = WsaFixture.daemon("udp-sender-" + k, () -> {
          try (DatagramChannel ch = channels[sender]) {
            Random rnd = new Random(SEED + sender);
            ByteBuffer out = ByteBuffer.allocateDirect(MAX);
            for (int seq = 0; seq < DATAGRAMS / SENDERS && failure.get() == null; seq++) {
              int size = sizeOf(rnd, seq);
              out.clear();
              out.putInt(0, seq);
              for (int i = 4; i < size; i++) {
                out.put(i, expected(sender, seq, i));
              }
              out.limit(size);
              if (!credits.tryAcquire(size, WsaFixture.WAIT_MS, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("no credits back for 10 s: datagrams lost");
              }
              ch.send(out, name[0]);
            }
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        });
        senders[k].start();
      }

      int[] next = new int[SENDERS];
      Random[] sizes = new Random[SENDERS];
      for (int k = 0; k < SENDERS; k++) {
        sizes[k] = new Random(SEED + k);
      }
      int[] n = new int[1];
      long[] key = new long[1];
      WsaOverlapped[] got = new WsaOverlapped[1];
      long started = System.nanoTime();
      for (int received = 0; received < DATAGRAMS && failure.get() == null; received++) {
        boolean ok = wsa.getQueuedCompletionStatus(port, n, key, got, (int) WsaFixture.WAIT_MS);
        assertTrue(ok, () -> "receive failed or timed out: " + Wsa.getLastError());
        int slot = (Integer) got[0].attachment();
        int sender = senderOf(senderAddress, from[slot][0]);
        int seq = next[sender]++;
        int size = sizeOf(sizes[sender], seq);
        assertEquals(size, n[0], "size of datagram " + seq + " of sender " + sender);
        ByteBuffer b = bufs[slot].buf();
        if (size >= 4) {
          assertEquals(seq, b.getInt(0), "sender " + sender + ": lost or reordered");
        }
        for (int i = 4; i < size; i++) {
          if (b.get(i) != expected(sender, seq, i)) {
            throw new AssertionError("datagram " + seq + " of sender " + sender
                + " corrupted at byte " + i);
          }
        }
        credits.release(size);
        post(wsa, s, bufs[slot], ovs[slot], from[slot]);
      }
      for (Thread t : senders) {
        t.join(WsaFixture.WAIT_MS);
      }
      assertNull(failure.get(), () -> "sender failed: " + failure.get());
      System.out.printf("DatagramStressTest: %d datagrams in %d ms%n", DATAGRAMS,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      for (int k = 0; k < SENDERS; k++) {
        assertEquals(DATAGRAMS / SENDERS, next[k], "datagrams of sender " + k);
      }
    }
  }

  private static int senderOf(InetSocketAddress[] senders, SocketAddress from) {
    for (int k = 0; k < senders.length; k++) {
      if (senders[k].equals(from)) {
        return k;
      }
    }
    throw new AssertionError("datagram from a stranger: " + from);
  }

  private static void post(Wsa wsa, WsaSocket s, WsaBuf buf, WsaOverlapped ov,
      SocketAddress[] from) {
    int rc = wsa.recvFrom(s, new WsaBuf[] {buf}, 1, null, new int[1], from, ov, null);
    assertTrue(rc == 0 || Wsa.getLastError() == WSA_IO_PENDING,
        () -> "recvFrom: " + Wsa.getLastError());
    assertTrue(rc == 0 || rc == SOCKET_ERROR);
  }
}
