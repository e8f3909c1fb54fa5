package dev.headroom.ui;

import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ObservableValue;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;

/**
 * Table columns of text computed from the row. Cells that may be cut off carry their full text in a tooltip; code
 * columns show {@link Labels} words with the code in the tooltip; headers keep their full title in a tooltip too.
 */
public final class Tables {
  private Tables() {}

  /** A column titled {@code name}, {@code width} wide, showing {@code text} of each row. */
  public static <T> TableColumn<T, String> column(String name, double width, Function<T, String> text) {
    return observed(name, width, row -> new ReadOnlyStringWrapper(text.apply(row)));
  }

  /** A column whose cells follow a property of the row (updated in place). */
  public static <T> TableColumn<T, String> observed(String name, double width,
      Function<T, ObservableValue<String>> cell) {
    TableColumn<T, String> c = new TableColumn<>();
    header(c, name);
    c.setCellValueFactory(cd -> cell.apply(cd.getValue()));
    c.setCellFactory(col -> new TooltipCell<>(Labels.Human::text, false));
    c.setPrefWidth(width);
    return c;
  }

  /** A right-aligned column for numbers and money. */
  public static <T> TableColumn<T, String> number(String name, double width, Function<T, String> text) {
    TableColumn<T, String> c = column(name, width, text);
    c.setStyle("-fx-alignment: CENTER-RIGHT;");
    return c;
  }

  /** A column of codes shown as {@link Labels} words, the code and its meaning in the tooltip. */
  public static <T> TableColumn<T, String> code(String name, double width, Function<T, String> code) {
    return codeObserved(name, width, row -> new ReadOnlyStringWrapper(code.apply(row)));
  }

  /** A code column following a property of the row. */
  public static <T> TableColumn<T, String> codeObserved(String name, double width,
      Function<T, ObservableValue<String>> code) {
    TableColumn<T, String> c = new TableColumn<>();
    header(c, name);
    c.setCellValueFactory(cd -> code.apply(cd.getValue()));
    c.setCellFactory(col -> new TooltipCell<>(Labels.Human::text, true));
    c.setPrefWidth(width);
    return c;
  }

  /** Columns share the table's width (the last one takes what is left), so a table grows with the window. */
  public static void fill(TableView<?> table) {
    table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    if (!table.getStyleClass().contains("dense")) {
      table.getStyleClass().add("dense"); // AtlantaFX's compact rows
    }
  }

  // The header is a Label so the full title shows in a tooltip when the column is narrow.
  private static void header(TableColumn<?, ?> c, String name) {
    Label l = new Label(name);
    l.setTooltip(new Tooltip(name));
    l.setMinWidth(0);
    c.setGraphic(l);
    // Never narrower than its title: a table too narrow for its columns scrolls instead of showing "C…".
    javafx.scene.text.Text measure = new javafx.scene.text.Text(name);
    measure.setFont(javafx.scene.text.Font.font(javafx.scene.text.Font.getDefault().getFamily(),
        javafx.scene.text.FontWeight.BOLD, 13));
    c.setMinWidth(Math.ceil(measure.getLayoutBounds().getWidth()) + 34);
  }

  private static final class TooltipCell<T> extends TableCell<T, String> {
    private final Function<Labels.Human, String> show;
    private final boolean codes;
    private final Tooltip tip = new Tooltip();

    TooltipCell(Function<Labels.Human, String> show, boolean codes) {
      this.show = show;
      this.codes = codes;
    }

    @Override
    protected void updateItem(String item, boolean empty) {
      super.updateItem(item, empty);
      if (empty || item == null) {
        setText(null);
        setTooltip(null);
        return;
      }
      if (codes) {
        Labels.Human h = Labels.of(item);
        setText(show.apply(h));
        tip.setText(h.tooltip());
      } else {
        setText(item);
        tip.setText(item);
      }
      setTooltip(tip);
    }
  }
}
