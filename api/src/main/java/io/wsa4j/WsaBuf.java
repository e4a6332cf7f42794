package io.wsa4j;

import io.wsa4j.spi.Spi;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * {@code WSABUF}: the region {@code buf[position, position + len)} of a caller's buffer.
 *
 * <p>The library never moves {@code buf}'s position or limit: it reads the position when a call
 * starts and works on a private view of the buffer, made once per {@code WsaBuf} and reused by
 * every later operation on it. A {@code len} larger than {@code buf.remaining()} may be built here;
 * every call refuses it with {@code WSAEFAULT} (the Java form of a {@code WSABUF} pointing past its
 * memory). Heap and direct buffers both work; direct ones save NIO2 a copy.
 */
public final class WsaBuf {
  private static final VarHandle VIEW_IN_USE;

  static {
    try {
      VIEW_IN_USE = MethodHandles.lookup().findVarHandle(WsaBuf.class, "viewInUse", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
    Spi.register(new Spi.BufAccess() {
      @Override
      public ByteBuffer claimView(WsaBuf b) {
        if (!VIEW_IN_USE.compareAndSet(b, 0, 1)) {
          return null;
        }
        ByteBuffer v = b.view;
        if (v == null) {
          v = b.buf.duplicate();
          b.view = v;
        }
        return v;
      }

      @Override
      public void releaseView(WsaBuf b) {
        VIEW_IN_USE.setRelease(b, 0);
      }
    });
  }

  /** The caller's buffer; never repositioned by the library. */
  private final ByteBuffer buf;
  /** Length of the region, from {@code buf.position()}. */
  private int len;
  /** The provider's reusable duplicate of {@link #buf}; guarded by {@link #viewInUse}. */
  private ByteBuffer view;
  /** 1 while an operation owns {@link #view}. */
  @SuppressWarnings("unused")
  private volatile int viewInUse;

  /**
   * Describes {@code buf}'s remaining bytes. The buffer is kept, not copied.
   *
   * @param buf the buffer
   * @throws NullPointerException if {@code buf} is null
   */
  public WsaBuf(ByteBuffer buf) {
    this(buf, Objects.requireNonNull(buf, "buf").remaining());
  }

  /**
   * Describes {@code len} bytes of {@code buf} from its position.
   *
   * @param buf the buffer
   * @param len the length; may exceed {@code buf.remaining()} (each call then fails with
   *     {@code WSAEFAULT})
   * @throws NullPointerException if {@code buf} is null
   * @throws IllegalArgumentException if {@code len} is negative
   */
  public WsaBuf(ByteBuffer buf, int len) {
    this.buf = Objects.requireNonNull(buf, "buf");
    this.len = checkLen(len);
  }

  /**
   * A buffer of {@code len} bytes on the heap.
   *
   * @param len the size in bytes, which is also the region's length
   * @return a {@code WsaBuf} over a new heap buffer
   * @throws IllegalArgumentException if {@code len} is negative
   */
  public static WsaBuf allocate(int len) {
    return new WsaBuf(ByteBuffer.allocate(checkLen(len)));
  }

  /**
   * A direct buffer of {@code len} bytes (NIO2 reads and writes it without a copy).
   *
   * @param len the size in bytes, which is also the region's length
   * @return a {@code WsaBuf} over a new direct buffer
   * @throws IllegalArgumentException if {@code len} is negative
   */
  public static WsaBuf allocateDirect(int len) {
    return new WsaBuf(ByteBuffer.allocateDirect(checkLen(len)));
  }

  /**
   * All of {@code array}.
   *
   * @param array the bytes; kept, not copied
   * @return a {@code WsaBuf} over the whole array
   * @throws NullPointerException if {@code array} is null
   */
  public static WsaBuf wrap(byte[] array) {
    return new WsaBuf(ByteBuffer.wrap(array));
  }

  /**
   * {@code len} bytes of {@code array} from {@code offset}.
   *
   * @param array the bytes; kept, not copied
   * @param offset the index of the region's first byte
   * @param len the length of the region
   * @return a {@code WsaBuf} over the region
   * @throws NullPointerException if {@code array} is null
   * @throws IndexOutOfBoundsException if the region is not inside the array
   */
  public static WsaBuf wrap(byte[] array, int offset, int len) {
    return new WsaBuf(ByteBuffer.wrap(array, offset, len));
  }

  /**
   * The caller's buffer.
   *
   * @return the buffer given when this {@code WsaBuf} was made
   */
  public ByteBuffer buf() {
    return buf;
  }

  /**
   * {@code len}: the length of the region.
   *
   * @return the length in bytes, from {@code buf().position()}
   */
  public int len() {
    return len;
  }

  /**
   * Sets {@code len}, as C code reassigns {@code WSABUF.len} before re-posting.
   *
   * @param len the new length; may exceed {@code buf().remaining()} (each call then fails with
   *     {@code WSAEFAULT})
   * @return this
   * @throws IllegalArgumentException if {@code len} is negative
   */
  public WsaBuf len(int len) {
    this.len = checkLen(len);
    return this;
  }

  private static int checkLen(int len) {
    if (len < 0) {
      throw new IllegalArgumentException("len < 0: " + len);
    }
    return len;
  }

  @Override
  public String toString() {
    return "WsaBuf[len=" + len + ", " + (buf.isDirect() ? "direct" : "heap") + "]";
  }
}
