package io.wsa4j;

/**
 * Constants of {@code winsock2.h} and {@code winerror.h}, with their Windows numeric values,
 * meant for {@code import static io.wsa4j.Winsock.*}.
 *
 * <p>Winsock codes ({@code WSAE*}) are what {@link Wsa#getLastError()}, completion routines and
 * {@link Wsa#getOverlappedResult} report; Win32 codes ({@code ERROR_*}) are what a completion
 * port reports for the same failure, exactly as on Windows. {@link WsaError} names them.
 */
public final class Winsock {
  private Winsock() {}

  /**
   * Bytes of library staging a connection waiting on a zero-byte receive holds after small
   * messages (NIO2 can wait for data only by reading some; while data flows the chunk grows, up to
   * 64 KiB). Not a Windows constant.
   */
  public static final int ZERO_BYTE_STAGING = 1024;

  /** Return value of a failed {@code int} call. */
  public static final int SOCKET_ERROR = -1;
  /** IPv4 address family. */
  public static final int AF_INET = 2;
  /** IPv6 address family. */
  public static final int AF_INET6 = 23;
  /** Stream (TCP) socket type. */
  public static final int SOCK_STREAM = 1;
  /**
   * Datagram (UDP, {@link #IPPROTO_UDP}) socket type: one datagram per {@code sendTo}/{@code
   * recvFrom}, overlapped in every completion model. NIO2 has no asynchronous datagram channel,
   * so wsa4j drives non-blocking {@code DatagramChannel}s from a selector thread of its own
   * (stopped at {@code cleanup}).
   */
  public static final int SOCK_DGRAM = 2;
  /** TCP protocol number. */
  public static final int IPPROTO_TCP = 6;
  /** {@code WSASocket} flag: the socket may be used for overlapped I/O. */
  public static final int WSA_FLAG_OVERLAPPED = 0x01;
  /** {@code shutdown}: stop receiving. */
  public static final int SD_RECEIVE = 0;
  /** {@code shutdown}: stop sending (a FIN follows the queued data). */
  public static final int SD_SEND = 1;
  /** {@code shutdown}: both directions. */
  public static final int SD_BOTH = 2;
  /** Out-of-band data: not supported ({@link #WSAEOPNOTSUPP}). */
  public static final int MSG_OOB = 0x1;
  /** Peek at incoming data without consuming it. */
  public static final int MSG_PEEK = 0x2;
  /** A receive completes only when its buffers are full, the peer closed, or an error occurred. */
  public static final int MSG_WAITALL = 0x8;
  /** Partial message (message sockets only; never reported for streams). */
  public static final int MSG_PARTIAL = 0x8000;
  /** Socket-level options. */
  public static final int SOL_SOCKET = 0xffff;
  /** Allow the local address to be reused. */
  public static final int SO_REUSEADDR = 0x0004;
  /** Send keep-alive probes. */
  public static final int SO_KEEPALIVE = 0x0008;
  /** Linger on close; see {@link Wsa#setsockopt}. */
  public static final int SO_LINGER = 0x0080;
  /** Send buffer size. */
  public static final int SO_SNDBUF = 0x1001;
  /** Receive buffer size. */
  public static final int SO_RCVBUF = 0x1002;
  /** Disable Nagle's algorithm (level {@link #IPPROTO_TCP}). */
  public static final int TCP_NODELAY = 0x0001;
  /** The largest reasonable backlog for {@link Wsa#listen}. */
  public static final int SOMAXCONN = 0x7fffffff;

  /** Wait forever. */
  public static final int WSA_INFINITE = -1;
  /** Most events one {@link Wsa#waitForMultipleEvents} call waits on. */
  public static final int WSA_MAXIMUM_WAIT_EVENTS = 64;
  /** Index base of a satisfied wait. */
  public static final int WSA_WAIT_EVENT_0 = 0;
  /** An alertable wait ended because completion routines ran. */
  public static final int WSA_WAIT_IO_COMPLETION = 0xC0;
  /** The wait timed out. */
  public static final int WSA_WAIT_TIMEOUT = 258;
  /** The wait failed; see {@link Wsa#getLastError()}. */
  public static final int WSA_WAIT_FAILED = -1;

