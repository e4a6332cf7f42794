package io.wsa4j.nio2;

import static io.wsa4j.Winsock.AF_INET;

import io.wsa4j.WsaBuf;
import io.wsa4j.WsaConfig;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import java.nio.charset.StandardCharsets;

/** A socket of a real context whose queues talk to a {@link FakeChannel}. */
final class QueueFixture implements AutoCloseable {
  final Nio2Wsa wsa = new Nio2Wsa(WsaConfig.builder().ioThreads(1).maxPendingPerSocket(4).build(),
      "test");
  final NioSocket socket = new NioSocket(wsa, 4, AF_INET, true);
  final FakeChannel fake = new FakeChannel();
  final RecvQueue recv = new RecvQueue(socket, fake.channel, 4, new StagingPool());
  final SendQueue send = new SendQueue(socket, fake.channel, 4);

  WsaOverlapped token() {
    WsaEvent event = wsa.createEvent();
    return new WsaOverlapped(event);
  }

  static WsaBuf[] bufs(String... texts) {
    WsaBuf[] bufs = new WsaBuf[texts.length];
    for (int i = 0; i < texts.length; i++) {
      bufs[i] = WsaBuf.wrap(texts[i].getBytes(StandardCharsets.US_ASCII));
    }
    return bufs;
  }

  static WsaBuf[] room(int... sizes) {
    WsaBuf[] bufs = new WsaBuf[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      bufs[i] = WsaBuf.allocate(sizes[i]);
    }
    return bufs;
  }

  static String text(WsaBuf[] bufs, long bytes) {
    StringBuilder sb = new StringBuilder();
    for (WsaBuf b : bufs) {
      for (int i = 0; i < b.len() && sb.length() < bytes; i++) {
        sb.append((char) b.buf().get(b.buf().position() + i));
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    wsa.cleanup();
  }
}
