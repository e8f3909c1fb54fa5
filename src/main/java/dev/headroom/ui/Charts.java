package dev.headroom.ui;

import io.fair_acc.chartfx.XYChart;
import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.chartfx.renderer.ErrorStyle;
import io.fair_acc.chartfx.renderer.spi.ErrorDataSetRenderer;
import io.fair_acc.dataset.DataSet;
import java.util.List;

/** The app's ChartFx charts: a local-time x axis (epoch seconds), lines without markers or error bars. */
public final class Charts {
  private Charts() {}

  /**
   * A time chart of {@code dataSets}. {@code yAxis} is configured by the caller (range, unit).
   */
  public static XYChart timeChart(DefaultNumericAxis yAxis, List<? extends DataSet> dataSets) {
    DefaultNumericAxis x = new DefaultNumericAxis("Local time");
    x.setUnit(null);
    x.setTimeAxis(true);
    x.setAnimated(false);
    yAxis.setAnimated(false);
    // Redrawn every second in software: minor ticks are hundreds of short strokes that carry no information here.
    x.getMinorTickStyle().setVisible(false);
    yAxis.getMinorTickStyle().setVisible(false);
    XYChart chart = new XYChart(x, yAxis);
    chart.setAnimated(false);
    ErrorDataSetRenderer renderer = new ErrorDataSetRenderer();
    renderer.setDrawMarker(false);
    renderer.setErrorStyle(ErrorStyle.NONE);
    renderer.getDatasets().addAll(dataSets);
    chart.getRenderers().setAll(renderer);
    return chart;
  }
}
