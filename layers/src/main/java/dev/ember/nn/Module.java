package dev.ember.nn;

import dev.ember.autograd.GradMode;
import dev.ember.autograd.RemovableHandle;
import dev.ember.devices.DType;
import dev.ember.devices.Device;
import dev.ember.nn.ModuleRegistry.Entry;
import dev.ember.nn.ModuleRegistry.Kind;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The base class of every layer and model, like {@code torch.nn.Module}: it holds named
 * parameters, buffers and child modules, switches between training and evaluation, moves
 * itself between devices and dtypes, saves and restores its state, and runs hooks around
 * {@link #forward}.
 *
 * <p>Registration. Non-static, non-transient fields that hold a {@link Parameter}, a
 * {@link Module} or another {@link Tensor} (a buffer) are registered under the field's name in
 * PyTorch's snake_case ({@code runningMean} is {@code running_mean}), so that state dicts match
 * PyTorch's keys; fields are read afresh on every query, so assigning a field later is seen.
 * {@link #registerModule}, {@link #registerParameter} and {@link #registerBuffer} register
 * values under exact names (containers such as {@link Sequential} use them). Fields come first in
 * declaration order (superclass fields first), then explicit registrations in insertion order;
 * if a field and an explicit registration share a name, the later assignment wins. Hold lists
 * of modules in a {@link ModuleList}, not a Java list, so that they are registered.
 *
 * <pre>{@code
 * class Net extends Module {
 *     Linear hidden = new Linear(784, 128);
 *     Linear out = new Linear(128, 10);
 *     @Override public Tensor forward(Tensor x) { return out.call(hidden.call(x).relu()); }
 * }
 * Net net = new Net();
 * net.namedParameters().keySet();   // [hidden.weight, hidden.bias, out.weight, out.bias]
 * Tensor logits = net.call(x);      // runs hooks, then forward
 * }</pre>
 */
public abstract class Module {

    /** Called before {@link #forward} by {@link #call}; may return replacement inputs, or null to keep them. */
    @FunctionalInterface
    public interface ForwardPreHook {
        Tensor[] apply(Module module, Tensor[] inputs);
    }

    /** Called after {@link #forward} by {@link #call}; may return a replacement output, or null to keep it. */
    @FunctionalInterface
    public interface ForwardHook {
        Tensor apply(Module module, Tensor[] inputs, Tensor output);
    }

    private static final ClassValue<boolean[]> FORWARD_OVERRIDES = new ClassValue<>() {
        @Override
        protected boolean[] computeValue(Class<?> type) {
            return new boolean[] {overrides(type, Tensor.class), overrides(type, Tensor[].class)};
        }
    };

    private final ModuleRegistry registry = new ModuleRegistry(this);
    private final Map<Long, ForwardPreHook> forwardPreHooks = new LinkedHashMap<>();
    private final Map<Long, ForwardHook> forwardHooks = new LinkedHashMap<>();
    private long nextHookId;
    /** True in training mode (the default), false after {@link #eval()}; PyTorch's {@code training}. */
    protected boolean training = true;

    protected Module() {}

    // ---------------------------------------------------------------- forward

    /**
     * The computation of a single-input module. Call {@link #call} rather than this method
     * directly when hooks should run (containers do).
     */
    public Tensor forward(Tensor input) {
        if (FORWARD_OVERRIDES.get(getClass())[1]) return forward(new Tensor[] {input});
        throw new IllegalStateException("Module [" + getName() + "] is missing the required \"forward\" function");
    }

    /**
     * The computation of a module with several inputs (such as {@link Bilinear}), which
     * overrides this method; by default one input goes to {@link #forward(Tensor)}.
     */
    public Tensor forward(Tensor... inputs) {
        if (inputs.length == 1) {
            if (FORWARD_OVERRIDES.get(getClass())[0]) return forward(inputs[0]);
            throw new IllegalStateException("Module [" + getName() + "] is missing the required \"forward\" function");
        }
        throw new IllegalArgumentException(getName() + ".forward() takes 1 input but " + inputs.length + " were given");
    }

    /**
     * Runs the forward pre-hooks, {@link #forward} and the forward hooks, like calling a module
     * in PyTorch ({@code module(x)}).
     *
     * <pre>{@code
     * Tensor y = linear.call(x);
     * }</pre>
     */
    public final Tensor call(Tensor... inputs) {
        if (forwardPreHooks.isEmpty() && forwardHooks.isEmpty()) return dispatch(inputs);
        Tensor[] arguments = inputs;
        for (ForwardPreHook hook : List.copyOf(forwardPreHooks.values())) {
            Tensor[] replaced = hook.apply(this, arguments);
            if (replaced != null) arguments = replaced;
        }
        Tensor output = dispatch(arguments);
        for (ForwardHook hook : List.copyOf(forwardHooks.values())) {
            Tensor replaced = hook.apply(this, arguments, output);
            if (replaced != null) output = replaced;
        }
        return output;
    }

    private Tensor dispatch(Tensor[] inputs) { return inputs.length == 1 ? forward(inputs[0]) : forward(inputs); }

    /**
     * Registers a hook run before every {@link #call}, in registration order.
     *
     * <pre>{@code
     * RemovableHandle h = model.registerForwardPreHook((m, in) -> null);
     * h.remove();
     * }</pre>
     */
    public RemovableHandle registerForwardPreHook(ForwardPreHook hook) {
        long id = nextHookId++;
        forwardPreHooks.put(id, hook);
        return () -> forwardPreHooks.remove(id);
    }

    /** Registers a hook run after every {@link #call}, in registration order. */
    public RemovableHandle registerForwardHook(ForwardHook hook) {
        long id = nextHookId++;
        forwardHooks.put(id, hook);
        return () -> forwardHooks.remove(id);
    }

    // ---------------------------------------------------------------- registration

    /**
     * Registers {@code module} (or null) as a child named {@code name}; returns it.
     *
     * <pre>{@code
     * Linear head = registerModule("head", new Linear(128, 10));
     * }</pre>
     */
    public <M extends Module> M registerModule(String name, M module) {
        registry.register(name, Kind.MODULE, module, true);
        return module;
    }

    /** Same as {@link #registerModule}, PyTorch's {@code add_module}. */
    public <M extends Module> M addModule(String name, M module) { return registerModule(name, module); }

    /** Registers {@code parameter} (or null, which keeps the name out of parameters and state dicts); returns it. */
    public Parameter registerParameter(String name, Parameter parameter) {
        registry.register(name, Kind.PARAMETER, parameter, true);
        return parameter;
    }

    /** Registers a persistent buffer: state that is saved in state dicts but is not trained (running statistics). */
    public Tensor registerBuffer(String name, Tensor buffer) { return registerBuffer(name, buffer, true); }

    /** Registers a buffer; a non-persistent one moves with {@link #to} but is left out of {@link #stateDict()}. */
    public Tensor registerBuffer(String name, Tensor buffer, boolean persistent) {
        if (buffer instanceof Parameter) {
            throw new IllegalArgumentException("cannot assign Parameter as buffer '" + name + "' (use registerParameter)");
        }
        registry.register(name, Kind.BUFFER, buffer, persistent);
        return buffer;
    }

    /** Removes an explicit registration (containers use this); returns the removed value or null. */
    protected Object unregister(String name) { return registry.unregister(name); }

    /** The child, grandchild, ... at a dotted path such as {@code "features.0"}, like {@code get_submodule}. */
    public Module getSubmodule(String target) {
        if (target.isEmpty()) return this;
        Module module = this;
        StringBuilder path = new StringBuilder();
        for (String part : target.split("\\.", -1)) {
            Module child = module.ownChildren().get(part);
            if (child == null) {
                throw new IllegalArgumentException(module.getName() + (path.isEmpty() ? "" : " at '" + path + "'")
                        + " has no attribute `" + part + "`");
            }
            if (!path.isEmpty()) path.append('.');
            path.append(part);
            module = child;
        }
        return module;
    }

    /** The parameter at a dotted path such as {@code "features.0.weight"}. */
    public Parameter getParameter(String target) {
        int dot = target.lastIndexOf('.');
        Module owner = getSubmodule(dot < 0 ? "" : target.substring(0, dot));
        Object value = owner.registry.of(Kind.PARAMETER).get(target.substring(dot + 1));
        if (value == null) throw new IllegalArgumentException(owner.getName() + " has no parameter `" + target.substring(dot + 1) + "`");
        return (Parameter) value;
    }

    /** The buffer at a dotted path such as {@code "bn.running_mean"}. */
    public Tensor getBuffer(String target) {
        int dot = target.lastIndexOf('.');
        Module owner = getSubmodule(dot < 0 ? "" : target.substring(0, dot));
        Object value = owner.registry.of(Kind.BUFFER).get(target.substring(dot + 1));
        if (value == null) throw new IllegalArgumentException(owner.getName() + " has no buffer `" + target.substring(dot + 1) + "`");
        return (Tensor) value;
    }

    // ---------------------------------------------------------------- traversal

    /** Every parameter of this module and its descendants, each once, in registration order. */
    public List<Parameter> parameters() { return parameters(true); }

    /** The parameters; only this module's own when {@code recurse} is false. */
    public List<Parameter> parameters(boolean recurse) { return new ArrayList<>(namedParameters(recurse).values()); }

    /** Parameters by dotted name ({@code features.0.weight}), each parameter once, like {@code named_parameters}. */
    public LinkedHashMap<String, Parameter> namedParameters() { return namedParameters(true); }

    public LinkedHashMap<String, Parameter> namedParameters(boolean recurse) {
        LinkedHashMap<String, Parameter> result = new LinkedHashMap<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<String, Module> m : recurse ? namedModules().entrySet() : Map.of("", this).entrySet()) {
            for (Entry e : m.getValue().registry.entries()) {
                if (e.kind() == Kind.PARAMETER && seen.add(e.value())) {
                    result.put(prefixed(m.getKey(), e.name()), (Parameter) e.value());
                }
            }
        }
        return result;
    }

    /** Every buffer of this module and its descendants, each once. */
    public List<Tensor> buffers() { return new ArrayList<>(namedBuffers().values()); }

    /** Buffers by dotted name ({@code bn.running_mean}), like {@code named_buffers}. */
    public LinkedHashMap<String, Tensor> namedBuffers() {
        LinkedHashMap<String, Tensor> result = new LinkedHashMap<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<String, Module> m : namedModules().entrySet()) {
            for (Entry e : m.getValue().registry.entries()) {
                if (e.kind() == Kind.BUFFER && seen.add(e.value())) result.put(prefixed(m.getKey(), e.name()), (Tensor) e.value());
            }
        }
        return result;
    }

    /** The direct children, each once. */
    public List<Module> children() { return new ArrayList<>(namedChildren().values()); }

    /** The direct children by name, each module once. */
    public LinkedHashMap<String, Module> namedChildren() {
        LinkedHashMap<String, Module> result = new LinkedHashMap<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<String, Module> e : ownChildren().entrySet()) {
            if (seen.add(e.getValue())) result.put(e.getKey(), e.getValue());
        }
        return result;
    }

    /** This module and all its descendants, each once, in pre-order. */
    public List<Module> modules() { return new ArrayList<>(namedModules().values()); }

    /** This module (named {@code ""}) and all its descendants by dotted name, each once, in pre-order. */
    public LinkedHashMap<String, Module> namedModules() {
        LinkedHashMap<String, Module> result = new LinkedHashMap<>();
        collectModules("", Collections.newSetFromMap(new IdentityHashMap<>()), result);
        return result;
    }

    private void collectModules(String prefix, Set<Module> seen, LinkedHashMap<String, Module> result) {
        if (!seen.add(this)) return;
        result.put(prefix, this);
        for (Map.Entry<String, Module> e : ownChildren().entrySet()) e.getValue().collectModules(prefixed(prefix, e.getKey()), seen, result);
    }

    /** This module's registered children, by name, without deduplication. */
    LinkedHashMap<String, Module> ownChildren() {
        LinkedHashMap<String, Module> result = new LinkedHashMap<>();
        for (Entry e : registry.entries()) if (e.kind() == Kind.MODULE) result.put(e.name(), (Module) e.value());
        return result;
    }

    private static String prefixed(String prefix, String name) { return prefix.isEmpty() ? name : prefix + "." + name; }

    /**
     * Calls {@code function} on every child (recursively) and then on this module, like
     * PyTorch's {@code apply}; returns this module.
     *
     * <pre>{@code
     * model.apply(m -> { if (m instanceof Linear l) Init.zeros_(l.bias); });
     * }</pre>
     */
    public Module apply(Consumer<Module> function) {
        for (Module child : children()) child.apply(function);
        function.accept(this);
        return this;
    }

    // ---------------------------------------------------------------- modes and gradients

    /** Puts this module and its descendants in training mode; returns this module. */
    public Module train() { return train(true); }

    /** Sets training ({@code true}) or evaluation mode on this module and its descendants. */
    public Module train(boolean mode) {
        training = mode;
        for (Module child : children()) child.train(mode);
        return this;
    }

    /** Evaluation mode: dropout passes inputs through, batch norm uses its running statistics. */
    public Module eval() { return train(false); }

    public boolean isTraining() { return training; }

    /** Sets the gradient of every parameter to null (PyTorch's default {@code set_to_none=True}). */
    public void zeroGrad() {
        for (Parameter p : parameters()) p.setGrad(null);
    }

    /** Sets {@code requiresGrad} on every parameter, e.g. to freeze a pretrained part; returns this module. */
    public Module requiresGrad_(boolean requiresGrad) {
        for (Parameter p : parameters()) p.requiresGrad_(requiresGrad);
        return this;
    }

    // ---------------------------------------------------------------- device and dtype

    /**
     * Moves every parameter and buffer to {@code device}; returns this module.
     *
     * <p>A tensor's memory and device are fixed, so a parameter that has to move is replaced
     * by a new {@link Parameter} (its field or registration is updated, tied parameters stay
     * tied, and its gradient moves too). References to the old parameter objects, such as
     * those an optimizer holds, then go stale: move the model before creating its optimizer,
     * as PyTorch recommends. Parameters already on {@code device} are kept as they are.
     *
     * <pre>{@code
     * model.to(Device.cuda(0));
     * Optimizer opt = new Adam(model.parameters(), 1e-3);
     * }</pre>
     */
    public Module to(Device device) {
        convert(t -> t.to(device));
        return this;
    }

    /**
     * Casts the floating-point parameters and buffers to {@code dtype} (integer buffers such as
     * counters keep theirs, as in PyTorch); same replacement rules as {@link #to(Device)}.
     */
    public Module to(DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("nn.Module.to only accepts floating point dtypes, but got desired dtype=" + dtype);
        }
        convert(t -> t.isFloatingPoint() ? t.to(dtype) : t);
        return this;
    }

    private void convert(UnaryOperator<Tensor> conversion) {
        Map<Tensor, Tensor> converted = new IdentityHashMap<>();
        try (var mode = GradMode.noGrad()) {
            for (Module module : modules()) module.convertOwn(conversion, converted);
        }
    }

    private void convertOwn(UnaryOperator<Tensor> conversion, Map<Tensor, Tensor> converted) {
        for (Entry e : registry.entries()) {
            if (e.kind() == Kind.MODULE) continue;
            Tensor old = (Tensor) e.value();
            Tensor replacement = converted.get(old);
            if (replacement == null) {
                Tensor data = conversion.apply(old);
                if (data == old) {
                    replacement = old;
                } else if (old instanceof Parameter p) {
                    Parameter moved = new Parameter(data, p.requiresGrad());
                    if (p.grad() != null) moved.setGrad(conversion.apply(p.grad()));
                    replacement = moved;
                } else {
                    replacement = data;
                }
                converted.put(old, replacement);
            }
            if (replacement != old) registry.replace(e.name(), replacement);
        }
    }

    // ---------------------------------------------------------------- state dicts

    /**
     * The parameters and persistent buffers by dotted name, detached (sharing memory with the
     * module), like PyTorch's {@code state_dict}; a module reachable under two names appears
     * under both.
     *
     * <pre>{@code
     * Map<String, Tensor> state = model.stateDict();   // {0.weight=..., 0.bias=..., ...}
     * other.loadStateDict(state);
     * }</pre>
     */
    public LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> result = new LinkedHashMap<>();
        collectState("", result);
        return result;
    }

    private void collectState(String prefix, LinkedHashMap<String, Tensor> result) {
        List<Entry> entries = registry.entries();
        for (Entry e : entries) {
            if (e.kind() == Kind.PARAMETER) result.put(prefix + e.name(), ((Tensor) e.value()).detach());
        }
        for (Entry e : entries) {
            if (e.kind() == Kind.BUFFER && e.persistent()) result.put(prefix + e.name(), ((Tensor) e.value()).detach());
        }
        for (Entry e : entries) {
            if (e.kind() == Kind.MODULE) ((Module) e.value()).collectState(prefix + e.name() + ".", result);
        }
    }

    /** {@link #loadStateDict(Map, boolean)} with {@code strict = true}. */
    public IncompatibleKeys loadStateDict(Map<String, Tensor> stateDict) { return loadStateDict(stateDict, true); }

    /**
     * Writes {@link #stateDict()} to {@code path} in the safetensors format, atomically (a crash
     * mid-save leaves any earlier file intact).
     *
     * <pre>{@code
     * model.save(Path.of("model.safetensors"));
     * }</pre>
     */
    public void save(java.nio.file.Path path) throws java.io.IOException {
        dev.ember.tensor.io.SafeTensors.save(stateDict(), path);
    }

    /** Loads a safetensors file written by {@link #save} (or by PyTorch's safetensors tools) into this module, strictly. */
    public IncompatibleKeys load(java.nio.file.Path path) throws java.io.IOException {
        return loadStateDict(dev.ember.tensor.io.SafeTensors.load(path), true);
    }

    /**
     * Copies values from {@code stateDict} into this module's parameters and persistent buffers
     * in place (under no-grad, casting dtypes), like PyTorch's {@code load_state_dict}. Every
     * key is checked before anything is copied, so on an error the module is unchanged.
     *
     * @param strict when true, missing and unexpected keys are errors; when false they are only
     *               reported in the result
     * @return the keys the module has but the map lacks, and the keys the module does not have
     * @throws IllegalArgumentException listing the missing and unexpected keys (when strict) and
     *         every size mismatch, e.g. {@code size mismatch for fc.weight: copying a param with
     *         shape [10, 20] from checkpoint, the shape in current model is [10, 30].}
     */
    public IncompatibleKeys loadStateDict(Map<String, Tensor> stateDict, boolean strict) {
        LinkedHashMap<String, Tensor> targets = stateDict();
        return StateDictLoad.load(getName(), targets, stateDict, strict);
    }

    // ---------------------------------------------------------------- printing

    /** The class name PyTorch's repr shows. */
    protected String getName() {
        Class<?> type = getClass();
        // Anonymous subclasses have no name of their own: show the class they extend.
        while (type.getSimpleName().isEmpty()) type = type.getSuperclass();
        return type.getSimpleName();
    }

    /** The hyperparameters shown inside this module's printout, e.g. {@code in_features=784, out_features=10, bias=True}. */
    public String extraRepr() { return ""; }

    /**
     * PyTorch's module printout: the name, {@link #extraRepr()} and each child indented.
     *
     * <pre>{@code
     * Sequential(
     *   (0): Linear(in_features=784, out_features=10, bias=True)
     *   (1): ReLU()
     * )
     * }</pre>
     */
    @Override
    public String toString() {
        String extra = extraRepr();
        List<String> extraLines = extra.isEmpty() ? List.of() : List.of(extra.split("\n", -1));
        List<String> childLines = new ArrayList<>();
        for (Map.Entry<String, Module> e : ownChildren().entrySet()) {
            childLines.add("(" + e.getKey() + "): " + indentAfterFirstLine(e.getValue().toString(), 2));
        }
        StringBuilder text = new StringBuilder(getName()).append('(');
        if (extraLines.size() == 1 && childLines.isEmpty()) {
            text.append(extraLines.get(0));
        } else if (!extraLines.isEmpty() || !childLines.isEmpty()) {
            List<String> lines = new ArrayList<>(extraLines);
            lines.addAll(childLines);
            text.append("\n  ").append(String.join("\n  ", lines)).append('\n');
        }
        return text.append(')').toString();
    }

    private static String indentAfterFirstLine(String text, int spaces) {
        if (text.indexOf('\n') < 0) return text;
        return text.replace("\n", "\n" + " ".repeat(spaces));
    }

    /**
     * {@code forward(Tensor...)}'s arguments when only the first is required (a recurrent layer's
     * input, then its optional states): checks the count against {@code names} and pads with nulls.
     */
    protected Tensor[] optionalTrailingInputs(Tensor[] inputs, String... names) {
        if (inputs.length < 1 || inputs.length > names.length) {
            throw new IllegalArgumentException(getName() + ".forward() takes 1 " + (names.length == 2 ? "or" : "to") + " "
                    + names.length + " inputs (" + String.join(", ", names) + ") but " + inputs.length + " were given");
        }
        return java.util.Arrays.copyOf(inputs, names.length);
    }

    /** PyTorch's repr of a boolean in {@link #extraRepr()}: {@code True} or {@code False}. */
    protected static String pythonBoolean(boolean value) { return value ? "True" : "False"; }

    /**
     * Python's repr of a float in {@link #extraRepr()}: the shortest digits that read back, in
     * scientific form below 1e-4 and from 1e16 ({@code 1e-05}, {@code 1e+16}), else with a point
     * ({@code 0.1}, {@code 100.0}), where Java would write {@code 1.0E-5}.
     */
    protected static String pythonFloat(double value) {
        if (Double.isNaN(value)) return "nan";
        if (Double.isInfinite(value)) return value > 0 ? "inf" : "-inf";
        if (value == 0) return 1 / value < 0 ? "-0.0" : "0.0";
        // Double.toString gives the shortest digits that read back (JDK 19 and later).
        java.math.BigDecimal shortest = new java.math.BigDecimal(Double.toString(Math.abs(value))).stripTrailingZeros();
        String digits = shortest.unscaledValue().toString();
        int exponent = digits.length() - 1 - shortest.scale();
        String sign = value < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
        }
        String plain = shortest.toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }

    private static boolean overrides(Class<?> type, Class<?> parameterType) {
        try {
            return type.getMethod("forward", parameterType).getDeclaringClass() != Module.class;
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }
}
