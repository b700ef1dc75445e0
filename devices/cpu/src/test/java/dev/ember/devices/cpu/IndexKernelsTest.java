package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.Strided;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static dev.ember.devices.cpu.Tensors.CPU;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IndexKernelsTest {

    private static Strided index(long... values) { return Tensors.ofLongs(DType.INT64, new long[] {values.length}, values); }

    @Test
    void indexSelectAlongEachDim() {
        Strided x = Tensors.of(DType.FLOAT32, new long[] {3, 4}, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        Strided rows = Tensors.empty(DType.FLOAT32, 2, 4);
        CPU.indexSelect(x, 0, index(2, 0), rows);
        assertArrayEquals(new double[] {8, 9, 10, 11, 0, 1, 2, 3}, Tensors.doubles(rows));
        Strided cols = Tensors.empty(DType.FLOAT32, 3, 3);
        CPU.indexSelect(Tensors.view(x, x.layout()), 1, index(3, 3, 1), cols);
        assertArrayEquals(new double[] {3, 3, 1, 7, 7, 5, 11, 11, 9}, Tensors.doubles(cols));
        Strided xt = Tensors.view(x, x.layout().transpose(0, 1));
        Strided picked = Tensors.empty(DType.FLOAT32, 4, 1);
        CPU.indexSelect(xt, 1, index(1), picked);
        assertArrayEquals(new double[] {4, 5, 6, 7}, Tensors.doubles(picked));
    }

    /**
     * A random index_select / index_add case: 2-4 dims of 2-5, a random dim and indices (repeats
     * included); every tenth is [300, 784] with 64 indices, enough work to be split over the pool.
     */
    private record IndexCase(DType dtype, long[] shape, int dim, long[] picks) {
        static IndexCase random(Random random, int trial, DType[] dtypes) {
            boolean large = trial % 10 == 0;
            long[] shape = large ? new long[] {300, 784} : new long[2 + random.nextInt(3)];
            if (!large) for (int i = 0; i < shape.length; i++) shape[i] = 2 + random.nextInt(4);
            int dim = random.nextInt(shape.length);
            long[] picks = new long[large ? 64 : random.nextInt(8)];
            for (int i = 0; i < picks.length; i++) picks[i] = random.nextInt((int) shape[dim]);
            return new IndexCase(dtypes[trial % dtypes.length], shape, dim, picks);
        }

        long[] selectedShape() {
            long[] selected = shape.clone();
            selected[dim] = picks.length;
            return selected;
        }

        @Override
        public String toString() {
            return dtype + " " + Arrays.toString(shape) + " dim " + dim + " indices " + Arrays.toString(picks);
        }
    }

    @Test
    void indexSelectOfContiguousOperandsMatchesTheStridedPath() {
        Random random = new Random(11);
        DType[] dtypes = {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.BOOL, DType.FLOAT16};
        for (int trial = 0; trial < 120; trial++) {
            IndexCase c = IndexCase.random(random, trial, dtypes);
            Strided x = Tensors.random(c.dtype(), random, c.shape());
            Strided fast = Tensors.empty(c.dtype(), c.selectedShape());
            Strided reference = Tensors.empty(c.dtype(), c.selectedShape());
            CPU.indexSelect(x, c.dim(), index(c.picks()), fast);
            CPU.indexSelect(Tensors.transposedCopy(x), c.dim(), index(c.picks()), reference);
            assertArrayEquals(Tensors.doubles(reference), Tensors.doubles(fast), c.toString());
        }
    }

    @Test
    void indexAddOfContiguousOperandsMatchesTheStridedPath() {
        Random random = new Random(12);
        DType[] dtypes = {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.FLOAT16, DType.INT32};
        for (int trial = 0; trial < 120; trial++) {
            IndexCase c = IndexCase.random(random, trial, dtypes);
            Strided source = Tensors.random(c.dtype(), random, c.selectedShape());
            Strided fast = Tensors.random(c.dtype(), random, c.shape());
            Strided reference = Tensors.transposedCopy(fast);
            // every other trial a strided source, which the contiguous path packs first
            CPU.indexAdd(fast, c.dim(), index(c.picks()), trial % 2 == 1 ? Tensors.transposedCopy(source) : source);
            CPU.indexAdd(reference, c.dim(), index(c.picks()), source);
            assertArrayEquals(Tensors.doubles(reference), Tensors.doubles(fast), c.toString());
        }
    }

    @Test
    void indexAddAccumulatesRepeatedIndices() {
        Strided target = Tensors.empty(DType.INT64, 3, 2);
        Strided source = Tensors.of(DType.INT64, new long[] {3, 2}, 1, 2, 3, 4, 5, 6);
        CPU.indexAdd(target, 0, index(0, 2, 0), source);
        assertArrayEquals(new long[] {6, 8, 0, 0, 3, 4}, Tensors.longs(target));
    }

    @Test
    void gatherAndScatterFollowTheIndexShape() {
        Strided x = Tensors.of(DType.FLOAT64, new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
        Strided idx = Tensors.ofLongs(DType.INT64, new long[] {2, 2}, 2, 0, 1, 1);
        Strided out = Tensors.empty(DType.FLOAT64, 2, 2);
        CPU.gather(x, 1, idx, out);
        assertArrayEquals(new double[] {3, 1, 5, 5}, Tensors.doubles(out));

        Strided target = Tensors.empty(DType.FLOAT64, 2, 3);
        CPU.scatter(target, 1, idx, Tensors.of(DType.FLOAT64, new long[] {2, 2}, 10, 20, 30, 40), false);
        assertEquals(20, Tensors.doubles(target)[0]);
        assertEquals(10, Tensors.doubles(target)[2]);
        CPU.fill(target, 0);
        CPU.scatter(target, 1, idx, Tensors.of(DType.FLOAT64, new long[] {2, 2}, 10, 20, 30, 40), true);
        assertArrayEquals(new double[] {20, 0, 10, 0, 70, 0}, Tensors.doubles(target));

        Strided rowsIdx = Tensors.ofLongs(DType.INT64, new long[] {1, 3}, 1, 0, 1);
        Strided gathered = Tensors.empty(DType.FLOAT64, 1, 3);
        CPU.gather(Tensors.view(x, x.layout()), 0, rowsIdx, gathered);
        assertArrayEquals(new double[] {4, 2, 6}, Tensors.doubles(gathered));
    }

    @Test
    void outOfRangeIndicesThrowBeforeWriting() {
        Strided x = Tensors.empty(DType.FLOAT32, 5);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> CPU.indexSelect(x, 0, index(1, 7), Tensors.empty(DType.FLOAT32, 2)));
        assertEquals("index 7 is out of bounds for dimension 0 with size 5", e.getMessage());
        Strided target = Tensors.empty(DType.FLOAT32, 5);
        Strided source = Tensors.vector(DType.FLOAT32, 1, 2);
        assertThrows(IndexOutOfBoundsException.class, () -> CPU.scatter(target, 0, index(0, -1), source, false));
        assertThrows(IndexOutOfBoundsException.class, () -> CPU.indexAdd(target, 0, index(0, 5), source));
        assertArrayEquals(new double[5], Tensors.doubles(target), "nothing written");
        assertThrows(IndexOutOfBoundsException.class, () -> CPU.gather(x, 0, index(9), Tensors.empty(DType.FLOAT32, 1)));
        assertThrows(IllegalArgumentException.class,
                () -> CPU.gather(x, 0, Tensors.vector(DType.INT32, 1), Tensors.empty(DType.FLOAT32, 1)));
    }
}
