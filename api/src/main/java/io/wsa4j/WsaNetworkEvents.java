package io.wsa4j;

import io.wsa4j.spi.Spi;
import java.util.Arrays;

/**
 * {@code WSANETWORKEVENTS}: what {@link Wsa#enumNetworkEvents} reports: the network events
 * recorded since the last call ({@code lNetworkEvents}) and an error code per event
 * ({@code iErrorCode[FD_*_BIT]}).
 *
 * <p>Allocate one and pass it to every call: it is overwritten in place. Not thread-safe, like
 * the C structure.
 */
public final class WsaNetworkEvents {
  static {
    Spi.register((Spi.NetworkEventsAccess) (out, events, codes) -> {
      out.networkEvents = events;
      System.arraycopy(codes, 0, out.errorCodes, 0, Winsock.FD_MAX_EVENTS);
    });
  }

  private int networkEvents;
  private final int[] errorCodes = new int[Winsock.FD_MAX_EVENTS];

  /** An empty record, to be filled by {@link Wsa#enumNetworkEvents}. */
  public WsaNetworkEvents() {}

  /**
   * {@code lNetworkEvents}.
   *
   * @return the {@code FD_*} events recorded, combined
   */
  public int networkEvents() {
    return networkEvents;
  }

  /**
   * {@code iErrorCode[bit]}.
   *
   * @param bit {@code FD_READ_BIT} … {@code FD_CLOSE_BIT}
   * @return the Winsock error code of that event (0 when it succeeded), or 0 for a bit out of
   *     range
   */
  public int errorCode(int bit) {
    return bit >= 0 && bit < errorCodes.length ? errorCodes[bit] : 0;
  }

  @Override
  public String toString() {
    return "WsaNetworkEvents[0x" + Integer.toHexString(networkEvents) + ", "
        + Arrays.toString(errorCodes) + "]";
  }
}
