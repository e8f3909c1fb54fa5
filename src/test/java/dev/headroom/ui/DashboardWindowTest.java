package dev.headroom.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Only the selected tab is built and live; closing the window releases everything. */
class DashboardWindowTest extends FxRobot {
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final List<Boolean> showing = new CopyOnWriteArrayList<>();
  private DashboardWindow window;

  private Page page(String title) {
    return Page.of(title, () -> new Label(title), () -> log.add("open " + title), () -> log.add("close " + title));
  }

  @BeforeEach
  void open() throws Exception {
    FxToolkit.registerPrimaryStage();
    window = new DashboardWindow(() -> List.of(page("Memory"), page("Costs"), page("Routes")), showing::add);
    WaitForAsyncUtils.asyncFx(() -> window.show()).get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    FxToolkit.cleanupStages();
  }

  @Test
  void onlyTheSelectedTabIsOpen() throws Exception {
    assertThat(log).containsExactly("open Memory");
    WaitForAsyncUtils.asyncFx(() -> window.show("costs")).get(10, TimeUnit.SECONDS);
    assertThat(log).containsExactly("open Memory", "close Memory", "open Costs");
    TabPane tabs = lookup("#dashboard-tabs").queryAs(TabPane.class);
    assertThat(tabs.getTabs().get(0).getContent()).isNull();
    assertThat(tabs.getTabs().get(2).getContent()).isNull();
  }

  @Test
  void closingTheWindowClosesTheOpenTabAndReportsHidden() throws Exception {
    WaitForAsyncUtils.asyncFx(() -> window.hide()).get(10, TimeUnit.SECONDS);
    assertThat(log).containsExactly("open Memory", "close Memory");
    assertThat(showing).containsExactly(true, false);
    assertThat(window.stage()).isNull();
  }
}
