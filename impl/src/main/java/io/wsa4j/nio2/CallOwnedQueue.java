package io.wsa4j.nio2;

/**
 * A queue whose op NIO2 never holds: the call or event that finishes it is wsa4j's own (a
 * DisconnectEx waiting for the send queue's FIN, an ioctl that completes during its call). Such
 * an op is never in flight, is never detached, and starts nothing when pumped.
 */
abstract class CallOwnedQueue extends OpQueue {
  CallOwnedQueue(NioSocket socket) {
    super(socket, null, io.wsa4j.WsaStats.OpKind.SEND, 1);
  }

  @Override
  final int admissionError() {
    return 0;
  }

  @Override
  final void pump() {}

  @Override
  final boolean inFlight(IoOp op) {
    return false;
  }

  @Override
  final boolean detachInFlight(IoOp op) {
    return false;
  }
}
