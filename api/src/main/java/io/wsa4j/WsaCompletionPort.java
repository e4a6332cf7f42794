package io.wsa4j;

/**
 * An I/O completion port handle, made only by {@link Wsa#createIoCompletionPort}.
 *
 * <p>Opaque, as on Windows. A port made by another {@link Wsa} context or provider is foreign to
 * this one.
 */
public abstract class WsaCompletionPort {
  /** For providers only. */
  protected WsaCompletionPort() {}
}
