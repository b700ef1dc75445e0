package dev.ember.optim;

import dev.ember.autograd.GradMode;
import dev.ember.tensor.OptimizerSupport;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The base of every optimizer, with PyTorch's semantics: parameter groups with per-group
 * options, per-parameter state created at the first step, {@link #zeroGrad()}, a
 * {@link #step()} that runs under {@code GradMode.noGrad()} and skips parameters without a
 * gradient, and a state dict keyed by parameter index.
 *
 * <pre>{@code
 * Optimizer opt = new Adam(model.parameters(), 1e-3);
 * opt.zeroGrad();
 * F.crossEntropy(model.forward(x), y).backward();
 * opt.step();
 * }</pre>
 *
 * <p>A subclass implements {@link #update} for one parameter and calls {@link #validate} on
 * its options; the constructor arguments {@code params} are tensors (one group) or
 * {@link ParamGroup}s.
 */
public abstract class Optimizer {
    private final String name;
    private final Map<String, Object> defaults;
    private final List<ParamGroup> paramGroups = new ArrayList<>();
    private final Map<Tensor, Map<String, Object>> state = new IdentityHashMap<>();
    /**
     * This package's optimizers use a gradient only within {@link #update}, so reading it does not
     * pin its memory (see {@link OptimizerSupport#gradientOf}); a subclass elsewhere may keep it in
     * its state, so it gets the gradient the way user code does.
     */
    private final boolean builtIn = getClass().getPackageName().equals(Optimizer.class.getPackageName());

    protected Optimizer(String name, Iterable<?> params, OptimizerOptions<?> options) {
        this.name = name;
        this.defaults = Collections.unmodifiableMap(new LinkedHashMap<>(options.values()));
        List<ParamGroup> groups = new ArrayList<>();
        List<Tensor> loose = new ArrayList<>();
        for (Object item : params) {
            if (item instanceof ParamGroup group) groups.add(group);
            else if (item instanceof Tensor tensor) loose.add(tensor);
            else throw new IllegalArgumentException(name + ": params must be Tensors or ParamGroups, got "
                    + (item == null ? "null" : item.getClass().getName()));
        }
        if (!groups.isEmpty() && !loose.isEmpty()) {
            throw new IllegalArgumentException(name + ": params mixes Tensors and ParamGroups; put every tensor in a ParamGroup");
        }
        if (groups.isEmpty()) {
            if (loose.isEmpty()) throw new IllegalArgumentException("optimizer got an empty parameter list");
            groups.add(new ParamGroup(loose));
        }
        for (ParamGroup group : groups) addParamGroup(group);
    }

    /**
     * Adds a group, filling the options it does not set from the defaults; a parameter may
     * belong to one group only.
     */
    public void addParamGroup(ParamGroup group) {
        for (Map.Entry<String, Object> option : defaults.entrySet()) {
            if (!group.has(option.getKey())) group.set(option.getKey(), option.getValue());
        }
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (ParamGroup other : paramGroups) seen.addAll(other.params());
        Set<Tensor> inGroup = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor p : group.params()) {
            if (p == null) throw new IllegalArgumentException(name + ": a parameter is null");
            if (!p.isLeaf()) throw new IllegalArgumentException("can't optimize a non-leaf Tensor");
            if (!p.isFloatingPoint()) {
                throw new IllegalArgumentException(name + " can only optimize floating-point Tensors, got " + p.dtype());
            }
            if (!inGroup.add(p)) throw new IllegalArgumentException("optimizer contains a parameter group with duplicate parameters");
            if (seen.contains(p)) throw new IllegalArgumentException("some parameters appear in more than one parameter group");
        }
        validate(group);
        paramGroups.add(group);
    }

    /** Checks a group's options, with PyTorch's messages ({@code Invalid learning rate: -0.1}). */
    protected abstract void validate(ParamGroup group);

    /**
     * One update of {@code param} from {@code grad}, in place, with the group's options and the
     * parameter's state (empty before its first step). Runs under {@code GradMode.noGrad()}.
     */
    protected abstract void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Object> state);

    /** Updates every parameter that has a gradient. */
    public void step() {
        try (GradMode.Guard noGrad = GradMode.noGrad()) {
            for (ParamGroup group : paramGroups) {
                for (Tensor param : group.params()) {
                    Tensor grad = builtIn ? OptimizerSupport.gradientOf(param) : param.grad();
                    if (grad == null) continue;
                    update(group, param, grad, state.computeIfAbsent(param, p -> new LinkedHashMap<>()));
                }
            }
        }
    }

    /** Evaluates {@code closure} (with gradients enabled: it should zero grads, compute the loss and call backward), then steps; returns the loss. */
    public Tensor step(Supplier<Tensor> closure) {
        Tensor loss;
        try (GradMode.Guard enabled = GradMode.enableGrad()) {
            loss = closure.get();
        }
        step();
        return loss;
    }

    /** Sets every parameter's gradient to null (PyTorch's {@code set_to_none=True}). */
    public void zeroGrad() { zeroGrad(true); }

    /** Sets gradients to null, or when {@code setToNone} is false, fills them with zeros in place. */
    public void zeroGrad(boolean setToNone) {
        try (GradMode.Guard noGrad = GradMode.noGrad()) {
            for (ParamGroup group : paramGroups) {
                for (Tensor param : group.params()) {
                    Tensor grad = OptimizerSupport.gradientOf(param);
                    if (grad == null) continue;
                    if (setToNone) {
                        param.setGrad(null);
                    } else {
                        if (grad.gradFn() != null) grad.detach_();
                        grad.zero_();
                    }
                }
            }
        }
    }

    /** The parameter groups, in order; their options are live (schedulers change {@code lr} there). */
    public List<ParamGroup> paramGroups() { return Collections.unmodifiableList(paramGroups); }

    /** The options given at construction, which groups inherit. */
    public Map<String, Object> defaults() { return defaults; }

    /** The state of one parameter (e.g. {@code expAvg}, {@code step}), empty before its first step. */
    public Map<String, Object> state(Tensor param) {
        Map<String, Object> s = state.get(param);
        return s == null ? Map.of() : Collections.unmodifiableMap(s);
    }

    /**
     * The optimizer's state as PyTorch lays it out: {@code "state"} maps each parameter's index
     * (counting through the groups in order) to its state, {@code "paramGroups"} lists each
     * group's options with {@code "params"} holding its parameters' indices. State tensors are
     * shared with the optimizer, not copied: save them before stepping again.
     */
    public Map<String, Object> stateDict() {
        Map<Integer, Map<String, Object>> packedState = new LinkedHashMap<>();
        List<Map<String, Object>> groups = new ArrayList<>();
        int index = 0;
        for (ParamGroup group : paramGroups) {
            Map<String, Object> packed = new LinkedHashMap<>(group.options());
            List<Integer> indices = new ArrayList<>();
            for (Tensor param : group.params()) {
                Map<String, Object> s = state.get(param);
                if (s != null && !s.isEmpty()) packedState.put(index, new LinkedHashMap<>(s));
                indices.add(index++);
            }
            packed.put("params", List.copyOf(indices));
            groups.add(packed);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("state", packedState);
        result.put("paramGroups", groups);
        return result;
    }

    /**
     * Restores a {@link #stateDict()}: group options are replaced by the saved ones and state
     * tensors are copied, cast to their parameter's dtype and device (except {@code step}).
     */
    public void loadStateDict(Map<String, ?> stateDict) {
        if (!(stateDict.get("paramGroups") instanceof List<?> savedGroups) || !(stateDict.get("state") instanceof Map<?, ?> savedState)) {
            throw new IllegalArgumentException("an optimizer state dict needs 'state' (a map) and 'paramGroups' (a list), got keys "
                    + stateDict.keySet());
        }
        if (savedGroups.size() != paramGroups.size()) {
            throw new IllegalArgumentException("loaded state dict has a different number of parameter groups");
        }
        List<Tensor> params = new ArrayList<>();
        for (int g = 0; g < paramGroups.size(); g++) {
            if (!(savedGroups.get(g) instanceof Map<?, ?> saved) || !(saved.get("params") instanceof List<?> indices)
                    || indices.size() != paramGroups.get(g).params().size()) {
                throw new IllegalArgumentException("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
            }
            params.addAll(paramGroups.get(g).params());
        }
        Map<Integer, Tensor> byIndex = new LinkedHashMap<>();
        int position = 0;
        for (Object saved : savedGroups) {
            for (Object id : (List<?>) ((Map<?, ?>) saved).get("params")) byIndex.put(indexOf(id), params.get(position++));
        }
        Map<Tensor, Map<String, Object>> restored = new IdentityHashMap<>();
        try (GradMode.Guard noGrad = GradMode.noGrad()) {
            for (Map.Entry<?, ?> entry : savedState.entrySet()) {
                Tensor param = byIndex.get(indexOf(entry.getKey()));
                if (param == null) continue;
                Map<String, Object> values = new LinkedHashMap<>();
                for (Map.Entry<?, ?> value : ((Map<?, ?>) entry.getValue()).entrySet()) {
                    String key = value.getKey().toString();
                    values.put(key, copyState(param, key, value.getValue()));
                }
                restored.put(param, values);
            }
        }
        state.clear();
        state.putAll(restored);
        for (int g = 0; g < paramGroups.size(); g++) {
            ParamGroup group = paramGroups.get(g);
            for (Map.Entry<?, ?> option : ((Map<?, ?>) savedGroups.get(g)).entrySet()) {
                if (!"params".equals(option.getKey())) group.set(option.getKey().toString(), option.getValue());
            }
        }
    }

    private static int indexOf(Object id) {
        if (id instanceof Number n) return n.intValue();
        if (id instanceof String s) return Integer.parseInt(s);
        throw new IllegalArgumentException("a state dict parameter index should be a number, got " + id);
    }

    private static Object copyState(Tensor param, String key, Object value) {
        if (!(value instanceof Tensor tensor)) return value;
        Tensor copy = tensor;
        if (!"step".equals(key)) copy = copy.to(param.dtype()).to(param.device());
        return keep(copy == tensor ? copy.clone() : copy.contiguous());
    }

    /** A new state tensor shaped like {@code param} and filled with {@code value}, kept across memory scopes. */
    protected static Tensor newState(Tensor param, double value) {
        return keep(value == 0 ? Tensor.zerosLike(param) : Tensor.fullLike(param, value));
    }

    /** A 0-dim float32 step counter, as PyTorch keeps for Adam, AdamW and Adagrad. */
    protected static Tensor newStepCounter() { return keep(Tensor.scalar(0f)); }

    /** Lets optimizer state outlive the memory scope of the step that made it. */
    protected static Tensor keep(Tensor tensor) { return OptimizerSupport.keepAcrossScopes(tensor); }

    /** Whether this group should use the backend's fused kernel (option {@code fused}, default true). */
    protected static boolean fused(ParamGroup group) { return !group.has("fused") || group.getBoolean("fused"); }

    protected static double flag(boolean value) { return value ? 1 : 0; }

    /** Throws {@code Invalid <what> value: <value>} when {@code ok} is false. */
    protected static void require(boolean ok, String what, Object value) {
        if (!ok) throw new IllegalArgumentException("Invalid " + what + ": " + value);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(name).append(" (");
        for (int g = 0; g < paramGroups.size(); g++) {
            text.append("\nParameter Group ").append(g);
            for (Map.Entry<String, Object> option : paramGroups.get(g).options().entrySet()) {
                text.append("\n    ").append(option.getKey()).append(": ").append(option.getValue());
            }
        }
        return text.append("\n)").toString();
    }
}
