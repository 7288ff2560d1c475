package dev.trm.serving;

import static dev.trm.serving.GrpcServerTest.int32;

import com.google.protobuf.ByteString;
import dev.trm.serving.api.ModelSpec;
import dev.trm.serving.api.PredictRequest;
import dev.trm.serving.api.PredictionServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;

/**
 * {@link LoadTransport} over TF Serving's gRPC API: Predict on one grpc-java channel (one HTTP/2 connection, calls
 * multiplexed on it, as a client library shares it). Abuse is sent as raw bytes on Predict's method name, so that
 * messages no stub would write (random bytes, a cut message, nesting past protobuf's limit) reach the server too.
 */
final class GrpcTransport implements LoadTransport, AutoCloseable {
  /** Predict with the request as bytes: the server parses them as a {@code PredictRequest}. */
  static final MethodDescriptor<byte[], byte[]> RAW_PREDICT = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName(PredictionServiceGrpc.getPredictMethod().getFullMethodName())
      .setRequestMarshaller(new Bytes()).setResponseMarshaller(new Bytes()).build();

  private final int port;
  private final String model;
  private final String signature;
  private final int seqLen;
  private final int maxMessageBytes;
  private final ManagedChannel channel;

  /**
   * {@code signature}: "" for serving_default; {@code seqLen}: tokens per puzzle (to get shapes wrong);
   * {@code maxMessageBytes}: the server's message limit (to exceed it).
   */
  GrpcTransport(int port, String model, String signature, int seqLen, int maxMessageBytes) {
    this.port = port;
    this.model = model;
    this.signature = signature;
    this.seqLen = seqLen;
    this.maxMessageBytes = maxMessageBytes;
    this.channel = open(port);
  }

  private static ManagedChannel open(int port) {
    // The client's own limit must not refuse what the server is to refuse.
    return Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
        .maxInboundMessageSize(64 << 20).build();
  }

  private static TensorProto ids(int rows) {
    TensorProto.Builder t = int32(rows);
    for (int i = 0; i < rows; i++) {
      t.addIntVal(0);
    }
    return t.build();
  }

  private PredictRequest.Builder request(String model, String signature, TensorProto inputs, TensorProto ids) {
    return PredictRequest.newBuilder().setModelSpec(ModelSpec.newBuilder().setName(model)
        .setSignatureName(signature)).putInputs("inputs", inputs).putInputs("puzzle_identifiers", ids);
  }

  private PredictRequest.Builder request(int[][] puzzles) {
    TensorProto.Builder inputs = int32(puzzles.length, puzzles.length == 0 ? seqLen : puzzles[0].length);
    Arrays.stream(puzzles).flatMapToInt(Arrays::stream).forEach(inputs::addIntVal);
    return request(model, signature, inputs.build(), ids(puzzles.length));
  }

  @Override
  public Outcome predict(int[][] puzzles) {
    return send(channel, request(puzzles).build().toByteArray());
  }

