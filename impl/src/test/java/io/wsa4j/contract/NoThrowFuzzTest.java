package io.wsa4j.contract;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.FD_READ;
import static io.wsa4j.Winsock.FILE_SKIP_COMPLETION_PORT_ON_SUCCESS;
import static io.wsa4j.Winsock.FIONBIO;
import static io.wsa4j.Winsock.FIONREAD;
import static io.wsa4j.Winsock.SIO_GET_EXTENSION_FUNCTION_POINTER;
import static io.wsa4j.Winsock.SO_UPDATE_ACCEPT_CONTEXT;
import static io.wsa4j.Winsock.TF_REUSE_SOCKET;
import static io.wsa4j.Winsock.WSAID_ACCEPTEX;
import static io.wsa4j.Winsock.ERROR_NOT_FOUND;
import static io.wsa4j.Winsock.IPPROTO_TCP;
import static io.wsa4j.Winsock.MSG_OOB;
import static io.wsa4j.Winsock.POLLIN;
import static io.wsa4j.Winsock.SD_BOTH;
import static io.wsa4j.Winsock.SD_SEND;
import static io.wsa4j.Winsock.SOCK_STREAM;
import static io.wsa4j.Winsock.TCP_NODELAY;
import static io.wsa4j.Winsock.MSG_WAITALL;
import static io.wsa4j.Winsock.WSAEMSGSIZE;
import static io.wsa4j.Winsock.WSAEDESTADDRREQ;
import static io.wsa4j.Winsock.WSA_FLAG_OVERLAPPED;
import static io.wsa4j.Winsock.IPPROTO_UDP;
import static io.wsa4j.Winsock.SOCK_DGRAM;
import static io.wsa4j.Winsock.SOL_SOCKET;
import static io.wsa4j.Winsock.SO_KEEPALIVE;
import static io.wsa4j.Winsock.SO_LINGER;
import static io.wsa4j.Winsock.SO_RCVBUF;
import static io.wsa4j.Winsock.WAIT_TIMEOUT;
import static io.wsa4j.Winsock.WSAEADDRNOTAVAIL;
import static io.wsa4j.Winsock.WSAEAFNOSUPPORT;
import static io.wsa4j.Winsock.WSAECONNREFUSED;
import static io.wsa4j.Winsock.WSAEFAULT;
import static io.wsa4j.Winsock.WSAEHOSTUNREACH;
import static io.wsa4j.Winsock.WSAEINVAL;
import static io.wsa4j.Winsock.WSAEISCONN;
import static io.wsa4j.Winsock.WSAENETUNREACH;
import static io.wsa4j.Winsock.WSAENOPROTOOPT;
import static io.wsa4j.Winsock.WSAENOTCONN;
import static io.wsa4j.Winsock.WSAENOTSOCK;
import static io.wsa4j.Winsock.WSAEOPNOTSUPP;
import static io.wsa4j.Winsock.WSAEPROTONOSUPPORT;
import static io.wsa4j.Winsock.WSAESOCKTNOSUPPORT;
import static io.wsa4j.Winsock.WSANOTINITIALISED;
import static io.wsa4j.Winsock.WSA_INVALID_HANDLE;
import static io.wsa4j.Winsock.WSA_INVALID_PARAMETER;
import static io.wsa4j.Winsock.WSA_IO_INCOMPLETE;
import static io.wsa4j.Winsock.WSA_IO_PENDING;
import static io.wsa4j.testkit.WsaFixture.LOOPBACK;
import static io.wsa4j.testkit.WsaFixture.SENTINEL;
import static io.wsa4j.testkit.WsaFixture.isFailureValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsa4j.testkit.WsaFixture;
import io.wsa4j.Wsa;
import io.wsa4j.WsaBuf;
import io.wsa4j.WsaCompletionPort;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaFdSet;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.WsaNetworkEvents;
import io.wsa4j.WsaOverlappedEntry;
import io.wsa4j.WsaPollFd;
import io.wsa4j.WsaTimeval;
import io.wsa4j.WsaSocket;
import io.wsa4j.testkit.WsaFixture.Conn;
import io.wsa4j.testkit.WsaFixture.Outcome;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@link Wsa} method fed bad handles and bad arguments: none throws, each returns its failure
 * value (-1, false, INVALID_SOCKET or null) with a plausible code. Run against a live context and
 * against one already cleaned up (where WSANOTINITIALISED is plausible too). Each call runs on a
 * worker with a bound, so a call that wrongly blocks fails instead of hanging.
 */
@Timeout(30)
class NoThrowFuzzTest {
  private WsaFixture fx;

  @BeforeEach
  void setUp() {
    fx = WsaFixture.standalone();
  }

  @AfterEach
  void tearDown() throws Exception {
    fx.close();
  }

  enum Sock { NULL, INVALID, CLOSED, FOREIGN, ALIEN, FRESH, BOUND, LISTENER, CONNECTED }

  enum Ev { NULL, CLOSED, FOREIGN, ALIEN, LIVE }

  /** Handles and values a probe needs, all made in {@link #wsa} before any probe runs. */
  static final class Env {
    final WsaFixture fx;
    final Wsa wsa;
    final WsaSocket closed;
    final WsaSocket foreign;
    final WsaSocket fresh;
    final WsaSocket bound;
    final WsaSocket listener;
    final Conn conn;
    final WsaEvent closedEvent;
    final WsaEvent foreignEvent;
    final WsaEvent live;
    final WsaOverlapped pending = new WsaOverlapped();
    final InetSocketAddress peer;
    /** A bound, overlapped datagram socket, and an unbound one. */
    final WsaSocket udp;
    final WsaSocket udpFresh;

