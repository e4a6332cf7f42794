package io.wsa4j;

import java.net.SocketAddress;

/**
 * A Winsock context: what {@code WSAStartup} begins and {@code WSACleanup} ends. Every Winsock call
 * is a method of it, named and shaped as the C function, so a Windows overlapped or completion-port
 * program ports line by line. Thread-safe.
 *
 * <h2>Return convention</h2>
 * {@code int} calls return 0 on success or {@link Winsock#SOCKET_ERROR}; {@code boolean} calls return
 * false; {@code socket}/{@code accept} return {@link WsaSocket#INVALID_SOCKET}; handle factories
 * return null. On failure the calling thread's last error ({@link #getLastError()}) holds the code.
 * <b>No call throws</b> for a Winsock error or a bad argument: bad input gets the documented code.
 *
 * <h2>Out-parameters</h2>
 * Where C writes through a pointer, Java passes an array of length at least 1 whose element 0 is
 * written ({@code int[] numberOfBytesRecvd}); null is allowed where C allows {@code NULL}.
 * Addresses are {@link java.net.InetSocketAddress} instead of {@code sockaddr}.
 *
 * <h2>Completion</h2>
 * An overlapped operation that does not complete at once returns {@code SOCKET_ERROR} with
 * {@link Winsock#WSA_IO_PENDING}. When it completes, first its token's status and count are
 * written, then its event is signaled (when there is one and no routine was given), its routine is
 * queued to the issuing thread (when given), and a packet is posted to the socket's completion port
 * (when it has one). A call that fails at once gives no completion indication at all.
 *
 * <h2>Blocking calls and interrupts</h2>
 * Blocking calls made on an interrupted thread return their failure value with
 * {@link Winsock#WSAEINTR} and leave the interrupt flag set; {@link #sleepEx} just returns early.
 *
 * @see <a href="https://learn.microsoft.com/en-us/windows/win32/winsock/overlapped-i-o-and-event-objects-2">Overlapped I/O and Event Objects</a>
 */
public interface Wsa extends AutoCloseable {

  /**
   * {@code WSAStartup(MAKEWORD(2,2))} with {@link WsaConfig#defaults()}.
   *
   * @return the new context
   * @throws IllegalStateException if no {@link WsaProvider} is on the class or module path
   */
  static Wsa startup() {
    return startup(WsaConfig.defaults());
  }

  /**
   * {@code WSAStartup}: a new, independent context with its own I/O threads. Handles of one
   * context are foreign to another.
   *
   * @param config the settings of the context: I/O threads, their factory, the bound on pending
   *     operations per socket
   * @return the new context
   * @throws IllegalStateException if no {@link WsaProvider} is on the class or module path
   * @throws NullPointerException if {@code config} is null
   */
  static Wsa startup(WsaConfig config) {
    if (config == null) {
      throw new NullPointerException("config");
    }
    return Providers.provider().startup(config);
  }

  /**
   * {@code WSAGetLastError}: the last error set on the calling thread by any wsa4j call.
   *
   * @return the calling thread's last error code, as the last failing call (or
   *     {@link #setLastError}) left it; 0 on a thread where none was set
   */
  static int getLastError() {
    return LastError.get();
  }

  /**
   * {@code WSASetLastError}: sets the calling thread's last error.
   *
   * @param error the code {@link #getLastError()} returns next on this thread; any value
   */
  static void setLastError(int error) {
    LastError.set(error);
  }

  /**
   * The {@code WSADATA} of this context: version 2.2, description, provider.
   *
   * @return the context's {@code WSADATA}
   */
  WsaData data();

  /**
   * A snapshot of this context's activity: sockets open, operations posted / completed / failed /
   * aborted per kind, bytes, operations pending now, errors by code, completion-port depths. Not a
   * Winsock call. Cheap to keep (the counters live under locks the I/O path holds anyway) and to
   * take; works after cleanup too (the last figures).
   *
   * @return a new, immutable snapshot; later activity does not change it
   */
  WsaStats stats();

  /**
   * {@code WSACleanup}: closes every socket, event and port of this context. Pending operations
   * end with {@link Winsock#WSA_OPERATION_ABORTED} written to their tokens but, as on Windows,
   * without signaling events or running routines; every thread blocked in a call of this context
   * returns at once with that call's failure value; the I/O threads stop. Later calls fail with
   * {@link Winsock#WSANOTINITIALISED}.
   *
   * @return 0, or {@code SOCKET_ERROR} with {@code WSANOTINITIALISED} when already cleaned up
   */
  int cleanup();

  /** Calls {@link #cleanup()}; never throws. */
  @Override
  default void close() {
    cleanup();
  }

  // -- sockets --

  /**
   * {@code WSASocket}: a new TCP socket.
   *
   * @param af {@link Winsock#AF_INET} or {@link Winsock#AF_INET6}, else {@code WSAEAFNOSUPPORT}
   * @param type {@link Winsock#SOCK_STREAM}, else {@code WSAESOCKTNOSUPPORT} (NIO2 has no
   *     overlapped datagram channel: a documented difference)
   * @param protocol 0 or {@link Winsock#IPPROTO_TCP}, else {@code WSAEPROTONOSUPPORT}
   * @param protocolInfo must be null ({@code WSAEINVAL} otherwise: there is no
   *     {@code WSAPROTOCOL_INFO} in Java)
   * @param group must be 0, else {@code WSAEINVAL}
   * @param flags 0 or {@link Winsock#WSA_FLAG_OVERLAPPED}, else {@code WSAEINVAL}; without the
   *     flag every call on the socket blocks, as on Windows
   * @return the socket, or {@link WsaSocket#INVALID_SOCKET}
   */
  WsaSocket socket(int af, int type, int protocol, Object protocolInfo, int group, int flags);

  /**
   * {@code bind}: gives the socket a local address.
   *
   * @param s the socket
   * @param local the local address: an {@link java.net.InetSocketAddress} of the socket's family
   *     (port 0 lets the system pick one; read it back with {@link #getsockname})
   * @return 0, or {@code SOCKET_ERROR}: {@code WSAEFAULT} (null address), {@code WSAEAFNOSUPPORT}
   *     (not an {@code InetSocketAddress} of the socket's family), {@code WSAEINVAL} (already bound),
   *     {@code WSAEADDRINUSE}, {@code WSAEADDRNOTAVAIL}
   */
  int bind(WsaSocket s, SocketAddress local);

  /**
   * {@code listen}: makes a bound socket accept connections.
   *
   * @param s the bound socket
   * @param backlog the queue length; {@link Winsock#SOMAXCONN} or anything not positive means the
   *     system's default
   * @return 0, or {@code SOCKET_ERROR}: {@code WSAEINVAL} (not bound), {@code WSAEISCONN}
   */
  int listen(WsaSocket s, int backlog);

