package io.wsa4j.faults;

import static io.wsa4j.Winsock.ERROR_IO_PENDING;
import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;
import static io.wsa4j.Winsock.WSA_WAIT_EVENT_0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An {@code AcceptEx} that asked for first data, whose connection is accepted but has sent
 * nothing yet, is still an operation of the listener: {@code CancelIoEx} on the listener and
 * {@code closesocket} of the listener abort it (API.md rules 12 and 13). A peer that connects and
 * stays silent must not be able to pin it. (Failed on 5856b88; fixed on the branch by 089e707.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AcceptExFirstDataCancelTest extends WsaFixture {
  /** A listener, an AcceptEx for 100 bytes of first data, and a client that connected silently. */
  private record Setup(Wsa wsa, WsaSocket listener, WsaSocket acceptSocket, WsaOverlapped token,
      Socket client) {}

  private Setup acceptedAndWaitingForData() throws Exception {
    Wsa wsa = startup();
    SocketAddress[] at = {null};
    WsaSocket listener = listen(wsa, at);
    WsaSocket acceptSocket = newSocket(wsa);
    WsaOverlapped token = new WsaOverlapped(wsa.createEvent());
    assertFalse(wsa.acceptEx(listener, acceptSocket, WsaBuf.allocate(100), 100, null, token));
    assertEquals(ERROR_IO_PENDING, Wsa.getLastError(), lastError("AcceptEx"));
    Socket client = track(new Socket());
    client.connect(at[0]);
    // the library has taken the connection once the accepted socket knows its peer
    awaitCondition(() -> wsa.getpeername(acceptSocket, new SocketAddress[1]) == 0,
        () -> "the connection was not accepted");
    return new Setup(wsa, listener, acceptSocket, token, client);
  }

  private static void assertAborted(Setup s, String by) {
    assertEquals(WSA_WAIT_EVENT_0, s.wsa().waitForMultipleEvents(1,
        new WsaEvent[] {s.token().event()}, false, (int) WAIT_MS, false),
        by + " left the AcceptEx pending (status " + s.token().internal() + ")");
    assertEquals(WSA_OPERATION_ABORTED, s.token().internal(), "the AcceptEx's status");
  }

  @Test
  void cancelIoExOnTheListenerWithItsTokenAbortsAnAcceptExWaitingForFirstData()
      throws Exception {
    Setup s = acceptedAndWaitingForData();
    boolean matched = s.wsa().cancelIoEx(s.listener(), s.token());
    int code = Wsa.getLastError();
    assertEquals(true, matched, () -> "CancelIoEx found nothing: " + name(code));
    assertAborted(s, "CancelIoEx(listener, token)");
  }

  @Test
  void cancelIoExOnTheListenerForAllAbortsAnAcceptExWaitingForFirstData() throws Exception {
    Setup s = acceptedAndWaitingForData();
    boolean matched = s.wsa().cancelIoEx(s.listener(), null);
    int code = Wsa.getLastError();
    assertEquals(true, matched, () -> "CancelIoEx found nothing: " + name(code));
    assertAborted(s, "CancelIoEx(listener, null)");
  }

  @Test
  void closingTheListenerAbortsAnAcceptExWaitingForFirstData() throws Exception {
    Setup s = acceptedAndWaitingForData();
    assertEquals(0, s.wsa().closesocket(s.listener()), lastError("closesocket"));
    assertAborted(s, "closesocket(listener)");
  }

  @Test
  void closingTheAcceptSocketAbortsAnAcceptExWaitingForFirstData() throws Exception {
    Setup s = acceptedAndWaitingForData();
    assertEquals(0, s.wsa().closesocket(s.acceptSocket()), lastError("closesocket"));
    assertAborted(s, "closesocket(acceptSocket)");
  }
}
