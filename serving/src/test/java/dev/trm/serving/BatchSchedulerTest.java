package dev.trm.serving;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Int64Value;
import dev.trm.serving.config.BatchingParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;

/** Batching with a stand-in model (doubles its input), so batch formation and its limits are seen directly. */
class BatchSchedulerTest {
  private static BatchingParameters params(long maxBatch, long timeoutMicros, long queuedBatches, long... allowed) {
    BatchingParameters.Builder b = BatchingParameters.newBuilder().setMaxBatchSize(Int64Value.of(maxBatch))
        .setBatchTimeoutMicros(Int64Value.of(timeoutMicros)).setMaxEnqueuedBatches(Int64Value.of(queuedBatches))
        .setNumBatchThreads(Int64Value.of(1));
    for (long a : allowed) {
      b.addAllowedBatchSizes(a);
    }
    return b.build();
  }

  private static Map<String, HostTensor> rows(int... values) {
    return Map.of("x", new HostTensor(DataType.DT_INT32, new long[] {values.length, 1}, values));
  }

  /** Doubles x; records the batch sizes it saw. */
  private static BatchScheduler.Runner doubling(List<Long> batches) {
    return in -> {
      int[] x = (int[]) in.get("x").values();
      batches.add(in.get("x").shape()[0]);
      int[] y = new int[x.length];
      for (int i = 0; i < x.length; i++) {
        y[i] = 2 * x[i];
      }
      return Map.of("y", new HostTensor(DataType.DT_INT32, in.get("x").shape(), y));
    };
  }

  @Test
  void concurrentRequestsShareOneRunAndGetTheirOwnRows() throws Exception {
    List<Long> batches = new CopyOnWriteArrayList<>();
    try (BatchScheduler s = new BatchScheduler(params(8, 2_000_000, 4))) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<Map<String, HostTensor>>> out = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        int v = i;
        out.add(pool.submit(() -> s.run("m", rows(v, 10 + v), doubling(batches), 10_000)));
      }
      for (int i = 0; i < 4; i++) {
        assertThat((int[]) out.get(i).get().get("y").values()).isEqualTo(new int[] {2 * i, 20 + 2 * i});
      }
      pool.shutdown();
    }
    // Eight rows fill the batch at once: one run, without waiting for the 2 s timeout.
    assertThat(batches).containsExactly(8L);
  }

  @Test
  void batchesArePaddedToTheNextAllowedSize() {
    List<Long> batches = new CopyOnWriteArrayList<>();
    try (BatchScheduler s = new BatchScheduler(params(8, 0, 4, 4, 8))) {
      assertThat((int[]) s.run("m", rows(1, 2, 3), doubling(batches), 10_000).get("y").values())
          .isEqualTo(new int[] {2, 4, 6});
    }
    assertThat(batches).containsExactly(4L);
  }

  @Test
  void aFullQueueIsRefusedWith503AndTheServerLivesOn() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Long> batches = new CopyOnWriteArrayList<>();
    BatchScheduler.Runner blocked = in -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return doubling(batches).run(in);
    };
    try (BatchScheduler s = new BatchScheduler(params(2, 0, 1))) {
      ExecutorService pool = Executors.newFixedThreadPool(2);
      // The first request occupies the batch thread; the second fills the queue (one batch of two rows).
      Future<?> running = pool.submit(() -> s.run("m", rows(1, 2), blocked, 30_000));
      Thread.sleep(300);
      Future<?> queued = pool.submit(() -> s.run("m", rows(3, 4), blocked, 30_000));
      Thread.sleep(300);
      ServingException e = assertThrows(ServingException.class, () -> s.run("m", rows(5), blocked, 30_000));
      assertThat(e.code()).isEqualTo(ServingException.Code.UNAVAILABLE);
      assertThat(e.code().httpStatus).isEqualTo(503);
      assertThat(e).hasMessageThat().contains("queue to which this session object feeds is full");
      release.countDown();
      running.get();
      queued.get();
      assertThat((int[]) s.run("m", rows(7), doubling(batches), 30_000).get("y").values()).isEqualTo(new int[] {14});
      pool.shutdown();
    }
  }

  @Test
  void outputsWithoutTheBatchDimensionFailEveryRequestOfTheBatch() {
    BatchScheduler.Runner scalar = in -> Map.of("y", new HostTensor(DataType.DT_INT32, new long[] {}, new int[] {1}));
    try (BatchScheduler s = new BatchScheduler(params(8, 0, 4))) {
      ServingException e = assertThrows(ServingException.class, () -> s.run("m", rows(1), scalar, 10_000));
      assertThat(e.code()).isEqualTo(ServingException.Code.FAILED_PRECONDITION);
      assertThat(e).hasMessageThat().contains("this signature cannot be batched");
    }
  }

  @Test
  void aSlowBatchMissesTheDeadline() {
    BatchScheduler.Runner slow = in -> {
      try {
        Thread.sleep(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return in;
    };
    try (BatchScheduler s = new BatchScheduler(params(8, 0, 4))) {
      ServingException e = assertThrows(ServingException.class, () -> s.run("m", rows(1), slow, 100));
      assertThat(e.code()).isEqualTo(ServingException.Code.DEADLINE_EXCEEDED);
    }
  }

  @Test
  void aRequestLargerThanABatchIsRefusedWithTfServingsMessage() {
    List<Long> batches = new CopyOnWriteArrayList<>();
    try (BatchScheduler s = new BatchScheduler(params(4, 0, 4))) {
      ServingException e = assertThrows(ServingException.class,
          () -> s.run("m", rows(1, 2, 3, 4, 5), doubling(batches), 10_000));
      assertThat(e.code().httpStatus).isEqualTo(400);
      assertThat(e).hasMessageThat().isEqualTo("Task size 5 is larger than maximum input batch size 4");
      assertThat((int[]) s.run("m", rows(1, 2, 3, 4), doubling(batches), 10_000).get("y").values())
          .isEqualTo(new int[] {2, 4, 6, 8});
    }
    assertThat(batches).containsExactly(4L);
  }

  @Test
  void aWorkerSurvivesAnErrorThrownByABatch() {
    List<Long> batches = new CopyOnWriteArrayList<>();
    BatchScheduler.Runner failing = in -> {
      throw new OutOfMemoryError("Java heap space");
    };
    // One batch thread: if the Error killed it, the second request would never be answered.
    try (BatchScheduler s = new BatchScheduler(params(8, 0, 4))) {
      ServingException e = assertThrows(ServingException.class, () -> s.run("m", rows(1), failing, 10_000));
      assertThat(e.code()).isEqualTo(ServingException.Code.INTERNAL);
      assertThat(e).hasMessageThat().doesNotContain("OutOfMemoryError");
      assertThat((int[]) s.run("m", rows(3), doubling(batches), 10_000).get("y").values()).isEqualTo(new int[] {6});
    }
  }

  @Test
  void badParametersAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new BatchScheduler(params(8, 0, 4, 4, 6)));
    assertThrows(IllegalArgumentException.class, () -> new BatchScheduler(params(8, 0, 4, 8, 4)));
    assertThrows(IllegalArgumentException.class, () -> new BatchScheduler(
        params(8, 0, 4).toBuilder().setPadVariableLengthInputs(true).build()));
  }
}