  /**
   * {@code WSAAccept} without a condition function: blocks until a connection arrives.
   *
   * @param listener the listening socket
   * @param remoteOut if not null, element 0 receives the peer's address
   * @return the connected socket (with the listener's overlapped flag), or {@code INVALID_SOCKET}:
   *     {@code WSAEINVAL} (not listening), {@code WSAEINTR}, {@code WSA_OPERATION_ABORTED} (the
   *     listener was closed, or the context cleaned up)
   */
  WsaSocket accept(WsaSocket listener, SocketAddress[] remoteOut);

  /**
   * {@code WSAConnect}: connects, blocking until done. After a failed connect the socket stays
   * usable for another attempt, as on Windows.
   *
   * @param s the socket
   * @param remote the peer's address: an {@link java.net.InetSocketAddress} of the socket's
   *     family
   * @return 0, or {@code SOCKET_ERROR}: {@code WSAECONNREFUSED}, {@code WSAETIMEDOUT},
   *     {@code WSAENETUNREACH}, {@code WSAEHOSTUNREACH}, {@code WSAEISCONN}, {@code WSAEINVAL}
   *     (listening), {@code WSAEFAULT}, {@code WSAEAFNOSUPPORT}, {@code WSAEINTR}
   */
  int connect(WsaSocket s, SocketAddress remote);

  /**
   * {@code closesocket}: closes the socket. Every pending operation completes with
   * {@link Winsock#WSA_OPERATION_ABORTED} through its own mechanism (event, routine, port); later
   * calls with the handle fail with {@code WSAENOTSOCK}.
   *
   * <p>Difference: recent Windows reports {@code ERROR_CONNECTION_ABORTED} for a pending TCP
   * receive; wsa4j follows the documented 995.
   *
   * @param s the socket
   * @return 0, or {@code SOCKET_ERROR}: {@code WSAENOTSOCK} (null, already closed or foreign
   *     socket)
   */
  int closesocket(WsaSocket s);

  /**
   * {@code shutdown}: {@link Winsock#SD_SEND} sends a FIN after the data already queued;
   * {@link Winsock#SD_RECEIVE} makes new receives fail with {@code WSAESHUTDOWN} while one already
   * pending still completes. Calling it again is harmless.
   *
   * @param s the connected socket
   * @param how {@link Winsock#SD_RECEIVE}, {@link Winsock#SD_SEND} or {@link Winsock#SD_BOTH}
   * @return 0, or {@code SOCKET_ERROR}: {@code WSAENOTCONN}, {@code WSAEINVAL} (bad {@code how})
   */
  int shutdown(WsaSocket s, int how);

  /**
   * {@code setsockopt} for {@code SOL_SOCKET}: {@code SO_REUSEADDR}, {@code SO_KEEPALIVE},
   * {@code SO_RCVBUF}, {@code SO_SNDBUF}, {@code SO_LINGER}; for {@code IPPROTO_TCP}:
   * {@code TCP_NODELAY}. Booleans are 0 or non-zero.
   *
   * <p>{@code SO_LINGER}'s value is the linger time in seconds, -1 meaning off. Difference: NIO2 has
   * no linger option, so only -1 succeeds; 0 (abortive close) and positive values fail with
   * {@code WSAENOPROTOOPT}.
   *
   * <p>The options NIO2 lacks are kept by wsa4j (rule 38): {@code SO_RCVTIMEO}/{@code SO_SNDTIMEO}
   * (milliseconds, 0 for none; a blocking call that times out fails with {@code WSAETIMEDOUT} and
   * loses no byte; overlapped calls never time out, as on Windows), {@code SO_EXCLUSIVEADDRUSE}
   * (refused with {@code WSAEINVAL} together with {@code SO_REUSEADDR}, either order), {@code
   * SO_BROADCAST} (kept; on a TCP socket it has no effect, as on Windows). The read-only options
   * {@code SO_ERROR}, {@code SO_TYPE}, {@code SO_ACCEPTCONN} and {@code SO_CONNECT_TIME} fail with
   * {@code WSAENOPROTOOPT}. {@code IPV6_V6ONLY} (level {@code IPPROTO_IPV6}, IPv6 sockets only,
   * else {@code WSAEINVAL}): difference: the JDK opens every IPv6 socket dual-stack, so 0 is the
   * only value; setting 1 fails with {@code WSAENOPROTOOPT} (Windows' default is 1).
   *
   * @param s the socket
   * @param level {@link Winsock#SOL_SOCKET}, {@link Winsock#IPPROTO_TCP} or {@link
   *     Winsock#IPPROTO_IPV6}
   * @param option the option, such as {@link Winsock#SO_RCVBUF} or {@link Winsock#TCP_NODELAY}
   * @param value the value C passes through {@code optval}: 0 or non-zero for a boolean, bytes for
   *     {@code SO_RCVBUF}/{@code SO_SNDBUF}, seconds or -1 for {@code SO_LINGER}
   * @return 0, or {@code SOCKET_ERROR}: {@code WSAENOPROTOOPT} (unknown or unsupported option),
   *     {@code WSAEINVAL} (unknown level or bad value)
   */
  int setsockopt(WsaSocket s, int level, int option, int value);

  /**
   * {@code getsockopt} for the options of {@link #setsockopt}, and the read-only ones: {@code
   * SO_ERROR} (the pending error, such as a failed non-blocking connect's, then 0: reading clears
   * it; a reset connection leaves it 0, as on Windows), {@code SO_TYPE}, {@code SO_ACCEPTCONN} (1
   * while listening), {@code SO_CONNECT_TIME} (whole seconds since the connection was made, -1
   * while there is none).
   *
   * @param s the socket
   * @param level {@link Winsock#SOL_SOCKET}, {@link Winsock#IPPROTO_TCP} or {@link
   *     Winsock#IPPROTO_IPV6}
   * @param option the option, as for {@link #setsockopt}
   * @param valueOut element 0 receives the value (booleans as 0/1, {@code SO_LINGER} as -1)
   * @return 0, or {@code SOCKET_ERROR}: {@code WSAEFAULT} (null or empty {@code valueOut}),
   *     {@code WSAENOPROTOOPT}, {@code WSAEINVAL}
   */
  int getsockopt(WsaSocket s, int level, int option, int[] valueOut);

  /**
   * {@code getsockname}: the socket's local address.
   *
   * @param s the socket
   * @param out element 0 receives the local address, an {@link java.net.InetSocketAddress}
   * @return 0, or {@code SOCKET_ERROR}: {@code WSAEFAULT} (null or empty {@code out}),
   *     {@code WSAEINVAL} (not bound)
   */
  int getsockname(WsaSocket s, SocketAddress[] out);

  /**
   * {@code getpeername}: the connected peer's address.
   *
   * @param s the connected socket
   * @param out element 0 receives the peer's address, an {@link java.net.InetSocketAddress}
   * @return 0, or {@code SOCKET_ERROR}: {@code WSAEFAULT}, {@code WSAENOTCONN}
   */
  int getpeername(WsaSocket s, SocketAddress[] out);

  // -- data --

