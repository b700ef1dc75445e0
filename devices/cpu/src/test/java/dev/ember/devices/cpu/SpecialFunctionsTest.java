package dev.ember.devices.cpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpecialFunctionsTest {

    // Golden values from CPython's math.erf/math.erfc (correct to within an ulp or two).
    private static final double[][] ERF = {
            {0.0, 0.0},
            {1e-10, 1.1283791670955126e-10},
            {0.1, 0.1124629160182849},
            {0.5, 0.5204998778130465},
            {1.0, 0.8427007929497149},
            {1.5, 0.9661051464753108},
            {2.0, 0.9953222650189527},
            {2.5, 0.9995930479825550},
            {3.0, 0.9999779095030014},
            {4.0, 0.9999999845827421},
            {6.0, 1.0},
    };

    private static final double[][] ERFC = {
            {0.1, 0.8875370839817151},
            {0.5, 0.4795001221869535},
            {1.0, 0.15729920705028513},
            {2.0, 0.004677734981047266},
            {2.5, 4.069520174449590e-4},
            {3.0, 2.209049699858544e-05},
            {5.0, 1.5374597944280349e-12},
            {10.0, 2.088487583762545e-45},
            {26.0, 5.663192408856143e-296},
            {-1.0, 1.8427007929497148},
    };

    @Test
    void erfMatchesGoldenValuesToDoublePrecision() {
        for (double[] row : ERF) {
            assertEquals(row[1], SpecialFunctions.erf(row[0]), 5e-16, "erf(" + row[0] + ")");
            assertEquals(-row[1], SpecialFunctions.erf(-row[0]), 5e-16, "erf(-" + row[0] + ")");
        }
        assertTrue(Double.isNaN(SpecialFunctions.erf(Double.NaN)));
        assertEquals(1.0, SpecialFunctions.erf(Double.POSITIVE_INFINITY));
    }

    @Test
    void erfcHasSmallRelativeErrorInTheTail() {
        for (double[] row : ERFC) {
            double actual = SpecialFunctions.erfc(row[0]);
            assertEquals(row[1], actual, Math.abs(row[1]) * 1e-13, "erfc(" + row[0] + ")");
        }
        assertEquals(0.0, SpecialFunctions.erfc(30));
        assertEquals(2.0, SpecialFunctions.erfc(Double.NEGATIVE_INFINITY));
    }
}
