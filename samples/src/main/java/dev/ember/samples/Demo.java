package dev.ember.samples;

import dev.ember.autograd.GradMode;
import dev.ember.tensor.Autograd;
import dev.ember.tensor.Tensor;
import java.util.List;

/**
 * A short tour of Ember's tensors and autograd: creation, broadcasting, matmul, backward,
 * a higher-order gradient, and a few steps of gradient descent fitting a line.
 *
 * <pre>
 * ./ember run
 * </pre>
 */
public final class Demo {
    private Demo() {}

    public static void main(String[] args) {
        Tensor.manualSeed(42);
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensor.ones(2, 2).mul(0.5);
        System.out.println("a =\n" + a);
        System.out.println("a @ a.t() + 0.5 =\n" + a.matmul(a.t()).add(b));

        Tensor w = Tensor.randn(3, 3).requiresGrad_(true);
        Tensor loss = w.matmul(w.t()).sum();
        loss.backward();
        System.out.println("loss = " + loss.item());
        System.out.println("d loss / d w =\n" + w.grad());

        Tensor x = Tensor.of(new double[] {0.5, -1.0, 2.0}).requiresGrad_(true);
        Tensor y = x.tanh().pow(3).sum();
        Tensor dx = Autograd.grad(List.of(y), List.of(x), true).get(0);
        Tensor d2x = Autograd.grad(List.of(dx.sum()), List.of(x), false).get(0);
        System.out.println("d/dx sum(tanh(x)^3)      = " + dx.detach());
        System.out.println("d/dx sum(d/dx ...) (2nd) = " + d2x);

        fitLine();
    }

    /** Fits y = 3x - 1 with plain gradient descent. */
    private static void fitLine() {
        Tensor inputs = Tensor.linspace(-1, 1, 64).unsqueeze(1);
        Tensor targets = inputs.mul(3).sub(1).add(Tensor.randn(64, 1).mul(0.05));
        Tensor weight = Tensor.zeros(1, 1).requiresGrad_(true);
        Tensor bias = Tensor.zeros(1).requiresGrad_(true);
        for (int step = 0; step <= 200; step++) {
            Tensor prediction = inputs.matmul(weight).add(bias);
            Tensor loss = prediction.sub(targets).square().mean();
            loss.backward();
            try (var noGrad = GradMode.noGrad()) {
                weight.sub_(weight.grad().mul(0.5));
                bias.sub_(bias.grad().mul(0.5));
            }
            weight.grad().zero_();
            bias.grad().zero_();
            if (step % 50 == 0) System.out.printf("step %3d  loss %.6f%n", step, loss.item());
        }
        System.out.printf("fitted y = %.3f x + %.3f (true: 3x - 1)%n", weight.item(), bias.item());
    }
}
