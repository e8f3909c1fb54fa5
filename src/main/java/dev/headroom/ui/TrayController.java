package dev.headroom.ui;

import dev.headroom.memory.MemoryState;
import dev.headroom.memory.Pressure;
import java.awt.AWTException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.EventQueue;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.RenderingHints;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.awt.image.BufferedImage;
import java.util.Locale;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tray / menu-bar icon (AWT SystemTray): a gauge tinted by pressure, used % in the tooltip, and a menu. Menu
 * actions are handed to the FX thread through {@code fx} (which starts JavaFX on first use, so a tray-only app
 * runs no FX pulse); icon updates go to the AWT thread.
 */
public final class TrayController {
  private static final Logger LOG = LoggerFactory.getLogger(TrayController.class);

  /** What the tray menu can do; each runs through the FX executor. */
  public record Actions(Runnable openDashboard, Runnable createVm, Runnable terminateAll, Runnable quit) {}

  private final TrayIcon icon;
  private int shownPercent = -1;
  private Pressure shownPressure;

  private TrayController(TrayIcon icon) {
    this.icon = icon;
  }

  /** True when this desktop has a tray to live in. */
  public static boolean supported() {
    try {
      return !GraphicsEnvironment.isHeadless() && SystemTray.isSupported();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** Installs the icon; empty when the tray refuses it (the caller then keeps a window instead). */
  public static java.util.Optional<TrayController> install(Actions actions, Executor fx) {
    if (!supported()) {
      return java.util.Optional.empty();
    }
    try {
      SystemTray tray = SystemTray.getSystemTray();
      Dimension size = tray.getTrayIconSize();
      PopupMenu menu = new PopupMenu();
      menu.add(item("Open dashboard", actions.openDashboard(), fx));
      menu.addSeparator();
      menu.add(item("Create Spot VM", actions.createVm(), fx));
      menu.add(item("Terminate all VMs", actions.terminateAll(), fx));
      menu.addSeparator();
      MenuItem quit = new MenuItem("Quit Headroom");
      quit.addActionListener(e -> actions.quit().run());
      menu.add(quit);
      TrayIcon trayIcon = new TrayIcon(render(0, Pressure.NORMAL, Math.max(16, size.width)), "Headroom", menu);
      trayIcon.setImageAutoSize(true);
      trayIcon.addActionListener(e -> fx.execute(actions.openDashboard()));
      tray.add(trayIcon);
      return java.util.Optional.of(new TrayController(trayIcon));
    } catch (AWTException | UnsupportedOperationException | SecurityException e) {
      LOG.warn("No system tray available ({}); Headroom will run as a window.", e.toString());
      return java.util.Optional.empty();
    }
  }

  private static MenuItem item(String label, Runnable fxAction, Executor fx) {
    MenuItem item = new MenuItem(label);
    item.addActionListener(e -> fx.execute(fxAction));
    return item;
  }

  /** Shows a reading: redraws only when the rounded percentage or the pressure changed. Any thread. */
  public void show(MemoryState state) {
    int percent = (int) Math.round(state.sample().usedPercent());
    Pressure pressure = state.pressure();
    EventQueue.invokeLater(() -> {
      if (percent == shownPercent && pressure == shownPressure) {
        return;
      }
      shownPercent = percent;
      shownPressure = pressure;
      icon.setImage(render(percent, pressure, Math.max(16, icon.getSize().width)));
      icon.setToolTip(tooltip(percent, pressure));
    });
  }

  /** A desktop notification (budget alerts, VM events). Any thread. */
  public void notify(String title, String message, boolean warning) {
    EventQueue.invokeLater(() -> icon.displayMessage(title, message,
        warning ? TrayIcon.MessageType.WARNING : TrayIcon.MessageType.INFO));
  }

  /** Removes the icon. */
  public void remove() {
    EventQueue.invokeLater(() -> SystemTray.getSystemTray().remove(icon));
  }

  static String tooltip(int percent, Pressure pressure) {
    return String.format(Locale.ROOT, "Headroom — %d %% memory used (%s)", percent,
        pressure.name().toLowerCase(Locale.ROOT));
  }

  /** The tray glyph: a ring gauge filled to {@code percent}, in the pressure's colour. */
  static BufferedImage render(int percent, Pressure pressure, int size) {
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    float stroke = Math.max(2f, size / 6f);
    int pad = (int) Math.ceil(stroke / 2) + 1;
    int d = size - 2 * pad;
    g.setStroke(new BasicStroke(stroke, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND));
    g.setColor(new Color(128, 128, 128, 110));
    g.drawOval(pad, pad, d, d);
    g.setColor(color(pressure));
    g.drawArc(pad, pad, d, d, 90, -(int) Math.round(360 * Math.max(0, Math.min(100, percent)) / 100.0));
    int dot = Math.max(2, size / 4);
    g.fillOval((size - dot) / 2, (size - dot) / 2, dot, dot);
    g.dispose();
    return img;
  }

  static Color color(Pressure p) {
    return switch (p) {
      case NORMAL -> new Color(0x2e, 0x7d, 0x32);
      case HIGH -> new Color(0xef, 0x6c, 0x00);
      case CRITICAL -> new Color(0xc6, 0x28, 0x28);
    };
  }
}
