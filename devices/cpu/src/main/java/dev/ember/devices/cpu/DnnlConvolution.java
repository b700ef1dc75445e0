package dev.ember.devices.cpu;

import dev.ember.devices.Strided;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * float32 convolution forward and backward through oneDNN. oneDNN's fast kernels want blocked
 * layouts, so each primitive is planned with "any" layouts and the plain NCHW tensors are
 * reordered in and out around it (as PyTorch's mkldnn path does). Plans are cached per geometry:
 * a training loop builds them once. Shapes and layouts were checked by {@link CpuBackend}.
 *
 * <pre>{@code
 * DnnlConvolution.forward(input, weight, bias, stride, padding, dilation, groups, output);
 * }</pre>
 */
final class DnnlConvolution {

    private DnnlConvolution() {}

    /** What a plan computes; the backward passes name the gradients they produce. */
    private enum Pass {
        FORWARD, FORWARD_NO_BIAS, BACKWARD_INPUT, BACKWARD_WEIGHT, BACKWARD_WEIGHT_BIAS, BACKWARD_INPUT_WEIGHT,
        BACKWARD_INPUT_WEIGHT_BIAS;

        boolean inputGradient() { return this == BACKWARD_INPUT || this == BACKWARD_INPUT_WEIGHT || this == BACKWARD_INPUT_WEIGHT_BIAS; }

        boolean weightGradient() { return this != FORWARD && this != FORWARD_NO_BIAS && this != BACKWARD_INPUT; }

        boolean biasGradient() { return this == BACKWARD_WEIGHT_BIAS || this == BACKWARD_INPUT_WEIGHT_BIAS; }

        static Pass backward(boolean input, boolean weight, boolean bias) {
            if (input) return !weight ? BACKWARD_INPUT : bias ? BACKWARD_INPUT_WEIGHT_BIAS : BACKWARD_INPUT_WEIGHT;
            return bias ? BACKWARD_WEIGHT_BIAS : BACKWARD_WEIGHT;
        }
    }

    /**
     * Everything that makes two convolutions need different plans. {@code part} is -1 for a
     * plan of the whole batch on OpenMP's team, else which part of a split batch it runs: each
     * part has buffers and a stream of its own, as the parts run at the same time.
     */
    private record Geometry(Pass pass, long[] input, long[] weight, long[] output, int[] stride, int[] padding,
                            int[] dilation, int groups, int part) {
        Geometry(Pass pass, long[] input, long[] weight, long[] output, int[] stride, int[] padding, int[] dilation, int groups) {
            this(pass, input, weight, output, stride, padding, dilation, groups, -1);
        }

        @Override public boolean equals(Object other) {
            return other instanceof Geometry g && pass == g.pass && groups == g.groups && part == g.part
                    && Arrays.equals(input, g.input) && Arrays.equals(weight, g.weight) && Arrays.equals(output, g.output)
                    && Arrays.equals(stride, g.stride) && Arrays.equals(padding, g.padding) && Arrays.equals(dilation, g.dilation);
        }

        @Override public int hashCode() {
            return Arrays.deepHashCode(new Object[] {pass, input, weight, output, stride, padding, dilation, groups, part});
        }

        /** Part {@code index} of a split batch: the same convolution over {@code samples} samples. */
        Geometry part(int index, long samples) {
            long[] partInput = input.clone();
            long[] partOutput = output.clone();
            partInput[0] = samples;
            partOutput[0] = samples;
            return new Geometry(pass, partInput, weight, partOutput, stride, padding, dilation, groups, index);
        }

        /** Multiply-adds per sample, to tell {@link Parallel} how much work a part is. */
        long workPerSample() {
            long work = output[1] * weight[1];
            for (int d = 2; d < output.length; d++) work *= output[d] * weight[d];
            return Math.max(1, work);
        }

        /** oneDNN's weight dims: {@code [groups, Cout/groups, C/groups, *kernel]} when grouped. */
        long[] weightDims() {
            if (groups == 1) return weight;
            long[] dims = new long[weight.length + 1];
            dims[0] = groups;
            dims[1] = weight[0] / groups;
            System.arraycopy(weight, 1, dims, 2, weight.length - 1);
            return dims;
        }

        long[] strides() { return Arrays.stream(stride).asLongStream().toArray(); }

        long[] padLeft() { return Arrays.stream(padding).asLongStream().toArray(); }

        /** oneDNN counts "dilates" from 0 (PyTorch's dilation minus one). */
        long[] dilates() { return Arrays.stream(dilation).asLongStream().map(d -> d - 1).toArray(); }

        /** The right padding that makes oneDNN's output size equal PyTorch's floor-divided one. */
        long[] padRight() {
            long[] right = new long[stride.length];
            for (int d = 0; d < stride.length; d++) {
                long extent = (long) dilation[d] * (weight[2 + d] - 1) + 1;
                right[d] = (output[2 + d] - 1) * stride[d] + extent - input[2 + d] - padding[d];
            }
            return right;
        }
    }

    /**
     * One planned pass: its operands staged in the layouts the primitives chose, the primitives
     * with their arguments, and its results. {@code sources[i]} names which of the caller's
     * operands {@code inputs[i]} stages (an operand two primitives want in different layouts is
     * staged twice; one they want alike, once).
     */
    private static final class Plan {
        final Arena arena = Arena.ofShared();
        Dnnl.Staged[] inputs;
        int[] sources;
        Dnnl.Execution[] executions;
        Dnnl.Staged[] results;
        /** A part's own stream; null for a whole-batch plan, which uses the shared one. */
        dnnl_stream stream;
        /** A part's weight and bias gradients, summed into the caller's after all parts ran. */
        private final MemorySegment[] partials = new MemorySegment[3];

        MemorySegment partial(int result, long bytes) {
            if (partials[result] == null) partials[result] = arena.allocate(bytes, 64);
            return partials[result];
        }

        void close() {
            for (Dnnl.Execution execution : executions) execution.close();
            for (Dnnl.Staged input : inputs) input.close();
            for (Dnnl.Staged result : results) result.close();
            if (stream != null) dnnl_stream_destroy(stream);
            arena.close();
        }
    }

    private static final int CAPACITY = 64;

    /** Least recently used plans are dropped (and their blocked buffers freed) past {@link #CAPACITY}. */
    private static final Map<Geometry, Plan> PLANS = new LinkedHashMap<>(16, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<Geometry, Plan> eldest) {
            if (size() <= CAPACITY) return false;
            eldest.getValue().close();
            return true;
        }
    };

    static void forward(Strided input, Strided weight, Strided bias, int[] stride, int[] padding, int[] dilation, int groups,
                        Strided output) {
        Geometry g = new Geometry(bias == null ? Pass.FORWARD_NO_BIAS : Pass.FORWARD, input.layout().shape(),
                weight.layout().shape(), output.layout().shape(), stride, padding, dilation, groups);
        run(g, DnnlConvolution::planForward, new Strided[] {output}, FORWARD_RESULTS_BATCHED,
                new Strided[] {input, weight, bias}, FORWARD_OPERANDS_BATCHED);
    }

    static void backwardInput(Strided gradOutput, Strided weight, int[] stride, int[] padding, int[] dilation, int groups,
                              Strided gradInput) {
        backward(gradOutput, null, weight, stride, padding, dilation, groups, gradInput, null, null);
    }

    static void backwardWeight(Strided input, Strided gradOutput, int[] stride, int[] padding, int[] dilation, int groups,
                               Strided gradWeight) {
        backward(gradOutput, input, null, stride, padding, dilation, groups, null, gradWeight, null);
    }

    /**
     * The wanted gradients (each of {@code gradInput}, {@code gradWeight}, {@code gradBias} may be
     * null; the bias gradient comes with the weight gradient) in one plan, which stages the
     * output gradient once when both primitives take it in the same layout.
     */
    static void backward(Strided gradOutput, Strided input, Strided weight, int[] stride, int[] padding, int[] dilation,
                         int groups, Strided gradInput, Strided gradWeight, Strided gradBias) {
        Pass pass = Pass.backward(gradInput != null, gradWeight != null, gradBias != null);
        Geometry g = new Geometry(pass, (gradInput != null ? gradInput : input).layout().shape(),
                (gradWeight != null ? gradWeight : weight).layout().shape(), gradOutput.layout().shape(), stride, padding,
                dilation, groups);
        Strided[] results = gradBias != null ? new Strided[] {gradInput, gradWeight, gradBias} : new Strided[] {gradInput, gradWeight};
        run(g, DnnlConvolution::planBackward, results, BACKWARD_RESULTS_BATCHED, new Strided[] {gradOutput, weight, input},
                BACKWARD_OPERANDS_BATCHED);
    }

    /** Which operands and results have the batch as their first dim (the others are shared by all samples). */
    private static final boolean[] FORWARD_OPERANDS_BATCHED = {true, false, false};
    private static final boolean[] FORWARD_RESULTS_BATCHED = {true};
    private static final boolean[] BACKWARD_OPERANDS_BATCHED = {true, false, true};
    private static final boolean[] BACKWARD_RESULTS_BATCHED = {true, false, false};

    /**
     * Runs a pass: {@code operands} are its possible operands in a fixed order (null when absent)
     * and {@code outputs} its possible results, null ones not computed.
     *
     * <p>A batch of two or more samples is split over Ember's threads, and each part runs
     * oneDNN on its own thread with OpenMP's count at one. Why: oneDNN's OpenMP workers sleep
     * between calls (they must, see {@link Dnnl}), and waking them costs tens of microseconds
     * at every primitive and inside it. A 32-to-64-channel convolution's forward and backward
     * with its reorders took 12.4 ms that way, against 9.0 ms with spinning workers; Ember's own
     * workers are awake between ops. The parts' weight and bias gradients are summed afterwards,
     * in part order, so a given batch always gives the same sums.
     */
    private static void run(Geometry g, Function<Geometry, Plan> planner, Strided[] outputs, boolean[] outputsBatched,
                            Strided[] operands, boolean[] operandsBatched) {
        int parts = Dnnl.OpenMp.available() ? (int) Math.min(Parallel.threads(), g.input[0]) : 1;
        synchronized (Dnnl.class) {
            if (parts <= 1) {
                runPart(PLANS.computeIfAbsent(g, planner), 0, true, outputs, outputsBatched, operands, operandsBatched);
                return;
            }
            long[] first = new long[parts + 1];
            for (int p = 0; p <= parts; p++) first[p] = g.input[0] * p / parts;
            Plan[] plans = new Plan[parts];
            Thread caller = Thread.currentThread();
            int previous = Dnnl.OpenMp.setThreads(1);
            try {
                // planned with a team of one, so the primitives are built for one thread
                for (int p = 0; p < parts; p++) {
                    plans[p] = PLANS.computeIfAbsent(g.part(p, first[p + 1] - first[p]), planner);
                    if (plans[p].stream == null) plans[p].stream = Dnnl.newStream();
                }
                Parallel.forRange(parts, (first[1] - first[0]) * g.workPerSample(), (start, end) -> {
                    if (Thread.currentThread() != caller) Dnnl.OpenMp.setThreads(1);
                    for (int p = (int) start; p < end; p++) {
                        runPart(plans[p], first[p], p == 0, outputs, outputsBatched, operands, operandsBatched);
                    }
                });
            } finally {
                Dnnl.OpenMp.setThreads(previous);
            }
            addPartials(plans, outputs, outputsBatched);
        }
    }

    /**
     * Stages a part's inputs (samples from {@code firstSample} on) into its plan's layouts, runs
     * its primitives and copies its results out. The shared results of every part but the
     * {@code primary} one go to the plan's partial buffers.
     */
    private static void runPart(Plan plan, long firstSample, boolean primary, Strided[] outputs, boolean[] outputsBatched,
                                Strided[] operands, boolean[] operandsBatched) {
        for (int i = 0; i < plan.inputs.length; i++) {
            Strided operand = operands[plan.sources[i]];
            long offset = operand.layout().offset() + (operandsBatched[plan.sources[i]] ? firstSample * operand.layout().stride(0) : 0);
            plan.inputs[i].in(segment(operand), offset * 4L, plan.stream);
        }
        int result = 0;
        for (int o = 0; o < outputs.length; o++) {
            Strided output = outputs[o];
            if (output == null) continue;
            Dnnl.Staged staged = plan.results[result];
            if (outputsBatched[o]) {
                staged.bindOutput(segment(output), (output.layout().offset() + firstSample * output.layout().stride(0)) * 4L);
            } else if (primary) {
                staged.bindOutput(segment(output), output.layout().offset() * 4L);
            } else {
                staged.bindOutput(plan.partial(result, output.numel() * 4L), 0);
            }
            result++;
        }
        for (Dnnl.Execution execution : plan.executions) execution.run(plan.stream);
        for (Dnnl.Staged staged : plan.results) staged.out(plan.stream);
    }

    /** Adds the other parts' weight and bias gradients to the first part's, in part order. */
    private static void addPartials(Plan[] plans, Strided[] outputs, boolean[] outputsBatched) {
        int result = 0;
        for (int o = 0; o < outputs.length; o++) {
            Strided output = outputs[o];
            if (output == null) continue;
            if (!outputsBatched[o]) {
                MemorySegment target = segment(output);
                long base = output.layout().offset() * 4L;
                long count = output.numel();
                for (int p = 1; p < plans.length; p++) {
                    MemorySegment partial = plans[p].partial(result, count * 4L);
                    for (long i = 0; i < count; i++) {
                        long at = base + 4 * i;
                        target.set(Elements.F32, at, target.get(Elements.F32, at) + partial.getAtIndex(Elements.F32, i));
                    }
                }
            }
            result++;
        }
    }

    private static MemorySegment segment(Strided s) { return ((CpuBuffer) s.buffer()).segment(); }

    /** The forward plan, also the hint oneDNN needs to plan the backward passes. */
    private static dnnl_primitive_desc forwardDescriptor(Geometry g, boolean withBias) {
        dnnl_primitive_desc descriptor = new dnnl_primitive_desc();
        Dnnl.check(dnnl_convolution_forward_primitive_desc_create(descriptor, Dnnl.engine(), dnnl_forward_training,
                dnnl_convolution_direct, Dnnl.anyDescriptor(g.input), Dnnl.anyDescriptor(g.weightDims()),
                withBias ? Dnnl.plainDescriptor(new long[] {g.output[1]}) : null, Dnnl.anyDescriptor(g.output),
                g.strides(), g.dilates(), g.padLeft(), g.padRight(), Dnnl.userScratchpad()), "planning a convolution " + describe(g));
        return descriptor;
    }

    /** Operand positions in {@link #run}'s {@code operands} for the forward pass. */
    private static final int INPUT = 0, WEIGHT = 1, BIAS = 2;

    /** Operand positions in {@link #run}'s {@code operands} for the backward passes. */
    private static final int GRADIENT = 0, BACKWARD_WEIGHT_OPERAND = 1, BACKWARD_INPUT_OPERAND = 2;

    private static Plan planForward(Geometry g) {
        dnnl_primitive_desc descriptor = forwardDescriptor(g, g.pass == Pass.FORWARD);
        Plan plan = new Plan();
        Dnnl.Staged source = new Dnnl.Staged(g.input, dnnl_primitive_desc_query_md(descriptor, dnnl_query_src_md, 0), plan.arena, true);
        Dnnl.Staged weights = new Dnnl.Staged(g.weightDims(), dnnl_primitive_desc_query_md(descriptor, dnnl_query_weights_md, 0),
                plan.arena, true);
        Dnnl.Staged result = new Dnnl.Staged(g.output, dnnl_primitive_desc_query_md(descriptor, dnnl_query_dst_md, 0), plan.arena, false);
        plan.results = new Dnnl.Staged[] {result};
        if (g.pass == Pass.FORWARD) {
            Dnnl.Staged bias = new Dnnl.Staged(new long[] {g.output[1]}, null, plan.arena, true);
            plan.inputs = new Dnnl.Staged[] {source, weights, bias};
            plan.sources = new int[] {INPUT, WEIGHT, BIAS};
            plan.executions = new Dnnl.Execution[] {new Dnnl.Execution(descriptor, plan.arena, DNNL_ARG_SRC, source.chosen,
                    DNNL_ARG_WEIGHTS, weights.chosen, DNNL_ARG_BIAS, bias.chosen, DNNL_ARG_DST, result.chosen)};
        } else {
            plan.inputs = new Dnnl.Staged[] {source, weights};
            plan.sources = new int[] {INPUT, WEIGHT};
            plan.executions = new Dnnl.Execution[] {new Dnnl.Execution(descriptor, plan.arena, DNNL_ARG_SRC, source.chosen,
                    DNNL_ARG_WEIGHTS, weights.chosen, DNNL_ARG_DST, result.chosen)};
        }
        return plan;
    }

    /**
     * The input-gradient and/or weight-gradient primitives of one backward pass. When both run
     * and take the output gradient in the same layout (the usual case), it is reordered once.
     */
    private static Plan planBackward(Geometry g) {
        dnnl_primitive_desc hint = forwardDescriptor(g, false);
        Plan plan = new Plan();
        List<Dnnl.Staged> inputs = new ArrayList<>();
        List<Integer> sources = new ArrayList<>();
        List<Dnnl.Execution> executions = new ArrayList<>();
        List<Dnnl.Staged> results = new ArrayList<>();
        Dnnl.Staged gradient = null;
        if (g.pass.inputGradient()) {
            dnnl_primitive_desc descriptor = new dnnl_primitive_desc();
            Dnnl.check(dnnl_convolution_backward_data_primitive_desc_create(descriptor, Dnnl.engine(), dnnl_convolution_direct,
                    Dnnl.anyDescriptor(g.input), Dnnl.anyDescriptor(g.weightDims()), Dnnl.anyDescriptor(g.output),
                    g.strides(), g.dilates(), g.padLeft(), g.padRight(), hint, Dnnl.userScratchpad()), "planning a convolution input gradient " + describe(g));
            gradient = new Dnnl.Staged(g.output, dnnl_primitive_desc_query_md(descriptor, dnnl_query_diff_dst_md, 0), plan.arena, true);
            Dnnl.Staged weights = new Dnnl.Staged(g.weightDims(), dnnl_primitive_desc_query_md(descriptor, dnnl_query_weights_md, 0),
                    plan.arena, true);
            Dnnl.Staged result = new Dnnl.Staged(g.input, dnnl_primitive_desc_query_md(descriptor, dnnl_query_diff_src_md, 0),
                    plan.arena, false);
            inputs.add(gradient);
            sources.add(GRADIENT);
            inputs.add(weights);
            sources.add(BACKWARD_WEIGHT_OPERAND);
            results.add(result);
            executions.add(new Dnnl.Execution(descriptor, plan.arena, DNNL_ARG_DIFF_DST, gradient.chosen, DNNL_ARG_WEIGHTS,
                    weights.chosen, DNNL_ARG_DIFF_SRC, result.chosen));
        }
        if (g.pass.weightGradient()) {
            boolean bias = g.pass.biasGradient();
            dnnl_primitive_desc descriptor = new dnnl_primitive_desc();
            Dnnl.check(dnnl_convolution_backward_weights_primitive_desc_create(descriptor, Dnnl.engine(), dnnl_convolution_direct,
                    Dnnl.anyDescriptor(g.input), Dnnl.anyDescriptor(g.weightDims()),
                    bias ? Dnnl.plainDescriptor(new long[] {g.output[1]}) : null, Dnnl.anyDescriptor(g.output),
                    g.strides(), g.dilates(), g.padLeft(), g.padRight(), hint, Dnnl.userScratchpad()), "planning a convolution weight gradient " + describe(g));
            Dnnl.Staged source = new Dnnl.Staged(g.input, dnnl_primitive_desc_query_md(descriptor, dnnl_query_src_md, 0), plan.arena, true);
            inputs.add(source);
            sources.add(BACKWARD_INPUT_OPERAND);
            dnnl_memory_desc gradientLayout = dnnl_primitive_desc_query_md(descriptor, dnnl_query_diff_dst_md, 0);
            if (gradient == null || !gradient.holds(gradientLayout)) {
                gradient = new Dnnl.Staged(g.output, gradientLayout, plan.arena, true);
                inputs.add(gradient);
                sources.add(GRADIENT);
            }
            Dnnl.Staged weightResult = new Dnnl.Staged(g.weightDims(),
                    dnnl_primitive_desc_query_md(descriptor, dnnl_query_diff_weights_md, 0), plan.arena, false);
            results.add(weightResult);
            if (bias) {
                Dnnl.Staged biasResult = new Dnnl.Staged(new long[] {g.output[1]}, null, plan.arena, false);
                results.add(biasResult);
                executions.add(new Dnnl.Execution(descriptor, plan.arena, DNNL_ARG_SRC, source.chosen, DNNL_ARG_DIFF_DST,
                        gradient.chosen, DNNL_ARG_DIFF_WEIGHTS, weightResult.chosen, DNNL_ARG_DIFF_BIAS, biasResult.chosen));
            } else {
                executions.add(new Dnnl.Execution(descriptor, plan.arena, DNNL_ARG_SRC, source.chosen, DNNL_ARG_DIFF_DST,
                        gradient.chosen, DNNL_ARG_DIFF_WEIGHTS, weightResult.chosen));
            }
        }
        plan.inputs = inputs.toArray(Dnnl.Staged[]::new);
        plan.sources = sources.stream().mapToInt(Integer::intValue).toArray();
        plan.executions = executions.toArray(Dnnl.Execution[]::new);
        plan.results = results.toArray(Dnnl.Staged[]::new);
        return plan;
    }

    private static String describe(Geometry g) {
        return "(input " + Arrays.toString(g.input) + ", weight " + Arrays.toString(g.weight) + ", output "
                + Arrays.toString(g.output) + ", stride " + Arrays.toString(g.stride) + ", padding "
                + Arrays.toString(g.padding) + ", dilation " + Arrays.toString(g.dilation) + ", groups " + g.groups + ")";
    }
}
