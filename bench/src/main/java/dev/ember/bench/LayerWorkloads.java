package dev.ember.bench;

import dev.ember.nn.Module;
import dev.ember.nn.Parameter;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.function.Supplier;

/**
 * A layer's two workloads on a standard-normal input: {@code <name>_fwd}, the forward pass, and
 * {@code <name>_fwdbwd}, forward and backward of the output's sum, with gradients reset to null
 * after each call like {@code zero_grad()}.
 *
 * <pre>{@code
 * LayerWorkloads.add(list, "convolution", "conv_b64_c1to32_28", () -> new Conv2d(1, 32, 3, 1, 1), new long[] {64, 1, 28, 28}, false);
 * }</pre>
 */
final class LayerWorkloads {
    private LayerWorkloads() {}

    /** @param inputGradient whether backward computes the input's gradient too (not for a network's first layer) */
    static void add(List<Workload> list, String group, String name, Supplier<Module> make, long[] shape, boolean inputGradient) {
        list.add(new MicroBenchmark(group, name + "_fwd", () -> {
            Module module = make.get();
            Tensor x = Tensor.randn(shape);
            return () -> module.call(x);
        }));
        list.add(new MicroBenchmark(group, name + "_fwdbwd", () -> {
            Module module = make.get();
            Tensor x = Tensor.randn(shape).requiresGrad_(inputGradient);
            List<Parameter> parameters = module.parameters();
            return () -> {
                Tensor loss = module.call(x).sum();
                loss.backward();
                for (Parameter parameter : parameters) parameter.setGrad(null);
                x.setGrad(null);
                return loss;
            };
        }));
    }
}