  /** Invalid handle (also {@link #ERROR_INVALID_HANDLE}). */
  public static final int WSA_INVALID_HANDLE = 6;
  /** Not enough memory. */
  public static final int WSA_NOT_ENOUGH_MEMORY = 8;
  /** Invalid parameter (also {@link #ERROR_INVALID_PARAMETER}). */
  public static final int WSA_INVALID_PARAMETER = 87;
  /** The overlapped operation was aborted (closed or cancelled). */
  public static final int WSA_OPERATION_ABORTED = 995;
  /** The overlapped operation is not complete yet. */
  public static final int WSA_IO_INCOMPLETE = 996;
  /** The overlapped operation was started and will complete later. */
  public static final int WSA_IO_PENDING = 997;
  /** Interrupted blocking call. */
  public static final int WSAEINTR = 10004;
  /** Bad address: a null or too-short argument. */
  public static final int WSAEFAULT = 10014;
  /** Invalid argument. */
  public static final int WSAEINVAL = 10022;
  /** Too many open sockets. */
  public static final int WSAEMFILE = 10024;
  /** The operation would block. */
  public static final int WSAEWOULDBLOCK = 10035;
  /** An operation is already in progress. */
  public static final int WSAEALREADY = 10037;
  /** Not a socket (null, closed or foreign handle). */
  public static final int WSAENOTSOCK = 10038;
  /** Message too long. */
  public static final int WSAEMSGSIZE = 10040;
  /** Bad protocol option. */
  public static final int WSAENOPROTOOPT = 10042;
  /** Protocol not supported. */
  public static final int WSAEPROTONOSUPPORT = 10043;
  /** Socket type not supported. */
  public static final int WSAESOCKTNOSUPPORT = 10044;
  /** Operation not supported. */
  public static final int WSAEOPNOTSUPP = 10045;
  /** Address family not supported. */
  public static final int WSAEAFNOSUPPORT = 10047;
  /** Address already in use. */
  public static final int WSAEADDRINUSE = 10048;
  /** Cannot assign the requested address. */
  public static final int WSAEADDRNOTAVAIL = 10049;
  /** The network (or the I/O machinery) is down. */
  public static final int WSAENETDOWN = 10050;
  /** The network is unreachable. */
  public static final int WSAENETUNREACH = 10051;
  /** The connection was aborted locally. */
  public static final int WSAECONNABORTED = 10053;
  /** The connection was reset by the peer. */
  public static final int WSAECONNRESET = 10054;
  /** No buffer space: a queue is at its bound. */
  public static final int WSAENOBUFS = 10055;
  /** The socket is already connected. */
  public static final int WSAEISCONN = 10056;
  /** The socket is not connected. */
  public static final int WSAENOTCONN = 10057;
  /** The socket was shut down in that direction. */
  public static final int WSAESHUTDOWN = 10058;
  /** The connection timed out. */
  public static final int WSAETIMEDOUT = 10060;
  /** The connection was refused. */
  public static final int WSAECONNREFUSED = 10061;
  /** No route to the host. */
  public static final int WSAEHOSTUNREACH = 10065;
  /** {@code WSAStartup} was not called, or {@code WSACleanup} already was. */
  public static final int WSANOTINITIALISED = 10093;
  /** Graceful shutdown in progress. */
  public static final int WSAEDISCON = 10101;

  /** Win32: invalid handle. */
  public static final int ERROR_INVALID_HANDLE = 6;
  /** Win32: the connection was reset (completion-port form of {@link #WSAECONNRESET}). */
  public static final int ERROR_NETNAME_DELETED = 64;
  /** Win32: invalid parameter. */
  public static final int ERROR_INVALID_PARAMETER = 87;
  /** Win32: the semaphore timeout period expired (completion-port form of {@link #WSAETIMEDOUT}). */
  public static final int ERROR_SEM_TIMEOUT = 121;
  /** Win32: the wait was abandoned because the port was closed. */
  public static final int ERROR_ABANDONED_WAIT_0 = 735;
  /** Win32: the operation was aborted. */
  public static final int ERROR_OPERATION_ABORTED = 995;
  /** Win32: the operation is pending. */
  public static final int ERROR_IO_PENDING = 997;
  /** Win32: nothing matched (e.g. nothing to cancel). */
  public static final int ERROR_NOT_FOUND = 1168;
  /** Win32: the connection was refused. */
  public static final int ERROR_CONNECTION_REFUSED = 1225;
  /** Win32: the network is unreachable. */
  public static final int ERROR_NETWORK_UNREACHABLE = 1231;
  /** Win32: the host is unreachable. */
  public static final int ERROR_HOST_UNREACHABLE = 1232;
  /** Win32: the connection was aborted locally. */
  public static final int ERROR_CONNECTION_ABORTED = 1236;
  /** Win32: the wait timed out. */
  public static final int WAIT_TIMEOUT = 258;
  /** Win32: an alertable wait ended because completion routines ran. */
  public static final int WAIT_IO_COMPLETION = 0xC0;
  /** {@link WsaOverlapped#internal()} while the operation is pending. */
  public static final int STATUS_PENDING = 0x103;

