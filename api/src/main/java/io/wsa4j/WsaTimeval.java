package io.wsa4j;

/**
 * {@code struct timeval}: the timeout of {@link Wsa#select}; immutable.
 *
 * <p>{@code (0, 0)} polls. A negative field counts as 0, and microseconds beyond a second carry
 * into seconds, as Windows reads the structure.
 */
public final class WsaTimeval {
  private final long sec;
  private final long usec;

  /**
   * A timeout of {@code sec} seconds plus {@code usec} microseconds.
   *
   * @param sec {@code tv_sec}
   * @param usec {@code tv_usec}
   */
  public WsaTimeval(long sec, long usec) {
    this.sec = sec;
    this.usec = usec;
  }

  /**
   * {@code tv_sec}.
   *
   * @return the seconds, as given
   */
  public long sec() {
    return sec;
  }

  /**
   * {@code tv_usec}.
   *
   * @return the microseconds, as given
   */
  public long usec() {
    return usec;
  }

  /**
   * The whole timeout in nanoseconds, saturated at {@code Long.MAX_VALUE}; negative parts count
   * as 0.
   *
   * @return the timeout in nanoseconds
   */
  public long toNanos() {
    long s = Math.max(0, sec);
    long u = Math.max(0, usec);
    if (s > (Long.MAX_VALUE - u * 1_000L) / 1_000_000_000L || u > Long.MAX_VALUE / 1_000L) {
      return Long.MAX_VALUE;
    }
    return s * 1_000_000_000L + u * 1_000L;
  }

  @Override
  public String toString() {
    return "WsaTimeval[" + sec + " s, " + usec + " us]";
  }
}
