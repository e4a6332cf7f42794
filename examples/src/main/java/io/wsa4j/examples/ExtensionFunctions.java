package io.wsa4j.examples;

import static io.wsa4j.Winsock.SIO_GET_EXTENSION_FUNCTION_POINTER;
import static io.wsa4j.Winsock.WSAID_ACCEPTEX;
import static io.wsa4j.Winsock.WSAID_DISCONNECTEX;
import static io.wsa4j.Winsock.WSAID_GETACCEPTEXSOCKADDRS;

import io.wsa4j.Wsa;
import io.wsa4j.WsaExtensions;
import io.wsa4j.WsaSocket;
import java.io.IOException;
import java.util.UUID;

/**
 * The extension functions a completion-port server loads at startup, the way C servers do: one
 * {@code WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)} per {@code WSAID_*} GUID, on any socket of
 * the provider. Each function object calls the context it was loaded from.
 */
record ExtensionFunctions(WsaExtensions.AcceptEx acceptEx,
    WsaExtensions.GetAcceptExSockaddrs getAcceptExSockaddrs,
    WsaExtensions.DisconnectEx disconnectEx) {

  /**
   * Loads the three functions through {@code s}.
   *
   * @throws IOException if the provider has one of them not (the message names the error)
   */
  static ExtensionFunctions load(Wsa wsa, WsaSocket s) throws IOException {
    return new ExtensionFunctions(
        (WsaExtensions.AcceptEx) function(wsa, s, WSAID_ACCEPTEX, "AcceptEx"),
        (WsaExtensions.GetAcceptExSockaddrs) function(wsa, s, WSAID_GETACCEPTEXSOCKADDRS,
            "GetAcceptExSockaddrs"),
        (WsaExtensions.DisconnectEx) function(wsa, s, WSAID_DISCONNECTEX, "DisconnectEx"));
  }

  private static Object function(Wsa wsa, WsaSocket s, UUID guid, String name)
      throws IOException {
    Object[] fn = new Object[1];
    int[] bytes = new int[1];
    if (wsa.ioctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, guid, fn, bytes, null, null) != 0) {
      throw new IOException("WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER, " + name
          + ") failed: " + Errors.describe(Wsa.getLastError()));
    }
    return fn[0];
  }
}
