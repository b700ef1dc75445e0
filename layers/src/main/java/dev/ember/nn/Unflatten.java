package dev.ember.nn;

import dev.ember.tensor.Tensor;

/**
 * Splits dim {@code dim} into {@code unflattenedSize}, like {@code torch.nn.Unflatten}; one
 * size may be -1.
 *
 * <pre>{@code
 * new Unflatten(1, 2, 5).call(Tensor.zeros(3, 10));   // [3, 2, 5]
 * }</pre>
 */
public class Unflatten extends Module {
    public final int dim;
    private final long[] unflattenedSize;

    public Unflatten(int dim, long... unflattenedSize) {
        if (unflattenedSize.length == 0) throw new IllegalArgumentException("Unflatten: unflattened_size must be non-empty");
        this.dim = dim;
        this.unflattenedSize = unflattenedSize.clone();
    }

    public long[] unflattenedSize() { return unflattenedSize.clone(); }

    @Override
    public Tensor forward(Tensor input) { return input.unflatten(dim, unflattenedSize); }

    @Override
    public String extraRepr() {
        StringBuilder sizes = new StringBuilder("(");
        for (int i = 0; i < unflattenedSize.length; i++) {
            if (i > 0) sizes.append(", ");
            sizes.append(unflattenedSize[i]);
        }
        if (unflattenedSize.length == 1) sizes.append(',');
        return "dim=" + dim + ", unflattened_size=" + sizes.append(')');
    }
}
