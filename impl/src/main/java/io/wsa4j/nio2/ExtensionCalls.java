package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;
import static io.wsa4j.nio2.Args.addressFor;
import static io.wsa4j.nio2.Args.fail;
import static io.wsa4j.nio2.Args.failed;

import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The Microsoft extension functions of a context, behind {@link Nio2Wsa}: {@code AcceptEx},
 * {@code ConnectEx}, {@code DisconnectEx}, {@code GetAcceptExSockaddrs}, the
 * {@code WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)} that hands them out, and the
 * {@code SO_UPDATE_*_CONTEXT} options that complete their sockets.
 */
final class ExtensionCalls {
  private static final WsaBuf[] NO_BUFFERS = new WsaBuf[0];

  private final Nio2Wsa context;
  private final Args args;

  ExtensionCalls(Nio2Wsa context, Args args) {
    this.context = context;
    this.args = args;
  }

  boolean acceptEx(WsaSocket listener, WsaSocket acceptSocket, WsaBuf outputBuffer,
      int receiveDataLength, int[] bytesReceived, WsaOverlapped overlapped) {
    if (context.isCleanedUp()) {
      return failed(WSANOTINITIALISED);
    }
    NioSocket l = args.socketOf(listener);
    NioSocket into = args.socketOf(acceptSocket);
    if (l == null || into == null) {
      return failed(WSAENOTSOCK);
    }
    if (overlapped == null) {
      return failed(ERROR_INVALID_PARAMETER);
    }
    AcceptQueue queue = l.acceptQueue();
    if (queue == null || receiveDataLength < 0 || into == l) {
      return failed(WSAEINVAL);
    }
    if (receiveDataLength > 0 && (outputBuffer == null || receiveDataLength > outputBuffer.len()
        || outputBuffer.len() > outputBuffer.buf().remaining()
        || outputBuffer.buf().isReadOnly())) {
      return failed(WSAEFAULT);
    }
    if (overlapped.internal() == STATUS_PENDING || !into.acceptInto(l)) {
      return failed(WSAEINVAL); // a pending token, or an acceptor already used (scenario 70)
    }
    WsaBuf[] first = receiveDataLength > 0
        ? new WsaBuf[] {new WsaBuf(outputBuffer.buf(), receiveDataLength)}
        : NO_BUFFERS;
    int code = queue.enqueue(first, first.length, overlapped, null, null, 0, into);
    if (code != 0) {
      into.acceptDone();
      return failed(code);
    }
    queue.pump();
    return failed(ERROR_IO_PENDING);
  }

  boolean acceptEx(WsaSocket listener, WsaSocket acceptSocket, WsaBuf outputBuffer,
      int receiveDataLength, int localAddressLength, int remoteAddressLength,
      int[] bytesReceived, WsaOverlapped overlapped) {
    return failed(WSAEOPNOTSUPP); // issue 11 (rule 36) implements it
  }

  boolean connectEx(WsaSocket s, SocketAddress remote, WsaBuf sendBuffer, int[] bytesSent,
      WsaOverlapped overlapped) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return false;
    }
    if (overlapped == null) {
      return failed(ERROR_INVALID_PARAMETER);
    }
    int[] code = new int[1];
    InetSocketAddress a = addressFor(sock.family, remote, code);
    if (a == null) {
      return failed(code[0]);
    }
    if (sendBuffer != null && sendBuffer.len() > sendBuffer.buf().remaining()) {
      return failed(WSAEFAULT);
    }
    if (overlapped.internal() == STATUS_PENDING) {
      return failed(WSAEINVAL);
    }
    WsaBuf[] first = sendBuffer != null && sendBuffer.len() > 0
        ? new WsaBuf[] {sendBuffer}
        : NO_BUFFERS;
    int started = sock.connectEx(a, first, first.length, overlapped);
    return failed(started == 0 ? ERROR_IO_PENDING : started);
  }

  void getAcceptExSockaddrs(WsaBuf outputBuffer, int receiveDataLength, int localAddressLength,
      int remoteAddressLength, SocketAddress[] localOut, SocketAddress[] remoteOut) {
    // issue 11 (rule 36) implements it; until then nothing can be read back
    if (localOut != null && localOut.length > 0) {
      localOut[0] = null;
    }
    if (remoteOut != null && remoteOut.length > 0) {
      remoteOut[0] = null;
    }
  }

  boolean disconnectEx(WsaSocket s, WsaOverlapped overlapped, int flags, int reserved) {
    NioSocket sock = args.socketArg(s);
    return sock != null && failed(WSAEOPNOTSUPP); // issue 11 (rule 37) implements it
  }

  int ioctl(WsaSocket s, int ioControlCode, Object inBuffer, Object[] outBuffer,
      int[] bytesReturned, WsaOverlapped overlapped, WsaCompletionRoutine completionRoutine) {
    NioSocket sock = args.socketArg(s);
    return sock == null ? SOCKET_ERROR : fail(WSAEOPNOTSUPP); // issue 11 (rule 35) implements it
  }

  int setsockopt(WsaSocket s, int level, int option, WsaSocket value) {
    NioSocket sock = args.socketArg(s);
    return sock == null ? SOCKET_ERROR : fail(WSAEOPNOTSUPP); // issue 11 (rule 35) implements it
  }
}
