package dev.ember.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class GradModeTest {

    @Test
    void noGradRecordsNothing() {
        Scalar x = Scalar.parameter(2);
        Scalar y;
        try (var guard = GradMode.noGrad()) {
            y = x.mul(3).exp();
        }
        assertNull(y.gradFn());
        assertFalse(y.requiresGrad());
        assertEquals(Math.exp(6), y.value(), 1e-9);
        assertTrue(GradMode.isEnabled());
    }

    @Test
    void enableGradInsideNoGradRecords() {
        Scalar x = Scalar.parameter(2);
        try (var off = GradMode.noGrad()) {
            Scalar y;
            try (var on = GradMode.enableGrad()) {
                y = x.mul(3);
            }
            assertNotNull(y.gradFn());
            assertFalse(GradMode.isEnabled());
            y.backward();
        }
        assertEquals(3, x.grad().value(), 1e-12);
    }

    @Test
    void nestedGuardsRestoreThePreviousMode() {
        assertTrue(GradMode.isEnabled());
        try (var outer = GradMode.noGrad()) {
            try (var middle = GradMode.enableGrad()) {
                try (var inner = GradMode.noGrad()) {
                    assertFalse(GradMode.isEnabled());
                }
                assertTrue(GradMode.isEnabled());
            }
            assertFalse(GradMode.isEnabled());
        }
        assertTrue(GradMode.isEnabled());
    }

    @Test
    void closingAGuardTwiceRestoresOnlyOnce() {
        GradMode.Guard outer = GradMode.noGrad();
        GradMode.Guard inner = GradMode.enableGrad();
        inner.close();
        GradMode.Guard third = GradMode.enableGrad();
        inner.close();
        assertTrue(GradMode.isEnabled());
        third.close();
        outer.close();
        assertTrue(GradMode.isEnabled());
    }

    @Test
    void gradModeIsThreadLocal() throws InterruptedException {
        Scalar x = Scalar.parameter(2);
        AtomicReference<Scalar> fromOtherThread = new AtomicReference<>();
        AtomicReference<Boolean> enabledThere = new AtomicReference<>();
        try (var guard = GradMode.noGrad()) {
            Thread other = new Thread(() -> {
                enabledThere.set(GradMode.isEnabled());
                fromOtherThread.set(x.mul(4));
            });
            other.start();
            other.join();
            assertFalse(GradMode.isEnabled());
            assertNull(x.mul(4).gradFn());
        }
        assertTrue(enabledThere.get());
        assertNotNull(fromOtherThread.get().gradFn());
        fromOtherThread.get().backward();
        assertEquals(4, x.grad().value(), 1e-12);
    }

    @Test
    void inferenceModeDisablesRecordingAndSetsItsFlag() {
        Scalar x = Scalar.parameter(2);
        assertFalse(GradMode.isInferenceMode());
        try (var inference = GradMode.inferenceMode()) {
            assertTrue(GradMode.isInferenceMode());
            assertFalse(GradMode.isEnabled());
            assertNull(x.exp().gradFn());
            try (var off = GradMode.noGrad()) {
                assertTrue(GradMode.isInferenceMode());
            }
        }
        assertFalse(GradMode.isInferenceMode());
        assertTrue(GradMode.isEnabled());
    }

    @Test
    void setEnabledSwitchesRecording() {
        Scalar x = Scalar.parameter(2);
        GradMode.setEnabled(false);
        try {
            assertNull(x.exp().gradFn());
        } finally {
            GradMode.setEnabled(true);
        }
        assertNotNull(x.exp().gradFn());
    }

    @Test
    void backwardRunsWithGradModeMatchingCreateGraph() {
        Scalar x = Scalar.parameter(2);
        Scalar y = x.exp();
        List<Boolean> modes = new ArrayList<>();
        y.gradFn().registerHook((in, out) -> { modes.add(GradMode.isEnabled()); return null; });
        y.backward(true, false);
        y.backward(true, true);
        try (var off = GradMode.noGrad()) {
            y.backward(true, true);
        }
        assertEquals(List.of(false, true, true), modes);
        assertTrue(GradMode.isEnabled());
    }

    @Test
    void failingBackwardRestoresGradMode() {
        Scalar x = Scalar.parameter(2);
        Scalar y = x.exp();
        y.backward();
        assertThrows(IllegalStateException.class, y::backward);
        assertTrue(GradMode.isEnabled());
    }
}
