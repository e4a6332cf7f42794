package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wsa4j.WsaError;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.ShutdownChannelGroupException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One case per exception NIO2 can report, and the Winsock code it becomes (rule 14). */
@Timeout(10)
class ErrorsTest {

  static Stream<Arguments> exceptions() {
    return Stream.of(
        Arguments.of(new AsynchronousCloseException(), WSA_OPERATION_ABORTED),
        Arguments.of(new ClosedByInterruptException(), WSA_OPERATION_ABORTED),
        Arguments.of(new ClosedChannelException(), WSAENOTSOCK),
        Arguments.of(new ShutdownChannelGroupException(), WSAENETDOWN),
        Arguments.of(new InterruptedByTimeoutException(), WSAETIMEDOUT),
        Arguments.of(new NotYetConnectedException(), WSAENOTCONN),
        Arguments.of(new AlreadyConnectedException(), WSAEISCONN),
        Arguments.of(new ConnectionPendingException(), WSAEALREADY),
        Arguments.of(new AlreadyBoundException(), WSAEINVAL),
        Arguments.of(new NotYetBoundException(), WSAEINVAL),
        Arguments.of(new UnsupportedAddressTypeException(), WSAEAFNOSUPPORT),
        Arguments.of(new UnresolvedAddressException(), WSAEADDRNOTAVAIL),
        Arguments.of(new NoRouteToHostException("No route to host"), WSAEHOSTUNREACH),
        Arguments.of(new PortUnreachableException(), WSAECONNRESET),
        Arguments.of(new OutOfMemoryError("Direct buffer memory"), WSAENOBUFS),
        Arguments.of(new BindException("Address already in use"), WSAEADDRINUSE),
        Arguments.of(new BindException("Cannot assign requested address"), WSAEADDRNOTAVAIL),
        Arguments.of(new ConnectException(), WSAECONNREFUSED),
        Arguments.of(new ConnectException("Connection refused"), WSAECONNREFUSED),
        Arguments.of(new ConnectException("Connection timed out"), WSAETIMEDOUT),
        Arguments.of(new ConnectException("Network is unreachable"), WSAENETUNREACH),
        Arguments.of(new IOException("something the table does not know"), WSAENETDOWN),
        Arguments.of(new IllegalArgumentException("bad"), WSAEINVAL),
        Arguments.of(new ConnectException("a refusal in a language nobody taught us"),
            WSAECONNREFUSED),
        Arguments.of(new BindException("a bind failure in a language nobody taught us"),
            WSAEADDRINUSE));
  }

