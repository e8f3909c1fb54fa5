package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cost history over half-open ranges: minute points, days in the user's zone, models by cost, VM runs clipped. */
class CostHistoryRangeTest {
  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  @TempDir Path dir;
  private Database db;

  @BeforeEach
  void open() {
    db = Database.open(dir.resolve("db"));
  }

  @AfterEach
  void close() {
    db.close();
  }

  private void minute(Instant at, String llm, String gcp) {
    db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO cost_minute(ts, llm_today, gcp_today, month_total,"
          + " burn_per_hour) VALUES (?,?,?,0,0)")) {
        ps.setLong(1, at.toEpochMilli());
        ps.setBigDecimal(2, new BigDecimal(llm));
        ps.setBigDecimal(3, new BigDecimal(gcp));
        return ps.executeUpdate();
      }
    });
  }

  private void usage(Instant at, String provider, String model, long in, long cached, long out, long reasoning,
      String cost) {
    db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO llm_usage(ts, provider, model, input_tokens,"
          + " cached_tokens, output_tokens, reasoning_tokens, route, cost) VALUES (?,?,?,?,?,?,?,'api',?)")) {
        ps.setLong(1, at.toEpochMilli());
        ps.setString(2, provider);
        ps.setString(3, model);
        ps.setLong(4, in);
        ps.setLong(5, cached);
        ps.setLong(6, out);
        ps.setLong(7, reasoning);
        ps.setBigDecimal(8, cost == null ? null : new BigDecimal(cost));
        return ps.executeUpdate();
      }
    });
  }

  private void vm(String name, String type, Instant running, Instant ended) {
    db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO vm_sessions(name, zone, machine_type, state,"
          + " external_ip, requested_at, running_since, ended_at, max_run_seconds, session_id, last_message)"
          + " VALUES (?, 'us-central1-a', ?, ?, '', 0, ?, ?, 3600, 's', '')")) {
        ps.setString(1, name);
        ps.setString(2, type);
        ps.setString(3, ended == null ? "RUNNING" : "DELETED");
        if (running == null) {
          ps.setNull(4, Types.BIGINT);
        } else {
          ps.setLong(4, running.toEpochMilli());
        }
        if (ended == null) {
          ps.setNull(5, Types.BIGINT);
        } else {
          ps.setLong(5, ended.toEpochMilli());
        }
        return ps.executeUpdate();
      }
    });
  }

  @Test
  void pointsAreTheMinutesFromTheStartIncludedToTheEndExcludedOldestFirst() {
    minute(T0.plusSeconds(120), "3", "0.5");
    minute(T0, "1", "0.25");
    minute(T0.plusSeconds(60), "2", "0");
    minute(T0.minusSeconds(60), "9", "9");

    List<CostHistory.Point> points = new CostHistory(db, ZoneOffset.UTC).points(T0, T0.plusSeconds(120));

    assertThat(points).extracting(CostHistory.Point::time).containsExactly(T0, T0.plusSeconds(60));
    assertThat(points.get(0).llmToday()).isEqualByComparingTo("1");
    assertThat(points.get(0).gcpToday()).isEqualByComparingTo("0.25");
    assertThat(points.get(0).total()).isEqualByComparingTo("1.25");
  }

  @Test
  void aDayIsItsLastSnapshotInTheUsersZone() {
    ZoneId newYork = ZoneId.of("America/New_York"); // UTC-5 in November
    minute(Instant.parse("2026-11-21T03:00:00Z"), "4", "1"); // still the 20th in New York
    minute(Instant.parse("2026-11-21T04:59:00Z"), "5", "2"); // the 20th's last minute there
    minute(Instant.parse("2026-11-21T05:00:00Z"), "0.5", "0"); // the 21st begins

    List<CostHistory.Day> days = new CostHistory(db, newYork).days(T0, T0.plus(Duration.ofDays(2)));

    assertThat(days).extracting(CostHistory.Day::date).containsExactly(LocalDate.parse("2026-11-20"),
        LocalDate.parse("2026-11-21"));
    assertThat(days.get(0).llm()).isEqualByComparingTo("5");
    assertThat(days.get(0).gcp()).isEqualByComparingTo("2");
    assertThat(days.get(0).total()).isEqualByComparingTo("7");
    assertThat(days.get(1).total()).isEqualByComparingTo("0.5");
    assertThat(new CostHistory(db, ZoneOffset.UTC).days(T0, T0.plus(Duration.ofDays(2))))
        .extracting(CostHistory.Day::date).containsExactly(LocalDate.parse("2026-11-21"));
  }

  @Test
  void modelsAreCostliestFirstThenByNameWithTheirTotalsInTheRange() {
    usage(T0, "openai", "gpt-4o", 100, 10, 5, 1, "0.1234564");
    usage(T0.plusSeconds(30), "openai", "gpt-4o", 200, 20, 6, 2, "0.2");
    usage(T0.plusSeconds(30), "openai", "gpt-4o", 1, 0, 1, 0, null);
    usage(T0, "anthropic", "claude", 1, 0, 1, 0, "0.3234564");
    usage(T0, "acme", "zeta", 1, 0, 1, 0, "0.0000005");
    usage(T0, "acme", "alpha", 1, 0, 1, 0, "0.0000005");
    usage(T0, "acme", "unpriced", 7, 0, 1, 0, null);
    usage(T0.plusSeconds(60), "openai", "late", 1, 0, 1, 0, "5"); // at the end: excluded
    usage(T0.minusMillis(1), "openai", "early", 1, 0, 1, 0, "5"); // before the start: excluded

    List<CostHistory.ModelTotal> models = new CostHistory(db, ZoneOffset.UTC).models(T0, T0.plusSeconds(60));

    assertThat(models).extracting(CostHistory.ModelTotal::model)
        .containsExactly("claude", "gpt-4o", "alpha", "zeta", "unpriced");
    CostHistory.ModelTotal gpt = models.get(1);
    assertThat(gpt).isEqualTo(new CostHistory.ModelTotal("openai", "gpt-4o", 3, 301, 30, 12, 3,
        new BigDecimal("0.323456"), 1));
    assertThat(models.get(0).cost()).isEqualTo(new BigDecimal("0.323456"));
    assertThat(models.get(2).cost()).as("half up at six places").isEqualTo(new BigDecimal("0.000001"));
    assertThat(models.get(4).cost()).isEqualTo(new BigDecimal("0.000000"));
    assertThat(models.get(4).unpriced()).isEqualTo(1);
  }

  @Test
  void vmRunsAreClippedToTheRangeAndPricedPerSecond() {
    Instant from = T0;
    Instant to = T0.plus(Duration.ofHours(10));
    vm("before-and-after", "e2-standard-2", from.minus(Duration.ofHours(1)), to.plus(Duration.ofHours(1)));
    vm("inside", "n2-standard-4", from.plus(Duration.ofHours(1)), from.plus(Duration.ofHours(1)).plusSeconds(90));
    vm("still-running", "e2-standard-2", from.plus(Duration.ofHours(9)), null);
    vm("ended-at-start", "e2-standard-2", from.minus(Duration.ofHours(2)), from);
    vm("ended-before", "e2-standard-2", from.minus(Duration.ofHours(2)), from.minusMillis(1));
    vm("starts-at-end", "e2-standard-2", to, null);
    vm("never-ran", "e2-standard-2", null, null);
    vm("unknown-type", "x9-mega-1", from, from.plus(Duration.ofHours(1)));

    List<CostHistory.VmTotal> vms = new CostHistory(db, ZoneOffset.UTC).vms(from, to, type -> switch (type) {
      case "e2-standard-2" -> Optional.of(new BigDecimal("0.36"));
      case "n2-standard-4" -> Optional.of(new BigDecimal("1"));
      default -> Optional.empty();
    });

    assertThat(vms).extracting(CostHistory.VmTotal::name).containsExactly("ended-at-start", "before-and-after",
        "unknown-type", "inside", "still-running");
    CostHistory.VmTotal clipped = vms.get(1);
    assertThat(clipped.from()).isEqualTo(from);
    assertThat(clipped.to()).isEqualTo(to);
    assertThat(clipped.zone()).isEqualTo("us-central1-a");
    assertThat(clipped.state()).isEqualTo("DELETED");
    assertThat(clipped.perHour()).contains(new BigDecimal("0.36"));
    assertThat(clipped.cost()).contains(new BigDecimal("3.600000")); // 10 h x 0.36
    assertThat(vms.get(0).cost()).contains(new BigDecimal("0.000000"));
    assertThat(vms.get(2).perHour()).isEmpty();
    assertThat(vms.get(2).cost()).isEmpty();
    assertThat(vms.get(3).cost()).contains(new BigDecimal("0.025000")); // 90 s at $1/h
    CostHistory.VmTotal running = vms.get(4);
    assertThat(running.to()).isEqualTo(to);
    assertThat(running.state()).isEqualTo("RUNNING");
    assertThat(running.cost()).contains(new BigDecimal("0.360000"));
  }

  @Test
  void csvRowsCarryPlainNumbersAndEmptyCellsForUnknownPrices() throws Exception {
    minute(T0, "1.50000", "0.250");
    usage(T0, "openai", "gpt-4o", 100, 10, 5, 1, "0.12");
    vm("vm-1", "e2-standard-2", T0, T0.plus(Duration.ofMinutes(30)));
    vm("vm-2", "x9-mega-1", T0, T0.plus(Duration.ofMinutes(30)));
    Path out = Files.createDirectory(dir.resolve("csv"));

    CostCsv.export(new CostHistory(db, ZoneOffset.UTC), T0, T0.plus(Duration.ofHours(1)),
        type -> type.startsWith("e2") ? Optional.of(new BigDecimal("0.3600")) : Optional.empty(), out);

    assertThat(Files.readAllLines(out.resolve("cost-per-day.csv")))
        .containsExactly("date,llm_usd,gcp_estimate_usd,total_usd", "2026-11-20,1.5,0.25,1.75");
    assertThat(Files.readAllLines(out.resolve("cost-per-model.csv"))).containsExactly(
        "provider,model,calls,input_tokens,cached_tokens,output_tokens,reasoning_tokens,cost_usd,unpriced_calls",
        "openai,gpt-4o,1,100,10,5,1,0.12,0");
    assertThat(Files.readAllLines(out.resolve("cost-per-vm.csv"))).containsExactly(
        "vm,machine_type,zone,state,from,to,usd_per_hour,cost_estimate_usd",
        "vm-1,e2-standard-2,us-central1-a,DELETED,2026-11-20T10:00:00Z,2026-11-20T10:30:00Z,0.36,0.18",
        "vm-2,x9-mega-1,us-central1-a,DELETED,2026-11-20T10:00:00Z,2026-11-20T10:30:00Z,,");
    assertThat(CostCsv.plain(new BigDecimal("100"))).isEqualTo("100");
    assertThat(CostCsv.plain(new BigDecimal("1E+2"))).isEqualTo("100");
  }
}
