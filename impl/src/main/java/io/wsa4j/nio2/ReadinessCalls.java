package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;
import static io.wsa4j.nio2.Args.fail;

import io.wsa4j.WsaEvent;
import io.wsa4j.WsaFdSet;
import io.wsa4j.WsaNetworkEvents;
import io.wsa4j.WsaPollFd;
import io.wsa4j.WsaSocket;
import io.wsa4j.WsaTimeval;

/**
 * Non-blocking mode and the readiness models of a context, behind {@link Nio2Wsa}:
 * {@code ioctlsocket}, {@code WSAEventSelect}, {@code WSAEnumNetworkEvents}, {@code select},
 * {@code WSAPoll}, and the plain {@code send}/{@code recv} that non-blocking sockets use.
 */
final class ReadinessCalls {
  private final Args args;

  ReadinessCalls(Args args) {
    this.args = args;
  }

  int ioctlsocket(WsaSocket s, int cmd, int[] argp) {
    return notYet(s); // issue 11 (rules 28, 29) implements it
  }

  int eventSelect(WsaSocket s, WsaEvent event, int networkEvents) {
    return notYet(s); // issue 11 (rule 30) implements it
  }

  int enumNetworkEvents(WsaSocket s, WsaEvent event, WsaNetworkEvents out) {
    return notYet(s); // issue 11 (rule 31) implements it
  }

  int select(int nfds, WsaFdSet readfds, WsaFdSet writefds, WsaFdSet exceptfds,
      WsaTimeval timeout) {
    return fail(WSAEOPNOTSUPP); // issue 11 (rule 32) implements it
  }

  int poll(WsaPollFd[] fdArray, int fds, int timeoutMillis) {
    return fail(WSAEOPNOTSUPP); // issue 11 (rule 33) implements it
  }

  int send(WsaSocket s, byte[] buf, int off, int len, int flags) {
    return notYet(s); // issue 11 implements it
  }

  int recv(WsaSocket s, byte[] buf, int off, int len, int flags) {
    return notYet(s); // issue 11 implements it
  }

  private int notYet(WsaSocket s) {
    return args.socketArg(s) == null ? SOCKET_ERROR : fail(WSAEOPNOTSUPP);
  }
}
