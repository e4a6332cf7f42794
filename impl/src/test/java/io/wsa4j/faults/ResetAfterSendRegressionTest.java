package io.wsa4j.faults;

import static io.wsa4j.Winsock.WSAECONNABORTED;
import static io.wsa4j.Winsock.WSAECONNRESET;
import static io.wsa4j.Winsock.WSA_IO_PENDING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.faults.Program.Buf;
import io.wsa4j.faults.Program.PeerReset;
import io.wsa4j.faults.Program.PeerWrite;
import io.wsa4j.faults.Program.Recv;
import io.wsa4j.faults.Program.Send;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Found by {@link StreamPropertyTest} (shrunk from a 14-step program): Linux reports a socket's
 * error to the first read or write only, and reads return 0 after that. When a send's write takes
 * the ECONNRESET of a reset connection, a receive must still fail with {@code WSAECONNRESET}, not
 * complete with 0 bytes and success, a graceful EOF that makes a truncated stream look complete
 * (API.md rule 14). Sharing the error between directions (commit 7a99684) fixes the case where the
 * send's failure is known before the receive reads; the race where both run at once remains.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResetAfterSendRegressionTest extends WsaFixture {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Indication.class)
  void receiveAfterAResetThatASendSawFailsWithConnectionResetNotEof(Indication mode)
      throws Exception {
    Wsa wsa = startup();
    Conn c = connect(wsa, true);
    WsaCompletionPort port = mode.prepare(wsa, c.s());
    // a send that stays pending: the kernel's error goes to its write when the RST lands
    CountingToken send = mode.token(wsa);
    mustStart(sendOv(wsa, c.s(), WsaBuf.allocateDirect(8 << 20), send, mode.routine()), "send");
    readN(c.peer(), 1000);
    c.peer().setSoLinger(true, 0);
    c.peer().close();
    int[] s = mode.await(wsa, c.s(), port, send);
    assertTrue(s[0] == WSAECONNRESET || s[0] == WSAECONNABORTED,
        () -> "the send completed with " + name(s[0]));

    CountingToken recv = mode.token(wsa);
    int rc = recvOv(wsa, c.s(), WsaBuf.allocate(100), recv, mode.routine());
    int status;
    int bytes = 0;
    if (rc != 0 && Wsa.getLastError() != WSA_IO_PENDING) {
      status = Wsa.getLastError(); // failing at once is as good
    } else {
      int[] r = mode.await(wsa, c.s(), port, recv);
      status = r[0];
      bytes = r[1];
    }
    int got = status;
    int n = bytes;
    assertTrue(got == WSAECONNRESET || got == WSAECONNABORTED, () -> "a receive after the peer's"
        + " reset completed with " + name(got) + " and " + n + " bytes (" + (got == 0 && n == 0
        ? "a graceful EOF" : "?") + "), not WSAECONNRESET");
  }

  /**
   * The race that remains once connection errors are shared between directions: a send and a
   * receive posted back to back on a connection the peer has already reset. The send's write
   * takes the kernel's one-shot ECONNRESET and the receive's read gets 0 at about the same time,
   * on different I/O threads; the receive must not report EOF before the send's error is known.
   * Shrunk by {@link StreamPropertyTest} (strict mode) from a 7-step program.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Indication.class)
  void sendAndReceivePostedTogetherAfterAResetBothFailWithConnectionReset(Indication mode)
      throws Exception {
    for (int attempt = 0; attempt < 30; attempt++) {
      Wsa wsa = startup();
      Conn c = connect(wsa, true);
      WsaCompletionPort port = mode.prepare(wsa, c.s());
      c.peer().setSoLinger(true, 0);
      c.peer().close();
      CountingToken send = mode.token(wsa);
      CountingToken recv = mode.token(wsa);
      int sendRc = sendOv(wsa, c.s(), WsaBuf.allocate(20327), send, mode.routine());
      int sendCode = sendRc == 0 ? 0 : Wsa.getLastError();
      int recvRc = recvOv(wsa, c.s(), WsaBuf.allocateDirect(219407), recv, mode.routine());
      int recvCode = recvRc == 0 ? 0 : Wsa.getLastError();
      int status;
      int bytes = 0;
      if (recvCode != 0 && recvCode != WSA_IO_PENDING) {
        status = recvCode; // refused at once: the error was known already
      } else if (mode == Indication.PORT) {
        int[] r = null;
        int packets = sendCode == WSA_IO_PENDING || sendCode == 0 ? 2 : 1;
        for (int i = 0; i < packets; i++) { // in completion order, whichever finished first
          int[] n = new int[1];
          WsaOverlapped[] ov = new WsaOverlapped[1];
          boolean ok = wsa.getQueuedCompletionStatus(port, n, new long[1], ov, (int) WAIT_MS);
          int err = ok ? 0 : Wsa.getLastError();
          assertTrue(ov[0] == send || ov[0] == recv, () -> "no packet: " + name(err));
          if (ov[0] == recv) {
            r = new int[] {Indication.winsockOf(err), n[0]};
          }
        }
        assertTrue(r != null, "no packet for the receive");
        status = r[0];
        bytes = r[1];
      } else {
        int[] r = mode.await(wsa, c.s(), port, recv);
        status = r[0];
        bytes = r[1];
      }
      int got = status;
      int n = bytes;
      int tries = attempt;
      assertTrue(got == WSAECONNRESET || got == WSAECONNABORTED, () -> "attempt " + tries
          + ": a receive on a reset connection completed with " + name(got) + " and " + n
          + " bytes (a graceful EOF), not WSAECONNRESET; the send: " + name((int) send.internal()));
      wsa.cleanup();
    }
  }

  /** The shrunk program itself, run through the property harness a few times. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Indication.class)
  void shrunkProgramSendPeerWriteResetRecvHoldsTheInvariants(Indication mode) throws Exception {
    Program p = new Program(-6698058570765870012L, mode, true, List.of(
        new Send(List.of(new Buf(1, false))),
        new PeerWrite(1),
        new PeerReset(),
        new Recv(List.of(new Buf(1, true)))));
    for (int i = 0; i < 20; i++) {
      Throwable t = StreamPropertyTest.attempt(p, true);
      if (t != null) {
        throw new AssertionError("run " + i + " of\n" + p, t);
      }
    }
    assertEquals(4, p.steps().size());
  }
}
