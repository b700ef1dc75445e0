package dev.ember.devices.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static dev.ember.devices.cpu.UnaryKernels.DS;
import static dev.ember.devices.cpu.UnaryKernels.FS;

/**
 * GELU (exact, and its tanh approximation) and SiLU with their derivatives: vector forms for
 * the float32 loops of {@link UnaryKernels} and {@link BinaryKernels} (exp-based forms of the
 * tanh approximation and SiLU for float64 too), and accurate float64 scalar forms for every
 * other path (exact GELU in float64, strided runs, tails, half types).
 *
 * <p>Exact GELU is {@code x Φ(x)}. For {@code x < 0} the textbook {@code 1 + erf(x/√2)} cancels
 * (PyTorch's float32 gelu(-5) is 4% off, and 0 from about -5.9 on), so both signs here go
 * through {@code h = Φ(-|x|) = erfc(|x|/√2)/2}, which keeps its relative accuracy down to
 * underflow: {@code Φ(x) = h} for {@code x < 0} and {@code 1 - h} otherwise. Likewise
 * {@code (1 + tanh u)/2} is computed as {@code sigmoid(2u)} from {@code exp(-2|u|)}, which
 * neither cancels nor overflows.
 *
 * <pre>{@code
 * SmoothActivations.gelu(-10.0);   // -7.619853024160527e-23
 * }</pre>
 */
final class SmoothActivations {

    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double CUBIC = 0.044715;
    /**
     * A bound on x² in the slope u' of the tanh form: u' only multiplies sigmoid(-2|u|), which is
     * already 0 far below this, and the bound keeps a huge finite x from making inf times 0.
     */
    private static final double SLOPE_LIMIT = 1e6;

    /**
     * erfc(z) ≈ t P(t) exp(-z²), t = 1/(1 + z/2), z ≥ 0, with P the polynomial of these
     * coefficients (lowest degree first). The substitution is Numerical Recipes' {@code erfcc}
     * (Press et al., Numerical Recipes in C, 2nd ed., 1992, section 6.2), which fits log P and so
     * needs a second exp; P itself, fitted for relative error by
     * {@code tools/approximations/erfc_polynomial.py} (1.1e-8 in float64, 2.8e-7 for t P(t)
     * evaluated in float32), lets GELU's derivative share one exp with its value.
     */
    private static final float P0 = 0.2820948f, P1 = 0.28209385f, P2 = 0.24688074f, P3 = 0.1753744f, P4 = 0.09301944f,
            P5 = -0.057314686f, P6 = 0.12730363f, P7 = -0.44731727f, P8 = 0.48650026f, P9 = -0.23102392f,
            P10 = 0.042388767f;
    /** t in terms of x: z = |x|/√2, so z/2 = |x|/(2√2). */
    private static final float HALF_SQRT_HALF = (float) (SQRT_HALF / 2);
    /** Beyond this |x|, exp(-x²/2) is below float32's smallest subnormal; clamping keeps x² finite. */
    private static final float UNDERFLOW = 15f;
    private static final float INV_SQRT_2PI_F = (float) INV_SQRT_2PI;
    private static final float SQRT_2_OVER_PI_F = (float) SQRT_2_OVER_PI;
    private static final float CUBIC_SQRT_2_OVER_PI_F = (float) (CUBIC * SQRT_2_OVER_PI);

    private SmoothActivations() {}

    // ------------------------------------------------------------------ float64 scalars

    static double gelu(double x) {
        double h = 0.5 * SpecialFunctions.erfc(Math.abs(x) * SQRT_HALF);
        return x * (x < 0 ? h : 1 - h);
    }

    /** Φ(x) + x φ(x); NaN at ±infinity, as in PyTorch (infinity times a zero density). */
    static double geluDerivative(double x) {
        double h = 0.5 * SpecialFunctions.erfc(Math.abs(x) * SQRT_HALF);
        return (x < 0 ? h : 1 - h) + x * Math.exp(-0.5 * x * x) * INV_SQRT_2PI;
    }

    /** x (1 + tanh u)/2 = x sigmoid(2u), u = √(2/π)(x + 0.044715 x³). */
    static double geluTanh(double x) {
        return x * SpecialFunctions.sigmoid(2 * tanhArgument(x));
    }

    /** sigmoid(2u) + 2x u' sigmoid(2u) sigmoid(-2u): PyTorch's formula with 1 - tanh² u written without cancellation. */
    static double geluTanhDerivative(double x) {
        double u = tanhArgument(x);
        double slope = SQRT_2_OVER_PI * (1 + 3 * CUBIC * Math.min(x * x, SLOPE_LIMIT));
        double s = SpecialFunctions.sigmoid(2 * u);
        return s + 2 * x * (slope * s * SpecialFunctions.sigmoid(-2 * u));
    }