  /**
   * {@code WSASend}: sends the bytes of {@code buffers[0 .. bufferCount)} in array order.
   *
   * <p>Overlapped ({@code overlapped != null} on a socket made with {@code WSA_FLAG_OVERLAPPED}):
   * completes only when every byte of every buffer is sent, or with an error, never partially;
   * sends go out in call order. A send the kernel takes whole during the call returns 0 with the
   * count written in {@code numberOfBytesSent} and the token (rule 25: the usual case on a
   * connection that keeps up); its event is still signaled, its routine queued and its packet
   * posted (unless {@link #setFileCompletionNotificationModes} skips it). Otherwise the call
   * returns {@code SOCKET_ERROR} + {@link Winsock#WSA_IO_PENDING} and the send completes later;
   * a failure found during the call is reported that way too (Windows would return it at once).
   * A send aborted part-way by {@link #cancelIoEx} keeps the bytes that went in
   * {@link WsaOverlapped#internalHigh()}. Without a token the call blocks until all is sent and
   * returns 0 with the count.
   *
   * @param s the connected socket
   * @param buffers {@code lpBuffers}: the buffers to send from; they belong to the library until
   *     the operation completes
   * @param bufferCount {@code dwBufferCount}: how many elements of {@code buffers} to send, at
   *     least 1
   * @param numberOfBytesSent element 0 receives the count on a blocking or immediate success; may
   *     be null for overlapped calls
   * @param flags 0 ({@code MSG_OOB} → {@code WSAEOPNOTSUPP})
   * @param overlapped the token, or null for a blocking send
   * @param completionRoutine called on this thread in an alertable wait, or null (then the token's
   *     event is signaled); refused with {@code WSAEINVAL} on a socket bound to a completion port
   * @return 0 (done, blocking or during the call), or {@code SOCKET_ERROR}: {@code WSA_IO_PENDING},
   *     {@code WSAENOTSOCK},
   *     {@code WSAEINVAL} ({@code bufferCount < 1}, or a token already pending),
   *     {@code WSAEFAULT} (null array, short array, null element, {@code len} past the buffer,
   *     null count for a blocking call), {@code WSAENOTCONN}, {@code WSAESHUTDOWN},
   *     {@code WSAENOBUFS} (the socket's bound of pending sends), {@code WSAECONNRESET} and other
   *     connection errors already known, {@code WSAEINTR}
   */
  int send(WsaSocket s, WsaBuf[] buffers, int bufferCount, int[] numberOfBytesSent,
      int flags, WsaOverlapped overlapped, WsaCompletionRoutine completionRoutine);

  /**
   * {@code WSARecv}: receives into {@code buffers[0 .. bufferCount)}, filling them in array order
   * with no holes; completes as soon as any data arrived. 0 bytes means the peer closed
   * gracefully (and every later receive also gets 0). Several receives may be outstanding; they are
   * filled in call order.
   *
   * <p>A receive whose buffers total 0 bytes (a "zero-byte receive") waits until data is available,
   * completes with 0 and consumes nothing: an idle connection then holds no receive buffer of its
   * own (wsa4j keeps a staging chunk for it, since NIO2 can only wait for data by reading: {@value
   * io.wsa4j.Winsock#ZERO_BYTE_STAGING} bytes after small messages, up to 64 KiB while data flows,
   * so that the receive that follows gets the whole message at once: when it empties a chunk a
   * read filled, it reads the rest during its own call, as Windows' receive takes everything the
   * socket holds).
   *
   * <p>{@code MSG_WAITALL} completes only when the buffers are full, the peer closed, or an error
   * occurred. {@code MSG_PEEK} copies data without consuming it; it sees at most the data wsa4j has
   * staged (one read's worth, up to 64 KiB), where Windows sees the whole socket buffer.
   * {@code MSG_OOB} fails with {@code WSAEOPNOTSUPP} (NIO2 has no urgent data).
   *
   * <p>An overlapped receive whose data is already there (staged by an earlier read, or readable
   * in the kernel) finishes during the call: 0 with the count written in
   * {@code numberOfBytesRecvd}, {@code flags[0]} and the token, and its event, routine or packet
   * as for a later completion (rule 25; see {@link #setFileCompletionNotificationModes}).
   * Otherwise {@code SOCKET_ERROR} + {@link Winsock#WSA_IO_PENDING}.
   *
   * <p>Difference: every receive is read by NIO2 into a library-owned staging buffer and copied
   * out, so that a cancelled or interrupted receive never loses the bytes NIO2 was fetching for it.
   * For heap buffers this is the copy NIO2 makes anyway; for direct buffers it is one extra copy.
   *
   * @param s the connected socket
   * @param buffers {@code lpBuffers}: the buffers to fill; they belong to the library until the
   *     operation completes
   * @param bufferCount {@code dwBufferCount}: how many elements of {@code buffers} to fill, at
   *     least 1
   * @param numberOfBytesRecvd element 0 receives the count on a blocking or immediate success; may
   *     be null for overlapped calls
   * @param flags in: 0, {@code MSG_WAITALL} or {@code MSG_PEEK}; out (blocking success): 0. Must not
   *     be null ({@code WSAEFAULT})
   * @param overlapped the token, or null for a blocking receive
   * @param completionRoutine called on this thread in an alertable wait, or null (then the token's
   *     event is signaled)
   * @return as {@link #send}, with {@code WSAEFAULT} also for a read-only buffer, and
   *     {@code WSAEINVAL} when a completion routine is given for a socket on a completion port
   */
  int recv(WsaSocket s, WsaBuf[] buffers, int bufferCount, int[] numberOfBytesRecvd,
      int[] flags, WsaOverlapped overlapped, WsaCompletionRoutine completionRoutine);

  /**
   * {@code WSAGetOverlappedResult}: the outcome of an overlapped operation.
   *
   * <p>With {@code wait}, blocks (not alertably: queued routines do not run) until the operation
   * completes. Difference: Windows waits on the token's event; wsa4j waits for the operation
   * itself, so a token without an event works too.
   *
   * @param s the socket the operation was started on
   * @param overlapped the operation's token
   * @param bytesTransferred element 0 receives the count on success (not written on failure)
   * @param wait {@code fWait}: block until the operation completes, instead of failing with
   *     {@code WSA_IO_INCOMPLETE} while it is pending
   * @param flags if not null, element 0 receives the receive flags (0)
   * @return true on success; false with {@code WSA_IO_INCOMPLETE} (pending and not waiting), the
   *     operation's Winsock error ({@code WSAECONNRESET}, {@code WSA_OPERATION_ABORTED}, …),
   *     {@code WSAENOTSOCK}, {@code WSAEFAULT} (null token or count), {@code WSAEINTR}
   */
  boolean getOverlappedResult(WsaSocket s, WsaOverlapped overlapped, int[] bytesTransferred,
      boolean wait, int[] flags);

