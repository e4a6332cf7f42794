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
        Arguments.of(new IOException("Connection reset by peer"), WSAECONNRESET),
        Arguments.of(new SocketException("Connection reset"), WSAECONNRESET),
        Arguments.of(new IOException("Broken pipe"), WSAECONNABORTED),
        Arguments.of(new IOException("Software caused connection abort"), WSAECONNABORTED),
        Arguments.of(new IOException("Connection timed out"), WSAETIMEDOUT),
        Arguments.of(new IOException("No route to host"), WSAEHOSTUNREACH),
        Arguments.of(new IOException("Network is unreachable"), WSAENETUNREACH),
        Arguments.of(new IOException("No buffer space available"), WSAENOBUFS),
        Arguments.of(new IOException("Too many open files"), WSAEMFILE),
        Arguments.of(new IOException("Transport endpoint is not connected"), WSAENOTCONN),
        Arguments.of(new IOException("something the table does not know"), WSAENETDOWN),
        Arguments.of(new IllegalArgumentException("bad"), WSAEINVAL));
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
