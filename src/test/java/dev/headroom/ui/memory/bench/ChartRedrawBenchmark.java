package dev.headroom.ui.memory.bench;

import io.fair_acc.chartfx.XYChart;
import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.chartfx.renderer.ErrorStyle;
import io.fair_acc.chartfx.renderer.spi.ErrorDataSetRenderer;
import io.fair_acc.dataset.spi.DoubleDataSet;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * Redraw time of the memory chart holding 86 400 points (24 h at 1 s; budget &lt; 16 ms, DESIGN.md 5), the chart
 * configured as the dashboard configures it ({@code -Dpoints=N} for another size: the app's 24 h range draws
 * minute means plus the last hour at 1 s, about 5 000 points). Each round rewrites the data set (as a range switch does) and times
 * layout + render of one frame via {@code snapshot} on the FX thread. Run headless:
 * <pre>
 * mvn -q -B test-compile exec:exec -Dexec.classpathScope=test -Dexec.executable=java -Dexec.args="-Dglass.platform=Monocle
 *   -Dmonocle.platform=Headless -Dprism.order=sw -cp %classpath dev.headroom.ui.memory.bench.ChartRedrawBenchmark"
 * </pre>
 */
public final class ChartRedrawBenchmark {
  private static final int POINTS = Integer.getInteger("points", 86_400);
  private static final int WARMUP = 20;
  private static final int ROUNDS = 50;

  private ChartRedrawBenchmark() {}

  public static void main(String[] args) throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Platform.startup(started::countDown);
    started.await();
    double[] xs = new double[POINTS];
    double[] ys = new double[POINTS];
    double t0 = 1.7e9;
    for (int i = 0; i < POINTS; i++) {
      xs[i] = t0 + i;
      ys[i] = 50 + 20 * Math.sin(i / 900.0) + (i % 7);
    }
    DoubleDataSet used = new DoubleDataSet("Used RAM %", POINTS);
    CompletableFuture<XYChart> built = new CompletableFuture<>();
    Platform.runLater(() -> {
      DefaultNumericAxis x = new DefaultNumericAxis("Local time");
      x.setTimeAxis(true);
      x.setAnimated(false);
      DefaultNumericAxis y = new DefaultNumericAxis("Used", 0, 100, 10);
      y.setAutoRanging(false);
      XYChart chart = new XYChart(x, y);
      chart.setAnimated(false);
      ErrorDataSetRenderer r = new ErrorDataSetRenderer();
      r.setDrawMarker(false);
      r.setErrorStyle(ErrorStyle.NONE);
      r.setPointReduction(true);
      r.setAssumeSortedData(true);
      r.setParallelImplementation(Boolean.getBoolean("parallel"));
      r.getDatasets().add(used);
      chart.getRenderers().setAll(r);
      Stage stage = new Stage();
      stage.setScene(new Scene(chart, 880, 560));
      stage.show();
      built.complete(chart);
    });
    XYChart chart = built.get(30, TimeUnit.SECONDS);
    long[] nanos = new long[ROUNDS];
    for (int round = -WARMUP; round < ROUNDS; round++) {
      final double shift = round;
      // Data are written off the FX thread, under the data set's write lock, as the app does.
      used.lock().writeLockGuard(() -> {
        for (int i = 0; i < POINTS; i++) {
          ys[i] = 50 + 20 * Math.sin((i + shift * 60) / 900.0) + (i % 7);
        }
        used.set(xs, ys, POINTS, true);
      });
      CompletableFuture<Long> took = new CompletableFuture<>();
      Platform.runLater(() -> {
        long s = System.nanoTime();
        chart.layout();
        chart.snapshot(null, null);
        took.complete(System.nanoTime() - s);
      });
      long n = took.get(30, TimeUnit.SECONDS);
      if (round >= 0) {
        nanos[round] = n;
      }
    }
    Arrays.sort(nanos);
    System.out.printf(Locale.ROOT, "chart redraw, %d points: median %.2f ms, p90 %.2f ms, max %.2f ms (%d rounds)%n",
        POINTS, nanos[ROUNDS / 2] / 1e6, nanos[ROUNDS * 9 / 10] / 1e6, nanos[ROUNDS - 1] / 1e6, ROUNDS);
    Platform.exit();
  }
}
