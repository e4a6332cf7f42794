package io.wsa4j.nio2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The WSAEventSelect record of {@link Readiness}, driven by pushes as a socket kind makes them:
 * recorded once per arming, re-enabled by the calls the Microsoft pages name, level-triggered.
 */
class ReadinessTest {
  private static final int READ = io.wsa4j.Winsock.FD_READ;
  private static final int WRITE = io.wsa4j.Winsock.FD_WRITE;
  private static final int ACCEPT = io.wsa4j.Winsock.FD_ACCEPT;
  private static final int CONNECT = io.wsa4j.Winsock.FD_CONNECT;
  private static final int CLOSE = io.wsa4j.Winsock.FD_CLOSE;
  private static final int ALL = READ | WRITE | ACCEPT | CONNECT | CLOSE;

  private final AtomicInteger watches = new AtomicInteger();
  private final Readiness r = new Readiness(watches::incrementAndGet);
  private final NioEvent event = new NioEvent(null);
  private final io.wsa4j.WsaNetworkEvents record = new io.wsa4j.WsaNetworkEvents();

  private int take() {
    r.takeRecord(event, record);
    return record.networkEvents();
  }

  @Test
  @DisplayName("FD_READ is recorded once until a recv re-enables it, and again at once if data is left")
  void readIsLevelTriggeredThroughRecv() {
    r.select(event, ALL);
    r.readable(true);
    assertTrue(event.isSignaled());
    assertEquals(READ, take());
    assertFalse(event.isSignaled(), "enumNetworkEvents resets the event");
    r.readable(false);
    r.readable(true); // more data, no recv in between: not recorded again
    assertEquals(0, take());
    r.reenable(READ); // a recv that leaves data
    assertEquals(READ, take());
    assertTrue(r.nonBlocking(), "eventSelect makes the socket non-blocking");
  }

  @Test
  @DisplayName("FD_WRITE: recorded when connected, then only after a send refused with WSAEWOULDBLOCK gets room")
  void writeAfterWouldBlock() {
    r.select(event, ALL);
    r.writable(true);
    assertEquals(WRITE, take());
    r.writable(false);
    r.writable(true);
    assertEquals(0, take(), "room came back but no send was refused");
    r.writable(false);
    r.reenable(WRITE); // a send failed with WSAEWOULDBLOCK
    assertEquals(0, take());
    r.writable(true);
    assertEquals(WRITE, take());
  }

  @Test
  @DisplayName("events already true when eventSelect is called are recorded at once; a new selection clears the record")
  void selectRecordsWhatIsTrue() {
    r.readable(true);
    r.writable(true);
    r.select(event, READ | WRITE | CLOSE);
    assertTrue(event.isSignaled());
    r.select(event, READ);
    assertEquals(READ, take(), "the second selection cleared FD_WRITE and records only FD_READ");
  }

  @Test
  @DisplayName("FD_CLOSE and FD_CONNECT come once, with their error codes")
  void closeAndConnectOnce() {
    r.select(event, ALL);
    r.connectStarted();
    r.connectDone(10061);
    r.ended(10054);
    r.ended(0);
    assertEquals(CONNECT | CLOSE, take());
    assertEquals(10061, record.errorCode(io.wsa4j.Winsock.FD_CONNECT_BIT));
    assertEquals(10054, record.errorCode(io.wsa4j.Winsock.FD_CLOSE_BIT), "the first end counts");
    r.reenable(READ);
    assertEquals(0, take());
    assertEquals(10054, r.closeCode());
    assertTrue(r.connectFailed());
  }

  @Test
  @DisplayName("FD_ACCEPT is re-enabled by accept; events outside the mask are never recorded")
  void acceptAndMask() {
    r.select(event, ACCEPT);
    r.readable(true);
    r.acceptable(true);
    assertEquals(ACCEPT, take());
    r.reenable(ACCEPT); // an accept that leaves connections waiting
    assertEquals(ACCEPT, take());
    r.select(null, 0);
    r.acceptable(false);
    r.acceptable(true);
    assertEquals(0, take(), "(null, 0) cancels the selection");
  }

  @Test
  @DisplayName("FIONBIO 0 fails while a selection is active")
  void blockingRefusedWhileSelected() {
    r.select(event, READ);
    assertFalse(r.nonBlocking(false));
    r.select(null, 0);
    assertTrue(r.nonBlocking(false));
    assertFalse(r.nonBlocking());
  }

  @Test
  @DisplayName("an accepted socket takes the listener's selection and records its own true events")
  void inherit() {
    Readiness listener = new Readiness(() -> { });
    listener.select(event, READ | WRITE);
    r.writable(true);
    r.inherit(listener);
    assertEquals(WRITE, take());
    assertTrue(r.nonBlocking());
  }
}
