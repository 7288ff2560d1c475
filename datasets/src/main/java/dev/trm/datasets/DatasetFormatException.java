package dev.trm.datasets;

/**
 * Malformed input: a file, row or field that does not match its format. The message always names the file and,
 * where there is one, the row/line, field or key, so a command line can print it as is.
 */
public class DatasetFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public DatasetFormatException(String message) {
    super(message);
  }

  public DatasetFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
