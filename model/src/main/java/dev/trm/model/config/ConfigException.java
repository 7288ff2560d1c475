package dev.trm.model.config;

/** A config file that cannot be used, with a message naming the file, line and key. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
