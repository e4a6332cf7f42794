package io.wsa4j.nio2;

import io.wsa4j.WsaEvent;

/**
 * A manual-reset event ({@code WSACreateEvent}). Signaling writes the state and then wakes the
 * threads parked in {@code waitForMultipleEvents} on it; closing it (or cleaning up its context)
 * wakes them too, and they report {@code WSA_INVALID_HANDLE}.
 */
final class NioEvent extends WsaEvent {
  final Nio2Wsa context;
  final WaitList waiters = new WaitList();
  private volatile boolean signaled;
  private volatile boolean closed;

  NioEvent(Nio2Wsa context) {
    this.context = context;
  }

  @Override
  public boolean isSignaled() {
    return signaled;
  }

  boolean isClosed() {
    return closed;
  }

  void set() {
    signaled = true;
    waiters.wakeAll();
  }

  void reset() {
    signaled = false;
  }

  void close() {
    closed = true;
    waiters.wakeAll();
  }

  @Override
  public String toString() {
    return "WSAEVENT[" + (closed ? "closed" : signaled ? "signaled" : "nonsignaled") + "]";
  }
}
