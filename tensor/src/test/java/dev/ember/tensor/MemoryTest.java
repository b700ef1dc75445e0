package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.Backend;
import dev.ember.devices.BackendRegistry;
import dev.ember.devices.Device;
import org.junit.jupiter.api.Test;

/** Tensor memory: GC-backed freeing without manual frees, close(), scopes, and use after free. */
class MemoryTest {

    private static final long MB = 1L << 20;
    /** 1M float32 elements. */
    private static final long BIG = 1L << 20;

    private static Backend cpu() { return BackendRegistry.get(Device.CPU); }

    @Test
    void aLongTrainingLoopWithoutManualFreesStaysUnderTheAllocatorThreshold() {
        long threshold = Long.getLong("ember.cpu.gcThreshold", 256 * MB);
        Tensor scale = Tensor.scalar(1f).requiresGrad_(true);
        Tensor noise = Tensor.randn(64, 64);
        long peak = 0;
        for (int step = 0; step < 10_000; step++) {
            // a fresh 64x64 tensor per step, cheaper to make than randn's 4096 normal samples
            Tensor x = noise.mul(1 + step % 7);
            Tensor loss = x.matmul(x).relu().sum().mul(scale);
            loss.backward();
            peak = Math.max(peak, cpu().liveBytes());
        }
        // each step allocates about 50 KB, so 500 MB in all: without cleaning the loop would pass the bound
        assertTrue(peak < threshold + 64 * MB, "peak live bytes " + peak + " with threshold " + threshold);
        assertNotNull(scale.grad());
    }

    @Test
    void aScopedTrainingStepReturnsLiveMemoryToWhereItStarted() {
        Tensor w = Tensor.randn(64, 64).requiresGrad_(true);
        Tensor x = Tensor.randn(64, 64);
        w.mul(1).sum().backward();   // the first gradient is allocated outside the loop
        long start = cpu().liveBytes();
        for (int step = 0; step < 200; step++) {
            Tensor previousGradient = w.grad();
            try (var scope = MemoryScope.open()) {
                x.matmul(w).relu().sum().backward();
            }
            // accumulation made a new gradient; freeing the old one by hand makes the step exactly flat
            previousGradient.close();
            assertTrue(cpu().liveBytes() <= start,
                    "step " + step + ": live " + cpu().liveBytes() + " started at " + start);
        }
    }

    @Test
    void aGradientNobodyWasHandedIsFreedAsSoonAsItIsDropped() {
        Tensor w = Tensor.zeros(BIG).requiresGrad_(true);
        Tensor x = Tensor.ones(BIG).mul(3);
        w.mul(x).sum().backward();
        long before = cpu().liveBytes();
        w.setGrad(null);   // what zeroGrad does
        assertTrue(before - cpu().liveBytes() >= 4 * BIG, "the 4 MB gradient is freed without a collection");
        w.mul(x).sum().backward();
        assertArrayEquals(new float[] {3, 3}, w.grad().narrow(0, 0, 2).toFloatArray(), 0f);
    }

    @Test
    void aGradientHandedOutStaysValidAfterItIsDropped() {
        Tensor w = Tensor.zeros(4).requiresGrad_(true);
        w.mul(Tensor.of(new float[] {1, 2, 3, 4})).sum().backward();
        Tensor handedOut = w.grad();
        w.setGrad(null);
        w.mul(Tensor.of(new float[] {5, 6, 7, 8})).sum().backward();
        assertFalse(handedOut.isClosed());
        assertArrayEquals(new float[] {1, 2, 3, 4}, handedOut.toFloatArray(), 0f);
        assertArrayEquals(new float[] {5, 6, 7, 8}, w.grad().toFloatArray(), 0f);
    }

    @Test
    void accumulatingIntoAGradientNobodyWasHandedFreesTheOldOne() {
        Tensor w = Tensor.zeros(BIG).requiresGrad_(true);
        Tensor x = Tensor.ones(BIG).mul(2);
        try (var scope = MemoryScope.open()) {
            w.mul(x).sum().backward();
        }
        long afterFirst = cpu().liveBytes();
        try (var scope = MemoryScope.open()) {   // frees the step's intermediates; the sum of the gradients survives
            w.mul(x).sum().backward();
        }
        assertTrue(cpu().liveBytes() <= afterFirst, "live " + cpu().liveBytes() + " after the first backward " + afterFirst);
        assertArrayEquals(new float[] {4, 4}, w.grad().narrow(0, 0, 2).toFloatArray(), 0f);
    }

