package dev.headroom.ui.prefs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.Settings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.core.AppException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The Preferences window headless (Monocle): edit, validate inline, save atomically, reload; a bad config at start. */
class PreferencesTest extends FxRobot {
  @TempDir Path dir;
  private final ExecutorService background = Executors.newSingleThreadExecutor();

  @AfterEach
  void close() throws Exception {
    background.shutdownNow();
    FxToolkit.cleanupStages();
  }

  private PreferencesView show(PreferencesModel model) throws Exception {
    Stage stage = FxToolkit.registerPrimaryStage();
    PreferencesView[] view = new PreferencesView[1];
    WaitForAsyncUtils.asyncFx(() -> {
      view[0] = new PreferencesView(model);
      stage.setScene(new Scene(view[0].root(), 900, 700));
      stage.show();
    }).get(30, TimeUnit.SECONDS);
    return view[0];
  }

  private static Optional<Stage> preferencesWindow() {
    return javafx.stage.Window.getWindows().stream().filter(w -> w instanceof Stage s
        && "Headroom — Preferences".equals(s.getTitle()) && s.isShowing()).map(w -> (Stage) w).findFirst();
  }

  private void type(String id, String text) {
    TextField field = lookup(id).queryAs(TextField.class);
    interact(() -> field.setText(text));
  }

