package io.wsa4j.benchmarks.servers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.Channel;
import java.nio.channels.CompletionHandler;

/**
 * The raw NIO2 echo of one connection: read into one direct buffer, write it all back, read
 * again — one handler, reused, never leaving the I/O thread. The baseline server and the JMH
 * round trip's far side both use it.
 */
public final class Nio2EchoChain implements CompletionHandler<Integer, Boolean> {
  private final AsynchronousSocketChannel ch;
  private final ByteBuffer buffer;

  private Nio2EchoChain(AsynchronousSocketChannel ch, int bufferSize) {
    this.ch = ch;
    this.buffer = ByteBuffer.allocateDirect(bufferSize);
  }

  /**
   * Starts echoing on {@code ch} until the peer closes or an error occurs.
   *
   * @param ch an accepted connection
   * @param bufferSize bytes read at a time
   */
  public static void start(AsynchronousSocketChannel ch, int bufferSize) {
    new Nio2EchoChain(ch, bufferSize).read();
  }

  private void read() {
    buffer.clear();
    ch.read(buffer, Boolean.TRUE, this);
  }

  /** {@code reading}: whether the finished operation was a read (else a write). */
  @Override
  public void completed(Integer n, Boolean reading) {
    if (reading) {
      if (n < 0) {
        closeQuietly(ch);
        return;
      }
      buffer.flip();
    }
    if (buffer.hasRemaining()) {
      ch.write(buffer, Boolean.FALSE, this);
    } else {
      read();
    }
  }

  @Override
  public void failed(Throwable t, Boolean reading) {
    closeQuietly(ch);
  }

  /**
   * Closes a channel whose connection is finished either way.
   *
   * @param c the channel
   */
  public static void closeQuietly(Channel c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // the connection is over; nothing to report to a benchmark
    }
  }
}
