package dev.ember.optim;

import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A list of parameters optimized with the same options (lr, weightDecay, momentum, ...), like a
 * PyTorch {@code param_group} dict. Options a group does not set come from the optimizer's
 * defaults when the group is added; schedulers change options such as {@code lr} in place.
 *
 * <pre>{@code
 * Optimizer opt = new SGD(List.of(new ParamGroup(backbone), new ParamGroup(head).set("lr", 0.01)),
 *         SGD.options().lr(0.1).momentum(0.9));
 * opt.paramGroups().get(1).lr();   // 0.01
 * }</pre>
 *
 * <p>Option values are {@link Double}s for numbers, {@link Boolean}s for flags and immutable
 * {@code List<Double>}s for pairs such as Adam's {@code betas}.
 */
public final class ParamGroup {
    private final List<Tensor> params;
    private final Map<String, Object> options = new LinkedHashMap<>();

    public ParamGroup(Iterable<? extends Tensor> params) {
        List<Tensor> list = new ArrayList<>();
        for (Tensor p : params) list.add(p);
        this.params = Collections.unmodifiableList(list);
    }

    public ParamGroup(Iterable<? extends Tensor> params, Map<String, ?> options) {
        this(params);
        options.forEach(this::set);
    }

    /** The parameters of this group, in order. */
    public List<Tensor> params() { return params; }

    /** The options of this group (a read-only view); change them with {@link #set}. */
    public Map<String, Object> options() { return Collections.unmodifiableMap(options); }

    public boolean has(String key) { return options.containsKey(key); }

    public Object get(String key) {
        Object value = options.get(key);
        if (value == null && !options.containsKey(key)) {
            throw new IllegalArgumentException("parameter group has no option '" + key + "'; it has " + options.keySet());
        }
        return value;
    }

    public double getDouble(String key) {
        Object value = get(key);
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException("option '" + key + "' should be a number, got " + value);
        }
        return number.doubleValue();
    }

    public boolean getBoolean(String key) {
        Object value = get(key);
        if (!(value instanceof Boolean flag)) {
            throw new IllegalArgumentException("option '" + key + "' should be a boolean, got " + value);
        }
        return flag;
    }

    /** A pair option such as {@code betas}, as {@code [first, second]}. */
    public double[] getPair(String key) {
        Object value = get(key);
        if (value instanceof List<?> list && list.size() == 2 && list.get(0) instanceof Number a && list.get(1) instanceof Number b) {
            return new double[] {a.doubleValue(), b.doubleValue()};
        }
        if (value instanceof double[] array && array.length == 2) return array.clone();
        throw new IllegalArgumentException("option '" + key + "' should be a pair of numbers, got " + value);
    }

    /** Sets an option (numbers are stored as doubles, arrays as immutable lists); returns this group. */
    public ParamGroup set(String key, Object value) {
        options.put(key, normalize(value));
        return this;
    }

    public double lr() { return getDouble("lr"); }

    public ParamGroup setLr(double lr) { return set("lr", lr); }

    static Object normalize(Object value) {
        if (value instanceof Number number && !(value instanceof Double)) return number.doubleValue();
        if (value instanceof double[] array) {
            List<Double> list = new ArrayList<>(array.length);
            for (double v : array) list.add(v);
            return List.copyOf(list);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object v : list) copy.add(normalize(v));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }

    @Override
    public String toString() { return "ParamGroup(" + params.size() + " params, " + options + ")"; }
}
