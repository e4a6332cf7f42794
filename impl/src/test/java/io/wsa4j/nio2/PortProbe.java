package io.wsa4j.nio2;

import io.wsa4j.WsaCompletionPort;

/**
 * What the black-box tests may ask the provider about a completion port: how many threads wait
 * in it, registered to be handed the next packet. A thread counted here is inside its
 * {@code GetQueuedCompletionStatus} for certain, which no thread state can tell.
 */
public final class PortProbe {
  private PortProbe() {}

  /** Threads waiting in {@code port} now; 0 for a port of another provider. */
  public static int waiters(WsaCompletionPort port) {
    return port instanceof NioPort p ? p.waiting() : 0;
  }
}
