package io.wsa4j;

import java.util.HashMap;
import java.util.Map;

/**
 * Names and messages of the error codes in {@link Winsock}: {@code WsaError.name(10054)} is
 * {@code "WSAECONNRESET"}, as {@code FormatMessage} and the Windows headers would say.
 *
 * <p>Where one value has several names the {@code WSA_} name wins (995 is
 * {@code WSA_OPERATION_ABORTED}, 997 {@code WSA_IO_PENDING}, 87 {@code WSA_INVALID_PARAMETER},
 * 6 {@code WSA_INVALID_HANDLE}), so that a Winsock program's log reads as it would on Windows.
 */
public final class WsaError {
  private WsaError() {}

  private static final Map<Integer, String[]> TABLE = new HashMap<>();

  private static void def(int code, String name, String message) {
    TABLE.putIfAbsent(code, new String[] {name, message});
  }

  static {
    def(0, "NO_ERROR", "The operation completed successfully.");
    def(Winsock.WSA_INVALID_HANDLE, "WSA_INVALID_HANDLE", "The handle is invalid.");
    def(Winsock.WSA_NOT_ENOUGH_MEMORY, "WSA_NOT_ENOUGH_MEMORY", "Not enough memory is available.");
    def(Winsock.ERROR_NETNAME_DELETED, "ERROR_NETNAME_DELETED",
        "The specified network name is no longer available.");
    def(Winsock.WSA_INVALID_PARAMETER, "WSA_INVALID_PARAMETER", "The parameter is incorrect.");
    def(Winsock.ERROR_SEM_TIMEOUT, "ERROR_SEM_TIMEOUT", "The semaphore timeout period has expired.");
    def(Winsock.WSA_WAIT_IO_COMPLETION, "WAIT_IO_COMPLETION",
        "The wait was ended by one or more completion routines.");
    def(Winsock.WAIT_TIMEOUT, "WAIT_TIMEOUT", "The wait operation timed out.");
    def(Winsock.STATUS_PENDING, "STATUS_PENDING", "The operation is pending.");
    def(Winsock.ERROR_ABANDONED_WAIT_0, "ERROR_ABANDONED_WAIT_0",
        "The I/O completion port was closed while the thread waited on it.");
    def(Winsock.WSA_OPERATION_ABORTED, "WSA_OPERATION_ABORTED",
        "The overlapped operation has been canceled due to the closure of the socket, or the"
            + " execution of a cancel request.");
    def(Winsock.WSA_IO_INCOMPLETE, "WSA_IO_INCOMPLETE",
        "Overlapped I/O event object not in signaled state.");
    def(Winsock.WSA_IO_PENDING, "WSA_IO_PENDING", "Overlapped operations will complete later.");
    def(Winsock.ERROR_NOT_FOUND, "ERROR_NOT_FOUND", "Element not found.");
    def(Winsock.ERROR_CONNECTION_REFUSED, "ERROR_CONNECTION_REFUSED",
        "The remote computer refused the network connection.");
    def(Winsock.ERROR_NETWORK_UNREACHABLE, "ERROR_NETWORK_UNREACHABLE",
        "The network location cannot be reached.");
    def(Winsock.ERROR_HOST_UNREACHABLE, "ERROR_HOST_UNREACHABLE",
        "The remote system is not reachable by the transport.");
    def(Winsock.ERROR_CONNECTION_ABORTED, "ERROR_CONNECTION_ABORTED",
        "The network connection was aborted by the local system.");
    def(Winsock.ERROR_MORE_DATA, "ERROR_MORE_DATA", "More data is available.");
    def(Winsock.ERROR_INSUFFICIENT_BUFFER, "ERROR_INSUFFICIENT_BUFFER",
        "The data area passed to a system call is too small.");
    def(Winsock.WSAEINTR, "WSAEINTR", "A blocking operation was interrupted.");
    def(Winsock.WSAEACCES, "WSAEACCES",
        "An attempt was made to access a socket in a way forbidden by its access permissions.");
    def(Winsock.WSAEINPROGRESS, "WSAEINPROGRESS", "A blocking operation is currently executing.");
    def(Winsock.WSAEDESTADDRREQ, "WSAEDESTADDRREQ",
        "A required address was omitted from an operation on a socket.");
    def(Winsock.WSAEFAULT, "WSAEFAULT", "The system detected an invalid pointer address.");
    def(Winsock.WSAEINVAL, "WSAEINVAL", "An invalid argument was supplied.");
    def(Winsock.WSAEMFILE, "WSAEMFILE", "Too many open sockets.");
    def(Winsock.WSAEWOULDBLOCK, "WSAEWOULDBLOCK",
        "A non-blocking socket operation could not be completed immediately.");
    def(Winsock.WSAEALREADY, "WSAEALREADY",
        "An operation was attempted on a non-blocking socket that already had an operation in"
            + " progress.");
    def(Winsock.WSAENOTSOCK, "WSAENOTSOCK", "An operation was attempted on something that is not a socket.");
    def(Winsock.WSAEMSGSIZE, "WSAEMSGSIZE", "A message sent on a datagram socket was too long.");
    def(Winsock.WSAENOPROTOOPT, "WSAENOPROTOOPT", "An unknown, invalid, or unsupported option was specified.");
    def(Winsock.WSAEPROTONOSUPPORT, "WSAEPROTONOSUPPORT", "The requested protocol is not supported.");
    def(Winsock.WSAESOCKTNOSUPPORT, "WSAESOCKTNOSUPPORT", "The socket type is not supported.");
    def(Winsock.WSAEOPNOTSUPP, "WSAEOPNOTSUPP", "The operation is not supported.");
    def(Winsock.WSAEAFNOSUPPORT, "WSAEAFNOSUPPORT",
        "An address incompatible with the requested protocol was used.");
    def(Winsock.WSAEADDRINUSE, "WSAEADDRINUSE", "The address is already in use.");
    def(Winsock.WSAEADDRNOTAVAIL, "WSAEADDRNOTAVAIL", "The requested address is not valid in its context.");
    def(Winsock.WSAENETDOWN, "WSAENETDOWN", "The network is down.");
    def(Winsock.WSAENETUNREACH, "WSAENETUNREACH", "The network is unreachable.");
    def(Winsock.WSAECONNABORTED, "WSAECONNABORTED",
        "An established connection was aborted by the software in your host machine.");
    def(Winsock.WSAECONNRESET, "WSAECONNRESET",
        "An existing connection was forcibly closed by the remote host.");
    def(Winsock.WSAENOBUFS, "WSAENOBUFS",
        "No buffer space is available or a queue was full.");
    def(Winsock.WSAEISCONN, "WSAEISCONN", "The socket is already connected.");
    def(Winsock.WSAENOTCONN, "WSAENOTCONN", "The socket is not connected.");
    def(Winsock.WSAESHUTDOWN, "WSAESHUTDOWN",
        "The socket had already been shut down in that direction.");
    def(Winsock.WSAETIMEDOUT, "WSAETIMEDOUT", "The connection attempt timed out.");
    def(Winsock.WSAECONNREFUSED, "WSAECONNREFUSED",
        "No connection could be made because the target machine actively refused it.");
    def(Winsock.WSAEHOSTUNREACH, "WSAEHOSTUNREACH", "No route to the host.");
    def(Winsock.WSANOTINITIALISED, "WSANOTINITIALISED",
        "WSAStartup was not called successfully, or WSACleanup was already called.");
    def(Winsock.WSAEDISCON, "WSAEDISCON", "A graceful shutdown is in progress.");
    def(Winsock.SOCKET_ERROR, "SOCKET_ERROR", "The call failed.");
  }

  /**
   * The symbolic name of a code, such as {@code "WSAECONNRESET"} for 10054.
   *
   * @param code a Winsock or Win32 code
   * @return its name, or {@code "ERROR_" + code} for a code this table does not know
   */
  public static String name(int code) {
    String[] entry = TABLE.get(code);
    return entry != null ? entry[0] : "ERROR_" + code;
  }

  /**
   * A one-sentence description of a code, worded as the Windows error-code reference does.
   *
   * @param code a Winsock or Win32 code
   * @return its message, or {@code "Unknown error " + code}
   */
  public static String message(int code) {
    String[] entry = TABLE.get(code);
    return entry != null ? entry[1] : "Unknown error " + code + ".";
  }
}
