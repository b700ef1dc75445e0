package dev.ember.bench;

import dev.ember.nn.BatchNorm2d;
import dev.ember.nn.Conv2d;
import dev.ember.nn.MaxPool2d;
import java.util.ArrayList;
import java.util.List;

/**
 * Convolution layers and the layers around them, forward alone ({@code _fwd}) and forward plus
 * backward of the output's sum ({@code _fwdbwd}), on standard-normal NCHW inputs:
 * <ul>
 * <li>{@code Conv2d} 3×3, stride 1, padding 1 (same-size output), with bias: b64 1→32 on 28×28,
 *     b64 32→64 on 14×14, b16 64→64 on 56×56. Backward computes the weight and bias gradients,
 *     and the input's gradient except for 1→32, which stands for a network's first layer;</li>
 * <li>{@code MaxPool2d(2)} and {@code BatchNorm2d(32)} in training mode on [64, 32, 28, 28], the
 *     first convolution's output; backward computes the input's gradient (and batch norm's
 *     weight and bias gradients).</li>
 * </ul>
 * Gradients are reset to null after each call, like {@code zero_grad()}.
 */
final class ConvolutionBenchmarks {
    private ConvolutionBenchmarks() {}

    static final String GROUP = "convolution";

    static List<Workload> workloads() {
        List<Workload> list = new ArrayList<>();
        LayerWorkloads.add(list, GROUP, "conv_b64_c1to32_28", () -> new Conv2d(1, 32, 3, 1, 1), new long[] {64, 1, 28, 28}, false);
        LayerWorkloads.add(list, GROUP, "conv_b64_c32to64_14", () -> new Conv2d(32, 64, 3, 1, 1), new long[] {64, 32, 14, 14}, true);
        LayerWorkloads.add(list, GROUP, "conv_b16_c64to64_56", () -> new Conv2d(64, 64, 3, 1, 1), new long[] {16, 64, 56, 56}, true);
        LayerWorkloads.add(list, GROUP, "maxpool2_b64_c32_28", () -> new MaxPool2d(2), new long[] {64, 32, 28, 28}, true);
        LayerWorkloads.add(list, GROUP, "batchnorm2d_b64_c32_28", () -> new BatchNorm2d(32), new long[] {64, 32, 28, 28}, true);
        return list;
    }
}
