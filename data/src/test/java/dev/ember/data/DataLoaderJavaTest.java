package dev.ember.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ember.tensor.Tensor;
import org.junit.jupiter.api.Test;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The loader as Java code sees it: a builder, for-each, try-with-resources iterators and streams. */
class DataLoaderJavaTest {

    private static final TensorDataset DATA = new TensorDataset(Tensor.arange(10), Tensor.arange(10).mul(2L));

    @Test
    void forEachVisitsEveryBatchInOrder() {
        DataLoader<List<Tensor>> loader = DataLoader.builder(DATA).batchSize(4).workers(2).build();
        List<Long> seen = new ArrayList<>();
        for (Batch batch : loader) {
            for (long value : batch.getInputs().toLongArray()) seen.add(value);
            assertEquals(batch.getInputs().mul(2L).sum().item(), batch.getTargets().sum().item());
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), seen);
        assertEquals(3, loader.getSize());
    }

    @Test
    void streamCountsSamplesAndClosesTheEpoch() {
        DataLoader<List<Tensor>> loader = DataLoader.builder(DATA).batchSize(3).shuffle(true).seed(7).dropLast(true).workers(2).build();
        try (var batches = loader.stream()) {
            assertEquals(9, batches.mapToInt(Batch::getSize).sum());
        }
    }

    @Test
    void closingAnIteratorEarlyStopsTheEpoch() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            DataLoader<List<Tensor>> loader = DataLoader.builder(DATA).batchSize(1).workers(2).prefetch(1).build();
            try (BatchIterator batches = loader.iterator()) {
                assertEquals(0L, batches.next().getInputs().toLongArray()[0]);
            }
        });
    }

    @Test
    void aWorkerFailureIsThrownWithItsCause() {
        Dataset<Long> failing = new Dataset<>() {
            @Override public int getSize() { return 4; }
            @Override public Long get(int index) { throw new IllegalStateException("unreadable sample " + index); }
        };
        DataLoader<Long> loader = DataLoader.builder(failing).batchSize(2).workers(2).build();
        DataLoaderException error = assertThrows(DataLoaderException.class, () -> loader.iterator().forEachRemaining(batch -> { }));
        assertInstanceOf(IllegalStateException.class, error.getCause());
        assertFalse(error.getMessage().isEmpty());
    }

    @Test
    void transformsComposeFromJava() {
        Transform<Tensor, Tensor> pipeline = Transforms.compose(Transforms.normalize(1.0, 2.0), Transforms.randomHorizontalFlip(1.0));
        assertEquals(List.of(0.5f, -1f), toList(pipeline.apply(Tensor.of(new float[] {-1f, 2f}, 1, 1, 2)).toFloatArray()));
    }

    private static List<Float> toList(float[] values) {
        List<Float> list = new ArrayList<>();
        for (float v : values) list.add(v);
        return list;
    }
}
