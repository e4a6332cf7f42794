package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.ShutdownChannelGroupException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Locale;

/**
 * The one place NIO2's exceptions become Winsock codes, and Winsock codes become the Win32 codes a
 * completion port reports (Windows maps both from the same NTSTATUS; see winsock-semantics.md
 * scenario 55).
 *
 * <p>NIO2 has no structured errno: socket errors arrive as {@link IOException}s whose message is
 * the platform's {@code strerror} text ("Connection reset by peer", "Broken pipe"). Types are
 * checked first, messages only where the type says nothing.
 */
final class Errors {
  /** {@code ERROR_PORT_UNREACHABLE} (winerror.h): not among the contract's constants. */
  static final int ERROR_PORT_UNREACHABLE = 1234;

  private Errors() {}

  /** The Winsock code for a failure NIO2 reported. */
  static int toWinsock(Throwable t) {
    if (t instanceof AsynchronousCloseException) {
      return WSA_OPERATION_ABORTED; // closed under a pending operation (incl. ClosedByInterrupt)
    }
    if (t instanceof ClosedChannelException) {
      return WSAENOTSOCK;
    }
    if (t instanceof ShutdownChannelGroupException) {
      return WSAENETDOWN;
    }
    if (t instanceof InterruptedByTimeoutException) {
      return WSAETIMEDOUT;
    }
    if (t instanceof NotYetConnectedException) {
      return WSAENOTCONN;
    }
    if (t instanceof AlreadyConnectedException) {
      return WSAEISCONN;
    }
    if (t instanceof ConnectionPendingException) {
      return WSAEALREADY;
    }
    if (t instanceof AlreadyBoundException) {
      return WSAEINVAL;
    }
    if (t instanceof NotYetBoundException) {
      return WSAEINVAL;
    }
    if (t instanceof UnsupportedAddressTypeException) {
      return WSAEAFNOSUPPORT;
    }
    if (t instanceof UnresolvedAddressException) {
      return WSAEADDRNOTAVAIL;
    }
    if (t instanceof NoRouteToHostException) {
      return WSAEHOSTUNREACH;
    }
    if (t instanceof PortUnreachableException) {
      return WSAECONNRESET;
    }
    if (t instanceof OutOfMemoryError) {
      return WSAENOBUFS;
    }
    String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
    if (t instanceof BindException) {
      if (message.contains("permission denied")) {
        return WSAEACCES; // the JDK reports EACCES of a send as a BindException
      }
      return message.contains("assign") || message.contains("not available")
          ? WSAEADDRNOTAVAIL : WSAEADDRINUSE;
    }
    if (t instanceof ConnectException && message.isEmpty()) {
      return WSAECONNREFUSED;
    }
    if (t instanceof IOException) {
      return fromMessage(message, t instanceof ConnectException);
    }
    return WSAEINVAL; // an unexpected runtime exception: a bad argument that slipped through
  }

  private static int fromMessage(String message, boolean connecting) {
    if (message.contains("reset")) {
      return WSAECONNRESET;
    }
    if (message.contains("broken pipe") || message.contains("connection abort")
        || message.contains("software caused")) {
      return WSAECONNABORTED;
    }
    if (message.contains("refused")) {
      return WSAECONNREFUSED;
    }
    if (message.contains("timed out")) {
      return WSAETIMEDOUT;
    }
    if (message.contains("network is unreachable") || message.contains("network unreachable")) {
      return WSAENETUNREACH;
    }
    if (message.contains("no route") || (message.contains("host") && message.contains("unreachable"))) {
      return WSAEHOSTUNREACH;
    }
    if (message.contains("permission denied")) {
      return WSAEACCES; // a broadcast address without SO_BROADCAST (EACCES)
    }
    if (message.contains("message too long")) {
      return WSAEMSGSIZE;
    }
    if (message.contains("no buffer space")) {
      return WSAENOBUFS;
    }
    if (message.contains("too many open files")) {
      return WSAEMFILE;
    }
    if (message.contains("address already in use")) {
      return WSAEADDRINUSE;
    }
    if (message.contains("cannot assign") || message.contains("address not available")) {
      return WSAEADDRNOTAVAIL;
    }
    if (message.contains("not connected")) {
      return WSAENOTCONN;
    }
    return connecting ? WSAECONNREFUSED : WSAENETDOWN;
  }

  /**
   * The Win32 code {@code GetQueuedCompletionStatus} reports for an operation that failed with
   * this Winsock code (for example {@code WSAECONNRESET} → {@code ERROR_NETNAME_DELETED}, or
   * {@code ERROR_PORT_UNREACHABLE} (1234) on a datagram socket).
   */
  static int toWin32(int winsockCode, boolean datagram) {
    // an ICMP port-unreachable: STATUS_PORT_UNREACHABLE, which Win32 reports as its own code
    return datagram && winsockCode == WSAECONNRESET ? ERROR_PORT_UNREACHABLE : toWin32(winsockCode);
  }

  /** As {@link #toWin32(int, boolean)} for a stream socket. */
  static int toWin32(int winsockCode) {
    switch (winsockCode) {
      case 0: return 0;
      case WSAECONNRESET: return ERROR_NETNAME_DELETED;
      case WSAECONNABORTED: return ERROR_CONNECTION_ABORTED;
      case WSAECONNREFUSED: return ERROR_CONNECTION_REFUSED;
      case WSAETIMEDOUT: return ERROR_SEM_TIMEOUT;
      case WSAENETUNREACH: return ERROR_NETWORK_UNREACHABLE;
      case WSAEHOSTUNREACH: return ERROR_HOST_UNREACHABLE;
      case WSAEINVAL: return ERROR_INVALID_PARAMETER;
      case WSAENOTSOCK: return ERROR_INVALID_HANDLE;
      case WSAEMSGSIZE: return ERROR_MORE_DATA; // a truncated datagram (rule 34)
      default: return winsockCode; // 995 and the rest are the same number in both spaces
    }
  }
}
