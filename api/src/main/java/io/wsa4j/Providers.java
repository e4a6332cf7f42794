package io.wsa4j;

import java.util.Iterator;
import java.util.ServiceLoader;

/** Finds the {@link WsaProvider} once, with {@link ServiceLoader}. */
final class Providers {
  private Providers() {}

  private static final class Holder {
    static final WsaProvider PROVIDER = load();
  }

  static WsaProvider provider() {
    return Holder.PROVIDER;
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
