package dev.headroom.ui;

import dev.headroom.memory.Pressure;
import dev.headroom.ui.TrayMenu.Item;
import java.awt.AWTException;
import java.awt.AlphaComposite;
import java.awt.CheckboxMenuItem;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.EventQueue;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.Menu;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.RenderingHints;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;

import java.awt.image.BufferedImage;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tray / menu-bar icon (AWT SystemTray): the used percentage drawn in the icon, the pressure shown by shape as
 * well as colour (NORMAL plain digits, HIGH digits in a disc, CRITICAL digits in a square), a black-and-alpha template image on
 * macOS, and the menu of {@link TrayMenu}. Menu clicks are handed to the FX thread through {@code fx} (which starts
 * JavaFX on first use, so a tray-only app runs no FX pulse); icon and menu updates go to the AWT thread.
 */
public final class TrayController {
  private static final Logger LOG = LoggerFactory.getLogger(TrayController.class);
  private static final boolean MAC = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac");

  private final TrayIcon icon;
  private final Executor fx;
  private int shownPercent = -1;
  private Pressure shownPressure;
  private String shownMenu = "";

  private TrayController(TrayIcon icon, Executor fx) {
    this.icon = icon;
    this.fx = fx;
  }

  /** True when this desktop has a tray to live in. */
  public static boolean supported() {
    try {
      return !GraphicsEnvironment.isHeadless() && SystemTray.isSupported();
    } catch (RuntimeException | Error e) {
      return false;
    }
  }

  /**
   * Installs the icon; empty when the tray refuses it (the caller then keeps a window instead).
   *
   * @param onClick what a click on the icon itself does (open the dashboard), run through {@code fx}
   */
  public static Optional<TrayController> install(TrayMenu menu, Runnable onClick, Executor fx) {
    if (!supported()) {
      return Optional.empty();
    }
    if (MAC) {
      // JDK 20+ honour it (JDK-8252015); older ones ignore it and show the black glyph as drawn.
      System.setProperty("apple.awt.enableTemplateImages", "true");
    }
    try {
      SystemTray tray = SystemTray.getSystemTray();
      Dimension size = tray.getTrayIconSize();
      TrayIcon trayIcon = new TrayIcon(render(0, Pressure.NORMAL, Math.max(16, size.height), MAC), menu.tooltip(),
          new PopupMenu());
      trayIcon.setImageAutoSize(true);
      trayIcon.addActionListener(e -> fx.execute(onClick));
      TrayController c = new TrayController(trayIcon, fx);
      c.applyMenu(menu);
      tray.add(trayIcon);
      return Optional.of(c);
    } catch (AWTException | UnsupportedOperationException | SecurityException e) {
      LOG.warn("No system tray available ({}); Headroom will run as a window.", e.toString());
      return Optional.empty();
    }
  }

  /** Shows a reading and a menu: redraws the icon only when the rounded % or the pressure changed. Any thread. */
  public void show(int percent, Pressure pressure, TrayMenu menu) {
    EventQueue.invokeLater(() -> {
      if (percent != shownPercent || pressure != shownPressure) {
        shownPercent = percent;
        shownPressure = pressure;
        icon.setImage(render(percent, pressure, Math.max(16, icon.getSize().height), MAC));
      }
      applyMenu(menu);
    });
  }

  /** A tray balloon (where the OS has no notification service of its own). Any thread. */
  public void notify(String title, String message, boolean warning) {
    EventQueue.invokeLater(() -> icon.displayMessage(title, message,
        warning ? TrayIcon.MessageType.WARNING : TrayIcon.MessageType.INFO));
  }

  /** Removes the icon. */
  public void remove() {
    EventQueue.invokeLater(() -> SystemTray.getSystemTray().remove(icon));
  }

  /** Rebuilds the popup when what it shows changed (AWT thread). */
  private void applyMenu(TrayMenu menu) {
    String signature = menu.signature();
    if (signature.equals(shownMenu)) {
      return;
    }
    shownMenu = signature;
    icon.setToolTip(menu.tooltip());
    PopupMenu popup = icon.getPopupMenu();
    popup.removeAll();
    for (Item item : menu.items()) {
      add(popup, item);
    }
  }

