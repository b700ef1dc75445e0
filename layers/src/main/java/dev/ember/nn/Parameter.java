package dev.ember.nn;

import dev.ember.tensor.Tensor;

/**
 * A tensor that is a learnable part of a {@link Module}, like {@code torch.nn.Parameter}: it
 * requires grad by default, and a module registers it when it is assigned to one of the
 * module's fields (or passed to {@link Module#registerParameter}). It shares memory with the
 * tensor it is made from and starts without history (a leaf).
 *
 * <pre>{@code
 * Parameter w = new Parameter(Tensor.randn(3, 4));
 * w.requiresGrad();   // true
 * }</pre>
 */
public class Parameter extends Tensor {

    /** A parameter over the memory of {@code data}, requiring grad. */
    public Parameter(Tensor data) { this(data, true); }

    /** A parameter over the memory of {@code data}; {@code requiresGrad=false} makes a frozen one. */
    public Parameter(Tensor data, boolean requiresGrad) {
        super(data);
        requiresGrad_(requiresGrad);
    }

    /** PyTorch's printout: {@code Parameter containing:} then the tensor. */
    @Override
    public String toString() { return "Parameter containing:\n" + super.toString(); }
}