  /**
   * {@code CancelIoEx}: cancels the socket's pending overlapped operations started with
   * {@code overlapped} (all of them when null) — receives, sends, {@code AcceptEx},
   * {@code ConnectEx}. Each completes with {@link Winsock#WSA_OPERATION_ABORTED} through its own
   * mechanism (event, routine, port packet with {@code ERROR_OPERATION_ABORTED}); like Windows, it
   * does not wait for them.
   *
   * <p>No received byte is lost: a receive NIO2 is already reading for is detached, and the bytes
   * that read brings go to the next receive; the socket stays usable. A send NIO2 is already writing
   * cannot be recalled: it completes with {@code WSA_OPERATION_ABORTED} as soon as NIO2 finishes
   * the write in progress, and the rest of its bytes are not sent. A pending {@code ConnectEx} is
   * aborted by closing its channel (the socket stays usable). Blocking calls of other threads are
   * not cancelled ({@code CancelSynchronousIo} territory).
   *
   * @param s the socket
   * @param overlapped the token of the operation to cancel, or null for all of the socket's
   *     pending operations
   * @return true if anything matched; false with {@link Winsock#ERROR_NOT_FOUND} when nothing did,
   *     {@code WSAENOTSOCK} for a bad socket
   */
  boolean cancelIoEx(WsaSocket s, WsaOverlapped overlapped);

  // -- events and waits --

  /**
   * {@code WSACreateEvent}: a manual-reset event, not signaled.
   *
   * @return the event, or null ({@code WSA_INVALID_EVENT}) with {@code WSANOTINITIALISED}
   */
  WsaEvent createEvent();

  /**
   * {@code WSASetEvent}; false with {@code WSA_INVALID_HANDLE} for a closed or foreign event.
   *
   * @param e the event to signal
   * @return true, or false with {@code WSA_INVALID_HANDLE}
   */
  boolean setEvent(WsaEvent e);

  /**
   * {@code WSAResetEvent}; false with {@code WSA_INVALID_HANDLE} for a closed or foreign event.
   *
   * @param e the event to make not signaled
   * @return true, or false with {@code WSA_INVALID_HANDLE}
   */
  boolean resetEvent(WsaEvent e);

  /**
   * {@code WSACloseEvent}: later uses fail with {@code WSA_INVALID_HANDLE}; threads waiting on it
   * return {@code WSA_WAIT_FAILED} (undefined on Windows).
   *
   * @param e the event to close
   * @return true, or false with {@code WSA_INVALID_HANDLE} (null, already closed or foreign event)
   */
  boolean closeEvent(WsaEvent e);

  /**
   * {@code WSAWaitForMultipleEvents}: waits until one (or, with {@code waitAll}, every) event of
   * {@code events[0 .. count)} is signaled. Events stay signaled (manual reset).
   *
   * @param count {@code cEvents}: how many elements of {@code events} to wait on, 1 to
   *     {@link Winsock#WSA_MAXIMUM_WAIT_EVENTS}
   * @param events the events, open and made by this context
   * @param waitAll {@code fWaitAll}: wait until every event is signaled, not just one
   * @param timeoutMillis 0 polls; {@link Winsock#WSA_INFINITE} waits forever
   * @param alertable run this thread's queued completion routines, returning
   *     {@link Winsock#WSA_WAIT_IO_COMPLETION} after them
   * @return {@code WSA_WAIT_EVENT_0 + i} for the lowest signaled index (with {@code waitAll}, some
   *     index), {@link Winsock#WSA_WAIT_TIMEOUT}, {@code WSA_WAIT_IO_COMPLETION}, or
   *     {@link Winsock#WSA_WAIT_FAILED} with {@code WSA_INVALID_PARAMETER} ({@code count} 0 or
   *     over 64, null or short array), {@code WSA_INVALID_HANDLE} (null, closed or foreign event),
   *     {@code WSAEINTR}
   */
  int waitForMultipleEvents(int count, WsaEvent[] events, boolean waitAll, int timeoutMillis,
      boolean alertable);

  /**
   * {@code SleepEx}: sleeps; when {@code alertable}, queued completion routines of this thread run
   * and end the sleep. A kernel32 call: works whatever the context's state. An interrupt ends the
   * sleep early (flag left set).
   *
   * @param timeoutMillis {@code dwMilliseconds}: 0 only runs routines that are already queued
   *     (when alertable); {@link Winsock#WSA_INFINITE} sleeps until routines run or an interrupt
   * @param alertable whether this thread's queued completion routines run and end the sleep
   * @return 0, or {@link Winsock#WSA_WAIT_IO_COMPLETION} when routines ran
   */
  int sleepEx(int timeoutMillis, boolean alertable);

  // -- completion ports --

  /**
   * {@code CreateIoCompletionPort}: with {@code s == null} and {@code existing == null}, a new
   * empty port; otherwise associates {@code s} with {@code existing} (or with a new port when
   * {@code existing} is null) under {@code completionKey}. From then on every completion of an
   * overlapped operation on {@code s} is posted to the port — immediate ones too — and completion
   * routines are refused on it ({@code WSAEINVAL}). Sockets accepted from {@code s} are not
   * associated (as on Windows, associate each one).
   *
   * @param s {@code FileHandle}: the socket to associate, or null ({@code INVALID_HANDLE_VALUE})
   *     for a new empty port
   * @param existing {@code ExistingCompletionPort}: the port to associate {@code s} with, or null
   * @param completionKey the key every packet of {@code s} carries; ignored when {@code s} is null
   * @param concurrentThreads advisory: wsa4j does not throttle the threads a port releases (it
   *     cannot see when a thread blocks elsewhere), a documented difference
   * @return the port, or null: {@code ERROR_INVALID_PARAMETER} (the socket already has a port;
   *     {@code existing} without a socket), {@code ERROR_INVALID_HANDLE} (a closed or foreign
   *     {@code existing}), {@code WSAENOTSOCK}
   */
  WsaCompletionPort createIoCompletionPort(WsaSocket s, WsaCompletionPort existing,
      long completionKey, int concurrentThreads);

  /**
   * {@code GetQueuedCompletionStatus}: removes the oldest packet, waiting up to
   * {@code timeoutMillis} for one. Packets leave in the order they were queued; of several waiting
   * threads the one that waited last is released first (LIFO, as Windows does).
   *
   * @param port the port
   * @param bytesTransferred element 0 receives the packet's count
   * @param completionKey element 0 receives the packet's key
   * @param overlapped element 0 receives the packet's token (null when no packet was removed)
   * @param timeoutMillis 0 polls; {@link Winsock#WSA_INFINITE} waits forever
   * @return true for a successful operation or a posted packet; false with the token, count and
   *     key written and the operation's Win32 error ({@code ERROR_NETNAME_DELETED} for a reset,
   *     {@code ERROR_OPERATION_ABORTED}, {@code ERROR_CONNECTION_REFUSED}, …); false with
   *     {@code overlapped[0] == null}, count and key untouched, and {@link Winsock#WAIT_TIMEOUT};
   *     false with {@link Winsock#ERROR_ABANDONED_WAIT_0} when the port is closed (or the context
   *     cleaned up) while waiting; {@code ERROR_INVALID_HANDLE}, {@code ERROR_INVALID_PARAMETER}
   *     (null or empty out-parameter), {@code WSAEINTR}
   */
  boolean getQueuedCompletionStatus(WsaCompletionPort port, int[] bytesTransferred,
      long[] completionKey, WsaOverlapped[] overlapped, int timeoutMillis);

