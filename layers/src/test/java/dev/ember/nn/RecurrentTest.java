package dev.ember.nn;

import static dev.ember.nn.LinearTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Recurrent layers against PyTorch 1.13's values in {@code nn_recurrent.json} (tools/fixtures/nn_recurrent.py). */
class RecurrentTest {

    private static final Map<String, Object> ROOT = JsonFixtures.load("nn_recurrent.json");

    static Map<String, Object> fixtureCase(String name) { return JsonFixtures.caseNamed(ROOT, name); }

    /** The Ember module for a case's PyTorch constructor arguments. */
    static Module build(Map<String, Object> c) {
        Map<String, Object> args = JsonFixtures.object(c, "args");
        long input = longArg(args, "input_size", -1);
        long hidden = longArg(args, "hidden_size", -1);
        int layers = (int) longArg(args, "num_layers", 1);
        boolean bias = (Boolean) args.getOrDefault("bias", true);
        boolean batchFirst = (Boolean) args.getOrDefault("batch_first", false);
        boolean bidirectional = (Boolean) args.getOrDefault("bidirectional", false);
        return switch ((String) c.get("module")) {
            case "LSTM" -> new LSTM(input, hidden, layers, bias, batchFirst, 0, bidirectional);
            case "GRU" -> new GRU(input, hidden, layers, bias, batchFirst, 0, bidirectional);
            case "RNN" -> new RNN(input, hidden, layers, (String) args.getOrDefault("nonlinearity", "tanh"), bias, batchFirst, 0,
                    bidirectional);
            case "LSTMCell" -> new LSTMCell(input, hidden, bias);
            case "GRUCell" -> new GRUCell(input, hidden, bias);
            case "RNNCell" -> new RNNCell(input, hidden, bias, (String) args.getOrDefault("nonlinearity", "tanh"));
            default -> throw new IllegalArgumentException("no Ember module for " + c.get("module"));
        };
    }

    private static long longArg(Map<String, Object> args, String key, long fallback) {
        Object value = args.get(key);
        return value == null ? fallback : ((JsonFixtures.Number) value).asLong();
    }

    /** Every result of the module's full forward: the output and final states (or a cell's new states). */
    static List<Tensor> results(Module module, Tensor[] inputs) {
        return switch (module) {
            case LSTM lstm -> {
                LSTM.Result r = lstm.forward(inputs[0], inputs[1], inputs[2]);
                yield List.of(r.output(), r.hidden(), r.cell());
            }
            case GRU gru -> {
                GRU.Result r = gru.forward(inputs[0], inputs[1]);
                yield List.of(r.output(), r.hidden());
            }
            case RNN rnn -> {
                RNN.Result r = rnn.forward(inputs[0], inputs[1]);
                yield List.of(r.output(), r.hidden());
            }
            case LSTMCell cell -> {
                LSTMCell.Result r = cell.forward(inputs[0], inputs[1], inputs[2]);
                yield List.of(r.hidden(), r.cell());
            }
            case GRUCell cell -> List.of(cell.forward(inputs[0], inputs[1]));
            case RNNCell cell -> List.of(cell.forward(inputs[0], inputs[1]));
            default -> throw new IllegalArgumentException("no results for " + module);
        };
    }

