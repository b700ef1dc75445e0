package dev.ember.autograd;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnomalyModeTest {

    @Test
    void nanGradientNamesTheNodeAndItsForwardCall() {
        Scalar x = Scalar.parameter(1);
        Scalar loss;
        try (var anomaly = AnomalyMode.enable()) {
            loss = nanBackward(x).mul(2);
            AnomalyException error = assertThrows(AnomalyException.class, loss::backward);
            assertTrue(error.getMessage().contains("'NanBackward' returned nan or inf values in its 0th output"),
                    error.getMessage());
            assertTrue(calledFrom(error.getCause(), "nanGradientNamesTheNodeAndItsForwardCall"));
            assertTrue(calledFrom(error.getCause(), "nanBackward"));
        }
        assertFalse(AnomalyMode.isEnabled());
        assertNull(x.grad());
    }

    @Test
    void infiniteGradientFromABuiltInOpIsCaught() {
        Scalar x = Scalar.parameter(0);
        try (var anomaly = AnomalyMode.enable()) {
            Scalar y = x.log();
            AnomalyException error = assertThrows(AnomalyException.class, y::backward);
            assertTrue(error.getMessage().contains("LogBackward"), error.getMessage());
            assertTrue(calledFrom(error.getCause(), "infiniteGradientFromABuiltInOpIsCaught"));
        }
    }

    @Test
    void withoutAnomalyModeNanFlowsThrough() {
        Scalar x = Scalar.parameter(1);
        Scalar loss = nanBackward(x).mul(2);
        assertNull(loss.gradFn().forwardTrace());
        assertDoesNotThrow(() -> loss.backward());
        assertTrue(Double.isNaN(x.grad().value()));
    }

    @Test
    void forwardBeforeAnomalyModeStillFailsButWithoutATrace() {
        Scalar x = Scalar.parameter(1);
        Scalar loss = nanBackward(x);
        try (var anomaly = AnomalyMode.enable()) {
            AnomalyException error = assertThrows(AnomalyException.class, loss::backward);
            assertNull(error.getCause());
            assertTrue(error.getMessage().contains("before anomaly mode was enabled"), error.getMessage());
        }
    }

    @Test
    void nestedEnableRestoresThePreviousSetting() {
        assertFalse(AnomalyMode.isEnabled());
        try (var outer = AnomalyMode.enable()) {
            try (var inner = AnomalyMode.enable()) {
                assertTrue(AnomalyMode.isEnabled());
            }
            assertTrue(AnomalyMode.isEnabled());
        }
        assertFalse(AnomalyMode.isEnabled());
    }

    @Test
    void closingAGuardTwiceRestoresOnlyOnce() {
        AnomalyMode.Guard first = AnomalyMode.enable();
        first.close();
        try (var second = AnomalyMode.enable()) {
            first.close();
            assertTrue(AnomalyMode.isEnabled());
        }
        assertFalse(AnomalyMode.isEnabled());
    }

    /** The identity going forward, NaN coming back. */
    private static Scalar nanBackward(Scalar x) {
        Node<Scalar> node = new Node<>("NanBackward", Arrays.asList(x.gradientEdge()), 1) {
            @Override
            protected List<Scalar> apply(List<Scalar> gradOutputs) { return List.of(Scalar.constant(Double.NaN)); }
        };
        return Scalar.output(x.value(), node, 0);
    }

    private static boolean calledFrom(Throwable trace, String method) {
        for (StackTraceElement element : trace.getStackTrace()) {
            if (element.getMethodName().equals(method)) return true;
        }
        return false;
    }
}