    private static double tanhArgument(double x) { return SQRT_2_OVER_PI * (x + CUBIC * x * x * x); }

    static double silu(double x) { return x * SpecialFunctions.sigmoid(x); }

    /** sigmoid(x) (1 + x (1 - sigmoid(x))), with 1 - sigmoid(x) taken as sigmoid(-x). */
    static double siluDerivative(double x) {
        double s = SpecialFunctions.sigmoid(x);
        return s + x * s * SpecialFunctions.sigmoid(-x);
    }

    // ------------------------------------------------------------------ float32 scalars

    /**
     * The float32 vector formula one element at a time, for rows the vector loop cannot take
     * (small heap-backed tensors): the float64 erfc above costs ~100 ns an element.
     */
    static float gelu(float x) {
        float ax = Math.abs(x);
        float h = scaledErfc(ax) * gaussian(ax) * 0.5f;
        return x * (x < 0 ? h : 1 - h);
    }

    static float geluDerivative(float x) {
        float ax = Math.abs(x);
        float gauss = gaussian(ax);
        float h = scaledErfc(ax) * gauss * 0.5f;
        return Math.fma(x * gauss, INV_SQRT_2PI_F, x < 0 ? h : 1 - h);
    }

    private static float scaledErfc(float ax) {
        float t = 1f / Math.fma(ax, HALF_SQRT_HALF, 1f);
        float p = Math.fma(t, P10, P9);
        p = Math.fma(p, t, P8);
        p = Math.fma(p, t, P7);
        p = Math.fma(p, t, P6);
        p = Math.fma(p, t, P5);
        p = Math.fma(p, t, P4);
        p = Math.fma(p, t, P3);
        p = Math.fma(p, t, P2);
        p = Math.fma(p, t, P1);
        p = Math.fma(p, t, P0);
        return t * p;
    }

    private static float gaussian(float ax) {
        float clamped = Math.min(ax, UNDERFLOW);
        float square = clamped * clamped;
        float squareError = Math.fma(clamped, clamped, -square);
        float gauss = (float) Math.exp(-0.5f * square);
        return Math.fma(-0.5f * squareError, gauss, gauss);
    }

    // ------------------------------------------------------------------ float32 vectors

    private static FloatVector broadcast(float value) { return FloatVector.broadcast(FS, value); }

    /** t P(t) = erfc(z) exp(z²) at z = |x|/√2, from {@code ax} = |x|. */
    private static FloatVector scaledErfc(FloatVector ax) {
        FloatVector t = broadcast(1f).div(ax.fma(HALF_SQRT_HALF, 1f));
        FloatVector p = t.fma(P10, P9);
        p = p.fma(t, broadcast(P8));
        p = p.fma(t, broadcast(P7));
        p = p.fma(t, broadcast(P6));
        p = p.fma(t, broadcast(P5));
        p = p.fma(t, broadcast(P4));
        p = p.fma(t, broadcast(P3));
        p = p.fma(t, broadcast(P2));
        p = p.fma(t, broadcast(P1));
        p = p.fma(t, broadcast(P0));
        return t.mul(p);
    }

    /**
     * exp(-x²/2) from {@code ax} = |x|. In the tails x² is large, and rounding it would cost up
     * to ~4e-6 relative: x² = square + squareError exactly (a fused multiply-add), and the small
     * part is applied as exp(-squareError/2) ≈ 1 - squareError/2.
     */
    private static FloatVector gaussian(FloatVector ax) {
        FloatVector clamped = ax.min(UNDERFLOW);
        FloatVector square = clamped.mul(clamped);
        FloatVector squareError = clamped.fma(clamped, square.neg());
        FloatVector gauss = square.mul(-0.5f).lanewise(VectorOperators.EXP);
        return gauss.fma(squareError.mul(-0.5f), gauss);
    }

    /** Φ(x) from h = Φ(-|x|): h for x < 0, 1 - h otherwise. */
    private static FloatVector cdf(FloatVector x, FloatVector h) {
        return h.neg().add(1f).blend(h, x.compare(VectorOperators.LT, 0f));
    }

    /** x Φ(x); relative error measured below 4e-7 wherever the result is a normal float. */
    static FloatVector gelu(FloatVector x) {
        FloatVector ax = x.abs();
        return x.mul(cdf(x, scaledErfc(ax).mul(gaussian(ax)).mul(0.5f)));
    }