  @Override
  public Outcome abuse(Abuse kind, long seed) {
    Random r = new Random(seed);
    byte[] message = switch (kind) {
      case DEEP_NESTING -> {
        // Groups of an unknown field nested past protobuf's recursion limit (100): the parser must stop, not recurse.
        int depth = 1000 + r.nextInt(20_000);
        byte[] b = new byte[2 * depth];
        Arrays.fill(b, 0, depth, (byte) ((15 << 3) | 3));  // field 15, start group
        Arrays.fill(b, depth, 2 * depth, (byte) ((15 << 3) | 4));  // field 15, end group
        yield b;
      }
      case TRUNCATED -> {
        byte[] whole = request(new int[][] {LoadDriver.puzzles((int) seed, 1, seqLen, 3)[0]}).build().toByteArray();
        yield Arrays.copyOf(whole, 1 + r.nextInt(whole.length - 1));
      }
      case WRONG_TYPES -> {
        // float values, strings, or an int32 dtype carrying float values: every one refused by dtype.
        TensorProto inputs = switch (r.nextInt(3)) {
          case 0 -> TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(int32(1, seqLen)
              .getTensorShape()).addFloatVal(r.nextFloat()).build();
          case 1 -> TensorProto.newBuilder().setDtype(DataType.DT_STRING).setTensorShape(int32(1, seqLen)
              .getTensorShape()).addStringVal(ByteString.copyFromUtf8(Integer.toString(r.nextInt()))).build();
          default -> TensorProto.newBuilder().setDtype(DataType.DT_BOOL).setTensorShape(int32(1, seqLen)
              .getTensorShape()).addBoolVal(true).build();
        };
        yield request(model, signature, inputs, ids(1)).build().toByteArray();
      }
      case WRONG_SHAPE -> {
        // A row one token too long or short, or a rank-3 tensor; values repeat the last one to fill the shape.
        TensorProto inputs = switch (r.nextInt(3)) {
          case 0 -> int32(2, seqLen + 1).addIntVal(1).build();
          case 1 -> int32(2, seqLen - 1).addIntVal(1).build();
          default -> int32(2, seqLen, 1).addIntVal(1).build();
        };
        yield request(model, signature, inputs, ids(2)).build().toByteArray();
      }
      case UNKNOWN_NAME -> {
        TensorProto inputs = int32(1, seqLen).addIntVal(1).build();
        yield (r.nextBoolean() ? request("no-such-model-" + r.nextInt(1000), signature, inputs, ids(1))
            : request(model, "no_such_signature_" + r.nextInt(1000), inputs, ids(1))).build().toByteArray();
      }
      case TOO_MANY_ROWS -> {
        int rows = 5000 + r.nextInt(1000);
        yield request(model, signature, int32(rows, seqLen).addIntVal(1).build(), ids(rows)).build()
            .toByteArray();
      }
      case OVERSIZED -> {
        // A message over the limit, or a small one whose shape asks for more elements than the limit allows.
        if (r.nextBoolean()) {
          byte[] content = new byte[maxMessageBytes + 4 * r.nextInt(1000)];
          yield request(model, signature, int32(content.length / 4 / seqLen, seqLen)
              .setTensorContent(ByteString.copyFrom(content)).build(), ids(1)).build().toByteArray();
        }
        yield request(model, signature, int32(1L << 20, 1L << 20).addIntVal(1).build(), ids(1)).build()
            .toByteArray();
      }
      case GARBAGE -> {
        byte[] b = new byte[1 + r.nextInt(2000)];
        r.nextBytes(b);
        yield b;
      }
    };
    return send(channel, message);
  }

  private static Outcome send(ManagedChannel channel, byte[] message) {
    try {
      ClientCalls.blockingUnaryCall(channel, RAW_PREDICT, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS),
          message);
      return Outcome.OK;
    } catch (StatusRuntimeException e) {
      return outcome(e.getStatus());
    }
  }

  /** A status as an outcome: UNAVAILABLE is load shed when the server says it, lost when the connection failed. */
  static Outcome outcome(Status s) {
    return switch (s.getCode()) {
      case OK -> Outcome.OK;
      case INVALID_ARGUMENT, NOT_FOUND, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, OUT_OF_RANGE -> Outcome.REFUSED;
      case UNAVAILABLE -> s.getCause() == null ? Outcome.OVERLOADED : Outcome.LOST;
      case CANCELLED -> Outcome.LOST;
      default -> Outcome.FAILED;
    };
  }

  /**
   * A slow client as far as gRPC has one: its own connection with a Predict stream that sends its headers and never
   * its message, so the call never completes. HTTP/2 carries whole frames and grpc-java sends a message at once,
   * so there is no byte-by-byte trickle as over REST; the open stream is what a stalled gRPC client leaves on a
   * server. Every {@code intervalMs} it checks the stream and opens another if the server ended it.
   */
  @Override
  public AutoCloseable stall(long intervalMs) {
    ManagedChannel own = open(port);
    Thread t = new Thread(() -> {
      ClientCall<byte[], byte[]> call = null;
      AtomicBoolean ended = new AtomicBoolean(true);
      try {
        while (!Thread.currentThread().isInterrupted()) {
          if (ended.getAndSet(false)) {
            call = own.newCall(RAW_PREDICT, CallOptions.DEFAULT);
            call.start(new ClientCall.Listener<>() {
              @Override
              public void onClose(Status status, Metadata trailers) {
                ended.set(true);
              }
            }, new Metadata());
            call.request(1);
          }
          Thread.sleep(intervalMs);
        }
      } catch (InterruptedException e) {
        // let go
      } finally {
        if (call != null) {
          call.cancel("slow client let go", null);
        }
      }
    }, "slow-grpc-client");
    t.setDaemon(true);
    t.start();
    return () -> {
      t.interrupt();
      t.join(10_000);
      own.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    };
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  /** Bytes as they are: the marshaller of {@link #RAW_PREDICT}. */
  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
