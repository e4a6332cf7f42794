package io.wsa4j.examples.porting;

// tag::imports[]
import static io.wsa4j.Winsock.*;
import static io.wsa4j.WsaSocket.INVALID_SOCKET;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaError;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
// end::imports[]
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The event-model echo server of {@code docs/porting-from-c.md}, line for line with the C program
 * printed there: an accept loop on the calling thread, one worker thread waiting on up to 64
 * events with {@code waitForMultipleEvents}. The guide quotes the tagged regions of this file; the
 * {@code PortingGuideTest} checks that the quotes are exact and runs the server.
 */
public final class PortingGuideEventServer {
  private static final System.Logger LOG = System.getLogger(PortingGuideEventServer.class.getName());

  // tag::declarations[]
  static final int BUF_SIZE = 4096;

  /** C's CONNECTION. The token is a field, as the OVERLAPPED is a member of the struct. */
  static final class Connection {
    final WsaSocket sock;
    final WsaOverlapped ov;                          // ov.event() is hEvent
    final byte[] buffer = new byte[BUF_SIZE];
    final WsaBuf[] wsabuf = {WsaBuf.wrap(buffer)};   // an array of one WSABUF
    boolean sending;                                 // is ov carrying the send or the receive?

    Connection(WsaSocket sock, WsaEvent event) {
      this.sock = sock;
      this.ov = new WsaOverlapped(event);
    }
  }

  // events[0] wakes the worker when the table changes; events[i] is conns[i].ov.event().
  private final WsaEvent[] events = new WsaEvent[WSA_MAXIMUM_WAIT_EVENTS];
  private final Connection[] conns = new Connection[WSA_MAXIMUM_WAIT_EVENTS];
  private int count = 1;                             // guarded by lock
  private final Object lock = new Object();
  private volatile WsaSocket listener;
  private volatile boolean stopping;
  private volatile Wsa wsa;
  // end::declarations[]

  /** Counted down once the server listens, or has failed to. */
  private final CountDownLatch listening = new CountDownLatch(1);
  /** Counted down when {@link #run} returns. */
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile InetSocketAddress localAddress;

  /**
   * Runs the server on {@code port} (0: any free port) until {@link #stop()}: the C program's
   * {@code main}.
   *
   * @return 0, or 1 if the server could not start
   */
  public int run(int port) throws InterruptedException {
    try {
      return serve(port);
    } finally {
      listening.countDown();
      finished.countDown();
    }
  }

