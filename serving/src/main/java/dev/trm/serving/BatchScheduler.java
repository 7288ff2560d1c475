package dev.trm.serving;

import dev.trm.serving.config.BatchingParameters;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Server-side batching ({@code --enable_batching}): concurrent requests for the same servable and signature are
 * stacked along dimension 0 into one Session.run, as TF Serving's batching session does. A batch closes when it
 * holds {@code max_batch_size} rows or its first request has waited {@code batch_timeout_micros}; it is padded to
 * the next of {@code allowed_batch_sizes} when those are set. At most {@code max_enqueued_batches} batches' worth
 * of rows wait; beyond that a request is refused with UNAVAILABLE (HTTP 503) instead of growing memory. A request
 * with more rows than {@code max_batch_size} is refused with TF Serving's INVALID_ARGUMENT. A worker survives
 * anything a batch throws, {@link Error}s included: the batch's requests fail, the next batch runs.
 */
final class BatchScheduler implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(BatchScheduler.class.getName());

  /** Runs one set of inputs (a batch or a lone request) through the model. */
  @FunctionalInterface
  interface Runner {
    Map<String, HostTensor> run(Map<String, HostTensor> inputs);
  }

  private final int maxBatch;
  private final long timeoutNanos;
  private final long maxQueuedRows;
  private final long[] allowedSizes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Task> queue = new ArrayDeque<>();
  private final List<Thread> workers = new ArrayList<>();
  private long queuedRows;
  private boolean closed;

  private static final class Task {
    final Object key;
    final Runner runner;
    final Map<String, HostTensor> inputs;
    final int rows;
    final long enqueuedNanos = System.nanoTime();
    final CompletableFuture<Map<String, HostTensor>> result = new CompletableFuture<>();

    Task(Object key, Runner runner, Map<String, HostTensor> inputs, int rows) {
      this.key = key;
      this.runner = runner;
      this.inputs = inputs;
      this.rows = rows;
    }

    boolean joins(Task first) {
      if (!key.equals(first.key)) {
        return false;
      }
      for (Map.Entry<String, HostTensor> e : inputs.entrySet()) {
        if (!e.getValue().sameRowShape(first.inputs.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
  }

  BatchScheduler(BatchingParameters p) {
    maxBatch = (int) valueOr(p.hasMaxBatchSize(), p.getMaxBatchSize().getValue(), 64);
    timeoutNanos = TimeUnit.MICROSECONDS.toNanos(valueOr(p.hasBatchTimeoutMicros(), p.getBatchTimeoutMicros().getValue(), 0));
    maxQueuedRows = valueOr(p.hasMaxEnqueuedBatches(), p.getMaxEnqueuedBatches().getValue(), 16) * maxBatch;
    allowedSizes = p.getAllowedBatchSizesList().stream().mapToLong(Long::longValue).toArray();
    if (maxBatch < 1 || maxQueuedRows < 1) {
      throw new IllegalArgumentException("batching parameters: max_batch_size and max_enqueued_batches must be >= 1");
    }
    for (int i = 0; i < allowedSizes.length; i++) {
      if ((i > 0 && allowedSizes[i] <= allowedSizes[i - 1]) || allowedSizes[i] < 1) {
        throw new IllegalArgumentException("batching parameters: allowed_batch_sizes must increase");
      }
    }
    if (allowedSizes.length > 0 && allowedSizes[allowedSizes.length - 1] != maxBatch) {
      throw new IllegalArgumentException("batching parameters: the last allowed_batch_sizes entry must equal "
          + "max_batch_size " + maxBatch);
    }
    if (p.getPadVariableLengthInputs()) {
      throw new IllegalArgumentException("batching parameters: pad_variable_length_inputs is not supported");
    }
    int threads = (int) valueOr(p.hasNumBatchThreads(), p.getNumBatchThreads().getValue(), 1);
    for (int i = 0; i < Math.max(1, threads); i++) {
      Thread t = new Thread(this::work, "batch-" + i);
      t.setDaemon(true);
      t.start();
      workers.add(t);
    }
  }

  private static long valueOr(boolean has, long value, long fallback) {
    return has ? value : fallback;
  }

  /**
   * Runs {@code inputs} as part of a batch of requests with an equal {@code key} (one model version and signature)
   * and returns this request's rows of every output. Inputs whose dimension 0 differ run on their own; a request
   * larger than a batch is refused.
   */
  Map<String, HostTensor> run(Object key, Map<String, HostTensor> inputs, Runner runner, long timeoutMs) {
    int rows = commonRows(inputs);
    checkTaskSize(rows, maxBatch);
    if (rows < 1) {
      return runner.run(inputs);
    }
    Task task = new Task(key, runner, inputs, rows);
    lock.lock();
    try {
      if (queuedRows + rows > maxQueuedRows || closed) {
        throw new ServingException(ServingException.Code.UNAVAILABLE,
            "The batch scheduling queue to which this session object feeds is full (" + queuedRows
                + " rows waiting; max_enqueued_batches x max_batch_size = " + maxQueuedRows + ")");
      }
      queue.addLast(task);
      queuedRows += rows;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      return timeoutMs > 0 ? task.result.get(timeoutMs, TimeUnit.MILLISECONDS) : task.result.get();
    } catch (TimeoutException e) {
      task.result.cancel(false);
      throw new ServingException(ServingException.Code.DEADLINE_EXCEEDED,
          "Deadline exceeded: no result within " + timeoutMs + " ms");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof ServingException s ? s : ServingException.internal();
    } catch (InterruptedException | CancellationException e) {
      Thread.currentThread().interrupt();
      throw new ServingException(ServingException.Code.UNAVAILABLE, "request cancelled");
    }
  }

  /**
   * Refuses a request of more than {@code limit} rows with TF Serving's message (its batch queue's check), so one
   * request cannot make one huge Session.run; batching or not, the same rule and words apply.
   */
  static void checkTaskSize(int rows, int limit) {
    if (rows > limit) {
      throw ServingException.invalidArgument("Task size " + rows + " is larger than maximum input batch size "
          + limit);
    }
  }

  /** The shared dimension 0 of every input, or -1 if they differ or one is a scalar. */
  static int commonRows(Map<String, HostTensor> inputs) {
    long rows = -1;
    for (HostTensor t : inputs.values()) {
      if (t.shape().length == 0 || (rows >= 0 && t.shape()[0] != rows)) {
        return -1;
      }
      rows = t.shape()[0];
    }
    return (int) rows;
  }

  private void work() {
    while (true) {
      List<Task> batch = nextBatch();
      if (batch == null) {
        return;
      }
      runBatch(batch);
    }
  }

  /** Waits for a first task, then until the batch is full or the first task's timeout passes. */
  private List<Task> nextBatch() {
    lock.lock();
    try {
      while (true) {
        if (closed) {
          return null;
        }
        Task first = queue.peekFirst();
        if (first == null) {
          changed.awaitUninterruptibly();
          continue;
        }
        long wait = first.enqueuedNanos + timeoutNanos - System.nanoTime();
        if (wait > 0 && compatibleRows(first) < maxBatch) {
          changed.awaitNanos(wait);
          continue;
        }
        List<Task> batch = new ArrayList<>();
        int rows = 0;
        for (Iterator<Task> it = queue.iterator(); it.hasNext(); ) {
          Task t = it.next();
          if (t.joins(first) && rows + t.rows <= maxBatch) {
            it.remove();
            queuedRows -= t.rows;
            if (!t.result.isCancelled()) {
              batch.add(t);
              rows += t.rows;
            }
          }
        }
        if (!batch.isEmpty()) {
          return batch;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      lock.unlock();
    }
  }

  private int compatibleRows(Task first) {
    int rows = 0;
    for (Task t : queue) {
      if (t.joins(first)) {
        rows += t.rows;
      }
    }
    return rows;
  }

  private void runBatch(List<Task> batch) {
    Task first = batch.get(0);
    int rows = batch.stream().mapToInt(t -> t.rows).sum();
    int padded = paddedSize(rows);
    try {
      Map<String, HostTensor> inputs = new LinkedHashMap<>();
      for (String name : first.inputs.keySet()) {
        inputs.put(name, HostTensor.concatRows(batch.stream().map(t -> t.inputs.get(name)).toList(), padded - rows));
      }
      Map<String, HostTensor> outputs = first.runner.run(inputs);
      for (Map.Entry<String, HostTensor> e : outputs.entrySet()) {
        if (e.getValue().shape().length == 0 || e.getValue().shape()[0] != padded) {
          throw new ServingException(ServingException.Code.FAILED_PRECONDITION, "Batched output tensor '"
              + e.getKey() + "' has 0th dimension " + (e.getValue().shape().length == 0 ? "none"
              : e.getValue().shape()[0]) + " but the batch has " + padded + " rows: this signature cannot be batched");
        }
      }
      int at = 0;
      for (Task t : batch) {
        Map<String, HostTensor> mine = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : outputs.entrySet()) {
          mine.put(e.getKey(), e.getValue().sliceRows(at, at + t.rows));
        }
        at += t.rows;
        t.result.complete(mine);
      }
    } catch (ServingException e) {
      batch.forEach(t -> t.result.completeExceptionally(e));
    } catch (RuntimeException | Error e) {
      // Anything else (an OutOfMemoryError included) fails this batch only: the worker lives on for the next.
      LOG.log(Level.SEVERE, "batch of " + rows + " rows failed", e);
      ServingException failed = ServingException.internal();
      batch.forEach(t -> t.result.completeExceptionally(failed));
    }
  }

  private int paddedSize(int rows) {
    for (long s : allowedSizes) {
      if (s >= rows) {
        return (int) s;
      }
    }
    return rows;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      queue.forEach(t -> t.result.completeExceptionally(
          new ServingException(ServingException.Code.UNAVAILABLE, "server shutting down")));
      queue.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
