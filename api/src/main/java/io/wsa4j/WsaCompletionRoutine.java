package io.wsa4j;

/**
 * {@code LPWSAOVERLAPPED_COMPLETION_ROUTINE}: called when an overlapped operation started with it
 * completes.
 *
 * <p>As on Windows, a routine runs only on the thread that started the operation, and only while
 * that thread is in an alertable wait ({@link Wsa#sleepEx}{@code (…, true)} or
 * {@link Wsa#waitForMultipleEvents}{@code (…, true)}); routines queued to one thread run in the
 * order their operations completed. A routine that throws does not stop the others; the exception
 * is reported through {@link System.Logger}.
 */
@FunctionalInterface
public interface WsaCompletionRoutine {
  /**
   * Receives the outcome of one operation.
   *
   * @param error 0, or the Winsock code of the failure ({@code WSAECONNRESET},
   *     {@code WSA_OPERATION_ABORTED}, …)
   * @param bytesTransferred bytes sent or received (0 for a graceful close on receive)
   * @param overlapped the token the operation was started with
   * @param flags 0 (the receive flags; never {@code MSG_PARTIAL} on a stream)
   */
  void complete(int error, int bytesTransferred, WsaOverlapped overlapped, int flags);
}