  private int serve(int port) throws InterruptedException {
    // tag::startup[]
    try (Wsa wsa = Wsa.startup()) {                  // WSAStartup(MAKEWORD(2, 2), &wsaData)
      this.wsa = wsa;
      // end::startup[]
      // tag::listen[]
      WsaSocket listener =
          wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
      if (listener == INVALID_SOCKET) {
        LOG.log(ERROR, "WSASocket failed: " + Wsa.getLastError());
        return 1;
      }
      if (wsa.bind(listener, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)) == SOCKET_ERROR
          || wsa.listen(listener, SOMAXCONN) == SOCKET_ERROR) {
        LOG.log(ERROR, "bind/listen failed: " + Wsa.getLastError());
        return 1;                                    // try-with-resources: WSACleanup
      }
      this.listener = listener;
      // end::listen[]
      SocketAddress[] local = new SocketAddress[1];
      if (wsa.getsockname(listener, local) == SOCKET_ERROR) {
        LOG.log(ERROR, "getsockname failed: " + Wsa.getLastError());
        return 1;
      }
      localAddress = (InetSocketAddress) local[0];
      listening.countDown();

      // tag::start[]
      events[0] = wsa.createEvent();
      if (events[0] == null) {                       // WSA_INVALID_EVENT
        LOG.log(ERROR, "WSACreateEvent failed: " + Wsa.getLastError());
        return 1;
      }
      Thread worker = new Thread(this::worker, "echo-worker");
      worker.setDaemon(true);
      worker.start();
      // end::start[]

      // tag::accept[]
      SocketAddress[] from = new SocketAddress[1];
      while (!stopping) {
        WsaSocket client = wsa.accept(listener, from);
        if (client == INVALID_SOCKET) {
          if (stopping) {
            break;                                   // stop() closed the listener
          }
          LOG.log(WARNING, "accept failed: " + Wsa.getLastError());
          continue;
        }
        LOG.log(INFO, "connection from " + from[0]);

        boolean full;
        synchronized (lock) {
          full = count == WSA_MAXIMUM_WAIT_EVENTS;
        }
        if (full) {
          wsa.closesocket(client);                   // one thread waits on at most 64 events
          continue;
        }
        WsaEvent event = wsa.createEvent();
        if (event == null) {
          wsa.closesocket(client);
          continue;
        }
        Connection c = new Connection(client, event);
        int[] flags = {0};
        if (wsa.recv(client, c.wsabuf, 1, null, flags, c.ov, null) == SOCKET_ERROR
            && Wsa.getLastError() != WSA_IO_PENDING) {
          LOG.log(WARNING, "WSARecv failed: " + Wsa.getLastError());
          wsa.closesocket(client);
          wsa.closeEvent(event);
          continue;
        }
        synchronized (lock) {
          events[count] = event;
          conns[count] = c;
          count++;
        }
        wsa.setEvent(events[0]);                     // the worker must wait on the new event too
      }
      // end::accept[]

      // tag::shutdown[]
      wsa.setEvent(events[0]);                       // wake the worker: it sees stopping
      worker.join();
      for (int i = 1; i < count; i++) {
        wsa.closesocket(conns[i].sock);              // its receive ends with WSA_OPERATION_ABORTED
        wsa.closeEvent(conns[i].ov.event());
      }
      wsa.closeEvent(events[0]);
      return 0;
    }                                                // wsa.close(): WSACleanup
    // end::shutdown[]
  }

  // tag::worker[]
  private void worker() {
    WsaEvent[] waitSet = new WsaEvent[WSA_MAXIMUM_WAIT_EVENTS];
    int[] bytes = new int[1];
    int[] flags = new int[1];
    for (;;) {
      int n;
      synchronized (lock) {
        n = count;
        System.arraycopy(events, 0, waitSet, 0, n);
      }
      int index = wsa.waitForMultipleEvents(n, waitSet, false, WSA_INFINITE, false);
      if (index == WSA_WAIT_FAILED) {
        LOG.log(ERROR,
            "WSAWaitForMultipleEvents failed: " + WsaError.name(Wsa.getLastError()));
        return;
      }
      index -= WSA_WAIT_EVENT_0;
      wsa.resetEvent(waitSet[index]);
      if (index == 0) {
        if (stopping) {
          return;
        }
        continue;                                    // the table changed: wait on the new set
      }

      Connection c = conns[index];                   // only this thread changes slots below count
      if (!wsa.getOverlappedResult(c.sock, c.ov, bytes, false, flags) || bytes[0] == 0) {
        closeConnection(index);                      // an error, or the client closed its side
        continue;
      }
      int rc;
      if (!c.sending) {
        c.wsabuf[0].len(bytes[0]);                   // echo exactly what arrived
        c.sending = true;
        rc = wsa.send(c.sock, c.wsabuf, 1, null, 0, c.ov, null);
      } else {
        c.wsabuf[0].len(BUF_SIZE);                   // the echo is out: receive again
        c.sending = false;
        flags[0] = 0;
        rc = wsa.recv(c.sock, c.wsabuf, 1, null, flags, c.ov, null);
      }
      if (rc == SOCKET_ERROR && Wsa.getLastError() != WSA_IO_PENDING) {
        closeConnection(index);
      }
    }
  }
  // end::worker[]

  // tag::close[]
  private void closeConnection(int index) {
    Connection c = conns[index];
    wsa.closesocket(c.sock);                         // nothing is pending on c
    wsa.closeEvent(c.ov.event());
    synchronized (lock) {
      count--;
      events[index] = events[count];                 // move the last entry into the hole
      conns[index] = conns[count];
      events[count] = null;
      conns[count] = null;
    }
  }
  // end::close[]

  // tag::stop[]
  /** Ends {@link #run}, from any thread: the C program's console control handler. */
  public void stop() {
    stopping = true;
    WsaSocket l = listener;
    if (l != null) {
      wsa.closesocket(l);                            // makes the blocking accept fail
    }
  }
  // end::stop[]

  /**
   * The address the server listens on, once it does.
   *
   * @return the address, or null if {@link #run} failed before listening or the wait timed out
   */
  public InetSocketAddress awaitListening(long timeout, TimeUnit unit) throws InterruptedException {
    listening.await(timeout, unit);
    return localAddress;
  }

  /** Runs the server on port {@code -Dport} (default 5150) until the JVM is asked to stop. */
  public static void main(String[] args) throws InterruptedException {
    PortingGuideEventServer server = new PortingGuideEventServer();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop();
      try {
        server.finished.await(5, TimeUnit.SECONDS);  // let run() close what it opened
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "echo-stop"));
    server.run(Integer.getInteger("port", 5150));
  }
}
