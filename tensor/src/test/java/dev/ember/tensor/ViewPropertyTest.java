package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autograd.GradMode;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Random chains of view ops on random shapes, checked element by element against a plain-Java
 * reference that copies arrays (no strides), so a wrong stride, offset or size shows up as a
 * wrong value.
 */
class ViewPropertyTest {

    private static final int CASES = 400;

    @Test
    void randomViewChainsMatchPlainJavaReference() {
        Random random = new Random(20240611L);
        for (int c = 0; c < CASES; c++) {
            long[] shape = randomShape(random);
            Tensor root = sequence(shape);
            Tensor tensor = root;
            Reference reference = Reference.of(root);
            StringBuilder trail = new StringBuilder(Dimensions.shapeText(shape));
            int steps = 1 + random.nextInt(5);
            for (int s = 0; s < steps; s++) {
                Step step = randomStep(random, tensor.shape());
                trail.append(" -> ").append(step.name);
                tensor = step.onTensor.apply(tensor);
                reference = step.onReference.apply(reference);
                String where = "case " + c + ": " + trail;
                assertArrayEquals(reference.shape, tensor.shape(), where);
                assertArrayEquals(reference.data, tensor.toDoubleArray(), where);
                assertArrayEquals(reference.data, tensor.contiguous().toDoubleArray(), where);
                assertTrue(tensor.contiguous().isContiguous(), where);
                if (tensor.storage == root.storage) assertTrue(tensor.isView(), where);
            }
        }
    }

    @Test
    void viewsShareMemoryWithTheirRoot() {
        Random random = new Random(7L);
        int checked = 0;
        for (int c = 0; c < CASES; c++) {
            long[] shape = randomShape(random);
            Tensor root = sequence(shape);
            Tensor tensor = root;
            Reference reference = Reference.of(root);
            int steps = 1 + random.nextInt(4);
            for (int s = 0; s < steps; s++) {
                Step step = randomStep(random, tensor.shape());
                if (step.copies) continue;
                tensor = step.onTensor.apply(tensor);
                reference = step.onReference.apply(reference);
            }
            if (tensor.storage != root.storage) continue;
            try (var guard = GradMode.noGrad()) {
                root.copy_(root.mul(-1.0));
            }
            double[] negated = reference.data.clone();
            for (int i = 0; i < negated.length; i++) negated[i] = -negated[i];
            assertArrayEquals(negated, tensor.toDoubleArray(), "case " + c);
            checked++;
        }
        assertTrue(checked > CASES / 2, "too few pure view chains: " + checked);
    }

    @Test
    void reshapeOfNonContiguousViewsCopiesAndKeepsRowMajorOrder() {
        Random random = new Random(99L);
        int copies = 0;
        for (int c = 0; c < CASES; c++) {
            long[] shape = randomShape(random);
            Tensor tensor = sequence(shape);
            Reference reference = Reference.of(tensor);
            for (int s = 0; s < 3; s++) {
                Step step = randomStep(random, tensor.shape());
                tensor = step.onTensor.apply(tensor);
                reference = step.onReference.apply(reference);
            }
            long[] target = randomFactorisation(random, reference.data.length);
            long[] resolved = ShapeOps.inferSize(target, reference.data.length);
            boolean viewable = tensor.layout.view(resolved) != null;
            Tensor reshaped = tensor.reshape(target);
            assertArrayEquals(resolved, reshaped.shape(), "case " + c);
            assertArrayEquals(reference.data, reshaped.toDoubleArray(), "case " + c);
            if (viewable) {
                assertTrue(reshaped.storage == tensor.storage, "case " + c + ": a viewable reshape must not copy");
                assertArrayEquals(reference.data, tensor.view(target).toDoubleArray(), "case " + c);
            } else {
                copies++;
                assertFalse(reshaped.storage == tensor.storage, "case " + c);
                assertTrue(reshaped.isContiguous(), "case " + c);
                assertFalse(reshaped.isView(), "case " + c);
            }
        }
        assertTrue(copies > 20, "too few non-viewable reshapes exercised: " + copies);
    }

    // ---------------------------------------------------------------- random steps

    record Step(String name, UnaryOperator<Tensor> onTensor, UnaryOperator<Reference> onReference, boolean copies) {}

