package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;
import static io.wsa4j.nio2.Args.addressFor;
import static io.wsa4j.nio2.Args.fail;
import static io.wsa4j.nio2.Args.failed;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaExtensions;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * The Microsoft extension functions and what a server calls around them at startup: {@code
 * WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)}, {@code AcceptEx} (with and without its address
 * block), {@code GetAcceptExSockaddrs}, {@code DisconnectEx}, and {@code setsockopt} of {@code
 * SO_UPDATE_ACCEPT_CONTEXT} / {@code SO_UPDATE_CONNECT_CONTEXT}, and {@code ConnectEx}.
 *
 * <p>Each check is made in the order Wine's {@code test_AcceptEx}, {@code test_DisconnectEx} and
 * {@code test_get_extension_func} record for Windows.
 */
final class ExtensionCalls {
  private static final WsaBuf[] NO_BUFFERS = new WsaBuf[0];
  /** What {@code WSAIoctl} reports as the size of a function pointer on 64-bit Windows. */
  static final int POINTER_SIZE = 8;

  private final Nio2Wsa context;
  private final Args args;
  // the function objects, made once: each calls this context
  private final WsaExtensions.AcceptEx acceptExFn;
  private final WsaExtensions.ConnectEx connectExFn;
  private final WsaExtensions.DisconnectEx disconnectExFn;
  private final WsaExtensions.GetAcceptExSockaddrs getAcceptExSockaddrsFn;

  ExtensionCalls(Nio2Wsa context, Args args) {
    this.context = context;
    this.args = args;
    this.acceptExFn = context::acceptEx;
    this.connectExFn = context::connectEx;
    this.disconnectExFn = context::disconnectEx;
    this.getAcceptExSockaddrsFn = context::getAcceptExSockaddrs;
  }

  /** The function object for {@code guid}, or null for a GUID that names none. */
  private Object function(UUID guid) {
    if (WSAID_ACCEPTEX.equals(guid)) {
      return acceptExFn;
    }
    if (WSAID_CONNECTEX.equals(guid)) {
      return connectExFn;
    }
    if (WSAID_DISCONNECTEX.equals(guid)) {
      return disconnectExFn;
    }
    if (WSAID_GETACCEPTEXSOCKADDRS.equals(guid)) {
      return getAcceptExSockaddrsFn;
    }
    return null;
  }

