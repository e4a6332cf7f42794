package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;
import static io.wsa4j.nio2.Args.failed;

import io.wsa4j.Wsa;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaOverlappedEntry;
import io.wsa4j.spi.Spi;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The completion-port calls of a context, behind {@link Nio2Wsa}: creating and associating ports,
 * dequeuing one packet or a batch, closing. The context has checked that it is initialised and
 * that the port handle is valid.
 */
final class PortCalls {
  private static final Spi.EntryAccess ENTRIES = Spi.entry();

  private final Nio2Wsa context;
  private final Set<NioPort> ports = ConcurrentHashMap.newKeySet();

  PortCalls(Nio2Wsa context) {
    this.context = context;
  }

  /** The open ports, for statistics. */
  Iterable<NioPort> open() {
    return ports;
  }

  /**
   * The port behind an argument, or null with the last error set: {@code WSANOTINITIALISED}
   * after cleanup, else {@code ERROR_INVALID_HANDLE} for a null, closed or foreign handle.
   */
  NioPort portArg(WsaCompletionPort port) {
    if (context.isCleanedUp()) {
      Wsa.setLastError(WSANOTINITIALISED);
      return null;
    }
    NioPort p = portOf(port);
    if (p == null) {
      Wsa.setLastError(ERROR_INVALID_HANDLE);
    }
    return p;
  }

  /** {@code PostQueuedCompletionStatus} on a valid port. */
  boolean post(NioPort port, int bytesTransferred, long completionKey, WsaOverlapped overlapped) {
    return port.post(completionKey, bytesTransferred, overlapped, 0, true)
        || failed(port.isClosed() ? ERROR_INVALID_HANDLE : WSA_NOT_ENOUGH_MEMORY);
  }

  /** The port behind a handle of this context, or null (null, closed or foreign handle). */
  NioPort portOf(WsaCompletionPort p) {
    if (p instanceof NioPort) {
      NioPort np = (NioPort) p;
      if (np.context == context && !np.isClosed()) {
        return np;
      }
    }
    return null;
  }

  private NioPort newPort(int concurrentThreads) {
    NioPort port = new NioPort(context, concurrentThreads);
    ports.add(port);
    if (context.isCleanedUp()) {
      port.close();
      return null;
    }
    return port;
  }

  /**
   * {@code CreateIoCompletionPort}.
   *
   * @param sock the socket to associate, or null: for a new port ({@code noSocket}), or a bad
   *     handle
   */
  WsaCompletionPort create(NioSocket sock, boolean noSocket, WsaCompletionPort existing,
      long completionKey, int concurrentThreads) {
    int code;
    if (noSocket) {
      if (existing == null) {
        NioPort port = newPort(concurrentThreads);
        if (port != null) {
          return port;
        }
        code = WSANOTINITIALISED;
      } else {
        code = ERROR_INVALID_PARAMETER;
      }
    } else {
      NioPort port = existing == null ? null : portOf(existing);
      if (sock == null) {
        code = WSAENOTSOCK;
      } else if (existing != null && port == null) {
        code = ERROR_INVALID_HANDLE;
      } else {
        boolean fresh = port == null;
        if (fresh) {
          port = newPort(concurrentThreads);
        }
        if (port != null && sock.associate(port, completionKey)) {
          return port;
        }
        if (fresh && port != null) {
          close(port);
        }
        code = port == null ? WSANOTINITIALISED : ERROR_INVALID_PARAMETER; // rule 22: one port
      }
    }
    Wsa.setLastError(code);
    return null;
  }

  /** {@code GetQueuedCompletionStatus} on a valid port. */
  boolean dequeue(NioPort p, int[] bytesTransferred, long[] completionKey,
      WsaOverlapped[] overlapped, int timeoutMillis) {
    if (bytesTransferred == null || bytesTransferred.length < 1 || completionKey == null
        || completionKey.length < 1 || overlapped == null || overlapped.length < 1) {
      return failed(ERROR_INVALID_PARAMETER);
    }
    if (Thread.currentThread().isInterrupted()) {
      overlapped[0] = null;
      return failed(WSAEINTR);
    }
    ThreadState ts = ThreadState.current();
    NioPort.Packet packet = p.take(ts.portWaiter, timeoutMillis, false, ts, ts.outcome);
    if (packet == null) {
      overlapped[0] = null; // count and key untouched (rule 21)
      return failed(ts.outcome[0]);
    }
    bytesTransferred[0] = packet.bytes;
    completionKey[0] = packet.key;
    overlapped[0] = packet.overlapped;
    int error = packet.error;
    p.recycle(packet);
    return error == 0 || failed(error);
  }

  /** {@code GetQueuedCompletionStatusEx} on a valid port. */
  boolean dequeueMany(NioPort p, WsaOverlappedEntry[] entries, int count, int[] removed,
      int timeoutMillis, boolean alertable) {
    if (entries == null || count < 1 || entries.length < count || removed == null
        || removed.length < 1) {
      return failed(ERROR_INVALID_PARAMETER);
    }
    if (Thread.currentThread().isInterrupted()) {
      return failed(WSAEINTR);
    }
    ThreadState ts = ThreadState.current();
    NioPort.Packet packet = p.poll();
    if (packet == null) {
      if (alertable && ts.runApcs()) {
        return failed(WAIT_IO_COMPLETION);
      }
      packet = p.take(ts.portWaiter, timeoutMillis, alertable, ts, ts.outcome);
      if (packet == null) {
        if (ts.outcome[0] == WAIT_IO_COMPLETION) {
          ts.runApcs();
        }
        return failed(ts.outcome[0]);
      }
    }
    int n = 0;
    do {
      WsaOverlappedEntry entry = entries[n];
      if (entry == null) {
        entry = new WsaOverlappedEntry();
        entries[n] = entry;
      }
      ENTRIES.fill(entry, packet.key, packet.overlapped, packet.bytes);
      p.recycle(packet);
      n++;
    } while (n < count && (packet = p.poll()) != null);
    removed[0] = n;
    return true;
  }

  /** {@code CloseHandle}. */
  void close(NioPort p) {
    ports.remove(p);
    p.close();
  }

  /** Cleanup: closes every port, releasing its waiters. */
  void closeAll() {
    for (NioPort p : ports) {
      p.close();
    }
    ports.clear();
  }
}