    static Step randomStep(Random random, long[] shape) {
        int rank = shape.length;
        while (true) {
            switch (random.nextInt(9)) {
                case 0 -> {
                    if (rank == 0) continue;
                    int a = random.nextInt(rank) - (random.nextBoolean() ? rank : 0);
                    int b = random.nextInt(rank);
                    return new Step("transpose(" + a + "," + b + ")", t -> t.transpose(a, b),
                            r -> r.transpose(wrap(a, rank), wrap(b, rank)), false);
                }
                case 1 -> {
                    int[] perm = randomPermutation(random, rank);
                    return new Step("permute" + Arrays.toString(perm), t -> t.permute(perm), r -> r.permute(perm), false);
                }
                case 2 -> {
                    if (rank == 0) continue;
                    int d = random.nextInt(rank);
                    long size = shape[d];
                    long start = random.nextInt(2 * (int) size + 3) - size - 1;
                    long end = random.nextInt(4) == 0 ? Long.MAX_VALUE : random.nextInt(2 * (int) size + 3) - size - 1;
                    long step = 1 + random.nextInt(3);
                    return new Step("slice(" + d + "," + start + "," + end + "," + step + ")", t -> t.slice(d, start, end, step),
                            r -> r.slice(d, start, end, step), false);
                }
                case 3 -> {
                    if (rank == 0) continue;
                    int d = random.nextInt(rank);
                    if (shape[d] == 0) continue;
                    long index = random.nextInt((int) shape[d]) - (random.nextBoolean() ? shape[d] : 0);
                    return new Step("select(" + d + "," + index + ")", t -> t.select(d, index), r -> r.select(d, index), false);
                }
                case 4 -> {
                    if (rank >= 5) continue;
                    int d = random.nextInt(rank + 1);
                    return new Step("unsqueeze(" + d + ")", t -> t.unsqueeze(d), r -> r.unsqueeze(d), false);
                }
                case 5 -> {
                    long[] target = new long[rank + (rank < 4 && random.nextBoolean() ? 1 : 0)];
                    int lead = target.length - rank;
                    for (int d = 0; d < target.length; d++) {
                        if (d < lead) target[d] = random.nextInt(4);
                        else if (shape[d - lead] == 1) target[d] = random.nextInt(4);
                        else target[d] = random.nextBoolean() ? -1 : shape[d - lead];
                    }
                    long[] resolved = target.clone();
                    for (int d = lead; d < target.length; d++) if (target[d] == -1) resolved[d] = shape[d - lead];
                    return new Step("expand" + Arrays.toString(target), t -> t.expand(target), r -> r.expand(resolved), false);
                }
                case 6 -> {
                    if (rank == 0) continue;
                    int d = random.nextInt(rank);
                    long start = random.nextInt((int) shape[d] + 1);
                    long length = random.nextInt((int) (shape[d] - start) + 1);
                    return new Step("narrow(" + d + "," + start + "," + length + ")", t -> t.narrow(d, start, length),
                            r -> r.slice(d, start, start + length, 1), false);
                }
                case 7 -> {
                    if (rank == 0 || random.nextBoolean()) {
                        return new Step("squeeze()", Tensor::squeeze, Reference::squeezeAll, false);
                    }
                    int d = random.nextInt(rank);
                    return new Step("squeeze(" + d + ")", t -> t.squeeze(d), r -> r.squeeze(d), false);
                }
                default -> {
                    if (rank == 0) continue;
                    int d = random.nextInt(rank);
                    return new Step("flip(" + d + ")", t -> t.flip(d), r -> r.flip(d), true);
                }
            }
        }
    }

    static long[] randomShape(Random random) {
        long[] shape = new long[random.nextInt(5)];
        // Mostly non-empty sizes, so chains keep elements to compare; some zeros for the edge cases.
        for (int d = 0; d < shape.length; d++) shape[d] = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(5);
        return shape;
    }

    static int[] randomPermutation(Random random, int rank) {
        int[] perm = new int[rank];
        for (int i = 0; i < rank; i++) perm[i] = i;
        for (int i = rank - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = perm[i];
            perm[i] = perm[j];
            perm[j] = swap;
        }
        return perm;
    }

    static long[] randomFactorisation(Random random, int numel) {
        if (numel == 0) return new long[] {0, 1 + random.nextInt(3)};
        long[] factors = new long[1 + random.nextInt(3)];
        Arrays.fill(factors, 1);
        int rest = numel;
        for (int p = 2; p <= rest; p++) {
            while (rest % p == 0) {
                factors[random.nextInt(factors.length)] *= p;
                rest /= p;
            }
        }
        if (random.nextBoolean()) factors[random.nextInt(factors.length)] = -1;
        return factors;
    }

    static int wrap(int dim, int rank) { return dim < 0 ? dim + rank : dim; }

    /** Distinct float64 values 0, 1, 2, ... in row-major order. */
    static Tensor sequence(long... shape) {
        int numel = 1;
        for (long s : shape) numel *= (int) s;
        double[] data = new double[numel];
        for (int i = 0; i < numel; i++) data[i] = i;
        return Tensor.of(data, numel).reshape(shape);
    }

