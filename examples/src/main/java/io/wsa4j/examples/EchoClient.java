package io.wsa4j.examples;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.AF_INET6;
import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.IPPROTO_UDP;
import static io.wsa4j.Winsock.SD_SEND;
import static io.wsa4j.Winsock.SOCKET_ERROR;
import static io.wsa4j.Winsock.SOCK_DGRAM;
import static io.wsa4j.Winsock.SOCK_STREAM;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static io.wsa4j.Winsock.WSA_IO_PENDING;
import static io.wsa4j.Winsock.WSA_OPERATION_ABORTED;
import static io.wsa4j.Winsock.WSA_WAIT_TIMEOUT;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaSocket;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Sends each line of standard input to an echo server and prints what comes back.
 *
 * <pre>
 * printf 'hello\nworld\n' | java -cp examples/target/echo-server.jar io.wsa4j.examples.EchoClient
 * </pre>
 *
 * <p>Each line goes out as one overlapped {@code WSASend}; while it is in flight, overlapped
 * {@code WSARecv}s collect the echo, so even a line longer than the socket buffers cannot
 * deadlock against a server that echoes as it reads. Results are collected with
 * {@code WSAGetOverlappedResult(…, fWait = TRUE, …)}.
 *
 * <p>With {@code --udp} each line is one datagram, sent with an overlapped {@code WSASendTo};
 * the echo is one datagram too, taken by an overlapped {@code WSARecvFrom} posted before the
 * send. A datagram can be lost: after {@code --timeout} milliseconds the line is reported lost.
 */
@Command(name = "echo-client", sortOptions = false,
    description = "Sends each line of standard input to an echo server and prints the echo.")
public final class EchoClient implements Callable<Integer> {

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Server address. Default: ${DEFAULT-VALUE}.")
  InetAddress host;

  @Option(names = "--port", defaultValue = "7007", paramLabel = "PORT",
      description = "Server port. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--udp", description = "Send each line as one UDP datagram and await its echo.")
  boolean udp;

