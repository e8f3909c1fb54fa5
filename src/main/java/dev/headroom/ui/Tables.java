package dev.headroom.ui;

import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.control.TableColumn;

/** Table columns of text computed from the row. */
public final class Tables {
  private Tables() {}

  /** A column titled {@code name}, {@code width} wide, showing {@code text} of each row. */
  public static <T> TableColumn<T, String> column(String name, double width, Function<T, String> text) {
    TableColumn<T, String> c = new TableColumn<>(name);
    c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(text.apply(cd.getValue())));
    c.setPrefWidth(width);
    return c;
  }
}
