package io.wsa4j.faults;

import io.wsa4j.faults.Program.Buf;
import io.wsa4j.faults.Program.CloseSocket;
import io.wsa4j.faults.Program.PeerReset;
import io.wsa4j.faults.Program.PeerWrite;
import io.wsa4j.faults.Program.Recv;
import io.wsa4j.faults.Program.Send;
import io.wsa4j.faults.Program.Wait;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Shrunk programs that {@link StreamPropertyTest} once failed on, kept as ordinary tests; each
 * runs a few times, since the races they caught are not certain to happen on every run. (The one
 * that found a library bug is in {@link ResetAfterSendRegressionTest}.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamRegressionTest {

  private static void runRepeatedly(Program p) {
    for (int i = 0; i < 20; i++) {
      Throwable t = StreamPropertyTest.attempt(p, true);
      if (t != null) {
        throw new AssertionError("run " + i + " of\n" + p, t);
      }
    }
  }

  /**
   * closesocket with received bytes still unread resets the connection, and the kernel drops the
   * 44 KiB of a completed send it had not yet transmitted. The JDK peer read 128,000 bytes and then
   * a clean EOF: its own writer had taken the kernel's one-shot ECONNRESET. The reference model
   * now counts a peer whose write failed as one that saw a reset, not a clean end.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Indication.class)
  void closeWithUnreadDataAfterACompletedSendIsAResetNotACleanEnd(Indication mode) {
    runRepeatedly(new Program(-3031171402290750382L, mode, false, List.of(
        new PeerWrite(11639),
        new PeerWrite(17773),
        new Recv(List.of(new Buf(16890, false))),
        new Send(List.of(new Buf(172054, false))),
        new Wait(0, 11),
        new CloseSocket())));
  }
  /**
   * The peer resets while a large send waits for room; a receive posted right after reads, on
   * the calling thread, while NIO2's poller lets the send take the kernel's one-shot ECONNRESET:
   * the receive then saw a plain end of stream. It must fail with the reset (the end of stream
   * waits for the send in flight), on every run (it failed in 1 of 200 programs on JDK 25).
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Indication.class)
  void receivePostedRightAfterAResetThatASendTakesFailsWithTheReset(Indication mode) {
    runRepeatedly(new Program(-7359789666826713876L, mode, true, List.of(
        new Send(List.of(new Buf(85803, true))),
        new PeerReset(),
        new Send(List.of(new Buf(33272, false))),
        new Recv(List.of(new Buf(1, false))))));
  }
}
