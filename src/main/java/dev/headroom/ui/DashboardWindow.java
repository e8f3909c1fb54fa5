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
      Scene scene = new Scene(tabs, 1180, 720);
      scene.getStylesheets().add(DashboardWindow.class.getResource("/ui/headroom.css").toExternalForm());
      stage.setScene(scene);
      stage.setOnHidden(e -> {
        release();
        tabs = null;
      });
      onShowing.accept(true);
    }
    stage.show();
    stage.toFront();
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