  /**
   * {@code WSAIoctl} for every control code but {@code FIONBIO} and {@code FIONREAD}, which the
   * facade gives to the readiness calls: {@code SIO_GET_EXTENSION_FUNCTION_POINTER} is answered
   * here; any other code fails with {@code WSAEOPNOTSUPP}, as Windows answers the codes it does
   * not support (Wine's {@code test_unsupported_ioctls}).
   */
  int ioctl(WsaSocket s, int ioControlCode, Object inBuffer, Object[] outBuffer,
      int[] bytesReturned, WsaOverlapped overlapped, WsaCompletionRoutine completionRoutine) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    if (ioControlCode != SIO_GET_EXTENSION_FUNCTION_POINTER) {
      return fail(WSAEOPNOTSUPP);
    }
    return getExtensionFunction(sock, inBuffer, outBuffer, bytesReturned, overlapped,
        completionRoutine);
  }

  /**
   * {@code WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)}. It completes during the call: with a
   * token, the completion is still announced (packet, routine or event, 0 bytes), as Wine's
   * {@code test_get_extension_func} records.
   */
  private int getExtensionFunction(NioSocket sock, Object inBuffer, Object[] outBuffer,
      int[] bytesReturned, WsaOverlapped overlapped, WsaCompletionRoutine routine) {
    if (bytesReturned == null || bytesReturned.length < 1) {
      return fail(WSAEFAULT); // also with a token: Windows wants the count either way
    }
    if (!(inBuffer instanceof UUID) || outBuffer == null || outBuffer.length < 1) {
      return fail(WSAEFAULT);
    }
    Object fn = function((UUID) inBuffer);
    if (fn == null) {
      return fail(WSAEINVAL); // nothing written, nothing announced
    }
    boolean announce = overlapped != null && sock.overlapped;
    if (announce && routine != null && sock.port() != null) {
      return fail(WSAEINVAL); // rule 9
    }
    if (announce) {
      int code = ImmediateOp.complete(sock, overlapped, routine, 0, 0);
      if (code != 0) {
        return fail(code);
      }
    }
    outBuffer[0] = fn;
    bytesReturned[0] = POINTER_SIZE;
    Wsa.setLastError(0);
    return 0;
  }

  /** The 6-argument {@code AcceptEx} of API.md §2: no address block is written. */
  boolean acceptEx(WsaSocket listener, WsaSocket acceptSocket, WsaBuf outputBuffer,
      int receiveDataLength, int[] bytesReceived, WsaOverlapped overlapped) {
    return acceptEx(listener, acceptSocket, outputBuffer, receiveDataLength, false, 0, 0,
        bytesReceived, overlapped);
  }

  /**
   * {@code AcceptEx} with its address block (rule 36): each address length must be the address
   * size + 16; a remote length of 0 fails at once with {@code WSAEFAULT}, a shorter non-zero one
   * when the connection arrives, with {@code ERROR_INSUFFICIENT_BUFFER} (Wine's {@code
   * test_AcceptEx}), leaving the connection for the next accept.
   */
  boolean acceptEx(WsaSocket listener, WsaSocket acceptSocket, WsaBuf outputBuffer,
      int receiveDataLength, int localAddressLength, int remoteAddressLength,
      int[] bytesReceived, WsaOverlapped overlapped) {
    return acceptEx(listener, acceptSocket, outputBuffer, receiveDataLength, true,
        localAddressLength, remoteAddressLength, bytesReceived, overlapped);
  }

  private boolean acceptEx(WsaSocket listener, WsaSocket acceptSocket, WsaBuf outputBuffer,
      int receiveDataLength, boolean addresses, int localAddressLength,
      int remoteAddressLength, int[] bytesReceived, WsaOverlapped overlapped) {
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
    if (addresses && (remoteAddressLength <= 0 || localAddressLength < 0)) {
      return failed(WSAEFAULT); // Wine: a remote length of 0 fails at once
    }
    long needed = receiveDataLength
        + (addresses ? (long) localAddressLength + remoteAddressLength : 0);
    if (needed > 0 && (outputBuffer == null || needed > outputBuffer.len()
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
    int code = queue.postAcceptEx(first, overlapped, into,
        addresses ? outputBuffer : null, receiveDataLength, localAddressLength,
        remoteAddressLength, ThreadState.current());
    if (code == WSA_IO_PENDING) {
      return failed(ERROR_IO_PENDING);
    }
    if (code != 0) {
      into.acceptDone();
      return failed(code);
    }
    if (bytesReceived != null && bytesReceived.length > 0) {
      bytesReceived[0] = (int) overlapped.internalHigh(); // rule 25: accepted during the call
    }
    return true;
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
    if (started == WSA_IO_PENDING) {
      return failed(ERROR_IO_PENDING);
    }
    if (started != 0) {
      return failed(started);
    }
    if (bytesSent != null && bytesSent.length > 0) {
      bytesSent[0] = (int) overlapped.internalHigh(); // rule 25: connected during the call
    }
    return true;
  }

  /**
   * {@code GetAcceptExSockaddrs}: reads the address block back. It has no way to fail in C, so a
   * bad argument leaves the out-parameters as they are; so does a slot that holds no address (a
   * local length of 0: Windows writes no local address then).
   */
  void getAcceptExSockaddrs(WsaBuf outputBuffer, int receiveDataLength,
      int localAddressLength, int remoteAddressLength, SocketAddress[] localOut,
      SocketAddress[] remoteOut) {
    if (outputBuffer == null || receiveDataLength < 0 || localAddressLength < 0
        || remoteAddressLength < 0) {
      return;
    }
    ByteBuffer buf = outputBuffer.buf();
    long end = (long) receiveDataLength + localAddressLength + remoteAddressLength;
    if (end > outputBuffer.len() || end > buf.remaining()) {
      return;
    }
    int at = buf.position() + receiveDataLength;
    if (localOut != null && localOut.length > 0) {
      InetSocketAddress local = AcceptExAddresses.read(buf, at, localAddressLength);
      if (local != null) {
        localOut[0] = local;
      }
    }
    if (remoteOut != null && remoteOut.length > 0) {
      InetSocketAddress remote =
          AcceptExAddresses.read(buf, at + localAddressLength, remoteAddressLength);
      if (remote != null) {
        remoteOut[0] = remote;
      }
    }
  }

  /**
   * {@code DisconnectEx}. Without a token (or on a socket made without {@code
   * WSA_FLAG_OVERLAPPED}) it blocks until the FIN is out, and no completion is announced (Wine's
   * {@code test_shutdown_completion_port}: no packet).
   */
  boolean disconnectEx(WsaSocket s, WsaOverlapped overlapped, int flags, int reserved) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return false;
    }
    if (reserved != 0 || (flags & ~TF_REUSE_SOCKET) != 0) {
      return failed(WSAEINVAL);
    }
    boolean reuse = (flags & TF_REUSE_SOCKET) != 0;
    boolean blocking = overlapped == null || !sock.overlapped;
    if (!blocking) {
      if (overlapped.internal() == STATUS_PENDING) {
        return failed(WSAEINVAL); // rule 17
      }
      int code = sock.disconnectEx(overlapped, null, reuse);
      return failed(code == 0 ? ERROR_IO_PENDING : code);
    }
    if (Thread.currentThread().isInterrupted()) {
      return failed(WSAEINTR);
    }
    ThreadState ts = ThreadState.current();
    int code = sock.disconnectEx(ts.blockingToken, ts.thread, reuse);
    if (code == 0) {
      code = BlockingWaits.awaitDisconnect(sock, ts.blockingToken);
    }
    if (code != 0) {
      return failed(code);
    }
    Wsa.setLastError(0);
    return true;
  }

  /**
   * {@code setsockopt} with a socket for its value: {@code SO_UPDATE_ACCEPT_CONTEXT} (the
   * listener) and {@code SO_UPDATE_CONNECT_CONTEXT} (null). Every other option takes an {@code
   * int}: given a socket it fails with {@code WSAEFAULT}, its value not being of the option's type.
   */
  int setsockopt(WsaSocket s, int level, int option, WsaSocket value) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    if (level != SOL_SOCKET) {
      return fail(WSAEINVAL);
    }
    if (option == SO_UPDATE_CONNECT_CONTEXT) {
      int code = sock.updateConnectContext();
      return code == 0 ? 0 : fail(code);
    }
    if (option != SO_UPDATE_ACCEPT_CONTEXT) {
      return fail(WSAEFAULT);
    }
    if (value == null) {
      return fail(WSAEFAULT); // optval NULL
    }
    NioSocket listener = args.socketOf(value);
    if (listener == null) {
      return fail(WSAENOTSOCK);
    }
    if (!listener.isListening()) {
      return fail(WSAEINVAL);
    }
    int code = sock.updateAcceptContext(listener);
    return code == 0 ? 0 : fail(code);
  }
}
