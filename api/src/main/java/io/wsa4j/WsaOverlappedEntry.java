package io.wsa4j;

import io.wsa4j.spi.Spi;

/**
 * {@code OVERLAPPED_ENTRY}: one packet removed by {@link Wsa#getQueuedCompletionStatusEx}.
 *
 * <p>Allocate an array of entries once and pass it to every call: the library fills the entries in
 * place (a null slot gets a new entry). As on Windows, an entry may describe a failed operation:
 * check {@code overlapped().internal()}.
 */
public final class WsaOverlappedEntry {
  static {
    Spi.register((Spi.EntryAccess) (entry, key, overlapped, bytes) -> {
      entry.completionKey = key;
      entry.overlapped = overlapped;
      entry.bytesTransferred = bytes;
    });
  }

  private long completionKey;
  private WsaOverlapped overlapped;
  private int bytesTransferred;

  /** An empty entry, to be filled by {@link Wsa#getQueuedCompletionStatusEx}. */
  public WsaOverlappedEntry() {}

  /**
   * {@code lpCompletionKey}: the key the socket was associated with, or the posted key.
   *
   * @return the completion key
   */
  public long completionKey() {
    return completionKey;
  }

  /**
   * {@code lpOverlapped}: the operation's token, or the posted value (may be null).
   *
   * @return the token, or null
   */
  public WsaOverlapped overlapped() {
    return overlapped;
  }

  /**
   * {@code dwNumberOfBytesTransferred}.
   *
   * @return the bytes the operation transferred, or the posted count
   */
  public int bytesTransferred() {
    return bytesTransferred;
  }

  @Override
  public String toString() {
    return "WsaOverlappedEntry[key=" + completionKey + ", bytes=" + bytesTransferred + ", "
        + overlapped + "]";
  }
}