  private void add(Menu parent, Item item) {
    if (item.separator()) {
      parent.addSeparator();
      return;
    }
    if (!item.children().isEmpty()) {
      Menu sub = new Menu(item.label());
      item.children().forEach(c -> add(sub, c));
      parent.add(sub);
      return;
    }
    MenuItem mi;
    if (item.checked().isPresent()) {
      CheckboxMenuItem box = new CheckboxMenuItem(item.label(), item.checked().get());
      item.action().ifPresent(a -> box.addItemListener(e -> fx.execute(a)));
      mi = box;
    } else {
      mi = new MenuItem(item.label());
      item.action().ifPresent(a -> mi.addActionListener(e -> fx.execute(a)));
    }
    mi.setEnabled(item.enabled());
    parent.add(mi);
  }

  /**
   * The tray glyph: the used percentage as digits, with the pressure said by shape as well as colour: NORMAL the
   * digits alone, HIGH the digits knocked out of a disc, CRITICAL knocked out of a square. In colour it is green /
   * orange / red; as a macOS template it is black on transparent, which the menu bar tints for light and dark.
   */
  static BufferedImage render(int percent, Pressure pressure, int size, boolean template) {
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
    g.setColor(template ? Color.BLACK : color(pressure));
    switch (pressure) {
      case NORMAL -> { }
      case HIGH -> g.fill(new Ellipse2D.Double(0, 0, size, size));
      case CRITICAL -> g.fill(new Rectangle2D.Double(0, 0, size, size));
    }
    String text = String.valueOf(Math.max(0, Math.min(100, percent)));
    double width = switch (pressure) {
      case NORMAL -> size * (text.length() > 2 ? 1.0 : 0.96);
      case HIGH -> size * (text.length() > 2 ? 0.82 : 0.74);
      case CRITICAL -> size * (text.length() > 2 ? 0.90 : 0.80);
    };
    Font font = fit(g, text, width, size * (pressure == Pressure.NORMAL ? 0.72 : 0.56));
    g.setFont(font);
    FontMetrics fm = g.getFontMetrics();
    float x = (size - fm.stringWidth(text)) / 2f;
    float digitHeight = fm.getAscent() * 0.72f; // cap height of the digits, without the font's internal leading
    float y = (size + digitHeight) / 2f;
    if (pressure != Pressure.NORMAL) {
      // Knock the digits out of the shape (transparent in a template, white in colour).
      if (template) {
        g.setComposite(AlphaComposite.DstOut);
      } else {
        g.setColor(Color.WHITE);
      }
    }
    g.drawString(text, x, y);
    g.dispose();
    return img;
  }

  /** The largest bold font whose {@code text} fits {@code width} and whose digits are at most {@code height}. */
  private static Font fit(Graphics2D g, String text, double width, double height) {
    Font base = new Font(Font.SANS_SERIF, Font.BOLD, 10);
    for (float pt = (float) height * 2f; pt > 4; pt -= 0.5f) {
      Font f = base.deriveFont(pt);
      FontMetrics fm = g.getFontMetrics(f);
      if (fm.stringWidth(text) <= width && fm.getAscent() * 0.72 <= height) {
        return f;
      }
    }
    return base.deriveFont(5f);
  }

  static Color color(Pressure p) {
    return switch (p) {
      case NORMAL -> new Color(0x2e, 0x7d, 0x32);
      case HIGH -> new Color(0xe6, 0x5c, 0x00);
      case CRITICAL -> new Color(0xc6, 0x28, 0x28);
    };
  }


  /**
   * Why AWT cannot reach a screen ({@code "Java runs headless"}, {@code "cannot open display DISPLAY"}), or empty
   * when it can. Here because this is the one class allowed to touch AWT.
   */
  static java.util.Optional<String> displayUnavailable() {
    try {
      if (java.awt.GraphicsEnvironment.isHeadless()
          || java.awt.GraphicsEnvironment.getLocalGraphicsEnvironment().getScreenDevices().length == 0) {
        return java.util.Optional.of("Java runs headless");
      }
    } catch (java.awt.AWTError | java.awt.HeadlessException | UnsatisfiedLinkError e) {
      return java.util.Optional.of("cannot open display DISPLAY");
    }
    return java.util.Optional.empty();
  }
}
