package dev.ember.bench;

import dev.ember.autograd.GradMode;
import dev.ember.nn.Module;
import dev.ember.nn.Parameter;
import dev.ember.nn.functional.F;
import dev.ember.optim.Adam;
import dev.ember.optim.Optimizer;
import dev.ember.tensor.MemoryScope;
import dev.ember.tensor.Tensor;
import dev.ember.tensor.io.Npy;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Ember's half of {@code tools/accuracy/same_start_mlp.py}: one epoch of the bench's MLP from the
 * initial weights ({@code parameter0.npy} ...) and batch order ({@code order.npy}) PyTorch drew.
 *
 * <pre>{@code
 * java ... dev.ember.bench.SameStartMlp /tmp/start   # prints losses and test accuracy
 * }</pre>
 */
public final class SameStartMlp {
    private static final int BATCH_SIZE = 64;

    private SameStartMlp() {}

    public static void main(String[] args) throws Exception {
        Path start = Path.of(args[0]);
        FashionMnistTensors data = FashionMnistTensors.load(FashionMnistTensors.DIRECTORY);
        Module network = Models.mlp();
        List<Parameter> parameters = network.parameters();
        try (var noGrad = GradMode.noGrad()) {
            for (int i = 0; i < parameters.size(); i++) parameters.get(i).copy_(Npy.load(start.resolve("parameter" + i + ".npy")));
        }
        Tensor order = Npy.load(start.resolve("order.npy"));
        Optimizer optimizer = new Adam(parameters, 1e-3);
        long size = order.size(0);
        double[] losses = new double[(int) ((size + BATCH_SIZE - 1) / BATCH_SIZE)];
        for (int batch = 0; batch < losses.length; batch++) {
            try (MemoryScope scope = MemoryScope.open()) {
                long first = (long) batch * BATCH_SIZE;
                Tensor indices = order.narrow(0, first, Math.min(BATCH_SIZE, size - first));
                Tensor loss = F.crossEntropy(network.call(data.trainImages().indexSelect(0, indices)),
                        data.trainLabels().indexSelect(0, indices));
                optimizer.zeroGrad();
                loss.backward();
                optimizer.step();
                losses[batch] = loss.item();
            }
        }
        double correct;
        try (var noGrad = GradMode.noGrad(); MemoryScope scope = MemoryScope.open()) {
            correct = network.call(data.testImages()).argmax(1).eq(data.testLabels()).sum().item();
        }
        double mean = 0;
        for (double loss : losses) mean += loss / losses.length;
        System.out.printf(Locale.ROOT, "%-8s first losses %.5f %.5f %.5f %.5f %.5f  step 100 %.5f  mean %.5f  test accuracy %.2f %%%n",
                "Ember", losses[0], losses[1], losses[2], losses[3], losses[4], losses[100], mean, 100 * correct / data.testLabels().size(0));
    }
}
