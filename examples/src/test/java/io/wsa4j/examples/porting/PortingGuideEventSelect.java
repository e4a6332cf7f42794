package io.wsa4j.examples.porting;

// tag::es-imports[]
import static io.wsa4j.Winsock.*;

import io.wsa4j.Wsa;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaNetworkEvents;
import io.wsa4j.WsaSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
// end::es-imports[]
import java.net.SocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The WSAEventSelect echo server of {@code docs/porting-from-c.md}, line for line with the C program
 * printed there: one thread, the listener in slot 0 and up to 63 clients, each socket with its
 * event; {@code WSAWaitForMultipleEvents}, {@code WSAEnumNetworkEvents}, then non-blocking
 * {@code recv} and {@code send} until {@code WSAEWOULDBLOCK}. The guide quotes the tagged regions of
 * this file; the {@code PortingGuideTest} checks the quotes and runs the server.
 */
public final class PortingGuideEventSelect {
  // tag::es-declarations[]
  static final int BUF_SIZE = 4096;

  /** C's CLIENT: the socket, its buffer, and the part of the buffer still to echo. */
  static final class Client {
    final WsaSocket sock;
    final byte[] buf = new byte[BUF_SIZE];
    int unsentOff;
    int unsentLen;

    Client(WsaSocket sock) {
      this.sock = sock;
    }
  }

  // slot 0 is the listener; slots 1 .. total-1 the clients
  private final WsaSocket[] socks = new WsaSocket[WSA_MAXIMUM_WAIT_EVENTS];
  private final WsaEvent[] events = new WsaEvent[WSA_MAXIMUM_WAIT_EVENTS];
  private final Client[] clients = new Client[WSA_MAXIMUM_WAIT_EVENTS];
  private int total;
  private volatile Wsa wsa;
  // end::es-declarations[]

  private volatile boolean stopping;
  private volatile WsaEvent wake;
  private final CountDownLatch listening = new CountDownLatch(1);
  private volatile InetSocketAddress localAddress;

  // tag::es-flush[]
  /** Sends what is unsent; false when the connection failed. */
  private boolean flush(Client c) {
    while (c.unsentLen > 0) {
      int n = wsa.send(c.sock, c.buf, c.unsentOff, c.unsentLen, 0);
      if (n == SOCKET_ERROR) {
        return Wsa.getLastError() == WSAEWOULDBLOCK;  // FD_WRITE will come
      }
      c.unsentOff += n;
      c.unsentLen -= n;
    }
    return true;
  }

  /** Receives and echoes until WSAEWOULDBLOCK; false when the connection is over. */
  private boolean echo(Client c) {
    while (c.unsentLen == 0) {
      int n = wsa.recv(c.sock, c.buf, 0, BUF_SIZE, 0);
      if (n == 0) {
        return false;                                   // graceful close
      }
      if (n == SOCKET_ERROR) {
        return Wsa.getLastError() == WSAEWOULDBLOCK;  // and FD_READ is re-enabled
      }
      c.unsentOff = 0;
      c.unsentLen = n;
      if (!flush(c)) {
        return false;
      }
    }
    return true;
  }
  // end::es-flush[]

  // tag::es-close[]
  private void closeSlot(int i) {
    wsa.closesocket(socks[i]);
    wsa.closeEvent(events[i]);
    total--;
    socks[i] = socks[total];
    events[i] = events[total];
    clients[i] = clients[total];
  }
  // end::es-close[]

  /**
   * Runs the server on {@code port} (0: any free port) until {@link #stop()}: the C program's
   * {@code main}.
   *
   * @return 0, or 1 if the server could not start
   */
  public int run(int port) {
    try {
      return serve(port);
    } finally {
      listening.countDown();
    }
  }

  private int serve(int port) {
    // tag::es-main[]
    wsa = Wsa.startup();
    socks[0] = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, 0);
    InetSocketAddress addr = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    if (wsa.bind(socks[0], addr) == SOCKET_ERROR || wsa.listen(socks[0], SOMAXCONN) == SOCKET_ERROR) {
      wsa.cleanup();
      return 1;
    }
    events[0] = wsa.createEvent();
    wsa.eventSelect(socks[0], events[0], FD_ACCEPT | FD_CLOSE);
    total = 1;
    WsaNetworkEvents ne = new WsaNetworkEvents();
    // end::es-main[]
    wake = events[0];
    SocketAddress[] bound = new SocketAddress[1];
    wsa.getsockname(socks[0], bound);
    localAddress = (InetSocketAddress) bound[0];
    listening.countDown();
    // tag::es-loop[]
    while (!stopping) {
      int rc = wsa.waitForMultipleEvents(total, events, false, WSA_INFINITE, false);
      if (rc == WSA_WAIT_FAILED) {
        break;
      }
      for (int i = rc - WSA_WAIT_EVENT_0; i < total; i++) {
        if (wsa.waitForMultipleEvents(1, new WsaEvent[] {events[i]}, true, 0, false)
            != WSA_WAIT_EVENT_0) {
          continue;                                     // not this one
        }
        wsa.enumNetworkEvents(socks[i], events[i], ne); // resets events[i]
        if (i == 0) {
          if ((ne.networkEvents() & FD_ACCEPT) != 0) {
            acceptAll();
          }
          continue;
        }
        if ((ne.networkEvents() & FD_CLOSE) != 0 && ne.errorCode(FD_CLOSE_BIT) != 0) {
          closeSlot(i--);                               // reset: the last slot moved into i
          continue;
        }
        if (!flush(clients[i]) || !echo(clients[i])) {
          closeSlot(i--);
        }
      }
    }
    // end::es-loop[]
    while (total > 1) {
      closeSlot(total - 1);
    }
    wsa.closesocket(socks[0]);
    wsa.closeEvent(events[0]);
    wsa.cleanup();
    return 0;
  }

  private void acceptAll() {
    // tag::es-accept[]
    while (true) {
      WsaSocket s = wsa.accept(socks[0], null);         // non-blocking: the listener is selected
      if (s == WsaSocket.INVALID_SOCKET) {
        break;                                          // WSAEWOULDBLOCK: none left
      }
      if (total == WSA_MAXIMUM_WAIT_EVENTS) {
        wsa.closesocket(s);                             // the table is full
        continue;
      }
      socks[total] = s;
      events[total] = wsa.createEvent();
      clients[total] = new Client(s);
      wsa.eventSelect(s, events[total], FD_READ | FD_WRITE | FD_CLOSE);
      total++;
    }
    // end::es-accept[]
  }

  /** Waits until the server listens; its address, or null if it failed or timed out. */
  public InetSocketAddress awaitListening(long timeout, TimeUnit unit) throws InterruptedException {
    return listening.await(timeout, unit) ? localAddress : null;
  }

  /** Ends {@link #run}: the loop sees the flag when the listener's event wakes it. */
  public void stop() {
    stopping = true;
    WsaEvent e = wake;
    if (e != null) {
      wsa.setEvent(e);
    }
  }
}
