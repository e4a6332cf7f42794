package io.wsa4j;

/**
 * {@code WSAEVENT}: a manual-reset event object, made only by {@link Wsa#createEvent()}.
 *
 * <p>Opaque, as on Windows: set it with {@link Wsa#setEvent}, clear it with {@link Wsa#resetEvent},
 * wait for it with {@link Wsa#waitForMultipleEvents}. An event made by another {@link Wsa} context
 * or provider is foreign to this one and is refused with {@code WSA_INVALID_HANDLE}.
 */
public abstract class WsaEvent {
  /** For providers only. */
  protected WsaEvent() {}

  /**
   * Whether the event is signaled now. A convenience Windows lacks (there one waits with a zero
   * timeout); it does not change the event.
   *
   * @return true if the event is signaled
   */
  public abstract boolean isSignaled();
}
