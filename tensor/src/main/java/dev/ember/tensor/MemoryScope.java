package dev.ember.tensor;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Frees every tensor made inside it when closed, except the ones {@linkplain #keep kept} — the
 * deterministic fast path for training steps (without scopes, memory is freed when tensors
 * become unreachable). Scopes nest per thread; a kept tensor moves to the enclosing scope, if
 * any, and gradients stored into leaves by backward are always kept.
 *
 * <pre>{@code
 * try (var scope = MemoryScope.open()) {
 *     Tensor loss = model.forward(x).sub(y).square().mean();
 *     loss.backward();                     // parameter gradients survive the scope
 *     lastLoss = scope.keep(loss.detach());
 * }                                        // every other intermediate is freed here
 * }</pre>
 */
public final class MemoryScope implements AutoCloseable {

    private static final ThreadLocal<ArrayDeque<MemoryScope>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

    private final ArrayDeque<MemoryScope> stack;
    private final Set<Storage> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    private MemoryScope(ArrayDeque<MemoryScope> stack) {
        this.stack = stack;
    }

    /** Open scopes on all threads: lets {@link #track} skip the thread-local look-up when there are none. */
    private static final java.util.concurrent.atomic.AtomicInteger OPEN_COUNT = new java.util.concurrent.atomic.AtomicInteger();

    /** Opens a scope on this thread; tensors allocated until it closes belong to it. */
    public static MemoryScope open() {
        ArrayDeque<MemoryScope> stack = OPEN.get();
        MemoryScope scope = new MemoryScope(stack);
        stack.push(scope);
        OPEN_COUNT.incrementAndGet();
        return scope;
    }

    /** Called for every new storage: the innermost open scope of this thread takes ownership. */
    static void track(Storage storage) {
        if (OPEN_COUNT.get() == 0) return;
        MemoryScope innermost = OPEN.get().peek();
        if (innermost != null) innermost.owned.add(storage);
    }

    /** Frees {@code storage} from every open scope of this thread, e.g. a gradient stored into a leaf. */
    static void keepStorage(Storage storage) {
        if (OPEN_COUNT.get() == 0) return;
        ArrayDeque<MemoryScope> stack = OPEN.get();
        if (stack.isEmpty()) return;
        for (MemoryScope scope : stack) scope.owned.remove(storage);
    }

    /**
     * Lets {@code tensor} (and every view sharing its memory) outlive this scope; it then
     * belongs to the enclosing scope, or to no scope. Returns the tensor.
     */
    public Tensor keep(Tensor tensor) {
        checkNotClosed();
        if (owned.remove(tensor.storage)) {
            MemoryScope enclosing = enclosing();
            if (enclosing != null) enclosing.owned.add(tensor.storage);
        }
        return tensor;
    }

    public void keep(Tensor... tensors) {
        for (Tensor tensor : tensors) keep(tensor);
    }

    public void keep(Iterable<Tensor> tensors) {
        for (Tensor tensor : tensors) keep(tensor);
    }

    /** How many storages this scope will free when closed. */
    public int trackedCount() { return owned.size(); }

    public boolean isClosed() { return closed; }

    /** Frees the memory of every tensor made in this scope and not kept; closing again does nothing. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        stack.remove(this);
        OPEN_COUNT.decrementAndGet();
        for (Storage storage : owned) {
            if (storage.buffer.isClosed()) continue;
            try {
                storage.buffer.close();
            } catch (IllegalStateException closedMeanwhile) {
                // another thread closed the tensor between the check and here: nothing left to free
            }
        }
        owned.clear();
    }

    private MemoryScope enclosing() {
        boolean below = false;
        for (MemoryScope scope : stack) {
            if (below) return scope;
            if (scope == this) below = true;
        }
        return null;
    }

    private void checkNotClosed() {
        if (closed) throw new IllegalStateException("this memory scope is already closed");
    }
}
