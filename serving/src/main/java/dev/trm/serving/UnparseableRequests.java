package dev.trm.serving;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.InputStream;

/**
 * Makes a service answer INVALID_ARGUMENT to a request message that does not parse (random bytes, a cut message,
 * nesting past protobuf's limit). grpc-java itself turns a failed parse into UNKNOWN "Application error processing
 * RPC" and logs it as a server failure; here the failure becomes a value the call answers, naming the message type.
 */
final class UnparseableRequests {
  private UnparseableRequests() {}

  /** A request to {@code method} that did not parse. */
  private record Unparseable(String method) {}

  /** {@code service} with every method's requests parsed this way. */
  static ServerServiceDefinition refused(ServerServiceDefinition service) {
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
    service.getMethods().forEach(m -> b.addMethod(refused(m)));
    return b.build();
  }

  @SuppressWarnings("unchecked")  // the call's request type is erased: the handler only passes messages on
  private static <Q, R> ServerMethodDefinition<Object, R> refused(ServerMethodDefinition<Q, R> method) {
    MethodDescriptor<Q, R> d = method.getMethodDescriptor();
    String type = d.getFullMethodName();
    MethodDescriptor.Marshaller<Q> inner = d.getRequestMarshaller();
    MethodDescriptor.Marshaller<Object> lenient = new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(Object value) {
        return inner.stream((Q) value);
      }

      @Override
      public Object parse(InputStream stream) {
        try {
          return inner.parse(stream);
        } catch (RuntimeException e) {
          return new Unparseable(type);
        }
      }
    };
    MethodDescriptor<Object, R> lenientMethod = d.toBuilder(lenient, d.getResponseMarshaller()).build();
    ServerCallHandler<Q, R> handler = method.getServerCallHandler();
    ServerCallHandler<Object, R> refusing = (call, headers) -> {
      ServerCall.Listener<Q> next = handler.startCall((ServerCall<Q, R>) (ServerCall<?, R>) call, headers);
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<Object>(
          (ServerCall.Listener<Object>) (ServerCall.Listener<?>) next) {
        private boolean refused;

        @Override
        public void onMessage(Object message) {
          if (message instanceof Unparseable u) {
            refused = true;
            call.close(Status.INVALID_ARGUMENT.withDescription("the request to " + u.method()
                + " is not a valid protobuf message"), new Metadata());
          } else {
            super.onMessage(message);
          }
        }

        @Override
        public void onHalfClose() {
          if (!refused) {
            super.onHalfClose();
          }
        }
      };
    };
    return ServerMethodDefinition.create(lenientMethod, refusing);
  }
}