    /** Φ(x) + x φ(x), with one exp for both terms. */
    static FloatVector geluDerivative(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector gauss = gaussian(ax);
        FloatVector cdf = cdf(x, scaledErfc(ax).mul(gauss).mul(0.5f));
        return x.mul(gauss).fma(broadcast(INV_SQRT_2PI_F), cdf);
    }

    static FloatVector geluTanh(FloatVector x) {
        FloatVector u = x.mul(x).fma(CUBIC_SQRT_2_OVER_PI_F, SQRT_2_OVER_PI_F).mul(x);
        FloatVector m = u.abs().mul(-2f).lanewise(VectorOperators.EXP);
        FloatVector d = broadcast(1f).div(m.add(1f));
        return x.mul(d.blend(m.mul(d), u.compare(VectorOperators.LT, 0f)));
    }

    static FloatVector geluTanhDerivative(FloatVector x) {
        FloatVector square = x.mul(x);
        FloatVector u = square.fma(CUBIC_SQRT_2_OVER_PI_F, SQRT_2_OVER_PI_F).mul(x);
        FloatVector slope = square.min((float) SLOPE_LIMIT).fma(3 * CUBIC_SQRT_2_OVER_PI_F, SQRT_2_OVER_PI_F);
        FloatVector m = u.abs().mul(-2f).lanewise(VectorOperators.EXP);
        FloatVector d = broadcast(1f).div(m.add(1f));
        FloatVector s = d.blend(m.mul(d), u.compare(VectorOperators.LT, 0f));
        // sigmoid(2u) sigmoid(-2u) = m d², multiplied into the slope first so that a huge x meets a 0, not inf
        return x.mul(slope.mul(m).mul(d).mul(d)).fma(broadcast(2f), s);
    }

    static FloatVector silu(FloatVector x) {
        FloatVector m = x.abs().neg().lanewise(VectorOperators.EXP);
        FloatVector d = broadcast(1f).div(m.add(1f));
        return x.mul(d.blend(m.mul(d), x.compare(VectorOperators.LT, 0f)));
    }

    static FloatVector siluDerivative(FloatVector x) {
        FloatVector m = x.abs().neg().lanewise(VectorOperators.EXP);
        FloatVector d = broadcast(1f).div(m.add(1f));
        FloatVector s = d.blend(m.mul(d), x.compare(VectorOperators.LT, 0f));
        return x.mul(m.mul(d).mul(d)).add(s);
    }

    // ------------------------------------------------------------------ float64 vectors

    private static DoubleVector broadcast(double value) { return DoubleVector.broadcast(DS, value); }

    static DoubleVector geluTanh(DoubleVector x) {
        DoubleVector u = x.mul(x).fma(CUBIC * SQRT_2_OVER_PI, SQRT_2_OVER_PI).mul(x);
        DoubleVector m = u.abs().mul(-2.0).lanewise(VectorOperators.EXP);
        DoubleVector d = broadcast(1.0).div(m.add(1.0));
        return x.mul(d.blend(m.mul(d), u.compare(VectorOperators.LT, 0.0)));
    }

    static DoubleVector geluTanhDerivative(DoubleVector x) {
        DoubleVector square = x.mul(x);
        DoubleVector u = square.fma(CUBIC * SQRT_2_OVER_PI, SQRT_2_OVER_PI).mul(x);
        DoubleVector slope = square.min(SLOPE_LIMIT).fma(3 * CUBIC * SQRT_2_OVER_PI, SQRT_2_OVER_PI);
        DoubleVector m = u.abs().mul(-2.0).lanewise(VectorOperators.EXP);
        DoubleVector d = broadcast(1.0).div(m.add(1.0));
        DoubleVector s = d.blend(m.mul(d), u.compare(VectorOperators.LT, 0.0));
        return x.mul(slope.mul(m).mul(d).mul(d)).fma(broadcast(2.0), s);
    }

    static DoubleVector silu(DoubleVector x) {
        DoubleVector m = x.abs().neg().lanewise(VectorOperators.EXP);
        DoubleVector d = broadcast(1.0).div(m.add(1.0));
        return x.mul(d.blend(m.mul(d), x.compare(VectorOperators.LT, 0.0)));
    }

    static DoubleVector siluDerivative(DoubleVector x) {
        DoubleVector m = x.abs().neg().lanewise(VectorOperators.EXP);
        DoubleVector d = broadcast(1.0).div(m.add(1.0));
        DoubleVector s = d.blend(m.mul(d), x.compare(VectorOperators.LT, 0.0));
        return x.mul(m.mul(d).mul(d)).add(s);
    }
}
