package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.devices.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Float64 gradcheck (and gradgradcheck for a representative subset) of every differentiable op
 * of the public Tensor API. Inputs are seeded and kept inside each op's domain and away from its
 * kinks (zero for abs/relu, clamp bounds, discontinuities of fmod/remainder), so a failure means a
 * wrong derivative, not a finite difference straddling a non-differentiable point.
 */
class OpGradCheckTest {

    /** An op under test: inputs in, one tensor out. */
    private interface Body extends java.util.function.Function<List<Tensor>, Tensor> {}

    private record Case(String name, Body body, List<Supplier<Tensor>> inputs) {
        List<Tensor> materialize() {
            Tensor.manualSeed(name.hashCode());
            List<Tensor> made = new ArrayList<>();
            for (Supplier<Tensor> input : inputs) made.add(input.get());
            return made;
        }
    }

    private static final Map<String, Case> CASES = new LinkedHashMap<>();

    @SafeVarargs
    private static void op(String name, Body body, Supplier<Tensor>... inputs) {
        if (CASES.put(name, new Case(name, body, List.of(inputs))) != null) throw new IllegalStateException(name);
    }

    // ---------------------------------------------------------------- inputs

    /** Standard normal float64 values that require grad. */
    private static Supplier<Tensor> normal(long... shape) { return mapped(v -> v, shape); }

    /** Standard normal values passed through {@code transform}, so they land inside an op's domain. */
    private static Supplier<Tensor> mapped(DoubleUnaryOperator transform, long... shape) {
        return () -> {
            double[] values = Tensor.randn(DType.FLOAT64, shape).toDoubleArray();
            for (int k = 0; k < values.length; k++) values[k] = transform.applyAsDouble(values[k]);
            return Tensor.of(values, values.length).reshape(shape).requiresGrad_(true);
        };
    }

    /** Values in [0.5, ~3.5): inside the domain of log, sqrt, reciprocal, non-integer powers. */
    private static Supplier<Tensor> positive(long... shape) { return mapped(v -> 0.5 + Math.abs(v), shape); }

    /** Values at least 0.3 away from zero on either side: away from the kink of abs, relu, sign-based rows. */
    private static Supplier<Tensor> awayFromZero(long... shape) {
        return mapped(v -> Math.copySign(0.3 + Math.abs(v), v), shape);
    }

    /** Values in (-0.9, 0.9), the interior of asin/acos/atanh. */
    private static Supplier<Tensor> unitInterior(long... shape) { return mapped(v -> 0.9 * Math.tanh(v), shape); }

    /** Values of shape {@code [rows, columns]} seen through a transpose, so the input is non-contiguous. */
    private static Supplier<Tensor> transposed(DoubleUnaryOperator transform, long rows, long columns) {
        Supplier<Tensor> base = mapped(transform, columns, rows);
        return () -> {
            Tensor t = base.get().detach().transpose(0, 1).requiresGrad_(true);
            if (t.isContiguous()) throw new IllegalStateException("expected a non-contiguous input");
            return t;
        };
    }

    /** Fixed values that require grad. */
    private static Supplier<Tensor> values(double[] data, long... shape) {
        return () -> Tensor.of(data.clone(), shape).requiresGrad_(true);
    }

    private static Tensor longs(long... indices) { return Tensor.of(indices, indices.length); }

    private static Tensor longs2(long rows, long columns, long... indices) { return Tensor.of(indices, rows, columns); }

    private static Tensor mask(long rows, long columns, boolean... bits) { return Tensor.of(bits, rows, columns); }

    /** A mask with a fixed pseudo-random pattern containing both values. */
    private static final boolean[] MASK_2x3 = {true, false, false, true, true, false};

    /** Weights each part differently so a gradient routed to the wrong part is caught. */
    private static Tensor weighted(List<Tensor> parts) {
        List<Tensor> flat = new ArrayList<>();
        for (int k = 0; k < parts.size(); k++) flat.add(parts.get(k).reshape(-1).mul(k + 1.0));
        return Tensor.cat(flat, 0);
    }

    private static Tensor x(List<Tensor> in) { return in.get(0); }

