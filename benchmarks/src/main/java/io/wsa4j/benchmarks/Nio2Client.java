package io.wsa4j.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.concurrent.ExecutionException;

/**
 * The baseline: raw NIO2 with futures, {@code write(…).get()} until the message is out and then
 * {@code read(…).get()} until it is back. It is the simplest correct NIO2 client, not the
 * fastest possible one; it shows what wsa4j's layer costs over what it is built on.
 */
final class Nio2Client implements RoundTripClient {
  static final String NAME = "nio2";

  private final AsynchronousSocketChannel ch;
  private final ByteBuffer out;
  private final ByteBuffer in;

  Nio2Client(InetSocketAddress peer, int size) throws IOException, InterruptedException,
      ExecutionException {
    out = ByteBuffer.allocateDirect(size);
    in = ByteBuffer.allocateDirect(size);
    for (int i = 0; i < size; i++) {
      out.put(i, (byte) i);
    }
    ch = AsynchronousSocketChannel.open();
    try {
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      ch.connect(peer).get();
    } catch (IOException | InterruptedException | ExecutionException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  @Override
  public int roundTrip() throws InterruptedException, ExecutionException {
    out.clear();
    while (out.hasRemaining()) {
      ch.write(out).get();
    }
    in.clear();
    while (in.hasRemaining()) {
      if (ch.read(in).get() < 0) {
        throw new IllegalStateException("peer closed after " + in.position() + " bytes");
      }
    }
    return in.position();
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }
}
