package io.wsa4j.examples;

import io.wsa4j.WsaBuf;
import io.wsa4j.WsaSocket;

/**
 * One client of {@link IocpEchoServer}. At most one operation is outstanding per connection
 * (a receive, then the send of what it got, then a receive again), so the worker threads that
 * dequeue its packets never touch it at the same time; {@link #lastActive} is read by the idle
 * reaper as well, hence volatile. An operation that finishes during its call is handled by the
 * worker that started it, which still owns the connection then: no packet races it. Only the worker handling the connection's packet touches
 * {@link #buffer}: the reaper may close the socket, never take the buffer.
 */
final class IocpConnection {
  final WsaSocket socket;
  final IoContext io;
  final WsaBuf[] one = new WsaBuf[1];
  final int[] flags = new int[1];
  /** The count out-parameter of every post: the bytes of an operation that finished at once. */
  final int[] count = new int[1];
  /**
   * Whether the socket is in {@code FILE_SKIP_COMPLETION_PORT_ON_SUCCESS} mode: an operation that
   * finishes during the call posts no packet, so the worker that started it handles it. Set once,
   * before the first operation.
   */
  boolean skipOnSuccess;
  /** The receive buffer; with zero-byte receives, borrowed from the pool only while data flows. */
  WsaBuf buffer;
  volatile long lastActive = System.nanoTime();
  /**
   * Whether the client has sent anything yet; the reaper closes connections that connected but
   * never sent (their {@code SO_CONNECT_TIME} says for how long).
   */
  volatile boolean received;
  /** The client's address, from {@code GetAcceptExSockaddrs}. */
  java.net.SocketAddress peer;

  IocpConnection(WsaSocket socket) {
    this.socket = socket;
    this.io = new IoContext(IoContext.Kind.RECV, this);
  }
}
