package dev.ember.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import dev.ember.nn.functional.F;
import dev.ember.tensor.GradCheck;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Float64 gradient checks of every loss's functional form, first order and (where it matters) second order. */
class LossesTestGradients {

    private static Tensor input(long... shape) { return Tensor.randn(DType.FLOAT64, shape).requiresGrad_(true); }

    private static void gradcheck(Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        assertTrue(GradCheck.check(f, List.of(inputs)));
    }

    @Test
    void crossEntropyGradientsAreExactForEveryVariant() {
        Tensor.manualSeed(11);
        Tensor logits = input(5, 4);
        Tensor target = Tensor.of(new long[] {0, 3, -100, 2, 1}, 5);
        Tensor weight = Tensor.of(new double[] {0.5, 2, 1, 1.5}, 4);
        for (String reduction : new String[] {"mean", "sum", "none"}) {
            gradcheck(in -> F.crossEntropy(in.get(0), target, weight, -100, reduction, 0), logits);
            gradcheck(in -> F.crossEntropy(in.get(0), target, weight, -100, reduction, 0.2), logits);
        }
        Tensor spatial = input(2, 3, 2, 2);
        Tensor spatialTarget = Tensor.of(new long[] {0, 1, 2, 1, 2, 0, 1, 1}, 2, 2, 2);
        gradcheck(in -> F.crossEntropy(in.get(0), spatialTarget, null, 1, "mean", 0), spatial);
        Tensor probabilities = Tensor.rand(DType.FLOAT64, 5, 4).softmax(1).requiresGrad_(true);
        gradcheck(in -> F.crossEntropy(in.get(0), in.get(1), weight, -100, "mean", 0.1), logits, probabilities);
    }

    @Test
    void fusedCrossEntropyHasExactSecondOrderGradients() {
        Tensor.manualSeed(12);
        Tensor logits = input(4, 3);
        Tensor target = Tensor.of(new long[] {0, 2, 1, 2}, 4);
        Tensor weight = Tensor.of(new double[] {0.5, 2, 1}, 3);
        assertTrue(GradCheck.checkSecondOrder(in -> F.crossEntropy(in.get(0), target), List.of(logits)));
        assertTrue(GradCheck.checkSecondOrder(in -> F.crossEntropy(in.get(0), target, weight, 1, "none", 0), List.of(logits)));
        assertTrue(GradCheck.checkSecondOrder(in -> F.crossEntropy(in.get(0), target, weight, 1, "mean", 0.3), List.of(logits)));
    }

    @Test
    void nllLossGradientsAreExact() {
        Tensor.manualSeed(13);
        Tensor target = Tensor.of(new long[] {0, 3, 2, 2, 1}, 5);
        Tensor weight = Tensor.of(new double[] {0.5, 2, 1, 1.5}, 4);
        gradcheck(in -> F.nllLoss(in.get(0), target, weight, 2, "mean"), input(5, 4));
        gradcheck(in -> F.nllLoss(in.get(0), target, null, -100, "none"), input(5, 4));
    }

    @Test
    void regressionLossGradientsAreExact() {
        Tensor.manualSeed(14);
        Tensor a = input(3, 4);
        Tensor b = input(3, 4);
        gradcheck(in -> F.mseLoss(in.get(0), in.get(1)), a, b);
        gradcheck(in -> F.l1Loss(in.get(0), in.get(1), "sum"), a, b);
        gradcheck(in -> F.smoothL1Loss(in.get(0), in.get(1), "mean", 0.7), a, b);
        gradcheck(in -> F.huberLoss(in.get(0), in.get(1), "none", 1.3), a, b);
        assertTrue(GradCheck.checkSecondOrder(in -> F.mseLoss(in.get(0), in.get(1)), List.of(a, b)));
    }

    @Test
    void binaryLossGradientsAreExact() {
        Tensor.manualSeed(15);
        Tensor probabilities = Tensor.rand(DType.FLOAT64, 3, 4).mul(0.9).add(0.05).requiresGrad_(true);
        Tensor target = Tensor.rand(DType.FLOAT64, 3, 4).requiresGrad_(true);
        Tensor weight = Tensor.rand(DType.FLOAT64, 4).add(0.5);
        gradcheck(in -> F.binaryCrossEntropy(in.get(0), in.get(1), weight, "mean"), probabilities, target);
        Tensor logits = input(3, 4);
        Tensor posWeight = Tensor.rand(DType.FLOAT64, 4).add(0.5).requiresGrad_(true);
        gradcheck(in -> F.binaryCrossEntropyWithLogits(in.get(0), in.get(1), weight, in.get(2), "mean"), logits, target, posWeight);
        assertTrue(GradCheck.checkSecondOrder(in -> F.binaryCrossEntropyWithLogits(in.get(0), in.get(1)), List.of(logits, target)));
    }

    @Test
    void klDivergenceAndMarginLossGradientsAreExact() {
        Tensor.manualSeed(16);
        Tensor logProbabilities = input(3, 4);
        Tensor target = Tensor.rand(DType.FLOAT64, 3, 4).add(0.1).requiresGrad_(true);
        gradcheck(in -> F.klDiv(in.get(0), in.get(1), "batchmean", false), logProbabilities, target);
        gradcheck(in -> F.klDiv(in.get(0), in.get(1), "sum", true), logProbabilities, input(3, 4));
        Tensor sign = Tensor.of(new double[] {1, -1, 1, -1}, 4);
        gradcheck(in -> F.cosineEmbeddingLoss(in.get(0), in.get(1), sign, -0.5, "mean"), input(4, 3), input(4, 3));
        gradcheck(in -> F.marginRankingLoss(in.get(0), in.get(1), sign, 0.3, "sum"), input(4), input(4));
    }
}