  @Test
  void editValidateSaveReload() throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, """
        {
          "memory" : {
            "thresholdPercent" : 80.0
          },
          "gcp" : {
            "project" : "my-proj",
            "network" : "global/networks/custom"
          }
        }
        """);
    List<String> themes = new CopyOnWriteArrayList<>();
    PreferencesModel[] model = new PreferencesModel[1];
    interact(() -> model[0] = PreferencesModel.open(file, Map.of("ui.theme", themes::add)));
    show(model[0]);
    assertThat(lookup("#pref-memory-thresholdPercent").queryAs(TextField.class).getText()).isEqualTo("80");

    // A critical threshold below the high one: the validator's message under that field, Save disabled.
    type("#pref-memory-criticalPercent", "70");
    Label error = lookup("#pref-error-memory-criticalPercent").queryAs(Label.class);
    assertThat(error.isVisible()).isTrue();
    assertThat(error.getText()).contains("above memory.thresholdPercent");
    assertThat(lookup("#pref-save").queryAs(Button.class).isDisabled()).isTrue();
    // Not a number: a field error of its own.
    type("#pref-cost-dailyBudgetUsd", "ten");
    assertThat(lookup("#pref-error-cost-dailyBudgetUsd").queryAs(Label.class).getText()).contains("must be a number");

    type("#pref-cost-dailyBudgetUsd", "12.50");
    type("#pref-memory-criticalPercent", "97");
    type("#pref-memory-thresholdPercent", "90");
    assertThat(error.isVisible()).isFalse();
    interact(() -> model[0].addRoute("vision", "/vision/", "CLOUD_PREFERRED", "http://127.0.0.1:9000", "GENERIC"));
    interact(() -> model[0].text("ui.theme").set("dark"));
    clickOn("#pref-save");
    WaitForAsyncUtils.waitForFxEvents();

    assertThat(lookup("#pref-status").queryAs(Label.class).getText()).contains("Saved to")
        .contains("Applied now: Theme").contains("after a restart").contains("High-pressure threshold");
    assertThat(themes).containsExactly("dark");
    Settings reloaded = new SettingsLoader().load(file, Map.of());
    assertThat(reloaded.memory().thresholdPercent()).isEqualTo(90.0);
    assertThat(reloaded.memory().criticalPercent()).isEqualTo(97.0);
    assertThat(reloaded.cost().dailyBudgetUsd()).isEqualByComparingTo("12.50");
    assertThat(reloaded.gateway().routes()).extracting(r -> r.name()).endsWith("vision");
    assertThat(reloaded.ui().theme()).isEqualTo("dark");
    // Fields the user did not touch stay as they were, in their place; nothing else is written.
    String json = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(json.indexOf("\"memory\"")).isLessThan(json.indexOf("\"gcp\""));
    assertThat(json).contains("\"network\" : \"global/networks/custom\"").doesNotContain("imageFamily");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("config.json"); // no temp left
    }

    // Reload: a fresh window shows what was saved.
    interact(() -> model[0] = PreferencesModel.open(file, Map.of()));
    assertThat(model[0].text("memory.thresholdPercent").get()).isEqualTo("90");
    assertThat(model[0].text("gcp.project").get()).isEqualTo("my-proj");
  }

  /** A fleet that would create a VM whenever asked (GCP configured, none running), and records the asks. */
  private static final class WillingFleet implements dev.headroom.engine.Fleet {
    final List<String> creates = new CopyOnWriteArrayList<>();
    private final java.time.Clock clock;
    private volatile java.time.Instant last;

    WillingFleet(java.time.Clock clock) {
      this.clock = clock;
    }

    @Override
    public boolean configured() {
      return true;
    }

    @Override
    public int activeOrPending() {
      return 0;
    }

    @Override
    public Optional<java.time.Instant> lastCreateAt() {
      return Optional.ofNullable(last); // the 5 min cooldown then keeps it to one create per episode
    }

    @Override
    public List<RunningVm> running() {
      return List.of();
    }

    @Override
    public java.util.concurrent.CompletableFuture<?> create(String reason) {
      creates.add(reason);
      last = clock.instant();
      return new java.util.concurrent.CompletableFuture<>();
    }

    @Override
    public java.util.concurrent.CompletableFuture<?> terminate(String name, String reason) {
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }
  }

  @Test
  void savedThresholdsAndAutoCreateReachTheRunningEngineWithoutARestart() throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, """
        {"autoCreate": {"enabled": true}, "memory": {"thresholdPercent": 85.0}, "gcp": {"project": "p"}}
        """);
    Settings start = new SettingsLoader().load(file, Map.of());
    dev.headroom.core.MutableClock clock = new dev.headroom.core.MutableClock(
        java.time.Instant.parse("2026-11-23T10:00:00Z"));
    WillingFleet fleet = new WillingFleet(clock);
    dev.headroom.engine.Spend spend = new dev.headroom.engine.Spend() {
      @Override
      public Optional<java.math.BigDecimal> hourlyPrice() {
        return Optional.of(new java.math.BigDecimal("0.05"));
      }

      @Override
      public Optional<java.math.BigDecimal> dailyBudgetLeft() {
        return Optional.of(java.math.BigDecimal.TEN);
      }
    };
    dev.headroom.engine.Traffic traffic = new dev.headroom.engine.Traffic() {
      @Override
      public Optional<java.time.Instant> lastCloudTraffic() {
        return Optional.empty();
      }

      @Override
      public long cloudInFlight() {
        return 0;
      }
    };
    try (dev.headroom.store.Database db = dev.headroom.store.Database.open(dir.resolve("data"));
        dev.headroom.core.Tasks tasks = dev.headroom.core.ExecutorTasks.sameThread()) {
      dev.headroom.engine.Engine engine = new dev.headroom.engine.Engine(start.memory(), start.autoCreate(), fleet,
          spend, traffic, new dev.headroom.engine.DecisionLog(db), clock, tasks);
      dev.headroom.memory.MemoryMonitor monitor = new dev.headroom.memory.MemoryMonitor(
          new dev.headroom.memory.ScriptedMemorySource(), start.memory(), new dev.headroom.memory.MemoryHistory(null),
          clock, tasks);
      // What the app's wiring does on Save (App.applyLive): the engine and the sampler take the new settings.
      List<Settings> applied = new CopyOnWriteArrayList<>();
      PreferencesModel[] model = new PreferencesModel[1];
      interact(() -> model[0] = PreferencesModel.open(file, Map.of(), Optional.of(s -> {
        applied.add(s);
        monitor.updateSettings(s.memory());
        engine.updateSettings(s.memory(), s.autoCreate());
      })));
      show(model[0]);
      // Before: 87 % for the sustained window is over the 85 % threshold and auto-create is on.
      sustain(engine, clock, 87);
      assertThat(fleet.creates).hasSize(1);

      // The user raises the threshold to 90 % and turns auto-create off, and moves the gateway port.
      type("#pref-memory-thresholdPercent", "90");
      interact(() -> model[0].bool("autoCreate.enabled").set(false));
      type("#pref-gateway-port", "8123");
      clickOn("#pref-save");
      WaitForAsyncUtils.waitForFxEvents();

      String status = lookup("#pref-status").queryAs(Label.class).getText();
      assertThat(status).contains("Applied now: High-pressure threshold (%), Create a Spot VM under memory pressure")
          .contains("Takes effect after a restart: Port on 127.0.0.1.");
      assertThat(lookup("#pref-restart-gateway").queryAs(Label.class).getText())
          .isEqualTo("Changes here take effect after a restart.");
      assertThat(applied).hasSize(1);
      assertThat(monitor.settings().thresholdPercent()).isEqualTo(90.0);
      assertThat(engine.autoCreateSettings().enabled()).isFalse();
      // After: the same pressure no longer creates; the engine names the new threshold and the off switch.
      clock.advance(java.time.Duration.ofMinutes(10));
      dev.headroom.engine.Decision d = sustain(engine, clock, 95);
      assertThat(fleet.creates).hasSize(1);
      assertThat(d.reason()).isEqualTo("AUTO_CREATE_DISABLED");
      assertThat(d.message()).contains("90 %");
    }
  }

  private static dev.headroom.engine.Decision sustain(dev.headroom.engine.Engine engine,
      dev.headroom.core.MutableClock clock, double used) {
    dev.headroom.engine.Decision last = null;
    for (int i = 0; i <= 21; i++) {
      long total = 1_000_000;
      var sample = new dev.headroom.memory.MemorySample(clock.instant(), total,
          Math.round(total * (100 - used) / 100), 0, 0, 0, 0);
      engine.onReading(new dev.headroom.memory.MemoryState(sample, dev.headroom.memory.Pressure.HIGH,
          Optional.empty(), 0));
      last = engine.evaluate();
      clock.advance(java.time.Duration.ofSeconds(1));
    }
    return last;
  }

  @Test
  void aConfigErrorAtStartOpensPreferencesOnTheFieldAndStartsOnceFixed() throws Exception {
    FxToolkit.registerPrimaryStage();
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"cost\": {\"monthlyBudgetUsd\": 50}, \"memory\": {\"thresholdPercent\": 150}}");
    AppException error = null;
    try {
      new SettingsLoader().load(file, Map.of());
    } catch (AppException e) {
      error = e;
    }
    assertThat(error).isNotNull();
    AppException atStart = error;
    Future<Optional<Settings>> started = background.submit(
        () -> PreferencesWindow.repair(file, atStart, f -> new SettingsLoader().load(f, Map.of())));

    WaitForAsyncUtils.waitFor(40, TimeUnit.SECONDS, () -> preferencesWindow().isPresent());
    javafx.scene.Parent root = preferencesWindow().get().getScene().getRoot();
    WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS,
        () -> from(root).lookup("#pref-memory-thresholdPercent").tryQuery().isPresent());
    Node field = from(root).lookup("#pref-memory-thresholdPercent").query();
    WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS,
        () -> field.getScene() != null && field.getScene().getFocusOwner() == field);
    assertThat(from(root).lookup("#pref-error-memory-thresholdPercent").queryAs(Label.class).getText())
        .contains("between 0 and 100");
    assertThat(from(root).lookup("#pref-banner").queryAs(Label.class).getText())
        .startsWith("Headroom could not start");

    interact(() -> ((TextField) field).setText("88"));
    Button save = from(root).lookup("#pref-save").queryAs(Button.class);
    interact(save::fire);
    Optional<Settings> settings = started.get(20, TimeUnit.SECONDS);
    assertThat(settings).isPresent();
    assertThat(settings.get().memory().thresholdPercent()).isEqualTo(88.0);
    assertThat(settings.get().cost().monthlyBudgetUsd()).isEqualByComparingTo("50");
  }
}
