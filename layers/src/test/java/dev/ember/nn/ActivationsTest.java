package dev.ember.nn;

import static dev.ember.nn.GoldenCases.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import dev.ember.nn.functional.F;
import dev.ember.tensor.GradCheck;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ActivationsTest {

    private static void module(String name, Module module) { check(name, in -> module.call(in.get("x"))); }

    private static void functional(String name, UnaryOperator<Tensor> f) { check(name, in -> f.apply(in.get("x"))); }

    @Test
    void activationModulesMatchPyTorchValuesAndGradients() {
        module("relu", new ReLU());
        module("leaky_relu 0.2", new LeakyReLU(0.2));
        module("elu", new ELU());
        module("elu alpha 0.5", new ELU(0.5));
        module("gelu", new GELU());
        module("gelu tanh", new GELU("tanh"));
        module("silu", new SiLU());
        module("mish", new Mish());
        module("sigmoid", new Sigmoid());
        module("tanh", new Tanh());
        module("softmax dim 1", new Softmax(1));
        module("softmax dim 0", new Softmax(0));
        module("log_softmax dim 1", new LogSoftmax(1));
        module("log_softmax dim -1 3d", new LogSoftmax(-1));
        module("softplus", new Softplus());
        module("softplus beta 2 threshold 1", new Softplus(2, 1));
        module("hardtanh", new Hardtanh());
        module("hardtanh -0.5 2", new Hardtanh(-0.5, 2));
        module("gelu float64", new GELU());
    }

    @Test
    void functionalFormsMatchPyTorchValuesAndGradients() {
        functional("relu", F::relu);
        functional("leaky_relu 0.2", x -> F.leakyRelu(x, 0.2));
        functional("elu", F::elu);
        functional("gelu tanh", x -> F.gelu(x, "tanh"));
        functional("gelu", F::gelu);
        functional("silu", F::silu);
        functional("mish", F::mish);
        functional("sigmoid", F::sigmoid);
        functional("tanh", F::tanh);
        functional("softmax dim 0", x -> F.softmax(x, 0));
        functional("log_softmax dim 1", x -> F.logSoftmax(x, 1));
        functional("softplus beta 2 threshold 1", x -> F.softplus(x, 2, 1));
        functional("hardtanh -0.5 2", x -> F.hardtanh(x, -0.5, 2));
    }

    @Test
    void everyActivationPassesGradcheckInFloat64() {
        List<UnaryOperator<Tensor>> functions = List.of(F::relu, x -> F.leakyRelu(x, 0.1), x -> F.elu(x, 0.7), F::gelu,
                x -> F.gelu(x, "tanh"), F::silu, F::mish, F::sigmoid, F::tanh, x -> F.softmax(x, 1), x -> F.logSoftmax(x, 0),
                x -> F.softplus(x, 1.5, 2), x -> F.hardtanh(x, -0.8, 0.9));
        Tensor.manualSeed(3);
        for (UnaryOperator<Tensor> f : functions) {
            // Values are kept away from the kinks of relu, hardtanh and the softplus threshold.
            Tensor x = Tensor.randn(DType.FLOAT64, 3, 4).mul(1.3).add(0.05).requiresGrad_(true);
            assertTrue(GradCheck.check(in -> f.apply(in.get(0)), List.of(x)));
        }
        Tensor x = Tensor.randn(DType.FLOAT64, 2, 3).requiresGrad_(true);
        assertTrue(GradCheck.checkSecondOrder(in -> F.mish(in.get(0)), List.of(x)));
        assertTrue(GradCheck.checkSecondOrder(in -> F.logSoftmax(in.get(0), 1), List.of(x)));
    }

    @Test
    void modulesPrintTheirHyperparametersLikePyTorch() {
        assertEquals("ReLU()", new ReLU().toString());
        assertEquals("LeakyReLU(negative_slope=0.2)", new LeakyReLU(0.2).toString());
        assertEquals("GELU(approximate='tanh')", new GELU("tanh").toString());
        assertEquals("Softmax(dim=1)", new Softmax(1).toString());
        assertEquals("Softplus(beta=1, threshold=20)", new Softplus().toString());
        assertEquals("Hardtanh(min_val=-1.0, max_val=1.0)", new Hardtanh().toString());
        assertEquals("ELU(alpha=1.0)", new ELU().toString());
    }

    @Test
    void activationModulesHaveNoParameters() {
        for (Module m : List.of(new ReLU(), new GELU(), new Softmax(0), new Hardtanh(), new Mish())) {
            assertTrue(m.parameters().isEmpty());
            assertTrue(m.stateDict().isEmpty());
        }
    }

    @Test
    void invalidArgumentsFailWithPyTorchMessages() {
        var gelu = assertThrows(IllegalArgumentException.class, () -> new GELU("fast"));
        assertTrue(gelu.getMessage().contains("approximate argument must be either none or tanh"), gelu.getMessage());
        assertThrows(IllegalArgumentException.class, () -> F.gelu(Tensor.ones(2), "erf"));
        var hardtanh = assertThrows(IllegalArgumentException.class, () -> new Hardtanh(1, -1));
        assertTrue(hardtanh.getMessage().contains("cannot be less than min_val"), hardtanh.getMessage());
        var softmax = assertThrows(IllegalArgumentException.class, () -> F.softmax(Tensor.arange(3), 0));
        assertTrue(softmax.getMessage().contains("int64"), softmax.getMessage());
    }
}