  /**
   * {@code GetQueuedCompletionStatusEx}: removes up to {@code count} packets at once, filling
   * {@code entries} in place (a null slot gets a new entry). Entries may describe failed
   * operations: check {@code entry.overlapped().internal()}.
   *
   * @param port the port
   * @param entries {@code lpCompletionPortEntries}: filled in place from element 0; a null slot
   *     gets a new {@link WsaOverlappedEntry}
   * @param count {@code ulCount}: the most packets to remove, at least 1 and at most
   *     {@code entries.length}
   * @param removed {@code ulNumEntriesRemoved}: element 0 receives how many entries were filled
   *     (written only when true is returned)
   * @param timeoutMillis 0 polls; {@link Winsock#WSA_INFINITE} waits forever
   * @param alertable also run this thread's queued completion routines, ending the wait
   * @return true with {@code removed[0] ≥ 1}; false with {@code WAIT_TIMEOUT},
   *     {@code WAIT_IO_COMPLETION} (routines ran, nothing removed), {@code ERROR_ABANDONED_WAIT_0},
   *     {@code ERROR_INVALID_HANDLE}, {@code ERROR_INVALID_PARAMETER}, {@code WSAEINTR}
   */
  boolean getQueuedCompletionStatusEx(WsaCompletionPort port, WsaOverlappedEntry[] entries,
      int count, int[] removed, int timeoutMillis, boolean alertable);

  /**
   * {@code PostQueuedCompletionStatus}: queues a packet whose three values come back exactly as
   * given (the token is not looked at; it may be null or any subclass). Posted packets are bounded
   * (about a million waiting per port): beyond that, false with {@code WSA_NOT_ENOUGH_MEMORY}.
   *
   * @param port the port
   * @param bytesTransferred comes back as the packet's count
   * @param completionKey comes back as the packet's key
   * @param overlapped comes back as the packet's token; may be null
   * @return true, or false: {@code ERROR_INVALID_HANDLE} (closed or foreign port),
   *     {@code WSA_NOT_ENOUGH_MEMORY}
   */
  boolean postQueuedCompletionStatus(WsaCompletionPort port, int bytesTransferred,
      long completionKey, WsaOverlapped overlapped);

  /**
   * {@code CloseHandle} of a port: its packets are dropped and every thread waiting on it returns
   * false with {@link Winsock#ERROR_ABANDONED_WAIT_0}. Later completions of its sockets are not
   * posted anywhere.
   *
   * @param port the port
   * @return true, or false with {@code ERROR_INVALID_HANDLE}
   */
  boolean closeHandle(WsaCompletionPort port);

  // -- extension functions --

  /**
   * {@code AcceptEx}: an overlapped accept of the next connection on {@code listener} into
   * {@code acceptSocket}, a fresh socket made by {@link #socket}. With {@code receiveDataLength > 0}
   * it completes only when the first data arrived, with the bytes written to the first
   * {@code receiveDataLength} bytes of {@code outputBuffer} (or 0 bytes if the peer closed).
   * Completion is announced on the listener: its token's event, or a packet to the listener's port.
   * The accepted socket keeps its own flags and port association; {@code setsockopt(s, SOL_SOCKET,
   * SO_UPDATE_ACCEPT_CONTEXT, listener)} then gives it the listener's options, as on Windows.
   * This form writes no address block after the data (C passes address lengths it then ignores
   * only with the eight-argument form): use that form and {@link #getAcceptExSockaddrs}, or
   * {@link #getsockname} and {@link #getpeername} on the accepted socket.
   *
   * @param listener {@code sListenSocket}: the listening socket
   * @param acceptSocket {@code sAcceptSocket}: a fresh socket, neither bound nor connected, that
   *     becomes the accepted connection
   * @param outputBuffer receives the first data; may be null when {@code receiveDataLength} is 0
   * @param receiveDataLength {@code dwReceiveDataLength}: how many bytes of {@code outputBuffer}
   *     may receive the first data, at most its {@code len}; 0 completes as soon as a connection
   *     is accepted
   * @param bytesReceived written on immediate success (a connection was waiting and, with
   *     {@code receiveDataLength > 0}, its first data too); may be null
   * @param overlapped the token; required
   * @return true when it finished during the call (rule 25: its event or packet still follows,
   *     unless skip-on-success); false with {@link Winsock#ERROR_IO_PENDING} when started; false with
   *     {@code WSAENOTSOCK}, {@code ERROR_INVALID_PARAMETER} (null token), {@code WSAEINVAL} (not
   *     listening, an acceptor that is bound, connected, or already used by a pending AcceptEx, a
   *     pending token, negative length), {@code WSAEFAULT} (length beyond the buffer),
   *     {@code WSAENOBUFS}
   */
  boolean acceptEx(WsaSocket listener, WsaSocket acceptSocket, WsaBuf outputBuffer,
      int receiveDataLength, int[] bytesReceived, WsaOverlapped overlapped);

  /**
   * {@code ConnectEx}: an overlapped connect of a bound socket, with an optional first send; the
   * operation completes when connected (and, with {@code sendBuffer}, when all of it was sent: the
   * count is its length). A failed connect completes with its error ({@code WSAECONNREFUSED};
   * {@code ERROR_CONNECTION_REFUSED} through a port) and leaves the socket bound and usable.
   *
   * @param s a bound, unconnected socket
   * @param remote the peer's address: an {@link java.net.InetSocketAddress} of the socket's
   *     family
   * @param sendBuffer data to send once connected, or null
   * @param bytesSent written on immediate success (connected, and the send buffer taken, during
   *     the call; on loopback a connect usually still completes later); may be null
   * @param overlapped the token; required
   * @return true when it finished during the call (rule 25); false with
   *     {@link Winsock#ERROR_IO_PENDING} when started; false with
   *     {@code WSAENOTSOCK}, {@code ERROR_INVALID_PARAMETER} (null token), {@code WSAEINVAL}
   *     (unbound or listening socket, pending token), {@code WSAEISCONN}, {@code WSAEALREADY},
   *     {@code WSAEFAULT}, {@code WSAEAFNOSUPPORT}
   */
  boolean connectEx(WsaSocket s, SocketAddress remote, WsaBuf sendBuffer, int[] bytesSent,
      WsaOverlapped overlapped);

  // -- section 5: the fast path --

  /**
   * {@code SetFileCompletionNotificationModes} (kernel32) for a socket: with
   * {@link Winsock#FILE_SKIP_COMPLETION_PORT_ON_SUCCESS}, an overlapped operation on {@code s}
   * that returns success at once posts no packet to the socket's completion port (the caller
   * handles it inline); one that returns {@code WSA_IO_PENDING} posts as before.
   * {@link Winsock#FILE_SKIP_SET_EVENT_ON_HANDLE} is accepted (wsa4j has no handle event; the
   * token's own event is still signaled). Modes accumulate and cannot be cleared.
   *
   * @param s the socket
   * @param flags a combination of the two {@code FILE_SKIP_*} flags
   * @return true, or false: {@code ERROR_INVALID_PARAMETER} (unknown flags),
   *     {@code WSAENOTSOCK}, {@code WSANOTINITIALISED}
   */
  boolean setFileCompletionNotificationModes(WsaSocket s, int flags);

