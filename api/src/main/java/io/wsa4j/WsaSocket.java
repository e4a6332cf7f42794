package io.wsa4j;

/**
 * {@code SOCKET}: an opaque socket handle, made by a {@link Wsa} context.
 *
 * <p>Handles compare by identity. A handle made by another context or provider is foreign and is
 * refused with {@code WSAENOTSOCK}, as is a closed one and {@link #INVALID_SOCKET}.
 */
public abstract class WsaSocket {
  /** {@code INVALID_SOCKET}: what {@code socket} and {@code accept} return on failure. */
  public static final WsaSocket INVALID_SOCKET = new WsaSocket(-1) {};

  private final long id;

  /**
   * For providers only.
   *
   * @param id the handle value {@link #id()} returns
   */
  protected WsaSocket(long id) {
    this.id = id;
  }

  /**
   * The handle's number, unique within its context while the socket is open (-1 for
   * {@link #INVALID_SOCKET}).
   *
   * @return the handle's number
   */
  public long id() {
    return id;
  }

  @Override
  public final boolean equals(Object other) {
    return this == other;
  }

  @Override
  public final int hashCode() {
    return System.identityHashCode(this);
  }

  @Override
  public String toString() {
    return id == -1 ? "INVALID_SOCKET" : "SOCKET#" + id;
  }
}
