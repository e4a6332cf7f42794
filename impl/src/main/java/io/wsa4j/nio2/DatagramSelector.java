package io.wsa4j.nio2;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ThreadFactory;

/**
 * The selector thread of a context's datagram sockets. NIO2 has no asynchronous datagram channel,
 * so UDP runs on {@link DatagramChannel}s in non-blocking mode, registered here; when one becomes
 * readable (or writable again) this thread moves datagrams between the kernel and the sockets'
 * posted operations ({@link DatagramRecvQueue#drain}, {@link DatagramSendQueue#drain}).
 *
 * <p>Most datagrams never come here: a receive posted while one waits, and a send the kernel
 * accepts at once, complete on the calling thread (rule 25). This thread only finishes the
 * operations that had to wait. It runs no user code: completions signal events, queue APCs and
 * post packets, exactly as the NIO2 handler threads of TCP sockets do.
 *
 * <p>Life: started by the context with its first datagram socket, stopped by {@code WSACleanup}
 * ({@link #stop}), which closes the selector and joins the thread.
 *
 * <p>Interest: a socket asks for {@code OP_READ} while receives wait and for {@code OP_WRITE}
 * while a send waits for room; each queue changes its own bit under its own lock (a plain field
 * update in the JDK, no callback), so a request and a withdrawal can never cross. A request made
 * off this thread wakes the selector so that it takes effect at once.
 */
final class DatagramSelector implements Runnable {
  private static final System.Logger LOG = System.getLogger("io.wsa4j");

  private final Selector selector;
  private final Thread thread;
  /** The per-key action of every select, made once (a method reference per loop would allocate). */
  private final java.util.function.Consumer<SelectionKey> dispatcher = this::dispatch;
  private volatile boolean stopped;

  private DatagramSelector(Selector selector, ThreadFactory factory) {
    this.selector = selector;
    this.thread = factory.newThread(this);
  }

  /** Opens a selector and starts its thread. */
  static DatagramSelector start(ThreadFactory factory) throws IOException {
    DatagramSelector s = new DatagramSelector(Selector.open(), factory);
    s.thread.setDaemon(true);
    s.thread.start();
    return s;
  }

  /** Registers {@code channel} (already non-blocking) with no interest yet. */
  SelectionKey register(DatagramChannel channel, NioDatagramSocket socket) throws IOException {
    SelectionKey key = channel.register(selector, 0, socket);
    selector.wakeup(); // the registration takes effect at the next select
    return key;
  }

  /** Whether the caller is this selector's thread (which never needs a wake-up). */
  boolean onSelectorThread() {
    return Thread.currentThread() == thread;
  }

  /** Makes a pending interest change (or a channel close) take effect now. */
  void wakeup() {
    selector.wakeup();
  }

  @Override
  public void run() {
    try {
      while (!stopped) {
        selector.select(dispatcher);
      }
    } catch (IOException | ClosedSelectorException e) {
      if (!stopped) {
        LOG.log(System.Logger.Level.ERROR, "the datagram selector failed; UDP stops", e);
      }
    } finally {
      try {
        selector.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing the datagram selector", e);
      }
    }
  }

  private void dispatch(SelectionKey key) {
    NioDatagramSocket socket = (NioDatagramSocket) key.attachment();
    int ready;
    try {
      ready = key.readyOps();
    } catch (java.nio.channels.CancelledKeyException e) {
      return; // closed meanwhile: its queues were aborted by the close
    }
    try {
      if ((ready & SelectionKey.OP_READ) != 0) {
        socket.readable();
      }
      if ((ready & SelectionKey.OP_WRITE) != 0) {
        socket.writable();
      }
    } catch (RuntimeException e) {
      // a bug must not stop every other socket's datagrams
      LOG.log(System.Logger.Level.ERROR, "datagram dispatch failed for " + socket, e);
    }
  }

  /** {@code WSACleanup}: stops the thread and closes the selector (and with it every key). */
  void stop() {
    stopped = true;
    selector.wakeup();
    if (Thread.currentThread() == thread) {
      return;
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // told to stop; do not wait any longer
    }
  }
}
