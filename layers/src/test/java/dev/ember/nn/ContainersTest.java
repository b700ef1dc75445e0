package dev.ember.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.nn.init.Init;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainersTest {

    private static final Map<String, Object> REPRS = JsonFixtures.object(JsonFixtures.load("nn_basic.json"), "reprs");

    @Test
    void sequentialAppliesModulesInOrder() {
        Sequential model = new Sequential(new Flatten(), new Unflatten(1, 3, 2));
        Tensor out = model.call(Tensor.arange(0.0, 12.0, 1.0).view(2, 2, 3));
        assertArrayEquals(new long[] {2, 3, 2}, out.shape());
        assertArrayEquals(Tensor.arange(0.0, 12.0, 1.0).toFloatArray(), out.toFloatArray());
    }

    @Test
    void sequentialIndexingSizeAndIteration() {
        Linear first = new Linear(2, 3);
        Identity second = new Identity();
        Sequential model = new Sequential(first).add(second);
        assertEquals(2, model.size());
        assertSame(first, model.get(0));
        assertSame(second, model.get(-1));
        List<Module> iterated = new ArrayList<>();
        model.forEach(iterated::add);
        assertEquals(List.of(first, second), iterated);
        assertThrows(IndexOutOfBoundsException.class, () -> model.get(2));
        assertEquals(List.of("0", "1"), new ArrayList<>(model.namedChildren().keySet()));
    }

    @Test
    void sequentialRunsARepeatedModuleEachTime() {
        Linear doubler = new Linear(1, 1, false);
        Init.constant_(doubler.weight, 2);
        Tensor out = new Sequential(doubler, doubler).call(Tensor.ones(1, 1));
        assertEquals(4.0, out.item());
    }

    @Test
    void emptySequentialIsTheIdentity() {
        Tensor x = Tensor.ones(2);
        assertSame(x, new Sequential().call(x));
        assertEquals(REPRS.get("empty_sequential"), new Sequential().toString());
    }

    @Test
    void moduleListRegistersItsModules() {
        ModuleList blocks = new ModuleList();
        for (int i = 0; i < 3; i++) blocks.add(new Linear(2, 2));
        assertEquals(3, blocks.size());
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"),
                new ArrayList<>(blocks.namedParameters().keySet()));
        Linear replacement = new Linear(2, 2, false);
        blocks.set(-2, replacement);
        assertSame(replacement, blocks.get(1));
        assertEquals(List.of("0", "1", "2"), new ArrayList<>(blocks.namedChildren().keySet()));
        assertEquals(5, blocks.parameters().size());
        int count = 0;
        for (Module ignored : blocks) count++;
        assertEquals(3, count);
        assertThrows(IllegalStateException.class, () -> blocks.call(Tensor.ones(1)));
    }

    @Test
    void moduleDictKeepsInsertionOrderAndReplacesInPlace() {
        ModuleDict heads = new ModuleDict();
        heads.put("class", new Linear(4, 10));
        heads.put("box", new Linear(4, 4));
        Linear replacement = new Linear(4, 10);
        heads.put("class", replacement);
        assertEquals(List.of("class", "box"), new ArrayList<>(heads.keySet()));
        assertSame(replacement, heads.get("class"));
        assertTrue(heads.containsKey("box"));
        assertEquals(List.of("class.weight", "class.bias", "box.weight", "box.bias"),
                new ArrayList<>(heads.namedParameters().keySet()));
        heads.remove("box");
        assertFalse(heads.containsKey("box"));
        assertNull(heads.get("box"));
        assertEquals(1, heads.size());
    }

    @Test
    void printoutsMatchPyTorch() {
        Sequential model = new Sequential(
                new Linear(784, 10), new Identity(), new Sequential(new Flatten(), new Dropout(0.2)),
                new Embedding(10, 3, 0L), new Bilinear(2, 3, 4, false), new Unflatten(1, 2, 5),
                new Identity(), new Dropout2d());
        assertEquals(REPRS.get("sequential"), model.toString());
        assertEquals(REPRS.get("module_list"), new ModuleList(new Linear(2, 2), new Identity()).toString());
        LinkedHashMap<String, Module> entries = new LinkedHashMap<>();
        entries.put("a", new Linear(1, 1));
        entries.put("b", new Flatten(0, 2));
        assertEquals(REPRS.get("module_dict"), new ModuleDict(entries).toString());
    }

    /** Module extra representations with several lines are indented under the name. */
    @Test
    void multiLineExtraReprIsIndented() {
        Module module = new Identity() {
            @Override
            public String extraRepr() { return "a=1\nb=2"; }
        };
        assertEquals("Sequential(\n  (0): Identity(\n    a=1\n    b=2\n  )\n)", new Sequential(module).toString());
    }
}
