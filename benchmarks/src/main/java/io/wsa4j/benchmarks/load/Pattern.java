package io.wsa4j.benchmarks.load;

import java.util.SplittableRandom;

/**
 * The bytes every connection sends: one endless stream per connection, where the byte at stream
 * offset {@code k} is {@code BYTES[(seed + k) % PERIOD]}. Knowing only its offset, the receiver
 * can check every echoed byte, and a server that drops, repeats or reorders bytes shows up as a
 * mismatch.
 *
 * <p>{@link #PERIOD} is prime, so message boundaries never line up with the pattern's, and the
 * array is {@link #MAX_CHUNK} bytes longer than the period so that any chunk up to that size
 * starting inside the period can be read or compared without wrapping.
 */
final class Pattern {
  /** Length of the repeating pattern: a prime just under 64 KiB. */
  static final int PERIOD = 65_521;
  /** The largest chunk {@link #at(long, long)} serves contiguously. */
  static final int MAX_CHUNK = 1 << 20;
  /** The pattern, followed by its first {@link #MAX_CHUNK} bytes again (repeated as needed). */
  static final byte[] BYTES = new byte[PERIOD + MAX_CHUNK];

  static {
    SplittableRandom random = new SplittableRandom(0x5EED_2026L); // fixed: the stream is a constant
    for (int i = 0; i < PERIOD; i++) {
      BYTES[i] = (byte) random.nextInt(256);
    }
    for (int i = PERIOD; i < BYTES.length; i++) {
      BYTES[i] = BYTES[i - PERIOD];
    }
  }

  private Pattern() {}

  /** Index into {@link #BYTES} of the byte at stream offset {@code offset} of stream {@code seed}. */
  static int at(long seed, long offset) {
    return (int) Math.floorMod(seed + offset, (long) PERIOD);
  }
}
