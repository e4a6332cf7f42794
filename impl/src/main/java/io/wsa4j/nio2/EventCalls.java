package io.wsa4j.nio2;

import static io.wsa4j.Winsock.*;
import static io.wsa4j.nio2.Args.fail;

import io.wsa4j.Wsa;
import io.wsa4j.WsaEvent;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event calls of a context, behind {@link Nio2Wsa}: {@code WSACreateEvent},
 * {@code WSASetEvent}, {@code WSAResetEvent}, {@code WSACloseEvent},
 * {@code WSAWaitForMultipleEvents} and {@code SleepEx}. It owns the set of open events, which
 * cleanup closes.
 */
final class EventCalls {
  private final Nio2Wsa context;
  private final Args args;
  private final Set<NioEvent> events = ConcurrentHashMap.newKeySet();

  EventCalls(Nio2Wsa context, Args args) {
    this.context = context;
    this.args = args;
  }

  WsaEvent createEvent() {
    if (context.isCleanedUp()) {
      Wsa.setLastError(WSANOTINITIALISED);
      return null;
    }
    NioEvent e = new NioEvent(context);
    events.add(e);
    if (context.isCleanedUp()) {
      e.close(); // cleanup ran between the check and the add
      Wsa.setLastError(WSANOTINITIALISED);
      return null;
    }
    return e;
  }

  boolean setEvent(WsaEvent e) {
    NioEvent ev = args.eventArg(e);
    if (ev == null) {
      return false;
    }
    ev.set();
    return true;
  }

  boolean resetEvent(WsaEvent e) {
    NioEvent ev = args.eventArg(e);
    if (ev == null) {
      return false;
    }
    ev.reset();
    return true;
  }

  boolean closeEvent(WsaEvent e) {
    NioEvent ev = args.eventArg(e);
    if (ev == null) {
      return false;
    }
    events.remove(ev);
    ev.close();
    return true;
  }

  int waitForMultipleEvents(int count, WsaEvent[] events, boolean waitAll, int timeoutMillis,
      boolean alertable) {
    if (context.isCleanedUp()) {
      return fail(WSANOTINITIALISED);
    }
    if (count < 1 || count > WSA_MAXIMUM_WAIT_EVENTS || events == null || events.length < count) {
      return fail(WSA_INVALID_PARAMETER);
    }
    for (int i = 0; i < count; i++) {
      if (args.eventOf(events[i]) == null) {
        return fail(WSA_INVALID_HANDLE);
      }
    }
    return EventWait.await(count, events, waitAll, timeoutMillis, alertable);
  }

  int sleepEx(int timeoutMillis, boolean alertable) {
    return EventWait.sleep(timeoutMillis, alertable);
  }

  /** Cleanup: closes every open event, waking its waiters with {@code WSA_WAIT_FAILED}. */
  void closeAll() {
    for (NioEvent e : events) {
      e.close();
    }
    events.clear();
  }
}
