package dev.ember.nn;

import static dev.ember.nn.GoldenCases.assertClose;
import static dev.ember.nn.GoldenCases.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import dev.ember.nn.functional.F;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Normalization functions and layers against PyTorch 1.13: values, gradients and running statistics. */
class NormalizationTest {

    @Test
    void batchNormInTrainingMatchesPyTorchForEveryRank() {
        for (String shape : new String[] {"5x3", "4x3x5", "2x3x4x4"}) {
            check("batch_norm training " + shape, in -> F.batchNorm(in.get("input"), null, null, in.get("weight"),
                    in.get("bias"), true, 0.1, 1e-5));
        }
        check("batch_norm no affine", in -> F.batchNorm(in.get("input"), null, null, null, null, true, 0.1, 1e-5));
    }

    @Test
    void batchNormInEvaluationUsesTheRunningStatistics() {
        check("batch_norm eval", in -> F.batchNorm(in.get("input"), in.get("running_mean"), in.get("running_var"),
                in.get("weight"), in.get("bias"), false, 0.1, 1e-5));
    }

    @Test
    void layerNormMatchesPyTorch() {
        check("layer_norm last dim", in -> F.layerNorm(in.get("input"), new long[] {5}, in.get("weight"), in.get("bias"), 1e-5));
        check("layer_norm two dims", in -> F.layerNorm(in.get("input"), new long[] {3, 5}, in.get("weight"), in.get("bias"), 1e-3));
        check("layer_norm no affine", in -> F.layerNorm(in.get("input"), new long[] {4}));
    }

    @Test
    void layerNormModuleLearnsItsOwnWeightAndBias() {
        Map<String, Tensor> in = GoldenCases.tensors("layer_norm two dims", "inputs");
        Map<String, Tensor> grads = GoldenCases.tensors("layer_norm two dims", "grads");
        LayerNorm norm = new LayerNorm(new long[] {3, 5}, 1e-3, true);
        norm.weight.detach().copy_(in.get("weight"));
        norm.bias.detach().copy_(in.get("bias"));
        Tensor out = norm.call(in.get("input"));
        assertClose(GoldenCases.expected("layer_norm two dims"), out, "LayerNorm");
        out.mul(GoldenCases.weights(out)).sum().backward();
        assertClose(grads.get("weight"), norm.weight.grad(), "LayerNorm weight grad");
        assertClose(grads.get("bias"), norm.bias.grad(), "LayerNorm bias grad");
        assertEquals(List.of("weight", "bias"), List.copyOf(norm.stateDict().keySet()));
        assertEquals("LayerNorm((3, 5), eps=0.001, elementwise_affine=True)", norm.toString());
    }

    @Test
    void groupNormMatchesPyTorch() {
        check("group_norm 3 groups", in -> F.groupNorm(in.get("input"), 3, in.get("weight"), in.get("bias"), 1e-5));
        check("group_norm 1 group", in -> new GroupNorm(1, 4, 1e-5, false).call(in.get("input")));
        check("group_norm per channel", in -> F.groupNorm(in.get("input"), 4, in.get("weight"), in.get("bias"), 1e-3));
    }

    @Test
    void instanceNormMatchesPyTorch() {
        check("instance_norm", in -> new InstanceNorm2d(3).call(in.get("input")));
        check("instance_norm affine", in -> F.instanceNorm(in.get("input"), null, null, in.get("weight"), in.get("bias"),
                true, 0.1, 1e-5));
    }

    @Test
    void rmsNormMatchesPyTorch2Formula() {
        check("rms_norm eps none", in -> F.rmsNorm(in.get("input"), new long[] {5}, in.get("weight"), null));
        check("rms_norm eps 1e-3 two dims", in -> F.rmsNorm(in.get("input"), new long[] {3, 5}, in.get("weight"), 1e-3));
        check("rms_norm no weight float64", in -> new RMSNorm(new long[] {4}, null, false).call(in.get("input")));
        assertEquals("RMSNorm((4,), eps=None, elementwise_affine=True)", new RMSNorm(4).toString());
    }

