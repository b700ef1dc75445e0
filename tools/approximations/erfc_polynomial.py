"""Coefficients of the float32 erfc used by Ember's vectorised GELU (devices/cpu SmoothActivations).

The kernel writes erfc(z) = t * P(t) * exp(-z*z) with t = 1 / (1 + z/2), z >= 0, so P(t) is
erfcx(z) / t = erfc(z) exp(z*z) / t, a smooth function on t in [0, 1] (from 1/(2 sqrt(pi)) at
t = 0, z = infinity, to 1 at t = 1, z = 0). It is the substitution of Numerical Recipes' erfcc
(Press et al., Numerical Recipes in C, 2nd ed., section 6.2), which fits log P instead and so
needs a second exp; fitting P itself lets the kernel share exp(-z*z) between GELU's value and its
derivative.

P is a degree-10 polynomial fitted for minimal *relative* error: weighted least squares on 4001
Chebyshev points of [0, 1], reweighted toward the largest errors (Lawson's iteration), against
mpmath's erfc at 50 digits. Deterministic; run with Debian's /usr/bin/python3 (numpy, mpmath):

    /usr/bin/python3 tools/approximations/erfc_polynomial.py

It prints the coefficients (lowest degree first), the fit's relative error in float64, and the
relative error of t * P(t) evaluated in float32 with fused multiply-adds, as the kernel does.
"""
import mpmath as mp
import numpy as np

DEGREE = 10
POINTS = 4001
ITERATIONS = 12

mp.mp.dps = 50


def target(t):
    """erfcx(z) / t at z = 2 (1/t - 1)."""
    t = mp.mpf(t)
    if t == 0:
        return 1 / (2 * mp.sqrt(mp.pi))
    z = 2 * (1 / t - 1)
    return mp.erfc(z) * mp.exp(z * z) / t


def fit():
    ts = np.array([0.5 - 0.5 * np.cos(np.pi * k / (POINTS - 1)) for k in range(POINTS)])
    values = np.array([float(target(t)) for t in ts])
    vander = np.vander(ts, DEGREE + 1, increasing=True)
    weights = np.ones_like(ts)
    for _ in range(ITERATIONS):
        coefficients, *_ = np.linalg.lstsq(vander / values[:, None] * weights[:, None], weights, rcond=None)
        error = vander @ coefficients / values - 1
        weights = weights * (np.abs(error) / np.abs(error).max()) ** 0.3 + 1e-3
    return coefficients, np.abs(error).max()


def float32_error(coefficients):
    """Max relative error of t P(t) against erfcx(|x|/sqrt 2) for float32 x in [0, 13], as the kernel computes it."""
    c = np.float32(coefficients)
    half_sqrt_half = np.float32(np.sqrt(0.5) / 2)
    worst = 0.0
    for x in np.float32(np.linspace(0, 13, 20001)):
        t = np.float32(1.0 / np.float64(np.float32(np.float64(x) * np.float64(half_sqrt_half) + 1.0)))
        p = c[DEGREE]
        for k in range(DEGREE - 1, -1, -1):
            # a float32 fma: the float64 product of two float32 values is exact
            p = np.float32(np.float64(p) * np.float64(t) + np.float64(c[k]))
        got = float(np.float32(np.float64(t) * np.float64(p)))
        z = mp.mpf(float(x)) / mp.sqrt(2)
        exact = float(mp.erfc(z) * mp.exp(z * z))
        worst = max(worst, abs(got - exact) / exact)
    return worst


if __name__ == "__main__":
    coefficients, error = fit()
    for k, c in enumerate(coefficients):
        print(f"P{k} = {np.format_float_positional(np.float32(c))}f")
    print(f"fit: max relative error {error:.3g} (float64)")
    print(f"t * P(t) in float32: max relative error {float32_error(coefficients):.3g}")