  /**
   * Every error text a JDK reports, by platform, with its Winsock code: glibc and macOS
   * {@code strerror} (Linux/macOS JDKs), the Windows JDK's own table (its synchronous calls), and
   * the Windows {@code FormatMessage} texts its asynchronous channels report (Win32 and Winsock
   * codes). One case per text.
   */
  static Stream<Arguments> platformTexts() {
    return Stream.of(
        // Linux (glibc strerror) and the JDK's own reset text
        Arguments.of("linux", "Connection reset by peer", WSAECONNRESET),
        Arguments.of("jdk", "Connection reset", WSAECONNRESET),
        Arguments.of("linux", "Broken pipe", WSAECONNABORTED),
        Arguments.of("linux", "Software caused connection abort", WSAECONNABORTED),
        Arguments.of("linux", "Connection refused", WSAECONNREFUSED),
        Arguments.of("linux", "Connection timed out", WSAETIMEDOUT),
        Arguments.of("linux", "Network is unreachable", WSAENETUNREACH),
        Arguments.of("linux", "No route to host", WSAEHOSTUNREACH),
        Arguments.of("linux", "Host is down", Errors.WSAEHOSTDOWN),
        Arguments.of("linux", "Network is down", WSAENETDOWN),
        Arguments.of("linux", "Network dropped connection on reset", Errors.WSAENETRESET),
        Arguments.of("linux", "No buffer space available", WSAENOBUFS),
        Arguments.of("linux", "Too many open files", WSAEMFILE),
        Arguments.of("linux", "Address already in use", WSAEADDRINUSE),
        Arguments.of("linux", "Cannot assign requested address", WSAEADDRNOTAVAIL),
        Arguments.of("linux", "Transport endpoint is not connected", WSAENOTCONN),
        Arguments.of("linux", "Cannot send after transport endpoint shutdown", WSAESHUTDOWN),
        Arguments.of("linux", "Permission denied", WSAEACCES),
        // macOS (BSD strerror) where it differs
        Arguments.of("macos", "Operation timed out", WSAETIMEDOUT),
        Arguments.of("macos", "Can't assign requested address", WSAEADDRNOTAVAIL),
        Arguments.of("macos", "Socket is not connected", WSAENOTCONN),
        Arguments.of("macos", "Can't send after socket shutdown", WSAESHUTDOWN),
        // Windows FormatMessage, Winsock codes
        Arguments.of("windows", "An existing connection was forcibly closed by the remote host.",
            WSAECONNRESET),
        Arguments.of("windows", "An established connection was aborted by the software in your "
            + "host machine.", WSAECONNABORTED),
        Arguments.of("windows", "No connection could be made because the target machine "
            + "actively refused it.", WSAECONNREFUSED),
        Arguments.of("windows", "A connection attempt failed because the connected party did not "
            + "properly respond after a period of time, or established connection failed because "
            + "connected host has failed to respond.", WSAETIMEDOUT),
        Arguments.of("windows", "A socket operation was attempted to an unreachable network.",
            WSAENETUNREACH),
        Arguments.of("windows", "A socket operation was attempted to an unreachable host.",
            WSAEHOSTUNREACH),
        Arguments.of("windows", "A socket operation failed because the destination host was down.",
            Errors.WSAEHOSTDOWN),
        Arguments.of("windows", "A socket operation encountered a dead network.", WSAENETDOWN),
        Arguments.of("windows", "The connection has been broken due to keep-alive activity "
            + "detecting a failure while the operation was in progress.", Errors.WSAENETRESET),
        Arguments.of("windows", "An operation on a socket could not be performed because the "
            + "system lacked sufficient buffer space or because a queue was full.", WSAENOBUFS),
        Arguments.of("windows", "Too many open sockets.", WSAEMFILE),
        Arguments.of("windows", "Only one usage of each socket address (protocol/network "
            + "address/port) is normally permitted.", WSAEADDRINUSE),
        Arguments.of("windows", "The requested address is not valid in its context.",
            WSAEADDRNOTAVAIL),
        Arguments.of("windows", "A request to send or receive data was disallowed because the "
            + "socket is not connected and (when sending on a datagram socket using a sendto "
            + "call) no address was supplied.", WSAENOTCONN),
        Arguments.of("windows", "A request to send or receive data was disallowed because the "
            + "socket had already been shut down in that direction with a previous shutdown "
            + "call.", WSAESHUTDOWN),
        Arguments.of("windows", "An attempt was made to access a socket in a way forbidden by its "
            + "access permissions.", WSAEACCES),
        // Windows FormatMessage, the Win32 codes an I/O completion port reports
        Arguments.of("windows", "The specified network name is no longer available.",
            WSAECONNRESET),
        Arguments.of("windows", "The network connection was aborted by the local system.",
            WSAECONNABORTED),
        Arguments.of("windows", "The remote computer refused the network connection.",
            WSAECONNREFUSED),
        Arguments.of("windows", "The semaphore timeout period has expired.", WSAETIMEDOUT),
        Arguments.of("windows", "The network location cannot be reached. For information about "
            + "network troubleshooting, see Windows Help.", WSAENETUNREACH),
        Arguments.of("windows", "The remote system is not reachable by the transport.",
            WSAEHOSTUNREACH));
  }

