package dev.headroom.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.memory.Pressure;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** The tray glyph: the percentage in the icon, pressure by shape (not only colour), a black-only template. */
class TrayIconTest {
  private static int alpha(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) >>> 24;
  }

  @Test
  void pressureIsReadableFromTheShapeAlone() {
    BufferedImage normal = TrayController.render(62, Pressure.NORMAL, 24, false);
    BufferedImage high = TrayController.render(62, Pressure.HIGH, 24, false);
    BufferedImage critical = TrayController.render(62, Pressure.CRITICAL, 24, false);

    // Corners: only the square fills them.
    assertThat(alpha(normal, 0, 0)).isZero();
    assertThat(alpha(high, 0, 0)).isLessThan(64);
    assertThat(alpha(critical, 0, 0)).isEqualTo(255);
    // Above the digits: plain digits leave it empty, the disc and the square fill it.
    assertThat(alpha(normal, 12, 2)).isZero();
    assertThat(alpha(high, 12, 2)).isEqualTo(255);
    assertThat(alpha(critical, 12, 2)).isEqualTo(255);
  }

  @Test
  void thePercentageIsDrawnInTheIcon() {
    BufferedImage a = TrayController.render(42, Pressure.NORMAL, 24, false);
    BufferedImage b = TrayController.render(87, Pressure.NORMAL, 24, false);
    BufferedImage c = TrayController.render(42, Pressure.NORMAL, 24, false);

    assertThat(differingPixels(a, b)).isGreaterThan(10);
    assertThat(differingPixels(a, c)).isZero();
    // Digits sit in the middle of the ring.
    int ink = 0;
    for (int x = 0; x < 24; x++) {
      ink += alpha(a, x, 12) > 128 ? 1 : 0;
    }
    assertThat(ink).as("digit strokes across the middle row").isGreaterThanOrEqualTo(4);
  }

  @Test
  void theMacTemplateIsBlackAndAlphaOnlyWithDigitsCutOut() {
    for (Pressure p : Pressure.values()) {
      BufferedImage t = TrayController.render(100, p, 22, true);
      for (int y = 0; y < t.getHeight(); y++) {
        for (int x = 0; x < t.getWidth(); x++) {
          int argb = t.getRGB(x, y);
          if ((argb >>> 24) > 0) {
            assertThat(argb & 0xffffff).as("%s at %d,%d", p, x, y).isZero();
          }
        }
      }
    }
    BufferedImage critical = TrayController.render(88, Pressure.CRITICAL, 22, true);
    long clear = 0;
    for (int y = 4; y < 18; y++) {
      for (int x = 4; x < 18; x++) {
        clear += alpha(critical, x, y) < 128 ? 1 : 0;
      }
    }
    assertThat(clear).as("digits knocked out of the filled square").isGreaterThan(15);
  }

  private static int differingPixels(BufferedImage a, BufferedImage b) {
    int n = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        n += a.getRGB(x, y) != b.getRGB(x, y) ? 1 : 0;
      }
    }
    return n;
  }
}
