package io.wsa4j.examples;

import io.wsa4j.WsaError;

/** Formats Winsock error codes for log lines and messages. */
final class Errors {
  private Errors() {}

  /** {@code "WSAECONNRESET (10054): An existing connection was forcibly closed…"}. */
  static String describe(int code) {
    return WsaError.name(code) + " (" + code + "): " + WsaError.message(code);
  }
}