  @ParameterizedTest(name = "rule 14: {0} \"{1}\" → {2}")
  @MethodSource("platformTexts")
  void mapsEachPlatformTextToItsWinsockCode(String platform, String text, int expected) {
    for (Throwable failure : new Throwable[] {new IOException(text), new SocketException(text)}) {
      int code = Errors.toWinsock(failure);
      assertEquals(expected, code, () -> platform + " " + failure + ": expected "
          + WsaError.name(expected) + " but got " + WsaError.name(code));
    }
  }

  @Test
  @DisplayName("rule 14: a text learned from this machine's locale maps like the English one")
  void learnedTextsMapAsTheyWereProvoked() {
    LocalErrorTexts german = new LocalErrorTexts(java.util.Map.of(
        "Die Verbindung wurde vom Kommunikationspartner zurückgesetzt", WSAECONNRESET,
        "Verbindungsaufbau abgelehnt", WSAECONNREFUSED,
        "Die angeforderte Adresse kann nicht zugewiesen werden", WSAEADDRNOTAVAIL));
    assertEquals(WSAECONNRESET,
        german.codeOf("Die Verbindung wurde vom Kommunikationspartner zurückgesetzt"));
    assertEquals(WSAECONNREFUSED, german.codeOf("verbindungsaufbau abgelehnt."));
    assertEquals(WSAEADDRNOTAVAIL,
        german.codeOf("Die angeforderte Adresse kann nicht zugewiesen werden"));
    assertEquals(0, german.codeOf("Keine Route zum Zielrechner"), "never provoked: unknown");
  }

  @Test
  @DisplayName("rule 14: the probes learn this machine's own texts for the errors they provoke")
  void probesLearnThisMachinesTexts() {
    java.util.Map<String, Integer> learned = LocalErrorTexts.probe();
    // in whatever language this JVM runs, each provoked text maps back to its code
    assertEquals(true, learned.containsValue(WSAECONNREFUSED), () -> "refused: " + learned);
    assertEquals(true, learned.containsValue(WSAEADDRINUSE), () -> "in use: " + learned);
    assertEquals(true, learned.containsValue(WSAECONNRESET), () -> "reset: " + learned);
    learned.forEach((text, code) -> {
      int english = Errors.byText(text);
      if (english != 0) {
        assertEquals(code, english, () -> "the table and the probe disagree on \"" + text + "\"");
      }
    });
  }

  @ParameterizedTest(name = "rule 14: {0} → {1}")
  @MethodSource("exceptions")
  void mapsEachNio2FailureToItsWinsockCode(Throwable failure, int expected) {
    int code = Errors.toWinsock(failure);
    assertEquals(expected, code,
        () -> "expected " + WsaError.name(expected) + " but got " + WsaError.name(code));
  }

  static Stream<Arguments> win32() {
    return Stream.of(
        Arguments.of(0, 0),
        Arguments.of(WSAECONNRESET, ERROR_NETNAME_DELETED),
        Arguments.of(WSAECONNABORTED, ERROR_CONNECTION_ABORTED),
        Arguments.of(WSAECONNREFUSED, ERROR_CONNECTION_REFUSED),
        Arguments.of(WSAETIMEDOUT, ERROR_SEM_TIMEOUT),
        Arguments.of(WSAENETUNREACH, ERROR_NETWORK_UNREACHABLE),
        Arguments.of(WSAEHOSTUNREACH, ERROR_HOST_UNREACHABLE),
        Arguments.of(WSAEINVAL, ERROR_INVALID_PARAMETER),
        Arguments.of(WSAENOTSOCK, ERROR_INVALID_HANDLE),
        Arguments.of(WSA_OPERATION_ABORTED, ERROR_OPERATION_ABORTED));
  }

  @ParameterizedTest(name = "rule 14: {0} is reported by a completion port as {1}")
  @MethodSource("win32")
  void mapsWinsockCodesToTheWin32CodesOfACompletionPort(int winsock, int expected) {
    assertEquals(expected, Errors.toWin32(winsock));
  }

  @Test
  @DisplayName("rule 14: an exception without a message is mapped by its type alone")
  void messagelessIoExceptionIsNetDown() {
    assertEquals(WSAENETDOWN, Errors.toWinsock(new IOException()));
  }
}
