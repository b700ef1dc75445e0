package dev.ember.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Runs the backward graph: every node once, after all of its consumers, in reverse order of
 * creation among the nodes that are ready (dependency counting, as in PyTorch's engine).
 *
 * <pre>{@code
 * Engine.backward(algebra, List.of(loss.gradientEdge()), List.of(one), false, false);
 * }</pre>
 */
public final class Engine {

    private Engine() {}

    /** Backward from {@code roots}, accumulating into every reachable leaf. */
    public static <V> void backward(GradientAlgebra<V> algebra, List<Edge<V>> roots, List<V> rootGradients,
                                    boolean retainGraph, boolean createGraph) {
        run(algebra, roots, rootGradients, retainGraph, createGraph, null);
    }

    /**
     * The gradients arriving at {@code inputs} (PyTorch's {@code torch.autograd.grad}); leaves
     * are not touched. An entry is null when no gradient reached that input.
     */
    public static <V> List<V> grad(GradientAlgebra<V> algebra, List<Edge<V>> roots, List<V> rootGradients,
                                   List<Edge<V>> inputs, boolean retainGraph, boolean createGraph) {
        return run(algebra, roots, rootGradients, retainGraph, createGraph, inputs);
    }

    private static <V> List<V> run(GradientAlgebra<V> algebra, List<Edge<V>> roots, List<V> rootGradients,
                                   boolean retainGraph, boolean createGraph, List<Edge<V>> captures) {
        if (roots.size() != rootGradients.size()) {
            throw new IllegalArgumentException("got " + roots.size() + " roots but " + rootGradients.size() + " gradients");
        }
        Node<V> graphRoot = new GraphRoot<>(roots, rootGradients);
        Map<Node<V>, Integer> dependencies = countDependencies(graphRoot);
        Set<Node<V>> mustExecute = captures == null ? null : nodesLeadingTo(graphRoot, captures);
        V[] captured = captures == null ? null : newArray(captures.size());

        // Gradients nothing else holds, which a leaf may keep without a copy (never with create_graph).
        long mark = createGraph ? Long.MAX_VALUE : algebra.allocationMark();
        Set<V> owned = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<Node<V>, List<V>> buffers = new IdentityHashMap<>();
        PriorityQueue<Node<V>> ready = new PriorityQueue<>(
                Comparator.comparingLong((Node<V> n) -> n.sequenceNumber()).reversed());
        ready.add(graphRoot);
        buffers.put(graphRoot, new ArrayList<>());

        try (GradMode.Guard mode = createGraph ? GradMode.enableGrad() : GradMode.noGrad()) {
            while (!ready.isEmpty()) {
                Node<V> node = ready.poll();
                List<V> gradOutputs = buffers.remove(node);
                node.runPreHooks(gradOutputs);
                if (captures != null) {
                    capture(node, gradOutputs, captures, captured);
                    if (!mustExecute.contains(node)) continue;
                }
                // What this node received and nothing else holds; a hook could keep it, though.
                boolean[] received = new boolean[gradOutputs.size()];
                boolean hooked = node.hasHooks();
                for (int k = 0; k < received.length; k++) {
                    V value = gradOutputs.get(k);
                    received[k] = value != null && owned.remove(value) && !hooked;
                }
                boolean ownedIncoming = node instanceof AccumulateGradient && received.length == 1 && received[0];
                List<V> gradInputs = execute(algebra, node, gradOutputs, retainGraph, ownedIncoming);
                if (!createGraph && !(node instanceof AccumulateGradient)) {
                    releaseConsumed(algebra, node, gradOutputs, received, gradInputs, captured);
                }
                List<Edge<V>> edges = node.nextEdges();
                for (int i = 0; i < edges.size(); i++) {
                    Edge<V> edge = edges.get(i);
                    if (edge == null) continue;
                    Node<V> next = edge.node();
                    if (captures != null && !mustExecute.contains(next) && !isCaptured(next, captures)) continue;
                    List<V> buffer = buffers.computeIfAbsent(next, n -> nullList(n.outputCount()));
                    V grad = gradInputs.get(i);
                    if (grad != null) {
                        V existing = buffer.get(edge.outputIndex());
                        if (existing == null) {
                            buffer.set(edge.outputIndex(), grad);
                            // a post hook saw this gradient and may have kept it
                            if (mark != Long.MAX_VALUE && !hooked && algebra.isOwnedGradient(node, grad, mark)
                                    && unshared(algebra, grad, i, gradInputs, gradOutputs, received)) {
                                owned.add(grad);
                            }
                        } else {
                            V sum = owned.remove(existing) ? algebra.addInto(existing, grad) : algebra.add(existing, grad);
                            buffer.set(edge.outputIndex(), sum);
                            if (mark != Long.MAX_VALUE && algebra.isOwnedGradient(null, sum, mark)) owned.add(sum);
                        }
                    }
                    int remaining = dependencies.merge(next, -1, Integer::sum);
                    if (remaining == 0) ready.add(next);
                }
            }
        }
        return captured == null ? null : Arrays.asList(captured);
    }

    /**
     * Hands the algebra each gradient this node received that the engine alone held, once the
     * node has run, unless what the node returned (or a gradient the caller asked for) shares its
     * memory: nothing can read it again, so its memory may go back to the allocator now, as
     * PyTorch's reference counting frees a consumed gradient. Why: otherwise every activation's
     * gradient waits for the garbage collector, and the next step writes its gradients into
     * memory long out of cache.
     */
    private static <V> void releaseConsumed(GradientAlgebra<V> algebra, Node<V> node, List<V> gradOutputs, boolean[] received,
                                            List<V> gradInputs, V[] captured) {
        for (int k = 0; k < received.length; k++) {
            if (!received[k]) continue;
            V value = gradOutputs.get(k);
            if (sharesAny(algebra, value, gradInputs) || captured != null && sharesAny(algebra, value, Arrays.asList(captured))) {
                continue;
            }
            algebra.release(node, value);
        }
    }

    private static <V> boolean sharesAny(GradientAlgebra<V> algebra, V value, List<V> others) {
        for (V other : others) if (other != null && algebra.sharesMemory(value, other)) return true;
        return false;
    }

    /**
     * True when no other gradient a node returned shares memory with its {@code index}th, and
     * none it received does either, unless that one was owned: a view of an owned gradient (a
     * transpose's or reshape's derivative) takes over its ownership.
     */
    private static <V> boolean unshared(GradientAlgebra<V> algebra, V grad, int index, List<V> gradInputs, List<V> gradOutputs,
                                        boolean[] receivedOwned) {
        for (int j = 0; j < gradInputs.size(); j++) {
            V other = gradInputs.get(j);
            if (j != index && other != null && algebra.sharesMemory(grad, other)) return false;
        }
        for (int k = 0; k < gradOutputs.size(); k++) {
            V value = gradOutputs.get(k);
            if (value != null && !receivedOwned[k] && algebra.sharesMemory(grad, value)) return false;
        }
        return true;
    }

    private static <V> List<V> execute(GradientAlgebra<V> algebra, Node<V> node, List<V> gradOutputs, boolean retainGraph,
                                       boolean ownedIncoming) {
        int edgeCount = node.nextEdges().size();
        boolean anyGradient = false;
        for (V g : gradOutputs) anyGradient |= g != null;
        if (!anyGradient && node.outputCount() > 0) return nullList(edgeCount);
        if (node.isReleased()) {
            throw new IllegalStateException("Trying to backward through the graph a second time (or directly access "
                    + "saved values after they have already been freed) at " + node.name()
                    + ". Saved intermediate values of the graph are freed when you call backward() or "
                    + "Autograd.grad(); pass retainGraph=true if you need to backward a second time.");
        }
        List<V> gradInputs = ownedIncoming ? ((AccumulateGradient<V>) node).applyOwned(gradOutputs) : node.apply(gradOutputs);
        if (gradInputs.size() != edgeCount && !(node instanceof AccumulateGradient)) {
            throw new IllegalStateException("function " + node.name() + " returned " + gradInputs.size()
                    + " gradients but has " + edgeCount + " inputs");
        }
        gradInputs = node.runPostHooks(gradInputs, gradOutputs);
        if (AnomalyMode.isEnabled()) checkFinite(algebra, node, gradInputs);
        if (!retainGraph) node.release();
        return gradInputs;
    }

    private static <V> void checkFinite(GradientAlgebra<V> algebra, Node<V> node, List<V> gradInputs) {
        for (int i = 0; i < gradInputs.size(); i++) {
            V grad = gradInputs.get(i);
            if (grad != null && !algebra.isFinite(grad)) {
                String message = "Function '" + node.name() + "' returned nan or inf values in its " + i
                        + ordinalSuffix(i) + " output.";
                Throwable trace = node.forwardTrace();
                if (trace == null) {
                    message += " (Its forward call ran before anomaly mode was enabled, so no trace was recorded.)";
                } else {
                    message += " Forward call that created it:\n" + stackText(trace);
                }
                throw new AnomalyException(message, trace);
            }
        }
    }

    private static String stackText(Throwable trace) {
        StringBuilder text = new StringBuilder();
        for (StackTraceElement element : trace.getStackTrace()) {
            if (element.getClassName().startsWith("dev.ember.autograd.")) continue;
            text.append("    at ").append(element).append('\n');
        }
        return text.toString();
    }

    private static String ordinalSuffix(int i) {
        return switch (i % 100) {
            case 11, 12, 13 -> "th";
            default -> switch (i % 10) {
                case 1 -> "st";
                case 2 -> "nd";
                case 3 -> "rd";
                default -> "th";
            };
        };
    }

    private static <V> void capture(Node<V> node, List<V> gradOutputs, List<Edge<V>> captures, V[] captured) {
        for (int c = 0; c < captures.size(); c++) {
            Edge<V> edge = captures.get(c);
            if (edge != null && edge.node() == node) captured[c] = gradOutputs.get(edge.outputIndex());
        }
    }

    private static <V> boolean isCaptured(Node<V> node, List<Edge<V>> captures) {
        for (Edge<V> edge : captures) if (edge != null && edge.node() == node) return true;
        return false;
    }

    /** For each node reachable from the root, how many reachable edges point at it. */
    private static <V> Map<Node<V>, Integer> countDependencies(Node<V> root) {
        Map<Node<V>, Integer> dependencies = new IdentityHashMap<>();
        Set<Node<V>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Node<V>> stack = new ArrayDeque<>();
        stack.push(root);
        seen.add(root);
        while (!stack.isEmpty()) {
            Node<V> node = stack.pop();
            for (Edge<V> edge : node.nextEdges()) {
                if (edge == null) continue;
                dependencies.merge(edge.node(), 1, Integer::sum);
                if (seen.add(edge.node())) stack.push(edge.node());
            }
        }
        return dependencies;
    }

    /**
     * Nodes that must run for a gradient to reach one of the captured nodes: those with a path
     * of at least one edge to a captured node. Computed over the reachable graph in reverse
     * topological order, iteratively so deep graphs cannot overflow the stack.
     */
    private static <V> Set<Node<V>> nodesLeadingTo(Node<V> root, List<Edge<V>> captures) {
        Set<Node<V>> targets = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Edge<V> edge : captures) if (edge != null) targets.add(edge.node());
        List<Node<V>> postOrder = new ArrayList<>();
        Set<Node<V>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        seen.add(root);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            @SuppressWarnings("unchecked") Node<V> node = (Node<V>) frame[0];
            int next = (Integer) frame[1];
            List<Edge<V>> edges = node.nextEdges();
            if (next < edges.size()) {
                frame[1] = next + 1;
                Edge<V> edge = edges.get(next);
                if (edge != null && seen.add(edge.node())) stack.push(new Object[] {edge.node(), 0});
            } else {
                stack.pop();
                postOrder.add(node);
            }
        }
        Set<Node<V>> leading = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Node<V>> leadingOrTarget = Collections.newSetFromMap(new IdentityHashMap<>());
        leadingOrTarget.addAll(targets);
        for (Node<V> node : postOrder) {
            for (Edge<V> edge : node.nextEdges()) {
                if (edge != null && leadingOrTarget.contains(edge.node())) {
                    leading.add(node);
                    leadingOrTarget.add(node);
                    break;
                }
            }
        }
        return leading;
    }

    private static <V> List<V> nullList(int size) {
        return new ArrayList<>(Collections.nCopies(size, null));
    }

    @SuppressWarnings("unchecked")
    private static <V> V[] newArray(int size) {
        return (V[]) new Object[size];
    }

    /** The virtual start of every backward pass: hands the root gradients to the roots. */
    private static final class GraphRoot<V> extends Node<V> {
        private final List<V> gradients;

        GraphRoot(List<Edge<V>> roots, List<V> gradients) {
            super("GraphRoot", roots, 0);
            this.gradients = gradients;
        }

        @Override
        protected List<V> apply(List<V> gradOutputs) { return gradients; }
    }
}
