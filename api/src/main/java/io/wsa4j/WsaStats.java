package io.wsa4j;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot of one {@link Wsa} context's activity, from {@link Wsa#stats()}: what an embedding
 * server shows on a dashboard or exports to its metrics. Windows has no such call; the figures are
 * the ones a Winsock server would keep by hand.
 *
 * <p>Counts are cumulative since {@code startup}, taken without stopping I/O: a snapshot is
 * consistent per socket direction, not across the whole context.
 */
public final class WsaStats {
  /** What an operation was. */
  public enum OpKind {
    /** {@code WSARecv}, overlapped or blocking. */
    RECV,
    /** {@code WSASend}, overlapped or blocking. */
    SEND,
    /** {@code AcceptEx} and blocking {@code accept}. */
    ACCEPT,
    /** {@code ConnectEx}. */
    CONNECT
  }

  private final int socketsOpen;
  private final long[] posted;
  private final long[] completed;
  private final long[] failed;
  private final long[] aborted;
  private final long bytesSent;
  private final long bytesReceived;
  private final long pendingNow;
  private final Map<Integer, Long> errorsByCode;
  private final List<Integer> portQueueDepths;

  /**
   * Made by providers.
   *
   * @param socketsOpen sockets open now
   * @param posted operations started, indexed by {@link OpKind#ordinal()}
   * @param completed operations that completed successfully, by kind
   * @param failed operations that completed with an error other than an abort, by kind
   * @param aborted operations that completed with {@code WSA_OPERATION_ABORTED} (close, cancel,
   *     cleanup), by kind
   * @param bytesSent bytes of completed sends and {@code ConnectEx} first sends
   * @param bytesReceived bytes of completed receives and {@code AcceptEx} first data
   * @param pendingNow operations posted and not yet completed
   * @param errorsByCode how often each error code ended an operation; copied
   * @param portQueueDepths packets waiting in each open completion port; copied
   */
  public WsaStats(int socketsOpen, long[] posted, long[] completed, long[] failed, long[] aborted,
      long bytesSent, long bytesReceived, long pendingNow, Map<Integer, Long> errorsByCode,
      List<Integer> portQueueDepths) {
    this.socketsOpen = socketsOpen;
    this.posted = posted.clone();
    this.completed = completed.clone();
    this.failed = failed.clone();
    this.aborted = aborted.clone();
    this.bytesSent = bytesSent;
    this.bytesReceived = bytesReceived;
    this.pendingNow = pendingNow;
    this.errorsByCode = Collections.unmodifiableMap(new TreeMap<>(errorsByCode));
    this.portQueueDepths = List.copyOf(portQueueDepths);
  }

  /**
   * Sockets open now (listening, connected or neither).
   *
   * @return the number of open sockets
   */
  public int socketsOpen() {
    return socketsOpen;
  }

  /**
   * Operations of this kind started (a call that failed at once is not counted).
   *
   * @param kind the kind of operation
   * @return the count since {@code startup}
   */
  public long posted(OpKind kind) {
    return posted[kind.ordinal()];
  }

  /**
   * Operations of this kind that completed successfully.
   *
   * @param kind the kind of operation
   * @return the count since {@code startup}
   */
  public long completed(OpKind kind) {
    return completed[kind.ordinal()];
  }

  /**
   * Operations of this kind that completed with an error other than an abort.
   *
   * @param kind the kind of operation
   * @return the count since {@code startup}
   */
  public long failed(OpKind kind) {
    return failed[kind.ordinal()];
  }

  /**
   * Operations of this kind aborted by {@code closesocket}, {@code CancelIoEx} or cleanup.
   *
   * @param kind the kind of operation
   * @return the count since {@code startup}
   */
  public long aborted(OpKind kind) {
    return aborted[kind.ordinal()];
  }

  /**
   * Bytes of sends (and ConnectEx first sends) that completed.
   *
   * @return the byte count since {@code startup}
   */
  public long bytesSent() {
    return bytesSent;
  }

  /**
   * Bytes of receives (and AcceptEx first data) that completed.
   *
   * @return the byte count since {@code startup}
   */
  public long bytesReceived() {
    return bytesReceived;
  }

  /**
   * Operations posted and not yet completed, now.
   *
   * @return the number of pending operations
   */
  public long pendingNow() {
    return pendingNow;
  }

  /**
   * How often each error code ended an operation (aborts included), by code; a call that failed
   * at once is not counted.
   *
   * @return an unmodifiable map from error code to count, in ascending order of code
   */
  public Map<Integer, Long> errorsByCode() {
    return errorsByCode;
  }

  /**
   * Packets waiting in each open completion port now.
   *
   * @return an unmodifiable list with one depth per open port
   */
  public List<Integer> portQueueDepths() {
    return portQueueDepths;
  }

  /** One line: {@code sockets=3 pending=2 recv=10/9/0/1 send=… bytes=in/out errors={…}}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("sockets=").append(socketsOpen)
        .append(" pending=").append(pendingNow);
    for (OpKind k : OpKind.values()) {
      sb.append(' ').append(k.name().toLowerCase(java.util.Locale.ROOT)).append('=')
          .append(posted(k)).append('/').append(completed(k)).append('/').append(failed(k))
          .append('/').append(aborted(k));
    }
    sb.append(" bytesIn=").append(bytesReceived).append(" bytesOut=").append(bytesSent);
    if (!errorsByCode.isEmpty()) {
      sb.append(" errors={");
      errorsByCode.forEach((code, n) -> sb.append(WsaError.name(code)).append('=').append(n)
          .append(','));
      sb.setCharAt(sb.length() - 1, '}');
    }
    if (!portQueueDepths.isEmpty()) {
      sb.append(" ports=").append(portQueueDepths);
    }
    return sb.toString();
  }
}
