package dev.ember.tensor;

import dev.ember.autograd.GradMode;
import dev.ember.devices.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Checks analytical gradients against finite differences, like {@code torch.autograd.gradcheck}
 * and {@code gradgradcheck}. Every input that requires grad must be float64: central
 * differences in float32 are too coarse to tell a wrong derivative from rounding.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(DType.FLOAT64, 3, 4).requiresGrad_(true);
 * GradCheck.check(in -> in.get(0).tanh().mul(in.get(0)), List.of(x));            // true, or throws
 * GradCheck.checkSecondOrder(in -> in.get(0).tanh().mul(in.get(0)), List.of(x));
 * }</pre>
 */
public final class GradCheck {
    private GradCheck() {}

    public static final double DEFAULT_EPS = 1e-6;
    public static final double DEFAULT_ATOL = 1e-5;
    public static final double DEFAULT_RTOL = 1e-3;

    /** Compares the Jacobian of {@code f} from backward with central differences; throws on a mismatch. */
    public static boolean check(java.util.function.Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        return check(f, inputs, DEFAULT_EPS, DEFAULT_ATOL, DEFAULT_RTOL);
    }

    public static boolean check(java.util.function.Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double eps) {
        return check(f, inputs, eps, DEFAULT_ATOL, DEFAULT_RTOL);
    }

    /**
     * @return true when every entry satisfies {@code |analytical - numerical| <= atol + rtol * |numerical|}
     * @throws IllegalStateException naming the input, the output and input elements and both values otherwise
     */
    public static boolean check(java.util.function.Function<List<Tensor>, Tensor> f, List<Tensor> inputs,
                                double eps, double atol, double rtol) {
        checkInputs(inputs);
        return compareJacobians(in -> List.of(f.apply(in)), inputs, eps, atol, rtol, "");
    }

    /**
     * Checks the gradient function itself: {@code (inputs, v) -> v^T J(inputs)} is differentiated
     * with {@code createGraph} and compared with central differences, for a random but fixed
     * gradient {@code v} that is itself treated as an input.
     */
    public static boolean checkSecondOrder(java.util.function.Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        return checkSecondOrder(f, inputs, DEFAULT_EPS, DEFAULT_ATOL, DEFAULT_RTOL);
    }

