package io.wsa4j;

import java.net.SocketAddress;

/**
 * The function objects that {@link Wsa#ioctl} returns for
 * {@link Winsock#SIO_GET_EXTENSION_FUNCTION_POINTER}: {@code LPFN_ACCEPTEX},
 * {@code LPFN_CONNECTEX}, {@code LPFN_DISCONNECTEX} and {@code LPFN_GETACCEPTEXSOCKADDRS}.
 *
 * <p>Windows servers load these once at startup, as Microsoft recommends, instead of linking
 * {@code mswsock.dll}; a port keeps that code. Each function behaves exactly as the {@link Wsa}
 * method of the same name, on the context that made it.
 */
public final class WsaExtensions {
  private WsaExtensions() {}

  /** {@code LPFN_ACCEPTEX}: see {@link Wsa#acceptEx(WsaSocket, WsaSocket, WsaBuf, int, int, int, int[], WsaOverlapped)}. */
  @FunctionalInterface
  public interface AcceptEx {
    /**
     * {@code AcceptEx} with its address block.
     *
     * @param listener the listening socket
     * @param acceptSocket a fresh or reusable socket that becomes the connection
     * @param outputBuffer receives the first data, then the two addresses
     * @param receiveDataLength bytes of first data to wait for, or 0
     * @param localAddressLength bytes reserved for the local address (≥ address size + 16)
     * @param remoteAddressLength bytes reserved for the remote address (≥ address size + 16)
     * @param bytesReceived written on immediate success; may be null
     * @param overlapped the token
     * @return as {@code Wsa.acceptEx}
     */
    boolean acceptEx(WsaSocket listener, WsaSocket acceptSocket, WsaBuf outputBuffer,
        int receiveDataLength, int localAddressLength, int remoteAddressLength,
        int[] bytesReceived, WsaOverlapped overlapped);
  }

  /** {@code LPFN_CONNECTEX}: see {@link Wsa#connectEx}. */
  @FunctionalInterface
  public interface ConnectEx {
    /**
     * {@code ConnectEx}.
     *
     * @param s a bound, unconnected socket
     * @param remote the peer
     * @param sendBuffer data to send once connected, or null
     * @param bytesSent written on immediate success; may be null
     * @param overlapped the token
     * @return as {@code Wsa.connectEx}
     */
    boolean connectEx(WsaSocket s, SocketAddress remote, WsaBuf sendBuffer, int[] bytesSent,
        WsaOverlapped overlapped);
  }

  /** {@code LPFN_DISCONNECTEX}: see {@link Wsa#disconnectEx}. */
  @FunctionalInterface
  public interface DisconnectEx {
    /**
     * {@code DisconnectEx}.
     *
     * @param s a connected socket
     * @param overlapped the token, or null to block
     * @param flags 0 or {@link Winsock#TF_REUSE_SOCKET}
     * @param reserved must be 0
     * @return as {@code Wsa.disconnectEx}
     */
    boolean disconnectEx(WsaSocket s, WsaOverlapped overlapped, int flags, int reserved);
  }

  /** {@code LPFN_GETACCEPTEXSOCKADDRS}: see {@link Wsa#getAcceptExSockaddrs}. */
  @FunctionalInterface
  public interface GetAcceptExSockaddrs {
    /**
     * {@code GetAcceptExSockaddrs}.
     *
     * @param outputBuffer the buffer an {@code AcceptEx} filled
     * @param receiveDataLength as passed to {@code AcceptEx}
     * @param localAddressLength as passed to {@code AcceptEx}
     * @param remoteAddressLength as passed to {@code AcceptEx}
     * @param localOut element 0 receives the local address
     * @param remoteOut element 0 receives the remote address
     */
    void getAcceptExSockaddrs(WsaBuf outputBuffer, int receiveDataLength, int localAddressLength,
        int remoteAddressLength, SocketAddress[] localOut, SocketAddress[] remoteOut);
  }
}
