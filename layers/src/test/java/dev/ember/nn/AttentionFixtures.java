package dev.ember.nn;

import static dev.ember.nn.LinearTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code nn_attention.json} (written by {@code tools/fixtures/nn_attention.py}): builds the
 * case's module with PyTorch's parameters, runs it, and checks output, weights and gradients.
 */
final class AttentionFixtures {
    private AttentionFixtures() {}

    static final Map<String, Object> DOCUMENT = JsonFixtures.load("nn_attention.json");

    static Map<String, Object> fixtureCase(String name) { return JsonFixtures.caseNamed(DOCUMENT, name); }

    /** A tensor, or null; boolean masks are stored as int64 0/1 marked {@code "bool": true}. */
    @SuppressWarnings("unchecked")
    static Tensor tensorOrNull(Object spec) {
        if (spec == null) return null;
        Tensor t = JsonFixtures.tensor(spec);
        return Boolean.TRUE.equals(((Map<String, Object>) spec).get("bool")) ? t.ne(0) : t;
    }

    static boolean flag(Map<String, Object> c, String key) { return Boolean.TRUE.equals(c.get(key)); }

    static long number(Map<String, Object> config, String key) { return ((JsonFixtures.Number) config.get(key)).asLong(); }

    static MultiheadAttention multiheadAttention(Map<String, Object> config) {
        return new MultiheadAttention(number(config, "embed_dim"), number(config, "num_heads"), 0.0, flag(config, "bias"),
                flag(config, "batch_first"));
    }

    static TransformerEncoderLayer encoderLayer(Map<String, Object> config) {
        return new TransformerEncoderLayer(number(config, "d_model"), number(config, "nhead"), number(config, "dim_feedforward"),
                0.0, (String) config.get("activation"), ((JsonFixtures.Number) config.get("layer_norm_eps")).asDouble(),
                flag(config, "batch_first"), flag(config, "norm_first"));
    }

    /** The module a case describes, with PyTorch's parameters loaded (strictly). */
    static Module module(Map<String, Object> c) {
        Map<String, Object> config = JsonFixtures.object(c, "module");
        Module module = switch ((String) config.get("type")) {
            case "mha" -> multiheadAttention(config);
            case "encoder_layer" -> encoderLayer(config);
            case "encoder" -> new TransformerEncoder(encoderLayer(JsonFixtures.object(config, "layer")),
                    (int) number(config, "num_layers"),
                    flag(config, "final_norm") ? new LayerNorm(number(JsonFixtures.object(config, "layer"), "d_model")) : null);
            default -> throw new IllegalArgumentException("unknown module type " + config.get("type"));
        };
        Map<String, Tensor> state = new LinkedHashMap<>();
        JsonFixtures.object(c, "params").forEach((key, spec) -> state.put(key, JsonFixtures.tensor(spec)));
        module.loadStateDict(state);
        return module;
    }

    static List<Tensor> inputs(Map<String, Object> c) {
        List<Tensor> inputs = new ArrayList<>();
        for (Object spec : JsonFixtures.list(c, "inputs")) inputs.add(JsonFixtures.tensor(spec).requiresGrad_(true));
        return inputs;
    }

    /** Runs the named case and checks everything it stores against PyTorch. */
    static void check(String name) {
        Map<String, Object> c = fixtureCase(name);
        Module module = module(c);
        List<Tensor> inputs = inputs(c);
        Tensor keyPaddingMask = tensorOrNull(c.get("key_padding_mask"));
        Tensor attnMask = tensorOrNull(c.get("attn_mask"));
        Tensor output;
        if (module instanceof MultiheadAttention attention) {
            Tensor query = inputs.get(0);
            Tensor key = flag(c, "self_attention") ? query : inputs.get(1);
            Tensor value = flag(c, "self_attention") || flag(c, "key_is_value") ? key : inputs.get(2);
            MultiheadAttention.Result result = attention.forward(query, key, value, keyPaddingMask, flag(c, "need_weights"),
                    attnMask, flag(c, "average_attn_weights"));
            output = result.output();
            if (c.get("weights") == null) assertNull(result.weights(), name + " weights");
            else assertClose(JsonFixtures.tensor(c.get("weights")), result.weights(), name + " weights");
        } else if (module instanceof TransformerEncoderLayer layer) {
            output = layer.forward(inputs.get(0), attnMask, keyPaddingMask);
        } else {
            output = ((TransformerEncoder) module).forward(inputs.get(0), attnMask, keyPaddingMask);
        }
        assertClose(JsonFixtures.tensor(c.get("output")), output, name + " output");
        output.mul(JsonFixtures.tensor(c.get("grad_output"))).sum().backward();
        List<Object> inputGrads = JsonFixtures.list(c, "input_grads");
        assertEquals(inputGrads.size(), inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            assertClose(JsonFixtures.tensor(inputGrads.get(i)), inputs.get(i).grad(), name + " grad of input " + i);
        }
        Map<String, Parameter> named = module.namedParameters();
        Map<String, Object> paramGrads = JsonFixtures.object(c, "param_grads");
        assertEquals(paramGrads.keySet(), named.keySet(), name + " parameter names");
        paramGrads.forEach((key, spec) -> assertClose(JsonFixtures.tensor(spec), named.get(key).grad(), name + " grad of " + key));
    }

    /** PyTorch's state dict of the named module as "key [shape]" lines. */
    @SuppressWarnings("unchecked")
    static List<String> stateDictShapes(String which) {
        List<String> lines = new ArrayList<>();
        for (Object entry : JsonFixtures.list(JsonFixtures.object(DOCUMENT, "state_dicts"), which)) {
            List<Object> pair = (List<Object>) entry;
            List<String> sizes = new ArrayList<>();
            for (Object size : (List<Object>) pair.get(1)) sizes.add(((JsonFixtures.Number) size).text());
            lines.add(pair.get(0) + " [" + String.join(", ", sizes) + "]");
        }
        return lines;
    }

    static List<String> stateDictShapes(Module module) {
        List<String> lines = new ArrayList<>();
        module.stateDict().forEach((key, t) -> lines.add(key + " " + java.util.Arrays.toString(t.shape())));
        return lines;
    }

    /** PyTorch's repr, with its {@code NonDynamicallyQuantizableLinear} (a Linear subclass) read as {@code Linear}. */
    static String repr(String which) {
        return ((String) JsonFixtures.object(DOCUMENT, "reprs").get(which)).replace("NonDynamicallyQuantizableLinear", "Linear");
    }
}
