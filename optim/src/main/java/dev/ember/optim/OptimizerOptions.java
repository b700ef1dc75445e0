package dev.ember.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The default options of an optimizer, set fluently; each optimizer has its own subclass
 * ({@code SGD.options()}, {@code Adam.options()}, ...) with setters for its options, named
 * like PyTorch's keyword arguments in camelCase.
 *
 * <pre>{@code
 * Optimizer opt = new Adam(model.parameters(), Adam.options().lr(3e-4).weightDecay(1e-2).amsgrad(true));
 * }</pre>
 *
 * @param <T> the concrete options type, returned by every setter
 */
public abstract class OptimizerOptions<T extends OptimizerOptions<T>> {
    private final Map<String, Object> values = new LinkedHashMap<>();

    protected OptimizerOptions(Map<String, Object> defaults) {
        defaults.forEach(this::put);
    }

    @SuppressWarnings("unchecked")
    protected final T put(String key, Object value) {
        values.put(key, ParamGroup.normalize(value));
        return (T) this;
    }

    public T lr(double lr) { return put("lr", lr); }

    public T weightDecay(double weightDecay) { return put("weightDecay", weightDecay); }

    /** Maximizes the objective instead of minimizing it. */
    public T maximize(boolean maximize) { return put("maximize", maximize); }

    /**
     * Uses the backend's fused per-parameter kernel when it has one (the default); false
     * composes the same update from tensor ops.
     */
    public T fused(boolean fused) { return put("fused", fused); }

    /** The options set so far, read-only. */
    public Map<String, Object> values() { return Collections.unmodifiableMap(values); }
}
