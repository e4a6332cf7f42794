package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;

import io.wsa4j.Wsa;
import io.wsa4j.WsaEvent;
import io.wsa4j.WsaSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The argument checks every call of a context shares, in the order Winsock makes them
 * (initialised, handle, counts, pointers, flags, state), and the one way out for a failure:
 * {@link #fail} and {@link #failed} set the calling thread's last error and return the call's
 * failure value, so no call throws for bad input.
 */
final class Args {
  private final Nio2Wsa context;

  Args(Nio2Wsa context) {
    this.context = context;
  }

  // -- failure helpers: every failure leaves through one of these --

  /** Sets the last error; returns {@code SOCKET_ERROR}, the failure value of {@code int} calls. */
  static int fail(int code) {
    Wsa.setLastError(code);
    return SOCKET_ERROR;
  }

  /** Sets the last error; returns false, the failure value of {@code boolean} calls. */
  static boolean failed(int code) {
    Wsa.setLastError(code);
    return false;
  }

  /** 0 for 0; otherwise {@link #fail} with the code. */
  static int result(int code) {
    return code == 0 ? 0 : fail(code);
  }

  /** An out-parameter C would write through: null or empty is {@code WSAEFAULT}. */
  static boolean badOut(Object[] out) {
    return out == null || out.length < 1;
  }

  /** As {@link #badOut(Object[])} for a count or flags out-parameter. */
  static boolean badOut(int[] out) {
    return out == null || out.length < 1;
  }

  // -- handles --

  /** The socket behind a handle of this context, or null (null, closed or foreign handle). */
  NioSocket socketOf(WsaSocket s) {
    if (s instanceof NioSocket) {
      NioSocket ns = (NioSocket) s;
      if (ns.context == context && !ns.isClosed()) {
        return ns;
      }
    }
    return null;
  }

  /**
   * The socket behind an argument, or null with the last error set: {@code WSANOTINITIALISED}
   * after cleanup, else {@code WSAENOTSOCK} for a null, closed or foreign handle (rule 15).
   */
  NioSocket socketArg(WsaSocket s) {
    if (context.isCleanedUp()) {
      Wsa.setLastError(WSANOTINITIALISED);
      return null;
    }
    NioSocket sock = socketOf(s);
    if (sock == null) {
      Wsa.setLastError(WSAENOTSOCK);
    }
    return sock;
  }

  /** As {@link #socketArg} for an event: {@code WSA_INVALID_HANDLE} when it is not valid. */
  NioEvent eventArg(WsaEvent e) {
    if (context.isCleanedUp()) {
      Wsa.setLastError(WSANOTINITIALISED);
      return null;
    }
    NioEvent ev = eventOf(e);
    if (ev == null) {
      Wsa.setLastError(WSA_INVALID_HANDLE);
    }
    return ev;
  }

  /** The event behind a handle of this context, or null (null, closed or foreign handle). */
  NioEvent eventOf(WsaEvent e) {
    if (e instanceof NioEvent) {
      NioEvent ne = (NioEvent) e;
      if (ne.context == context && !ne.isClosed()) {
        return ne;
      }
    }
    return null;
  }

  // -- addresses --

  /**
   * The address as an {@link InetSocketAddress} of the socket's family, or null with the code in
   * {@code code[0]}: {@code WSAEFAULT} (null), {@code WSAEAFNOSUPPORT} (another kind or family),
   * {@code WSAEADDRNOTAVAIL} (unresolved).
   */
  static InetSocketAddress addressFor(int family, SocketAddress a, int[] code) {
    if (a == null) {
      code[0] = WSAEFAULT;
      return null;
    }
    if (!(a instanceof InetSocketAddress)) {
      code[0] = WSAEAFNOSUPPORT;
      return null;
    }
    InetSocketAddress isa = (InetSocketAddress) a;
    if (isa.isUnresolved()) {
      code[0] = WSAEADDRNOTAVAIL;
      return null;
    }
    boolean familyMatches = family == AF_INET
        ? isa.getAddress() instanceof Inet4Address
        : isa.getAddress() instanceof Inet6Address;
    if (!familyMatches) {
      code[0] = WSAEAFNOSUPPORT;
      return null;
    }
    return isa;
  }
}
