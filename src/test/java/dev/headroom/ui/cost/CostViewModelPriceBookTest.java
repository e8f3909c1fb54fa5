package dev.headroom.ui.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.CostSettings;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.cost.CostEngine;
import dev.headroom.cost.PriceBook;
import dev.headroom.cost.PriceService;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Costs tab says where the LLM prices come from and their date (plain JUnit, no FX toolkit). */
class CostViewModelPriceBookTest {
  @TempDir Path dir;

  @Test
  void theBooksDateAndSourceAreShownBesideTheModels() {
    try (Database db = Database.open(dir)) {
      Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
      CostEngine engine = new CostEngine(db, PriceBook.load(Optional.empty()),
          new PriceService(Optional.empty(), db, clock, 0, "pd-balanced"), "us-central1",
          new CostSettings(BigDecimal.TEN, BigDecimal.TEN, "", ""), List::of, clock, ZoneOffset.UTC,
          ExecutorTasks.sameThread(), (p, pct, b) -> { });
      CostViewModel vm = new CostViewModel(engine, Runnable::run);
      vm.onSnapshot(engine.tick());
      assertThat(vm.priceBookProperty().get()).contains("2026-04-23").contains("litellm").contains("00035b6");
    }
  }

  @Test
  void aBookWithoutProvenanceSaysSo() {
    assertThat(CostViewModel.priceBookNote(Optional.empty())).contains("undated");
  }
}
