package dev.headroom.ui.spot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.GcpSettings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.spot.FakeComputeServer;
import dev.headroom.spot.GceCompute;
import dev.headroom.spot.SpotStore;
import dev.headroom.spot.SpotVmService;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Clicks Create then Terminate in the real panel (Monocle) against the fake Compute server. */
class SpotPanelTest extends FxRobot {
  @TempDir Path dir;
  private final Tasks tasks = ExecutorTasks.create("spot-ui", 2);
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private FakeComputeServer fake;
  private Database db;
  private SpotVmService spot;
  private SpotViewModel vm;

  @BeforeEach
  void open() throws Exception {
    fake = new FakeComputeServer();
    GcpSettings gcp = fake.settings();
    db = Database.open(dir);
    spot = new SpotVmService(FakeComputeServer.client(gcp), gcp, new SpotStore(db), clock, tasks, "ui-test");
    vm = new SpotViewModel(spot, type -> Optional.of(new BigDecimal("0.0400")), tasks, Platform::runLater, clock);
    Stage stage = FxToolkit.registerPrimaryStage();
    WaitForAsyncUtils.asyncFx(() -> {
      stage.setScene(new Scene(new SpotView(vm, (t, x) -> true, gcp.machineType(), "us-central1").root(), 1100, 600));
      stage.show();
      vm.activate();
    }).get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    vm.deactivate();
    FxToolkit.cleanupStages();
    spot.close();
    tasks.close();
    db.close();
    fake.close();
  }

  @Test
  void createThenTerminateTakesTheRowToRunningThenDeleted() throws Exception {
    @SuppressWarnings("unchecked")
    TableView<SpotRow> table = lookup("#spot-table").queryAs(TableView.class);
    clickOn("#spot-create");
    WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS,
        () -> table.getItems().size() == 1 && table.getItems().get(0).stateProperty().get().equals("RUNNING"));
    SpotRow row = table.getItems().get(0);
    assertThat(row.ipProperty().get()).startsWith("127.0.2.");
    assertThat(row.perHourProperty().get()).isEqualTo("$0.04");
    clock.advance(Duration.ofMinutes(90));
    WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> row.uptimeProperty().get().equals("1:30:00"));
    assertThat(row.timeLeftProperty().get()).isEqualTo("1 h 30 min");
    assertThat(row.costProperty().get()).isEqualTo("$0.06");

    clickOn(row.name());
    WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> lookup("#spot-events").queryListView().getItems().size() >= 3);
    clickOn("#spot-terminate");
    WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> row.stateProperty().get().equals("DELETED"));
    assertThat(fake.exists(row.vm().zone(), row.name())).isFalse();
    // The message is set on the FX thread after the state: wait for it rather than race it on a loaded machine.
    Label message = lookup("#spot-message").queryAs(Label.class);
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> message.getText().equals(row.name() + " is deleted"));
    assertThat(message.getText()).isEqualTo(row.name() + " is deleted");
  }

  @Test
  void withoutGcpThePanelShowsHowToConnectAndDisablesCreate() throws Exception {
    GcpSettings none = new SettingsLoader().defaults().gcp();
    SpotVmService offline = new SpotVmService(() -> GceCompute.connect(none, GceCompute.Polling.DEFAULT), none,
        new SpotStore(db), clock, tasks, "x");
    SpotViewModel m = new SpotViewModel(offline, t -> Optional.empty(), tasks, Platform::runLater, clock);
    Stage stage = FxToolkit.registerPrimaryStage();
    WaitForAsyncUtils.asyncFx(() -> {
      stage.setScene(new Scene(new SpotView(m, (t, x) -> true, none.machineType(), "us-central1").root(), 1100, 600));
      m.activate();
    }).get(10, TimeUnit.SECONDS);
    Label banner = lookup("#spot-not-connected").queryAs(Label.class);
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, banner::isVisible);
    assertThat(banner.getText()).contains("gcloud auth application-default login");
    // Look in this test's scene: a lookup over all windows can find the previous test's button.
    assertThat(from(banner.getScene().getRoot()).lookup("#spot-create").queryButton().isDisabled()).isTrue();
    assertThat(banner.getText()).contains("open Preferences").doesNotContain("config.json");
    javafx.scene.control.Button open = from(banner.getScene().getRoot()).lookup("#spot-open-preferences")
        .queryButton();
    assertThat(open.isVisible()).isTrue();
    assertThat(open.getText()).isEqualTo("Open Preferences");
    m.deactivate();
  }
}
