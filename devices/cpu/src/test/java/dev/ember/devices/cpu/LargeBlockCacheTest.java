package dev.ember.devices.cpu;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LargeBlockCacheTest {

    /** Kept in this order: 1 MiB at 0x1000, 2 MiB at 0x2000, 1 MiB at 0x3000. */
    private static LargeBlockCache threeBlocks() {
        LargeBlockCache cache = new LargeBlockCache();
        cache.keep(0x1000, 1 << 20);
        cache.keep(0x2000, 2 << 20);
        cache.keep(0x3000, 1 << 20);
        return cache;
    }

    @Test
    void takeHandsOutTheMostRecentlyKeptBlockOfExactlyThatSize() {
        LargeBlockCache cache = threeBlocks();
        assertEquals(0x3000, cache.take(1 << 20));
        assertEquals(0x1000, cache.take(1 << 20));
        assertEquals(0, cache.take(1 << 20));
        assertEquals(0, cache.take(3 << 20));
        assertEquals(2 << 20, cache.keptBytes());
        assertEquals(0x2000, cache.take(2 << 20));
        assertEquals(0, cache.keptBytes());
        assertEquals(0, cache.keptBlocks());
    }

    @Test
    void evictionGoesFromTheLeastRecentlyKeptWhateverItsSize() {
        LargeBlockCache cache = threeBlocks();
        assertEquals(1 << 20, cache.oldestByteSize());
        assertEquals(0x1000, cache.evictOldest());
        assertEquals(0x3000, cache.take(1 << 20), "the newer block of the evicted one's size is still kept");
        assertEquals(0x2000, cache.evictOldest());
        assertEquals(0, cache.evictOldest());
        assertEquals(0, cache.oldestByteSize());
    }

    @Test
    void randomKeepsTakesAndEvictionsMatchAPlainListModel() {
        // The model: one list in keeping order; take = the last of that size, evict = the first.
        Random random = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            LargeBlockCache cache = new LargeBlockCache();
            List<long[]> model = new ArrayList<>();
            long nextAddress = 0x10000;
            for (int step = 0; step < 2_000; step++) {
                long size = (1 + random.nextInt(4)) << 20;
                int action = random.nextInt(3);
                if (action == 0) {
                    cache.keep(nextAddress, size);
                    model.add(new long[] {nextAddress, size});
                    nextAddress += 64;
                } else if (action == 1) {
                    long expected = 0;
                    for (int i = model.size() - 1; i >= 0; i--) {
                        if (model.get(i)[1] == size) {
                            expected = model.remove(i)[0];
                            break;
                        }
                    }
                    assertEquals(expected, cache.take(size), "take " + size + " at step " + step);
                } else {
                    long expected = model.isEmpty() ? 0 : model.remove(0)[0];
                    assertEquals(expected, cache.evictOldest(), "evict at step " + step);
                }
                long total = 0;
                for (long[] block : model) total += block[1];
                assertEquals(total, cache.keptBytes());
                assertEquals(model.size(), cache.keptBlocks());
            }
        }
    }
}
