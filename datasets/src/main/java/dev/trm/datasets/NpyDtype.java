package dev.trm.datasets;

import java.nio.file.Path;

/** The numpy dtypes this project reads and writes, little-endian, with their {@code descr} strings. */
public enum NpyDtype {
  UINT8("|u1", 1, true),
  INT8("|i1", 1, true),
  INT16("<i2", 2, true),
  INT32("<i4", 4, true),
  INT64("<i8", 8, true),
  FLOAT32("<f4", 4, false),
  FLOAT64("<f8", 8, false),
  BOOL("|b1", 1, true);

  private final String descr;
  private final int itemSize;
  private final boolean integral;

  NpyDtype(String descr, int itemSize, boolean integral) {
    this.descr = descr;
    this.itemSize = itemSize;
    this.integral = integral;
  }

  /** The descr numpy writes, e.g. {@code "|u1"} or {@code "<i4"}. */
  public String descr() {
    return descr;
  }

  public int itemSize() {
    return itemSize;
  }

  /** True for the integer and bool types (readable with {@code getInt}). */
  public boolean isIntegral() {
    return integral;
  }

  /**
   * The dtype of a descr. Single-byte types take any byte-order mark ({@code | < > =}), as numpy itself does;
   * wider types must be little-endian ({@code <}, or {@code =} which is little-endian on every machine we run on).
   */
  public static NpyDtype fromDescr(String descr, Path file) {
    if (descr.length() == 3) {
      char order = descr.charAt(0);
      String kind = descr.substring(1);
      for (NpyDtype t : values()) {
        if (!t.descr.substring(1).equals(kind)) {
          continue;
        }
        boolean orderOk = t.itemSize == 1 ? "|<>=".indexOf(order) >= 0 : order == '<' || order == '=';
        if (orderOk) {
          return t;
        }
        throw new DatasetFormatException(file + ": dtype '" + descr + "' is big-endian; only little-endian is supported");
      }
    }
    throw new DatasetFormatException(file + ": unsupported dtype '" + descr
        + "' (supported: |u1, |i1, <i2, <i4, <i8, <f4, <f8, |b1)");
  }
}
