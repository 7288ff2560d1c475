package dev.trm.model.config;

import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import com.google.protobuf.TextFormatParseInfoTree;
import com.google.protobuf.TextFormatParseLocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a {@link TrmConfig} from a protobuf text-format file and checks it.
 *
 * <p>Every error names the file and, where the text has one, the line: an unknown key or a syntax error
 * (from the parser), a key left out of a block, or a value outside its range.
 */
public final class ConfigLoader {

  /** Blocks a file may leave out entirely; every other block, and every key of a present block, is required. */
  private static final Set<String> OPTIONAL_BLOCKS = Set.of("generate_sudoku", "generate_maze");

  private ConfigLoader() {}

  /** Loads and validates {@code file}. */
  public static TrmConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read config: " + e.getMessage());
    }
    return parse(file.toString(), text);
  }

  private static final Pattern UNKNOWN_ENUM = Pattern.compile("Enum type \"trm\\.(\\w+)\" has no value");

  /** For the parser's "Enum type ... has no value named ...": the names it takes (they are upper case). */
  private static String enumHint(String parserMessage) {
    Matcher m = UNKNOWN_ENUM.matcher(parserMessage);
    EnumDescriptor type = m.find() ? TrmConfig.getDescriptor().getFile().findEnumTypeByName(m.group(1)) : null;
    if (type == null) {
      return "";
    }
    return " Use one of: " + type.getValues().stream().map(EnumValueDescriptor::getName)
        .filter(n -> !n.endsWith("_UNSPECIFIED")).collect(Collectors.joining(", ")) + " (upper case, unquoted)";
  }

  /** Parses and validates {@code text}; {@code source} names it in errors. */
  public static TrmConfig parse(String source, String text) {
    TrmConfig.Builder builder = TrmConfig.newBuilder();
    TextFormatParseInfoTree.Builder tree = TextFormatParseInfoTree.builder();
    try {
      TextFormat.Parser.newBuilder().setParseInfoTreeBuilder(tree).build().merge(text, builder);
    } catch (TextFormat.ParseException e) {
      // The parser's message starts with "line:column:" (1-based).
      throw new ConfigException(source + ":" + e.getMessage() + enumHint(e.getMessage()));
    }
    TrmConfig config = builder.build();
    List<String> problems = new ArrayList<>();
    checkPresence(source, config, tree.build(), "", 0, problems);
    if (problems.isEmpty()) {
      ConfigValidator.check(config, problems);
      problems.replaceAll(p -> source + ": " + p);
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("\n", problems));
    }
    return config;
  }

  private static void checkPresence(
      String source, Message message, TextFormatParseInfoTree tree, String path, int line,
      List<String> problems) {
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      String key = path + field.getName();
      if (field.isRepeated()) {
        continue;
      }
      if (!message.hasField(field)) {
        boolean optionalBlock =
            field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && OPTIONAL_BLOCKS.contains(field.getName());
        if (!optionalBlock) {
          String where = line > 0 ? source + ":" + line : source;
          problems.add(where + ": missing key '" + key + "'");
        }
        continue;
      }
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        TextFormatParseLocation loc = tree.getLocation(field, 0);
        checkPresence(source, (Message) message.getField(field), tree.getNestedTree(field, 0), key + ".",
            loc.getLine() + 1, problems);
      }
    }
  }
}
