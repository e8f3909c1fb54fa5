package dev.headroom.ui.engine;

import dev.headroom.engine.Decision;
import dev.headroom.engine.DecisionLog;
import java.util.concurrent.Executor;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The decision log for the UI: newest first, following new decisions while active. Holds no Nodes. */
public final class DecisionsViewModel {
  static final int SHOWN = 200;

  private final DecisionLog log;
  private final Executor fx;
  private final ObservableList<Decision> rows = FXCollections.observableArrayList();
  private Runnable unsubscribe = () -> {};

  public DecisionsViewModel(DecisionLog log, Executor fx) {
    this.log = log;
    this.fx = fx;
  }

  public void activate() {
    unsubscribe = log.addListener(d -> fx.execute(() -> {
      rows.add(0, d);
      if (rows.size() > SHOWN) {
        rows.remove(SHOWN, rows.size());
      }
    }));
    java.util.List<Decision> all = new java.util.ArrayList<>(log.recent());
    java.util.Collections.reverse(all);
    fx.execute(() -> rows.setAll(all));
  }

  public void deactivate() {
    unsubscribe.run();
  }

  public ObservableList<Decision> rows() {
    return FXCollections.unmodifiableObservableList(rows);
  }
}
