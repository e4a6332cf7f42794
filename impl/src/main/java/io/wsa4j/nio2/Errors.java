package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
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
 * <p>NIO2 exposes no errno. What it does expose is checked in this order:
 * <ol>
 *   <li>the exception's type: the JDK picks {@code ConnectException}, {@code BindException},
 *       {@code NoRouteToHostException} and {@code PortUnreachableException} from the OS error
 *       itself, and the channel
 *       exceptions ({@code AsynchronousCloseException}, {@code InterruptedByTimeoutException}...)
 *       name the condition;</li>
 *   <li>the message, where the type says nothing (a failed read or write is a plain
 *       {@code IOException}): the texts of {@link #TEXTS}, which are the English texts of the
 *       three platforms' JDKs — glibc and macOS {@code strerror}, the Windows JDK's own table and
 *       the Windows {@code FormatMessage} texts its asynchronous channels report;</li>
 *   <li>the texts of this machine's locale, learned once by {@link LocalErrorTexts} from errors
 *       it provokes on the loopback address: the JDK reports {@code strerror} in the process
 *       locale (it calls {@code setlocale}), so on a German system a reset reads "Die Verbindung
 *       wurde vom Kommunikationspartner zurückgesetzt";</li>
 *   <li>what the type alone implies (a refused connect, an address in use), else
 *       {@code WSAENETDOWN}.</li>
 * </ol>
 */
final class Errors {
  /** {@code ERROR_PORT_UNREACHABLE} (winerror.h): not among the contract's constants. */
  static final int ERROR_PORT_UNREACHABLE = 1234;

  private Errors() {}

  // Winsock codes the contract's Winsock class does not name (yet): the platform reports them
  /** The connection broke because keep-alive found the peer gone (ENETRESET). */
  static final int WSAENETRESET = 10052;
  /** The destination host is down (EHOSTDOWN). */
  static final int WSAEHOSTDOWN = 10064;

  /**
   * Fragments of the platforms' English error texts (lower case) and the Winsock code each means,
   * most specific first: "network dropped connection on reset" is {@code WSAENETRESET}, not a
   * reset. The comment names the source of each text.
   */
  static final Object[][] TEXTS = {
      // ENETRESET (glibc, macOS); WSAENETRESET 10052 (FormatMessage)
      {"network dropped connection on reset", WSAENETRESET},
      {"keep-alive activity detecting a failure", WSAENETRESET},
      // ECONNRESET "Connection reset by peer" (glibc, macOS, Windows JDK table); "Connection
      // reset", which the JDK's reads report in English whatever the locale; WSAECONNRESET 10054 and ERROR_NETNAME_DELETED 64 (FormatMessage)
      {"connection reset", WSAECONNRESET},
      {"forcibly closed by the remote host", WSAECONNRESET},
      {"network name is no longer available", WSAECONNRESET},
      // EPIPE: the peer is gone and this side wrote (glibc, macOS)
      {"broken pipe", WSAECONNABORTED},
      // ECONNABORTED (glibc, macOS, Windows JDK table); WSAECONNABORTED 10053 and
      // ERROR_CONNECTION_ABORTED 1236 (FormatMessage)
      {"software caused connection abort", WSAECONNABORTED},
      {"aborted by the software in your host machine", WSAECONNABORTED},
      {"connection was aborted by the local system", WSAECONNABORTED},
      // ECONNREFUSED; WSAECONNREFUSED 10061 and ERROR_CONNECTION_REFUSED 1225 (FormatMessage)
      {"connection refused", WSAECONNREFUSED},
      {"target machine actively refused it", WSAECONNREFUSED},
      {"refused the network connection", WSAECONNREFUSED},
      // ETIMEDOUT "Connection timed out" (glibc), "Operation timed out" (macOS); WSAETIMEDOUT
      // 10060 and ERROR_SEM_TIMEOUT 121 (FormatMessage)
      {"timed out", WSAETIMEDOUT},
      {"did not properly respond after a period of time", WSAETIMEDOUT},
      {"semaphore timeout period has expired", WSAETIMEDOUT},
      // ENETUNREACH; WSAENETUNREACH 10051 and ERROR_NETWORK_UNREACHABLE 1231 (FormatMessage)
      {"network is unreachable", WSAENETUNREACH},
      {"attempted to an unreachable network", WSAENETUNREACH},
      {"network location cannot be reached", WSAENETUNREACH},
      // EHOSTUNREACH "No route to host"; WSAEHOSTUNREACH 10065 and ERROR_HOST_UNREACHABLE 1232
      {"no route to host", WSAEHOSTUNREACH},
      {"attempted to an unreachable host", WSAEHOSTUNREACH},
      {"remote system is not reachable by the transport", WSAEHOSTUNREACH},
      // EHOSTDOWN; WSAEHOSTDOWN 10064
      {"host is down", WSAEHOSTDOWN},
      {"destination host was down", WSAEHOSTDOWN},
      // ENETDOWN; WSAENETDOWN 10050
      {"network is down", WSAENETDOWN},
      {"encountered a dead network", WSAENETDOWN},
      // ENOBUFS; WSAENOBUFS 10055
      {"no buffer space", WSAENOBUFS},
      {"lacked sufficient buffer space", WSAENOBUFS},
      // EMFILE; WSAEMFILE 10024
      {"too many open files", WSAEMFILE},
      {"too many open sockets", WSAEMFILE},
      // EADDRINUSE; WSAEADDRINUSE 10048
      {"address already in use", WSAEADDRINUSE},
      {"only one usage of each socket address", WSAEADDRINUSE},
      // EADDRNOTAVAIL "Cannot assign..." (glibc), "Can't assign..." (macOS); WSAEADDRNOTAVAIL
      // 10049
      {"assign requested address", WSAEADDRNOTAVAIL},
      {"address not available", WSAEADDRNOTAVAIL},
      {"requested address is not valid in its context", WSAEADDRNOTAVAIL},
      // ESHUTDOWN "Cannot send after transport endpoint shutdown" (glibc), "Can't send after
      // socket shutdown" (macOS); WSAESHUTDOWN 10058
      {"after transport endpoint shutdown", WSAESHUTDOWN},
      {"after socket shutdown", WSAESHUTDOWN},
      {"already been shut down in that direction", WSAESHUTDOWN},
      // ENOTCONN "Transport endpoint is not connected" (glibc), "Socket is not connected"
      // (macOS); WSAENOTCONN 10057
      {"is not connected", WSAENOTCONN},
      // EMSGSIZE "Message too long" (glibc, macOS): a datagram over the size limit
      {"message too long", WSAEMSGSIZE},
      // EACCES on bind, and on a send to a broadcast address without SO_BROADCAST; WSAEACCES 10013
      {"permission denied", WSAEACCES},
      {"forbidden by its access permissions", WSAEACCES},
  };

  /** The Winsock code for a failure NIO2 reported. */
  static int toWinsock(Throwable t) {
    int byType = byType(t);
    if (byType != 0) {
      return byType;
    }
    if (!(t instanceof IOException)) {
      return WSAEINVAL; // an unexpected runtime exception: a bad argument that slipped through
    }
    String message = t.getMessage();
    if (message != null && !message.isEmpty()) {
      int known = byText(message);
      if (known != 0) {
        return known;
      }
      int learned = LocalErrorTexts.lookup(message);
      if (learned != 0) {
        return learned;
      }
    }
    if (t instanceof BindException) {
      return WSAEADDRINUSE; // EADDRINUSE, EADDRNOTAVAIL or EACCES: the first is the common one
    }
    if (t instanceof ConnectException) {
      return WSAECONNREFUSED; // ECONNREFUSED, ETIMEDOUT or ENOTCONN: likewise
    }
    return WSAENETDOWN;
  }

  /** The code the exception's type alone decides, or 0. */
  private static int byType(Throwable t) {
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
    if (t instanceof AlreadyBoundException || t instanceof NotYetBoundException) {
      return WSAEINVAL;
    }
    if (t instanceof UnsupportedAddressTypeException) {
      return WSAEAFNOSUPPORT;
    }
    if (t instanceof UnresolvedAddressException) {
      return WSAEADDRNOTAVAIL;
    }
    if (t instanceof NoRouteToHostException) {
      return WSAEHOSTUNREACH; // the JDK throws it for EHOSTUNREACH only
    }
    if (t instanceof PortUnreachableException) {
      return WSAECONNRESET; // an ICMP port unreachable: Windows reports it as a reset
    }
    if (t instanceof OutOfMemoryError) {
      return WSAENOBUFS;
    }
    if (t instanceof ConnectException && t.getMessage() == null) {
      return WSAECONNREFUSED;
    }
    return 0;
  }

  /** The code of the first fragment of {@link #TEXTS} in {@code message}, or 0. */
  static int byText(String message) {
    String m = message.toLowerCase(Locale.ROOT);
    for (Object[] entry : TEXTS) {
      if (m.contains((String) entry[0])) {
        return (Integer) entry[1];
      }
    }
    return 0;
  }

  /**
   * The Win32 code {@code GetQueuedCompletionStatus} reports for an operation that failed with
   * this Winsock code (for example {@code WSAECONNRESET} → {@code ERROR_NETNAME_DELETED}, or
   * {@code ERROR_PORT_UNREACHABLE} (1234) on a datagram socket, where it is an ICMP error).
   */
  static int toWin32(int winsockCode, boolean datagram) {
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
