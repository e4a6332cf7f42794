package io.wsa4j.contract;

import static io.wsa4j.Winsock.ERROR_INVALID_PARAMETER;
import static io.wsa4j.Winsock.IPPROTO_IPV6;
import static io.wsa4j.Winsock.IPV6_V6ONLY;
import static io.wsa4j.Winsock.SIO_GET_EXTENSION_FUNCTION_POINTER;
import static io.wsa4j.Winsock.SOL_SOCKET;
import static io.wsa4j.Winsock.SO_CONNECT_TIME;
import static io.wsa4j.Winsock.SO_ERROR;
import static io.wsa4j.Winsock.SO_EXCLUSIVEADDRUSE;
import static io.wsa4j.Winsock.SO_RCVTIMEO;
import static io.wsa4j.Winsock.SO_SNDTIMEO;
import static io.wsa4j.Winsock.SO_TYPE;
import static io.wsa4j.Winsock.SO_UPDATE_ACCEPT_CONTEXT;
import static io.wsa4j.Winsock.SO_UPDATE_CONNECT_CONTEXT;
import static io.wsa4j.Winsock.TF_DISCONNECT;
import static io.wsa4j.Winsock.TF_REUSE_SOCKET;
import static io.wsa4j.Winsock.WSAEFAULT;
import static io.wsa4j.Winsock.WSAEINVAL;
import static io.wsa4j.Winsock.WSAENOPROTOOPT;
import static io.wsa4j.Winsock.WSAENOTCONN;
import static io.wsa4j.Winsock.WSAENOTSOCK;
import static io.wsa4j.Winsock.WSAID_ACCEPTEX;

import io.wsa4j.WsaBuf;
import io.wsa4j.WsaOverlapped;
import io.wsa4j.contract.NoThrowFuzzTest.Probe;
import io.wsa4j.contract.NoThrowFuzzTest.Sock;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The fuzz probes of the startup pack (rules 35–38): the extension-function ioctl, the
 * socket-valued setsockopt, the 8-argument AcceptEx, GetAcceptExSockaddrs, DisconnectEx and the
 * options of rule 38, each with bad handles and bad arguments. {@link NoThrowFuzzTest} runs them,
 * live and after cleanup, like its own.
 */
final class NoThrowStartupProbes {
  private static final int V4 = 32;

  private NoThrowStartupProbes() {}

  private static Set<Integer> codes(int... c) {
    return Arrays.stream(c).boxed().collect(Collectors.toSet());
  }

  private static Probe must(String call, String input, NoThrowFuzzTest.Invoke invoke,
      Set<Integer> codes) {
    return new Probe(call, input, invoke, codes, true);
  }

  private static Probe may(String call, String input, NoThrowFuzzTest.Invoke invoke,
      Set<Integer> codes) {
    return new Probe(call, input, invoke, codes, false);
  }

