package dev.ember.devices.cpu;

import dev.ember.devices.Strided;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_desc;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.LinkedHashMap;
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

    private enum Pass { FORWARD, FORWARD_NO_BIAS, BACKWARD_INPUT, BACKWARD_WEIGHT }

    /** Everything that makes two convolutions need different plans. */
    private record Geometry(Pass pass, long[] input, long[] weight, long[] output, int[] stride, int[] padding,
                            int[] dilation, int groups) {
        @Override public boolean equals(Object other) {
            return other instanceof Geometry g && pass == g.pass && groups == g.groups && Arrays.equals(input, g.input)
                    && Arrays.equals(weight, g.weight) && Arrays.equals(output, g.output) && Arrays.equals(stride, g.stride)
                    && Arrays.equals(padding, g.padding) && Arrays.equals(dilation, g.dilation);
        }

        @Override public int hashCode() {
            return Arrays.deepHashCode(new Object[] {pass, input, weight, output, stride, padding, dilation, groups});
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
     * One planned pass: its operands staged in the layouts the primitive chose (inputs in the
     * order the pass takes them) and the primitive with its arguments.
     */
    private static final class Plan {
        final Arena arena = Arena.ofShared();
        Dnnl.Staged[] inputs;
        Dnnl.Staged result;
        Dnnl.Execution execution;

        void close() {
            execution.close();
            for (Dnnl.Staged input : inputs) input.close();
            result.close();
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
        run(g, DnnlConvolution::planForward, output, bias == null ? new Strided[] {input, weight} : new Strided[] {input, weight, bias});
    }

    static void backwardInput(Strided gradOutput, Strided weight, int[] stride, int[] padding, int[] dilation, int groups,
                              Strided gradInput) {
        Geometry g = new Geometry(Pass.BACKWARD_INPUT, gradInput.layout().shape(), weight.layout().shape(),
                gradOutput.layout().shape(), stride, padding, dilation, groups);
        run(g, DnnlConvolution::planBackwardInput, gradInput, gradOutput, weight);
    }

    static void backwardWeight(Strided input, Strided gradOutput, int[] stride, int[] padding, int[] dilation, int groups,
                               Strided gradWeight) {
        Geometry g = new Geometry(Pass.BACKWARD_WEIGHT, input.layout().shape(), gradWeight.layout().shape(),
                gradOutput.layout().shape(), stride, padding, dilation, groups);
        run(g, DnnlConvolution::planBackwardWeight, gradWeight, input, gradOutput);
    }

    /** Stages the inputs into the plan's layouts, runs the pass and copies the result out. */
    private static void run(Geometry g, Function<Geometry, Plan> planner, Strided output, Strided... inputs) {
        synchronized (Dnnl.class) {
            Plan plan = PLANS.computeIfAbsent(g, planner);
            for (int i = 0; i < inputs.length; i++) {
                plan.inputs[i].in(((CpuBuffer) inputs[i].buffer()).segment(), inputs[i].layout().offset() * 4L);
            }
            plan.result.bindOutput(((CpuBuffer) output.buffer()).segment(), output.layout().offset() * 4L);
            plan.execution.run();
            plan.result.out();
        }
    }

    /** The forward plan, also the hint oneDNN needs to plan the backward passes. */
    private static dnnl_primitive_desc forwardDescriptor(Geometry g, boolean withBias) {
        dnnl_primitive_desc descriptor = new dnnl_primitive_desc();
        Dnnl.check(dnnl_convolution_forward_primitive_desc_create(descriptor, Dnnl.engine(), dnnl_forward_training,
                dnnl_convolution_direct, Dnnl.anyDescriptor(g.input), Dnnl.anyDescriptor(g.weightDims()),
                withBias ? Dnnl.plainDescriptor(new long[] {g.output[1]}) : null, Dnnl.anyDescriptor(g.output),
                g.strides(), g.dilates(), g.padLeft(), g.padRight(), null), "planning a convolution " + describe(g));
        return descriptor;
    }

    private static Plan planForward(Geometry g) {
        dnnl_primitive_desc descriptor = forwardDescriptor(g, g.pass == Pass.FORWARD);
        Plan plan = new Plan();
        Dnnl.Staged source = new Dnnl.Staged(g.input, dnnl_primitive_desc_query_md(descriptor, dnnl_query_src_md, 0), plan.arena, true);
        Dnnl.Staged weights = new Dnnl.Staged(g.weightDims(), dnnl_primitive_desc_query_md(descriptor, dnnl_query_weights_md, 0),
                plan.arena, true);
        plan.result = new Dnnl.Staged(g.output, dnnl_primitive_desc_query_md(descriptor, dnnl_query_dst_md, 0), plan.arena, false);
        if (g.pass == Pass.FORWARD) {
            Dnnl.Staged bias = new Dnnl.Staged(new long[] {g.output[1]}, null, plan.arena, true);
            plan.inputs = new Dnnl.Staged[] {source, weights, bias};
            plan.execution = new Dnnl.Execution(Dnnl.primitive(descriptor), DNNL_ARG_SRC, source.chosen, DNNL_ARG_WEIGHTS,
                    weights.chosen, DNNL_ARG_BIAS, bias.chosen, DNNL_ARG_DST, plan.result.chosen);
        } else {
            plan.inputs = new Dnnl.Staged[] {source, weights};
            plan.execution = new Dnnl.Execution(Dnnl.primitive(descriptor), DNNL_ARG_SRC, source.chosen, DNNL_ARG_WEIGHTS,
                    weights.chosen, DNNL_ARG_DST, plan.result.chosen);
        }
        return plan;
    }

    private static Plan planBackwardInput(Geometry g) {
        dnnl_primitive_desc hint = forwardDescriptor(g, false);
        dnnl_primitive_desc descriptor = new dnnl_primitive_desc();
        Dnnl.check(dnnl_convolution_backward_data_primitive_desc_create(descriptor, Dnnl.engine(), dnnl_convolution_direct,
                Dnnl.anyDescriptor(g.input), Dnnl.anyDescriptor(g.weightDims()), Dnnl.anyDescriptor(g.output),
                g.strides(), g.dilates(), g.padLeft(), g.padRight(), hint, null), "planning a convolution input gradient " + describe(g));
        Plan plan = new Plan();
        Dnnl.Staged gradient = new Dnnl.Staged(g.output, dnnl_primitive_desc_query_md(descriptor, dnnl_query_diff_dst_md, 0),
                plan.arena, true);
        Dnnl.Staged weights = new Dnnl.Staged(g.weightDims(), dnnl_primitive_desc_query_md(descriptor, dnnl_query_weights_md, 0),
                plan.arena, true);
        plan.result = new Dnnl.Staged(g.input, dnnl_primitive_desc_query_md(descriptor, dnnl_query_diff_src_md, 0), plan.arena, false);
        plan.inputs = new Dnnl.Staged[] {gradient, weights};
        plan.execution = new Dnnl.Execution(Dnnl.primitive(descriptor), DNNL_ARG_DIFF_DST, gradient.chosen, DNNL_ARG_WEIGHTS,
                weights.chosen, DNNL_ARG_DIFF_SRC, plan.result.chosen);
        return plan;
    }

    private static Plan planBackwardWeight(Geometry g) {
        dnnl_primitive_desc hint = forwardDescriptor(g, false);
        dnnl_primitive_desc descriptor = new dnnl_primitive_desc();
        Dnnl.check(dnnl_convolution_backward_weights_primitive_desc_create(descriptor, Dnnl.engine(), dnnl_convolution_direct,
                Dnnl.anyDescriptor(g.input), Dnnl.anyDescriptor(g.weightDims()), null, Dnnl.anyDescriptor(g.output),
                g.strides(), g.dilates(), g.padLeft(), g.padRight(), hint, null), "planning a convolution weight gradient " + describe(g));
        Plan plan = new Plan();
        Dnnl.Staged source = new Dnnl.Staged(g.input, dnnl_primitive_desc_query_md(descriptor, dnnl_query_src_md, 0), plan.arena, true);
        Dnnl.Staged gradient = new Dnnl.Staged(g.output, dnnl_primitive_desc_query_md(descriptor, dnnl_query_diff_dst_md, 0),
                plan.arena, true);
        plan.result = new Dnnl.Staged(g.weightDims(), dnnl_primitive_desc_query_md(descriptor, dnnl_query_diff_weights_md, 0),
                plan.arena, false);
        plan.inputs = new Dnnl.Staged[] {source, gradient};
        plan.execution = new Dnnl.Execution(Dnnl.primitive(descriptor), DNNL_ARG_SRC, source.chosen, DNNL_ARG_DIFF_DST,
                gradient.chosen, DNNL_ARG_DIFF_WEIGHTS, plan.result.chosen);
        return plan;
    }

    private static String describe(Geometry g) {
        return "(input " + Arrays.toString(g.input) + ", weight " + Arrays.toString(g.weight) + ", output "
                + Arrays.toString(g.output) + ", stride " + Arrays.toString(g.stride) + ", padding "
                + Arrays.toString(g.padding) + ", dilation " + Arrays.toString(g.dilation) + ", groups " + g.groups + ")";
    }
}
