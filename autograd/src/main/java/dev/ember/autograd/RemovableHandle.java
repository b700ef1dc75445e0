package dev.ember.autograd;

/**
 * Returned by hook registrations; {@link #remove()} unregisters the hook.
 *
 * <pre>{@code
 * RemovableHandle h = x.registerHook(g -> g.mul(2));
 * h.remove();
 * }</pre>
 */
@FunctionalInterface
public interface RemovableHandle {
    void remove();
}
