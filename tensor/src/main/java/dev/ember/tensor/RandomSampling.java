package dev.ember.tensor;

import dev.ember.devices.DType;
import dev.ember.devices.Device;
import dev.ember.devices.RandomOp;

/** Random tensor creation from the default {@link Generator}. */
final class RandomSampling {
    private RandomSampling() {}

    static Tensor rand(DType dtype, long... shape) { return fill(RandomOp.UNIFORM, checkFloating(dtype, "rand"), 0, 1, shape); }

    static Tensor randn(DType dtype, long... shape) { return fill(RandomOp.NORMAL, checkFloating(dtype, "randn"), 0, 1, shape); }

    static Tensor uniform(DType dtype, double low, double high, long... shape) {
        return fill(RandomOp.UNIFORM, checkFloating(dtype, "uniform"), low, high, shape);
    }

    static Tensor normal(DType dtype, double mean, double std, long... shape) {
        return fill(RandomOp.NORMAL, checkFloating(dtype, "normal"), mean, std, shape);
    }

    /** Ones with probability {@code p}, zeros otherwise. */
    static Tensor bernoulli(DType dtype, double p, long... shape) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("bernoulli: p must be in [0, 1], got " + p);
        return fill(RandomOp.BERNOULLI, dtype, p, 0, shape);
    }

    static Tensor randint(long low, long high, long... shape) {
        if (low >= high) {
            throw new IllegalArgumentException("random_ expects 'from' to be less than 'to', but got from=" + low + " >= to=" + high);
        }
        Tensor uniform = fill(RandomOp.UNIFORM, DType.FLOAT64, 0, 1, shape);
        return uniform.mul((double) (high - low)).floor().add((double) low).to(DType.INT64)
                .clamp((double) low, (double) (high - 1));
    }

    static Tensor randperm(long n) {
        if (n < 0) throw new IllegalArgumentException("randperm: n must be non-negative, got " + n);
        return fill(RandomOp.UNIFORM, DType.FLOAT64, 0, 1, n).argsort(0, false);
    }

    private static DType checkFloating(DType dtype, String op) {
        if (!dtype.isFloatingPoint()) throw new IllegalArgumentException(op + " is not implemented for " + dtype + "; use a floating dtype");
        return dtype;
    }

    private static Tensor fill(RandomOp op, DType dtype, double a, double b, long... shape) {
        Tensor out = Factories.empty(dtype, Device.CPU, shape);
        long[] state = Generator.DEFAULT.reserve(out.numel());
        out.storage.backend.random(op, out.strided(), state[0], state[1], a, b);
        return out;
    }
}
