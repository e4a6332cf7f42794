package io.wsa4j.examples;

import static io.wsa4j.Winsock.FD_SETSIZE;
import static io.wsa4j.Winsock.SOCKET_ERROR;
import static java.lang.System.Logger.Level.WARNING;

import io.wsa4j.Wsa;
import io.wsa4j.WsaFdSet;
import io.wsa4j.WsaSocket;
import io.wsa4j.WsaTimeval;
import java.util.concurrent.locks.LockSupport;

/**
 * A worker thread of the {@link SelectEchoServer}: one {@code select} over up to
 * {@code FD_SETSIZE} connections per turn. A connection with an unsent echo waits in the write
 * set, the others in the read set; so a peer that does not read stops being read from.
 *
 * <p>{@code select} cannot be woken by another thread, so a worker with connections selects with
 * a short timeout ({@link #TICK_MICROS}) and adopts handed-over sockets between turns; one without
 * any parks until {@link #wake()}.
 */
final class SelectWorker extends PooledWorker {
  private static final System.Logger LOG = System.getLogger(SelectWorker.class.getName());
  private static final long TICK_MICROS = 10_000;

  private final Wsa wsa;
  private final int bufferSize;
  private final NonBlockingEcho[] connections = new NonBlockingEcho[FD_SETSIZE];
  private int count;
  private final WsaFdSet readable = new WsaFdSet();
  private final WsaFdSet writable = new WsaFdSet();
  private final WsaTimeval tick = new WsaTimeval(0, TICK_MICROS);
  private volatile Thread thread;

  SelectWorker(Wsa wsa, int bufferSize) {
    super(FD_SETSIZE);
    this.wsa = wsa;
    this.bufferSize = bufferSize;
  }

  @Override
  void wake() {
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  @Override
  public void run() {
    thread = Thread.currentThread();
    try {
      while (!stopping) {
        adopt();
        if (count == 0) {
          if (handedOver.isEmpty() && !stopping) {
            LockSupport.park(this); // wake() unparks
          }
          continue;
        }
        serve();
      }
    } finally {
      for (int i = count - 1; i >= 0; i--) {
        closeAt(i);
      }
      for (WsaSocket s; (s = handedOver.poll()) != null; ) {
        wsa.closesocket(s);
      }
    }
  }

  private void adopt() {
    for (WsaSocket s; (s = handedOver.poll()) != null; ) {
      connections[count++] = new NonBlockingEcho(s, bufferSize);
    }
  }

  /** One select and the turns of the connections it reports. */
  private void serve() {
    readable.zero();
    writable.zero();
    for (int i = 0; i < count; i++) {
      NonBlockingEcho c = connections[i];
      (c.hasUnsent() ? writable : readable).set(c.socket);
    }
    int ready = wsa.select(0, readable, writable, null, tick);
    if (ready == SOCKET_ERROR) {
      LOG.log(WARNING, "select failed: " + Errors.describe(Wsa.getLastError()));
      LockSupport.parkNanos(TICK_MICROS * 1000); // do not spin on a persistent error
      return;
    }
    for (int i = count - 1; ready > 0 && i >= 0; i--) {
      NonBlockingEcho c = connections[i];
      if (readable.isSet(c.socket) || writable.isSet(c.socket)) {
        ready--;
        if (c.turn(wsa) == NonBlockingEcho.Step.DONE) {
          closeAt(i); // the last connection moves into i, already looked at
        }
      }
    }
  }

  private void closeAt(int i) {
    wsa.closesocket(connections[i].socket);
    connections[i] = connections[--count];
    connections[count] = null;
    released();
  }
}
