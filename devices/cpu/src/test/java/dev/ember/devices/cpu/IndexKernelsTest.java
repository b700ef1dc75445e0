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

    @Test
    void indexSelectOfContiguousOperandsMatchesTheStridedPath() {
        Random random = new Random(11);
        DType[] dtypes = {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.BOOL, DType.FLOAT16};
        for (int trial = 0; trial < 120; trial++) {
            DType t = dtypes[trial % dtypes.length];
            // [300, 784] rows (a dataset batch) are enough work to be split over the pool
            long[] shape = trial % 10 == 0 ? new long[] {300, 784} : new long[2 + random.nextInt(3)];
            if (trial % 10 != 0) for (int i = 0; i < shape.length; i++) shape[i] = 2 + random.nextInt(4);
            int dim = random.nextInt(shape.length);
            long[] picks = new long[trial % 10 == 0 ? 64 : random.nextInt(6)];
            for (int i = 0; i < picks.length; i++) picks[i] = random.nextInt((int) shape[dim]);
            Strided x = Tensors.random(t, random, shape);
            Strided strided = Tensors.transposedCopy(x);
            long[] outShape = shape.clone();
            outShape[dim] = picks.length;
            Strided fast = Tensors.empty(t, outShape);
            Strided reference = Tensors.empty(t, outShape);
            CPU.indexSelect(x, dim, index(picks), fast);
            CPU.indexSelect(strided, dim, index(picks), reference);
            assertArrayEquals(Tensors.doubles(reference), Tensors.doubles(fast),
                    t + " " + Arrays.toString(shape) + " dim " + dim + " indices " + Arrays.toString(picks));
        }
    }

    @Test
    void indexAddOfContiguousOperandsMatchesTheStridedPath() {
        Random random = new Random(12);
        DType[] dtypes = {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.FLOAT16, DType.INT32};
        for (int trial = 0; trial < 120; trial++) {
            DType t = dtypes[trial % dtypes.length];
            // [300, 784] rows: several outer positions per thread when the index runs along dim 1
            long[] shape = trial % 10 == 0 ? new long[] {300, 784} : new long[2 + random.nextInt(3)];
            if (trial % 10 != 0) for (int i = 0; i < shape.length; i++) shape[i] = 2 + random.nextInt(4);
            int dim = random.nextInt(shape.length);
            long[] picks = new long[trial % 10 == 0 ? 64 : random.nextInt(8)];
            for (int i = 0; i < picks.length; i++) picks[i] = random.nextInt((int) shape[dim]);
            long[] sourceShape = shape.clone();
            sourceShape[dim] = picks.length;
            Strided source = Tensors.random(t, random, sourceShape);
            Strided fast = Tensors.random(t, random, shape);
            Strided reference = Tensors.transposedCopy(fast);
            CPU.indexAdd(fast, dim, index(picks), source);
            CPU.indexAdd(reference, dim, index(picks), source);
            assertArrayEquals(Tensors.doubles(reference), Tensors.doubles(fast),
                    t + " " + Arrays.toString(shape) + " dim " + dim + " indices " + Arrays.toString(picks));
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
