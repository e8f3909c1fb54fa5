package dev.headroom.ui;

import java.util.List;
import java.util.Optional;

/**
 * What the tray menu shows, as plain data (built by {@link TrayViewModel}, drawn by {@link TrayController}): tests
 * read it without a tray.
 *
 * @param tooltip the icon's tooltip
 * @param items top-level entries, in order
 */
public record TrayMenu(String tooltip, List<Item> items) {

  /**
   * One entry.
   *
   * @param label the text (a disabled entry's label says why it is disabled)
   * @param enabled whether it can be clicked
   * @param action what a click does (runs on the FX thread); empty for status lines and submenus
   * @param checked for a check box entry, whether it is ticked
   * @param children a submenu's entries (empty for a plain entry)
   */
  public record Item(String label, boolean enabled, Optional<Runnable> action, Optional<Boolean> checked,
      List<Item> children) {

    public static final Item SEPARATOR = new Item("-", false, Optional.empty(), Optional.empty(), List.of());

    static Item status(String label) {
      return new Item(label, false, Optional.empty(), Optional.empty(), List.of());
    }

    static Item action(String label, Runnable action) {
      return new Item(label, true, Optional.of(action), Optional.empty(), List.of());
    }

    static Item disabled(String label) {
      return new Item(label, false, Optional.empty(), Optional.empty(), List.of());
    }

    static Item check(String label, boolean on, Runnable toggle) {
      return new Item(label, true, Optional.of(toggle), Optional.of(on), List.of());
    }

    static Item submenu(String label, List<Item> children) {
      return new Item(label, true, Optional.empty(), Optional.empty(), List.copyOf(children));
    }

    public boolean separator() {
      return this == SEPARATOR || label.equals("-") && action.isEmpty() && children.isEmpty();
    }

    /** A text form for change detection and tests: labels, state and structure, not the actions. */
    public String signature() {
      StringBuilder b = new StringBuilder(label).append(enabled ? "" : " [off]")
          .append(checked.map(c -> c ? " [x]" : " [ ]").orElse(""));
      if (!children.isEmpty()) {
        b.append(" {");
        children.forEach(c -> b.append(c.signature()).append("; "));
        b.append('}');
      }
      return b.toString();
    }

    /** The entry labelled {@code label} among {@code children}. */
    public Optional<Item> child(String prefix) {
      return children.stream().filter(c -> c.label.startsWith(prefix)).findFirst();
    }
  }

  /** The whole menu as text (see {@link Item#signature()}). */
  public String signature() {
    StringBuilder b = new StringBuilder(tooltip).append('\n');
    items.forEach(i -> b.append(i.signature()).append('\n'));
    return b.toString();
  }

  /** The first top-level entry whose label starts with {@code prefix}. */
  public Optional<Item> item(String prefix) {
    return items.stream().filter(i -> i.label().startsWith(prefix)).findFirst();
  }
}
