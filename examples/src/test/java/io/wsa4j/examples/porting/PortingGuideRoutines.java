package io.wsa4j.examples.porting;

import static io.wsa4j.Winsock.*;
import static io.wsa4j.WsaSocket.INVALID_SOCKET;
import static java.lang.System.Logger.Level.ERROR;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The completion-routine echo server of {@code docs/porting-from-c.md}: a blocking accept loop and
 * one thread per client, which posts its receive with a routine and sleeps alertably; the routines
 * run on that thread, inside {@code sleepEx}. The guide quotes the tagged regions.
 */
public final class PortingGuideRoutines {
  private static final System.Logger LOG = System.getLogger(PortingGuideRoutines.class.getName());
  static final int BUF_SIZE = 4096;

  // tag::client[]
  /** C's CLIENT: the token and the connection's state in one object. */
  static final class Client extends WsaOverlapped {
    final WsaSocket sock;
    final byte[] buffer = new byte[BUF_SIZE];
    final WsaBuf[] wsabuf = {WsaBuf.wrap(buffer)};
    boolean done;                                    // only the client's own thread touches it

    Client(WsaSocket sock) {
      this.sock = sock;
    }
  }

  // made once: a method reference evaluated per call would be a new object each time
  private final WsaCompletionRoutine onRecv = this::onRecv;
  private final WsaCompletionRoutine onSend = this::onSend;
  // end::client[]

  private volatile Wsa wsa;
  private volatile WsaSocket listener;
  private volatile boolean stopping;
  private final Set<WsaSocket> clients = ConcurrentHashMap.newKeySet();
  private final CountDownLatch listening = new CountDownLatch(1);
  private volatile InetSocketAddress localAddress;

  // tag::routines[]
  private void onRecv(int error, int bytes, WsaOverlapped ov, int flags) {
    Client c = (Client) ov;                          // CONTAINING_RECORD(ov, CLIENT, ov)
    if (error != 0 || bytes == 0) {
      c.done = true;                                 // failed, aborted, or closed by the client
      return;
    }
    c.wsabuf[0].len(bytes);
    if (wsa.send(c.sock, c.wsabuf, 1, null, 0, c, onSend) == SOCKET_ERROR
        && Wsa.getLastError() != WSA_IO_PENDING) {
      c.done = true;
    }
  }

  private void onSend(int error, int bytes, WsaOverlapped ov, int flags) {
    Client c = (Client) ov;
    if (error != 0) {
      c.done = true;
      return;
    }
    postRecv(c);
  }

  private void postRecv(Client c) {
    int[] flags = {0};
    c.wsabuf[0].len(BUF_SIZE);
    if (wsa.recv(c.sock, c.wsabuf, 1, null, flags, c, onRecv) == SOCKET_ERROR
        && Wsa.getLastError() != WSA_IO_PENDING) {
      c.done = true;
    }
  }
  // end::routines[]

  // tag::serve[]
  private void serve(WsaSocket s) {
    Client c = new Client(s);
    postRecv(c);
    while (!c.done) {
      wsa.sleepEx(WSA_INFINITE, true);               // WSA_WAIT_IO_COMPLETION: routines ran
    }
    wsa.closesocket(c.sock);
  }
  // end::serve[]

  /**
   * Runs the server on {@code port} (0: any free port) until {@link #stop()}.
   *
   * @return 0, or 1 if the server could not start
   */
  public int run(int port) throws InterruptedException {
    try (Wsa wsa = Wsa.startup()) {
      this.wsa = wsa;
      WsaSocket listener =
          wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
      SocketAddress[] local = new SocketAddress[1];
      if (listener == INVALID_SOCKET
          || wsa.bind(listener, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)) == SOCKET_ERROR
          || wsa.listen(listener, SOMAXCONN) == SOCKET_ERROR
          || wsa.getsockname(listener, local) == SOCKET_ERROR) {
        LOG.log(ERROR, "listening socket failed: " + Wsa.getLastError());
        return 1;
      }
      this.listener = listener;
      localAddress = (InetSocketAddress) local[0];
      listening.countDown();

      // tag::accept[]
      while (!stopping) {
        WsaSocket client = wsa.accept(listener, null);
        if (client == INVALID_SOCKET) {
          continue;                                  // stopping, or try again
        }
        clients.add(client);
        Thread t = new Thread(() -> {
          serve(client);
          clients.remove(client);
        }, "echo-" + client.id());
        t.setDaemon(true);
        t.start();
      }
      // end::accept[]
      for (WsaSocket client : clients) {
        wsa.closesocket(client);                     // each thread's routine sees the abort
      }
      return 0;
    } finally {
      listening.countDown();
    }
  }

  /** Ends {@link #run}, from any thread. */
  public void stop() {
    stopping = true;
    WsaSocket l = listener;
    if (l != null) {
      wsa.closesocket(l);
    }
  }

  /**
   * The address the server listens on, once it does.
   *
   * @return the address, or null if {@link #run} failed before listening or the wait timed out
   */
  public InetSocketAddress awaitListening(long timeout, TimeUnit unit) throws InterruptedException {
    listening.await(timeout, unit);
    return localAddress;
  }
}