  // -- section 5: socket types, protocols, flags --

  /** UDP protocol number, for {@code SOCK_DGRAM} sockets. */
  public static final int IPPROTO_UDP = 17;
  /** IPv6-level options ({@link #IPV6_V6ONLY}). */
  public static final int IPPROTO_IPV6 = 41;
  /** {@code WSASocket} flag: the handle is not inherited by child processes (Java never does). */
  public static final int WSA_FLAG_NO_HANDLE_INHERIT = 0x80;

  // -- ioctls --

  /** {@code ioctlsocket}: {@code argp[0] != 0} makes the socket non-blocking, 0 blocking. */
  public static final int FIONBIO = 0x8004667E;
  /** {@code ioctlsocket}: {@code argp[0]} receives the bytes a receive would return now. */
  public static final int FIONREAD = 0x4004667F;
  /** {@code WSAIoctl}: look up an extension function by its {@code WSAID_*} GUID. */
  public static final int SIO_GET_EXTENSION_FUNCTION_POINTER = 0xC8000006;
  /** {@code WSAIoctl}: keep-alive on/off, idle time and probe interval in milliseconds. */
  public static final int SIO_KEEPALIVE_VALS = 0x98000004;

  // -- network events (WSAEventSelect, WSAEnumNetworkEvents) --

  /** Data can be received. */
  public static final int FD_READ = 0x01;
  /** Data can be sent. */
  public static final int FD_WRITE = 0x02;
  /** Out-of-band data arrived (never recorded: wsa4j has no OOB data). */
  public static final int FD_OOB = 0x04;
  /** A connection can be accepted. */
  public static final int FD_ACCEPT = 0x08;
  /** A non-blocking connect finished (its error code tells how). */
  public static final int FD_CONNECT = 0x10;
  /** The connection closed (error code 0 when graceful). */
  public static final int FD_CLOSE = 0x20;
  /** Index of {@link #FD_READ}'s error code in {@code iErrorCode}. */
  public static final int FD_READ_BIT = 0;
  /** Index of {@link #FD_WRITE}'s error code. */
  public static final int FD_WRITE_BIT = 1;
  /** Index of {@link #FD_OOB}'s error code. */
  public static final int FD_OOB_BIT = 2;
  /** Index of {@link #FD_ACCEPT}'s error code. */
  public static final int FD_ACCEPT_BIT = 3;
  /** Index of {@link #FD_CONNECT}'s error code. */
  public static final int FD_CONNECT_BIT = 4;
  /** Index of {@link #FD_CLOSE}'s error code. */
  public static final int FD_CLOSE_BIT = 5;
  /** Length of {@code iErrorCode}. */
  public static final int FD_MAX_EVENTS = 10;
  /** Default capacity of a {@link WsaFdSet}. */
  public static final int FD_SETSIZE = 64;

  // -- WSAPoll --

  /** Normal data can be read. */
  public static final int POLLRDNORM = 0x0100;
  /** Priority band data can be read. */
  public static final int POLLRDBAND = 0x0200;
  /** {@code POLLRDNORM | POLLRDBAND}. */
  public static final int POLLIN = 0x0300;
  /** Priority data can be read. */
  public static final int POLLPRI = 0x0400;
  /** Normal data can be written. */
  public static final int POLLWRNORM = 0x0010;
  /** Same as {@link #POLLWRNORM}. */
  public static final int POLLOUT = 0x0010;
  /** Priority band data can be written. */
  public static final int POLLWRBAND = 0x0020;
  /** An error occurred. */
  public static final int POLLERR = 0x0001;
  /** The connection was closed or aborted. */
  public static final int POLLHUP = 0x0002;
  /** The socket is not valid (closed or foreign). */
  public static final int POLLNVAL = 0x0004;

