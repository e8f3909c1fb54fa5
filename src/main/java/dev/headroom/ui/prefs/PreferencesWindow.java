package dev.headroom.ui.prefs;

import dev.headroom.config.ConfigDocument;
import dev.headroom.config.Settings;
import dev.headroom.core.AppException;
import dev.headroom.ui.Appearance;
import dev.headroom.ui.DashboardWindow;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * Preferences in a window of its own: used when the settings cannot be loaded at start, so a desktop launch with a
 * bad config.json opens Preferences on the bad field instead of exiting with a message on stderr nobody sees.
 *
 * <pre>{@code
 * } catch (AppException e) {
 *   settings = PreferencesWindow.repair(file, e, f -> loader.load(f, env)).orElseThrow(() -> e);
 * }
 * }</pre>
 */
public final class PreferencesWindow {
  private PreferencesWindow() {}

  /**
   * Opens Preferences on the field {@code error} names and blocks the calling thread (not the FX thread) until the
   * user saved settings that {@code load} accepts (returned) or closed the window (empty). Starts JavaFX when it is
   * not running yet and leaves it running (implicit exit off) for the app that follows.
   *
   * @param load loads the settings as the app does (with environment overrides)
   */
  public static Optional<Settings> repair(Path file, AppException error, Function<Path, Settings> load)
      throws InterruptedException {
    boolean osDark = Appearance.detectOs();
    CompletableFuture<Optional<Settings>> result = new CompletableFuture<>();
    Runnable open = () -> {
      try {
        Platform.setImplicitExit(false);
        new Appearance("system", osDark).apply();
        Stage stage = new Stage();
        PreferencesView view = open(stage, file, error, load, result);
        stage.setOnHidden(e -> result.complete(Optional.empty()));
        stage.show();
        stage.toFront();
        stage.requestFocus();
        view.focusError();
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    };
    try {
      Platform.startup(open);
    } catch (IllegalStateException alreadyRunning) {
      Platform.runLater(open);
    }
    try {
      return result.get();
    } catch (ExecutionException e) {
      throw new AppException("Preferences failed: " + e.getCause(), e.getCause());
    }
  }

  /** Builds the window's content on {@code stage} (FX thread); package-private for tests. */
  static PreferencesView open(Stage stage, Path file, AppException error, Function<Path, Settings> load,
      CompletableFuture<Optional<Settings>> result) {
    PreferencesModel model = PreferencesModel.open(file, Map.of());
    PreferencesView view = new PreferencesView(model);
    ConfigDocument.FieldError fe = ConfigDocument.fieldError(error);
    if (model.validProperty().get()) {
      model.showError(fe); // e.g. an environment override the file itself does not show
    }
    view.showBanner("Headroom could not start: " + error.userMessage()
        + "\nFix it below and Save; Headroom then starts.");
    model.onSaved(saved -> {
      try {
        Settings loaded = load.apply(file);
        result.complete(Optional.of(loaded));
        stage.hide();
      } catch (AppException again) {
        view.showBanner("Saved, but Headroom still cannot start: " + again.userMessage());
        model.showError(ConfigDocument.fieldError(again));
        view.focusError();
      }
    });
    Scene scene = new Scene(view.root(), 820, 620);
    Appearance.style(scene);
    stage.setScene(scene);
    stage.setTitle("Headroom — Preferences");
    stage.setMinWidth(DashboardWindow.MIN_WIDTH);
    stage.setMinHeight(DashboardWindow.MIN_HEIGHT);
    return view;
  }
}
