package io.wsa4j.benchmarks.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The results chart: a 2 × 2 grid of XChart line charts — msgs/s (top) and p99 latency (bottom)
 * against the connection count, for 64 B (left) and 4 KiB (right) ping-pong, one line per
 * server, each point the median of its runs. Both axes are logarithmic.
 */
final class Charts {
  private static final int W = 720;
  private static final int H = 480;

  private Charts() {}

  static void write(Path png, Map<Run.Config, Map<String, List<Run>>> table, List<String> servers)
      throws IOException {
    int[] sizes = {64, 4096};
    BufferedImage out = new BufferedImage(2 * W, 2 * H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, out.getWidth(), out.getHeight());
    for (int col = 0; col < sizes.length; col++) {
      String size = sizes[col] == 64 ? "64 B" : "4 KiB";
      XYChart msgs = chart("ping-pong " + size + ": msgs/s (median)", "msgs/s");
      XYChart p99 = chart("ping-pong " + size + ": p99 latency (median)", "p99 µs");
      for (String server : servers) {
        addSeries(msgs, table, server, sizes[col], "msgs_per_s");
        addSeries(p99, table, server, sizes[col], "p99_us");
      }
      g.drawImage(BitmapEncoder.getBufferedImage(msgs), col * W, 0, null);
      g.drawImage(BitmapEncoder.getBufferedImage(p99), col * W, H, null);
    }
    g.dispose();
    ImageIO.write(out, "png", png.toFile());
  }

  private static XYChart chart(String title, String yTitle) {
    XYChart c = new XYChartBuilder().width(W).height(H).title(title)
        .xAxisTitle("connections").yAxisTitle(yTitle).build();
    Styler s = c.getStyler();
    c.getStyler().setXAxisLogarithmic(true);
    c.getStyler().setYAxisLogarithmic(true);
    s.setLegendPosition(Styler.LegendPosition.OutsideS);
    s.setLegendLayout(Styler.LegendLayout.Horizontal);
    s.setChartBackgroundColor(Color.WHITE);
    return c;
  }

  private static void addSeries(XYChart chart, Map<Run.Config, Map<String, List<Run>>> table,
      String server, int size, String key) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (Map.Entry<Run.Config, Map<String, List<Run>>> e : table.entrySet()) {
      Run.Config c = e.getKey();
      List<Run> runs = e.getValue().get(server);
      if (c.stream() || c.size() != size || runs == null) {
        continue;
      }
      Stats st = Stats.of(runs, key);
      if (!st.empty() && st.median() > 0) {
        xs.add((double) c.connections());
        ys.add(st.median());
      }
    }
    if (!xs.isEmpty()) {
      chart.addSeries(server, xs, ys).setMarker(SeriesMarkers.CIRCLE);
    }
  }
}
