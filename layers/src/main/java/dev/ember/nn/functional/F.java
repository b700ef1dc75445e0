package dev.ember.nn.functional;

/**
 * The functional forms of layers and losses, like {@code torch.nn.functional}: stateless
 * static methods over tensors. Each method delegates to the class that owns its concept.
 *
 * <pre>{@code
 * Tensor loss = F.crossEntropy(logits, labels);
 * Tensor y = F.relu(F.linear(x, weight, bias));
 * }</pre>
 */
public final class F {
    private F() {}

    // ---------------------------------------------------------------- linear, dropout, embedding

    // ---------------------------------------------------------------- activations

    // ---------------------------------------------------------------- normalization

    // ---------------------------------------------------------------- convolution, pooling, upsampling

    // ---------------------------------------------------------------- losses
}
