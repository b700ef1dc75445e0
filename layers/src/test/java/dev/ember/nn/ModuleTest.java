package dev.ember.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autograd.RemovableHandle;
import dev.ember.devices.DType;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleTest {

    static class Base extends Module {
        Parameter scale = new Parameter(Tensor.ones(2));
    }

    static class Net extends Base {
        static Linear shared = new Linear(1, 1);
        Linear firstLayer = new Linear(2, 3);
        transient Linear scratch = new Linear(3, 3);
        Tensor runningMean = Tensor.zeros(3);
        Module activation = new Identity();
        Linear missing = null;
        Linear secondLayer = new Linear(3, 1);

        @Override
        public Tensor forward(Tensor x) { return secondLayer.call(activation.call(firstLayer.call(x.mul(scale)))); }
    }

    @Test
    void fieldsRegisterInDeclarationOrderSuperclassFirstUnderSnakeCaseNames() {
        Net net = new Net();
        assertEquals(List.of("scale", "first_layer.weight", "first_layer.bias", "second_layer.weight", "second_layer.bias"),
                new ArrayList<>(net.namedParameters().keySet()));
        assertEquals(List.of("running_mean"), new ArrayList<>(net.namedBuffers().keySet()));
        assertEquals(List.of("first_layer", "activation", "second_layer"), new ArrayList<>(net.namedChildren().keySet()));
        assertSame(net.firstLayer.weight, net.namedParameters().get("first_layer.weight"));
    }

    @Test
    void snakeCaseFollowsPythonAttributeStyle() {
        assertEquals("running_mean", ModuleRegistry.snakeCase("runningMean"));
        assertEquals("num_batches_tracked", ModuleRegistry.snakeCase("numBatchesTracked"));
        assertEquals("conv1", ModuleRegistry.snakeCase("conv1"));
        assertEquals("layer2_norm", ModuleRegistry.snakeCase("layer2Norm"));
        assertEquals("http_server", ModuleRegistry.snakeCase("HTTPServer"));
        assertEquals("weight", ModuleRegistry.snakeCase("weight"));
    }

    @Test
    void laterFieldAssignmentIsSeenOnTheNextQuery() {
        Net net = new Net();
        Linear replacement = new Linear(2, 3);
        net.firstLayer = replacement;
        assertSame(replacement, net.namedChildren().get("first_layer"));
        net.missing = new Linear(1, 1);
        assertEquals(List.of("first_layer", "activation", "missing", "second_layer"), new ArrayList<>(net.namedChildren().keySet()));
    }

    static class Explicit extends Module {
        Linear head = new Linear(2, 2);
        Parameter gamma = new Parameter(Tensor.ones(1));

        Explicit() {
            registerParameter("alpha", new Parameter(Tensor.zeros(1)));
            registerModule("extra", new Identity());
            registerBuffer("steps", Tensor.zeros(DType.INT64, 1));
        }
    }

    @Test
    void explicitRegistrationsFollowFieldsInInsertionOrder() {
        Explicit module = new Explicit();
        // Like PyTorch, a module's own parameters come before its children's.
        assertEquals(List.of("gamma", "alpha", "head.weight", "head.bias"), new ArrayList<>(module.namedParameters().keySet()));
        assertEquals(List.of("head", "extra"), new ArrayList<>(module.namedChildren().keySet()));
        assertEquals(List.of("steps"), new ArrayList<>(module.namedBuffers().keySet()));
    }

    @Test
    void whenAFieldAndAnExplicitRegistrationShareANameTheLaterAssignmentWins() {
        Explicit module = new Explicit();
        Linear original = module.head;
        module.namedChildren();
        Linear registered = module.registerModule("head", new Linear(2, 2));
        assertSame(registered, module.namedChildren().get("head"));
        Linear assigned = new Linear(2, 2);
        module.head = assigned;
        assertSame(assigned, module.namedChildren().get("head"));
        assertNotSame(original, assigned);
        assertEquals(List.of("head", "extra"), new ArrayList<>(module.namedChildren().keySet()));
    }

    static class RegisteredOverField extends Module {
        Linear head = new Linear(2, 2);
        final Linear registered;

        RegisteredOverField() { registered = registerModule("head", new Linear(2, 3)); }
    }

    @Test
    void anExplicitRegistrationInTheConstructorOutranksAnEarlierFieldAssignment() {
        RegisteredOverField module = new RegisteredOverField();
        assertSame(module.registered, module.namedChildren().get("head"));
        // The field "registered" holds the same module, which children are listed once, under the first name.
        assertEquals(List.of("head"), new ArrayList<>(module.namedChildren().keySet()));
    }

    @Test
    void registrationNamesAreChecked() {
        Module module = new Identity();
        var error = assertThrows(IllegalArgumentException.class, () -> module.registerModule("a.b", new Identity()));
        assertEquals("module name can't contain \".\", got: a.b", error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> module.registerParameter("", new Parameter(Tensor.zeros(1))));
        assertThrows(IllegalArgumentException.class, () -> module.registerBuffer("p", new Parameter(Tensor.zeros(1))));
    }

    @Test
    void nestedSequentialsGiveDottedNames() {
        LinkedHashMap<String, Module> named = new LinkedHashMap<>();
        named.put("features", new Sequential(new Linear(4, 3), new Identity(), new Linear(3, 3)));
        named.put("head", new Linear(3, 2));
        Sequential model = new Sequential(named);
        Map<String, Object> keys = JsonFixtures.object(JsonFixtures.load("nn_basic.json"), "keys");
        assertEquals(keys.get("named_parameters"), new ArrayList<>(model.namedParameters().keySet()));
        assertEquals(keys.get("named_modules"), new ArrayList<>(model.namedModules().keySet()));
        assertEquals(List.of("0.weight", "0.bias"), new ArrayList<>(new Sequential(new Linear(1, 1)).namedParameters().keySet()));
        assertSame(named.get("features"), model.getSubmodule("features"));
        assertSame(((Linear) model.getSubmodule("features.2")).weight, model.getParameter("features.2.weight"));
        var error = assertThrows(IllegalArgumentException.class, () -> model.getSubmodule("features.7"));
        assertEquals("Sequential at 'features' has no attribute `7`", error.getMessage());
    }

    @Test
    void sharedParametersAndModulesAreListedOnce() {
        Linear shared = new Linear(3, 3);
        Sequential model = new Sequential(shared, new Identity(), shared);
        assertEquals(2, model.parameters().size());
        assertEquals(List.of("0.weight", "0.bias"), new ArrayList<>(model.namedParameters().keySet()));
        assertEquals(List.of("", "0", "1"), new ArrayList<>(model.namedModules().keySet()));
        // Like PyTorch, a state dict lists a shared module under every name it is reachable by.
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), new ArrayList<>(model.stateDict().keySet()));

        Linear tied = new Linear(3, 3);
        tied.weight = shared.weight;
        assertEquals(3, new Sequential(shared, tied).parameters().size());
    }

    @Test
    void nonRecursiveParametersAreTheModulesOwn() {
        Net net = new Net();
        assertEquals(List.of("scale"), new ArrayList<>(net.namedParameters(false).keySet()));
        assertEquals(1, net.parameters(false).size());
    }

    @Test
    void trainAndEvalPropagateToEveryDescendant() {
        Sequential model = new Sequential(new Linear(2, 2), new Sequential(new Dropout(0.5), new Identity()));
        assertTrue(model.modules().stream().allMatch(Module::isTraining));
        model.eval();
        assertTrue(model.modules().stream().noneMatch(Module::isTraining));
        model.train();
        assertTrue(model.modules().stream().allMatch(Module::isTraining));
        model.train(false);
        assertFalse(model.get(1).isTraining());
    }

    @Test
    void zeroGradSetsEveryGradientToNull() {
        Net net = new Net();
        net.call(Tensor.ones(4, 2)).sum().backward();
        assertTrue(net.parameters().stream().allMatch(p -> p.grad() != null));
        net.zeroGrad();
        assertTrue(net.parameters().stream().allMatch(p -> p.grad() == null));
    }

    @Test
    void applyVisitsChildrenBeforeParent() {
        Sequential inner = new Sequential(new Identity());
        Sequential model = new Sequential(new Linear(1, 1), inner);
        List<String> visited = new ArrayList<>();
        model.apply(m -> visited.add(m.getName() + (m == model ? "*" : "")));
        assertEquals(List.of("Linear", "Identity", "Sequential", "Sequential*"), visited);
    }

    @Test
    void hooksRunInRegistrationOrderAroundForwardAndCanBeRemoved() {
        Linear linear = new Linear(2, 2);
        List<String> events = new ArrayList<>();
        RemovableHandle first = linear.registerForwardPreHook((m, in) -> { events.add("pre1"); return null; });
        linear.registerForwardPreHook((m, in) -> { events.add("pre2"); return null; });
        RemovableHandle after = linear.registerForwardHook((m, in, out) -> { events.add("post1"); return null; });
        linear.registerForwardHook((m, in, out) -> { events.add("post2"); return null; });
        linear.call(Tensor.ones(1, 2));
        assertEquals(List.of("pre1", "pre2", "post1", "post2"), events);
        first.remove();
        after.remove();
        events.clear();
        linear.call(Tensor.ones(1, 2));
        assertEquals(List.of("pre2", "post2"), events);
    }

    @Test
    void hooksCanReplaceInputsAndOutputs() {
        Identity identity = new Identity();
        identity.registerForwardPreHook((m, in) -> new Tensor[] {in[0].mul(2.0)});
        identity.registerForwardHook((m, in, out) -> out.add(1.0));
        assertArrayEquals(new float[] {3, 5}, identity.call(Tensor.of(new float[] {1, 2})).toFloatArray());
        assertArrayEquals(new float[] {1, 2}, identity.forward(Tensor.of(new float[] {1, 2})).toFloatArray());
    }

    @Test
    void hooksRunForChildrenCalledByContainers() {
        Linear linear = new Linear(2, 2);
        List<long[]> shapes = new ArrayList<>();
        linear.registerForwardHook((m, in, out) -> { shapes.add(out.shape()); return null; });
        new Sequential(new Identity(), linear).call(Tensor.ones(5, 2));
        assertArrayEquals(new long[] {5, 2}, shapes.get(0));
    }

    static class NoForward extends Module {}

    static class TwoInputs extends Module {
        @Override
        public Tensor forward(Tensor... inputs) { return inputs.length == 1 ? inputs[0] : inputs[0].add(inputs[1]); }
    }

    @Test
    void forwardDispatchesBetweenSingleAndMultipleInputs() {
        var missing = assertThrows(IllegalStateException.class, () -> new NoForward().call(Tensor.ones(1)));
        assertEquals("Module [NoForward] is missing the required \"forward\" function", missing.getMessage());
        var tooMany = assertThrows(IllegalArgumentException.class, () -> new Identity().call(Tensor.ones(1), Tensor.ones(1)));
        assertEquals("Identity.forward() takes 1 input but 2 were given", tooMany.getMessage());
        TwoInputs two = new TwoInputs();
        assertEquals(3.0, two.call(Tensor.scalar(1f), Tensor.scalar(2f)).item());
        assertEquals(1.0, two.forward(Tensor.scalar(1f)).item());
    }

    @Test
    void toDTypeCastsFloatingParametersAndBuffersAndUpdatesFields() {
        Explicit module = new Explicit();
        Linear head = module.head;
        Parameter oldWeight = head.weight;
        float[] values = oldWeight.toFloatArray();
        head.call(Tensor.ones(1, 2)).sum().backward();
        module.to(DType.FLOAT64);
        assertNotSame(oldWeight, head.weight);
        assertEquals(DType.FLOAT64, head.weight.dtype());
        assertTrue(head.weight.requiresGrad());
        assertTrue(head.weight.isLeaf());
        assertEquals(DType.FLOAT64, head.weight.grad().dtype());
        assertEquals(DType.FLOAT64, module.getParameter("alpha").dtype());
        assertEquals(DType.INT64, module.getBuffer("steps").dtype());
        double[] converted = head.weight.toDoubleArray();
        for (int i = 0; i < values.length; i++) assertEquals(values[i], converted[i], 0);
        assertSame(head.weight, module.namedParameters().get("head.weight"));
        assertEquals(DType.FLOAT64, head.call(Tensor.ones(DType.FLOAT64, 1, 2)).dtype());
        var error = assertThrows(IllegalArgumentException.class, () -> module.to(DType.INT64));
        assertEquals("nn.Module.to only accepts floating point dtypes, but got desired dtype=" + DType.INT64, error.getMessage());
    }

    @Test
    void toKeepsTiedParametersTiedAndLeavesUnchangedOnesAlone() {
        Linear a = new Linear(3, 3);
        Linear b = new Linear(3, 3);
        b.weight = a.weight;
        Sequential model = new Sequential(a, b);
        Parameter bias = a.bias;
        model.to(DType.FLOAT32);
        assertSame(bias, a.bias);
        model.to(DType.FLOAT64);
        assertSame(a.weight, b.weight);
        assertEquals(DType.FLOAT64, b.weight.dtype());
    }

    @Test
    void requiresGradFreezesEveryParameter() {
        Net net = new Net();
        net.requiresGrad_(false);
        assertTrue(net.parameters().stream().noneMatch(Tensor::requiresGrad));
    }

    @Test
    void parameterPrintsLikePyTorch() {
        Parameter p = new Parameter(Tensor.of(new float[] {1, 2}));
        assertEquals("Parameter containing:\ntensor([1., 2.], requires_grad=True)", p.toString());
        assertTrue(p.isLeaf());
        assertFalse(new Parameter(Tensor.zeros(1), false).requiresGrad());
        assertNull(p.grad());
    }

    @Test
    void floatsInPrintoutsReadAsPythonsRepr() {
        // repr() of each in Python 3
        double[] values = {1e-5, 0.1, 100.0, 1e-4, 1e16, 1.5e-7, 0.25, -2.5, 1e-3, 1e15, 123456.789, -0.0};
        String[] python = {"1e-05", "0.1", "100.0", "0.0001", "1e+16", "1.5e-07", "0.25", "-2.5", "0.001",
            "1000000000000000.0", "123456.789", "-0.0"};
        for (int i = 0; i < values.length; i++) assertEquals(python[i], Module.pythonFloat(values[i]));
        assertEquals("LayerNorm((8,), eps=1e-05, elementwise_affine=True)", new LayerNorm(8).toString());
        assertEquals("Dropout(p=0.5, inplace=False)", new Dropout(0.5).toString());
    }
}
