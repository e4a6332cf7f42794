package io.wsa4j.examples;

import io.wsa4j.WsaBuf;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;

/**
 * The per-I/O context of {@link IocpEchoServer}: a {@link WsaOverlapped} subclass, as C code embeds
 * an {@code OVERLAPPED} first in a struct and recovers the struct with {@code CONTAINING_RECORD}.
 * The port hands back this very object, so the worker knows what finished and for whom.
 */
final class IoContext extends WsaOverlapped {
  /** What the operation was. */
  enum Kind { ACCEPT, ZERO_BYTE_RECV, RECV, SEND, DISCONNECT }

  Kind kind;
  /** The connection the operation belongs to (null for an accept). */
  IocpConnection connection;
  /** For an accept: the socket the connection goes into. */
  WsaSocket acceptSocket;
  /** For an accept: the buffer AcceptEx writes the local and remote address into. */
  WsaBuf addresses;
  /** For an accept into a recycled socket: it is bound to the port already. */
  SocketPool.Recycled recycled;

  IoContext(Kind kind, IocpConnection connection) {
    this.kind = kind;
    this.connection = connection;
  }
}