  /**
   * {@code CancelIo}: as {@link #cancelIoEx(WsaSocket, WsaOverlapped) cancelIoEx(s, null)}, but
   * only for the operations on {@code s} that the calling thread issued.
   *
   * @param s the socket
   * @return true, also when there was nothing to cancel (as Windows); false with
   *     {@code WSAENOTSOCK} or {@code WSANOTINITIALISED}
   */
  boolean cancelIo(WsaSocket s);

  // -- non-blocking mode and the readiness models --

  /**
   * {@code ioctlsocket}: {@link Winsock#FIONBIO} ({@code argp[0] != 0}: non-blocking) or
   * {@link Winsock#FIONREAD} ({@code argp[0]} receives the bytes a receive would return now).
   * Difference: FIONREAD counts the bytes wsa4j has already read from the kernel (at most one
   * staging read, 64 KiB), where Windows counts the whole socket buffer; the first FIONREAD on a
   * socket starts that read, so it may say 0 while data is on its way.
   *
   * @param s the socket
   * @param cmd {@code FIONBIO} or {@code FIONREAD}
   * @param argp element 0 is read ({@code FIONBIO}) or written ({@code FIONREAD})
   * @return 0, or {@code SOCKET_ERROR}: {@code WSAEINVAL} (unknown command; {@code FIONBIO 0}
   *     while {@link #eventSelect} is active), {@code WSAEFAULT}, {@code WSAENOTSOCK}
   */
  int ioctlsocket(WsaSocket s, int cmd, int[] argp);

  /**
   * {@code WSAEventSelect}: makes {@code s} non-blocking and records each {@code FD_*} event of
   * {@code networkEvents} as it happens, signaling {@code event}; {@code (null, 0)} cancels the
   * selection. Level-triggered and re-enabled as the Microsoft page says: {@code FD_READ} again
   * after a receive that leaves data, {@code FD_ACCEPT} after an accept that leaves connections,
   * {@code FD_WRITE} after a send refused with {@code WSAEWOULDBLOCK} once there is room;
   * {@code FD_CONNECT} and {@code FD_CLOSE} once, with their codes. Events already true are
   * recorded at once; a socket {@link #accept} returns inherits the selection. Difference:
   * {@code FD_CLOSE} is recorded once the bytes before the end of stream have been received
   * (Windows may record it with data unread); {@code FD_OOB} is never recorded.
   *
   * @param s the socket
   * @param event the event to signal, or null with {@code networkEvents} 0
   * @param networkEvents {@code FD_READ}, {@code FD_WRITE}, … combined
   * @return 0, or {@code SOCKET_ERROR}: {@code WSAEINVAL}, {@code WSAENOTSOCK},
   *     {@code WSANOTINITIALISED}
   */
  int eventSelect(WsaSocket s, WsaEvent event, int networkEvents);

  /**
   * {@code WSAEnumNetworkEvents}: writes the events recorded since the last call and their error
   * codes, clears the record and, when {@code event} is not null, resets it, atomically.
   *
   * @param s the socket
   * @param event the event to reset, or null
   * @param out the record to fill
   * @return 0, or {@code SOCKET_ERROR}: {@code WSAEFAULT} (null {@code out}),
   *     {@code WSAENOTSOCK}, {@code WSAEINVAL} (an event that is not valid, as the Microsoft page
   *     lists)
   */
  int enumNetworkEvents(WsaSocket s, WsaEvent event, WsaNetworkEvents out);

  /**
   * {@code select}: waits until a socket of the sets is ready, leaving in each set only the ready
   * ones.
   *
   * @param nfds ignored, as on Windows
   * @param readfds sockets to check for data, end of stream, a connection to accept or a reset;
   *     may be null
   * @param writefds sockets to check for being connected and able to send; may be null
   * @param exceptfds sockets to check for a failed non-blocking connect; may be null
   * @param timeout null waits forever; {@code (0, 0)} polls
   * @return the number of ready sockets, 0 on timeout, or {@code SOCKET_ERROR}:
   *     {@code WSAEINVAL} (all sets null or empty, a negative timeout), {@code WSAENOTSOCK},
   *     {@code WSAEINTR} (interrupted), {@code WSA_OPERATION_ABORTED} (cleanup during the wait).
   *     A socket closed during the wait is reported ready in the read set. Difference: readiness
   *     is known once wsa4j has read (see {@link #ioctlsocket}); {@code select} cannot be woken by
   *     another thread other than by closing one of its sockets
   */
  int select(int nfds, WsaFdSet readfds, WsaFdSet writefds, WsaFdSet exceptfds,
      WsaTimeval timeout);

  /**
   * {@code WSAPoll}: waits until an entry's socket has an event, writing every entry's
   * {@code revents}.
   *
   * @param fdArray the entries
   * @param fds how many entries of {@code fdArray} to use
   * @param timeoutMillis 0 polls; -1 waits forever
   * @return how many entries have a non-zero {@code revents}, 0 on timeout, or
   *     {@code SOCKET_ERROR}: {@code WSAEINVAL} (no entries, unknown events),
   *     {@code WSAEFAULT}, {@code WSAEINTR}, {@code WSA_OPERATION_ABORTED} (cleanup during the
   *     wait). {@code POLLHUP} once the stream ended (with {@code POLLERR} after a reset),
   *     {@code POLLERR} after a failed non-blocking connect, {@code POLLNVAL} for a closed or
   *     foreign socket
   */
  int poll(WsaPollFd[] fdArray, int fds, int timeoutMillis);

  // -- plain (non-WSA) data calls --

  /**
   * {@code send}: sends {@code buf[off .. off+len)}; blocks until all is sent, or on a
   * non-blocking socket takes the bytes whole (never a partial count, as Windows) into the send
   * buffer, behind the sends before it. Difference: that buffer is wsa4j's, and holds at most
   * 64 KiB plus one send, where Windows' limit is the socket's send buffer.
   *
   * @param s the socket
   * @param buf the data
   * @param off the first byte
   * @param len how many bytes
   * @param flags 0 ({@code MSG_OOB} and {@code MSG_DONTROUTE} fail with {@code WSAEOPNOTSUPP})
   * @return the bytes sent, or {@code SOCKET_ERROR} ({@code WSAEWOULDBLOCK} when non-blocking
   *     and the buffer is full, {@code WSAEFAULT}, {@code WSAENOTCONN}, …)
   */
  int send(WsaSocket s, byte[] buf, int off, int len, int flags);