    Env(WsaFixture fx, Wsa wsa) throws Exception {
      this.fx = fx;
      this.wsa = wsa;
      closed = WsaFixture.newSocket(wsa);
      wsa.closesocket(closed);
      foreign = fx.foreignSocket();
      fresh = WsaFixture.newSocket(wsa);
      bound = WsaFixture.newSocket(wsa);
      WsaFixture.assertOk(wsa.bind(bound, new InetSocketAddress(LOOPBACK, 0)), "bind");
      listener = WsaFixture.newSocket(wsa);
      WsaFixture.assertOk(wsa.bind(listener, new InetSocketAddress(LOOPBACK, 0)), "bind");
      WsaFixture.assertOk(wsa.listen(listener, 5), "listen");
      conn = fx.connect(wsa);
      conn.peerSend("some data"); // a recv wrongly started completes instead of hanging
      fx.connectPeerTo(wsa, listener); // an accept wrongly started completes too
      closedEvent = fx.event(wsa);
      wsa.closeEvent(closedEvent);
      foreignEvent = fx.foreignEvent();
      live = fx.event(wsa);
      WsaSocket other = fx.connect(wsa).s();
      Wsa.setLastError(SENTINEL);
      int rc = wsa.recv(other, new WsaBuf[] {WsaBuf.allocate(8)}, 1, null, new int[1], pending, null);
      assertTrue(rc == -1 && Wsa.getLastError() == WSA_IO_PENDING, "could not make a pending token");
      peer = fx.peerAddress();
      udp = wsa.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP, null, 0, WSA_FLAG_OVERLAPPED);
      WsaFixture.assertOk(wsa.bind(udp, new InetSocketAddress(LOOPBACK, 0)), "bind udp");
      udpFresh = wsa.socket(AF_INET, SOCK_DGRAM, 0, null, 0, 0);
    }

    WsaSocket sock(Sock k) {
      return switch (k) {
        case NULL -> null;
        case INVALID -> WsaSocket.INVALID_SOCKET;
        case CLOSED -> closed;
        case FOREIGN -> foreign;
        case ALIEN -> WsaFixture.alienSocket();
        case FRESH -> fresh;
        case BOUND -> bound;
        case LISTENER -> listener;
        case CONNECTED -> conn.s();
      };
    }

