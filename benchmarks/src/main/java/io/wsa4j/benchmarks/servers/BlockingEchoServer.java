package io.wsa4j.benchmarks.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Thread per connection with blocking {@code java.net} sockets: the simplest server there is.
 * With platform threads, or with virtual threads where the JDK has them (21+; this module targets
 * 17, so they are found by reflection and {@link #virtualThreadsAvailable()} says whether).
 */
final class BlockingEchoServer implements BaselineServer {
  private final ServerSocket listener;
  private final ExecutorService connectionThreads;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  private BlockingEchoServer(ServerSocket listener, ExecutorService connectionThreads,
      int bufferSize) {
    this.listener = listener;
    this.connectionThreads = connectionThreads;
    this.acceptor = new Thread(() -> acceptLoop(bufferSize), "blocking-echo-acceptor");
    acceptor.setDaemon(true);
  }

  static BlockingEchoServer start(InetSocketAddress bind, boolean virtual, int bufferSize)
      throws IOException {
    ExecutorService threads = virtual ? newVirtualThreadPerTaskExecutor()
        : Executors.newCachedThreadPool(EchoServers.daemonThreads("blocking-echo"));
    ServerSocket listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(bind, EchoServers.BACKLOG);
    BlockingEchoServer server = new BlockingEchoServer(listener, threads, bufferSize);
    server.acceptor.start();
    return server;
  }

  /** Whether this JDK has virtual threads ({@code Executors.newVirtualThreadPerTaskExecutor}). */
  static boolean virtualThreadsAvailable() {
    try {
      Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static ExecutorService newVirtualThreadPerTaskExecutor() throws IOException {
    try {
      return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
          .invoke(null);
    } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
      throw new IOException("virtual threads need JDK 21 or later; this is "
          + Runtime.version(), e);
    }
  }

  private void acceptLoop(int bufferSize) {
    while (!listener.isClosed()) {
      Socket s;
      try {
        s = listener.accept();
        s.setTcpNoDelay(true);
      } catch (IOException e) {
        continue; // closed (the loop ends), or one failed accept
      }
      sockets.add(s);
      try {
        connectionThreads.execute(() -> echo(s, bufferSize));
      } catch (RejectedExecutionException e) {
        closeQuietly(s);
      }
    }
  }

  private void echo(Socket s, int bufferSize) {
    byte[] buffer = new byte[bufferSize];
    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // reset by the client at the end of a run
    } finally {
      sockets.remove(s);
    }
  }

  @Override
  public int port() {
    return listener.getLocalPort();
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // stopping anyway
    }
    sockets.forEach(BlockingEchoServer::closeQuietly);
    connectionThreads.shutdownNow();
    try {
      connectionThreads.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // the connection is finished either way
    }
  }
}
