package dev.converge.cli.simulate;

import java.util.ArrayList;
import java.util.List;

/** A text table: columns as wide as their widest cell, left-aligned text, right-aligned numbers. */
final class Table {
  private final String[] headers;
  private final List<String[]> rows = new ArrayList<>();

  Table(String... headers) {
    this.headers = headers;
  }

  void row(String... cells) {
    rows.add(cells);
  }

  String render(String indent) {
    int[] widths = new int[headers.length];
    boolean[] numeric = new boolean[headers.length];
    for (int c = 0; c < headers.length; c++) {
      widths[c] = headers[c].length();
      numeric[c] = !rows.isEmpty();
      for (String[] row : rows) {
        widths[c] = Math.max(widths[c], row[c].length());
        numeric[c] &= row[c].equals("-") || row[c].matches("-?[0-9][0-9.,/]*(ms|s)?");
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, indent, headers, widths, numeric);
    for (String[] row : rows) {
      line(out, indent, row, widths, numeric);
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String indent, String[] cells, int[] widths, boolean[] numeric) {
    StringBuilder line = new StringBuilder(indent);
    for (int c = 0; c < cells.length; c++) {
      if (c > 0) {
        line.append("  ");
      }
      String cell = cells[c];
      String pad = " ".repeat(widths[c] - cell.length());
      line.append(numeric[c] ? pad + cell : cell + pad);
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }
}
