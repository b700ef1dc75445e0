package dev.ember.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.nn.functional.F;
import dev.ember.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Invalid arguments fail before any computation, with PyTorch's messages naming the shapes. */
class LossesTestErrors {

    private static void fails(Class<? extends Throwable> type, String message, Executable call) {
        Throwable thrown = assertThrows(type, call);
        assertTrue(thrown.getMessage().contains(message), "message was: " + thrown.getMessage());
    }

    @Test
    void targetClassOutOfRangeIsReportedByValue() {
        Tensor logits = Tensor.randn(3, 10);
        fails(IndexOutOfBoundsException.class, "Target 10 is out of bounds.",
                () -> F.crossEntropy(logits, Tensor.of(new long[] {1, 10, 2}, 3)));
        fails(IndexOutOfBoundsException.class, "Target -1 is out of bounds.",
                () -> F.nllLoss(logits, Tensor.of(new long[] {1, -1, 2}, 3)));
        // the ignored index is exempt
        F.crossEntropy(logits, Tensor.of(new long[] {1, -100, 2}, 3));
    }

    @Test
    void mismatchedBatchAndSpatialSizesNameBothShapes() {
        fails(IllegalArgumentException.class, "Expected input batch_size (3) to match target batch_size (4).",
                () -> F.crossEntropy(Tensor.randn(3, 5), Tensor.zeros(dev.ember.devices.DType.INT64, 4)));
        fails(IllegalArgumentException.class, "Expected target size [2, 4], got [2, 5]",
                () -> F.crossEntropy(Tensor.randn(2, 3, 4), Tensor.zeros(dev.ember.devices.DType.INT64, 2, 5)));
        fails(IllegalArgumentException.class, "must have the input's size [3, 5], got [3]",
                () -> F.crossEntropy(Tensor.randn(3, 5), Tensor.rand(3)));
        fails(IllegalArgumentException.class, "weight tensor should be defined either for all 5 classes or no classes but got weight tensor of shape: [4]",
                () -> F.crossEntropy(Tensor.randn(3, 5), Tensor.zeros(dev.ember.devices.DType.INT64, 3), Tensor.ones(4), -100, "mean", 0));
        fails(IllegalArgumentException.class, "Target size ([3]) must be the same as input size ([3, 1])",
                () -> F.binaryCrossEntropyWithLogits(Tensor.randn(3, 1), Tensor.rand(3)));
        fails(IllegalArgumentException.class, "Using a target size ([3]) that is different to the input size ([3, 1])",
                () -> F.binaryCrossEntropy(Tensor.rand(3, 1), Tensor.rand(3)));
        fails(IllegalArgumentException.class, "the size of the target [4] does not match (and cannot broadcast to) the size of the input [3, 5]",
                () -> F.mseLoss(Tensor.randn(3, 5), Tensor.randn(4)));
    }

    @Test
    void invalidOptionsAreRejected() {
        fails(IllegalArgumentException.class, "'average' is not a valid value for reduction",
                () -> F.mseLoss(Tensor.randn(3), Tensor.randn(3), "average"));
        fails(IllegalArgumentException.class, "'avg' is not a valid value for reduction", () -> new CrossEntropyLoss(null, -100, "avg", 0));
        fails(IllegalArgumentException.class, "label_smoothing must be between 0.0 and 1.0. Got: 1.5",
                () -> F.crossEntropy(Tensor.randn(2, 3), Tensor.zeros(dev.ember.devices.DType.INT64, 2), null, -100, "mean", 1.5));
        fails(IllegalArgumentException.class, "all elements of input should be between 0 and 1",
                () -> F.binaryCrossEntropy(Tensor.of(new float[] {0.5f, 1.5f}, 2), Tensor.ones(2)));
        fails(IllegalArgumentException.class, "class indices of an integer dtype",
                () -> F.nllLoss(Tensor.randn(2, 3), Tensor.ones(2)));
    }

    @Test
    void lossModulesTakeExactlyTheirInputs() {
        fails(IllegalArgumentException.class, "takes 2 inputs (input, target) but 3 were given",
                () -> new MSELoss().call(Tensor.ones(2), Tensor.ones(2), Tensor.ones(2)));
        fails(IllegalArgumentException.class, "takes 3 inputs (input1, input2, target) but 2 were given",
                () -> new MarginRankingLoss().call(Tensor.ones(2), Tensor.ones(2)));
        assertEquals("MarginRankingLoss(margin=0.5)", new MarginRankingLoss("mean", 0.5).toString());
        CrossEntropyLoss weighted = new CrossEntropyLoss(Tensor.ones(3), -100, "mean", 0);
        assertEquals(java.util.List.of("weight"), java.util.List.copyOf(weighted.stateDict().keySet()));
        assertTrue(weighted.parameters().isEmpty());
    }
}
