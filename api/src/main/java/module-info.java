/**
 * The wsa4j API: the Winsock 2 overlapped-I/O model for Java.
 *
 * <p>Compile against this module and add an implementation (normally {@code io.wsa4j.nio2},
 * artifact {@code wsa4j-impl}) at run time; {@link io.wsa4j.Wsa#startup()} finds it with
 * {@link java.util.ServiceLoader}. The {@code io.wsa4j.spi} package is for providers only.
 */
module io.wsa4j.api {
  exports io.wsa4j;
  exports io.wsa4j.spi to io.wsa4j.nio2;

  uses io.wsa4j.WsaProvider;
}
