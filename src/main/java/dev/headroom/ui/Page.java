package dev.headroom.ui;

import javafx.scene.Parent;

/**
 * One tab of the dashboard. Pages are built when the window opens and released when it closes, so a tray-only
 * app holds no scene graph.
 *
 * <pre>{@code
 * Page memory = Page.of("Memory", () -> new MemoryView(vm).root(), vm::activate, vm::deactivate);
 * }</pre>
 */
public interface Page {
  String title();

  /** Builds the page's node (FX thread) and starts its live updates. */
  Parent open();

  /** Stops live updates; the node is dropped after this. */
  void close();

  /** A page from a node factory and start/stop hooks. */
  static Page of(String title, java.util.function.Supplier<Parent> view, Runnable onOpen, Runnable onClose) {
    return new Page() {
      @Override
      public String title() {
        return title;
      }

      @Override
      public Parent open() {
        Parent p = view.get();
        onOpen.run();
        return p;
      }

      @Override
      public void close() {
        onClose.run();
      }
    };
  }
}
