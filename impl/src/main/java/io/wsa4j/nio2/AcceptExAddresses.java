package io.wsa4j.nio2;

import static io.wsa4j.Winsock.AF_INET;
import static io.wsa4j.Winsock.AF_INET6;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * The address block {@code AcceptEx} writes after the first data, and {@code
 * GetAcceptExSockaddrs} reads back. Windows keeps its layout private (the documentation only asks
 * for 16 bytes more than the address), so wsa4j has its own:
 *
 * <pre>
 *   slot = [sockaddr length: u16 LE] [sockaddr: family u16 LE, port u16 BE, ...] [zero padding]
 *   sockaddr_in  (16 bytes): family 2,  port, address (4), zero (8)
 *   sockaddr_in6 (28 bytes): family 23, port, flow info (4, zero), address (16), scope id (u32 LE)
 * </pre>
 *
 * The local slot starts at {@code receiveDataLength}, the remote slot right after the local one.
 * A slot of length 0 (or one whose length prefix is not a sockaddr size) holds no address. Every
 * write and read is absolute: the caller's position and limit never move.
 */
final class AcceptExAddresses {
  /** Bytes Windows asks for beyond the sockaddr itself. */
  static final int SLACK = 16;
  private static final int SOCKADDR_IN = 16;
  private static final int SOCKADDR_IN6 = 28;
  private static final int PREFIX = 2;

  private AcceptExAddresses() {}

  /** The smallest address length {@code AcceptEx} accepts for a socket of {@code family}. */
  static int required(int family) {
    return (family == AF_INET6 ? SOCKADDR_IN6 : SOCKADDR_IN) + SLACK;
  }

  /**
   * Writes {@code a} into the slot {@code [at, at + length)} of {@code buf} (absolute index),
   * zeroing the rest of it. The caller checked that the slot fits and is long enough.
   */
  static void write(ByteBuffer buf, int at, int length, InetSocketAddress a) {
    for (int i = 0; i < length; i++) {
      buf.put(at + i, (byte) 0);
    }
    byte[] ip = a.getAddress().getAddress();
    boolean v6 = ip.length == 16;
    putShortLe(buf, at, v6 ? SOCKADDR_IN6 : SOCKADDR_IN);
    int sa = at + PREFIX;
    putShortLe(buf, sa, v6 ? AF_INET6 : AF_INET);
    buf.put(sa + 2, (byte) (a.getPort() >>> 8));
    buf.put(sa + 3, (byte) a.getPort());
    int ipAt = v6 ? sa + 8 : sa + 4;
    for (int i = 0; i < ip.length; i++) {
      buf.put(ipAt + i, ip[i]);
    }
    if (v6) {
      int scope = ((Inet6Address) a.getAddress()).getScopeId();
      putShortLe(buf, sa + 24, scope & 0xffff);
      putShortLe(buf, sa + 26, scope >>> 16);
    }
  }

  /**
   * The address in the slot {@code [at, at + length)}, or null when the slot is out of bounds,
   * too short, or holds none.
   */
  static InetSocketAddress read(ByteBuffer buf, int at, int length) {
    if (at < 0 || length < PREFIX || (long) at + length > buf.limit()) {
      return null;
    }
    int size = getShortLe(buf, at);
    if ((size != SOCKADDR_IN && size != SOCKADDR_IN6) || PREFIX + size > length) {
      return null;
    }
    int sa = at + PREFIX;
    int family = getShortLe(buf, sa);
    boolean v6 = size == SOCKADDR_IN6;
    if (family != (v6 ? AF_INET6 : AF_INET)) {
      return null;
    }
    int port = ((buf.get(sa + 2) & 0xff) << 8) | (buf.get(sa + 3) & 0xff);
    byte[] ip = new byte[v6 ? 16 : 4];
    int ipAt = v6 ? sa + 8 : sa + 4;
    for (int i = 0; i < ip.length; i++) {
      ip[i] = buf.get(ipAt + i);
    }
    try {
      int scope = v6 ? getShortLe(buf, sa + 24) | getShortLe(buf, sa + 26) << 16 : 0;
      InetAddress address = scope != 0
          ? Inet6Address.getByAddress(null, ip, scope)
          : InetAddress.getByAddress(ip);
      return new InetSocketAddress(address, port);
    } catch (UnknownHostException e) {
      return null; // only for a wrong length, which the checks above rule out
    }
  }

  private static void putShortLe(ByteBuffer buf, int at, int v) {
    buf.put(at, (byte) v);
    buf.put(at + 1, (byte) (v >>> 8));
  }

  private static int getShortLe(ByteBuffer buf, int at) {
    return (buf.get(at) & 0xff) | (buf.get(at + 1) & 0xff) << 8;
  }
}
