package dev.ember.nn;

import dev.ember.tensor.Tensor;

/**
 * A stack of {@code numLayers} transformer encoder layers, each a deep copy of the given layer
 * (fresh parameters starting from its values, as PyTorch's {@code copy.deepcopy}), followed by an
 * optional final norm, like {@code torch.nn.TransformerEncoder} (PyTorch 1.13). The layers are
 * children {@code layers.0}, {@code layers.1}, ... and the norm is {@code norm}, so a PyTorch
 * state dict loads unchanged. The given layer itself is not part of the stack.
 *
 * <p>PyTorch 1.13's inference fast path (nested tensors) is not reproduced: in evaluation mode,
 * without gradients, batch-first and with a key padding mask, PyTorch returns zeros at padded
 * positions (before the final norm), where this class returns the values the layers compute there;
 * every other position agrees.
 *
 * <pre>{@code
 * var layer = new TransformerEncoderLayer(256, 4, 1024, 0.1, "relu", 1e-5, true, false);
 * var encoder = new TransformerEncoder(layer, 6, new LayerNorm(256));
 * Tensor y = encoder.call(Tensor.randn(16, 128, 256));   // [16, 128, 256]
 * }</pre>
 */
public class TransformerEncoder extends Module {
    public final int numLayers;
    public ModuleList layers;
    /** Applied after the last layer, or null. */
    public Module norm;

    public TransformerEncoder(TransformerEncoderLayer encoderLayer, int numLayers) { this(encoderLayer, numLayers, null); }

    /** @param norm a module applied to the output of the last layer (usually a {@link LayerNorm}), or null */
    public TransformerEncoder(TransformerEncoderLayer encoderLayer, int numLayers, Module norm) {
        if (numLayers < 1) throw new IllegalArgumentException("TransformerEncoder: num_layers must be at least 1, but got " + numLayers);
        this.numLayers = numLayers;
        this.layers = new ModuleList();
        for (int i = 0; i < numLayers; i++) layers.add(encoderLayer.copy());
        this.norm = norm;
    }

    /** The layer at {@code index}. */
    public TransformerEncoderLayer layer(int index) { return (TransformerEncoderLayer) layers.get(index); }

    /** {@code forward(src)}, or {@code forward(src, mask, srcKeyPaddingMask)} through {@link #call}. */
    @Override
    public Tensor forward(Tensor... inputs) {
        return switch (inputs.length) {
            case 1 -> forward(inputs[0], null, null);
            case 3 -> forward(inputs[0], inputs[1], inputs[2]);
            default -> throw new IllegalArgumentException("TransformerEncoder.forward() takes 1 input (src) or 3 inputs "
                    + "(src, mask, src_key_padding_mask) but " + inputs.length + " were given");
        };
    }

    @Override
    public Tensor forward(Tensor src) { return forward(src, null, null); }

    /**
     * @param mask              null, or an attention mask {@code [L, L]} or {@code [N * nhead, L, L]} for every layer
     * @param srcKeyPaddingMask null, or {@code [N, L]} (true = padding)
     */
    public Tensor forward(Tensor src, Tensor mask, Tensor srcKeyPaddingMask) {
        Tensor output = src;
        for (Module layer : layers) output = layer.call(output, mask, srcKeyPaddingMask);
        return norm == null ? output : norm.call(output);
    }
}