    private static Tensor y(List<Tensor> in) { return in.get(1); }

    private static Tensor z(List<Tensor> in) { return in.get(2); }

    static {
        // ------------------------------------------------------------ unary
        op("neg", in -> x(in).neg(), normal(2, 3));
        op("abs", in -> x(in).abs(), awayFromZero(2, 3));
        op("abs transposed", in -> x(in).abs(), transposed(v -> Math.copySign(0.3 + Math.abs(v), v), 2, 3));
        op("exp", in -> x(in).exp(), normal(2, 3));
        op("exp transposed", in -> x(in).exp(), transposed(v -> v, 3, 2));
        op("exp2", in -> x(in).exp2(), normal(2, 3));
        op("log", in -> x(in).log(), positive(2, 3));
        op("log transposed", in -> x(in).log(), transposed(v -> 0.5 + Math.abs(v), 2, 3));
        op("log2", in -> x(in).log2(), positive(2, 3));
        op("log10", in -> x(in).log10(), positive(2, 3));
        op("sqrt", in -> x(in).sqrt(), positive(2, 3));
        op("rsqrt", in -> x(in).rsqrt(), positive(2, 3));
        op("sin", in -> x(in).sin(), normal(2, 3));
        op("sin transposed", in -> x(in).sin(), transposed(v -> v, 2, 4));
        op("cos", in -> x(in).cos(), normal(2, 3));
        op("tan", in -> x(in).tan(), mapped(v -> 1.2 * Math.tanh(v), 2, 3));
        op("asin", in -> x(in).asin(), unitInterior(2, 3));
        op("acos", in -> x(in).acos(), unitInterior(2, 3));
        op("atan", in -> x(in).atan(), normal(2, 3));
        op("sinh", in -> x(in).sinh(), normal(2, 3));
        op("cosh", in -> x(in).cosh(), normal(2, 3));
        op("tanh", in -> x(in).tanh(), normal(2, 3));
        op("tanh transposed", in -> x(in).tanh(), transposed(v -> v, 3, 4));
        op("asinh", in -> x(in).asinh(), normal(2, 3));
        op("acosh", in -> x(in).acosh(), mapped(v -> 1.1 + Math.abs(v), 2, 3));
        op("atanh", in -> x(in).atanh(), unitInterior(2, 3));
        op("sigmoid", in -> x(in).sigmoid(), normal(2, 3));
        op("relu", in -> x(in).relu(), awayFromZero(2, 3));
        // relu's gradient (threshold_backward) is itself differentiated when relu meets a product
        op("relu times input", in -> x(in).relu().mul(x(in)), awayFromZero(2, 3));
        op("relu transposed", in -> x(in).relu(), transposed(v -> Math.copySign(0.3 + Math.abs(v), v), 3, 4));
        op("maxPool2d", in -> Tensor.maxPoolWithIndices(x(in), new long[] {2, 2}, new long[] {2, 2}, new long[] {0, 0},
                new long[] {1, 1}, false).values(), normal(2, 2, 4, 5));
        op("maxPool2d overlapping padded", in -> Tensor.maxPoolWithIndices(x(in), new long[] {3, 3}, new long[] {2, 1},
                new long[] {1, 1}, new long[] {1, 1}, false).values().square(), normal(1, 2, 5, 4));
        op("reciprocal", in -> x(in).reciprocal(), awayFromZero(2, 3));
        op("square", in -> x(in).square(), normal(2, 3));
        op("log1p", in -> x(in).log1p(), mapped(v -> -0.5 + Math.abs(v), 2, 3));
        op("expm1", in -> x(in).expm1(), normal(2, 3));
        op("erf", in -> x(in).erf(), normal(2, 3));
        op("erfc", in -> x(in).erfc(), normal(2, 3));

        // ------------------------------------------------------------ activations
        op("gelu exact", in -> x(in).gelu(), normal(2, 3));
        op("gelu tanh", in -> x(in).gelu(true), normal(2, 3));
        op("silu", in -> x(in).silu(), normal(2, 3));
        // the fused kernels' tails, and their backward ops' rows one order further (third derivatives)
        op("gelu exact wide", in -> x(in).gelu(), mapped(v -> 3 * v, 2, 3));
        op("gelu tanh wide", in -> x(in).gelu(true), mapped(v -> 3 * v, 2, 3));
        op("silu wide", in -> x(in).silu(), mapped(v -> 4 * v, 2, 3));
        op("gelu exact gradient", in -> gradientOf(Tensor::gelu, x(in)), normal(2, 3));
        op("gelu tanh gradient", in -> gradientOf(t -> t.gelu(true), x(in)), normal(2, 3));
        op("silu gradient", in -> gradientOf(Tensor::silu, x(in)), normal(2, 3));
        op("softplus", in -> x(in).softplus(), normal(2, 3));
        op("softplus beta 2", in -> x(in).softplus(2, 20), normal(2, 3));
        op("leakyRelu", in -> x(in).leakyRelu(0.1), awayFromZero(2, 3));
        op("leakyRelu default", in -> x(in).leakyRelu(), awayFromZero(2, 3));
        op("elu", in -> x(in).elu(0.7), awayFromZero(2, 3));
        op("elu default", in -> x(in).elu(), awayFromZero(2, 3));
        op("hardtanh", in -> x(in).hardtanh(-0.5, 0.5),
                values(new double[] {-1.3, -0.2, 0.1, 0.8, -0.7, 0.35}, 2, 3));
        op("hardtanh default", in -> x(in).hardtanh(),
                values(new double[] {-1.3, -0.2, 0.1, 1.8, -0.7, 0.35}, 2, 3));
        op("clamp scalar", in -> x(in).clamp(-0.5, 0.5),
                values(new double[] {-1.3, -0.2, 0.1, 0.8, -0.7, 0.35}, 2, 3));
        op("clampMin", in -> x(in).clampMin(0.2), values(new double[] {-1.3, -0.2, 0.1, 0.8, -0.7, 0.35}, 2, 3));
        op("clampMax", in -> x(in).clampMax(0.2), values(new double[] {-1.3, -0.2, 0.1, 0.8, -0.7, 0.35}, 2, 3));
        op("clamp tensor bounds", in -> x(in).clamp(y(in), z(in)),
                values(new double[] {-1.2, 0.1, 0.9, -0.05, 1.5, -0.7}, 2, 3),
                values(new double[] {-0.5, -0.4, -0.6, -0.3, -0.2, -0.55}, 2, 3),
                values(new double[] {0.5, 0.6, 0.4, 0.7, 0.8, 0.45}, 2, 3));
        op("clamp tensor bounds broadcast", in -> x(in).clamp(y(in), z(in)),
                values(new double[] {-1.2, 0.1, 0.9, -0.05, 1.5, -0.7}, 2, 3),
                values(new double[] {-0.5, -0.4, -0.6}, 3),
                values(new double[] {0.5}, 1));

        // ------------------------------------------------------------ binary
        op("add", in -> x(in).add(y(in)), normal(2, 3), normal(2, 3));
        op("add broadcast", in -> x(in).add(y(in)), normal(2, 1, 3), normal(4, 1));
        op("add alpha", in -> x(in).add(y(in), 2.5), normal(2, 3), normal(3));
        op("add scalar", in -> x(in).add(1.5), normal(2, 3));
        op("sub", in -> x(in).sub(y(in)), normal(2, 3), normal(2, 3));
        op("sub broadcast alpha", in -> x(in).sub(y(in), 0.5), normal(3, 1), normal(1, 4));
        op("rsub", in -> x(in).rsub(2.0), normal(2, 3));
        op("mul", in -> x(in).mul(y(in)), normal(2, 3), normal(2, 3));
        op("mul broadcast", in -> x(in).mul(y(in)), normal(2, 3, 1), normal(3, 4));
        op("mul scalar", in -> x(in).mul(-1.7), normal(2, 3));
        op("div", in -> x(in).div(y(in)), normal(2, 3), awayFromZero(2, 3));
        op("div broadcast", in -> x(in).div(y(in)), normal(3, 1), awayFromZero(4));
        op("div scalar", in -> x(in).div(3.0), normal(2, 3));
        op("pow", in -> x(in).pow(y(in)), positive(2, 3), normal(2, 3));
        op("pow broadcast", in -> x(in).pow(y(in)), positive(2, 3), normal(1, 3));
        op("pow scalar fractional", in -> x(in).pow(2.5), positive(2, 3));
        op("pow scalar integer", in -> x(in).pow(3.0), normal(2, 3));
        op("pow scalar negative", in -> x(in).pow(-1.5), positive(2, 3));
        op("maximum", in -> x(in).maximum(y(in)), normal(2, 3), normal(2, 3));
        op("maximum broadcast", in -> x(in).maximum(y(in)), normal(2, 3), normal(3));
        op("minimum", in -> x(in).minimum(y(in)), normal(2, 3), normal(2, 3));
        op("minimum broadcast", in -> x(in).minimum(y(in)), normal(2, 1), normal(1, 3));
        op("atan2", in -> x(in).atan2(y(in)), normal(2, 3), awayFromZero(2, 3));
        op("atan2 broadcast", in -> x(in).atan2(y(in)), normal(2, 3), awayFromZero(3));
        // x / y stays at least 0.2 from an integer, so no finite difference crosses a jump
        double[] dividends = {2.5, -3.7, 5.3, -1.4, 0.6, 7.9};
        double[] divisors = {1.1, 1.5, -2.0, 0.9, 2.2, -3.0};
        op("fmod", in -> x(in).fmod(y(in)), values(dividends, 2, 3), values(divisors, 2, 3));
        op("fmod broadcast", in -> x(in).fmod(y(in)), values(dividends, 2, 3), values(new double[] {1.1}, 1));
        op("fmod scalar", in -> x(in).fmod(1.1), values(dividends, 2, 3));
        op("remainder", in -> x(in).remainder(y(in)), values(dividends, 2, 3), values(divisors, 2, 3));
        op("remainder broadcast", in -> x(in).remainder(y(in)), values(dividends, 2, 3),
                values(new double[] {-1.1}, 1));
        op("remainder scalar", in -> x(in).remainder(1.1), values(dividends, 2, 3));

        // ------------------------------------------------------------ ternary
        op("where", in -> Tensor.where(mask(2, 3, MASK_2x3), x(in), y(in)), normal(2, 3), normal(2, 3));
        op("where broadcast", in -> Tensor.where(mask(2, 3, MASK_2x3), x(in), y(in)), normal(3), normal(2, 1));
        op("where method", in -> x(in).where(mask(2, 3, MASK_2x3), y(in)), normal(2, 3), normal(2, 3));
        op("where scalar other", in -> Tensor.where(mask(2, 3, MASK_2x3), x(in), 2.0), normal(2, 3));
        op("where scalar self", in -> Tensor.where(mask(2, 3, MASK_2x3), -1.0, x(in)), normal(2, 3));
        op("lerp tensor weight", in -> x(in).lerp(y(in), z(in)), normal(2, 3), normal(2, 3), normal(2, 3));
        op("lerp tensor weight broadcast", in -> x(in).lerp(y(in), z(in)), normal(2, 3), normal(3), normal(2, 1));
        op("lerp scalar weight", in -> x(in).lerp(y(in), 0.3), normal(2, 3), normal(2, 3));
        op("addcmul", in -> x(in).addcmul(y(in), z(in), 0.5), normal(2, 3), normal(2, 3), normal(2, 3));
        op("addcmul broadcast", in -> x(in).addcmul(y(in), z(in), -2), normal(3), normal(2, 1), normal(2, 3));
        op("addcdiv", in -> x(in).addcdiv(y(in), z(in), 0.5), normal(2, 3), normal(2, 3), awayFromZero(2, 3));
        op("addcdiv broadcast", in -> x(in).addcdiv(y(in), z(in), 1.5), normal(2, 3), normal(3), awayFromZero(2, 1));

        // ------------------------------------------------------------ reductions
        op("sum all", in -> x(in).sum(), normal(2, 3));
        op("sum dim", in -> x(in).sum(1), normal(2, 3, 2));
        op("sum dim keepdim", in -> x(in).sum(0, true), normal(2, 3));
        op("sum dims", in -> x(in).sum(new int[] {0, 2}, false), normal(2, 3, 2));
        op("sum dims keepdim", in -> x(in).sum(new int[] {-1, 0}, true), normal(2, 3, 2));
        op("sum transposed", in -> x(in).sum(0), transposed(v -> v, 3, 2));
        op("mean all", in -> x(in).mean(), normal(2, 3));
        op("mean dim", in -> x(in).mean(1), normal(2, 3));
        op("mean dim keepdim", in -> x(in).mean(-1, true), normal(2, 3));
        op("mean dims", in -> x(in).mean(new int[] {0, 1}, false), normal(2, 3, 2));
        op("prod all", in -> x(in).prod(), awayFromZero(2, 3));
        op("prod dim", in -> x(in).prod(1), awayFromZero(2, 3));
        op("prod dim keepdim", in -> x(in).prod(0, true), awayFromZero(3, 2));
        op("max all", in -> x(in).max(), normal(2, 3));
        op("max dim", in -> x(in).max(1), normal(2, 3));
        op("max dim keepdim", in -> x(in).max(0, true), normal(2, 3));
        op("min all", in -> x(in).min(), normal(2, 3));
        op("min dim", in -> x(in).min(0), normal(2, 3));
        op("min dim keepdim", in -> x(in).min(1, true), normal(2, 3));
        op("amax", in -> x(in).amax(new int[] {1}, false), normal(2, 3));
        op("amax dims keepdim", in -> x(in).amax(new int[] {0, 2}, true), normal(2, 3, 2));
        op("amin", in -> x(in).amin(new int[] {0}, false), normal(2, 3));
        op("amin dims keepdim", in -> x(in).amin(new int[] {1, 2}, true), normal(2, 3, 2));
        op("var all", in -> x(in).var(), normal(2, 3));
        op("var dim", in -> x(in).var(1, false), normal(2, 3));
        op("var dim keepdim", in -> x(in).var(0, true), normal(3, 2));
        op("var dims correction 0", in -> x(in).var(new int[] {0, 1}, false, 0), normal(2, 3));
        op("std all", in -> x(in).std(), normal(2, 3));
        op("std dim", in -> x(in).std(1, false), normal(2, 3));
        op("std dim keepdim", in -> x(in).std(0, true), normal(3, 2));
        op("std dims correction 0", in -> x(in).std(new int[] {1}, true, 0), normal(2, 3));
        op("logsumexp", in -> x(in).logsumexp(1), normal(2, 3));
        op("logsumexp keepdim", in -> x(in).logsumexp(0, true), normal(2, 3));
        op("softmax", in -> x(in).softmax(1), normal(2, 3));
        op("softmax dim 0", in -> x(in).softmax(0), normal(3, 2));
        op("softmax transposed", in -> x(in).softmax(-1), transposed(v -> v, 2, 3));
        op("logSoftmax", in -> x(in).logSoftmax(1), normal(2, 3));
        op("logSoftmax dim 0", in -> x(in).logSoftmax(0), normal(3, 2));
        op("norm 2", in -> x(in).norm(), normal(2, 3));
        op("norm 1", in -> x(in).norm(1), awayFromZero(2, 3));
        op("norm 3", in -> x(in).norm(3), awayFromZero(2, 3));
        op("norm inf", in -> x(in).norm(Double.POSITIVE_INFINITY), normal(2, 3));

        // ------------------------------------------------------------ scans
        op("cumsum", in -> x(in).cumsum(1), normal(2, 3));
        op("cumsum dim 0", in -> x(in).cumsum(0), normal(3, 2));
        op("cumsum transposed", in -> x(in).cumsum(1), transposed(v -> v, 2, 3));
        op("cumprod", in -> x(in).cumprod(1), awayFromZero(2, 3));
        op("cumprod dim 0", in -> x(in).cumprod(0), awayFromZero(3, 2));

        // ------------------------------------------------------------ linear algebra
        op("matmul 1d 1d", in -> x(in).matmul(y(in)), normal(3), normal(3));
        op("matmul 2d 1d", in -> x(in).matmul(y(in)), normal(2, 3), normal(3));
        op("matmul 1d 2d", in -> x(in).matmul(y(in)), normal(3), normal(3, 2));
        op("matmul 2d 2d", in -> x(in).matmul(y(in)), normal(2, 3), normal(3, 2));
        op("matmul 2d 2d transposed", in -> x(in).matmul(y(in)), transposed(v -> v, 2, 3), transposed(v -> v, 3, 2));
        op("matmul batched", in -> x(in).matmul(y(in)), normal(2, 2, 3), normal(2, 3, 2));
        op("matmul batched 2d", in -> x(in).matmul(y(in)), normal(2, 2, 3), normal(3, 2));
        op("matmul batched broadcast", in -> x(in).matmul(y(in)), normal(2, 1, 2, 3), normal(2, 3, 2));
        op("matmul 1d batched", in -> x(in).matmul(y(in)), normal(3), normal(2, 3, 2));
        op("mm", in -> x(in).mm(y(in)), normal(2, 3), normal(3, 2));
        op("bmm", in -> x(in).bmm(y(in)), normal(2, 2, 3), normal(2, 3, 2));
        op("mv", in -> x(in).mv(y(in)), normal(2, 3), normal(3));
        op("dot", in -> x(in).dot(y(in)), normal(4), normal(4));
        op("outer", in -> x(in).outer(y(in)), normal(3), normal(2));

        // ------------------------------------------------------------ views
        op("view", in -> x(in).view(3, 2, 2), normal(2, 6));
        op("view inferred", in -> x(in).view(-1, 3), normal(2, 3, 2));
        op("reshape", in -> x(in).reshape(4, 3), normal(2, 6));
        op("reshape non-contiguous", in -> x(in).reshape(6), transposed(v -> v, 2, 3));
        op("viewAs", in -> x(in).viewAs(Tensor.zeros(3, 2)), normal(2, 3));
        op("reshapeAs", in -> x(in).reshapeAs(Tensor.zeros(6)), transposed(v -> v, 2, 3));
        op("transpose", in -> x(in).transpose(0, 2), normal(2, 3, 2));
        op("t", in -> x(in).t(), normal(2, 3));
        op("mT", in -> x(in).mT(), normal(2, 3, 2));
        op("permute", in -> x(in).permute(2, 0, 1), normal(2, 3, 2));
        op("expand", in -> x(in).expand(2, 3, 4), normal(3, 1));
        op("expandAs", in -> x(in).expandAs(Tensor.zeros(2, 3)), normal(3));
        op("broadcastTo", in -> x(in).broadcastTo(2, 2, 3), normal(1, 3));
        op("narrow", in -> x(in).narrow(1, 1, 2), normal(2, 4));
        op("slice", in -> x(in).slice(1, 1, 3), normal(2, 4));
        op("slice with step", in -> x(in).slice(1, 0, 5, 2), normal(2, 5));
        op("slice with step dim 0", in -> x(in).slice(0, 1, 4, 2), normal(4, 2));
        op("select", in -> x(in).select(1, 2), normal(2, 3));
        op("select negative", in -> x(in).select(0, -1), normal(2, 3));
        op("squeeze", in -> x(in).squeeze(), normal(2, 1, 3));
        op("squeeze dim", in -> x(in).squeeze(1), normal(2, 1, 3));
        op("unsqueeze", in -> x(in).unsqueeze(1), normal(2, 3));
        op("flatten", in -> x(in).flatten(), normal(2, 3, 2));
        op("flatten from", in -> x(in).flatten(1), normal(2, 3, 2));
        op("flatten range", in -> x(in).flatten(0, 1), normal(2, 3, 2));
        op("unflatten", in -> x(in).unflatten(1, 2, 3), normal(2, 6));
        op("chunk", in -> weighted(x(in).chunk(3, 1)), normal(2, 6));
        op("chunk uneven", in -> weighted(x(in).chunk(2)), normal(5, 2));
        op("split size", in -> weighted(x(in).split(2, 1)), normal(2, 5));
        op("split sizes", in -> weighted(x(in).split(new long[] {1, 3, 2}, 1)), normal(2, 6));
        op("unbind", in -> weighted(x(in).unbind(1)), normal(2, 3));
        op("chained views", in -> x(in).t().unsqueeze(0).expand(2, 3, 2).slice(1, 0, 3, 2),
                normal(2, 3));

        // ------------------------------------------------------------ shape copies
        op("cat", in -> Tensor.cat(List.of(x(in), y(in)), 1), normal(2, 3), normal(2, 2));
        op("cat dim 0 three", in -> Tensor.cat(List.of(x(in), y(in), x(in))), normal(1, 3), normal(2, 3));
        op("stack", in -> Tensor.stack(List.of(x(in), y(in)), 1), normal(2, 3), normal(2, 3));
        op("stack default", in -> Tensor.stack(List.of(x(in), y(in))), normal(3), normal(3));
        op("flip", in -> x(in).flip(1), normal(2, 3));
        op("flip two dims", in -> x(in).flip(0, 1), normal(2, 3));
        op("roll", in -> x(in).roll(1, 1), normal(2, 3));
        op("roll negative", in -> x(in).roll(-2, 0), normal(3, 2));
        op("roll two dims", in -> x(in).roll(new long[] {1, 2}, new int[] {0, 1}), normal(2, 3));
        op("repeat", in -> x(in).repeat(2, 3), normal(2, 2));
        op("repeat new dim", in -> x(in).repeat(2, 1, 2), normal(2, 3));
        op("tril", in -> x(in).tril(), normal(3, 3));
        op("tril negative diagonal", in -> x(in).tril(-1), normal(3, 4));
        op("triu", in -> x(in).triu(), normal(3, 3));
        op("triu positive diagonal", in -> x(in).triu(1), normal(2, 3, 3));
        op("pad constant", in -> x(in).pad(1, 2), normal(2, 3));
        op("pad constant value 2d", in -> x(in).pad(new long[] {1, 0, 0, 2}, "constant", 3.5), normal(2, 3));
        op("pad reflect", in -> x(in).pad(new long[] {2, 1}, "reflect", 0), normal(2, 4));
        op("pad reflect 2d", in -> x(in).pad(new long[] {1, 1, 1, 1}, "reflect", 0), normal(1, 3, 3));
        op("clone", in -> x(in).clone(), normal(2, 3));
        op("clone transposed", in -> x(in).clone(), transposed(v -> v, 2, 3));
        op("contiguous", in -> x(in).contiguous(), transposed(v -> v, 2, 3));
        op("to float64", in -> x(in).to(DType.FLOAT64).mul(2), normal(2, 3));

        // ------------------------------------------------------------ indexing
        op("indexSelect", in -> x(in).indexSelect(1, longs(2, 0, 2)), normal(2, 3));
        op("indexSelect dim 0", in -> x(in).indexSelect(0, longs(1, 1, 0, 2)), normal(3, 2));
        op("gather", in -> x(in).gather(1, longs2(2, 2, 0, 2, 1, 1)), normal(2, 3));
        op("gather dim 0", in -> x(in).gather(0, longs2(2, 3, 1, 0, 1, 0, 0, 1)), normal(2, 3));
        op("scatter", in -> x(in).scatter(1, longs2(2, 2, 2, 0, 1, 2), y(in)), normal(2, 3), normal(2, 2));
        op("scatter value", in -> x(in).scatter(1, longs2(2, 1, 1, 0), 5.0), normal(2, 3));
        op("scatterAdd", in -> x(in).scatterAdd(1, longs2(2, 3, 0, 0, 2, 1, 1, 1), y(in)), normal(2, 3), normal(2, 3));
        op("indexAdd", in -> x(in).indexAdd(0, longs(2, 0, 2), y(in)), normal(3, 2), normal(3, 2));
        op("indexAdd dim 1", in -> x(in).indexAdd(1, longs(1, 1), y(in)), normal(2, 3), normal(2, 2));
        op("maskedFill scalar", in -> x(in).maskedFill(mask(2, 3, MASK_2x3), -2.0), normal(2, 3));
        op("maskedFill tensor", in -> x(in).maskedFill(mask(2, 3, MASK_2x3), y(in)), normal(2, 3),
                () -> Tensor.scalar(0.75).requiresGrad_(true));
        op("maskedFill broadcast mask", in -> x(in).maskedFill(Tensor.of(new boolean[] {false, true, false}, 3), 1.0),
                normal(2, 3));
        op("maskedSelect", in -> x(in).maskedSelect(mask(2, 3, MASK_2x3)), normal(2, 3));
        op("maskedSelect broadcast", in -> x(in).maskedSelect(Tensor.of(new boolean[] {true, false, true}, 3)),
                normal(2, 3));
        op("index", in -> x(in).index(longs(2, 0, 2)), normal(3, 2));
        op("index two dims", in -> x(in).index(longs(0, 1, 1), longs(2, 0, 2)), normal(2, 3));
        op("index skipping dim", in -> x(in).index(null, longs(1, 1)), normal(2, 3));
        op("index boolean", in -> x(in).index(Tensor.of(new boolean[] {true, false, true}, 3)), normal(3, 2));
        op("indexPut", in -> x(in).indexPut(new Tensor[] {longs(2, 0)}, y(in), false), normal(3, 2), normal(2, 2));
        op("indexPut accumulate", in -> x(in).indexPut(new Tensor[] {longs(1, 1, 0)}, y(in), true),
                normal(3, 2), normal(3, 2));
        op("indexPut two dims broadcast value", in -> x(in).indexPut(new Tensor[] {longs(0, 1), longs(2, 0)}, y(in),
                false), normal(2, 3), normal(1));

        // ------------------------------------------------------------ sorting
        op("sort values", in -> x(in).sort(1, false), normal(2, 4));
        op("sort values descending", in -> x(in).sort(0, true), normal(3, 2));
        op("sortWithIndices values", in -> x(in).sortWithIndices(-1, false).values(), normal(2, 3));
        op("topk values", in -> x(in).topk(2, 1, true).values(), normal(2, 4));
        op("topk smallest", in -> x(in).topk(2, 0, false).values(), normal(3, 2));
    }

