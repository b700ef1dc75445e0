package dev.ember.nn;

import dev.ember.autograd.GradMode;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Loading a state dict into a module ({@link Module#loadStateDict}): match keys, check shapes,
 * and only when everything fits copy the values in place.
 */
final class StateDictLoad {
    private StateDictLoad() {}

    /**
     * @param targets the module's own state (values share memory with its parameters and buffers)
     * @param source  the state to copy from
     */
    static IncompatibleKeys load(String moduleName, Map<String, Tensor> targets, Map<String, Tensor> source, boolean strict) {
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, Tensor> target : targets.entrySet()) {
            Tensor value = source.get(target.getKey());
            if (value == null) {
                missing.add(target.getKey());
            } else if (!Arrays.equals(value.shape(), target.getValue().shape())) {
                mismatches.add("size mismatch for " + target.getKey() + ": copying a param with shape "
                        + Arrays.toString(value.shape()) + " from checkpoint, the shape in current model is "
                        + Arrays.toString(target.getValue().shape()) + ".");
            }
        }
        for (String key : source.keySet()) {
            if (!targets.containsKey(key)) unexpected.add(key);
        }
        List<String> errors = new ArrayList<>();
        if (strict && !missing.isEmpty()) errors.add("Missing key(s) in state_dict: " + quoted(missing) + ".");
        if (strict && !unexpected.isEmpty()) errors.add("Unexpected key(s) in state_dict: " + quoted(unexpected) + ".");
        errors.addAll(mismatches);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("Error(s) in loading state_dict for " + moduleName + ":\n\t"
                    + String.join("\n\t", errors));
        }
        try (var mode = GradMode.noGrad()) {
            for (Map.Entry<String, Tensor> target : targets.entrySet()) {
                Tensor value = source.get(target.getKey());
                if (value == null) continue;
                Tensor into = target.getValue();
                // A state dict may be loaded from itself: the copy would then be a no-op, skip it.
                if (value == into) continue;
                try {
                    into.copy_(value.to(into.device()));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("Error(s) in loading state_dict for " + moduleName + ":\n\t"
                            + "While copying the parameter named \"" + target.getKey() + "\", whose dimensions in the model are "
                            + Arrays.toString(into.shape()) + " and whose dimensions in the checkpoint are "
                            + Arrays.toString(value.shape()) + ", an exception occurred : " + e.getMessage() + ".", e);
                }
            }
        }
        return new IncompatibleKeys(missing, unexpected);
    }

    private static String quoted(List<String> keys) {
        StringBuilder text = new StringBuilder();
        for (String key : keys) {
            if (!text.isEmpty()) text.append(", ");
            text.append('"').append(key).append('"');
        }
        return text.toString();
    }
}
