package io.wsa4j.nio2;

import static io.wsa4j.Winsock.WSAEWOULDBLOCK;
import static io.wsa4j.Winsock.WSA_IO_PENDING;

import io.wsa4j.WsaBuf;
import java.nio.ByteBuffer;

/**
 * The bytes that non-blocking sends of one TCP socket took and NIO2 has not written yet: what the
 * kernel's send buffer is to a non-blocking {@code send} on Windows.
 *
 * <p>Windows takes a non-blocking stream send whole or not at all — it never reports a partial
 * count (winsock-semantics scenario 36) — and queues the bytes behind the sends before them. Here
 * a send is copied into a library-owned chunk and posted to the socket's {@link SendQueue} as an
 * {@link InternalToken} op, so it keeps its place among overlapped sends. A send is taken whole
 * while fewer than {@link #LIMIT} bytes and {@link #MAX_CHUNKS} chunks wait; otherwise it fails
 * with {@code WSAEWOULDBLOCK}, the socket is not writable, and it becomes writable (FD_WRITE) when
 * a chunk has gone. Memory is so bounded by {@link #LIMIT} plus one send.
 *
 * <p>Lock: this object. The socket's send queue calls {@link Chunk#completed} under its own lock,
 * which then takes this one; so this lock is never held while calling into the queue.
 */
final class PlainSender {
  /** Bytes in flight above which a send is refused. */
  static final int LIMIT = 64 * 1024;
  /** Chunks in flight above which a send is refused (bounds the queue's ops). */
  static final int MAX_CHUNKS = 8;
  private static final int MIN_CHUNK = 16 * 1024;
  /** Chunks kept for reuse: a socket sending one message at a time allocates none. */
  private static final int CACHED = 2;

  private final NioSocket socket;
  private final SendQueue queue;

  // guarded by this
  private final Chunk[] cache = new Chunk[CACHED];
  private int inFlight;
  private long queued;

  /** One posted copy; its buffer is the library's until the op completes. */
  private final class Chunk extends InternalToken {
    final ByteBuffer bytes;
    final WsaBuf buf;
    final WsaBuf[] one;

    Chunk(int capacity) {
      bytes = ByteBuffer.allocateDirect(capacity);
      buf = new WsaBuf(bytes, 0);
      one = new WsaBuf[] {buf};
    }

    @Override
    void completed(int status, int moved) {
      chunkDone(this);
    }
  }

  PlainSender(NioSocket socket, SendQueue queue) {
    this.socket = socket;
    this.queue = queue;
  }

  /**
   * Takes {@code len} bytes of {@code src} from {@code off}, whole, or none.
   *
   * @return {@code len}, or minus the Winsock code ({@code WSAEWOULDBLOCK} when full)
   */
  int send(byte[] src, int off, int len) {
    Chunk c = reserve(len);
    if (c == null) {
      return -WSAEWOULDBLOCK;
    }
    c.bytes.clear();
    c.bytes.put(src, off, len).flip();
    return post(c, len);
  }

  /** As {@link #send(byte[], int, int)} for the regions of {@code bufs} (a gather is one send). */
  int send(WsaBuf[] bufs, int count, int len) {
    Chunk c = reserve(len);
    if (c == null) {
      return -WSAEWOULDBLOCK;
    }
    c.bytes.clear();
    for (int i = 0; i < count; i++) {
      ByteBuffer b = bufs[i].buf();
      int n = bufs[i].len();
      c.bytes.put(c.bytes.position(), b, b.position(), n); // absolute: the caller's position stays
      c.bytes.position(c.bytes.position() + n);
    }
    c.bytes.flip();
    return post(c, len);
  }

  private int post(Chunk c, int len) {
    c.buf.len(len);
    int code = queue.post(c.one, 1, null, c, null, 0, null, ThreadState.current());
    if (code != 0 && code != WSA_IO_PENDING) {
      chunkDone(c); // refused (shutdown, reset, closed): nothing was taken
      return -code;
    }
    return len;
  }

  /** Whether a send would be taken now. */
  synchronized boolean hasRoom() {
    return roomFor();
  }

  private boolean roomFor() {
    return inFlight < MAX_CHUNKS && queued < LIMIT;
  }

  private Chunk reserve(int len) {
    Chunk c = null;
    boolean full;
    synchronized (this) {
      if (!roomFor()) {
        return null;
      }
      for (int i = 0; i < CACHED && c == null; i++) {
        if (cache[i] != null && cache[i].bytes.capacity() >= len) {
          c = cache[i];
          cache[i] = null;
        }
      }
      inFlight++;
      queued += len;
      full = !roomFor();
    }
    if (full) {
      socket.readiness.writable(false);
    }
    return c != null ? c : new Chunk(Math.max(MIN_CHUNK, len));
  }

  /** A chunk's op finished (or was refused): its space returns; FD_WRITE if room came back. */
  private void chunkDone(Chunk c) {
    boolean room;
    synchronized (this) {
      boolean wasFull = !roomFor();
      inFlight--;
      queued -= c.buf.len();
      if (c.bytes.capacity() <= StagingPool.LARGEST) {
        for (int i = 0; i < CACHED; i++) {
          if (cache[i] == null || cache[i].bytes.capacity() < c.bytes.capacity()) {
            cache[i] = c;
            break;
          }
        }
      }
      room = wasFull && roomFor();
    }
    if (room) {
      socket.readiness.writable(true);
    }
  }
}
