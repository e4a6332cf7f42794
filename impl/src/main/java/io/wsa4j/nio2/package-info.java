/**
 * wsa4j on NIO2: how Winsock's overlapped model is built from {@code AsynchronousSocketChannel}.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link io.wsa4j.nio2.Nio2Wsa}: the context (its state and cleanup); delegates each call to
 *       the class of its concern: {@link io.wsa4j.nio2.SocketCalls}, {@link
 *       io.wsa4j.nio2.DataCalls}, {@link io.wsa4j.nio2.EventCalls}, {@link
 *       io.wsa4j.nio2.PortCalls}, {@link io.wsa4j.nio2.ExtensionCalls}, {@link
 *       io.wsa4j.nio2.ReadinessCalls}, {@link io.wsa4j.nio2.ReadinessWaits}, {@link
 *       io.wsa4j.nio2.DatagramCalls}. {@link
 *       io.wsa4j.nio2.Args} checks arguments in Winsock's order; every failure leaves through
 *       {@code Args.fail(code)}, which sets the last error. {@link io.wsa4j.nio2.BlockingWaits}:
 *       how a calling thread waits for one operation. {@link io.wsa4j.nio2.NioPort}: a port
 *       (FIFO packets, LIFO waiters).
 *   <li>{@link io.wsa4j.nio2.AcceptQueue} / {@link io.wsa4j.nio2.ConnectQueue}: AcceptEx (and
 *       blocking accept) and ConnectEx, whose first transfer moves on to the data queues; {@link
 *       io.wsa4j.nio2.AcceptExAddresses}: the address block AcceptEx writes. {@link
 *       io.wsa4j.nio2.DisconnectQueue}: a DisconnectEx, waiting for the FIN and recycling the
 *       handle. {@link io.wsa4j.nio2.ImmediateOp}: an overlapped call that completes during the
 *       call (WSAIoctl with a token).
 *   <li>{@link io.wsa4j.nio2.SocketOptions} / {@link io.wsa4j.nio2.ExtendedOptions}: the options
 *       NIO2 has, and those wsa4j keeps itself (timeouts, SO_ERROR, SO_CONNECT_TIME…).
 *   <li>{@link io.wsa4j.nio2.StagingPool}: the library-owned buffers receives land in.
 *   <li>{@link io.wsa4j.nio2.Stats} / {@link io.wsa4j.nio2.StatsMBean}: {@code Wsa.stats()} and
 *       its JMX face.
 *   <li>{@link io.wsa4j.nio2.NioSocket}: a socket handle, its state machine and its channel.
 *   <li>{@link io.wsa4j.nio2.RecvQueue} / {@link io.wsa4j.nio2.SendQueue}: the bounded per-socket
 *       FIFOs that turn NIO2's one-read/one-write limit into Winsock's many posted operations,
 *       with one reusable completion handler each.
 *   <li>UDP: {@link io.wsa4j.nio2.NioDatagramSocket} (a {@code NioSocket} on a non-blocking
 *       {@code DatagramChannel}), its {@link io.wsa4j.nio2.DatagramRecvQueue} and
 *       {@link io.wsa4j.nio2.DatagramSendQueue} (one drain loop in
 *       {@link io.wsa4j.nio2.DatagramQueue}: the posting thread first, then the selector), and the
 *       context's {@link io.wsa4j.nio2.DatagramSelector} thread, stopped at cleanup.
 *   <li>{@link io.wsa4j.nio2.Completions}: the one place a finished operation is announced
 *       (status, then event / APC queue / waiting thread).
 *   <li>{@link io.wsa4j.nio2.IoExecutor}: the channel group's executor. The group is not a fixed
 *       pool, so NIO2 attempts every read and write on the thread that starts it; the executor
 *       runs the completion handlers NIO2 hands over on the calling thread, as a trampoline (the
 *       fast path, rule 25). {@link io.wsa4j.nio2.OpQueue#post} tells the call whether its
 *       operation finished before it returned.
 *   <li>{@link io.wsa4j.nio2.ThreadState}: a thread's APC queue and its private token for
 *       blocking calls. {@link io.wsa4j.nio2.WaitList}: threads parked on an event or socket.
 *   <li>{@link io.wsa4j.nio2.Errors}: NIO2 exceptions to Winsock and Win32 codes.
 * </ul>
 *
 * <h2>Conventions</h2>
 * Locks are the queue objects themselves ({@code synchronized (this)}); fields they guard say so.
 * Nothing here ever calls user code while holding a lock, and no user code runs on an I/O thread:
 * completion routines run only in the issuing thread's alertable waits. No lock is held across an
 * NIO2 read or write: its handler may run inline, on the same thread, before the call returns.
 */
package io.wsa4j.nio2;
