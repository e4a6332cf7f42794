/**
 * The NIO2 implementation of wsa4j. Nothing is exported: applications reach it through
 * {@code io.wsa4j.Wsa.startup()}, which finds {@link io.wsa4j.WsaProvider} with ServiceLoader.
 */
module io.wsa4j.nio2 {
  requires io.wsa4j.api;
  requires java.management;
  requires jdk.net;

  provides io.wsa4j.WsaProvider with io.wsa4j.nio2.Nio2Provider;
}
