package dev.ember.tensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void parsesObjectsInOrderWithExactIntegers() {
        Object value = Json.parse(" {\"b\": [1, -2, 9223372036854775807, 18446744073709551616], \"a\": {\"x\": 1.5e3, \"y\": null,"
                + " \"z\": [true, false, \"s\\u00e9\\n\\\"\"]}} ");
        Map<?, ?> map = (Map<?, ?>) value;
        assertEquals(List.of("b", "a"), List.copyOf(map.keySet()));
        assertEquals(List.of(1L, -2L, Long.MAX_VALUE, new BigInteger("18446744073709551616")), map.get("b"));
        Map<?, ?> inner = (Map<?, ?>) map.get("a");
        assertEquals(1500.0, inner.get("x"));
        assertNull(inner.get("y"));
        assertEquals(List.of(true, false, "s\u00e9\n\""), inner.get("z"));
    }

    @Test
    void readsPythonsNonFiniteNumbersOnlyWhenAskedTo() {
        assertEquals(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1L),
                Json.parseWithNonFinite("[NaN, Infinity, -Infinity, -1]"));
        for (String bad : new String[] {"[NaN]", "[Infinity]", "[-Infinity]"}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Json.parseWithNonFinite("[Nan]"));
    }

    @Test
    void rejectsWhatStrictJsonRejects() {
        for (String bad : new String[] {"{", "{\"a\" 1}", "{'a': 1}", "[01]", "[1.]", "[-]", "\"tab\there\"", "{\"a\":1}x", "[tru]", ""}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
    }

    @Test
    void quotesStringsExactlyAsSerdeJsonDoes() {
        StringBuilder out = new StringBuilder();
        Json.appendString(out, "a\"b\\c\nd\te\u0001f\u007f\u00e9/");
        assertEquals("\"a\\\"b\\\\c\\nd\\te\\u0001f\u007f\u00e9/\"", out.toString());
    }
}