    /** Two training steps, the first one's gradients, the buffers, then the output in evaluation mode. */
    private static void checkSteps(String name, Supplier<NormBase> make) {
        Map<String, Tensor> in = GoldenCases.tensors(name, "inputs");
        Map<String, Tensor> grads = GoldenCases.tensors(name, "grads");
        NormBase module = make.get();
        if (module.weight != null) {
            module.weight.detach().copy_(Tensor.linspace(0.5, 1.5, module.numFeatures));
            module.bias.detach().copy_(Tensor.linspace(-0.3, 0.4, module.numFeatures));
        }
        Tensor first = in.get("step1").requiresGrad_(true);
        Tensor out1 = module.call(first);
        assertClose(GoldenCases.tensor(name, "step1"), out1, name + " step 1");
        out1.mul(GoldenCases.weights(out1)).sum().backward();
        assertClose(grads.get("input"), first.grad(), name + " grad input");
        if (module.weight != null) {
            assertClose(grads.get("weight"), module.weight.grad(), name + " grad weight");
            assertClose(grads.get("bias"), module.bias.grad(), name + " grad bias");
        }
        module.call(in.get("step2"));
        module.eval();
        assertClose(GoldenCases.expected(name), module.call(in.get("eval")), name + " eval");
        Map<String, Tensor> state = GoldenCases.tensors(name, "state");
        Map<String, Tensor> buffers = module.namedBuffers();
        assertEquals(state.keySet(), buffers.keySet(), name + " buffers");
        for (String key : state.keySet()) {
            Tensor expected = state.get(key);
            Tensor actual = buffers.get(key);
            if (expected.dtype() == DType.INT64) {
                assertEquals(expected.longItem(), actual.longItem(), name + " " + key);
            } else {
                assertClose(expected, actual, name + " " + key);
            }
        }
    }

    @Test
    void batchNormTracksRunningStatisticsLikePyTorch() {
        checkSteps("BatchNorm2d momentum 0.1", () -> new BatchNorm2d(3));
        checkSteps("BatchNorm1d 3d momentum 0.3 eps 1e-3", () -> new BatchNorm1d(4, 1e-3, 0.3, true, true));
        checkSteps("BatchNorm2d no affine", () -> new BatchNorm2d(3, 1e-5, 0.1, false, true));
    }

    @Test
    void batchNormWithoutMomentumKeepsTheCumulativeAverage() {
        checkSteps("BatchNorm1d momentum None", () -> new BatchNorm1d(3, 1e-5, null, true, true));
    }

    @Test
    void batchNormWithoutRunningStatisticsUsesBatchStatisticsInEvaluation() {
        checkSteps("BatchNorm2d no running stats", () -> new BatchNorm2d(3, 1e-5, 0.1, true, false));
        BatchNorm2d bn = new BatchNorm2d(3, 1e-5, 0.1, true, false);
        assertNull(bn.runningMean);
        assertEquals(List.of("weight", "bias"), List.copyOf(bn.stateDict().keySet()));
    }

    @Test
    void instanceNormTracksRunningStatisticsWhenAsked() {
        checkSteps("InstanceNorm2d running stats affine", () -> new InstanceNorm2d(3, 1e-5, 0.1, true, true));
        checkSteps("InstanceNorm2d default", () -> new InstanceNorm2d(3));
    }

    @Test
    void batchNormStateDictHasPyTorchsKeysAndInitialValues() {
        BatchNorm2d bn = new BatchNorm2d(4);
        assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"),
                List.copyOf(bn.stateDict().keySet()));
        assertEquals(2, bn.parameters().size());
        assertEquals(DType.INT64, bn.numBatchesTracked.dtype());
        assertEquals(0, bn.numBatchesTracked.longItem());
        assertTrue(bn.runningVar.equal(Tensor.ones(4)));
        assertEquals("BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)", bn.toString());
        assertEquals("GroupNorm(2, 4, eps=1e-05, affine=True)", new GroupNorm(2, 4).toString());
    }
}
