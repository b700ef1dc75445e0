package dev.ember.devices.cpu;

/**
 * Scalar functions that {@link Math} lacks or gets slightly wrong for our purposes: erf and
 * erfc to about 1e-15, the inverse hyperbolic functions, an exact log2 on powers of two,
 * and a sigmoid that never overflows.
 *
 * <pre>{@code
 * SpecialFunctions.erf(1.0);    // 0.8427007929497149
 * SpecialFunctions.erfc(5.0);   // 1.5374597944280349e-12
 * }</pre>
 */
final class SpecialFunctions {

    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;
    private static final double LN2 = 0.6931471805599453;
    /** Below this |x| the series for erf converges fast and has no cancellation. */
    private static final double SERIES_LIMIT = 2.5;

    private SpecialFunctions() {}

    static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        if (ax < SERIES_LIMIT) return erfSeries(x);
        double r = 1 - erfcContinuedFraction(ax);
        return x < 0 ? -r : r;
    }

    static double erfc(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        double r = ax < 0.5 ? 1 - erfSeries(ax) : ax < SERIES_LIMIT ? erfcMid(ax) : erfcContinuedFraction(ax);
        return x < 0 ? 2 - r : r;
    }

    /**
     * erf(x) = 2/sqrt(pi) exp(-x^2) sum_n (2x^2)^n x / (1*3*...*(2n+1)): every term is
     * positive, so unlike the Taylor series there is no cancellation.
     */
    private static double erfSeries(double x) {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++) {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (Math.abs(term) <= Math.abs(sum) * 1e-17) break;
        }
        return TWO_OVER_SQRT_PI * expMinusSquare(x) * sum;
    }

    /** erfc on [0.5, 2.5): 1 - erf loses relative accuracy there, so it uses the complement sum. */
    private static double erfcMid(double x) {
        // erfc(x) = 1 - erf(x); the series' error is absolute ~1e-16 and erfc >= 4e-4 here,
        // while the continued fraction below converges too slowly for small x.
        return 1 - erfSeries(x);
    }

    /** Lentz's method on erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))). */
    private static double erfcContinuedFraction(double x) {
        if (x > 27.5) return 0;
        double tiny = 1e-300;
        double f = x;
        double c = f;
        double d = 0;
        for (int j = 1; j < 5000; j++) {
            double a = j * 0.5;
            d = x + a * d;
            if (d == 0) d = tiny;
            d = 1 / d;
            c = x + a / c;
            if (c == 0) c = tiny;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) break;
        }
        return ONE_OVER_SQRT_PI * expMinusSquare(x) / f;
    }

    /** exp(-x*x) without the rounding error of x*x: split x into a short high part and the rest. */
    private static double expMinusSquare(double x) {
        double hi = Math.floor(Math.abs(x) * 4096) / 4096;
        double ax = Math.abs(x);
        return Math.exp(-hi * hi) * Math.exp(-(ax - hi) * (ax + hi));
    }

    static double asinh(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax > 1e8) r = Math.log(ax) + LN2;
        else r = Math.log1p(ax + ax * ax / (1 + Math.sqrt(1 + ax * ax)));
        return Math.copySign(r, x);
    }

    static double acosh(double x) {
        if (x < 1) return Double.NaN;
        if (x > 1e8) return Math.log(x) + LN2;
        double t = x - 1;
        return Math.log1p(t + Math.sqrt(2 * t + t * t));
    }

    static double atanh(double x) {
        return 0.5 * Math.log1p(2 * x / (1 - x));
    }

    static double log2(double x) {
        if (x > 0 && x < Double.POSITIVE_INFINITY) {
            long bits = Double.doubleToRawLongBits(x);
            if ((bits & 0x000FFFFFFFFFFFFFL) == 0 && Math.getExponent(x) >= Double.MIN_EXPONENT) return Math.getExponent(x);
        }
        return Math.log(x) / LN2;
    }

    static double sigmoid(double x) {
        if (x >= 0) return 1 / (1 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1 + e);
    }

    static double trunc(double x) { return x < 0 ? Math.ceil(x) : Math.floor(x); }
}
