package io.streamlab.connect.s3;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * has ended, also when one failed, so what {@link PartitionBuffer#committableOffset()} says stays
 * true and no late upload overwrites an object with fewer records. After a failure, chunks not
 * started yet are skipped (a store that is down is not asked again and again) and the failure is
 * thrown: a permanent one before a retriable one.
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
     * Runs {@code upload} for every chunk of every partition, a partition's in order; once one fails,
     * chunks not started yet are skipped. Returns, or throws the worst failure, only when every
     * upload started has ended: none may still write an object the caller believes final.
     */
    void each(List<List<Chunk>> partitions, Consumer<Chunk> upload) {
        if (pool == null || partitions.size() < 2) {
            partitions.forEach(chunks -> chunks.forEach(upload)); // the first failure ends the call
            return;
        }
        AtomicBoolean failed = new AtomicBoolean();
        List<Future<?>> started = new ArrayList<>();
        for (List<Chunk> chunks : partitions) {
            started.add(pool.submit(() -> uploadInOrder(chunks, upload, failed)));
        }
        Throwable failure = null;
        boolean interrupted = false;
        for (Future<?> future : started) {
            while (true) {
                try {
                    future.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // keep waiting: an upload still running must end first
                } catch (ExecutionException e) {
                    failure = worse(failure, e.getCause());
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        rethrow(failure);
    }

    private static void uploadInOrder(List<Chunk> chunks, Consumer<Chunk> upload, AtomicBoolean failed) {
        for (Chunk chunk : chunks) {
            if (failed.get()) {
                return; // a store that failed is not asked again and again
            }
            try {
                upload.accept(chunk);
            } catch (RuntimeException | Error e) {
                failed.set(true);
                throw e;
            }
        }
    }

    /** Anything but a ConnectException first (a bug), then a permanent failure, then a retriable one. */
    private static Throwable worse(Throwable kept, Throwable thrown) {
        return rank(thrown) > rank(kept) ? thrown : kept;
    }

    private static int rank(Throwable failure) {
        if (failure == null) {
            return 0;
        }
        if (failure instanceof RetriableException) {
            return 1;
        }
        return failure instanceof ConnectException ? 2 : 3;
    }

    private static void rethrow(Throwable failure) {
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure != null) {
            throw new ConnectException(failure);
        }
    }

    /** Waits a bounded time for uploads still running (none should be: {@link #each} waits for all). */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
            try {
                pool.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pool.shutdownNow();
        }
    }
}
