package io.wsa4j.examples;

import static io.wsa4j.Winsock.ERROR_IO_PENDING;
import static io.wsa4j.Winsock.TF_REUSE_SOCKET;
import static java.lang.System.Logger.Level.DEBUG;

import io.wsa4j.Wsa;
import io.wsa4j.WsaExtensions;
import io.wsa4j.WsaSocket;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sockets of closed connections, recycled for the next {@code AcceptEx} as Windows servers
 * recycle them: {@code DisconnectEx(TF_REUSE_SOCKET)} ends the connection gracefully and leaves the
 * handle unconnected, so the next accept needs no new socket, no new port association and no new
 * {@code SetFileCompletionNotificationModes}. Bounded: beyond its capacity a socket is closed.
 *
 * <p>Life of a socket: AcceptEx → connection → {@link #recycle} (DisconnectEx pending) → {@link
 * #disconnected} → idle in the pool → {@link #take} for the next AcceptEx. Sockets in the middle
 * two states are the pool's to close when the server stops ({@link #closeAll}).
 */
final class SocketPool {
  private static final System.Logger LOG = System.getLogger(SocketPool.class.getName());

  /** A recycled socket, already bound to the server's port, and whether it skips the port. */
  record Recycled(WsaSocket socket, boolean skipOnSuccess) {}

  private final Wsa wsa;
  private final WsaExtensions.DisconnectEx disconnectEx;
  /** Idle sockets, at most the capacity; null when recycling is off. */
  private final ArrayBlockingQueue<Recycled> idle;
  /** Sockets whose DisconnectEx is pending. */
  private final Set<WsaSocket> disconnecting = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  SocketPool(Wsa wsa, WsaExtensions.DisconnectEx disconnectEx, int capacity) {
    this.wsa = wsa;
    this.disconnectEx = disconnectEx;
    this.idle = capacity > 0 ? new ArrayBlockingQueue<>(capacity) : null;
  }

  /** An idle recycled socket for the next AcceptEx, or null (then a new one is made). */
  Recycled take() {
    return idle == null ? null : idle.poll();
  }

  /**
   * Starts {@code DisconnectEx(TF_REUSE_SOCKET)} on a finished connection that has no operation
   * outstanding; its completion comes to the port with {@code c.io} and goes to {@link
   * #disconnected}.
   *
   * @return whether it started (or finished at once: then {@code c.io} is already complete); if
   *     not, the caller closes the socket
   */
  boolean recycle(IocpConnection c) {
    if (idle == null || closed || idle.remainingCapacity() == 0) {
      return false;
    }
    c.io.kind = IoContext.Kind.DISCONNECT;
    disconnecting.add(c.socket);
    if (disconnectEx.disconnectEx(c.socket, c.io, TF_REUSE_SOCKET, 0)
        || Wsa.getLastError() == ERROR_IO_PENDING) {
      return true;
    }
    LOG.log(DEBUG, "DisconnectEx failed: " + Errors.describe(Wsa.getLastError()));
    disconnecting.remove(c.socket);
    return false;
  }

  /** The DisconnectEx of {@code c} completed with {@code error}: pool its socket, or close it. */
  void disconnected(IocpConnection c, int error) {
    disconnecting.remove(c.socket);
    if (error != 0 || closed || !idle.offer(new Recycled(c.socket, c.skipOnSuccess))) {
      wsa.closesocket(c.socket);
    } else if (closed && idle.remove(new Recycled(c.socket, c.skipOnSuccess))) {
      wsa.closesocket(c.socket); // closeAll ran meanwhile and missed it
    }
  }

  /** Sockets waiting in the pool now. */
  int idleCount() {
    return idle == null ? 0 : idle.size();
  }

  /** Closes every socket the pool holds: idle ones, and those still disconnecting. */
  void closeAll() {
    closed = true;
    Recycled r;
    while (idle != null && (r = idle.poll()) != null) {
      wsa.closesocket(r.socket());
    }
    for (WsaSocket s : disconnecting) {
      wsa.closesocket(s); // its DisconnectEx aborts; the worker then closes nothing twice
    }
  }
}
