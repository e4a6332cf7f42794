package io.wsa4j.nio2;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names the I/O threads of one context {@code wsa4j-io-<context>-<n>} and makes them daemons. */
final class IoThreadFactory implements ThreadFactory {
  private final String prefix;
  private final AtomicInteger next = new AtomicInteger(1);

  IoThreadFactory(int contextNumber) {
    this.prefix = "wsa4j-io-" + contextNumber + "-";
  }

  @Override
  public Thread newThread(Runnable r) {
    Thread t = new Thread(r, prefix + next.getAndIncrement());
    t.setDaemon(true);
    return t;
  }
}
