package dev.trm.serving;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * TF Serving's gRPC API ({@code tensorflow.serving.PredictionService} and {@code ModelService}) on grpc-java's
 * Netty server, answering through the same {@link Predictor} as the REST API. Calls run on a fixed pool of
 * threads; a message is at most {@code maxMessageBytes}, and one that does not parse is INVALID_ARGUMENT.
 */
public final class GrpcServer implements AutoCloseable {
  /**
   * grpc-java logs every message it refuses before a call starts (over the size limit, say) with a stack trace; the
   * client already has its RESOURCE_EXHAUSTED, so the server log keeps only severe messages of that class. Held here
   * so the level is not lost with a collected logger.
   */
  private static final Logger REFUSED_FRAMES = quiet("io.grpc.netty.shaded.io.grpc.netty.NettyServerStream");

  private final Server server;
  private final ExecutorService calls;

  private GrpcServer(Server server, ExecutorService calls) {
    this.server = server;
    this.calls = calls;
  }

  /** Listens on {@code host:port} (port 0 = any free port). */
  public static GrpcServer start(Predictor predictor, String host, int port, int threads, int maxMessageBytes) {
    ExecutorService calls = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "trm-serve-grpc");
      t.setDaemon(true);
      return t;
    });
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
        .executor(calls)
        .maxInboundMessageSize(maxMessageBytes)
        .addService(UnparseableRequests.refused(new GrpcPredictionService(predictor, maxMessageBytes).bindService()))
        .addService(UnparseableRequests.refused(new GrpcModelService(predictor).bindService()))
        .build();
    try {
      server.start();
    } catch (IOException e) {
      calls.shutdownNow();
      throw new UncheckedIOException("cannot listen on " + host + ":" + port + " (gRPC): " + e.getMessage(), e);
    }
    return new GrpcServer(server, calls);
  }

  /** The port actually bound. */
  public int port() {
    return server.getPort();
  }

  /** Stops accepting calls, lets running ones finish for up to 5 s, then cancels the rest. */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    calls.shutdownNow();
  }

  private static Logger quiet(String name) {
    Logger logger = Logger.getLogger(name);
    logger.setLevel(Level.SEVERE);
    return logger;
  }
}
