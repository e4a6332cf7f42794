package io.wsa4j.examples.porting;

import static io.wsa4j.Winsock.*;
import static io.wsa4j.WsaSocket.INVALID_SOCKET;
import static java.lang.System.Logger.Level.ERROR;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The completion-port echo server of {@code docs/porting-from-c.md}: pre-posted {@code AcceptEx},
 * a pool of workers in {@code getQueuedCompletionStatus}, one {@code IoContext} per operation,
 * null packets to stop. The guide quotes the tagged regions.
 */
public final class PortingGuideIocpWorker {
  private static final System.Logger LOG = System.getLogger(PortingGuideIocpWorker.class.getName());
  static final int BUF_SIZE = 4096;
  static final int PENDING_ACCEPTS = 4;

  // tag::context[]
  enum Op { ACCEPT, RECV, SEND }

  /** C's IO_CONTEXT: the token is the context, so the cast replaces CONTAINING_RECORD. */
  static final class IoContext extends WsaOverlapped {
    Op op;
    WsaSocket sock;
    final byte[] buffer = new byte[BUF_SIZE];
    final WsaBuf[] wsabuf = {WsaBuf.wrap(buffer)};
  }
  // end::context[]

  private volatile Wsa wsa;
  private volatile WsaCompletionPort port;
  private volatile WsaSocket listener;
  private final CountDownLatch listening = new CountDownLatch(1);
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private volatile InetSocketAddress localAddress;

  /**
   * Runs the server on {@code port} (0: any free port) with {@code threads} workers until
   * {@link #stop()}.
   *
   * @return 0, or 1 if the server could not start
   */
  public int run(int localPort, int threads) throws InterruptedException {
    try (Wsa wsa = Wsa.startup()) {
      this.wsa = wsa;
      WsaSocket listener =
          wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
      SocketAddress[] local = new SocketAddress[1];
      if (listener == INVALID_SOCKET
          || wsa.bind(listener, new InetSocketAddress(InetAddress.getLoopbackAddress(), localPort)) == SOCKET_ERROR
          || wsa.listen(listener, SOMAXCONN) == SOCKET_ERROR
          || wsa.getsockname(listener, local) == SOCKET_ERROR) {
        LOG.log(ERROR, "listening socket failed: " + Wsa.getLastError());
        return 1;
      }
      this.listener = listener;

      // tag::setup[]
      WsaCompletionPort port = wsa.createIoCompletionPort(null, null, 0, 0);
      if (port == null || wsa.createIoCompletionPort(listener, port, 0, 0) == null) {
        LOG.log(ERROR, "CreateIoCompletionPort failed: " + Wsa.getLastError());
        return 1;
      }
      this.port = port;
      Thread[] workers = new Thread[threads];
      for (int i = 0; i < threads; i++) {
        workers[i] = new Thread(this::worker, "iocp-worker-" + i);
        workers[i].setDaemon(true);
        workers[i].start();
      }
      for (int i = 0; i < PENDING_ACCEPTS; i++) {
        postAccept();
      }
      // end::setup[]
      localAddress = (InetSocketAddress) local[0];
      listening.countDown();
      stopRequested.await();

      // tag::stop[]
      for (int i = 0; i < threads; i++) {
        wsa.postQueuedCompletionStatus(port, 0, 0, null);  // one null packet per worker
      }
      for (Thread worker : workers) {
        worker.join();
      }
      wsa.closesocket(listener);
      wsa.closeHandle(port);
      return 0;
    }                                                // WSACleanup closes the client sockets
    // end::stop[]
    finally {
      listening.countDown();
    }
  }

  // tag::post[]
  private boolean postAccept() {
    IoContext ctx = new IoContext();
    ctx.op = Op.ACCEPT;
    ctx.sock = wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    if (ctx.sock == INVALID_SOCKET) {
      return false;
    }
    // receiveDataLength 0: complete as soon as a client connects
    if (!wsa.acceptEx(listener, ctx.sock, ctx.wsabuf[0], 0, null, ctx)
        && Wsa.getLastError() != ERROR_IO_PENDING) {
      wsa.closesocket(ctx.sock);
      return false;
    }
    return true;
  }

  private void postRecv(IoContext ctx) {
    int[] flags = {0};
    ctx.op = Op.RECV;
    ctx.wsabuf[0].len(BUF_SIZE);
    if (wsa.recv(ctx.sock, ctx.wsabuf, 1, null, flags, ctx, null) == SOCKET_ERROR
        && Wsa.getLastError() != WSA_IO_PENDING) {
      wsa.closesocket(ctx.sock);
    }
  }

  private void postSend(IoContext ctx, int bytes) {
    ctx.op = Op.SEND;
    ctx.wsabuf[0].len(bytes);
    if (wsa.send(ctx.sock, ctx.wsabuf, 1, null, 0, ctx, null) == SOCKET_ERROR
        && Wsa.getLastError() != WSA_IO_PENDING) {
      wsa.closesocket(ctx.sock);
    }
  }
  // end::post[]

  // tag::worker[]
  private void worker() {
    int[] bytes = new int[1];
    long[] key = new long[1];
    WsaOverlapped[] overlapped = new WsaOverlapped[1];
    for (;;) {
      boolean ok = wsa.getQueuedCompletionStatus(port, bytes, key, overlapped, WSA_INFINITE);
      if (overlapped[0] == null) {
        if (!ok) {
          LOG.log(ERROR, "GetQueuedCompletionStatus failed: " + Wsa.getLastError());
        }
        return;                                      // a null packet from run() means stop
      }
      IoContext ctx = (IoContext) overlapped[0];     // CONTAINING_RECORD(ov, IO_CONTEXT, ov)
      if (!ok || (bytes[0] == 0 && ctx.op != Op.ACCEPT)) {
        // the I/O failed (Wsa.getLastError(): ERROR_NETNAME_DELETED, ...) or the client closed
        wsa.closesocket(ctx.sock);
        continue;
      }
      switch (ctx.op) {
        case ACCEPT -> {
          postAccept();                              // keep an AcceptEx pending for the next client
          // no SO_UPDATE_ACCEPT_CONTEXT: the accepted socket is complete as it is
          if (wsa.createIoCompletionPort(ctx.sock, port, 0, 0) == null) {
            wsa.closesocket(ctx.sock);
            continue;
          }
          postRecv(ctx);
        }
        case RECV -> postSend(ctx, bytes[0]);
        case SEND -> postRecv(ctx);
      }
    }
  }
  // end::worker[]

  /** Ends {@link #run}, from any thread. */
  public void stop() {
    stopRequested.countDown();
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
