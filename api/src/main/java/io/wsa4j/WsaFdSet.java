package io.wsa4j;

import java.util.Arrays;

/**
 * {@code fd_set}: the socket sets that {@link Wsa#select} reads and rewrites.
 *
 * <p>As in C, a set holds at most its capacity (default {@link Winsock#FD_SETSIZE}) sockets, in
 * the order they were added; {@link #set} beyond the capacity is ignored and adding a socket twice
 * keeps one entry. {@code select} leaves in each set only the sockets that are ready. Not
 * thread-safe, like the C structure.
 */
public final class WsaFdSet {
  private final WsaSocket[] array;
  private int count;

  /** An empty set of capacity {@link Winsock#FD_SETSIZE}, as {@code fd_set} after {@code FD_ZERO}. */
  public WsaFdSet() {
    this(Winsock.FD_SETSIZE);
  }

  /**
   * An empty set of the given capacity, as a C program that defines {@code FD_SETSIZE} before
   * including {@code winsock2.h}.
   *
   * @param capacity the most sockets the set holds; a negative value counts as 0
   */
  public WsaFdSet(int capacity) {
    this.array = new WsaSocket[Math.max(0, capacity)];
  }

  /**
   * {@code FD_SET}: adds the socket unless it is already in the set or the set is full.
   *
   * @param s the socket; null is ignored
   */
  public void set(WsaSocket s) {
    if (s == null || isSet(s) || count == array.length) {
      return;
    }
    array[count++] = s;
  }

  /**
   * {@code FD_CLR}: removes the socket, keeping the others in order.
   *
   * @param s the socket; one not in the set is ignored
   */
  public void clear(WsaSocket s) {
    for (int i = 0; i < count; i++) {
      if (array[i] == s) {
        System.arraycopy(array, i + 1, array, i, count - i - 1);
        array[--count] = null;
        return;
      }
    }
  }

  /**
   * {@code FD_ISSET}.
   *
   * @param s the socket
   * @return whether the socket is in the set
   */
  public boolean isSet(WsaSocket s) {
    for (int i = 0; i < count; i++) {
      if (array[i] == s) {
        return true;
      }
    }
    return false;
  }

  /** {@code FD_ZERO}: empties the set. */
  public void zero() {
    Arrays.fill(array, 0, count, null);
    count = 0;
  }

  /**
   * {@code fd_count}.
   *
   * @return how many sockets the set holds
   */
  public int count() {
    return count;
  }

  /**
   * {@code fd_array[i]}.
   *
   * @param i the index, 0 to {@link #count()} - 1
   * @return the socket at that index, or null when {@code i} is out of range
   */
  public WsaSocket get(int i) {
    return i >= 0 && i < count ? array[i] : null;
  }

  /**
   * The most sockets the set holds.
   *
   * @return the capacity given at construction ({@code FD_SETSIZE} by default)
   */
  public int capacity() {
    return array.length;
  }

  @Override
  public String toString() {
    return "WsaFdSet" + Arrays.toString(Arrays.copyOf(array, count));
  }
}
