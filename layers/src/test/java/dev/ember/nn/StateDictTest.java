package dev.ember.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateDictTest {

    static class Block extends Module {
        Linear fc = new Linear(3, 2);
        Tensor runningMean = Tensor.zeros(2);
        Tensor numBatchesTracked = Tensor.zeros(DType.INT64);

        Block() { registerBuffer("cache", Tensor.zeros(4), false); }

        @Override
        public Tensor forward(Tensor x) { return fc.call(x).sub(runningMean); }
    }

    private static Sequential model() {
        LinkedHashMap<String, Module> named = new LinkedHashMap<>();
        named.put("features", new Sequential(new Linear(4, 3), new Identity(), new Linear(3, 3)));
        named.put("head", new Linear(3, 2));
        return new Sequential(named);
    }

    @Test
    void keysFollowPyTorchOrder() {
        Object expected = JsonFixtures.object(JsonFixtures.load("nn_basic.json"), "keys").get("state_dict");
        assertEquals(expected, new ArrayList<>(model().stateDict().keySet()));
        assertEquals(List.of("running_mean", "num_batches_tracked", "fc.weight", "fc.bias"),
                new ArrayList<>(new Block().stateDict().keySet()));
    }

    @Test
    void nonPersistentBuffersAreLeftOutOfTheStateDictButListed() {
        Block block = new Block();
        assertFalse(block.stateDict().containsKey("cache"));
        assertEquals(List.of("running_mean", "num_batches_tracked", "cache"), new ArrayList<>(block.namedBuffers().keySet()));
    }

    @Test
    void valuesAreDetachedAndShareMemory() {
        Sequential m = model();
        Tensor weight = m.stateDict().get("head.weight");
        assertFalse(weight.requiresGrad());
        assertArrayEquals(m.getParameter("head.weight").toFloatArray(), weight.toFloatArray());
        weight.fill_(3);
        assertEquals(3 * 6, m.getParameter("head.weight").sum().item());
    }

    @Test
    void roundTripCopiesEveryValueInPlace() {
        Sequential source = model();
        Sequential target = model();
        Parameter targetWeight = target.getParameter("features.0.weight");
        IncompatibleKeys keys = target.loadStateDict(source.stateDict());
        assertTrue(keys.isEmpty());
        assertEquals(targetWeight, target.getParameter("features.0.weight"));
        Map<String, Tensor> expected = source.stateDict();
        target.stateDict().forEach((key, value) -> assertArrayEquals(expected.get(key).toFloatArray(), value.toFloatArray(), key));
        assertTrue(targetWeight.requiresGrad() && targetWeight.isLeaf());
    }

    @Test
    void buffersRoundTripIncludingIntegerCounters() {
        Block source = new Block();
        source.runningMean.fill_(0.5);
        source.numBatchesTracked.fill_(7);
        Block target = new Block();
        target.loadStateDict(source.stateDict());
        assertArrayEquals(new float[] {0.5f, 0.5f}, target.runningMean.toFloatArray());
        assertEquals(7, target.numBatchesTracked.longItem());
    }

    @Test
    void loadingCastsDTypes() {
        Linear target = new Linear(2, 1);
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("weight", Tensor.of(new double[] {0.25, -1}, 1, 2));
        state.put("bias", Tensor.of(new double[] {2}, 1));
        target.loadStateDict(state);
        assertEquals(DType.FLOAT32, target.weight.dtype());
        assertArrayEquals(new float[] {0.25f, -1}, target.weight.toFloatArray());
    }

    @Test
    void strictLoadReportsMissingThenUnexpectedKeys() {
        Linear target = new Linear(3, 2);
        Map<String, Tensor> state = new LinkedHashMap<>(new Linear(3, 2).stateDict());
        state.remove("bias");
        state.put("extra", Tensor.zeros(1));
        state.put("other", Tensor.zeros(1));
        var error = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(state));
        assertEquals("Error(s) in loading state_dict for Linear:\n"
                + "\tMissing key(s) in state_dict: \"bias\".\n"
                + "\tUnexpected key(s) in state_dict: \"extra\", \"other\".", error.getMessage());
    }

    @Test
    void nonStrictLoadReturnsTheIncompatibleKeysAndLoadsTheRest() {
        Linear target = new Linear(3, 2);
        Linear source = new Linear(3, 2);
        Map<String, Tensor> state = new LinkedHashMap<>(source.stateDict());
        state.remove("bias");
        state.put("extra", Tensor.zeros(1));
        IncompatibleKeys keys = target.loadStateDict(state, false);
        assertEquals(List.of("bias"), keys.missingKeys());
        assertEquals(List.of("extra"), keys.unexpectedKeys());
        assertArrayEquals(source.weight.toFloatArray(), target.weight.toFloatArray());
    }

    @Test
    void sizeMismatchIsAnErrorEvenWhenNotStrictAndChangesNothing() {
        LinkedHashMap<String, Module> named = new LinkedHashMap<>();
        named.put("fc", new Linear(30, 10));
        named.put("out", new Linear(10, 2));
        Sequential target = new Sequential(named);
        float[] before = target.getParameter("out.weight").toFloatArray();
        Map<String, Tensor> state = new LinkedHashMap<>(target.stateDict());
        state.put("fc.weight", Tensor.zeros(10, 20));
        state.put("out.weight", Tensor.zeros(2, 10));
        state.remove("out.bias");
        var error = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(state, false));
        assertEquals("Error(s) in loading state_dict for Sequential:\n"
                + "\tsize mismatch for fc.weight: copying a param with shape [10, 20] from checkpoint, "
                + "the shape in current model is [10, 30].", error.getMessage());
        assertArrayEquals(before, target.getParameter("out.weight").toFloatArray());
        var strict = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(state, true));
        assertEquals("Error(s) in loading state_dict for Sequential:\n"
                + "\tMissing key(s) in state_dict: \"out.bias\".\n"
                + "\tsize mismatch for fc.weight: copying a param with shape [10, 20] from checkpoint, "
                + "the shape in current model is [10, 30].", strict.getMessage());
    }

    @Test
    void loadedModelComputesTheSameOutput() {
        Tensor.manualSeed(1);
        Sequential source = model();
        Sequential target = model();
        Tensor x = Tensor.randn(5, 4);
        target.loadStateDict(source.stateDict());
        assertArrayEquals(source.call(x).toFloatArray(), target.call(x).toFloatArray());
    }
}