    /** Loads the case's parameters, runs the module and checks every result and every gradient. */
    static void checkAgainstFixture(String name) {
        Map<String, Object> c = fixtureCase(name);
        Module module = build(c);
        assertEquals(c.get("repr"), module.toString(), name + " repr");
        Map<String, Tensor> state = new LinkedHashMap<>();
        JsonFixtures.object(c, "params").forEach((key, spec) -> state.put(key, JsonFixtures.tensor(spec)));
        module.loadStateDict(state);
        List<Object> inputSpecs = JsonFixtures.list(c, "inputs");
        Tensor[] inputs = new Tensor[inputSpecs.size()];
        for (int i = 0; i < inputs.length; i++) {
            if (inputSpecs.get(i) != null) inputs[i] = JsonFixtures.tensor(inputSpecs.get(i)).requiresGrad_(true);
        }
        List<Tensor> results = results(module, inputs);
        List<Object> expected = JsonFixtures.list(c, "results");
        List<Object> weights = JsonFixtures.list(c, "result_weights");
        assertEquals(expected.size(), results.size(), name + " result count");
        Tensor loss = null;
        for (int i = 0; i < results.size(); i++) {
            assertClose(JsonFixtures.tensor(expected.get(i)), results.get(i), name + " result " + i);
            Tensor term = results.get(i).mul(JsonFixtures.tensor(weights.get(i))).sum();
            loss = loss == null ? term : loss.add(term);
        }
        loss.backward();
        List<Object> inputGrads = JsonFixtures.list(c, "input_grads");
        for (int i = 0; i < inputs.length; i++) {
            if (inputGrads.get(i) == null) assertNull(inputs[i]);
            else assertClose(JsonFixtures.tensor(inputGrads.get(i)), inputs[i].grad(), name + " grad of input " + i);
        }
        Map<String, Parameter> named = module.namedParameters();
        assertEquals(JsonFixtures.object(c, "param_grads").keySet(), named.keySet(), name + " parameter names");
        JsonFixtures.object(c, "param_grads").forEach((key, spec) ->
                assertClose(JsonFixtures.tensor(spec), named.get(key).grad(), name + " grad of " + key));
    }

    @Test
    void lstmOneLayerMatchesPyTorch() { checkAgainstFixture("lstm one layer"); }

    @Test
    void lstmTwoLayersBidirectionalBatchFirstMatchesPyTorch() { checkAgainstFixture("lstm two layers bidirectional batch_first"); }

    @Test
    void lstmOnUnbatchedInputMatchesPyTorch() { checkAgainstFixture("lstm unbatched"); }

    @Test
    void lstmFromGivenStatesMatchesPyTorchIncludingStateGradients() { checkAgainstFixture("lstm two layers with h0 and c0"); }

    @Test
    void lstmBidirectionalWithoutBiasFromGivenStatesMatchesPyTorch() {
        checkAgainstFixture("lstm bidirectional without bias with h0 and c0");
    }

    @Test
    void lstmUnbatchedIgnoresBatchFirstAndTakesUnbatchedStates() {
        checkAgainstFixture("lstm unbatched batch_first with h0 and c0");
    }

    @Test
    void gruOneLayerMatchesPyTorch() { checkAgainstFixture("gru one layer"); }

    @Test
    void gruTwoLayersBidirectionalBatchFirstFromGivenStateMatchesPyTorch() {
        checkAgainstFixture("gru two layers bidirectional batch_first with h0");
    }

    @Test
    void gruOnUnbatchedInputFromGivenStateMatchesPyTorch() { checkAgainstFixture("gru unbatched with h0"); }

    @Test
    void gruWithoutBiasMatchesPyTorch() { checkAgainstFixture("gru without bias"); }

    @Test
    void rnnTanhTwoLayersBidirectionalMatchesPyTorch() { checkAgainstFixture("rnn tanh two layers bidirectional"); }

    @Test
    void rnnReluFromGivenStateMatchesPyTorch() { checkAgainstFixture("rnn relu with h0"); }

    @Test
    void rnnReluUnbatchedWithoutBiasMatchesPyTorch() { checkAgainstFixture("rnn relu unbatched batch_first without bias"); }

    @Test
    void lstmCellFromGivenStatesMatchesPyTorch() { checkAgainstFixture("lstm cell with states"); }

    @Test
    void lstmCellOnUnbatchedInputFromZeroStatesMatchesPyTorch() { checkAgainstFixture("lstm cell unbatched without states"); }

    @Test
    void gruCellFromGivenStateMatchesPyTorch() { checkAgainstFixture("gru cell with state"); }

