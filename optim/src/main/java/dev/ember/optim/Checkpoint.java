package dev.ember.optim;

import dev.ember.nn.Module;
import dev.ember.tensor.Generator;
import dev.ember.tensor.Tensor;
import dev.ember.tensor.io.Json;
import dev.ember.tensor.io.SafeTensors;
import dev.ember.tensor.io.TensorFileFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A full training checkpoint — model, optimizer, learning-rate scheduler, epoch and free-form
 * string extras — in one safetensors file, so that training resumed from it continues exactly
 * (bit for bit) as if it had never stopped.
 *
 * <pre>{@code
 * Checkpoint.save(Path.of("run.ckpt"), model, optimizer, scheduler, epoch);
 * Checkpoint.Restored restored = Checkpoint.load(Path.of("run.ckpt"), model, optimizer, scheduler);
 * for (int epoch = restored.epoch() + 1; epoch < epochs; epoch++) { ... }
 * }</pre>
 *
 * <p>Layout: the model's state dict under {@code model.<name>}, the optimizer's state tensors
 * under {@code optimizer.state.<paramIndex>.<key>}, and everything that is not a tensor
 * (parameter-group options, scalar optimizer state, the scheduler's state dict, the epoch and
 * the extras) as one JSON document in the safetensors metadata under {@value #METADATA_KEY}.
 * The file is therefore readable by any safetensors reader, and is written atomically: a crash
 * or an error mid-save leaves an existing checkpoint intact. Non-finite numbers are written as
 * {@code NaN}, {@code Infinity} and {@code -Infinity}, as Python's {@code json} module does.
 * The default random generator's state ({@link Generator#DEFAULT}: dropout masks, random
 * initialisation) is saved too and restored by {@link #load}, so a model with dropout resumes
 * with the masks it would have drawn; checkpoints written before it was saved leave the
 * generator as it is.
 */
public final class Checkpoint {
    /** The safetensors metadata key holding the checkpoint's JSON document. */
    public static final String METADATA_KEY = "ember.checkpoint";
    /** The layout version this class writes; it reads this version and older ones. */
    public static final int VERSION = 1;

    private static final String MODEL_PREFIX = "model.";
    private static final String OPTIMIZER_STATE_PREFIX = "optimizer.state.";

    private Checkpoint() {}

    /** What {@link #load} restores besides the objects' states: the epoch and the extras saved with it. */
    public record Restored(int epoch, Map<String, String> extras) {}

    /** {@link #save(Path, Module, Optimizer, LRScheduler, int, Map)} without extras. */
    public static void save(Path path, Module model, Optimizer optimizer, LRScheduler scheduler, int epoch) throws IOException {
        save(path, model, optimizer, scheduler, epoch, Map.of());
    }

    /**
     * Writes a checkpoint of {@code model}, {@code optimizer} (nullable) and {@code scheduler}
     * (nullable) at {@code epoch}, with {@code extras} (e.g. the best validation accuracy so far),
     * replacing {@code path} atomically.
     *
     * <pre>{@code
     * Checkpoint.save(path, model, opt, scheduler, epoch, Map.of("bestAccuracy", "0.912"));
     * }</pre>
     */
    public static void save(Path path, Module model, Optimizer optimizer, LRScheduler scheduler, int epoch,
            Map<String, String> extras) throws IOException {
        if (model == null) throw new IllegalArgumentException("Checkpoint.save: model must not be null");
        checkSchedulerOwner(scheduler, optimizer, "save");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> entry : model.stateDict().entrySet()) tensors.put(MODEL_PREFIX + entry.getKey(), entry.getValue());

        Map<String, Object> document = new LinkedHashMap<>();
        document.put("format", METADATA_KEY);
        document.put("version", VERSION);
        document.put("epoch", epoch);
        Map<String, Object> modelSection = new LinkedHashMap<>();
        modelSection.put("type", model.getClass().getName());
        modelSection.put("tensors", tensors.size());
        document.put("model", modelSection);
        if (optimizer != null) document.put("optimizer", optimizerSection(optimizer, tensors));
        if (scheduler != null) {
            Map<String, Object> schedulerSection = new LinkedHashMap<>();
            schedulerSection.put("type", scheduler.getClass().getName());
            schedulerSection.put("state", scheduler.stateDict());
            document.put("scheduler", schedulerSection);
        }
        long[] generatorState = Generator.DEFAULT.getState();
        // As strings: a 64-bit seed does not survive a trip through a JSON double.
        document.put("generator", Map.of("seed", Long.toString(generatorState[0]), "offset", Long.toString(generatorState[1])));
        Map<String, Object> extraSection = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : extras.entrySet()) {
            if (entry.getKey() == null || entry.getValue() == null) {
                throw new IllegalArgumentException("Checkpoint.save: extras keys and values must not be null, got " + entry);
            }
            extraSection.put(entry.getKey(), entry.getValue());
        }
        document.put("extras", extraSection);
        SafeTensors.save(tensors, path, Map.of(METADATA_KEY, JsonWriter.write(document)));
    }

    /** The optimizer's groups and scalar state as JSON values; its state tensors go into {@code tensors}. */
    private static Map<String, Object> optimizerSection(Optimizer optimizer, Map<String, Tensor> tensors) {
        Map<String, Object> stateDict = optimizer.stateDict();
        Map<String, Object> state = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) stateDict.get("state")).entrySet()) {
            Map<String, Object> scalars = new LinkedHashMap<>();
            List<String> tensorKeys = new ArrayList<>();
            for (Map.Entry<?, ?> value : ((Map<?, ?>) entry.getValue()).entrySet()) {
                String key = value.getKey().toString();
                if (value.getValue() instanceof Tensor tensor) {
                    tensors.put(OPTIMIZER_STATE_PREFIX + entry.getKey() + "." + key, tensor);
                    tensorKeys.add(key);
                } else {
                    scalars.put(key, value.getValue());
                }
            }
            Map<String, Object> packed = new LinkedHashMap<>();
            packed.put("scalars", scalars);
            packed.put("tensors", tensorKeys);
            state.put(entry.getKey().toString(), packed);
        }
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("type", optimizer.getClass().getName());
        section.put("paramGroups", stateDict.get("paramGroups"));
        section.put("state", state);
        return section;
    }

    /**
     * Restores a checkpoint written by {@link #save} into {@code model} (strictly: every key must
     * match), {@code optimizer} and {@code scheduler} (each nullable: null skips it), and returns
     * the epoch and extras. Everything is checked before anything is changed, so on an error the
     * objects keep their states.
     *
     * <pre>{@code
     * int start = Checkpoint.load(path, model, opt, scheduler).epoch() + 1;
     * }</pre>
     *
     * @throws TensorFileFormatException when the file is not an Ember checkpoint, or is truncated or malformed
     * @throws IllegalArgumentException when the checkpoint does not fit the given objects (keys,
     *         shapes, parameter counts, optimizer or scheduler type, a missing section)
     */
    public static Restored load(Path path, Module model, Optimizer optimizer, LRScheduler scheduler) throws IOException {
        if (model == null) throw new IllegalArgumentException("Checkpoint.load: model must not be null");
        checkSchedulerOwner(scheduler, optimizer, "load");
        Map<String, Object> document = readDocument(path);
        Map<String, Tensor> tensors = SafeTensors.load(path);
        try {
            Map<String, Tensor> modelState = new LinkedHashMap<>();
            Map<String, Tensor> optimizerTensors = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
                String name = entry.getKey();
                if (name.startsWith(MODEL_PREFIX)) modelState.put(name.substring(MODEL_PREFIX.length()), entry.getValue());
                else if (name.startsWith(OPTIMIZER_STATE_PREFIX)) optimizerTensors.put(name, entry.getValue());
                else throw malformed(path, "tensor '" + name + "' belongs to no section (expected the prefix 'model.' or 'optimizer.state.')");
            }
            Map<String, Object> modelSection = section(path, document, "model");
            long savedCount = number(path, modelSection, "tensors", "model").longValue();
            if (savedCount != modelState.size()) {
                throw malformed(path, "the model section lists " + savedCount + " tensors but the file holds " + modelState.size());
            }
            Map<String, Object> optimizerState = null;
            if (optimizer != null) {
                optimizerState = optimizerStateDict(path, requireSection(path, document, "optimizer", optimizer),
                        optimizerTensors, optimizer);
            }
            Map<String, Object> schedulerState = null;
            if (scheduler != null) {
                Map<String, Object> schedulerSection = requireSection(path, document, "scheduler", scheduler);
                schedulerState = map(path, schedulerSection.get("state"), "scheduler.state");
            }
            Map<String, String> extras = new LinkedHashMap<>();
            Object extraSection = document.getOrDefault("extras", Map.of());
            for (Map.Entry<String, Object> entry : map(path, extraSection, "extras").entrySet()) {
                if (!(entry.getValue() instanceof String text)) throw malformed(path, "extra '" + entry.getKey() + "' is not a string");
                extras.put(entry.getKey(), text);
            }
            int epoch = number(path, document, "epoch", "checkpoint").intValue();
            long[] generatorState = generatorState(path, document);

            model.loadStateDict(modelState, true);
            if (optimizer != null) optimizer.loadStateDict(optimizerState);
            if (scheduler != null) scheduler.loadStateDict(schedulerState);
            if (generatorState != null) Generator.DEFAULT.setState(generatorState);
            return new Restored(epoch, java.util.Collections.unmodifiableMap(extras));
        } finally {
            // Loading copies every value into the model and optimizer; the file's tensors can go now.
            for (Tensor tensor : tensors.values()) tensor.close();
        }
    }

    /** The saved {@code {seed, offset}} of the default generator, or null in a checkpoint without one. */
    private static long[] generatorState(Path path, Map<String, Object> document) throws IOException {
        if (!document.containsKey("generator")) return null;
        Map<String, Object> section = map(path, document.get("generator"), "generator");
        long[] state = new long[2];
        String[] keys = {"seed", "offset"};
        for (int i = 0; i < 2; i++) {
            try {
                state[i] = Long.parseLong(String.valueOf(section.get(keys[i])));
            } catch (NumberFormatException e) {
                throw malformed(path, "generator." + keys[i] + " is not a 64-bit integer: " + section.get(keys[i]));
            }
        }
        if (state[1] < 0) throw malformed(path, "generator.offset is negative: " + state[1]);
        return state;
    }

    /** The checkpoint's JSON document, with its format and version checked. */
    private static Map<String, Object> readDocument(Path path) throws IOException {
        String text = SafeTensors.loadMetadata(path).get(METADATA_KEY);
        if (text == null) {
            throw new TensorFileFormatException(path, "not an Ember checkpoint: its safetensors metadata has no \""
                    + METADATA_KEY + "\" entry (a plain state dict loads with Module.load)");
        }
        Object parsed;
        try {
            parsed = Json.parseWithNonFinite(text);
        } catch (IllegalArgumentException e) {
            throw new TensorFileFormatException(path, "the checkpoint's \"" + METADATA_KEY + "\" metadata is not valid JSON: " + e.getMessage(), e);
        }
        Map<String, Object> document = map(path, parsed, METADATA_KEY);
        if (!METADATA_KEY.equals(document.get("format"))) {
            throw malformed(path, "its \"" + METADATA_KEY + "\" metadata has format " + document.get("format") + ", expected \"" + METADATA_KEY + "\"");
        }
        long version = number(path, document, "version", "checkpoint").longValue();
        if (version < 1 || version > VERSION) {
            throw malformed(path, "checkpoint version " + version + " is not supported; this Ember reads versions 1 to " + VERSION);
        }
        return document;
    }

    /** The optimizer's state dict rebuilt from the checkpoint, checked against {@code optimizer}'s groups and parameters. */
    private static Map<String, Object> optimizerStateDict(Path path, Map<String, Object> section,
            Map<String, Tensor> stateTensors, Optimizer optimizer) throws IOException {
        Object groupsValue = section.get("paramGroups");
        if (!(groupsValue instanceof List<?> savedGroups)) throw malformed(path, "the optimizer section has no 'paramGroups' list");
        List<ParamGroup> groups = optimizer.paramGroups();
        List<Integer> savedSizes = new ArrayList<>();
        for (Object group : savedGroups) {
            Object params = map(path, group, "optimizer.paramGroups").get("params");
            if (!(params instanceof List<?> indices)) throw malformed(path, "an optimizer parameter group has no 'params' list");
            savedSizes.add(indices.size());
        }
        List<Integer> sizes = new ArrayList<>();
        List<Tensor> params = new ArrayList<>();
        for (ParamGroup group : groups) {
            sizes.add(group.params().size());
            params.addAll(group.params());
        }
        if (!savedSizes.equals(sizes)) {
            throw new IllegalArgumentException("Checkpoint.load: the checkpoint's optimizer has " + savedGroups.size()
                    + " parameter group(s) with " + savedSizes + " parameters, this optimizer has " + groups.size()
                    + " with " + sizes);
        }
        Map<Integer, Tensor> byIndex = new LinkedHashMap<>();
        int position = 0;
        for (Object group : savedGroups) {
            for (Object id : (List<?>) ((Map<?, ?>) group).get("params")) {
                if (!(id instanceof Number index)) throw malformed(path, "an optimizer parameter index is not a number: " + id);
                byIndex.put(index.intValue(), params.get(position++));
            }
        }
        Map<Object, Object> state = new LinkedHashMap<>();
        List<String> used = new ArrayList<>();
        for (Map.Entry<String, Object> entry : map(path, section.get("state"), "optimizer.state").entrySet()) {
            int index;
            try {
                index = Integer.parseInt(entry.getKey());
            } catch (NumberFormatException e) {
                throw malformed(path, "optimizer state key '" + entry.getKey() + "' is not a parameter index");
            }
            Tensor param = byIndex.get(index);
            if (param == null) throw malformed(path, "optimizer state for parameter " + index + ", which no parameter group lists");
            Map<String, Object> packed = map(path, entry.getValue(), "optimizer.state." + index);
            Map<String, Object> values = new LinkedHashMap<>(map(path, packed.getOrDefault("scalars", Map.of()), "scalars"));
            if (!(packed.getOrDefault("tensors", List.of()) instanceof List<?> keys)) throw malformed(path, "optimizer state " + index + " has no 'tensors' list");
            for (Object key : keys) {
                String name = OPTIMIZER_STATE_PREFIX + index + "." + key;
                Tensor tensor = stateTensors.get(name);
                if (tensor == null) throw malformed(path, "tensor '" + name + "' is missing");
                // A state tensor is either shaped like its parameter or a 0-dim counter such as Adam's step.
                if (tensor.dim() != 0 && !Arrays.equals(tensor.shape(), param.shape())) {
                    throw new IllegalArgumentException("Checkpoint.load: size mismatch for optimizer state " + key + " of parameter "
                            + index + ": the checkpoint's has shape " + Arrays.toString(tensor.shape())
                            + ", the parameter in the current optimizer has shape " + Arrays.toString(param.shape()));
                }
                values.put(key.toString(), tensor);
                used.add(name);
            }
            state.put(index, values);
        }
        List<String> unused = new ArrayList<>(stateTensors.keySet());
        unused.removeAll(used);
        if (!unused.isEmpty()) throw malformed(path, "optimizer state tensor(s) " + unused + " are not listed in the optimizer section");
        Map<String, Object> stateDict = new LinkedHashMap<>();
        stateDict.put("state", state);
        stateDict.put("paramGroups", savedGroups);
        return stateDict;
    }

    /** A section the caller asked to restore: present, and saved from an object of the same class. */
    private static Map<String, Object> requireSection(Path path, Map<String, Object> document, String name, Object target)
            throws IOException {
        if (!document.containsKey(name)) {
            throw new IllegalArgumentException("Checkpoint.load: " + path + " has no " + name + " state (it was saved without a "
                    + name + "); pass null as the " + name + " to skip it");
        }
        Map<String, Object> section = map(path, document.get(name), name);
        Object type = section.get("type");
        if (!target.getClass().getName().equals(type)) {
            throw new IllegalArgumentException("Checkpoint.load: the checkpoint's " + name + " is a " + type + ", got a "
                    + target.getClass().getName());
        }
        return section;
    }

    private static Map<String, Object> section(Path path, Map<String, Object> document, String name) throws IOException {
        if (!document.containsKey(name)) throw malformed(path, "the checkpoint has no '" + name + "' section");
        return map(path, document.get(name), name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Path path, Object value, String what) throws IOException {
        if (!(value instanceof Map<?, ?>)) throw malformed(path, "'" + what + "' should be a JSON object, got " + value);
        return (Map<String, Object>) value;
    }

    private static Number number(Path path, Map<String, Object> object, String key, String what) throws IOException {
        if (!(object.get(key) instanceof Number value)) throw malformed(path, "the " + what + " has no number '" + key + "'");
        return value;
    }

    private static TensorFileFormatException malformed(Path path, String problem) {
        return new TensorFileFormatException(path, "malformed Ember checkpoint: " + problem);
    }

    private static void checkSchedulerOwner(LRScheduler scheduler, Optimizer optimizer, String operation) {
        if (scheduler != null && scheduler.optimizer() != optimizer) {
            throw new IllegalArgumentException("Checkpoint." + operation + ": the scheduler drives a different optimizer than the one given");
        }
    }

    /**
     * Writes the JSON this class stores: objects (insertion-ordered), arrays, strings, booleans,
     * null, integers and doubles (written so they read back bit-exact); non-finite doubles as
     * Python's {@code json} writes them, which {@link Json#parseWithNonFinite} reads back.
     */
    private static final class JsonWriter {
        private JsonWriter() {}

        static String write(Object value) {
            StringBuilder out = new StringBuilder();
            write(out, value, "");
            return out.toString();
        }

        private static void write(StringBuilder out, Object value, String where) {
            switch (value) {
                case null -> out.append("null");
                case Boolean flag -> out.append(flag);
                case String string -> Json.appendString(out, string);
                case Integer number -> out.append(number.longValue());
                case Long number -> out.append(number.longValue());
                case Short number -> out.append(number.longValue());
                case Byte number -> out.append(number.longValue());
                case Double number -> writeDouble(out, number);
                case Float number -> writeDouble(out, number.doubleValue());
                case Map<?, ?> map -> {
                    out.append('{');
                    boolean first = true;
                    for (Map.Entry<?, ?> entry : map.entrySet()) {
                        if (!first) out.append(',');
                        first = false;
                        String key = String.valueOf(entry.getKey());
                        Json.appendString(out, key);
                        out.append(':');
                        write(out, entry.getValue(), where.isEmpty() ? key : where + "." + key);
                    }
                    out.append('}');
                }
                case Iterable<?> items -> {
                    out.append('[');
                    boolean first = true;
                    for (Object item : items) {
                        if (!first) out.append(',');
                        first = false;
                        write(out, item, where);
                    }
                    out.append(']');
                }
                case double[] array -> write(out, Arrays.stream(array).boxed().toList(), where);
                case int[] array -> write(out, Arrays.stream(array).boxed().toList(), where);
                case long[] array -> write(out, Arrays.stream(array).boxed().toList(), where);
                default -> throw new IllegalArgumentException("Checkpoint.save: cannot store '" + where + "', a "
                        + value.getClass().getName() + "; checkpoints hold tensors, numbers, booleans, strings, lists and maps");
            }
        }

        private static void writeDouble(StringBuilder out, double value) {
            if (Double.isNaN(value)) out.append("NaN");
            else if (Double.isInfinite(value)) out.append(value > 0 ? "Infinity" : "-Infinity");
            // Double.toString is the shortest decimal that parses back to the same double, and always has '.' or 'E'.
            else out.append(Double.toString(value));
        }
    }
}