  // -- socket options, part 2 --

  /** Whether the socket is listening (get only). */
  public static final int SO_ACCEPTCONN = 0x0002;
  /** Allow sending to a broadcast address (datagram sockets). */
  public static final int SO_BROADCAST = 0x0020;
  /** Timeout of blocking sends, in milliseconds (0: none). */
  public static final int SO_SNDTIMEO = 0x1005;
  /** Timeout of blocking receives, in milliseconds (0: none). */
  public static final int SO_RCVTIMEO = 0x1006;
  /** The pending error, cleared by reading it (get only). */
  public static final int SO_ERROR = 0x1007;
  /** The socket type, {@link #SOCK_STREAM} or {@link #SOCK_DGRAM} (get only). */
  public static final int SO_TYPE = 0x1008;
  /** Makes an {@code AcceptEx} socket inherit its listener's state (value: the listener). */
  public static final int SO_UPDATE_ACCEPT_CONTEXT = 0x700B;
  /** Seconds the socket has been connected, -1 when not (get only). */
  public static final int SO_CONNECT_TIME = 0x700C;
  /** Completes the state of a {@code ConnectEx} socket. */
  public static final int SO_UPDATE_CONNECT_CONTEXT = 0x7010;
  /** Exclusive use of the local address. */
  public static final int SO_EXCLUSIVEADDRUSE = ~SO_REUSEADDR;
  /** An IPv6 socket accepts only IPv6 (level {@link #IPPROTO_IPV6}). */
  public static final int IPV6_V6ONLY = 27;

  // -- DisconnectEx / TransmitFile flags; SetFileCompletionNotificationModes flags --

  /** {@code DisconnectEx}: disconnect (implied). */
  public static final int TF_DISCONNECT = 0x01;
  /** {@code DisconnectEx}: leave the handle reusable by {@code AcceptEx} or {@code ConnectEx}. */
  public static final int TF_REUSE_SOCKET = 0x02;
  /** An operation that succeeds at once posts no packet to the completion port. */
  public static final int FILE_SKIP_COMPLETION_PORT_ON_SUCCESS = 0x1;
  /** The handle's own event is not set on completion (wsa4j has none; accepted). */
  public static final int FILE_SKIP_SET_EVENT_ON_HANDLE = 0x2;

  // -- errors, part 2 --

  /** Permission denied (e.g. a broadcast without {@link #SO_BROADCAST}). */
  public static final int WSAEACCES = 10013;
  /** A blocking operation is in progress. */
  public static final int WSAEINPROGRESS = 10036;
  /** A destination address is required. */
  public static final int WSAEDESTADDRREQ = 10039;
  /** Win32: more data is available (completion-port form of {@link #WSAEMSGSIZE}). */
  public static final int ERROR_MORE_DATA = 234;
  /** Win32: the buffer is too small. */
  public static final int ERROR_INSUFFICIENT_BUFFER = 122;

  // -- extension function GUIDs, for WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER) --

  /** {@code WSAID_ACCEPTEX}. */
  public static final java.util.UUID WSAID_ACCEPTEX =
      java.util.UUID.fromString("b5367df1-cbac-11cf-95ca-00805f48a192");
  /** {@code WSAID_GETACCEPTEXSOCKADDRS}. */
  public static final java.util.UUID WSAID_GETACCEPTEXSOCKADDRS =
      java.util.UUID.fromString("b5367df2-cbac-11cf-95ca-00805f48a192");
  /** {@code WSAID_CONNECTEX}. */
  public static final java.util.UUID WSAID_CONNECTEX =
      java.util.UUID.fromString("25a207b9-ddf3-4660-8ee9-76e58c74063e");
  /** {@code WSAID_DISCONNECTEX}. */
  public static final java.util.UUID WSAID_DISCONNECTEX =
      java.util.UUID.fromString("7fda2e11-8630-436f-a031-f536a6eec157");
}
