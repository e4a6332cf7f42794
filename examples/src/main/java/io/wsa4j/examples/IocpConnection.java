package io.wsa4j.examples;

import io.wsa4j.WsaBuf;
import io.wsa4j.WsaSocket;

/**
 * One client of {@link IocpEchoServer}. At most one operation is outstanding per connection
 * (a receive, then the send of what it got, then a receive again), so the worker threads that
 * dequeue its packets never touch it at the same time; {@link #lastActive} is read by the idle
 * reaper as well, hence volatile. Only the worker handling the connection's packet touches
 * {@link #buffer}: the reaper may close the socket, never take the buffer.
 */
final class IocpConnection {
  final WsaSocket socket;
  final IoContext io;
  final WsaBuf[] one = new WsaBuf[1];
  final int[] flags = new int[1];
  /** The receive buffer; with zero-byte receives, borrowed from the pool only while data flows. */
  WsaBuf buffer;
  volatile long lastActive = System.nanoTime();

  IocpConnection(WsaSocket socket) {
    this.socket = socket;
    this.io = new IoContext(IoContext.Kind.RECV, this);
  }
}
