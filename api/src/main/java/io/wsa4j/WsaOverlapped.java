package io.wsa4j;

import io.wsa4j.spi.Spi;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * {@code WSAOVERLAPPED}: the token of one overlapped operation, and the place its result lands.
 *
 * <p>Not final: subclass it to carry per-operation context, the way C code embeds an
 * {@code OVERLAPPED} in a larger struct and recovers it with {@code CONTAINING_RECORD}; the
 * library hands the very same object back (from {@link Wsa#getQueuedCompletionStatus}, to a
 * {@link WsaCompletionRoutine}). Its accessors are final: the library reads them while it holds
 * its own locks and on its I/O threads, where no user code may run.
 *
 * <h2>Ownership</h2>
 * From the call that starts an operation until {@link #isCompleted()} is true, the token and the
 * buffers of the operation belong to the library: do not pass the token to another call (that is
 * refused with {@code WSAEINVAL}) and do not touch the buffers. Once completed, the token may be
 * reused as it is (every start resets status and count) or {@link #reset()}.
 *
 * <h2>Status</h2>
 * {@link #internal()} is {@link Winsock#STATUS_PENDING} while pending, 0 after success, otherwise
 * the Winsock code {@link Wsa#getOverlappedResult} reports. Windows keeps an NTSTATUS there; wsa4j
 * keeps the Winsock code, which is what portable code compares against anyway.
 */
public class WsaOverlapped {
  private static final VarHandle INTERNAL;

  static {
    try {
      INTERNAL = MethodHandles.lookup().findVarHandle(WsaOverlapped.class, "internal", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
    Spi.register(new Spi.OverlappedAccess() {
      @Override
      public boolean tryBegin(WsaOverlapped ov) {
        long current = ov.internal;
        if (current == Winsock.STATUS_PENDING
            || !INTERNAL.compareAndSet(ov, current, (long) Winsock.STATUS_PENDING)) {
          return false;
        }
        ov.internalHigh = 0;
        return true;
      }

      @Override
      public void complete(WsaOverlapped ov, int status, int bytesTransferred) {
        ov.internalHigh = bytesTransferred & 0xFFFFFFFFL;
        ov.internal = status; // volatile write publishes internalHigh
      }
    });
  }

  /** Status: STATUS_PENDING, 0 or a Winsock code. Written by the provider only. */
  private volatile long internal;
  /** Bytes transferred; valid once {@link #internal} is no longer pending. */
  private long internalHigh;
  /** {@code hEvent}: signaled on completion when no completion routine was given. */
  private volatile WsaEvent event;
  /** Caller's context; never read by the library. */
  private volatile Object attachment;

  /** A token with no event. */
  public WsaOverlapped() {}

  /**
   * A token whose {@code hEvent} is {@code event}.
   *
   * @param event signaled when an operation started with this token completes (unless a
   *     completion routine was given); may be null
   */
  public WsaOverlapped(WsaEvent event) {
    this.event = event;
  }

  /**
   * {@code hEvent}: the event signaled on completion, or null.
   *
   * @return the event, or null
   */
  public final WsaEvent event() {
    return event;
  }

  /**
   * Sets {@code hEvent}.
   *
   * @param e the event, or null
   * @return this token
   */
  public final WsaOverlapped event(WsaEvent e) {
    this.event = e;
    return this;
  }

  /**
   * {@code Internal}: {@link Winsock#STATUS_PENDING} while pending, 0 after success, else the
   * Winsock code of the failure.
   *
   * @return the status
   */
  public final long internal() {
    return internal;
  }

  /**
   * {@code InternalHigh}: the bytes transferred, once completed.
   *
   * @return the count, or 0 while an operation is pending
   */
  public final long internalHigh() {
    long status = internal; // acquire before reading the count
    return status == Winsock.STATUS_PENDING ? 0 : internalHigh;
  }

  /**
   * {@code HasOverlappedIoCompleted}: true unless an operation is pending on this token.
   *
   * @return false while an operation is pending, else true
   */
  public final boolean isCompleted() {
    return internal != Winsock.STATUS_PENDING;
  }

  /**
   * The object attached with {@link #attach}, or null.
   *
   * @return the attachment, or null
   */
  public final Object attachment() {
    return attachment;
  }

  /**
   * Attaches a context object (the library never reads it).
   *
   * @param o the object, or null
   * @return this token
   */
  public final WsaOverlapped attach(Object o) {
    this.attachment = o;
    return this;
  }

  /**
   * Puts status and count back to 0, keeping the event and the attachment (like zeroing an
   * {@code OVERLAPPED} but its {@code hEvent}).
   *
   * @throws IllegalStateException if an operation is pending on this token
   */
  public final void reset() {
    if (internal == Winsock.STATUS_PENDING) {
      throw new IllegalStateException("reset() while an operation is pending on " + this);
    }
    internalHigh = 0;
    internal = 0;
  }

  @Override
  public String toString() {
    long status = internal;
    String state = status == Winsock.STATUS_PENDING ? "pending"
        : status == 0 ? "done, " + internalHigh + " bytes" : WsaError.name((int) status);
    return getClass().getSimpleName() + "[" + state + "]";
  }
}
