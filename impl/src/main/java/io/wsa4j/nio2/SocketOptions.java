package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;

import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;

/**
 * The options of one socket. Winsock lets options be set before the socket has a channel (NIO2
 * needs to know whether it will connect or listen to pick a channel type), so values are kept here
 * and applied to each channel the socket opens; once a channel exists, reads and writes go to it.
 */
final class SocketOptions {
  /** Supported (level, option) pairs, in a fixed order. */
  private static final int[][] KEYS = {
    {SOL_SOCKET, SO_REUSEADDR}, {SOL_SOCKET, SO_KEEPALIVE}, {SOL_SOCKET, SO_RCVBUF},
    {SOL_SOCKET, SO_SNDBUF}, {IPPROTO_TCP, TCP_NODELAY},
  };
  private static final SocketOption<?>[] NIO = {
    StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_KEEPALIVE,
    StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_SNDBUF,
    StandardSocketOptions.TCP_NODELAY,
  };

  /** Values set before a channel existed; guarded by the socket. */
  private final int[] values = new int[KEYS.length];
  private final boolean[] set = new boolean[KEYS.length];

  /** The index of a supported option, -2 for an unknown level, -1 for an unknown option. */
  static int indexOf(int level, int option) {
    if (level != SOL_SOCKET && level != IPPROTO_TCP) {
      return -2;
    }
    for (int i = 0; i < KEYS.length; i++) {
      if (KEYS[i][0] == level && KEYS[i][1] == option) {
        return i;
      }
    }
    return -1;
  }

  /** Sets option {@code i} on {@code channel} (if any) and remembers it for later channels. */
  int set(int i, int value, NetworkChannel channel) {
    boolean isBuffer = NIO[i] == StandardSocketOptions.SO_RCVBUF
        || NIO[i] == StandardSocketOptions.SO_SNDBUF;
    if (isBuffer && value < 0) {
      return WSAEINVAL;
    }
    values[i] = value;
    set[i] = true;
    if (channel != null && channel.supportedOptions().contains(NIO[i])) {
      try {
        apply(channel, i);
      } catch (IOException | RuntimeException e) {
        return Errors.toWinsock(e);
      }
    }
    return 0;
  }

  /**
   * The value of option {@code i}: the channel's if it has one, else the value set, else the
   * system's default (what a fresh socket reports). Booleans read as 0 or 1.
   */
  int get(int i, NetworkChannel channel) throws IOException {
    if (channel != null && channel.supportedOptions().contains(NIO[i])) {
      return read(channel, i);
    }
    if (set[i]) {
      return NIO[i].type() == Boolean.class ? (values[i] != 0 ? 1 : 0) : values[i];
    }
    return Defaults.VALUES[i];
  }

  private static int read(NetworkChannel channel, int i) throws IOException {
    Object v = channel.getOption(NIO[i]);
    return v instanceof Boolean ? ((Boolean) v ? 1 : 0) : (Integer) v;
  }

  /** What a fresh TCP socket of this system reports, read once from a throwaway channel. */
  private static final class Defaults {
    static final int[] VALUES = probe();

    private static int[] probe() {
      int[] v = new int[KEYS.length];
      try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open()) {
        for (int i = 0; i < KEYS.length; i++) {
          v[i] = read(ch, i);
        }
      } catch (IOException e) {
        System.getLogger("io.wsa4j").log(System.Logger.Level.DEBUG,
            "cannot read the system's socket option defaults; reporting 0", e);
      }
      return v;
    }
  }

  /** A copy of the values set so far (for an accepted socket to inherit). */
  SocketOptions copy() {
    SocketOptions c = new SocketOptions();
    System.arraycopy(values, 0, c.values, 0, values.length);
    System.arraycopy(set, 0, c.set, 0, set.length);
    return c;
  }

  /**
   * Takes every value {@code from} has set that this socket has not set itself, and applies it
   * to {@code channel} if there is one. An option the channel refuses keeps the channel's value.
   */
  void takeSet(SocketOptions from, NetworkChannel channel) {
    for (int i = 0; i < KEYS.length; i++) {
      if (from.set[i] && !set[i]) {
        values[i] = from.values[i];
        set[i] = true;
        if (channel != null && channel.supportedOptions().contains(NIO[i])) {
          try {
            apply(channel, i);
          } catch (IOException | RuntimeException e) {
            System.getLogger("io.wsa4j").log(System.Logger.Level.DEBUG,
                "an inherited option did not apply", e);
          }
        }
      }
    }
  }

  /** Whether {@code SO_REUSEADDR} is set to a non-zero value (for SO_EXCLUSIVEADDRUSE). */
  boolean reuseAddressSet() {
    return set[0] && values[0] != 0;
  }

  /** Applies every remembered option that {@code channel} supports. */
  void applyAll(NetworkChannel channel) throws IOException {
    for (int i = 0; i < KEYS.length; i++) {
      if (set[i] && channel.supportedOptions().contains(NIO[i])) {
        apply(channel, i);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void apply(NetworkChannel channel, int i) throws IOException {
    if (NIO[i].type() == Boolean.class) {
      channel.setOption((SocketOption<Boolean>) NIO[i], values[i] != 0);
    } else {
      channel.setOption((SocketOption<Integer>) NIO[i], values[i]);
    }
  }
}
