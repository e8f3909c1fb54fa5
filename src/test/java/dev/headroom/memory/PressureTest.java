package dev.headroom.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.MemorySettings;
import dev.headroom.config.SettingsLoader;
import org.junit.jupiter.api.Test;

class PressureTest {
  private final MemorySettings settings = new SettingsLoader().defaults().memory();

  @Test
  void belowThresholdIsNormal() {
    assertThat(Pressure.classify(84.9, 0, settings)).isEqualTo(Pressure.NORMAL);
  }

  @Test
  void atThresholdIsHigh() {
    assertThat(Pressure.classify(85.0, 0, settings)).isEqualTo(Pressure.HIGH);
  }

  @Test
  void atCriticalPercentIsCritical() {
    assertThat(Pressure.classify(95.0, 0, settings)).isEqualTo(Pressure.CRITICAL);
  }

  @Test
  void swappingHardIsCriticalEvenWithRamFree() {
    assertThat(Pressure.classify(40, settings.swapCriticalPagesPerSecond(), settings)).isEqualTo(Pressure.CRITICAL);
  }

  @Test
  void customThresholdMovesTheBoundary() {
    MemorySettings low = new MemorySettings(70, 90, 500, 20, 60, 2, 10);
    assertThat(Pressure.classify(72, 0, low)).isEqualTo(Pressure.HIGH);
    assertThat(Pressure.classify(72, 0, settings)).isEqualTo(Pressure.NORMAL);
  }
}
