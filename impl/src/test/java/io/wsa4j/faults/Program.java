package io.wsa4j.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * A random "program" over one connection: overlapped sends and receives over random buffer
 * splits, {@code cancelIoEx}, waits, {@code closesocket} and actions of the JDK peer. Made from a
 * seed by {@link #generate}, run by {@link ProgramRunner}, made smaller by {@link #shrinks()}, and
 * printed as Java-like text by {@link #toString()}.
 *
 * <p>Operations are numbered in posting order ({@code t0, t1, …}); a step that names an operation
 * by a number with no such operation (after shrinking) does nothing.
 */
record Program(long seed, Indication mode, boolean smallBuffers, List<Step> steps) {

  /** One WSABUF: its length and whether its ByteBuffer is direct. */
  record Buf(int len, boolean direct) {
    @Override
    public String toString() {
      return (direct ? "direct(" : "heap(") + len + ")";
    }
  }

  sealed interface Step {}

  /** An overlapped send of {@code bufs}, filled with the op's own random bytes. */
  record Send(List<Buf> bufs) implements Step {}

  /** An overlapped receive into {@code bufs}. */
  record Recv(List<Buf> bufs) implements Step {}

  /** {@code cancelIoEx(s, t<target>)}, or of everything when {@code target < 0}. */
  record Cancel(int target) implements Step {}

  /** Waits (bounded) for op {@code target}; the peer writes {@code fill} bytes at a time, or reads. */
  record Wait(int target, int fill) implements Step {}

  record PeerWrite(int n) implements Step {}

  /** The peer may read up to {@code n} more bytes (its reader is gated by credit). */
  record PeerRead(int n) implements Step {}

  record PeerShutdownOutput() implements Step {}

  /** The peer closes abortively (linger 0): a reset. */
  record PeerReset() implements Step {}

  record CloseSocket() implements Step {}

  /** {@code shutdown(s, SD_SEND)}: later sends are refused, the FIN follows the queued ones. */
  record ShutdownSend() implements Step {}

  // -- generation --

  static Program generate(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Indication mode = Indication.values()[r.nextInt(3)];
    boolean small = r.nextBoolean();
    int n = 1 + r.nextInt(14);
    List<Step> steps = new ArrayList<>();
    int ops = 0;
    int outstandingSends = 0;
    int outstandingRecvs = 0;
    boolean peerShut = false;
    boolean closed = false;
    boolean sendShut = false;
    for (int i = 0; i < n; i++) {
      int pick = r.nextInt(100);
      if (pick < 25 && outstandingSends < 8) {
        steps.add(new Send(bufs(r)));
        ops++;
        outstandingSends++;
      } else if (pick < 50 && outstandingRecvs < 8) {
        steps.add(new Recv(bufs(r)));
        ops++;
        outstandingRecvs++;
      } else if (pick < 60 && ops > 0) {
        steps.add(new Cancel(r.nextInt(4) == 0 ? -1 : r.nextInt(ops)));
      } else if (pick < 72 && ops > 0) {
        steps.add(new Wait(r.nextInt(ops), 1 + r.nextInt(r.nextBoolean() ? 64 : 8192)));
      } else if (pick < 82 && !peerShut) {
        steps.add(new PeerWrite(1 + r.nextInt(r.nextBoolean() ? 100 : 100_000)));
      } else if (pick < 90) {
        steps.add(new PeerRead(1 + r.nextInt(200_000)));
      } else if (pick < 94 && !peerShut) {
        steps.add(new PeerShutdownOutput());
        peerShut = true;
      } else if (pick < 96) {
        steps.add(new PeerReset());
        peerShut = true;
      } else if (pick < 98 && !sendShut) {
        steps.add(new ShutdownSend());
        sendShut = true;
      } else if (!closed) {
        steps.add(new CloseSocket());
        closed = true;
      }
    }
    return new Program(seed, mode, small, List.copyOf(steps));
  }

  private static List<Buf> bufs(SplittableRandom r) {
    int count = 1 + r.nextInt(r.nextInt(4) == 0 ? 4 : 2);
    List<Buf> b = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int len = switch (r.nextInt(6)) {
        case 0 -> 0;
        case 1 -> 1 + r.nextInt(3);
        case 2, 3 -> 1 + r.nextInt(1500);
        case 4 -> 1 + r.nextInt(40_000);
        default -> 1 + r.nextInt(300_000);
      };
      b.add(new Buf(len, r.nextBoolean()));
    }
    return List.copyOf(b);
  }

  // -- shrinking --

  /** Smaller programs to try, most promising first: steps dropped, then buffers shortened. */
  List<Program> shrinks() {
    List<Program> out = new ArrayList<>();
    for (int i = steps.size() - 1; i >= 0; i--) {
      List<Step> fewer = new ArrayList<>(steps);
      fewer.remove(i);
      out.add(with(fewer));
    }
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      List<Buf> bufs = s instanceof Send send ? send.bufs() : s instanceof Recv recv ? recv.bufs()
          : null;
      if (bufs != null) {
        for (int b = 0; b < bufs.size(); b++) {
          if (bufs.size() > 1) {
            List<Buf> fewer = new ArrayList<>(bufs);
            fewer.remove(b);
            out.add(replace(i, s, fewer));
          }
          Buf buf = bufs.get(b);
          if (buf.len() > 1) {
            List<Buf> shorter = new ArrayList<>(bufs);
            shorter.set(b, new Buf(buf.len() / 2, buf.direct()));
            out.add(replace(i, s, shorter));
          }
        }
      } else if (s instanceof PeerWrite w && w.n() > 1) {
        List<Step> copy = new ArrayList<>(steps);
        copy.set(i, new PeerWrite(w.n() / 2));
        out.add(with(copy));
      }
    }
    return out;
  }

  private Program replace(int i, Step s, List<Buf> bufs) {
    List<Step> copy = new ArrayList<>(steps);
    copy.set(i, s instanceof Send ? new Send(List.copyOf(bufs)) : new Recv(List.copyOf(bufs)));
    return with(copy);
  }

  private Program with(List<Step> newSteps) {
    return new Program(seed, mode, smallBuffers, List.copyOf(newSteps));
  }

  // -- printing --

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append("// program seed ").append(seed).append(", completions by ").append(mode)
        .append(smallBuffers ? ", 16 KiB socket buffers" : ", default socket buffers")
        .append('\n');
    sb.append("WsaSocket s = connectToJdkPeer();\n");
    int op = 0;
    for (Step s : steps) {
      if (s instanceof Send send) {
        sb.append("WsaOverlapped t").append(op++).append(" = send(s, ").append(list(send.bufs()))
            .append(");\n");
      } else if (s instanceof Recv recv) {
        sb.append("WsaOverlapped t").append(op++).append(" = recv(s, ").append(list(recv.bufs()))
            .append(");\n");
      } else if (s instanceof Cancel c) {
        sb.append("wsa.cancelIoEx(s, ").append(c.target() < 0 ? "null" : "t" + c.target())
            .append(");\n");
      } else if (s instanceof Wait w) {
        sb.append("await(t").append(w.target()).append(", /* peer writes */ ").append(w.fill())
            .append(" /* bytes at a time while a receive waits, reads while a send does */);\n");
      } else if (s instanceof PeerWrite w) {
        sb.append("peer.getOutputStream().write(next(").append(w.n()).append("));\n");
      } else if (s instanceof PeerRead r) {
        sb.append("peer.allowReading(").append(r.n()).append(");\n");
      } else if (s instanceof PeerShutdownOutput) {
        sb.append("peer.shutdownOutput();\n");
      } else if (s instanceof PeerReset) {
        sb.append("peer.setSoLinger(true, 0); peer.close();\n");
      } else if (s instanceof CloseSocket) {
        sb.append("wsa.closesocket(s);\n");
      } else if (s instanceof ShutdownSend) {
        sb.append("wsa.shutdown(s, SD_SEND);\n");
      }
    }
    sb.append("finish(); // drain both directions, wait for every op, check the invariants\n");
    return sb.toString();
  }

  private static String list(List<Buf> bufs) {
    return bufs.stream().map(Buf::toString).collect(Collectors.joining(", "));
  }
}
