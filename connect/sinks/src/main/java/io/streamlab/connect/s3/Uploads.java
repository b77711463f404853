package io.streamlab.connect.s3;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;

/**
 * Uploads the partitions' chunks side by side, each partition's in order. At 1,000 records/s and 10
 * records per object the sink writes 100 objects a second; one PUT at a time (a few ms each) could
 * not keep up, and records waited in the task for seconds. Within a partition an object is written
 * only once the ones before it are final, so a reader that lists a partition from its newest key on
 * (the console, verify) never misses a record. Every call returns only when each upload it started
 * has ended, so what {@link PartitionBuffer#committableOffset()} says stays true. After a failure,
 * partitions not started yet are skipped (a store that is down is not asked again and again) and
 * the failure is thrown: a permanent one before a retriable one.
 */
final class Uploads implements AutoCloseable {
    private final ExecutorService pool;

    /** {@code threads} = 1 uploads on the caller's thread, one after another. */
    Uploads(int threads) {
        AtomicInteger number = new AtomicInteger();
        this.pool = threads <= 1 ? null : Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "s3-upload-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Runs {@code upload} for every chunk of every partition, a partition's in order and stopping at
     * its first failure; throws the worst {@link ConnectException} once all ended.
     */
    void each(List<List<Chunk>> partitions, Consumer<Chunk> upload) {
        if (pool == null || partitions.size() < 2) {
            partitions.forEach(chunks -> chunks.forEach(upload)); // the first failure ends the call
            return;
        }
        List<Future<?>> started = new ArrayList<>();
        partitions.forEach(chunks -> started.add(pool.submit(() -> chunks.forEach(upload))));
        ConnectException failure = null;
        for (Future<?> future : started) {
            ConnectException thrown = outcome(future);
            if (thrown != null) {
                started.forEach(other -> other.cancel(false)); // those not started yet never start
                failure = worse(failure, thrown);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static ConnectException outcome(Future<?> future) {
        try {
            future.get();
            return null;
        } catch (java.util.concurrent.CancellationException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RetriableException("interrupted while uploading to S3", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConnectException connect) {
                return connect;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new ConnectException(e.getCause());
        }
    }

    private static ConnectException worse(ConnectException kept, ConnectException thrown) {
        if (kept == null || (kept instanceof RetriableException && !(thrown instanceof RetriableException))) {
            return thrown;
        }
        return kept;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
