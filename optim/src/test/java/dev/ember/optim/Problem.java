package dev.ember.optim;

import dev.ember.devices.DType;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fixed objective of tools/fixtures/optim.py, its starting parameters and a factory that
 * builds any optimizer from a fixture case's options.
 */
final class Problem {
    static final Map<String, Object> FIXTURE = Json.resource("/fixtures/optim.json");

    private Problem() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) { return (Map<String, Object>) value; }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) { return (List<Object>) value; }

    static double[] doubles(Object value) {
        List<Object> values = list(value);
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((Number) values.get(i)).doubleValue();
        return out;
    }

    static long[] shape(Map<String, Object> spec) {
        return list(spec.get("shape")).stream().mapToLong(v -> ((Number) v).longValue()).toArray();
    }

    /** A fixture tensor spec as a tensor of {@code dtype}. */
    static Tensor tensor(Map<String, Object> spec, DType dtype) {
        return Tensor.of(doubles(spec.get("data")), shape(spec)).to(dtype);
    }

    static Tensor constant(String name, DType dtype) { return tensor(map(map(FIXTURE.get("problem")).get(name)), dtype); }

    /** Fresh leaf parameters w [3, 4], b [4], c [5, 7]. */
    static List<Tensor> parameters(DType dtype) {
        List<Tensor> params = new ArrayList<>();
        for (String name : List.of("w", "b", "c")) params.add(constant(name, dtype).clone().requiresGrad_(true));
        return params;
    }

    /**
     * mean((x @ w + b - target)^2) + 0.01 * sum(100 (b[1:] - b[:-1]^2)^2 + (1 - b[:-1])^2)
     * + sum(tanh(c) * k) + 0.05 * sum(c^4).
     */
    static Tensor loss(List<Tensor> params, DType dtype) {
        Tensor w = params.get(0);
        Tensor b = params.get(1);
        Tensor c = params.get(2);
        Tensor fit = constant("x", dtype).matmul(w).add(b).sub(constant("target", dtype)).pow(2).mean();
        Tensor head = b.narrow(0, 0, 3);
        Tensor tail = b.narrow(0, 1, 3);
        Tensor rosenbrock = tail.sub(head.pow(2)).pow(2).mul(100.0).add(head.rsub(1).pow(2)).sum().mul(0.01);
        Tensor tanhTerm = c.tanh().mul(constant("k", dtype)).sum().add(c.pow(4).sum().mul(0.05));
        return fit.add(rosenbrock).add(tanhTerm);
    }

    static DType dtype(Map<String, Object> optimizerCase) {
        return "float64".equals(optimizerCase.get("dtype")) ? DType.FLOAT64 : DType.FLOAT32;
    }

    /**
     * The case's optimizer over {@code params}: every option (case defaults merged with the
     * group's own) goes into the groups, so the optimizer's defaults only fill what PyTorch's
     * defaults fill.
     */
    static Optimizer optimizer(Map<String, Object> optimizerCase, List<Tensor> params, boolean fused) {
        Map<String, Object> defaults = new LinkedHashMap<>(map(optimizerCase.get("options")));
        defaults.put("fused", fused);
        List<ParamGroup> groups = new ArrayList<>();
        if (optimizerCase.containsKey("groups")) {
            for (Object g : list(optimizerCase.get("groups"))) {
                Map<String, Object> options = new LinkedHashMap<>(defaults);
                options.putAll(map(map(g).get("options")));
                List<Tensor> members = new ArrayList<>();
                for (Object index : list(map(g).get("params"))) members.add(params.get(((Number) index).intValue()));
                groups.add(new ParamGroup(members, options));
            }
        } else {
            groups.add(new ParamGroup(params, defaults));
        }
        String name = (String) optimizerCase.get("optimizer");
        return switch (name) {
            case "SGD" -> new SGD(groups, SGD.options().lr(((Number) defaults.get("lr")).doubleValue()));
            case "Adam" -> new Adam(groups);
            case "AdamW" -> new AdamW(groups);
            case "RMSprop" -> new RMSprop(groups);
            case "Adagrad" -> new Adagrad(groups);
            case "Adadelta" -> new Adadelta(groups);
            default -> throw new IllegalArgumentException("unknown optimizer " + name);
        };
    }

    static boolean maximize(Map<String, Object> optimizerCase) {
        return Boolean.TRUE.equals(map(optimizerCase.get("options")).get("maximize"));
    }

    /** One training step on the objective (negated when maximizing, as the fixture does). */
    static void trainStep(Optimizer optimizer, List<Tensor> params, DType dtype, boolean maximize) {
        optimizer.zeroGrad();
        Tensor loss = loss(params, dtype);
        if (maximize) loss = loss.mul(-1.0);
        loss.backward();
        optimizer.step();
    }

    /** All parameters flattened and concatenated, in order. */
    static double[] flatten(List<Tensor> params) {
        List<double[]> parts = new ArrayList<>();
        int total = 0;
        for (Tensor p : params) {
            double[] values = p.detach().toDoubleArray();
            parts.add(values);
            total += values.length;
        }
        double[] out = new double[total];
        int at = 0;
        for (double[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    static String describe(Map<String, Object> optimizerCase) {
        return optimizerCase.get("optimizer") + " " + optimizerCase.get("options") + " " + optimizerCase.get("dtype")
                + (optimizerCase.containsKey("groups") ? " groups " + optimizerCase.get("groups") : "");
    }
}
