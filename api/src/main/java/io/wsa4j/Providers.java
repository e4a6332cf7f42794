package io.wsa4j;

import java.util.Iterator;
import java.util.ServiceLoader;

/** Finds the {@link WsaProvider} with {@link ServiceLoader}, once it is found. */
final class Providers {
  private Providers() {}

  /** The provider found; null until a lookup succeeds (a failed one is retried next time). */
  private static volatile WsaProvider provider;

  static WsaProvider provider() {
    WsaProvider p = provider;
    if (p == null) {
      synchronized (Providers.class) {
        p = provider;
        if (p == null) {
          p = load();
          provider = p;
        }
      }
    }
    return p;
  }

  private static WsaProvider load() {
    Iterator<WsaProvider> found = ServiceLoader.load(WsaProvider.class).iterator();
    if (!found.hasNext()) {
      found = ServiceLoader.load(WsaProvider.class, Providers.class.getClassLoader()).iterator();
    }
    if (!found.hasNext()) {
      throw new IllegalStateException("no io.wsa4j.WsaProvider found: add io.wsa4j:wsa4j-impl to"
          + " the class path or module path");
    }
    return found.next();
  }
}
