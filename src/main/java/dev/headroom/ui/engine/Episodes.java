package dev.headroom.ui.engine;

import dev.headroom.engine.Decision;
import dev.headroom.engine.Decision.Action;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Folds the decision log into episodes: from the first decision a trigger fired (memory at or above the threshold,
 * or projected to be) to the next "nothing to do", one row with its duration and its outcome (a create if there
 * was one, else the last reason it was blocked), instead of one row per verdict. Reaper deletes stay rows of their
 * own. Pure; tested without JavaFX.
 */
final class Episodes {
  private Episodes() {}

  /** One row of the decisions table. {@code end} is empty while the episode lasts. */
  record Row(Instant start, Optional<Instant> end, Action action, String reason, String message, int decisions,
      Set<String> reasons) {
    Duration duration(Instant now) {
      return Duration.between(start, end.orElse(now));
    }
  }

  /** Episodes, newest first, from decisions oldest first. */
  static List<Row> fold(List<Decision> oldestFirst) {
    List<Row> out = new ArrayList<>();
    Builder cur = null;
    for (Decision d : oldestFirst) {
      if (d.action() == Action.NONE) {
        if (cur != null) {
          out.add(cur.build(Optional.of(d.time())));
          cur = null;
        }
      } else if (d.action() == Action.TERMINATE) {
        out.add(single(d));
      } else {
        if (cur == null) {
          cur = new Builder(d.time());
        }
        cur.add(d);
      }
    }
    if (cur != null) {
      out.add(cur.build(Optional.empty()));
    }
    java.util.Collections.reverse(out);
    return out;
  }

  /** Every decision as its own row, newest first. */
  static List<Row> each(List<Decision> oldestFirst) {
    List<Row> out = new ArrayList<>(oldestFirst.size());
    for (int i = oldestFirst.size() - 1; i >= 0; i--) {
      out.add(single(oldestFirst.get(i)));
    }
    return out;
  }

  private static Row single(Decision d) {
    return new Row(d.time(), Optional.of(d.time()), d.action(), d.reason(), d.message(), 1, Set.of(d.reason()));
  }

  private static final class Builder {
    private final Instant start;
    private final Set<String> reasons = new LinkedHashSet<>();
    private Decision create;
    private Decision last;
    private int count;

    Builder(Instant start) {
      this.start = start;
    }

    void add(Decision d) {
      count++;
      last = d;
      reasons.add(d.reason());
      if (d.action() == Action.CREATE) {
        create = d;
      }
    }

    Row build(Optional<Instant> end) {
      Decision shown = create != null ? create : last;
      return new Row(start, end, shown.action(), shown.reason(), shown.message(), count, Set.copyOf(reasons));
    }
  }
}
