package io.wsa4j;

/** The calling thread's last error: the storage behind {@code WSAGetLastError}. */
final class LastError {
  private LastError() {}

  private static final ThreadLocal<int[]> CODE = ThreadLocal.withInitial(() -> new int[1]);

  static int get() {
    return CODE.get()[0];
  }

  static void set(int code) {
    CODE.get()[0] = code;
  }
}
