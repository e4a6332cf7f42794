package io.wsa4j.examples;

import static io.wsa4j.Winsock.*;
import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import io.wsa4j.WsaStats;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A UDP echo server in the completion-port model: one datagram socket on a port, {@value #POSTED}
 * {@code WSARecvFrom}s kept posted, and worker threads in a {@code GetQueuedCompletionStatus}
 * loop. Each received datagram is sent back to its source with {@code WSASendTo} from the same
 * buffer, and when that send completes the slot posts its next receive.
 *
 * <p>A slot is a {@link WsaOverlapped} subclass that carries its buffer, the source address
 * {@code WSARecvFrom} writes, and whether it is receiving or sending, as C code embeds an
 * {@code OVERLAPPED} in a per-I/O context. Once warm the loop allocates nothing of its own: the
 * same buffer (its length switched between the receive and the echo), the same one-element
 * arrays.
 */
public final class UdpEchoServer implements EchoServer {
  private static final System.Logger LOG = System.getLogger(UdpEchoServer.class.getName());

  /** {@code WSARecvFrom}s kept posted. */
  static final int POSTED = 16;
  private static final long SOCKET_KEY = 1;
  private static final long SHUTDOWN_KEY = -1;
  private static final long JOIN_MILLIS = 10_000;
  /** Large enough for every datagram, so none is truncated. */
  private static final int BUFFER = 65_527;

  /** One posted operation and its datagram. */
  private static final class Slot extends WsaOverlapped {
    final WsaBuf buf = WsaBuf.allocateDirect(BUFFER);
    final WsaBuf[] bufs = {buf};
    final SocketAddress[] from = new SocketAddress[1];
    final int[] flags = new int[1];
    /** Receiving (false) or sending the echo (true); owned by whichever worker has the slot. */
    boolean sending;
  }

  private final Wsa wsa;
  private final WsaSocket socket;
  private final WsaCompletionPort port;
  private final InetSocketAddress local;
  private final List<Thread> workers = new ArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean closing;

  private UdpEchoServer(Wsa wsa, WsaSocket socket, WsaCompletionPort port,
      InetSocketAddress local) {
    this.wsa = wsa;
    this.socket = socket;
    this.port = port;
    this.local = local;
  }

  /**
   * Starts a server on {@code bind}:{@code port} (0 picks a free port) with {@code workers}
   * threads, in a context of its own.
   */
  public static UdpEchoServer start(InetAddress bind, int port, int workers, WsaConfig config)
      throws IOException {
    // -- configure: socket, buffer, address, port --
    Wsa wsa = Wsa.startup(config);
    try {
      int af = bind instanceof Inet6Address ? AF_INET6 : AF_INET;
      WsaSocket s = wsa.socket(af, SOCK_DGRAM, IPPROTO_UDP, null, 0, WSA_FLAG_OVERLAPPED);
      if (s == WsaSocket.INVALID_SOCKET) {
        throw failure("WSASocket", Wsa.getLastError());
      }
      // room for bursts: datagrams the kernel cannot queue are dropped, not delayed
      wsa.setsockopt(s, SOL_SOCKET, SO_RCVBUF, 4 << 20);
      if (wsa.bind(s, new InetSocketAddress(bind, port)) == SOCKET_ERROR) {
        throw failure("bind", Wsa.getLastError());
      }
      SocketAddress[] name = new SocketAddress[1];
      if (wsa.getsockname(s, name) == SOCKET_ERROR) {
        throw failure("getsockname", Wsa.getLastError());
      }
      WsaCompletionPort p = wsa.createIoCompletionPort(s, null, SOCKET_KEY, 0);
      if (p == null) {
        throw failure("CreateIoCompletionPort", Wsa.getLastError());
      }
      UdpEchoServer server = new UdpEchoServer(wsa, s, p, (InetSocketAddress) name[0]);
      // -- start: workers, then the posted receives --
      for (int i = 0; i < workers; i++) {
        Thread t = new Thread(server::work, "udp-echo-worker-" + i);
        t.setDaemon(true);
        server.workers.add(t);
        t.start();
      }
      for (int i = 0; i < POSTED; i++) {
        server.receive(new Slot());
      }
      return server;
    } catch (IOException | RuntimeException e) {
      wsa.cleanup();
      throw e;
    }
  }

  /** Posts the slot's receive; returns at once whether the datagram is there or not. */
  private void receive(Slot slot) {
    slot.sending = false;
    slot.buf.len(BUFFER);
    slot.flags[0] = 0;
    int rc = wsa.recvFrom(socket, slot.bufs, 1, null, slot.flags, slot.from, slot, null);
    // 0 (a datagram was waiting) and WSA_IO_PENDING both end in a packet on the port
    if (rc == SOCKET_ERROR && Wsa.getLastError() != WSA_IO_PENDING) {
      failed("WSARecvFrom", Wsa.getLastError());
    }
  }

  /** Sends the slot's datagram back to where it came from. */
  private void echo(Slot slot, int n) {
    slot.sending = true;
    slot.buf.len(n);
    int rc = wsa.sendTo(socket, slot.bufs, 1, null, 0, slot.from[0], slot, null);
    if (rc == SOCKET_ERROR && Wsa.getLastError() != WSA_IO_PENDING) {
      failed("WSASendTo", Wsa.getLastError());
      receive(slot); // the echo is lost, as UDP allows; the slot goes on receiving
    }
  }

  private void failed(String call, int error) {
    if (!closing) {
      LOG.log(WARNING, call + " failed: " + Errors.describe(error));
    }
  }

  /** A worker: take a completion, echo or repost, until the shutdown packet. */
  private void work() {
    int[] bytes = new int[1];
    long[] key = new long[1];
    WsaOverlapped[] ov = new WsaOverlapped[1];
    while (true) {
      boolean ok = wsa.getQueuedCompletionStatus(port, bytes, key, ov, WSA_INFINITE);
      if (ov[0] == null) {
        if (ok && key[0] == SHUTDOWN_KEY) {
          return;
        }
        if (!ok) {
          LOG.log(DEBUG, "GetQueuedCompletionStatus: " + Errors.describe(Wsa.getLastError()));
          return; // the port is gone (cleanup)
        }
        continue;
      }
      Slot slot = (Slot) ov[0];
      int error = ok ? 0 : Wsa.getLastError();
      if (error == ERROR_OPERATION_ABORTED || closing) {
        continue; // the socket is closing: the slot retires
      }
      if (slot.sending || error != 0) {
        if (error != 0) {
          // a truncated datagram cannot happen (the buffer fits any); an ICMP error can
          LOG.log(DEBUG, (slot.sending ? "WSASendTo" : "WSARecvFrom") + ": "
              + Errors.describe(error));
        }
        receive(slot);
      } else {
        echo(slot, bytes[0]);
      }
    }
  }

  @Override
  public InetSocketAddress localAddress() {
    return local;
  }

  @Override
  public WsaStats stats() {
    return wsa.stats();
  }

  @Override
  public void awaitTermination() throws InterruptedException {
    stopped.await();
  }

  @Override
  public synchronized void close() {
    if (closing) {
      return;
    }
    closing = true;
    // -- shut down: one packet per worker, then the socket and the context --
    for (int i = 0; i < workers.size(); i++) {
      wsa.postQueuedCompletionStatus(port, 0, SHUTDOWN_KEY, null);
    }
    for (Thread t : workers) {
      try {
        t.join(JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    wsa.closesocket(socket);
    wsa.closeHandle(port);
    wsa.cleanup();
    stopped.countDown();
  }

  private static IOException failure(String call, int error) {
    return new IOException(call + " failed: " + Errors.describe(error));
  }
}
