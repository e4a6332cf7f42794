package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The socket options of API.md rule 38, which NIO2 either lacks or cannot express, and the state
 * behind them. {@link SocketOptions} keeps the options NIO2 has; the rest live here:
 *
 * <ul>
 *   <li>{@code SO_RCVTIMEO}/{@code SO_SNDTIMEO}: milliseconds, 0 for none (the default). Only
 *       blocking calls time out, in wsa4j's own wait (never an NIO2 timeout, which would leave
 *       the channel unable to read again); overlapped calls never do (winsock-semantics
 *       scenario 15, Wine's {@code test_timeout}).
 *   <li>{@code SO_ERROR}: the pending error, cleared when read.
 *   <li>{@code SO_CONNECT_TIME}: whole seconds since the connection was made, −1 while there is
 *       none (Wine's {@code test_connect_time}: −1 before connecting, 0 just after).
 *   <li>{@code SO_TYPE}, {@code SO_ACCEPTCONN}: read-only facts of the socket.
 *   <li>{@code SO_EXCLUSIVEADDRUSE}: kept, and refused together with {@code SO_REUSEADDR} as on
 *       Windows; binding is exclusive anyway unless {@code SO_REUSEADDR} is set.
 *   <li>{@code SO_BROADCAST}: kept; TCP cannot broadcast, so on a stream socket it has no effect,
 *       as on Windows, which stores it and answers with it.
 *   <li>{@code IPV6_V6ONLY}: the JDK opens every IPv6 socket dual-stack and cannot change that, so
 *       it reads 0 and only 0 may be set; 1 fails with {@code WSAENOPROTOOPT}.
 * </ul>
 *
 * Fields are volatile: the blocking calls and the I/O threads read them without the socket lock.
 */
final class ExtendedOptions {
  /** What {@link #set} and {@link #get} return for an option that is not theirs. */
  static final int NOT_MINE = Integer.MIN_VALUE;

  private volatile int receiveTimeout;
  private volatile int sendTimeout;
  private volatile boolean broadcast;
  private volatile boolean exclusiveAddressUse;
  /** {@code System.nanoTime()} when the connection was made, or −1 while there is none. */
  private volatile long connectedAt = -1;
  private final AtomicInteger pendingError = new AtomicInteger();

  /** The connection was made (connect, ConnectEx, accept, AcceptEx). */
  void connected() {
    connectedAt = System.nanoTime();
  }

  /** The connection is gone for good (DisconnectEx with reuse). */
  void disconnected() {
    connectedAt = -1;
  }

  /** Records an error for {@code SO_ERROR} to report once (a failed non-blocking connect). */
  void recordError(int code) {
    pendingError.set(code);
  }

  /** {@code SO_RCVTIMEO} in milliseconds; 0 for none. Read as unsigned, as Windows' DWORD. */
  long receiveTimeoutMillis() {
    return Integer.toUnsignedLong(receiveTimeout);
  }

  /** {@code SO_SNDTIMEO} in milliseconds; 0 for none. */
  long sendTimeoutMillis() {
    return Integer.toUnsignedLong(sendTimeout);
  }

  /** {@code SO_UPDATE_ACCEPT_CONTEXT} and {@code accept}: the listener's values. */
  void inherit(ExtendedOptions listener) {
    receiveTimeout = listener.receiveTimeout;
    sendTimeout = listener.sendTimeout;
    broadcast = listener.broadcast;
  }

  /**
   * {@code setsockopt} of one of these options.
   *
   * @return 0, a Winsock code, or {@link #NOT_MINE}
   */
  int set(NioSocket s, int level, int option, int value) {
    if (level == IPPROTO_IPV6) {
      if (s.family != AF_INET6) {
        return WSAEINVAL; // not an IPv6 socket: the level is not valid for it
      }
      if (option != IPV6_V6ONLY) {
        return WSAENOPROTOOPT;
      }
      return value == 0 ? 0 : WSAENOPROTOOPT; // the JDK's IPv6 sockets are always dual-stack
    }
    if (level != SOL_SOCKET) {
      return NOT_MINE;
    }
    switch (option) {
      case SO_RCVTIMEO:
        receiveTimeout = value;
        return 0;
      case SO_SNDTIMEO:
        sendTimeout = value;
        return 0;
      case SO_BROADCAST:
        broadcast = value != 0;
        return 0;
      case SO_EXCLUSIVEADDRUSE:
        if (value != 0 && s.reuseAddressSet()) {
          return WSAEINVAL; // the two cannot be combined
        }
        exclusiveAddressUse = value != 0;
        return 0;
      case SO_REUSEADDR:
        return value != 0 && exclusiveAddressUse ? WSAEINVAL : NOT_MINE;
      case SO_UPDATE_CONNECT_CONTEXT:
        return s.updateConnectContext(); // C passes (NULL, 0): the int form is the same call
      case SO_UPDATE_ACCEPT_CONTEXT:
        return WSAEFAULT; // needs the listener: setsockopt(s, level, option, WsaSocket)
      case SO_ERROR:
      case SO_TYPE:
      case SO_ACCEPTCONN:
      case SO_CONNECT_TIME:
        return WSAENOPROTOOPT; // read-only
      default:
        return NOT_MINE;
    }
  }

  /**
   * {@code getsockopt} of one of these options into {@code out[0]} (checked by the caller).
   *
   * @return 0, a Winsock code, or {@link #NOT_MINE}
   */
  int get(NioSocket s, int level, int option, int[] out) {
    if (level == IPPROTO_IPV6) {
      if (s.family != AF_INET6) {
        return WSAEINVAL;
      }
      if (option != IPV6_V6ONLY) {
        return WSAENOPROTOOPT;
      }
      out[0] = 0;
      return 0;
    }
    if (level != SOL_SOCKET) {
      return NOT_MINE;
    }
    switch (option) {
      case SO_RCVTIMEO:
        out[0] = receiveTimeout;
        return 0;
      case SO_SNDTIMEO:
        out[0] = sendTimeout;
        return 0;
      case SO_BROADCAST:
        out[0] = broadcast ? 1 : 0;
        return 0;
      case SO_EXCLUSIVEADDRUSE:
        out[0] = exclusiveAddressUse ? 1 : 0;
        return 0;
      case SO_ERROR:
        out[0] = pendingError.getAndSet(0);
        return 0;
      case SO_TYPE:
        out[0] = s instanceof NioDatagramSocket ? SOCK_DGRAM : SOCK_STREAM;
        return 0;
      case SO_ACCEPTCONN:
        out[0] = s.isListening() ? 1 : 0;
        return 0;
      case SO_CONNECT_TIME:
        long at = connectedAt;
        out[0] = at < 0 ? -1
            : (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - at));
        return 0;
      default:
        return NOT_MINE;
    }
  }
}
