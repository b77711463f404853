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
    private static List<Chunk> chunks(int count) {
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            chunks.add(new Chunk("key-" + i, new Line(i, 0L, "t", new byte[0])));
        }
        return chunks;
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
