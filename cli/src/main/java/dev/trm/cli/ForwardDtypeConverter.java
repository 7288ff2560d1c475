package dev.trm.cli;

import dev.trm.model.config.DType;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads {@code --forward-dtype}: {@code FLOAT32} or {@code BFLOAT16} in any case. picocli's own enum conversion would
 * also accept the protobuf enum's placeholders ({@code DTYPE_UNSPECIFIED}, {@code UNRECOGNIZED}), which no config
 * can hold.
 */
final class ForwardDtypeConverter implements ITypeConverter<DType> {
  @Override
  public DType convert(String value) {
    return switch (value.toUpperCase(Locale.ROOT)) {
      case "FLOAT32" -> DType.FLOAT32;
      case "BFLOAT16" -> DType.BFLOAT16;
      default -> throw new TypeConversionException("expected FLOAT32 or BFLOAT16, got '" + value + "'");
    };
  }
}
