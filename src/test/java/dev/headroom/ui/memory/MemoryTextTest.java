package dev.headroom.ui.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.ui.Format;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The memory tab's sentences, without JavaFX. */
class MemoryTextTest {
  private final Format f = new Format(Locale.US);

  @Test
  void projectionAfterABigReleaseIsClampedAndSaysFallingFast() {
    assertThat(MemoryViewModel.projectionText(f, 60, -42.0, -108)).isEqualTo("In 60 s: about 0 % (falling fast)");
  }

  @Test
  void projectionNamesTheTrend() {
    assertThat(MemoryViewModel.projectionText(f, 60, 72.4, 1.53)).isEqualTo("In 60 s: about 72 % (rising 1.5 %/min)");
    assertThat(MemoryViewModel.projectionText(f, 60, 50, 0.01)).isEqualTo("In 60 s: about 50 % (steady)");
    assertThat(MemoryViewModel.projectionText(f, 60, 130, 80)).isEqualTo("In 60 s: about 100 % (rising fast)");
  }

  @Test
  void historyHintWhenTheRangeIsLongerThanWhatWasRecorded() {
    Instant now = Instant.parse("2026-11-23T12:00:00Z");
    String hint = MemoryViewModel.historyHint(f, Optional.of(now.minus(Duration.ofMinutes(12))), ChartRange.ONE_DAY,
        now);
    assertThat(hint).startsWith("History since ").endsWith("(12 min of 24 h)");
    assertThat(MemoryViewModel.historyHint(f, Optional.of(now.minus(Duration.ofMinutes(5))),
        ChartRange.FIVE_MINUTES, now)).isEmpty();
    assertThat(MemoryViewModel.historyHint(f, Optional.empty(), ChartRange.ONE_HOUR, now)).isEqualTo("No history yet");
  }
}
