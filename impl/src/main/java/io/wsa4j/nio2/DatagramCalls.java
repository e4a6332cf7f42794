package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;
import static io.wsa4j.nio2.Args.fail;

import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionRoutine;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.net.SocketAddress;

/**
 * The datagram calls of a context, behind {@link Nio2Wsa}: {@code WSASendTo},
 * {@code WSARecvFrom}, {@code sendto} and {@code recvfrom}.
 */
final class DatagramCalls {
  private final Args args;

  DatagramCalls(Args args) {
    this.args = args;
  }

  int sendto(WsaSocket s, byte[] buf, int off, int len, int flags, SocketAddress to) {
    return notYet(s); // issue 12 (rule 34) implements it
  }

  int recvfrom(WsaSocket s, byte[] buf, int off, int len, int flags, SocketAddress[] fromOut) {
    return notYet(s); // issue 12 (rule 34) implements it
  }

  int sendTo(WsaSocket s, WsaBuf[] buffers, int bufferCount, int[] numberOfBytesSent, int flags,
      SocketAddress to, WsaOverlapped overlapped, WsaCompletionRoutine completionRoutine) {
    return notYet(s); // issue 12 (rule 34) implements it
  }

  int recvFrom(WsaSocket s, WsaBuf[] buffers, int bufferCount, int[] numberOfBytesRecvd,
      int[] flags, SocketAddress[] fromOut, WsaOverlapped overlapped,
      WsaCompletionRoutine completionRoutine) {
    return notYet(s); // issue 12 (rule 34) implements it
  }

  private int notYet(WsaSocket s) {
    return args.socketArg(s) == null ? SOCKET_ERROR : fail(WSAEOPNOTSUPP);
  }
}
