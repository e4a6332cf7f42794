package io.wsa4j;

import io.wsa4j.spi.Spi;

/**
 * {@code WSAPOLLFD}: one entry of {@link Wsa#poll}: the socket, the events asked for and the
 * events that happened ({@code revents}, written by {@code poll}).
 *
 * <p>The setters return the entry, so an array can be reused between calls as C programs reuse
 * theirs. Not thread-safe, like the C structure.
 */
public final class WsaPollFd {
  static {
    Spi.register((Spi.PollFdAccess) (entry, revents) -> entry.revents = revents);
  }

  private WsaSocket fd;
  private int events;
  private int revents;

  /**
   * An entry asking for {@code events} on {@code fd}.
   *
   * @param fd the socket; null entries are ignored by {@code poll}, as negative {@code fd}s are in C
   * @param events {@code POLLRDNORM}, {@code POLLWRNORM}, … combined
   */
  public WsaPollFd(WsaSocket fd, int events) {
    this.fd = fd;
    this.events = events;
  }

  /**
   * {@code fd}.
   *
   * @return the socket
   */
  public WsaSocket fd() {
    return fd;
  }

  /**
   * {@code events}.
   *
   * @return the events asked for
   */
  public int events() {
    return events;
  }

  /**
   * {@code revents}: written by {@link Wsa#poll}.
   *
   * @return the events that happened at the last {@code poll}
   */
  public int revents() {
    return revents;
  }

  /**
   * Sets {@code fd}.
   *
   * @param s the socket
   * @return this entry
   */
  public WsaPollFd fd(WsaSocket s) {
    this.fd = s;
    return this;
  }

  /**
   * Sets {@code events}.
   *
   * @param e the events to ask for
   * @return this entry
   */
  public WsaPollFd events(int e) {
    this.events = e;
    return this;
  }

  @Override
  public String toString() {
    return "WsaPollFd[" + fd + ", events=0x" + Integer.toHexString(events) + ", revents=0x"
        + Integer.toHexString(revents) + "]";
  }
}
