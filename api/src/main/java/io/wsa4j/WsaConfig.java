package io.wsa4j;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * The settings of a {@link Wsa} context; immutable. {@code WSAStartup} has no such argument: these
 * are the knobs of the Java implementation.
 */
public final class WsaConfig {
  /** Default bound on posted receives (and, counted apart, sends) per socket. */
  public static final int DEFAULT_MAX_PENDING_PER_SOCKET = 64;

  private final int ioThreads;
  private final ThreadFactory threadFactory;
  private final int maxPendingPerSocket;
  private final boolean jmx;

  private WsaConfig(Builder b) {
    this.ioThreads = b.ioThreads;
    this.threadFactory = b.threadFactory;
    this.maxPendingPerSocket = b.maxPendingPerSocket;
    this.jmx = b.jmx;
  }

  /**
   * The defaults: one I/O thread per available processor, named daemon threads, 64 pending.
   *
   * @return the default configuration
   */
  public static WsaConfig defaults() {
    return builder().build();
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Threads of the context's NIO2 channel group that poll for I/O readiness and complete the
   * operations that did not finish during their call (they never run user code). Every socket of
   * the context is served by whichever of them is free. An operation that can finish at once
   * finishes on the thread that started it, during the call (the fast path).
   *
   * @return the number of I/O threads, at least 1
   */
  public int ioThreads() {
    return ioThreads;
  }

  /**
   * The factory of the I/O threads, or null for the provider's named daemon threads
   * ({@code wsa4j-io-<context>-<n>}). On the NIO2 provider it makes {@code ioThreads() - 1} of
   * them: the last one is NIO2's own internal thread, which NIO2 makes with its own factory
   * (named by the JDK, a daemon); it polls and completes like the others.
   *
   * @return the factory, or null
   */
  public ThreadFactory threadFactory() {
    return threadFactory;
  }

  /**
   * How many receives, and apart from them how many sends, may be posted on one socket and not yet
   * completed; the next one fails with {@code WSAENOBUFS}. This bounds the memory a socket holds.
   *
   * @return the bound per socket and direction, at least 1
   */
  public int maxPendingPerSocket() {
    return maxPendingPerSocket;
  }

  /**
   * Whether the context registers its {@link Wsa#stats()} figures as a JMX MBean
   * ({@code io.wsa4j:type=Wsa,context=<n>}) until cleanup. Off by default.
   *
   * @return true if the statistics are registered as an MBean
   */
  public boolean jmx() {
    return jmx;
  }

  @Override
  public String toString() {
    return "WsaConfig[ioThreads=" + ioThreads + ", maxPendingPerSocket=" + maxPendingPerSocket
        + (jmx ? ", jmx" : "")
        + (threadFactory != null ? ", threadFactory=" + threadFactory : "") + "]";
  }

  /** Builds a {@link WsaConfig}. */
  public static final class Builder {
    private int ioThreads = Runtime.getRuntime().availableProcessors();
    private ThreadFactory threadFactory;
    private int maxPendingPerSocket = DEFAULT_MAX_PENDING_PER_SOCKET;
    private boolean jmx;

    private Builder() {}

    /**
     * Registers the context's statistics as a JMX MBean (see {@link WsaConfig#jmx()}).
     *
     * @param on true to register the MBean
     * @return this builder
     */
    public Builder jmx(boolean on) {
      this.jmx = on;
      return this;
    }

    /**
     * Sets the number of I/O threads.
     *
     * @param n the number of I/O threads
     * @return this builder
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public Builder ioThreads(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("ioThreads < 1: " + n);
      }
      this.ioThreads = n;
      return this;
    }

    /**
     * Sets the factory of the I/O threads.
     *
     * @param factory makes the I/O threads
     * @return this builder
     * @throws NullPointerException if {@code factory} is null
     */
    public Builder threadFactory(ThreadFactory factory) {
      this.threadFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Sets the bound on posted operations per socket and direction.
     *
     * @param n the most receives (and, apart, sends) posted and not completed on one socket
     * @return this builder
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public Builder maxPendingPerSocket(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxPendingPerSocket < 1: " + n);
      }
      this.maxPendingPerSocket = n;
      return this;
    }

    /**
     * The configuration.
     *
     * @return a new, immutable {@link WsaConfig} with this builder's settings
     */
    public WsaConfig build() {
      return new WsaConfig(this);
    }
  }
}
