package dev.trm.serving;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.trm.serving.api.PredictionLog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * SavedModel warm-up as TF Serving does it: {@code assets.extra/tf_serving_warmup_requests} in a version directory
 * is a TFRecord file of {@code PredictionLog}s, and each request in it (up to 1000) is run against the newly loaded
 * version before that version answers clients, so that the first real request does not pay for TensorFlow's lazy
 * initialisation. Any failure (a broken file, a request the model refuses) fails the version's load with a message
 * naming the file.
 */
public final class Warmup {
  /** The path of the warm-up file inside a SavedModel directory. */
  public static final String FILE = "assets.extra/tf_serving_warmup_requests";
  /** TF Serving reads at most this many records. */
  public static final int MAX_RECORDS = 1000;
  private static final int MAX_RECORD_BYTES = 64 << 20;
  /** The largest input tensor a warm-up request may ask for (a shape alone can ask for any size). */
  private static final long MAX_ELEMENTS = 1L << 24;

  private Warmup() {}

  /** Replays the warm-up requests of {@code versionDir} on {@code servable}; returns how many ran (0: no file). */
  public static int replay(Servable servable, Path versionDir) {
    Path file = versionDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return 0;
    }
    List<byte[]> records;
    try (InputStream in = Files.newInputStream(file)) {
      records = TfRecords.read(in, MAX_RECORDS, MAX_RECORD_BYTES);
    } catch (IOException e) {
      throw new IllegalArgumentException("warm-up file " + file + ": " + e.getMessage(), e);
    }
    for (int i = 0; i < records.size(); i++) {
      try {
        PredictionLog log = PredictionLog.parseFrom(records.get(i));
        if (!log.hasPredictLog()) {
          throw new IllegalArgumentException("not a predict_log (trm serve replays Predict requests only)");
        }
        GrpcPredictCall call = GrpcPredictCall.decode(log.getPredictLog().getRequest(), servable, MAX_ELEMENTS);
        servable.run(call.signature(), call.inputs(), 0);
      } catch (InvalidProtocolBufferException | IllegalArgumentException | ServingException e) {
        throw new IllegalArgumentException("warm-up file " + file + ": record " + i + ": " + e.getMessage(), e);
      }
    }
    return records.size();
  }
}
