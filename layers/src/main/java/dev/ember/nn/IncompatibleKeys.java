package dev.ember.nn;

import java.util.List;

/**
 * What did not match when loading a state dict non-strictly, like PyTorch's
 * {@code _IncompatibleKeys}.
 *
 * <pre>{@code
 * var keys = model.loadStateDict(state, false);
 * keys.missingKeys();      // e.g. [fc.bias]
 * }</pre>
 */
public record IncompatibleKeys(List<String> missingKeys, List<String> unexpectedKeys) {
    public IncompatibleKeys {
        missingKeys = List.copyOf(missingKeys);
        unexpectedKeys = List.copyOf(unexpectedKeys);
    }

    /** True when every key matched. */
    public boolean isEmpty() { return missingKeys.isEmpty() && unexpectedKeys.isEmpty(); }
}
