package dev.ember.nn;

import static dev.ember.nn.LinearTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autograd.GradMode;
import dev.ember.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Relations that must hold between runs of the recurrent layers, on seeded random shapes and values. */
class RecurrentPropertiesTest {

    /** The sequence modules under test, built with every option a property needs. */
    enum Kind {
        LSTM, GRU, RNN_TANH, RNN_RELU;

        RNNBase build(long input, long hidden, int layers, boolean batchFirst, double dropout, boolean bidirectional) {
            return switch (this) {
                case LSTM -> new dev.ember.nn.LSTM(input, hidden, layers, true, batchFirst, dropout, bidirectional);
                case GRU -> new dev.ember.nn.GRU(input, hidden, layers, true, batchFirst, dropout, bidirectional);
                case RNN_TANH -> new RNN(input, hidden, layers, "tanh", true, batchFirst, dropout, bidirectional);
                case RNN_RELU -> new RNN(input, hidden, layers, "relu", true, batchFirst, dropout, bidirectional);
            };
        }
    }

    /** The output and final states of a run from zero states. */
    static List<Tensor> run(RNNBase module, Tensor x) { return RecurrentTest.results(module, new Tensor[] {x, null, null}); }

    private static void copyWeights(Module from, Module to) { to.loadStateDict(from.stateDict()); }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void batchFirstGivesTheTransposedResultOfTheSequenceFirstRun(Kind kind) {
        Random random = new Random(11);
        Tensor.manualSeed(11);
        for (int trial = 0; trial < 3; trial++) {
            long in = 1 + random.nextInt(4), hidden = 1 + random.nextInt(4), steps = 1 + random.nextInt(5), batch = 1 + random.nextInt(3);
            int layers = 1 + random.nextInt(2);
            boolean bidirectional = random.nextBoolean();
            RNNBase sequenceFirst = kind.build(in, hidden, layers, false, 0, bidirectional);
            RNNBase batchFirst = kind.build(in, hidden, layers, true, 0, bidirectional);
            copyWeights(sequenceFirst, batchFirst);
            Tensor x = Tensor.randn(steps, batch, in);
            List<Tensor> expected = run(sequenceFirst, x);
            List<Tensor> actual = run(batchFirst, x.transpose(0, 1).contiguous());
            assertClose(expected.get(0).transpose(0, 1), actual.get(0), kind + " output");
            for (int i = 1; i < expected.size(); i++) assertClose(expected.get(i), actual.get(i), kind + " state " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void unbatchedInputEqualsABatchOfOneSqueezed(Kind kind) {
        Random random = new Random(12);
        Tensor.manualSeed(12);
        for (int trial = 0; trial < 3; trial++) {
            long in = 1 + random.nextInt(4), hidden = 1 + random.nextInt(4), steps = 1 + random.nextInt(5);
            boolean batchFirst = random.nextBoolean();
            RNNBase module = kind.build(in, hidden, 1 + random.nextInt(2), batchFirst, 0, random.nextBoolean());
            Tensor x = Tensor.randn(steps, in);
            List<Tensor> unbatched = run(module, x);
            List<Tensor> batched = run(module, x.unsqueeze(batchFirst ? 0 : 1));
            assertClose(batched.get(0).squeeze(batchFirst ? 0 : 1), unbatched.get(0), kind + " output");
            for (int i = 1; i < batched.size(); i++) assertClose(batched.get(i).squeeze(1), unbatched.get(i), kind + " state " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void backwardDirectionIsAForwardRunOverTheFlippedSequenceWithTheReverseWeights(Kind kind) {
        Random random = new Random(13);
        Tensor.manualSeed(13);
        for (int trial = 0; trial < 3; trial++) {
            long in = 1 + random.nextInt(4), hidden = 1 + random.nextInt(4), steps = 1 + random.nextInt(5), batch = 1 + random.nextInt(3);
            RNNBase bidirectional = kind.build(in, hidden, 1, false, 0, true);
            RNNBase forwardOnly = kind.build(in, hidden, 1, false, 0, false);
            Map<String, Tensor> reverse = new LinkedHashMap<>();
            bidirectional.stateDict().forEach((key, value) -> {
                if (key.endsWith("_reverse")) reverse.put(key.substring(0, key.length() - "_reverse".length()), value);
            });
            forwardOnly.loadStateDict(reverse);
            Tensor x = Tensor.randn(steps, batch, in);
            List<Tensor> both = run(bidirectional, x);
            List<Tensor> flipped = run(forwardOnly, x.flip(0));
            assertClose(flipped.get(0).flip(0), both.get(0).narrow(2, hidden, hidden), kind + " backward half of the output");
            for (int i = 1; i < both.size(); i++) {
                assertClose(flipped.get(i).select(0, 0), both.get(i).select(0, 1), kind + " backward final state " + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void dropoutActsBetweenLayersInTrainingOnly(Kind kind) {
        Tensor.manualSeed(14);
        RNNBase withDropout = kind.build(3, 5, 3, false, 0.5, false);
        RNNBase without = kind.build(3, 5, 3, false, 0, false);
        copyWeights(withDropout, without);
        Tensor x = Tensor.randn(4, 2, 3);
        List<Tensor> reference = run(without, x);
        withDropout.eval();
        List<Tensor> evaluated = run(withDropout, x);
        for (int i = 0; i < reference.size(); i++) assertClose(reference.get(i), evaluated.get(i), kind + " eval result " + i);
        withDropout.train();
        Tensor trained = run(withDropout, x).get(0);
        float[] a = trained.toFloatArray(), b = reference.get(0).toFloatArray();
        boolean differs = false;
        for (int i = 0; i < a.length; i++) differs |= Math.abs(a[i] - b[i]) > 1e-4;
        assertTrue(differs, kind + ": dropout 0.5 between three layers changed nothing in training mode");
        // The first layer's states never see dropout: its input is the raw sequence.
        assertClose(reference.get(1).select(0, 0), run(withDropout, x).get(1).select(0, 0), kind + " first layer state");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void outputShapesFollowPyTorch(Kind kind) {
        RNNBase module = kind.build(3, 5, 2, true, 0, true);
        List<Tensor> results = run(module, Tensor.randn(4, 7, 3));
        assertArrayEquals(new long[] {4, 7, 10}, results.get(0).shape());
        for (int i = 1; i < results.size(); i++) assertArrayEquals(new long[] {4, 4, 5}, results.get(i).shape());
        assertArrayEquals(new long[] {4, 7, 10}, module.call(Tensor.randn(4, 7, 3)).shape());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void noGradRunKeepsNoGraph(Kind kind) {
        RNNBase module = kind.build(3, 4, 1, false, 0, false);
        try (var mode = GradMode.noGrad()) {
            assertTrue(!module.call(Tensor.randn(5, 2, 3)).requiresGrad());
        }
        assertTrue(module.call(Tensor.randn(5, 2, 3)).requiresGrad());
    }

    @org.junit.jupiter.api.Test
    void defaultInitIsUniformWithinOneOverSqrtHidden() {
        Tensor.manualSeed(15);
        List<Module> modules = List.of(new dev.ember.nn.LSTM(30, 100, 2), new dev.ember.nn.GRU(30, 100), new RNN(30, 100),
                new LSTMCell(30, 100), new GRUCell(30, 100), new RNNCell(30, 100));
        for (Module module : modules) {
            module.namedParameters().forEach((name, p) -> {
                double min = p.min().item(), max = p.max().item();
                assertTrue(min >= -0.1 && max <= 0.1, module + " " + name + " outside [-0.1, 0.1]: " + min + ".." + max);
                assertTrue(min < -0.09 && max > 0.09, module + " " + name + " does not fill [-0.1, 0.1]: " + min + ".." + max);
            });
        }
    }
}