    @Test
    void gruCellUnbatchedWithoutBiasMatchesPyTorch() { checkAgainstFixture("gru cell unbatched without bias"); }

    @Test
    void rnnCellTanhFromGivenStateMatchesPyTorch() { checkAgainstFixture("rnn cell tanh with state"); }

    @Test
    void rnnCellReluFromZeroStateMatchesPyTorch() { checkAgainstFixture("rnn cell relu without state"); }

    /** Ember's construction of each module in the fixture's {@code reprs} and {@code state_dicts}, by PyTorch call. */
    private static final Map<String, java.util.function.Supplier<Module>> CONSTRUCTIONS = Map.ofEntries(
            Map.entry("nn.LSTM(64, 256)", () -> new LSTM(64, 256)),
            Map.entry("nn.LSTM(10, 20, num_layers=2, batch_first=True, bidirectional=True)",
                    () -> new LSTM(10, 20, 2, true, true, 0, true)),
            Map.entry("nn.LSTM(10, 20, num_layers=3, bias=False, dropout=0.25)", () -> new LSTM(10, 20, 3, false, false, 0.25, false)),
            Map.entry("nn.LSTM(3, 4, num_layers=2, bidirectional=True)", () -> new LSTM(3, 4, 2, true, false, 0, true)),
            Map.entry("nn.GRU(3, 4, num_layers=2, dropout=0.5)", () -> new GRU(3, 4, 2, true, false, 0.5, false)),
            Map.entry("nn.GRU(5, 6, num_layers=2, bias=False)", () -> new GRU(5, 6, 2, false, false, 0, false)),
            Map.entry("nn.RNN(3, 4, nonlinearity='relu', bidirectional=True)", () -> new RNN(3, 4, 1, "relu", true, false, 0, true)),
            Map.entry("nn.RNN(2, 7, bidirectional=True)", () -> new RNN(2, 7, 1, "tanh", true, false, 0, true)),
            Map.entry("nn.LSTMCell(3, 4)", () -> new LSTMCell(3, 4)),
            Map.entry("nn.GRUCell(3, 4, bias=False)", () -> new GRUCell(3, 4, false)),
            Map.entry("nn.RNNCell(3, 4, nonlinearity='relu')", () -> new RNNCell(3, 4, true, "relu")),
            Map.entry("nn.RNNCell(3, 4, bias=False)", () -> new RNNCell(3, 4, false, "tanh")),
            Map.entry("nn.RNNCell(3, 4)", () -> new RNNCell(3, 4)));

    private static void checkKnownConstructions(String section, java.util.function.BiConsumer<Module, Object> check) {
        int checked = 0;
        for (Map.Entry<String, Object> e : JsonFixtures.object(ROOT, section).entrySet()) {
            var construction = CONSTRUCTIONS.get(e.getKey());
            if (construction == null) throw new AssertionError("no Ember construction for " + e.getKey());
            check.accept(construction.get(), e.getValue());
            checked++;
        }
        assertEquals(JsonFixtures.object(ROOT, section).size(), checked);
    }

    @Test
    void printoutsMatchPyTorch() {
        checkKnownConstructions("reprs", (module, expected) -> assertEquals(expected, module.toString()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void stateDictKeysAndShapesMatchPyTorch() {
        checkKnownConstructions("state_dicts", (module, expected) -> {
            Map<String, Object> shapes = (Map<String, Object>) expected;
            Map<String, Tensor> state = module.stateDict();
            assertEquals(new ArrayList<>(shapes.keySet()), new ArrayList<>(state.keySet()), module + " keys");
            shapes.forEach((key, shape) -> {
                List<Object> dims = (List<Object>) shape;
                long[] expectedShape = new long[dims.size()];
                for (int i = 0; i < expectedShape.length; i++) expectedShape[i] = ((JsonFixtures.Number) dims.get(i)).asLong();
                assertArrayEquals(expectedShape, state.get(key).shape(), module + " " + key);
            });
        });
    }
}
