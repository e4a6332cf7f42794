package io.wsa4j.nio2;

import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;

import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;

/**
 * The one {@code ConnectEx} of a connection attempt. When NIO2 connects, the op completes, or —
 * with a send buffer — moves on to the socket's send queue and completes when that first send is
 * gone (its count is the bytes sent, as on Windows). A failed connect leaves the socket bound and
 * usable for another attempt.
 */
final class ConnectQueue extends OpQueue {
  private final InetSocketAddress remote;

  private final CompletionHandler<Void, Void> connectHandler = new CompletionHandler<>() {
    @Override
    public void completed(Void unused, Void unused2) {
      connected();
    }

    @Override
    public void failed(Throwable exc, Void unused) {
      connectFailed(exc);
    }
  };

  ConnectQueue(NioSocket socket, AsynchronousSocketChannel channel, InetSocketAddress remote) {
    super(socket, channel, io.wsa4j.WsaStats.OpKind.CONNECT, 1);
    this.remote = remote;
  }

  @Override
  boolean countsOwnKind() {
    return false;
  }

  @Override
  int admissionError() {
    return 0;
  }

  @Override
  boolean inFlight(IoOp op) {
    return busy && op == head; // a connect cannot be recalled: cancelling closes the channel
  }

  @Override
  boolean detachInFlight(IoOp op) {
    return false;
  }

  @Override
  void pump() {
    synchronized (this) {
      if (busy || closed || head == null) {
        return;
      }
      busy = true;
    }
    boolean interrupted = IoExecutor.preserveInterrupt();
    try {
      channel.connect(remote, null, connectHandler);
    } catch (RuntimeException e) {
      connectFailed(e);
    } finally {
      IoExecutor.restoreInterrupt(interrupted);
    }
  }

  private void connected() {
    boolean attached = socket.connectExSucceeded(channel);
    IoOp op;
    synchronized (this) {
      busy = false;
      if (closed || head == null) {
        return;
      }
      op = takeHead();
      if (!attached || op.cancelRequested) {
        Completions.announce(op, WSA_OPERATION_ABORTED, true);
        return;
      }
      if (op.remaining == 0) {
        Completions.announce(op, 0, true);
        return;
      }
    }
    SendQueue firstSend = socket.sendQueue();
    firstSend.adopt(op);
    firstSend.pump();
  }

  private void connectFailed(Throwable exc) {
    socket.connectExFailed(channel);
    synchronized (this) {
      busy = false;
      if (closed || head == null) {
        return;
      }
      IoOp op = head;
      finishHead(op.cancelRequested ? WSA_OPERATION_ABORTED : Errors.toWinsock(exc));
    }
  }
}
