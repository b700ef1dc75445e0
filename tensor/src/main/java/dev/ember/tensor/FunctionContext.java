package dev.ember.tensor;

import java.util.HashMap;
import java.util.Map;

/**
 * What a {@link Function}'s forward leaves for its backward, like PyTorch's {@code ctx}: saved
 * tensors (checked against in-place changes when read back) and any other values by name.
 *
 * <pre>{@code
 * ctx.saveForBackward(x, result);
 * ctx.put("dim", 1);
 * // in backward:
 * Tensor x = ctx.savedTensors()[0];
 * int dim = ctx.get("dim");
 * }</pre>
 */
public final class FunctionContext {
    private final String name;
    private Tensor[] saved;
    private int[] savedVersions;
    private boolean released;
    private boolean[] needsInputGrad = new boolean[0];
    private final Map<String, Object> values = new HashMap<>();

    FunctionContext(String name) {
        this.name = name;
    }

    /** Saves tensors for backward, remembering their versions so later in-place changes are caught. */
    public void saveForBackward(Tensor... tensors) {
        saved = tensors.clone();
        savedVersions = new int[tensors.length];
        for (int i = 0; i < tensors.length; i++) if (tensors[i] != null) savedVersions[i] = tensors[i].version();
    }

    /**
     * The tensors given to {@link #saveForBackward}; throws when one was modified in place since,
     * or when the graph was already freed by an earlier backward.
     */
    public Tensor[] savedTensors() {
        if (released) {
            throw new IllegalStateException("Trying to backward through the graph a second time (or directly access saved "
                    + "tensors after they have already been freed) at " + name + "; pass retainGraph=true");
        }
        if (saved == null) return new Tensor[0];
        for (int i = 0; i < saved.length; i++) {
            Tensor tensor = saved[i];
            if (tensor != null && tensor.version() != savedVersions[i]) {
                throw new IllegalStateException("one of the variables needed for gradient computation has been modified by "
                        + "an inplace operation: [" + tensor.dtype() + " " + Dimensions.shapeText(tensor.shape())
                        + "], saved tensor " + i + " of " + name + ", is at version " + tensor.version()
                        + "; expected version " + savedVersions[i] + " instead.");
            }
        }
        return saved.clone();
    }

    /** Stores a non-tensor value for backward. */
    public void put(String key, Object value) { values.put(key, value); }

    /** A value stored by {@link #put}; throws when there is none. */
    @SuppressWarnings("unchecked")
    public <T> T get(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("no value named '" + key + "' was stored in the context of " + name);
        }
        return (T) values.get(key);
    }

    /** True when input {@code index} requires grad, so backward may skip the others (return null). */
    public boolean needsInputGrad(int index) {
        if (index < 0 || index >= needsInputGrad.length) {
            throw new IndexOutOfBoundsException("input index " + index + " of " + name + " which has "
                    + needsInputGrad.length + " input(s)");
        }
        return needsInputGrad[index];
    }

    void setNeedsInputGrad(boolean[] needs) { needsInputGrad = needs; }

    void release() {
        released = true;
        saved = null;
    }
}
