package io.streamlab.connect.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.junit.jupiter.api.Test;

class UploadsTest {
    /** {@code count} partitions of one chunk each. */
    private static List<List<Chunk>> chunks(int count) {
        List<List<Chunk>> partitions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            partitions.add(List.of(new Chunk("key-" + i, new Line(i, 0L, "t", new byte[0]))));
        }
        return partitions;
    }

    @Test
    void uploadsSideBySideAndReturnsWhenAllEnded() {
        CountDownLatch allStarted = new CountDownLatch(4);
        Set<String> done = ConcurrentHashMap.newKeySet();
        try (Uploads uploads = new Uploads(4)) {
            uploads.each(chunks(4), chunk -> {
                allStarted.countDown();
                try { // only returns if the four run at the same time
                    assertTrue(allStarted.await(5, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                done.add(chunk.key());
            });
        }
        assertEquals(4, done.size());
    }

    @Test
    void aPermanentFailureWinsOverARetriableOne() {
        CountDownLatch bothStarted = new CountDownLatch(2);
        try (Uploads uploads = new Uploads(4)) {
            ConnectException thrown = assertThrows(ConnectException.class, () -> uploads.each(chunks(2), chunk -> {
                bothStarted.countDown();
                try {
                    bothStarted.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw chunk.key().equals("key-0") ? new RetriableException("busy") : new ConnectException("HTTP 403");
            }));
            assertEquals("HTTP 403", thrown.getMessage());
        }
    }

    @Test
    void afterAFailureUploadsNotStartedAreSkipped() {
        AtomicInteger attempts = new AtomicInteger();
        try (Uploads uploads = new Uploads(2)) {
            assertThrows(RetriableException.class, () -> uploads.each(chunks(50), chunk -> {
                attempts.incrementAndGet();
                try { // a refused upload takes a moment: time enough to skip the rest
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new RetriableException("store down");
            }));
        }
        assertTrue(attempts.get() < 50, attempts.get() + " of 50 uploads were tried against a store that is down");
    }

    @Test
    void aPartitionsChunksGoInOrderAndStopAtItsFirstFailure() {
        List<String> tried = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Chunk> partition = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            partition.add(new Chunk("p0-" + i, new Line(i, 0L, "t", new byte[0])));
        }
        try (Uploads uploads = new Uploads(4)) {
            assertThrows(RetriableException.class, () -> uploads.each(List.of(partition, List.of()), chunk -> {
                tried.add(chunk.key());
                if (chunk.key().equals("p0-1")) {
                    throw new RetriableException("busy");
                }
            }));
        }
        assertEquals(List.of("p0-0", "p0-1"), tried);
    }

    @Test
    void aFailureReturnsOnlyOnceTheUploadsStillRunningEnded() {
        Set<String> done = ConcurrentHashMap.newKeySet();
        CountDownLatch slowStarted = new CountDownLatch(1);
        try (Uploads uploads = new Uploads(4)) {
            assertThrows(RetriableException.class, () -> uploads.each(chunks(2), chunk -> {
                if (chunk.key().equals("key-0")) {
                    try { // fail only once the other upload is under way
                        slowStarted.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new RetriableException("busy");
                }
                slowStarted.countDown();
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                done.add(chunk.key());
            }));
            assertEquals(Set.of("key-1"), done, "each() returned while an upload was still running");
        }
    }

    @Test
    void oneThreadUploadsInOrderAndStopsAtTheFirstFailure() {
        List<String> tried = new ArrayList<>();
        try (Uploads uploads = new Uploads(1)) {
            assertThrows(RetriableException.class, () -> uploads.each(chunks(3), chunk -> {
                tried.add(chunk.key());
                if (chunk.key().equals("key-1")) {
                    throw new RetriableException("busy");
                }
            }));
        }
        assertEquals(List.of("key-0", "key-1"), tried);
    }
}
