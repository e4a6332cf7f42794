package io.wsa4j.spi;

import io.wsa4j.WsaBuf;
import io.wsa4j.WsaNetworkEvents;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaOverlappedEntry;
import io.wsa4j.WsaPollFd;
import java.nio.ByteBuffer;

/**
 * (Provider implementors only.) Access to the state of API objects that only a provider may
 * write: a token's status and count, a buffer's cached view, a completion entry's fields.
 *
 * <p>Each API class registers its accessor from its static initializer, the way the JDK's
 * {@code SharedSecrets} work, so these writers are never public methods of the API types that
 * users could call. {@code module-info} exports this package to the provider module only; on the
 * class path it is reachable but not part of the supported API.
 */
public final class Spi {
  private Spi() {}

  /** Writes the provider-owned state of a {@link WsaOverlapped}. */
  public interface OverlappedAccess {
    /**
     * Claims a token for a new operation: status {@code STATUS_PENDING}, count 0.
     *
     * @param overlapped the token passed to the call that starts the operation
     * @return true when claimed; false, changing nothing, when the token is already pending
     *     (rule 17)
     */
    boolean tryBegin(WsaOverlapped overlapped);

    /**
     * Records the outcome: first the count, then the status (0 or a Winsock code), so that a
     * thread that sees the status not pending also sees the count.
     *
     * @param overlapped the token of the completed operation
     * @param status 0, or the Winsock code of the failure
     * @param bytesTransferred the bytes sent or received
     */
    void complete(WsaOverlapped overlapped, int status, int bytesTransferred);
  }

  /** Hands out the one view the provider keeps per {@link WsaBuf}. */
  public interface BufAccess {
    /**
     * Takes the buffer's cached view for exclusive use, creating it on first use.
     *
     * @param buf the buffer
     * @return the view, or null when another operation holds it (the caller then makes its own)
     */
    ByteBuffer claimView(WsaBuf buf);

    /**
     * Gives back a view obtained from {@link #claimView}.
     *
     * @param buf the buffer whose view is given back
     */
    void releaseView(WsaBuf buf);
  }

  /** Fills a {@link WsaOverlappedEntry} in place. */
  public interface EntryAccess {
    /**
     * Sets all three fields of the entry.
     *
     * @param entry the entry to fill
     * @param completionKey the packet's key
     * @param overlapped the packet's token, or null
     * @param bytes the packet's count
     */
    void fill(WsaOverlappedEntry entry, long completionKey, WsaOverlapped overlapped, int bytes);
  }

  /** Writes {@code revents} of a {@link WsaPollFd}. */
  public interface PollFdAccess {
    /**
     * Sets the entry's {@code revents}.
     *
     * @param entry the entry {@code poll} answers
     * @param revents the events that happened
     */
    void revents(WsaPollFd entry, int revents);
  }

  /** Fills a {@link WsaNetworkEvents} in place. */
  public interface NetworkEventsAccess {
    /**
     * Sets the recorded events and their codes.
     *
     * @param out the record {@code enumNetworkEvents} fills
     * @param networkEvents the {@code FD_*} events
     * @param errorCodes {@code FD_MAX_EVENTS} codes, indexed by {@code FD_*_BIT}
     */
    void fill(WsaNetworkEvents out, int networkEvents, int[] errorCodes);
  }

  private static volatile OverlappedAccess overlappedAccess;
  private static volatile PollFdAccess pollFdAccess;
  private static volatile NetworkEventsAccess networkEventsAccess;
  private static volatile BufAccess bufAccess;
  private static volatile EntryAccess entryAccess;

  /**
   * Called once by {@link WsaOverlapped}'s static initializer.
   *
   * @param access the accessor; later registrations are ignored
   */
  public static void register(OverlappedAccess access) {
    if (overlappedAccess == null) {
      overlappedAccess = access;
    }
  }

  /**
   * Called once by {@link WsaBuf}'s static initializer.
   *
   * @param access the accessor; later registrations are ignored
   */
  public static void register(BufAccess access) {
    if (bufAccess == null) {
      bufAccess = access;
    }
  }

  /**
   * Called once by {@link WsaOverlappedEntry}'s static initializer.
   *
   * @param access the accessor; later registrations are ignored
   */
  public static void register(EntryAccess access) {
    if (entryAccess == null) {
      entryAccess = access;
    }
  }

  /**
   * Called once by {@link WsaPollFd}'s static initializer.
   *
   * @param access the accessor; later registrations are ignored
   */
  public static void register(PollFdAccess access) {
    if (pollFdAccess == null) {
      pollFdAccess = access;
    }
  }

  /**
   * Called once by {@link WsaNetworkEvents}'s static initializer.
   *
   * @param access the accessor; later registrations are ignored
   */
  public static void register(NetworkEventsAccess access) {
    if (networkEventsAccess == null) {
      networkEventsAccess = access;
    }
  }

  /**
   * The accessor for poll entries.
   *
   * @return the accessor registered by {@link WsaPollFd}, which is initialized if needed
   */
  public static PollFdAccess pollFd() {
    if (pollFdAccess == null) {
      initialize(WsaPollFd.class);
    }
    return pollFdAccess;
  }

  /**
   * The accessor for network-event records.
   *
   * @return the accessor registered by {@link WsaNetworkEvents}, which is initialized if needed
   */
  public static NetworkEventsAccess networkEvents() {
    if (networkEventsAccess == null) {
      initialize(WsaNetworkEvents.class);
    }
    return networkEventsAccess;
  }

  /**
   * The accessor for tokens.
   *
   * @return the accessor registered by {@link WsaOverlapped}, which is initialized if needed
   */
  public static OverlappedAccess overlapped() {
    if (overlappedAccess == null) {
      initialize(WsaOverlapped.class);
    }
    return overlappedAccess;
  }

  /**
   * The accessor for buffers.
   *
   * @return the accessor registered by {@link WsaBuf}, which is initialized if needed
   */
  public static BufAccess buf() {
    if (bufAccess == null) {
      initialize(WsaBuf.class);
    }
    return bufAccess;
  }

  /**
   * The accessor for completion entries.
   *
   * @return the accessor registered by {@link WsaOverlappedEntry}, which is initialized if needed
   */
  public static EntryAccess entry() {
    if (entryAccess == null) {
      initialize(WsaOverlappedEntry.class);
    }
    return entryAccess;
  }

  private static void initialize(Class<?> type) {
    try {
      Class.forName(type.getName(), true, type.getClassLoader());
    } catch (ClassNotFoundException impossible) {
      throw new AssertionError(impossible);
    }
  }
}