    public static boolean checkSecondOrder(java.util.function.Function<List<Tensor>, Tensor> f, List<Tensor> inputs,
                                           double eps, double atol, double rtol) {
        checkInputs(inputs);
        int count = inputs.size();
        boolean[] differentiable = new boolean[count];
        for (int i = 0; i < count; i++) differentiable[i] = inputs.get(i) != null && inputs.get(i).requiresGrad();
        Tensor probe;
        try (var mode = GradMode.noGrad()) {
            probe = f.apply(detachedAll(inputs));
        }
        Tensor gradOutput = randomLike(probe).requiresGrad_(true);

        List<Tensor> extended = new ArrayList<>(inputs);
        extended.add(gradOutput);
        java.util.function.Function<List<Tensor>, List<Tensor>> gradientFunction = in -> {
            try (var mode = GradMode.enableGrad()) {
                List<Tensor> arguments = new ArrayList<>(count);
                List<Tensor> wrt = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    Tensor x = in.get(i);
                    // numerical evaluations pass plain tensors: they still need a graph for the inner grad
                    if (differentiable[i] && !x.requiresGrad()) x = x.detach().requiresGrad_(true);
                    arguments.add(x);
                    if (differentiable[i]) wrt.add(x);
                }
                Tensor output = f.apply(arguments);
                List<Tensor> gradients = new ArrayList<>();
                List<Tensor> computed = output.requiresGrad()
                        ? Autograd.grad(List.of(output), wrt, List.of(in.get(count)), true, true, true)
                        : null;
                for (int k = 0; k < wrt.size(); k++) {
                    Tensor g = computed == null ? null : computed.get(k);
                    gradients.add(g == null ? Tensor.zerosLike(wrt.get(k)) : g);
                }
                return gradients;
            }
        };
        return compareJacobians(gradientFunction, extended, eps, atol, rtol, "second-order ");
    }

    private static void checkInputs(List<Tensor> inputs) {
        boolean any = false;
        for (int i = 0; i < inputs.size(); i++) {
            Tensor input = inputs.get(i);
            if (input == null || !input.requiresGrad()) continue;
            any = true;
            if (input.dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("gradcheck: input " + i + " is " + input.dtype() + " with shape "
                        + Dimensions.shapeText(input.shape()) + "; inputs that require grad must be float64 "
                        + "(finite differences in lower precision are not reliable)");
            }
        }
        if (!any) throw new IllegalArgumentException("gradcheck expects at least one input tensor to require gradient");
    }

    private static boolean compareJacobians(java.util.function.Function<List<Tensor>, List<Tensor>> f,
                                            List<Tensor> inputs, double eps, double atol, double rtol, String kind) {
        List<Tensor> leaves = new ArrayList<>(inputs.size());
        for (Tensor input : inputs) {
            leaves.add(input != null && input.requiresGrad() ? input.detach().requiresGrad_(true) : input);
        }
        List<Tensor> outputs;
        try (var mode = GradMode.enableGrad()) {
            outputs = f.apply(leaves);
        }
        for (int o = 0; o < outputs.size(); o++) {
            Tensor output = outputs.get(o);
            if (!output.isFloatingPoint()) {
                throw new IllegalArgumentException("gradcheck: output " + o + " is " + output.dtype()
                        + "; only floating point outputs can be checked");
            }
        }
        List<Tensor> base = detachedAll(inputs);
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) == null || !inputs.get(i).requiresGrad()) continue;
            for (int o = 0; o < outputs.size(); o++) {
                double[][] numerical = numericalJacobian(f, base, i, o, eps);
                double[][] analytical = analyticalJacobian(outputs.get(o), leaves.get(i));
                for (int row = 0; row < numerical.length; row++) {
                    for (int column = 0; column < numerical[row].length; column++) {
                        double n = numerical[row][column];
                        double a = analytical[row][column];
                        if (!(Math.abs(a - n) <= atol + rtol * Math.abs(n))) {
                            throw new IllegalStateException(kind + "Jacobian mismatch for output " + o
                                    + " with respect to input " + i + " (shape "
                                    + Dimensions.shapeText(inputs.get(i).shape()) + "): at output element " + row
                                    + ", input element " + column + ": numerical " + n + ", analytical " + a
                                    + " (atol " + atol + ", rtol " + rtol + ")");
                        }
                    }
                }
            }
        }
        return true;
    }

    /** {@code [outputElement][inputElement]} by central differences on new, perturbed copies of input {@code i}. */
    private static double[][] numericalJacobian(java.util.function.Function<List<Tensor>, List<Tensor>> f,
                                                List<Tensor> base, int i, int o, double eps) {
        Tensor input = base.get(i);
        double[] values = input.toDoubleArray();
        double[][] jacobian = null;
        for (int column = 0; column < values.length; column++) {
            double original = values[column];
            values[column] = original + eps;
            double[] plus = evaluate(f, base, i, o, values, input);
            values[column] = original - eps;
            double[] minus = evaluate(f, base, i, o, values, input);
            values[column] = original;
            if (jacobian == null) jacobian = new double[plus.length][values.length];
            for (int row = 0; row < plus.length; row++) jacobian[row][column] = (plus[row] - minus[row]) / (2 * eps);
        }
        return jacobian == null ? new double[0][0] : jacobian;
    }

    private static double[] evaluate(java.util.function.Function<List<Tensor>, List<Tensor>> f, List<Tensor> base,
                                     int i, int o, double[] values, Tensor like) {
        List<Tensor> perturbed = new ArrayList<>(base);
        perturbed.set(i, Tensor.of(values, values.length).reshape(like.shape()).to(like.device()));
        try (var mode = GradMode.noGrad()) {
            return f.apply(perturbed).get(o).toDoubleArray();
        }
    }

    /** {@code [outputElement][inputElement]} from one backward pass per output element. */
    private static double[][] analyticalJacobian(Tensor output, Tensor input) {
        int rows = Math.toIntExact(output.numel());
        int columns = Math.toIntExact(input.numel());
        double[][] jacobian = new double[rows][columns];
        if (!output.requiresGrad()) return jacobian;
        for (int row = 0; row < rows; row++) {
            Tensor gradient = Autograd.grad(List.of(output), List.of(input), List.of(Autograd.oneHot(output, row)),
                    true, false, true).get(0);
            if (gradient == null) continue;
            if (!java.util.Arrays.equals(gradient.shape(), input.shape())) {
                throw new IllegalStateException("gradcheck: a gradient has shape "
                        + Dimensions.shapeText(gradient.shape()) + " but the input has shape "
                        + Dimensions.shapeText(input.shape()));
            }
            jacobian[row] = gradient.toDoubleArray();
        }
        return jacobian;
    }

    private static List<Tensor> detachedAll(List<Tensor> inputs) {
        List<Tensor> detached = new ArrayList<>(inputs.size());
        for (Tensor input : inputs) detached.add(input == null ? null : input.detach());
        return detached;
    }

    /** Fixed-seed values in [-1, 1), so a check repeats exactly from run to run. */
    private static Tensor randomLike(Tensor like) {
        Random random = new Random(0x5eed);
        double[] values = new double[Math.toIntExact(like.numel())];
        for (int k = 0; k < values.length; k++) values[k] = 2 * random.nextDouble() - 1;
        return Tensor.of(values, values.length).reshape(like.shape()).to(like.device());
    }
}
