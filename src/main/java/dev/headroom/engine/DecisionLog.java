package dev.headroom.engine;

import dev.headroom.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's decisions, as the user sees them: a decision is kept (stored in H2, logged once, told to
 * listeners) when its verdict or reason differs from the previous one, and always when it creates, so a
 * steady state does not write a row a second. The last {@link #KEEP} are held for the UI and reloaded at start.
 */
public final class DecisionLog {
  private static final Logger LOG = LoggerFactory.getLogger(DecisionLog.class);
  static final int KEEP = 200;

  private final Database db;
  private final ArrayDeque<Decision> recent = new ArrayDeque<>();
  private final List<Consumer<Decision>> listeners = new CopyOnWriteArrayList<>();
  private Decision last;

  public DecisionLog(Database db) {
    this.db = db;
    recent.addAll(load());
    last = recent.peekLast();
  }

  /** Records {@code d} if it says something new; returns whether it was kept. */
  public boolean record(Decision d) {
    synchronized (this) {
      boolean always = d.action() == Decision.Action.CREATE || d.action() == Decision.Action.TERMINATE;
      if (last != null && !always && last.action() == d.action() && last.reason().equals(d.reason())) {
        return false;
      }
      last = d;
      recent.addLast(d);
      while (recent.size() > KEEP) {
        recent.removeFirst();
      }
    }
    store(d);
    if (d.action() != Decision.Action.NONE) {
      LOG.info("Decision {} [{}]: {}", d.action(), d.reason(), d.message());
    }
    for (Consumer<Decision> l : listeners) {
      l.accept(d);
    }
    return true;
  }

  /** The kept decisions, oldest first. */
  public synchronized List<Decision> recent() {
    return new ArrayList<>(recent);
  }

  /** Adds a listener for kept decisions (called on the recording thread); returns a remover. */
  public Runnable addListener(Consumer<Decision> l) {
    listeners.add(l);
    return () -> listeners.remove(l);
  }

  private void store(Decision d) {
    db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO engine_decisions(ts, action, trigger_kind, reason, message) VALUES (?,?,?,?,?)")) {
        ps.setLong(1, d.time().toEpochMilli());
        ps.setString(2, d.action().name());
        ps.setString(3, d.trigger().name());
        ps.setString(4, d.reason());
        ps.setString(5, d.message().length() > 1000 ? d.message().substring(0, 1000) : d.message());
        return ps.executeUpdate();
      }
    });
  }

  private List<Decision> load() {
    return db.withConnection(c -> {
      List<Decision> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT ts, action, trigger_kind, reason, message FROM"
          + " (SELECT * FROM engine_decisions ORDER BY id DESC LIMIT ?) ORDER BY id")) {
        ps.setInt(1, KEEP);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Decision(Instant.ofEpochMilli(rs.getLong(1)), Decision.Action.valueOf(rs.getString(2)),
                Decision.Trigger.valueOf(rs.getString(3)), rs.getString(4), rs.getString(5)));
          }
        }
      }
      return out;
    });
  }
}
