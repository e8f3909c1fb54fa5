package dev.headroom.ui.engine;

import dev.headroom.engine.Decision;
import dev.headroom.engine.DecisionLog;
import dev.headroom.ui.Labels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The decision log for the UI, following new decisions while active. {@link #rows()} is every decision, newest
 * first; {@link #shown()} is what the table shows: episodes (default) or every decision, filtered by the search
 * text (words, codes or details). Holds no Nodes.
 */
public final class DecisionsViewModel {
  static final int SHOWN = 200;

  private final DecisionLog log;
  private final Executor fx;
  private final ObservableList<Decision> rows = FXCollections.observableArrayList();
  private final ObservableList<Episodes.Row> shown = FXCollections.observableArrayList();
  private final BooleanProperty episodes = new SimpleBooleanProperty(true);
  private final StringProperty filter = new SimpleStringProperty("");
  private Runnable unsubscribe = () -> {};

  public DecisionsViewModel(DecisionLog log, Executor fx) {
    this.log = log;
    this.fx = fx;
    episodes.addListener((o, a, b) -> refresh());
    filter.addListener((o, a, b) -> refresh());
  }

  public void activate() {
    unsubscribe = log.addListener(d -> fx.execute(() -> {
      rows.add(0, d);
      if (rows.size() > SHOWN) {
        rows.remove(SHOWN, rows.size());
      }
      refresh();
    }));
    List<Decision> all = new ArrayList<>(log.recent());
    Collections.reverse(all);
    fx.execute(() -> {
      rows.setAll(all);
      refresh();
    });
  }

  public void deactivate() {
    unsubscribe.run();
  }

  private void refresh() {
    List<Decision> oldestFirst = new ArrayList<>(rows);
    Collections.reverse(oldestFirst);
    List<Episodes.Row> all = episodes.get() ? Episodes.fold(oldestFirst) : Episodes.each(oldestFirst);
    String f = filter.get().trim().toLowerCase(Locale.ROOT);
    shown.setAll(f.isEmpty() ? all : all.stream().filter(r -> matches(r, f)).toList());
  }

  static boolean matches(Episodes.Row r, String lower) {
    if (r.message().toLowerCase(Locale.ROOT).contains(lower)
        || Labels.text(r.action().name()).toLowerCase(Locale.ROOT).contains(lower)) {
      return true;
    }
    return r.reasons().stream().anyMatch(code -> code.toLowerCase(Locale.ROOT).contains(lower)
        || Labels.text(code).toLowerCase(Locale.ROOT).contains(lower));
  }

  /** Every decision, newest first. */
  public ObservableList<Decision> rows() {
    return FXCollections.unmodifiableObservableList(rows);
  }

  /** The table's rows: episodes or decisions, filtered. */
  public ObservableList<Episodes.Row> shown() {
    return FXCollections.unmodifiableObservableList(shown);
  }

  /** True: one row per episode; false: one row per decision. */
  public BooleanProperty episodesProperty() {
    return episodes;
  }

  /** Search text. */
  public StringProperty filterProperty() {
    return filter;
  }
}
