package io.wsa4j;

/**
 * The service an implementation of wsa4j provides, found by {@link java.util.ServiceLoader}
 * (declared with {@code provides} in {@code module-info.java} and in
 * {@code META-INF/services/io.wsa4j.WsaProvider}). Applications call {@link Wsa#startup()} instead.
 */
public interface WsaProvider {
  /**
   * A short name of the implementation, such as {@code "nio2"}.
   *
   * @return the name, reported in {@link WsaData#provider()}
   */
  String name();

  /**
   * Makes a new, independent context: {@code WSAStartup}.
   *
   * @param config the settings of the context
   * @return the context
   */
  Wsa startup(WsaConfig config);
}
