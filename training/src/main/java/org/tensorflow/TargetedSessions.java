package org.tensorflow;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetConfig;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetTarget;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;

/**
 * Opens a {@link Session} on a TensorFlow server ({@code grpc://host:port}) instead of in this process.
 *
 * <p>TF Java 1.1.0's public {@code Session} constructors always pass an empty target, so they can only create an
 * in-process session. The C API can take a target ({@code TF_SetTarget} on the session options); this class sets
 * it and wraps the native session with {@code Session}'s package-private constructor, which is why it lives in
 * TF Java's package. It is the project's only use of TF Java internals: replace it by the public constructor once
 * TF Java accepts a target.
 */
public final class TargetedSessions {
  private TargetedSessions() {}

  /**
   * A session on {@code graph} run by the server at {@code target}, with {@code config}. Like
   * {@code new Session(graph, config)} it does not run the initializers: call {@link Session#initialize()}.
   *
   * @throws org.tensorflow.exceptions.TensorFlowException if TensorFlow refuses the target or the config
   */
  public static Session open(Graph graph, String target, ConfigProto config) {
    Graph.Reference graphRef = graph.ref();
    try (PointerScope scope = new PointerScope()) {
      TF_Status status = TF_Status.newStatus();
      TF_SessionOptions options = TF_SessionOptions.newSessionOptions();
      TF_SetTarget(options, target);
      BytePointer configBytes = new BytePointer(config.toByteArray());
      TF_SetConfig(options, configBytes, configBytes.capacity(), status);
      status.throwExceptionIfNotOK();
      TF_Session session = TF_Session.newSession(graphRef.nativeHandle(), options, status);
      status.throwExceptionIfNotOK();
      return new Session(graph, session.retainReference());
    } finally {
      graphRef.close();
    }
  }
}