    /**
     * d/dx sum(f(x)) with a graph: checking it checks the second derivative of f, and its
     * second-order check the third. Numerical evaluations pass plain tensors, given a graph here.
     */
    private static Tensor gradientOf(java.util.function.UnaryOperator<Tensor> f, Tensor x) {
        try (var mode = dev.ember.autograd.GradMode.enableGrad()) {
            Tensor input = x.requiresGrad() ? x : x.detach().requiresGrad_(true);
            return Autograd.grad(List.of(f.apply(input).sum()), List.of(input), true).get(0);
        }
    }

    /** The ops whose gradient function itself is checked against finite differences. */
    private static final List<String> SECOND_ORDER = List.of(
            "mul", "mul broadcast", "div", "div broadcast", "exp", "log", "tanh", "sigmoid", "pow", "pow scalar fractional",
            "matmul 2d 2d", "matmul batched broadcast", "softmax", "logSoftmax", "sum all", "sum dim keepdim",
            "mean dim", "gelu exact", "gelu tanh", "cumsum", "cumprod", "indexSelect", "slice with step", "where",
            "sqrt", "sin", "atan2", "var dim", "logsumexp", "norm 2", "prod dim", "lerp tensor weight", "addcdiv",
            "gather", "silu", "softplus", "relu", "relu times input", "maxPool2d", "maxPool2d overlapping padded",
            "gelu exact wide", "gelu tanh wide", "silu wide", "gelu exact gradient", "gelu tanh gradient", "silu gradient");

    @TestFactory
    Stream<DynamicTest> firstOrderGradientsMatchFiniteDifferences() {
        return CASES.values().stream().map(c -> DynamicTest.dynamicTest(c.name(),
                () -> assertTrue(GradCheck.check(c.body(), c.materialize()), c.name())));
    }

    @TestFactory
    Stream<DynamicTest> secondOrderGradientsMatchFiniteDifferences() {
        return SECOND_ORDER.stream().map(name -> {
            Case c = CASES.get(name);
            if (c == null) throw new IllegalStateException("no case named " + name);
            return DynamicTest.dynamicTest(name,
                    () -> assertTrue(GradCheck.checkSecondOrder(c.body(), c.materialize()), name));
        });
    }
}