    @Test
    void aGradientAssignedByTheUserIsNeverFreedByReplacingIt() {
        Tensor w = Tensor.zeros(3).requiresGrad_(true);
        Tensor mine = Tensor.of(new float[] {1, 2, 3});
        w.setGrad(mine);
        w.mul(2).sum().backward();   // accumulates into a new gradient
        w.setGrad(null);
        assertFalse(mine.isClosed());
        assertArrayEquals(new float[] {1, 2, 3}, mine.toFloatArray(), 0f);
    }

    @Test
    void closingATensorFreesItsMemoryAtOnce() {
        Tensor big = Tensor.zeros(BIG);
        long before = cpu().liveBytes();
        big.close();
        assertTrue(before - cpu().liveBytes() >= 4 * BIG, "liveBytes drops by the tensor's 4 MB");
        assertTrue(big.isClosed());
        var error = assertThrows(IllegalStateException.class, () -> big.add(1));
        assertTrue(error.getMessage().contains("closed"), error.getMessage());
        assertThrows(IllegalStateException.class, big::toFloatArray);
    }

    @Test
    void aScopeFreesEverythingMadeInsideItExceptWhatIsKept() {
        Tensor outside = Tensor.ones(4);
        Tensor kept;
        Tensor dropped;
        long beforeClose;
        MemoryScope scope = MemoryScope.open();
        try (scope) {
            dropped = Tensor.zeros(BIG).add(1);
            kept = scope.keep(Tensor.full(2.0, 4).mul(outside));
            assertTrue(scope.trackedCount() >= 2);
            beforeClose = cpu().liveBytes();
        }
        assertTrue(beforeClose - cpu().liveBytes() >= 2 * 4 * BIG, "both 4 MB intermediates are freed on close");
        assertTrue(scope.isClosed());
        assertTrue(dropped.isClosed());
        assertFalse(kept.isClosed());
        assertFalse(outside.isClosed(), "tensors made before the scope are not its business");
        assertArrayEquals(new float[] {2, 2, 2, 2}, kept.toFloatArray());
        var error = assertThrows(IllegalStateException.class, () -> dropped.mul(2));
        assertTrue(error.getMessage().contains("closed"), error.getMessage());
        assertThrows(IllegalStateException.class, () -> scope.keep(outside), "keep after close");
    }

    @Test
    void keptTensorsMoveToTheEnclosingScope() {
        Tensor inner;
        Tensor view;
        try (MemoryScope outer = MemoryScope.open()) {
            try (MemoryScope nested = MemoryScope.open()) {
                inner = nested.keep(Tensor.arange(6).reshape(2, 3));
                view = inner.select(0, 1);
            }
            assertFalse(inner.isClosed());
            assertArrayEquals(new long[] {3, 4, 5}, view.toLongArray());
        }
        assertTrue(inner.isClosed(), "the outer scope owned it after the nested one kept it");
        assertTrue(view.isClosed(), "views share their base's memory");
    }

    @Test
    void gradientsStoredIntoLeavesSurviveTheScope() {
        Tensor w = Tensor.of(new float[] {1, 2, 3}).requiresGrad_(true);
        for (int step = 0; step < 3; step++) {
            try (var scope = MemoryScope.open()) {
                Tensor loss = w.mul(w).sum();
                loss.backward();
            }
        }
        assertFalse(w.grad().isClosed());
        assertArrayEquals(new float[] {6, 12, 18}, w.grad().toFloatArray(), 1e-6f);
    }

    @Test
    void closingAScopeTwiceDoesNothingAndSkipsTensorsClosedByHand() {
        MemoryScope scope = MemoryScope.open();
        Tensor t = Tensor.zeros(8);
        t.close();
        scope.close();
        scope.close();
        assertTrue(t.isClosed());
    }
}