  /**
   * {@code recv}: receives into {@code buf[off .. off+len)}; blocks until data is there, or on a
   * non-blocking socket fails with {@code WSAEWOULDBLOCK}.
   *
   * @param s the socket
   * @param buf the buffer
   * @param off the first byte to write
   * @param len the room
   * @param flags 0, {@code MSG_PEEK}, or {@code MSG_WAITALL} (blocking sockets only: on a
   *     non-blocking one it fails with {@code WSAEOPNOTSUPP}, as the Microsoft page says)
   * @return the bytes received (0: the peer closed), or {@code SOCKET_ERROR}
   */
  int recv(WsaSocket s, byte[] buf, int off, int len, int flags);

  /**
   * {@code sendto}: sends one datagram to {@code to} (or, on a connected socket, to its peer).
   *
   * @param s the socket
   * @param buf the data
   * @param off the first byte
   * @param len how many bytes
   * @param flags 0
   * @param to the destination, or null on a connected socket
   * @return the bytes sent, or {@code SOCKET_ERROR}
   */
  int sendto(WsaSocket s, byte[] buf, int off, int len, int flags, SocketAddress to);

  /**
   * {@code recvfrom}: receives one datagram and its source.
   *
   * @param s the socket
   * @param buf the buffer
   * @param off the first byte to write
   * @param len the room
   * @param flags 0 or {@code MSG_PEEK}
   * @param fromOut element 0 receives the source; may be null
   * @return the bytes received, or {@code SOCKET_ERROR} ({@code WSAEMSGSIZE} when the datagram
   *     was larger than {@code len})
   */
  int recvfrom(WsaSocket s, byte[] buf, int off, int len, int flags, SocketAddress[] fromOut);

  /**
   * {@code WSASendTo}: sends one datagram made of all the buffers, overlapped or not.
   *
   * <p>As on Windows (API.md rule 34): the gather of {@code buffers} is one datagram, sent whole
   * or not at all; a send the kernel takes at once returns 0 with the count, its completion
   * indicated as for a later one (rule 25); one that finds the socket buffer full is pending
   * until there is room. More than 65,507 bytes (IPv4) or 65,527 (IPv6) fail with
   * {@code WSAEMSGSIZE}; a broadcast address without {@code SO_BROADCAST} with
   * {@code WSAEACCES}; no {@code to} on an unconnected socket with {@code WSAEDESTADDRREQ}. An
   * unbound socket is bound to a free port first.
   *
   * <p>Differences: on a connected socket, a {@code to} other than the peer fails with
   * {@code WSAEISCONN} (the JDK sends a connected channel's datagrams to its peer only); on a
   * stream socket the call fails with {@code WSAEOPNOTSUPP} (use {@code send}).
   *
   * @param s the socket
   * @param buffers the data, gathered into one datagram
   * @param bufferCount how many elements of {@code buffers} to use
   * @param numberOfBytesSent written when the call completes at once; may be null with a token
   * @param flags 0
   * @param to the destination, or null on a connected socket
   * @param overlapped the token, or null to block
   * @param completionRoutine the routine, or null
   * @return 0 when done, or {@code SOCKET_ERROR} ({@code WSA_IO_PENDING} when started)
   */
  int sendTo(WsaSocket s, WsaBuf[] buffers, int bufferCount, int[] numberOfBytesSent, int flags,
      SocketAddress to, WsaOverlapped overlapped, WsaCompletionRoutine completionRoutine);

  /**
   * {@code WSARecvFrom}: receives one datagram into the buffers and its source into
   * {@code fromOut[0]}, written when the receive completes.
   *
   * <p>As on Windows (API.md rule 34): posted receives take one datagram each, in arrival order;
   * a datagram already waiting completes the call at once (rule 25). A datagram larger than the
   * buffers fills them, the rest is lost, and the receive fails with {@code WSAEMSGSIZE}
   * ({@code ERROR_MORE_DATA} through a completion port) with the count written in
   * {@code internalHigh()}, in {@code numberOfBytesRecvd} and by {@code getOverlappedResult} (the
   * exception to rule 11). After {@code connect}, only the peer's datagrams arrive, and an ICMP
   * port-unreachable fails the receive it reaches with {@code WSAECONNRESET}
   * ({@code ERROR_PORT_UNREACHABLE}, 1234, through a port); the next receive waits as before. An
   * unbound socket fails with {@code WSAEINVAL}; {@code MSG_WAITALL} with {@code WSAEOPNOTSUPP}.
   *
   * <p>Differences: datagrams land in a library buffer of 64 KiB and are copied into
   * {@code buffers} (the JDK would silently cut a datagram to the buffer it is given); an ICMP
   * error reaches unconnected sockets on Windows but not on Linux; on a stream socket the call
   * fails with {@code WSAEOPNOTSUPP} (use {@code recv}).
   *
   * @param s the socket
   * @param buffers the buffers, filled in order
   * @param bufferCount how many elements of {@code buffers} to use
   * @param numberOfBytesRecvd written when the call completes at once; may be null with a token
   * @param flags element 0 is read ({@code MSG_PEEK}) and written
   * @param fromOut element 0 receives the source; may be null
   * @param overlapped the token, or null to block
   * @param completionRoutine the routine, or null
   * @return 0 when done, or {@code SOCKET_ERROR} ({@code WSA_IO_PENDING} when started,
   *     {@code WSAEMSGSIZE} for a datagram larger than the buffers)
   */
  int recvFrom(WsaSocket s, WsaBuf[] buffers, int bufferCount, int[] numberOfBytesRecvd,
      int[] flags, SocketAddress[] fromOut, WsaOverlapped overlapped,
      WsaCompletionRoutine completionRoutine);

  // -- WSAIoctl, extension functions, AcceptEx's address block, DisconnectEx --

  /**
   * {@code WSAIoctl}: {@link Winsock#SIO_GET_EXTENSION_FUNCTION_POINTER} ({@code inBuffer} a
   * {@code WSAID_*} {@link java.util.UUID}; {@code outBuffer[0]} receives the
   * {@link WsaExtensions} function object), {@link Winsock#SIO_KEEPALIVE_VALS} ({@code inBuffer}
   * an {@code int[]{onoff, keepalivetime ms, keepaliveinterval ms}}), {@code FIONBIO},
   * {@code FIONREAD}.
   *
   * @param s the socket
   * @param ioControlCode the control code
   * @param inBuffer the input, as described above
   * @param outBuffer element 0 receives the output object, where there is one
   * @param bytesReturned element 0 receives the size of the output in C (8 for a function
   *     pointer, as on 64-bit Windows); required, as Windows requires it, even with a token
   * @param overlapped a token, or null; these codes complete during the call, and with a token
   *     the completion is still announced as for any overlapped call (its event signaled, its
   *     routine queued, or a packet of 0 bytes posted to the socket's port), as Windows does
   * @param completionRoutine the routine for that announcement, or null
   * @return 0, or {@code SOCKET_ERROR}: {@code WSAEINVAL} (unknown code or GUID, a token still
   *     pending, a routine on a socket bound to a port), {@code WSAEFAULT} (no count, a missing or
   *     wrong-typed in- or out-buffer), {@code WSAENOTSOCK}; an unknown GUID writes nothing and
   *     announces nothing
   */
  int ioctl(WsaSocket s, int ioControlCode, Object inBuffer, Object[] outBuffer,
      int[] bytesReturned, WsaOverlapped overlapped, WsaCompletionRoutine completionRoutine);

