package io.wsa4j;

/** {@code WSADATA}: what {@code WSAStartup} reports about the implementation. */
public final class WsaData {
  private final int version;
  private final String description;
  private final String provider;

  /**
   * Made by providers.
   *
   * @param version {@code wVersion}, {@code MAKEWORD(major, minor)}
   * @param description {@code szDescription}
   * @param provider the provider's name
   */
  public WsaData(int version, String description, String provider) {
    this.version = version;
    this.description = description;
    this.provider = provider;
  }

  /**
   * {@code wVersion}: 0x0202, Winsock 2.2.
   *
   * @return the version, {@code MAKEWORD(major, minor)}
   */
  public int version() {
    return version;
  }

  /**
   * {@code szDescription}: a human-readable description of the implementation.
   *
   * @return the description
   */
  public String description() {
    return description;
  }

  /**
   * The provider's name ({@link WsaProvider#name()}).
   *
   * @return the provider's name
   */
  public String provider() {
    return provider;
  }

  @Override
  public String toString() {
    return "WsaData[version=" + (version & 0xff) + "." + (version >> 8) + ", " + description + "]";
  }
}
