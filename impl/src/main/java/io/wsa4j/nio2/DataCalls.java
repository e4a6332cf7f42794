package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;
import static io.wsa4j.nio2.Args.badOut;
import static io.wsa4j.nio2.Args.fail;
import static io.wsa4j.nio2.Args.failed;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;

/**
 * The overlapped data calls of a context, behind {@link Nio2Wsa}: {@code WSASend},
 * {@code WSARecv}, {@code WSAGetOverlappedResult}, {@code CancelIoEx}, {@code CancelIo} and
 * {@code SetFileCompletionNotificationModes}. A call checks rules 15–19, then queues the
 * operation on the socket's FIFO for its direction, or blocks on the thread's private token.
 */
final class DataCalls {
  private final Args args;

  DataCalls(Args args) {
    this.args = args;
  }

  int send(WsaSocket s, WsaBuf[] buffers, int bufferCount, int[] numberOfBytesSent, int flags,
      WsaOverlapped overlapped, WsaCompletionRoutine completionRoutine) {
    return transfer(false, s, buffers, bufferCount, numberOfBytesSent, null, flags, overlapped,
        completionRoutine);
  }

  int recv(WsaSocket s, WsaBuf[] buffers, int bufferCount, int[] numberOfBytesRecvd, int[] flags,
      WsaOverlapped overlapped, WsaCompletionRoutine completionRoutine) {
    int flagsIn = flags != null && flags.length > 0 ? flags[0] : 0;
    return transfer(true, s, buffers, bufferCount, numberOfBytesRecvd, flags, flagsIn, overlapped,
        completionRoutine);
  }

  /** {@code WSASend} and {@code WSARecv}: the checks of rules 15–19, then queue or block. */
  private int transfer(boolean receive, WsaSocket s, WsaBuf[] buffers, int bufferCount,
      int[] countOut, int[] flagsOut, int flags, WsaOverlapped overlapped,
      WsaCompletionRoutine routine) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return SOCKET_ERROR;
    }
    if (sock instanceof NioDatagramSocket) {
      return DatagramCalls.transfer(receive, (NioDatagramSocket) sock, buffers, bufferCount,
          countOut, flagsOut, flags, overlapped, routine);
    }
    if (bufferCount < 1) {
      return fail(WSAEINVAL);
    }
    if (buffers == null || bufferCount > buffers.length) {
      return fail(WSAEFAULT);
    }
    long total = 0;
    for (int i = 0; i < bufferCount; i++) {
      WsaBuf b = buffers[i];
      if (b == null || b.len() > b.buf().remaining() || (receive && b.buf().isReadOnly())) {
        return fail(WSAEFAULT);
      }
      total += b.len();
    }
    boolean blocking = overlapped == null || !sock.overlapped;
    if ((receive && badOut(flagsOut)) || (blocking && badOut(countOut))
        || (countOut != null && countOut.length < 1)) {
      return fail(WSAEFAULT);
    }
    if ((flags & MSG_OOB) != 0) {
      return fail(WSAEOPNOTSUPP); // rule 24: NIO2 has no urgent data
    }
    if (total > Integer.MAX_VALUE) {
      return fail(WSAEMSGSIZE); // the count must fit the DWORD the caller reads back
    }
    if (!blocking && overlapped.internal() == STATUS_PENDING) {
      return fail(WSAEINVAL); // rule 17
    }
    if (!blocking && routine != null && sock.port() != null) {
      return fail(WSAEINVAL); // rule 9: a socket on a port completes through the port only
    }
    OpQueue queue = receive ? sock.recvQueue() : sock.sendQueue();
    if (queue == null) {
      return fail(WSAENOTCONN);
    }
    int opFlags = receive ? flags & (MSG_WAITALL | MSG_PEEK) : 0;
    if (blocking && sock.readiness.nonBlocking()) { // rule 28 (winsock-semantics scenario 9)
      return receive
          ? ReadinessCalls.recvNonBlocking(sock, buffers, bufferCount, flags, countOut, flagsOut)
          : ReadinessCalls.sendNonBlocking(sock, buffers, bufferCount, (int) total, countOut);
    }
    if (receive && sock.readiness.watched()) {
      sock.readiness.reenable(FD_READ); // every receive call re-enables FD_READ
    }
    if (blocking) {
      return transferBlocking(queue, buffers, bufferCount, countOut, flagsOut, opFlags);
    }
    int code = queue.enqueue(buffers, bufferCount, overlapped, routine, null, opFlags);
    if (code != 0) {
      return fail(code);
    }
    queue.pump();
    return fail(WSA_IO_PENDING); // rule 2: always correct, and callers must handle it anyway
  }

  /** Rule 8: post on the thread's private token and park until it completes. */
  private static int transferBlocking(OpQueue queue, WsaBuf[] buffers, int bufferCount,
      int[] countOut, int[] flagsOut, int opFlags) {
    ThreadState ts = ThreadState.current();
    WsaOverlapped token = ts.blockingToken;
    if (Thread.currentThread().isInterrupted()) {
      return fail(WSAEINTR);
    }
    int code = queue.enqueue(buffers, bufferCount, token, null, ts.thread, opFlags);
    if (code != 0) {
      return fail(code);
    }
    queue.pump();
    ExtendedOptions ext = queue.socket.ext; // SO_RCVTIMEO / SO_SNDTIMEO (rule 38)
    int status = BlockingWaits.awaitBlocking(queue, token, null,
        queue instanceof RecvQueue ? ext.receiveTimeoutMillis() : ext.sendTimeoutMillis());
    if (status != 0) {
      return fail(status);
    }
    countOut[0] = (int) token.internalHigh();
    if (flagsOut != null) {
      flagsOut[0] = 0;
    }
    return 0;
  }

  boolean getOverlappedResult(WsaSocket s, WsaOverlapped overlapped, int[] bytesTransferred,
      boolean wait, int[] flags) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return false;
    }
    if (overlapped == null || badOut(bytesTransferred)) {
      return failed(WSAEFAULT);
    }
    if (!overlapped.isCompleted()) {
      if (!wait) {
        return failed(WSA_IO_INCOMPLETE);
      }
      int code = BlockingWaits.awaitCompletion(sock, overlapped);
      if (code != 0) {
        return failed(code);
      }
    }
    int status = (int) overlapped.internal();
    if (status == WSAEMSGSIZE) {
      bytesTransferred[0] = (int) overlapped.internalHigh(); // a truncated datagram (rule 34)
    }
    if (status != 0) {
      return failed(status);
    }
    bytesTransferred[0] = (int) overlapped.internalHigh();
    if (flags != null && flags.length > 0) {
      flags[0] = 0;
    }
    Wsa.setLastError(0);
    return true;
  }

  boolean cancelIoEx(WsaSocket s, WsaOverlapped overlapped) {
    NioSocket sock = args.socketArg(s);
    if (sock == null) {
      return false;
    }
    return sock.cancel(overlapped) > 0 || failed(ERROR_NOT_FOUND);
  }

  boolean cancelIo(WsaSocket s) {
    NioSocket sock = args.socketArg(s);
    return sock != null && failed(WSAEOPNOTSUPP); // issue 9 (rule 27) implements it
  }

  boolean setFileCompletionNotificationModes(WsaSocket s, int flags) {
    NioSocket sock = args.socketArg(s);
    return sock != null && failed(WSAEOPNOTSUPP); // issue 9 (rule 26) implements it
  }
}