    WsaEvent event(Ev k) {
      return switch (k) {
        case NULL -> null;
        case CLOSED -> closedEvent;
        case FOREIGN -> foreignEvent;
        case ALIEN -> WsaFixture.alienEvent();
        case LIVE -> live;
      };
    }
  }

  @FunctionalInterface
  interface Invoke {
    Object call(Env e) throws Exception;
  }

  /** One bad call; {@code mustFail} false means only "no throw, and if it fails, a plausible code". */
  record Probe(String call, String input, Invoke invoke, Set<Integer> codes, boolean mustFail) {
    @Override
    public String toString() {
      return call + "(" + input + ")";
    }
  }

  private static final WsaCompletionPort ALIEN_PORT = new WsaCompletionPort() {};
  private static final Sock[] BAD_SOCKETS = {Sock.NULL, Sock.INVALID, Sock.CLOSED, Sock.FOREIGN, Sock.ALIEN};
  private static final Ev[] BAD_EVENTS = {Ev.NULL, Ev.CLOSED, Ev.FOREIGN, Ev.ALIEN};
  private static final int[] BAD_BUFFER_COUNTS = {0, -1, Integer.MIN_VALUE};
  private static final int[] BAD_WAIT_COUNTS = {0, -1, 65, Integer.MAX_VALUE, Integer.MIN_VALUE};
  /** What an unsupported call may say besides its own argument errors. */
  private static final Set<Integer> STUB = Set.of(WSAEOPNOTSUPP, WSAENOTSOCK, WSA_INVALID_HANDLE,
      WSA_INVALID_PARAMETER, WSAEINVAL, WSAEFAULT);

  private static WsaFdSet setOf(WsaSocket s) {
    WsaFdSet set = new WsaFdSet();
    set.set(s);
    return set;
  }

  private static Set<Integer> codes(int... c) {
    return Arrays.stream(c).boxed().collect(Collectors.toSet());
  }

  private static WsaBuf[] one() {
    return new WsaBuf[] {WsaBuf.allocate(8)};
  }

  static List<Probe> probes() throws Exception {
    List<Probe> p = new ArrayList<>();
    SocketAddress any = new InetSocketAddress(LOOPBACK, 0);
    SocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 80);
    SocketAddress unresolved = InetSocketAddress.createUnresolved("no-such-host.invalid", 80);
    SocketAddress unix = UnixDomainSocketAddress.of("wsa4j-fuzz.sock");
    Set<Integer> notSock = codes(WSAENOTSOCK);

    // every call that takes a socket, with each bad socket (rule 15)
    for (Sock k : BAD_SOCKETS) {
      String in = k.name().toLowerCase();
      p.add(must("bind", in, e -> e.wsa.bind(e.sock(k), any), notSock));
      p.add(must("listen", in, e -> e.wsa.listen(e.sock(k), 5), notSock));
      p.add(must("accept", in, e -> e.wsa.accept(e.sock(k), new SocketAddress[1]), notSock));
      p.add(must("connect", in, e -> e.wsa.connect(e.sock(k), e.peer), notSock));
      p.add(must("closesocket", in, e -> e.wsa.closesocket(e.sock(k)), notSock));
      p.add(must("shutdown", in, e -> e.wsa.shutdown(e.sock(k), SD_BOTH), notSock));
      p.add(must("setsockopt", in, e -> e.wsa.setsockopt(e.sock(k), SOL_SOCKET, SO_KEEPALIVE, 1), notSock));
      p.add(must("getsockopt", in, e -> e.wsa.getsockopt(e.sock(k), SOL_SOCKET, SO_KEEPALIVE, new int[1]), notSock));
      p.add(must("getsockname", in, e -> e.wsa.getsockname(e.sock(k), new SocketAddress[1]), notSock));
      p.add(must("getpeername", in, e -> e.wsa.getpeername(e.sock(k), new SocketAddress[1]), notSock));
      p.add(must("send", in + ", overlapped", e -> e.wsa.send(e.sock(k), one(), 1, null, 0, new WsaOverlapped(), null), notSock));
      p.add(must("send", in + ", blocking", e -> e.wsa.send(e.sock(k), one(), 1, new int[1], 0, null, null), notSock));
      p.add(must("recv", in + ", overlapped", e -> e.wsa.recv(e.sock(k), one(), 1, null, new int[1], new WsaOverlapped(), null), notSock));
      p.add(must("recv", in + ", blocking", e -> e.wsa.recv(e.sock(k), one(), 1, new int[1], new int[1], null, null), notSock));
      p.add(must("getOverlappedResult", in, e -> e.wsa.getOverlappedResult(e.sock(k), new WsaOverlapped(), new int[1], false, new int[1]), notSock));
      p.add(must("getOverlappedResult", in + ", wait", e -> e.wsa.getOverlappedResult(e.sock(k), e.pending, new int[1], true, new int[1]), notSock));
      p.add(must("cancelIoEx", in, e -> e.wsa.cancelIoEx(e.sock(k), null), STUB));
      if (k != Sock.NULL) { // a null socket asks for a new port: a valid call
        p.add(must("createIoCompletionPort", in, e -> e.wsa.createIoCompletionPort(e.sock(k), null, 1, 0), STUB));
      }
      p.add(must("acceptEx", in + " listener", e -> e.wsa.acceptEx(e.sock(k), e.fresh, WsaBuf.allocate(64), 0, new int[1], new WsaOverlapped()), STUB));
      p.add(must("acceptEx", in + " acceptSocket", e -> e.wsa.acceptEx(e.listener, e.sock(k), WsaBuf.allocate(64), 0, new int[1], new WsaOverlapped()), STUB));
      p.add(must("connectEx", in, e -> e.wsa.connectEx(e.sock(k), e.peer, null, new int[1], new WsaOverlapped()), STUB));
      // section 5 calls
      p.add(must("setFileCompletionNotificationModes", in,
          e -> e.wsa.setFileCompletionNotificationModes(e.sock(k), FILE_SKIP_COMPLETION_PORT_ON_SUCCESS), notSock));
      p.add(must("cancelIo", in, e -> e.wsa.cancelIo(e.sock(k)), notSock));
      p.add(must("ioctlsocket", in, e -> e.wsa.ioctlsocket(e.sock(k), FIONBIO, new int[] {1}), notSock));
      p.add(must("eventSelect", in, e -> e.wsa.eventSelect(e.sock(k), e.live, FD_READ), notSock));
      p.add(must("enumNetworkEvents", in, e -> e.wsa.enumNetworkEvents(e.sock(k), null, new WsaNetworkEvents()), notSock));
      p.add(must("send", in + ", plain", e -> e.wsa.send(e.sock(k), new byte[4], 0, 4, 0), notSock));
      p.add(must("recv", in + ", plain", e -> e.wsa.recv(e.sock(k), new byte[4], 0, 4, 0), notSock));
      p.add(must("sendto", in, e -> e.wsa.sendto(e.sock(k), new byte[4], 0, 4, 0, e.peer), notSock));
      p.add(must("recvfrom", in, e -> e.wsa.recvfrom(e.sock(k), new byte[4], 0, 4, 0, new SocketAddress[1]), notSock));
      p.add(must("sendTo", in, e -> e.wsa.sendTo(e.sock(k), one(), 1, null, 0, e.peer, new WsaOverlapped(), null), notSock));
      p.add(must("recvFrom", in, e -> e.wsa.recvFrom(e.sock(k), one(), 1, null, new int[1], new SocketAddress[1], new WsaOverlapped(), null), notSock));
      p.add(must("ioctl", in, e -> e.wsa.ioctl(e.sock(k), SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_ACCEPTEX, new Object[1], new int[1], null, null), notSock));
      p.add(must("setsockopt", in + ", socket value", e -> e.wsa.setsockopt(e.sock(k), SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, e.listener), notSock));
      p.add(must("disconnectEx", in, e -> e.wsa.disconnectEx(e.sock(k), new WsaOverlapped(), TF_REUSE_SOCKET, 0), notSock));
      p.add(must("acceptEx", in + " listener, address block",
          e -> e.wsa.acceptEx(e.sock(k), e.fresh, WsaBuf.allocate(64), 0, 32, 32, new int[1], new WsaOverlapped()), STUB));
    }

    // section 5 calls without a socket argument
    p.add(must("select", "all sets null", e -> e.wsa.select(0, null, null, null, new WsaTimeval(0, 0)), codes(WSAEINVAL, WSAEOPNOTSUPP)));
    p.add(must("poll", "null array", e -> e.wsa.poll(null, 1, 0), union(STUB, codes(WSAEFAULT))));
    // rules 28-33: the bad arguments of the readiness calls, each with its code
    p.add(must("ioctlsocket", "null argp", e -> e.wsa.ioctlsocket(e.conn.s(), FIONBIO, null), codes(WSAEFAULT)));
    p.add(must("ioctlsocket", "empty argp", e -> e.wsa.ioctlsocket(e.conn.s(), FIONREAD, new int[0]), codes(WSAEFAULT)));
    p.add(must("ioctlsocket", "unknown cmd", e -> e.wsa.ioctlsocket(e.conn.s(), 0x7fffffff, new int[1]), codes(WSAEINVAL)));
    p.add(may("ioctlsocket", "FIONREAD on a listener", e -> e.wsa.ioctlsocket(e.listener, FIONREAD, new int[1]), codes()));
    for (int[] r : new int[][] {{-1, 1}, {0, 5}, {3, 2}, {0, -1}, {Integer.MAX_VALUE, 1}}) {
      String in = "off " + r[0] + ", len " + r[1] + " of 4";
      p.add(must("send", "plain, " + in, e -> e.wsa.send(e.conn.s(), new byte[4], r[0], r[1], 0), codes(WSAEFAULT)));
      p.add(must("recv", "plain, " + in, e -> e.wsa.recv(e.conn.s(), new byte[4], r[0], r[1], 0), codes(WSAEFAULT)));
    }
    p.add(must("send", "plain, null buffer", e -> e.wsa.send(e.conn.s(), null, 0, 1, 0), codes(WSAEFAULT)));
    p.add(must("recv", "plain, null buffer", e -> e.wsa.recv(e.conn.s(), null, 0, 1, 0), codes(WSAEFAULT)));
    p.add(must("send", "plain, MSG_OOB", e -> e.wsa.send(e.conn.s(), new byte[4], 0, 4, MSG_OOB), codes(WSAEOPNOTSUPP)));
    p.add(must("recv", "plain, MSG_OOB", e -> e.wsa.recv(e.conn.s(), new byte[4], 0, 4, MSG_OOB), codes(WSAEOPNOTSUPP)));
    p.add(must("send", "plain, unconnected", e -> e.wsa.send(e.fresh, new byte[4], 0, 4, 0), codes(WSAENOTCONN)));
    p.add(must("recv", "plain, listening", e -> e.wsa.recv(e.listener, new byte[4], 0, 4, 0), codes(WSAENOTCONN)));
    p.add(must("eventSelect", "closed event", e -> e.wsa.eventSelect(e.conn.s(), e.closedEvent, FD_READ), codes(WSAEINVAL)));
    p.add(must("eventSelect", "foreign event", e -> e.wsa.eventSelect(e.conn.s(), e.foreignEvent, FD_READ), codes(WSAEINVAL)));
    p.add(must("eventSelect", "null event, events", e -> e.wsa.eventSelect(e.conn.s(), null, FD_READ), codes(WSAEINVAL)));
    p.add(must("eventSelect", "unknown events", e -> e.wsa.eventSelect(e.conn.s(), e.live, -1), codes(WSAEINVAL)));
    p.add(must("enumNetworkEvents", "null record", e -> e.wsa.enumNetworkEvents(e.conn.s(), null, null), codes(WSAEFAULT)));
    p.add(must("enumNetworkEvents", "closed event", e -> e.wsa.enumNetworkEvents(e.conn.s(), e.closedEvent, new WsaNetworkEvents()), codes(WSAEINVAL)));
    p.add(must("select", "all sets empty", e -> e.wsa.select(0, new WsaFdSet(), new WsaFdSet(), new WsaFdSet(), null), codes(WSAEINVAL)));
    for (Sock k : new Sock[] {Sock.CLOSED, Sock.FOREIGN, Sock.ALIEN}) {
      p.add(must("select", k.name().toLowerCase() + " socket in a set", e -> e.wsa.select(0, setOf(e.sock(k)), null, null, null), codes(WSAENOTSOCK)));
      p.add(may("poll", k.name().toLowerCase() + " socket: POLLNVAL", e -> e.wsa.poll(new WsaPollFd[] {new WsaPollFd(e.sock(k), POLLIN)}, 1, 0), codes()));
    }
    p.add(must("select", "negative timeout", e -> e.wsa.select(0, setOf(e.conn.s()), null, null, new WsaTimeval(-1, 0)), codes(WSAEINVAL)));
    p.add(must("poll", "no entries", e -> e.wsa.poll(new WsaPollFd[] {new WsaPollFd(e.conn.s(), POLLIN)}, 0, 0), codes(WSAEINVAL)));
    p.add(must("poll", "count beyond the array", e -> e.wsa.poll(new WsaPollFd[] {new WsaPollFd(e.conn.s(), POLLIN)}, 2, 0), codes(WSAEFAULT)));
    p.add(must("poll", "null entry", e -> e.wsa.poll(new WsaPollFd[1], 1, 0), codes(WSAEFAULT)));
    p.add(must("poll", "unknown events", e -> e.wsa.poll(new WsaPollFd[] {new WsaPollFd(e.conn.s(), 0x8000)}, 1, 0), codes(WSAEINVAL)));
    p.add(may("getAcceptExSockaddrs", "null buffer",
        e -> {
          e.wsa.getAcceptExSockaddrs(null, 0, 32, 32, new SocketAddress[1], new SocketAddress[1]);
          return "returned"; // a void call: only "no throw" is asked of it
        }, STUB));

    // socket()
    p.add(must("socket", "af -1", e -> e.wsa.socket(-1, SOCK_STREAM, 0, null, 0, 0), codes(WSAEAFNOSUPPORT)));
    p.add(must("socket", "af MAX", e -> e.wsa.socket(Integer.MAX_VALUE, SOCK_STREAM, 0, null, 0, 0), codes(WSAEAFNOSUPPORT)));
    p.add(must("socket", "type -1", e -> e.wsa.socket(AF_INET, -1, 0, null, 0, 0), codes(WSAESOCKTNOSUPPORT)));
    p.add(must("socket", "type 5", e -> e.wsa.socket(AF_INET, 5, 0, null, 0, 0), codes(WSAESOCKTNOSUPPORT)));
    p.add(must("socket", "protocol MIN", e -> e.wsa.socket(AF_INET, SOCK_STREAM, Integer.MIN_VALUE, null, 0, 0), codes(WSAEPROTONOSUPPORT)));
    p.add(must("socket", "protocolInfo \"x\"", e -> e.wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, "x", 0, 0), codes(WSAEINVAL)));
    p.add(must("socket", "group MAX", e -> e.wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, Integer.MAX_VALUE, 0), codes(WSAEINVAL)));
    p.add(must("socket", "flags MIN", e -> e.wsa.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, Integer.MIN_VALUE), codes(WSAEINVAL)));

    // bind / listen / accept / connect
    p.add(must("bind", "null address", e -> e.wsa.bind(e.fresh, null), codes(WSAEFAULT)));
    p.add(must("bind", "IPv6 on AF_INET", e -> e.wsa.bind(e.fresh, v6), codes(WSAEAFNOSUPPORT)));
    p.add(must("bind", "unix address", e -> e.wsa.bind(e.fresh, unix), codes(WSAEAFNOSUPPORT)));
    p.add(must("bind", "unresolved", e -> e.wsa.bind(e.fresh, unresolved),
        codes(WSAEADDRNOTAVAIL, WSAEFAULT, WSAEINVAL, WSAEAFNOSUPPORT)));
    p.add(must("bind", "bound socket", e -> e.wsa.bind(e.bound, any), codes(WSAEINVAL)));
    p.add(must("bind", "listening socket", e -> e.wsa.bind(e.listener, any), codes(WSAEINVAL)));
    p.add(must("bind", "connected socket", e -> e.wsa.bind(e.conn.s(), any), codes(WSAEINVAL)));
    for (int backlog : new int[] {-1, 0, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
      p.add(must("listen", "unbound, backlog " + backlog, e -> e.wsa.listen(e.fresh, backlog), codes(WSAEINVAL)));
    }
    p.add(must("listen", "connected", e -> e.wsa.listen(e.conn.s(), 5), codes(WSAEISCONN)));
    p.add(must("accept", "unbound", e -> e.wsa.accept(e.fresh, null), codes(WSAEINVAL)));
    p.add(must("accept", "bound", e -> e.wsa.accept(e.bound, null), codes(WSAEINVAL)));
    p.add(must("accept", "connected", e -> e.wsa.accept(e.conn.s(), null), codes(WSAEINVAL)));
    p.add(must("connect", "null address", e -> e.wsa.connect(e.fresh, null), codes(WSAEFAULT)));
    p.add(must("connect", "IPv6 on AF_INET", e -> e.wsa.connect(e.fresh, v6), codes(WSAEAFNOSUPPORT)));
    p.add(must("connect", "unix address", e -> e.wsa.connect(e.fresh, unix), codes(WSAEAFNOSUPPORT)));
    p.add(must("connect", "unresolved", e -> e.wsa.connect(e.fresh, unresolved),
        codes(WSAEADDRNOTAVAIL, WSAEFAULT, WSAEINVAL, WSAEAFNOSUPPORT, WSAEHOSTUNREACH, WSAENETUNREACH)));
    p.add(must("connect", "port 0", e -> e.wsa.connect(e.fresh, any), codes(WSAEADDRNOTAVAIL, WSAECONNREFUSED)));
    p.add(must("connect", "connected", e -> e.wsa.connect(e.conn.s(), e.peer), codes(WSAEISCONN)));
    p.add(must("connect", "listening", e -> e.wsa.connect(e.listener, e.peer), codes(WSAEINVAL)));

    // shutdown, options, names
    for (int how : new int[] {-1, 3, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
      p.add(must("shutdown", "how " + how, e -> e.wsa.shutdown(e.conn.s(), how), codes(WSAEINVAL)));
    }
    p.add(must("shutdown", "unconnected", e -> e.wsa.shutdown(e.fresh, SD_SEND), codes(WSAENOTCONN)));
    p.add(must("shutdown", "listening", e -> e.wsa.shutdown(e.listener, SD_BOTH), codes(WSAENOTCONN)));
    for (int level : new int[] {-1, 0x1234, Integer.MIN_VALUE}) {
      p.add(must("setsockopt", "level " + level, e -> e.wsa.setsockopt(e.fresh, level, SO_KEEPALIVE, 1), codes(WSAEINVAL)));
      p.add(must("getsockopt", "level " + level, e -> e.wsa.getsockopt(e.fresh, level, SO_KEEPALIVE, new int[1]), codes(WSAEINVAL)));
    }
    for (int option : new int[] {-1, 0x7777, Integer.MAX_VALUE}) {
      p.add(must("setsockopt", "option " + option, e -> e.wsa.setsockopt(e.fresh, SOL_SOCKET, option, 1), codes(WSAENOPROTOOPT)));
      p.add(must("getsockopt", "option " + option, e -> e.wsa.getsockopt(e.fresh, SOL_SOCKET, option, new int[1]), codes(WSAENOPROTOOPT)));
    }
    p.add(must("setsockopt", "SO_LINGER 0", e -> e.wsa.setsockopt(e.conn.s(), SOL_SOCKET, SO_LINGER, 0), codes(WSAENOPROTOOPT)));
    p.add(must("setsockopt", "SO_LINGER MAX", e -> e.wsa.setsockopt(e.conn.s(), SOL_SOCKET, SO_LINGER, Integer.MAX_VALUE), codes(WSAENOPROTOOPT)));
    p.add(may("setsockopt", "SO_RCVBUF -1", e -> e.wsa.setsockopt(e.fresh, SOL_SOCKET, SO_RCVBUF, -1), codes(WSAEINVAL)));
    p.add(may("setsockopt", "SO_LINGER MIN", e -> e.wsa.setsockopt(e.fresh, SOL_SOCKET, SO_LINGER, Integer.MIN_VALUE),
        codes(WSAENOPROTOOPT, WSAEINVAL)));
    p.add(must("getsockopt", "null out", e -> e.wsa.getsockopt(e.fresh, SOL_SOCKET, SO_KEEPALIVE, null), codes(WSAEFAULT)));
    p.add(must("getsockopt", "empty out", e -> e.wsa.getsockopt(e.fresh, SOL_SOCKET, SO_KEEPALIVE, new int[0]), codes(WSAEFAULT)));
    p.add(must("getsockname", "unbound", e -> e.wsa.getsockname(e.fresh, new SocketAddress[1]), codes(WSAEINVAL)));
    p.add(must("getsockname", "null out", e -> e.wsa.getsockname(e.bound, null), codes(WSAEFAULT)));
    p.add(must("getsockname", "empty out", e -> e.wsa.getsockname(e.bound, new SocketAddress[0]), codes(WSAEFAULT)));
    p.add(must("getpeername", "unconnected", e -> e.wsa.getpeername(e.bound, new SocketAddress[1]), codes(WSAENOTCONN)));
    p.add(must("getpeername", "null out", e -> e.wsa.getpeername(e.conn.s(), null), codes(WSAEFAULT)));
    p.add(must("getpeername", "empty out", e -> e.wsa.getpeername(e.conn.s(), new SocketAddress[0]), codes(WSAEFAULT)));

    // send / recv
    for (int n : BAD_BUFFER_COUNTS) {
      p.add(must("send", "bufferCount " + n, e -> e.wsa.send(e.conn.s(), null, n, null, 0, new WsaOverlapped(), null), codes(WSAEINVAL)));
      p.add(must("recv", "bufferCount " + n, e -> e.wsa.recv(e.conn.s(), null, n, null, null, null, null), codes(WSAEINVAL)));
    }
    for (int n : new int[] {2, Integer.MAX_VALUE}) {
      p.add(must("send", "bufferCount " + n + " > length", e -> e.wsa.send(e.conn.s(), one(), n, new int[1], 0, null, null), codes(WSAEFAULT)));
      p.add(must("recv", "bufferCount " + n + " > length", e -> e.wsa.recv(e.conn.s(), one(), n, new int[1], new int[1], null, null), codes(WSAEFAULT)));
    }
    p.add(must("send", "null buffers", e -> e.wsa.send(e.conn.s(), null, 1, new int[1], 0, null, null), codes(WSAEFAULT)));
    p.add(must("recv", "null buffers", e -> e.wsa.recv(e.conn.s(), null, 1, null, new int[1], new WsaOverlapped(), null), codes(WSAEFAULT)));
    p.add(must("send", "null element", e -> e.wsa.send(e.conn.s(), new WsaBuf[1], 1, null, 0, new WsaOverlapped(), null), codes(WSAEFAULT)));
    p.add(must("recv", "null element", e -> e.wsa.recv(e.conn.s(), new WsaBuf[1], 1, new int[1], new int[1], null, null), codes(WSAEFAULT)));
    p.add(must("send", "len > remaining", e -> e.wsa.send(e.conn.s(),
        new WsaBuf[] {new WsaBuf(ByteBuffer.allocate(1), Integer.MAX_VALUE)}, 1, new int[1], 0, null, null), codes(WSAEFAULT)));
    p.add(must("recv", "len > remaining", e -> e.wsa.recv(e.conn.s(),
        new WsaBuf[] {new WsaBuf(ByteBuffer.allocate(1), Integer.MAX_VALUE)}, 1, new int[1], new int[1], null, null), codes(WSAEFAULT)));
    p.add(must("recv", "read-only buffer", e -> e.wsa.recv(e.conn.s(),
        new WsaBuf[] {new WsaBuf(ByteBuffer.allocate(8).asReadOnlyBuffer())}, 1, new int[1], new int[1], null, null), codes(WSAEFAULT)));
    p.add(must("recv", "null flags", e -> e.wsa.recv(e.conn.s(), one(), 1, new int[1], null, null, null), codes(WSAEFAULT)));
    p.add(must("send", "blocking, null count", e -> e.wsa.send(e.conn.s(), one(), 1, null, 0, null, null), codes(WSAEFAULT)));
    p.add(must("recv", "blocking, null count", e -> e.wsa.recv(e.conn.s(), one(), 1, null, new int[1], null, null), codes(WSAEFAULT)));
    p.add(must("recv", "MSG_OOB", e -> e.wsa.recv(e.conn.s(), one(), 1, new int[1], new int[] {MSG_OOB}, null, null), codes(WSAEOPNOTSUPP)));
    p.add(must("send", "MSG_OOB", e -> e.wsa.send(e.conn.s(), one(), 1, new int[1], MSG_OOB, null, null), codes(WSAEOPNOTSUPP)));
    p.add(must("send", "flags -1", e -> e.wsa.send(e.conn.s(), one(), 1, new int[1], -1, null, null), codes(WSAEOPNOTSUPP, WSAEINVAL)));
    p.add(may("recv", "flags 0x7fff0000", e -> e.wsa.recv(e.conn.s(), one(), 1, new int[1], new int[] {0x7fff0000}, null, null),
        codes(WSAEOPNOTSUPP, WSAEINVAL)));
    p.add(must("send", "unconnected", e -> e.wsa.send(e.fresh, one(), 1, new int[1], 0, null, null), codes(WSAENOTCONN)));
    p.add(must("recv", "listening", e -> e.wsa.recv(e.listener, one(), 1, null, new int[1], new WsaOverlapped(), null), codes(WSAENOTCONN)));
    p.add(must("recv", "pending token", e -> e.wsa.recv(e.conn.s(), one(), 1, null, new int[1], e.pending, null), codes(WSAEINVAL)));
    p.add(must("send", "pending token", e -> e.wsa.send(e.conn.s(), one(), 1, null, 0, e.pending, (a, b, c, d) -> { }), codes(WSAEINVAL)));

    // datagrams (rule 34): sendTo / recvFrom / sendto / recvfrom with bad arguments
    for (int n : BAD_BUFFER_COUNTS) {
      p.add(must("sendTo", "bufferCount " + n, e -> e.wsa.sendTo(e.udp, one(), n, new int[1], 0, e.peer, null, null), codes(WSAEINVAL)));
      p.add(must("recvFrom", "bufferCount " + n, e -> e.wsa.recvFrom(e.udp, one(), n, new int[1], new int[1], null, null, null), codes(WSAEINVAL)));
    }
    p.add(must("sendTo", "bufferCount > length", e -> e.wsa.sendTo(e.udp, one(), 2, new int[1], 0, e.peer, null, null), codes(WSAEFAULT)));
    p.add(must("recvFrom", "null buffers", e -> e.wsa.recvFrom(e.udp, null, 1, new int[1], new int[1], null, new WsaOverlapped(), null), codes(WSAEFAULT)));
    p.add(must("sendTo", "null element", e -> e.wsa.sendTo(e.udp, new WsaBuf[1], 1, new int[1], 0, e.peer, null, null), codes(WSAEFAULT)));
    p.add(must("recvFrom", "read-only buffer", e -> e.wsa.recvFrom(e.udp,
        new WsaBuf[] {new WsaBuf(ByteBuffer.allocate(8).asReadOnlyBuffer())}, 1, new int[1], new int[1], null, null, null), codes(WSAEFAULT)));
    p.add(must("recvFrom", "null flags", e -> e.wsa.recvFrom(e.udp, one(), 1, new int[1], null, null, null, null), codes(WSAEFAULT)));
    p.add(must("recvFrom", "empty fromOut", e -> e.wsa.recvFrom(e.udp, one(), 1, new int[1], new int[1], new SocketAddress[0], null, null), codes(WSAEFAULT)));
    p.add(must("sendTo", "blocking, null count", e -> e.wsa.sendTo(e.udp, one(), 1, null, 0, e.peer, null, null), codes(WSAEFAULT)));
    p.add(must("recvFrom", "blocking, null count", e -> e.wsa.recvFrom(e.udp, one(), 1, null, new int[1], null, null, null), codes(WSAEFAULT)));
    p.add(must("sendTo", "null address, unconnected", e -> e.wsa.sendTo(e.udp, one(), 1, new int[1], 0, null, null, null), codes(WSAEDESTADDRREQ)));
    p.add(must("sendTo", "IPv6 on AF_INET", e -> e.wsa.sendTo(e.udp, one(), 1, new int[1], 0, v6, null, null), codes(WSAEAFNOSUPPORT)));
    p.add(must("sendTo", "unix address", e -> e.wsa.sendTo(e.udp, one(), 1, new int[1], 0, unix, null, null), codes(WSAEAFNOSUPPORT)));
    p.add(must("sendTo", "unresolved", e -> e.wsa.sendTo(e.udp, one(), 1, new int[1], 0, unresolved, null, null), codes(WSAEADDRNOTAVAIL)));
    p.add(must("sendTo", "port 0", e -> e.wsa.sendTo(e.udp, one(), 1, new int[1], 0, any, null, null), codes(WSAEADDRNOTAVAIL)));
    p.add(must("sendTo", "65,508 bytes", e -> e.wsa.sendTo(e.udp, new WsaBuf[] {WsaBuf.allocate(65_508)}, 1, new int[1], 0, e.peer, null, null), codes(WSAEMSGSIZE)));
    p.add(must("sendTo", "MSG_OOB", e -> e.wsa.sendTo(e.udp, one(), 1, new int[1], MSG_OOB, e.peer, null, null), codes(WSAEOPNOTSUPP)));
    p.add(must("sendTo", "flags -1", e -> e.wsa.sendTo(e.udp, one(), 1, new int[1], -1, e.peer, null, null), codes(WSAEOPNOTSUPP, WSAEINVAL)));
    p.add(must("recvFrom", "MSG_WAITALL", e -> e.wsa.recvFrom(e.udp, one(), 1, new int[1], new int[] {MSG_WAITALL}, null, null, null), codes(WSAEOPNOTSUPP)));
    p.add(must("recvFrom", "pending token", e -> e.wsa.recvFrom(e.udp, one(), 1, null, new int[1], null, e.pending, null), codes(WSAEINVAL)));
    p.add(must("recvFrom", "unbound", e -> e.wsa.recvFrom(e.udpFresh, one(), 1, new int[1], new int[1], null, null, null), codes(WSAEINVAL)));
    p.add(must("recvFrom", "stream socket", e -> e.wsa.recvFrom(e.conn.s(), one(), 1, new int[1], new int[1], null, null, null), codes(WSAEOPNOTSUPP)));
    p.add(must("sendto", "null buffer", e -> e.wsa.sendto(e.udp, null, 0, 1, 0, e.peer), codes(WSAEFAULT)));
    p.add(must("sendto", "offset -1", e -> e.wsa.sendto(e.udp, new byte[4], -1, 1, 0, e.peer), codes(WSAEFAULT)));
    p.add(must("sendto", "len past the end", e -> e.wsa.sendto(e.udp, new byte[4], 2, Integer.MAX_VALUE, 0, e.peer), codes(WSAEFAULT)));
    p.add(must("sendto", "null address", e -> e.wsa.sendto(e.udp, new byte[4], 0, 4, 0, null), codes(WSAEDESTADDRREQ)));
    p.add(must("recvfrom", "null buffer", e -> e.wsa.recvfrom(e.udp, null, 0, 1, 0, null), codes(WSAEFAULT)));
    p.add(must("recvfrom", "len -1", e -> e.wsa.recvfrom(e.udp, new byte[4], 0, -1, 0, null), codes(WSAEFAULT)));
    p.add(must("recvfrom", "empty fromOut", e -> e.wsa.recvfrom(e.udp, new byte[4], 0, 4, 0, new SocketAddress[0]), codes(WSAEFAULT)));
    p.add(must("recvfrom", "stream socket", e -> e.wsa.recvfrom(e.conn.s(), new byte[4], 0, 4, 0, null), codes(WSAEOPNOTSUPP)));
    p.add(must("listen", "datagram socket", e -> e.wsa.listen(e.udp, 5), codes(WSAEOPNOTSUPP)));
    p.add(must("send", "unconnected datagram socket", e -> e.wsa.send(e.udp, one(), 1, new int[1], 0, null, null), codes(WSAENOTCONN)));
    p.add(must("acceptEx", "datagram listener", e -> e.wsa.acceptEx(e.udp, e.fresh, WsaBuf.allocate(64), 0, new int[1], new WsaOverlapped()), STUB));
    p.add(must("acceptEx", "datagram acceptSocket", e -> e.wsa.acceptEx(e.listener, e.udpFresh, WsaBuf.allocate(64), 0, new int[1], new WsaOverlapped()), STUB));
    p.add(must("connectEx", "datagram socket", e -> e.wsa.connectEx(e.udp, e.peer, null, new int[1], new WsaOverlapped()), STUB));
    p.add(must("setsockopt", "TCP_NODELAY on a datagram socket", e -> e.wsa.setsockopt(e.udp, IPPROTO_TCP, TCP_NODELAY, 1), codes(WSAENOPROTOOPT)));

    // getOverlappedResult
    p.add(must("getOverlappedResult", "null token", e -> e.wsa.getOverlappedResult(e.conn.s(), null, new int[1], false, new int[1]), codes(WSAEFAULT)));
    p.add(must("getOverlappedResult", "null token, wait", e -> e.wsa.getOverlappedResult(e.conn.s(), null, new int[1], true, null), codes(WSAEFAULT)));
    p.add(must("getOverlappedResult", "null count", e -> e.wsa.getOverlappedResult(e.conn.s(), new WsaOverlapped(), null, false, null), codes(WSAEFAULT)));
    p.add(must("getOverlappedResult", "empty count", e -> e.wsa.getOverlappedResult(e.conn.s(), new WsaOverlapped(), new int[0], true, null), codes(WSAEFAULT)));
    p.add(must("getOverlappedResult", "pending, no wait", e -> e.wsa.getOverlappedResult(e.conn.s(), e.pending, new int[1], false, null), codes(WSA_IO_INCOMPLETE)));

    // events and waits
    for (Ev k : BAD_EVENTS) {
      String in = k.name().toLowerCase();
      Set<Integer> bad = codes(WSA_INVALID_HANDLE);
      p.add(must("setEvent", in, e -> e.wsa.setEvent(e.event(k)), bad));
      p.add(must("resetEvent", in, e -> e.wsa.resetEvent(e.event(k)), bad));
      p.add(must("closeEvent", in, e -> e.wsa.closeEvent(e.event(k)), bad));
      for (boolean all : new boolean[] {false, true}) {
        p.add(must("waitForMultipleEvents", in + ", waitAll " + all,
            e -> e.wsa.waitForMultipleEvents(2, new WsaEvent[] {e.live, e.event(k)}, all, 0, true), bad));
      }
    }
    for (int n : BAD_WAIT_COUNTS) {
      p.add(must("waitForMultipleEvents", "count " + n,
          e -> e.wsa.waitForMultipleEvents(n, new WsaEvent[] {e.live}, false, 0, false), codes(WSA_INVALID_PARAMETER)));
    }
    p.add(must("waitForMultipleEvents", "null array", e -> e.wsa.waitForMultipleEvents(1, null, true, 0, false), codes(WSA_INVALID_PARAMETER)));
    p.add(must("waitForMultipleEvents", "short array", e -> e.wsa.waitForMultipleEvents(3, new WsaEvent[] {e.live}, false, 0, false), codes(WSA_INVALID_PARAMETER)));

    // ports, cancelIoEx, acceptEx, connectEx with bad arguments
    p.add(must("cancelIoEx", "nothing pending", e -> e.wsa.cancelIoEx(e.conn.s(), null), union(STUB, codes(ERROR_NOT_FOUND))));
    p.add(must("cancelIoEx", "foreign token", e -> e.wsa.cancelIoEx(e.conn.s(), new WsaOverlapped()), union(STUB, codes(ERROR_NOT_FOUND))));
    p.add(must("createIoCompletionPort", "alien existing, threads -1", e -> e.wsa.createIoCompletionPort(e.conn.s(), ALIEN_PORT, 1, -1), STUB));
    for (WsaCompletionPort port : Arrays.asList(null, ALIEN_PORT)) {
      String in = port == null ? "null port" : "alien port";
      Set<Integer> gq = union(STUB, codes(WAIT_TIMEOUT));
      p.add(must("getQueuedCompletionStatus", in, e -> e.wsa.getQueuedCompletionStatus(port, new int[1], new long[1], new WsaOverlapped[1], 0), gq));
      p.add(must("getQueuedCompletionStatus", in + ", null arrays", e -> e.wsa.getQueuedCompletionStatus(port, null, null, null, 0), gq));
      p.add(must("getQueuedCompletionStatus", in + ", empty arrays", e -> e.wsa.getQueuedCompletionStatus(port, new int[0], new long[0], new WsaOverlapped[0], 0), gq));
      for (int n : new int[] {0, -1, 1, Integer.MAX_VALUE}) {
        p.add(must("getQueuedCompletionStatusEx", in + ", count " + n,
            e -> e.wsa.getQueuedCompletionStatusEx(port, new WsaOverlappedEntry[1], n, new int[1], 0, true), gq));
      }
      p.add(must("getQueuedCompletionStatusEx", in + ", null entries and removed",
          e -> e.wsa.getQueuedCompletionStatusEx(port, null, 1, null, 0, false), gq));
      p.add(must("postQueuedCompletionStatus", in, e -> e.wsa.postQueuedCompletionStatus(port, -1, Long.MIN_VALUE, null), STUB));
      p.add(must("closeHandle", in, e -> e.wsa.closeHandle(port), STUB));
    }
    p.add(must("acceptEx", "null overlapped", e -> e.wsa.acceptEx(e.listener, e.fresh, WsaBuf.allocate(64), 0, new int[1], null), STUB));
    p.add(must("acceptEx", "null buffer with data wanted", e -> e.wsa.acceptEx(e.listener, e.fresh, null, 8, null, new WsaOverlapped()), STUB));
    p.add(must("acceptEx", "receiveDataLength -1", e -> e.wsa.acceptEx(e.listener, e.fresh, WsaBuf.allocate(64), -1, new int[1], new WsaOverlapped()), STUB));
    p.add(must("acceptEx", "receiveDataLength MAX", e -> e.wsa.acceptEx(e.listener, e.fresh, WsaBuf.allocate(64), Integer.MAX_VALUE, new int[1], new WsaOverlapped()), STUB));
    p.add(must("acceptEx", "connected acceptSocket", e -> e.wsa.acceptEx(e.listener, e.conn.s(), WsaBuf.allocate(64), 0, new int[1], new WsaOverlapped()), STUB));
    p.add(must("connectEx", "null overlapped", e -> e.wsa.connectEx(e.bound, e.peer, null, new int[1], null), STUB));
    p.add(must("connectEx", "null remote", e -> e.wsa.connectEx(e.bound, null, null, new int[1], new WsaOverlapped()), STUB));
    p.add(must("connectEx", "unbound", e -> e.wsa.connectEx(e.fresh, e.peer, null, new int[1], new WsaOverlapped()), STUB));
    p.add(must("connectEx", "connected", e -> e.wsa.connectEx(e.conn.s(), e.peer, WsaBuf.allocate(4), null, new WsaOverlapped()),
        union(STUB, codes(WSAEISCONN))));
    NoThrowStartupProbes.addTo(p, BAD_SOCKETS); // rules 35–38, in depth
    return p;
  }

  private static Probe must(String call, String input, Invoke invoke, Set<Integer> codes) {
    return new Probe(call, input, invoke, codes, true);
  }

  private static Probe may(String call, String input, Invoke invoke, Set<Integer> codes) {
    return new Probe(call, input, invoke, codes, false);
  }

  private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
    Set<Integer> u = new HashSet<>(a);
    u.addAll(b);
    return u;
  }

  static Stream<Arguments> everyProbe() throws Exception {
    return probes().stream().flatMap(p -> Stream.of(Arguments.of(p, "live"), Arguments.of(p, "cleaned-up")));
  }

  @DisplayName("rules 15–20, 24 (fuzz): no call throws; bad input gets the failure value and a plausible code")
  @ParameterizedTest(name = "no throw: {0} on a {1} context")
  @MethodSource("everyProbe")
  void noThrow(Probe probe, String context) throws Exception {
    boolean cleaned = context.equals("cleaned-up");
    Wsa wsa = cleaned ? fx.startup() : fx.wsa;
    Env env = new Env(fx, wsa);
    if (cleaned) {
      WsaFixture.assertOk(wsa.cleanup(), "cleanup");
    }
    Outcome<Object> out = fx.start(probe.toString(), () -> probe.invoke().call(env)).await();
    Set<Integer> plausible = cleaned ? union(probe.codes(), codes(WSANOTINITIALISED)) : probe.codes();
    boolean failed = isFailureValue(out.value());
    if (probe.mustFail()) {
      assertTrue(failed, () -> probe + " returned " + out.value() + ", not its failure value");
    }
    if (failed) {
      assertTrue(plausible.contains(out.lastError()), () -> probe + " failed with "
          + WsaFixture.name(out.lastError()) + ", expected one of " + names(plausible));
    }
  }

  private static String names(Set<Integer> codes) {
    return codes.stream().map(WsaFixture::name).collect(Collectors.toCollection(TreeSet::new)).toString();
  }

  @Test
  @DisplayName("rules 15–20, 24 (fuzz): the probes cover every Wsa method")
  void probesCoverEveryMethod() throws Exception {
    Set<String> probed = probes().stream().map(Probe::call).collect(Collectors.toSet());
    probed.addAll(List.of("data", "stats", "cleanup", "sleepEx", "createEvent")); // see below
    Set<String> missing = new TreeSet<>();
    for (Method m : Wsa.class.getMethods()) {
      if (!Modifier.isStatic(m.getModifiers()) && !m.isDefault() && !probed.contains(m.getName())) {
        missing.add(m.getName());
      }
    }
    assertEquals(Set.of(), missing, "Wsa methods no probe calls");
  }

  @Test
  @DisplayName("rule 15 (fuzz): data(), stats(), sleepEx, createEvent and a second cleanup() never throw, live or cleaned up")
  void lifecycleCallsNeverThrow() throws Exception {
    Wsa wsa = fx.startup();
    assertEquals(0x0202, wsa.data().version());
    assertEquals(0, wsa.stats().socketsOpen());
    assertEquals(0, wsa.sleepEx(0, false));
    assertEquals(0, wsa.sleepEx(0, true));
    WsaFixture.assertOk(wsa.cleanup(), "cleanup");
    Outcome<WsaEvent> event = fx.start("createEvent", wsa::createEvent).await();
    assertEquals(null, event.value());
    assertEquals(WSANOTINITIALISED, event.lastError(), WsaFixture.name(event.lastError()));
    Outcome<Integer> again = fx.start("cleanup again", wsa::cleanup).await();
    assertEquals(-1, again.value());
    assertEquals(WSANOTINITIALISED, again.lastError(), WsaFixture.name(again.lastError()));
    fx.start("close", () -> {
      wsa.close();
      return null;
    }).await();
    fx.start("data", wsa::data).await();
    fx.start("stats", wsa::stats).await();
    assertEquals(0, (int) fx.start("sleepEx", () -> wsa.sleepEx(0, true)).await().value());
  }
}
