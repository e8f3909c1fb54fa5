package dev.headroom.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.scene.Scene;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.stage.Stage;

/**
 * The dashboard window: one tab per {@link Page}. Closing it releases the scene (pages are rebuilt on the next
 * open) and tells {@code onShowing} so sampling can slow down.
 */
public final class DashboardWindow {
  /** The smallest window every tab is laid out for. */
  public static final double MIN_WIDTH = 800;
  public static final double MIN_HEIGHT = 500;
  private final Supplier<List<Page>> pages;
  private final Consumer<Boolean> onShowing;
  private final List<Page> open = new ArrayList<>();
  private Stage stage;
  private TabPane tabs;

  public DashboardWindow(Supplier<List<Page>> pages, Consumer<Boolean> onShowing) {
    this.pages = pages;
    this.onShowing = onShowing;
  }

  /** Shows the window (building it if needed) and brings it to front. FX thread. */
  public void show() {
    if (stage == null) {
      stage = new Stage();
      stage.setTitle("Headroom");
      tabs = new TabPane();
      tabs.setId("dashboard-tabs");
      tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
      // Only the selected tab is built and live: a hidden tab costs neither CPU (timers, redraws) nor memory.
      for (Page p : pages.get()) {
        Tab t = new Tab(p.title());
        t.setId("tab-" + p.title().toLowerCase().replace(' ', '-'));
        t.setUserData(p);
        tabs.getTabs().add(t);
      }
      tabs.getSelectionModel().selectedItemProperty().addListener((o, previous, selected) -> {
        if (previous != null) {
          closeTab(previous);
        }
        if (selected != null) {
          openTab(selected);
        }
      });
      openTab(tabs.getSelectionModel().getSelectedItem());
      double[] size = initialSize(System.getProperty("headroom.windowSize", ""));
      Scene scene = new Scene(tabs, size[0], size[1]);
      Appearance.style(scene);
      stage.setScene(scene);
      // Every view is laid out to work down to this size (wrapping, ellipsis with tooltips, scrolling).
      stage.setMinWidth(MIN_WIDTH);
      stage.setMinHeight(MIN_HEIGHT);
      // Minimized: the selected page stops its live updates (no chart redraws nobody sees) and sampling slows to
      // the tray's pace; restoring rebuilds it from the history, as switching tabs does.
      stage.iconifiedProperty().addListener((o, was, iconified) -> setIconified(iconified));
      stage.setOnHidden(e -> {
        release();
        tabs = null;
      });
      onShowing.accept(true);
    }
    stage.show();
    stage.toFront();
  }

  /** "WxH" (the {@code headroom.windowSize} property, used for screenshots), else 1180x720; never below the minimum. */
  static double[] initialSize(String spec) {
    double w = 1180;
    double h = 720;
    String[] parts = spec.toLowerCase(java.util.Locale.ROOT).split("x");
    if (parts.length == 2) {
      try {
        w = Double.parseDouble(parts[0].trim());
        h = Double.parseDouble(parts[1].trim());
      } catch (NumberFormatException e) {
        // keep the default size
      }
    }
    return new double[] {Math.max(MIN_WIDTH, w), Math.max(MIN_HEIGHT, h)};
  }

  /** Shows the window on the tab titled {@code title} (case-insensitive), when there is one. FX thread. */
  public void show(String title) {
    show();
    tabs.getTabs().stream().filter(t -> t.getText().equalsIgnoreCase(title)).findFirst()
        .ifPresent(t -> tabs.getSelectionModel().select(t));
  }

  /** Hides the window; its scene is released. FX thread. */
  public void hide() {
    if (stage != null) {
      stage.hide();
    }
  }

  public boolean isShowing() {
    return stage != null && stage.isShowing();
  }

  /** The stage while open (tests). */
  public Stage stage() {
    return stage;
  }

  private void setIconified(boolean iconified) {
    if (tabs == null) {
      return;
    }
    Tab selected = tabs.getSelectionModel().getSelectedItem();
    if (iconified) {
      if (selected != null) {
        closeTab(selected);
      }
      onShowing.accept(false);
    } else {
      onShowing.accept(true);
      if (selected != null && selected.getContent() == null) {
        openTab(selected);
      }
    }
  }

  private void openTab(Tab t) {
    Page p = (Page) t.getUserData();
    t.setContent(p.open());
    open.add(p);
  }

  private void closeTab(Tab t) {
    Page p = (Page) t.getUserData();
    if (open.remove(p)) {
      p.close();
    }
    t.setContent(null);
  }

  private void release() {
    for (Page p : open) {
      p.close();
    }
    open.clear();
    if (stage != null) {
      stage.setScene(null);
      stage = null;
    }
    onShowing.accept(false);
  }
}