    // ---------------------------------------------------------------- plain-Java reference

    /** A row-major array and its shape; every op builds a new array by index mapping. */
    static final class Reference {
        final long[] shape;
        final double[] data;

        Reference(long[] shape, double[] data) {
            this.shape = shape;
            this.data = data;
        }

        static Reference of(Tensor t) { return new Reference(t.shape(), t.toDoubleArray()); }

        double at(int[] index) {
            int flat = 0;
            for (int d = 0; d < shape.length; d++) flat = flat * (int) shape[d] + index[d];
            return data[flat];
        }

        interface IndexMap { int[] apply(int[] outIndex); }

        Reference map(long[] outShape, IndexMap toInput) {
            int numel = 1;
            for (long s : outShape) numel *= (int) s;
            double[] out = new double[numel];
            int[] position = {0};
            forEachIndex(outShape, index -> out[position[0]++] = at(toInput.apply(index)));
            return new Reference(outShape, out);
        }

        Reference transpose(int a, int b) {
            long[] out = shape.clone();
            out[a] = shape[b];
            out[b] = shape[a];
            return map(out, i -> {
                int[] in = i.clone();
                in[a] = i[b];
                in[b] = i[a];
                return in;
            });
        }

        Reference permute(int[] perm) {
            long[] out = new long[perm.length];
            for (int k = 0; k < perm.length; k++) out[k] = shape[perm[k]];
            return map(out, i -> {
                int[] in = new int[perm.length];
                for (int k = 0; k < perm.length; k++) in[perm[k]] = i[k];
                return in;
            });
        }

        Reference slice(int dim, long start, long end, long step) {
            long size = shape[dim];
            long from = Math.min(Math.max(start < 0 ? start + size : start, 0), size);
            long to = Math.min(Math.max(end < 0 ? end + size : end, 0), size);
            long count = 0;
            for (long k = from; k < to; k += step) count++;
            long[] out = shape.clone();
            out[dim] = count;
            return map(out, i -> {
                int[] in = i.clone();
                in[dim] = (int) (from + i[dim] * step);
                return in;
            });
        }

        Reference select(int dim, long index) {
            int wrapped = (int) (index < 0 ? index + shape[dim] : index);
            long[] out = new long[shape.length - 1];
            for (int d = 0, k = 0; d < shape.length; d++) if (d != dim) out[k++] = shape[d];
            return map(out, i -> {
                int[] in = new int[shape.length];
                for (int d = 0, k = 0; d < shape.length; d++) in[d] = d == dim ? wrapped : i[k++];
                return in;
            });
        }

        Reference unsqueeze(int dim) {
            long[] out = new long[shape.length + 1];
            for (int d = 0, k = 0; d < out.length; d++) out[d] = d == dim ? 1 : shape[k++];
            return new Reference(out, data);
        }

        Reference squeeze(int dim) {
            if (shape[dim] != 1) return this;
            long[] out = new long[shape.length - 1];
            for (int d = 0, k = 0; d < shape.length; d++) if (d != dim) out[k++] = shape[d];
            return new Reference(out, data);
        }

        Reference squeezeAll() {
            return new Reference(Arrays.stream(shape).filter(s -> s != 1).toArray(), data);
        }

        Reference expand(long[] target) {
            int lead = target.length - shape.length;
            return map(target, i -> {
                int[] in = new int[shape.length];
                for (int d = 0; d < shape.length; d++) in[d] = shape[d] == 1 ? 0 : i[d + lead];
                return in;
            });
        }

        Reference flip(int dim) {
            return map(shape, i -> {
                int[] in = i.clone();
                in[dim] = (int) shape[dim] - 1 - i[dim];
                return in;
            });
        }

        static void forEachIndex(long[] shape, Consumer<int[]> action) {
            for (long s : shape) if (s == 0) return;
            int[] index = new int[shape.length];
            while (true) {
                action.accept(index.clone());
                int d = shape.length - 1;
                while (d >= 0 && ++index[d] == shape[d]) {
                    index[d] = 0;
                    d--;
                }
                if (d < 0) return;
            }
        }
    }

    @Test
    void referenceItselfTransposesAsExpected() {
        Reference r = new Reference(new long[] {2, 3}, new double[] {0, 1, 2, 3, 4, 5});
        Reference t = r.transpose(0, 1);
        assertArrayEquals(new long[] {3, 2}, t.shape);
        assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, t.data);
        assertEquals(5.0, r.at(new int[] {1, 2}));
    }
}
