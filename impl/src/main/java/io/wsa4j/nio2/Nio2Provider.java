package io.wsa4j.nio2;

import io.wsa4j.Wsa;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaProvider;

/**
 * The {@link WsaProvider} of wsa4j on NIO2. Public only because {@link java.util.ServiceLoader}
 * must instantiate it; its package is not exported.
 */
public final class Nio2Provider implements WsaProvider {
  /** Called by {@link java.util.ServiceLoader}. */
  public Nio2Provider() {}

  /** {@code "nio2"}. */
  @Override
  public String name() {
    return "nio2";
  }

  /** A new context with its own channel group of {@code config.ioThreads()} threads. */
  @Override
  public Wsa startup(WsaConfig config) {
    return new Nio2Wsa(config, name());
  }
}
