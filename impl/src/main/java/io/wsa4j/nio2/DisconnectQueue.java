package io.wsa4j.nio2;

/**
 * The one {@code DisconnectEx} of a connection. It asks the send queue for the FIN (after every
 * send already posted, as {@code shutdown(SD_SEND)} does) and completes once the FIN is out. With
 * {@code TF_REUSE_SOCKET} the socket then drops its channel and becomes a fresh, unconnected
 * handle before the completion is announced, so whoever sees it may pass the handle to {@code
 * AcceptEx} or {@code ConnectEx} at once.
 *
 * <p>Like the ioctl ops, it counts in no statistics: the FIN carries no bytes.
 */
final class DisconnectQueue extends CallOwnedQueue {
  /** {@code TF_REUSE_SOCKET}: recycle the handle once the FIN is out. */
  final boolean reuse;

  DisconnectQueue(NioSocket socket, boolean reuse) {
    super(socket);
    this.reuse = reuse;
  }

  /**
   * The send queue shut the output down ({@code code} 0) or could not ({@code code} the
   * connection's error). Called once, outside every lock.
   */
  void finSent(int code) {
    synchronized (this) {
      if (closed || head == null) {
        return; // cancelled or closed meanwhile: already announced
      }
    }
    if (code == 0 && reuse) {
      socket.recycleForReuse(this);
    }
    synchronized (this) {
      if (!closed && head != null) {
        finishHead(code);
      }
    }
    socket.disconnectDone(this);
  }
}