  @Option(names = "--timeout", defaultValue = "2000", paramLabel = "MILLIS",
      description = "--udp: how long to wait for each echo. Default: ${DEFAULT-VALUE}.")
  int timeoutMillis;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new EchoClient()).execute(args));
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try (Wsa wsa = Wsa.startup()) {
      run(wsa);
      return 0;
    } catch (IOException | IllegalStateException e) {
      err.println("echo-client: " + e.getMessage());
      err.flush();
      return 1;
    }
  }

  private void run(Wsa wsa) throws IOException {
    // -- connect (a blocking call; for UDP it only sets the default peer) --
    int af = host instanceof Inet6Address ? AF_INET6 : AF_INET;
    WsaSocket s = udp
        ? wsa.socket(af, SOCK_DGRAM, IPPROTO_UDP, null, 0, WSA_FLAG_OVERLAPPED)
        : wsa.socket(af, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    if (s == WsaSocket.INVALID_SOCKET) {
      throw failure("WSASocket", Wsa.getLastError());
    }
    try {
      InetSocketAddress server = new InetSocketAddress(host, port);
      if (wsa.connect(s, server) == SOCKET_ERROR) {
        throw failure("connect to " + host.getHostAddress() + " port " + port, Wsa.getLastError());
      }
      if (udp) {
        echoDatagrams(new Channel(wsa, s), server);
      } else {
        echoLines(new Channel(wsa, s));
        wsa.shutdown(s, SD_SEND); // a graceful end: the server sees 0 bytes and closes its side
      }
    } finally {
      wsa.closesocket(s);
    }
  }

  /**
   * {@code --udp}: one datagram per line. The receive is posted before the send, so the echo
   * cannot arrive before a receive waits for it; after the connect only the server's datagrams
   * reach the socket.
   */
  private void echoDatagrams(Channel channel, InetSocketAddress server) throws IOException {
    Wsa wsa = channel.wsa;
    WsaSocket s = channel.socket;
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, UTF_8));
    WsaBuf echo = WsaBuf.allocate(65_527);
    SocketAddress[] from = new SocketAddress[1];
    for (String line; (line = in.readLine()) != null; ) {
      byte[] out = (line + "\n").getBytes(UTF_8);
      channel.recvFlags[0] = 0;
      int rc = wsa.recvFrom(s, new WsaBuf[] {echo}, 1, null, channel.recvFlags, from,
          channel.recvOv, null);
      if (rc == SOCKET_ERROR && Wsa.getLastError() != WSA_IO_PENDING) {
        throw failure("WSARecvFrom", Wsa.getLastError());
      }
      rc = wsa.sendTo(s, new WsaBuf[] {WsaBuf.wrap(out)}, 1, null, 0, server, channel.sendOv,
          null);
      if (rc == SOCKET_ERROR && Wsa.getLastError() != WSA_IO_PENDING) {
        throw failure("WSASendTo", Wsa.getLastError());
      }
      channel.await(channel.sendOv, "WSASendTo");
      WsaEvent[] done = {channel.recvOv.event()};
      if (wsa.waitForMultipleEvents(1, done, false, timeoutMillis, false) == WSA_WAIT_TIMEOUT) {
        wsa.cancelIoEx(s, channel.recvOv);
        channel.await(channel.recvOv, "WSARecvFrom", true);
        System.err.println("(no echo within " + timeoutMillis + " ms: datagram lost)");
        continue;
      }
      int n = channel.await(channel.recvOv, "WSARecvFrom");
      System.out.print(new String(echo.buf().array(), 0, n, UTF_8));
      System.out.flush();
    }
  }

  private static void echoLines(Channel channel) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, UTF_8));
    WsaBuf chunk = WsaBuf.allocate(16 * 1024);
    ByteArrayOutputStream echo = new ByteArrayOutputStream();
    for (String line; (line = in.readLine()) != null; ) {
      byte[] out = (line + "\n").getBytes(UTF_8);
      channel.post(true, new WsaBuf[] {WsaBuf.wrap(out)}, channel.sendOv);
      echo.reset();
      while (echo.size() < out.length) {
        // Never ask for more than this line's echo, so each line's reply stays its own.
        chunk.len(Math.min(chunk.buf().capacity(), out.length - echo.size()));
        channel.post(false, new WsaBuf[] {chunk}, channel.recvOv);
        int n = channel.await(channel.recvOv, "WSARecv");
        if (n == 0) {
          throw new IOException("the server closed the connection");
        }
        echo.write(chunk.buf().array(), 0, n);
      }
      channel.await(channel.sendOv, "WSASend");
      System.out.print(echo.toString(UTF_8));
      System.out.flush();
    }
  }

  /** A connected overlapped socket with one token per direction. */
  private static final class Channel {
    final Wsa wsa;
    final WsaSocket socket;
    // Windows needs an event in a token waited on with fWait = TRUE; wsa4j would do without.
    final WsaOverlapped sendOv;
    final WsaOverlapped recvOv;
    final int[] bytes = new int[1];
    /** In/out flags of each {@code WSARecv}. */
    final int[] recvFlags = new int[1];
    /** Out: the flags {@code WSAGetOverlappedResult} reports. */
    final int[] resultFlags = new int[1];

    Channel(Wsa wsa, WsaSocket socket) throws IOException {
      this.wsa = wsa;
      this.socket = socket;
      this.sendOv = new WsaOverlapped(wsa.createEvent());
      this.recvOv = new WsaOverlapped(wsa.createEvent());
      if (sendOv.event() == null || recvOv.event() == null) {
        throw failure("WSACreateEvent", Wsa.getLastError());
      }
    }

    /** Posts a send or a receive: completing at once (0) and {@code WSA_IO_PENDING} both count. */
    void post(boolean send, WsaBuf[] buffers, WsaOverlapped ov) throws IOException {
      recvFlags[0] = 0;
      int rc = send
          ? wsa.send(socket, buffers, buffers.length, null, 0, ov, null)
          : wsa.recv(socket, buffers, buffers.length, null, recvFlags, ov, null);
      if (rc == SOCKET_ERROR && Wsa.getLastError() != WSA_IO_PENDING) {
        throw failure(send ? "WSASend" : "WSARecv", Wsa.getLastError());
      }
    }

    /** Waits for the operation started with {@code ov}; returns its byte count. */
    int await(WsaOverlapped ov, String call) throws IOException {
      return await(ov, call, false);
    }

    /** As above; {@code cancelled}: an abort is expected and not an error. */
    int await(WsaOverlapped ov, String call, boolean cancelled) throws IOException {
      if (!wsa.getOverlappedResult(socket, ov, bytes, true, resultFlags)) {
        if (cancelled && Wsa.getLastError() == WSA_OPERATION_ABORTED) {
          return 0;
        }
        throw failure(call, Wsa.getLastError());
      }
      return bytes[0];
    }
  }

  private static IOException failure(String call, int error) {
    return new IOException(call + " failed: " + Errors.describe(error));
  }
}