  /**
   * {@code setsockopt} with a socket value: {@link Winsock#SO_UPDATE_ACCEPT_CONTEXT} (value: the
   * listener an {@code AcceptEx} accepted {@code s} from) and
   * {@link Winsock#SO_UPDATE_CONNECT_CONTEXT} (value: null) after {@code ConnectEx}. Updating the
   * accept context gives {@code s} the listener's options ({@code SO_KEEPALIVE}, {@code
   * SO_RCVBUF}, {@code SO_SNDBUF}, {@code TCP_NODELAY}, the timeouts…), as Windows' accepted
   * sockets take them. (The {@code int} form of {@code setsockopt} also takes
   * {@code SO_UPDATE_CONNECT_CONTEXT}, as C passes {@code NULL, 0}.)
   *
   * <p>Difference: Windows refuses {@code getsockname}, {@code getpeername} and {@code shutdown}
   * on an AcceptEx socket until its accept context is updated; wsa4j's accepted sockets are
   * complete at once, so a port that forgets the call still works.
   *
   * @param s the socket
   * @param level {@code SOL_SOCKET}
   * @param option one of the two options
   * @param value the listener, or null
   * @return 0, or {@code SOCKET_ERROR}: {@code WSAENOTCONN} (no completed AcceptEx/ConnectEx: an
   *     AcceptEx still waiting for its first data has not completed), {@code WSAEFAULT} (a null
   *     listener, or an option whose value is an {@code int}), {@code WSAEINVAL} (a level other
   *     than {@code SOL_SOCKET}, a listener that is not listening), {@code WSAENOTSOCK}
   */
  int setsockopt(WsaSocket s, int level, int option, WsaSocket value);

  /**
   * {@code AcceptEx} with its address block: as the six-argument {@code acceptEx}, and after the
   * received data the local and the remote address are written into {@code outputBuffer}, read
   * back with {@link #getAcceptExSockaddrs}. The layout is wsa4j's own (Windows keeps its own
   * private too): the local slot starts {@code receiveDataLength} bytes into the buffer, the
   * remote slot right after it. {@code outputBuffer} must hold {@code receiveDataLength +
   * localAddressLength + remoteAddressLength} bytes.
   *
   * <p>The lengths are checked as Windows checks them (Wine's {@code test_AcceptEx}): a remote
   * length of 0 fails at once with {@code WSAEFAULT}; a non-zero length under the address size +
   * 16 (32 for IPv4, 44 for IPv6) is accepted, and the operation then fails when a connection
   * arrives, with {@code ERROR_INSUFFICIENT_BUFFER}, leaving that connection for the next accept; a
   * local length of 0 asks for no local address, and only the remote one is written.
   *
   * @param listener the listening socket
   * @param acceptSocket a fresh or reusable socket that becomes the connection
   * @param outputBuffer receives the first data, then the addresses
   * @param receiveDataLength bytes of first data to wait for, or 0
   * @param localAddressLength bytes reserved for the local address: at least its size + 16
   * @param remoteAddressLength bytes reserved for the remote address: at least its size + 16
   * @param bytesReceived written on immediate success; may be null
   * @param overlapped the token; required
   * @return true on immediate success; false with {@code ERROR_IO_PENDING} when started, or the
   *     failure's code: as the six-argument form, and {@code WSAEFAULT} for a remote length of 0,
   *     a negative length, or a buffer too small for data and addresses
   */
  boolean acceptEx(WsaSocket listener, WsaSocket acceptSocket, WsaBuf outputBuffer,
      int receiveDataLength, int localAddressLength, int remoteAddressLength,
      int[] bytesReceived, WsaOverlapped overlapped);

  /**
   * {@code GetAcceptExSockaddrs}: reads the addresses an eight-argument {@code acceptEx} wrote.
   * Like the C function it reports no error: an address the block does not hold (a slot of length
   * 0, a buffer it cannot read, bad lengths) leaves its out-parameter as it was, as Windows leaves
   * the local address alone when its length was 0. It touches no socket, so it works after
   * cleanup too.
   *
   * @param outputBuffer the buffer {@code acceptEx} filled
   * @param receiveDataLength as passed to {@code acceptEx}
   * @param localAddressLength as passed to {@code acceptEx}
   * @param remoteAddressLength as passed to {@code acceptEx}
   * @param localOut element 0 receives the local address; may be null
   * @param remoteOut element 0 receives the remote address; may be null
   */
  void getAcceptExSockaddrs(WsaBuf outputBuffer, int receiveDataLength, int localAddressLength,
      int remoteAddressLength, SocketAddress[] localOut, SocketAddress[] remoteOut);

  /**
   * {@code DisconnectEx}: shuts the connection down gracefully; with
   * {@link Winsock#TF_REUSE_SOCKET} the handle becomes unconnected and reusable by
   * {@code acceptEx} or {@code connectEx}, without it the handle can only be closed.
   *
   * <p>The FIN goes after every send already posted; the operation completes (0 bytes) once it is
   * out, through the token like any overlapped operation: its event, or a packet to the socket's
   * port. With {@code TF_REUSE_SOCKET} the connection's receives still pending complete with
   * {@code WSA_OPERATION_ABORTED}, and the handle is fresh before the completion is announced:
   * {@code acceptEx} takes it as an accept socket, {@code connectEx} as it is (no new bind is
   * needed; NIO2 binds it to an ephemeral port). Without the flag the socket stays connected with
   * its sending side shut down, as Windows leaves it (Wine's {@code test_DisconnectEx}): sends
   * fail with {@code WSAESHUTDOWN}, {@code connect} with {@code WSAEISCONN}, and the peer's data
   * can still be received. {@code closesocket}, {@code cancelIoEx} or {@code cleanup} during it
   * end it with {@code WSA_OPERATION_ABORTED}, announced once (cleanup announces nothing). Without
   * a token, or on a socket made without {@code WSA_FLAG_OVERLAPPED}, it blocks until done and
   * posts no packet.
   *
   * <p>Difference: a DisconnectEx completes when the FIN is sent; it does not wait out TCP's
   * TIME_WAIT as Windows may. The recycled handle is a fresh NIO2 channel behind the same handle.
   *
   * @param s a connected socket
   * @param overlapped the token, or null to block
   * @param flags 0 or {@code TF_REUSE_SOCKET}
   * @param reserved must be 0
   * @return true when done; false with {@code ERROR_IO_PENDING} when started, or the failure's
   *     code ({@code WSAEINVAL}: flags other than {@code TF_REUSE_SOCKET}, {@code reserved} not 0,
   *     a token still pending, a DisconnectEx already in progress; {@code WSAENOTCONN}: not
   *     connected; {@code WSAENOTSOCK}; {@code WSAEINTR} for an interrupted blocking call)
   */
  boolean disconnectEx(WsaSocket s, WsaOverlapped overlapped, int flags, int reserved);
}
