package dev.headroom.billing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.headroom.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The H2 cache of the last export read: one {@link BilledSummary} per table and project filter. */
public final class BillingStore {
  private static final Logger LOG = LoggerFactory.getLogger(BillingStore.class);
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Database db;

  public BillingStore(Database db) {
    this.db = db;
  }

  /** Replaces the cached summary of {@code key}. */
  public void save(String key, BilledSummary summary) {
    String json;
    try {
      json = JSON.writeValueAsString(summary);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialise a billing summary", e);
    }
    db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "MERGE INTO billing_cache(cache_key, fetched_at, as_of, summary) KEY(cache_key) VALUES (?,?,?,?)")) {
        ps.setString(1, key);
        ps.setLong(2, summary.fetchedAt().toEpochMilli());
        ps.setLong(3, summary.asOf().toEpochMilli());
        ps.setString(4, json);
        return ps.executeUpdate();
      }
    });
  }

  /** The cached summary of {@code key}; empty when none (or when it no longer reads, e.g. after an upgrade). */
  public Optional<BilledSummary> load(String key) {
    String json = db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT summary FROM billing_cache WHERE cache_key = ?")) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getString(1) : null;
        }
      }
    });
    if (json == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(json, BilledSummary.class));
    } catch (JsonProcessingException e) {
      LOG.warn("Ignoring an unreadable cached billing summary: {}", e.getOriginalMessage());
      return Optional.empty();
    }
  }
}
