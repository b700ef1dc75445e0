package dev.ember.autograd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * One function of the backward graph (PyTorch's {@code grad_fn}). It receives the gradients
 * of its forward outputs and returns the gradients of its forward inputs, one per
 * {@linkplain #nextEdges() next edge}.
 *
 * <pre>{@code
 * Node<Double> square = new Node<>("SquareBackward", List.of(xEdge), 1) {
 *     protected List<Double> apply(List<Double> g) { return List.of(2 * x * g.get(0)); }
 * };
 * }</pre>
 */
public abstract class Node<V> {

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final String name;
    private final List<Edge<V>> nextEdges;
    private final int outputCount;
    private final long sequenceNumber = SEQUENCE.getAndIncrement();
    private final Throwable forwardTrace;
    private List<List<UnaryOperator<V>>> preHooks;
    private List<PostHook<V>> postHooks;
    private boolean released;

    /**
     * @param nextEdges one per forward input, null for inputs that need no gradient
     * @param outputCount how many forward outputs this node receives gradients for
     */
    protected Node(String name, List<Edge<V>> nextEdges, int outputCount) {
        this.name = name;
        this.nextEdges = Collections.unmodifiableList(new ArrayList<>(nextEdges));
        this.outputCount = outputCount;
        this.forwardTrace = AnomalyMode.isEnabled() ? new Throwable("forward call of " + name) : null;
    }

    /**
     * Computes the gradients of the forward inputs from those of the outputs. An entry of
     * {@code gradOutputs} is null when no gradient reached that output (read it as zeros);
     * return null for an input that gets no gradient.
     */
    protected abstract List<V> apply(List<V> gradOutputs);

    /** Drops what the forward pass saved for backward; called after use unless the graph is retained. */
    protected void releaseSavedValues() {}

    public String name() { return name; }

    public List<Edge<V>> nextEdges() { return nextEdges; }

    public int outputCount() { return outputCount; }

    /** Creation order: later nodes run first among those ready, as in PyTorch. */
    public long sequenceNumber() { return sequenceNumber; }

    /** The stack trace of the forward call, when anomaly mode was on at creation. */
    public Throwable forwardTrace() { return forwardTrace; }

    boolean isReleased() { return released; }

    void release() {
        released = true;
        releaseSavedValues();
    }

    /**
     * Registers a hook on the gradient arriving at output {@code outputIndex} before this node
     * runs; it may return a replacement gradient or null to keep it.
     */
    public RemovableHandle registerPreHook(int outputIndex, UnaryOperator<V> hook) {
        if (outputIndex < 0 || outputIndex >= outputCount) {
            throw new IndexOutOfBoundsException("output index " + outputIndex + " of " + name
                    + " which has " + outputCount + " output(s)");
        }
        if (preHooks == null) {
            preHooks = new ArrayList<>(outputCount);
            for (int i = 0; i < outputCount; i++) preHooks.add(new ArrayList<>(1));
        }
        List<UnaryOperator<V>> hooks = preHooks.get(outputIndex);
        hooks.add(hook);
        return () -> hooks.remove(hook);
    }

    /** Registers a hook that sees this node's input and output gradients after it runs. */
    public RemovableHandle registerHook(PostHook<V> hook) {
        if (postHooks == null) postHooks = new ArrayList<>(1);
        postHooks.add(hook);
        return () -> postHooks.remove(hook);
    }

    /** True when a pre- or post-hook could see (and keep) this node's gradients. */
    boolean hasHooks() {
        if (postHooks != null && !postHooks.isEmpty()) return true;
        if (preHooks == null) return false;
        for (List<UnaryOperator<V>> hooks : preHooks) if (!hooks.isEmpty()) return true;
        return false;
    }

    void runPreHooks(List<V> gradOutputs) {
        if (preHooks == null) return;
        for (int i = 0; i < outputCount; i++) {
            for (UnaryOperator<V> hook : List.copyOf(preHooks.get(i))) {
                V grad = gradOutputs.get(i);
                if (grad == null) continue;
                V replaced = hook.apply(grad);
                if (replaced != null) gradOutputs.set(i, replaced);
            }
        }
    }

    List<V> runPostHooks(List<V> gradInputs, List<V> gradOutputs) {
        if (postHooks == null) return gradInputs;
        for (PostHook<V> hook : List.copyOf(postHooks)) {
            List<V> replaced = hook.apply(gradInputs, gradOutputs);
            if (replaced != null) gradInputs = replaced;
        }
        return gradInputs;
    }

    @Override
    public String toString() { return "<" + name + ">"; }

    /** A hook run after a node: may return replacement input gradients, or null. */
    @FunctionalInterface
    public interface PostHook<V> {
        List<V> apply(List<V> gradInputs, List<V> gradOutputs);
    }
}