  static void addTo(List<Probe> p, Sock[] badSockets) {
    Set<Integer> notSock = codes(WSAENOTSOCK);
    int code = SIO_GET_EXTENSION_FUNCTION_POINTER;
    for (Sock k : badSockets) {
      String in = k.name().toLowerCase();
      p.add(must("ioctl", in + ", extension function", e -> e.wsa.ioctl(e.sock(k), code,
          WSAID_ACCEPTEX, new Object[1], new int[1], null, null), notSock));
      p.add(must("setsockopt", in + ", SO_UPDATE_ACCEPT_CONTEXT", e -> e.wsa.setsockopt(e.sock(k),
          SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, e.listener), notSock));
      p.add(must("setsockopt", in + " listener", e -> e.wsa.setsockopt(e.conn.s(), SOL_SOCKET,
          SO_UPDATE_ACCEPT_CONTEXT, e.sock(k)), codes(WSAENOTSOCK, WSAEFAULT)));
      p.add(must("acceptEx", in + " listener, 8 args", e -> e.wsa.acceptEx(e.sock(k), e.fresh,
          WsaBuf.allocate(64), 0, V4, V4, new int[1], new WsaOverlapped()), notSock));
      p.add(must("acceptEx", in + " acceptSocket, 8 args", e -> e.wsa.acceptEx(e.listener,
          e.sock(k), WsaBuf.allocate(64), 0, V4, V4, new int[1], new WsaOverlapped()), notSock));
      p.add(must("disconnectEx", in, e -> e.wsa.disconnectEx(e.sock(k), new WsaOverlapped(), 0, 0),
          notSock));
      p.add(must("disconnectEx", in + ", blocking", e -> e.wsa.disconnectEx(e.sock(k), null,
          TF_REUSE_SOCKET, 0), notSock));
      p.add(must("getsockopt", in + ", SO_CONNECT_TIME", e -> e.wsa.getsockopt(e.sock(k),
          SOL_SOCKET, SO_CONNECT_TIME, new int[1]), notSock));
    }

    // ioctl(SIO_GET_EXTENSION_FUNCTION_POINTER)
    p.add(must("ioctl", "unknown GUID", e -> e.wsa.ioctl(e.fresh, code, new UUID(1, 2),
        new Object[1], new int[1], new WsaOverlapped(), null), codes(WSAEINVAL)));
    p.add(must("ioctl", "null GUID", e -> e.wsa.ioctl(e.fresh, code, null, new Object[1],
        new int[1], null, null), codes(WSAEFAULT)));
    p.add(must("ioctl", "GUID of the wrong type", e -> e.wsa.ioctl(e.fresh, code, new byte[16],
        new Object[1], new int[1], null, null), codes(WSAEFAULT)));
    p.add(must("ioctl", "null out", e -> e.wsa.ioctl(e.fresh, code, WSAID_ACCEPTEX, null,
        new int[1], null, null), codes(WSAEFAULT)));
    p.add(must("ioctl", "empty out", e -> e.wsa.ioctl(e.fresh, code, WSAID_ACCEPTEX,
        new Object[0], new int[1], null, null), codes(WSAEFAULT)));
    p.add(must("ioctl", "null count, token", e -> e.wsa.ioctl(e.fresh, code, WSAID_ACCEPTEX,
        new Object[1], null, new WsaOverlapped(), null), codes(WSAEFAULT)));
    p.add(must("ioctl", "empty count", e -> e.wsa.ioctl(e.fresh, code, WSAID_ACCEPTEX,
        new Object[1], new int[0], null, (a, b, c, d) -> { }), codes(WSAEFAULT)));
    p.add(must("ioctl", "pending token", e -> e.wsa.ioctl(e.conn.s(), code, WSAID_ACCEPTEX,
        new Object[1], new int[1], e.pending, null), codes(WSAEINVAL)));

    // setsockopt with a socket value
    p.add(must("setsockopt", "SO_UPDATE_ACCEPT_CONTEXT, null listener", e -> e.wsa.setsockopt(
        e.conn.s(), SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, (io.wsa4j.WsaSocket) null),
        codes(WSAEFAULT)));
    p.add(must("setsockopt", "SO_UPDATE_ACCEPT_CONTEXT, not a listener", e -> e.wsa.setsockopt(
        e.conn.s(), SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, e.fresh), codes(WSAEINVAL)));
    p.add(must("setsockopt", "SO_UPDATE_ACCEPT_CONTEXT, unconnected", e -> e.wsa.setsockopt(
        e.fresh, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, e.listener), codes(WSAENOTCONN)));
    p.add(must("setsockopt", "SO_UPDATE_CONNECT_CONTEXT, unconnected", e -> e.wsa.setsockopt(
        e.bound, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, (io.wsa4j.WsaSocket) null),
        codes(WSAENOTCONN)));
    p.add(must("setsockopt", "socket value, level MIN", e -> e.wsa.setsockopt(e.conn.s(),
        Integer.MIN_VALUE, SO_UPDATE_ACCEPT_CONTEXT, e.listener), codes(WSAEINVAL)));
    p.add(must("setsockopt", "socket value, an int option", e -> e.wsa.setsockopt(e.conn.s(),
        SOL_SOCKET, SO_RCVTIMEO, e.listener), codes(WSAEFAULT)));

    // AcceptEx with its address block
    p.add(must("acceptEx", "8 args, remote length 0", e -> e.wsa.acceptEx(e.listener, e.fresh,
        WsaBuf.allocate(64), 0, V4, 0, new int[1], new WsaOverlapped()), codes(WSAEFAULT)));
    p.add(must("acceptEx", "8 args, lengths MIN", e -> e.wsa.acceptEx(e.listener, e.fresh,
        WsaBuf.allocate(64), 0, Integer.MIN_VALUE, Integer.MIN_VALUE, new int[1],
        new WsaOverlapped()), codes(WSAEFAULT)));
    p.add(must("acceptEx", "8 args, lengths MAX", e -> e.wsa.acceptEx(e.listener, e.fresh,
        WsaBuf.allocate(64), Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, new int[1],
        new WsaOverlapped()), codes(WSAEFAULT)));
    p.add(must("acceptEx", "8 args, null buffer", e -> e.wsa.acceptEx(e.listener, e.fresh, null, 0,
        V4, V4, null, new WsaOverlapped()), codes(WSAEFAULT)));
    p.add(must("acceptEx", "8 args, null overlapped", e -> e.wsa.acceptEx(e.listener, e.fresh,
        WsaBuf.allocate(64), 0, V4, V4, new int[1], null), codes(ERROR_INVALID_PARAMETER)));
    p.add(must("acceptEx", "8 args, not listening", e -> e.wsa.acceptEx(e.bound, e.fresh,
        WsaBuf.allocate(64), 0, V4, V4, new int[1], new WsaOverlapped()), codes(WSAEINVAL)));
    p.add(must("acceptEx", "8 args, read-only buffer", e -> e.wsa.acceptEx(e.listener, e.fresh,
        new WsaBuf(ByteBuffer.allocate(64).asReadOnlyBuffer()), 0, V4, V4, new int[1],
        new WsaOverlapped()), codes(WSAEFAULT)));

    // GetAcceptExSockaddrs has no failure value: it must just not throw
    p.add(may("getAcceptExSockaddrs", "null buffer", e -> {
      e.wsa.getAcceptExSockaddrs(null, 0, V4, V4, new SocketAddress[1], new SocketAddress[1]);
      return "returned";
    }, Set.of()));
    p.add(may("getAcceptExSockaddrs", "lengths MIN, null outs", e -> {
      e.wsa.getAcceptExSockaddrs(WsaBuf.allocate(8), Integer.MIN_VALUE, Integer.MIN_VALUE,
          Integer.MIN_VALUE, null, null);
      return "returned";
    }, Set.of()));
    p.add(may("getAcceptExSockaddrs", "lengths MAX, empty outs", e -> {
      e.wsa.getAcceptExSockaddrs(WsaBuf.allocate(8), Integer.MAX_VALUE, Integer.MAX_VALUE,
          Integer.MAX_VALUE, new SocketAddress[0], new SocketAddress[0]);
      return "returned";
    }, Set.of()));

    // DisconnectEx
    p.add(must("disconnectEx", "unconnected", e -> e.wsa.disconnectEx(e.fresh, new WsaOverlapped(),
        0, 0), codes(WSAENOTCONN)));
    p.add(must("disconnectEx", "listening, blocking", e -> e.wsa.disconnectEx(e.listener, null,
        TF_REUSE_SOCKET, 0), codes(WSAENOTCONN)));
    p.add(must("disconnectEx", "flags TF_DISCONNECT", e -> e.wsa.disconnectEx(e.conn.s(),
        new WsaOverlapped(), TF_DISCONNECT, 0), codes(WSAEINVAL)));
    p.add(must("disconnectEx", "flags MIN", e -> e.wsa.disconnectEx(e.conn.s(), null,
        Integer.MIN_VALUE, 0), codes(WSAEINVAL)));
    p.add(must("disconnectEx", "reserved -1", e -> e.wsa.disconnectEx(e.conn.s(),
        new WsaOverlapped(), 0, -1), codes(WSAEINVAL)));
    p.add(must("disconnectEx", "pending token", e -> e.wsa.disconnectEx(e.conn.s(), e.pending,
        0, 0), codes(WSAEINVAL)));

    // the options of rule 38
    for (int option : new int[] {SO_ERROR, SO_TYPE, SO_CONNECT_TIME}) {
      p.add(must("setsockopt", "read-only option " + Integer.toHexString(option),
          e -> e.wsa.setsockopt(e.fresh, SOL_SOCKET, option, 1), codes(WSAENOPROTOOPT)));
      p.add(must("getsockopt", "option " + Integer.toHexString(option) + ", null out",
          e -> e.wsa.getsockopt(e.fresh, SOL_SOCKET, option, null), codes(WSAEFAULT)));
    }
    p.add(may("setsockopt", "SO_RCVTIMEO MIN", e -> e.wsa.setsockopt(e.conn.s(), SOL_SOCKET,
        SO_RCVTIMEO, Integer.MIN_VALUE), codes(WSAEINVAL)));
    p.add(may("setsockopt", "SO_SNDTIMEO -1", e -> e.wsa.setsockopt(e.conn.s(), SOL_SOCKET,
        SO_SNDTIMEO, -1), codes(WSAEINVAL)));
    p.add(may("setsockopt", "SO_EXCLUSIVEADDRUSE MAX", e -> e.wsa.setsockopt(e.fresh, SOL_SOCKET,
        SO_EXCLUSIVEADDRUSE, Integer.MAX_VALUE), codes(WSAEINVAL)));
    p.add(must("setsockopt", "IPV6_V6ONLY on IPv4", e -> e.wsa.setsockopt(e.fresh, IPPROTO_IPV6,
        IPV6_V6ONLY, 1), codes(WSAEINVAL)));
    p.add(must("getsockopt", "IPV6_V6ONLY on IPv4", e -> e.wsa.getsockopt(e.fresh, IPPROTO_IPV6,
        IPV6_V6ONLY, new int[1]), codes(WSAEINVAL)));
  }
}
