package dev.ember.tensor;

import dev.ember.devices.BinaryOp;

/**
 * The derivative table: one row per {@link Op}, giving the gradient of each forward input
 * from the gradient {@code g} of the output. Rows are written with Tensor ops, so they are
 * differentiable themselves and higher-order gradients need nothing more. Gradients of
 * broadcast inputs are summed back to shape by {@link OpNode}, not here.
 */
final class Derivatives {
    private Derivatives() {}

    private static final double LN2 = Math.log(2);
    private static final double LN10 = Math.log(10);
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    static Tensor[] backward(OpNode n, Tensor g) {
        return switch (n.op) {
            case NEG -> one(g.neg());
            case ABS -> one(g.mul(n.saved(0).sign()));
            case EXP -> one(g.mul(n.saved(0)));
            case EXP2 -> one(g.mul(n.saved(0)).mul(LN2));
            case LOG -> one(g.div(n.saved(0)));
            case LOG2 -> one(g.div(n.saved(0).mul(LN2)));
            case LOG10 -> one(g.div(n.saved(0).mul(LN10)));
            case SQRT -> one(g.div(n.saved(0).mul(2)));
            case RSQRT -> one(g.mul(n.saved(0).pow(3)).mul(-0.5));
            case SIN -> one(g.mul(n.saved(0).cos()));
            case COS -> one(g.mul(n.saved(0).sin()).neg());
            case TAN -> one(g.mul(n.saved(0).square().add(1)));
            case ASIN -> one(g.div(n.saved(0).square().rsub(1).sqrt()));
            case ACOS -> one(g.div(n.saved(0).square().rsub(1).sqrt()).neg());
            case ATAN -> one(g.div(n.saved(0).square().add(1)));
            case SINH -> one(g.mul(n.saved(0).cosh()));
            case COSH -> one(g.mul(n.saved(0).sinh()));
            case TANH -> one(Elementwise.activationBackward(BinaryOp.TANH_BACKWARD, g, n.saved(0)));
            case ASINH -> one(g.div(n.saved(0).square().add(1).sqrt()));
            case ACOSH -> one(g.div(n.saved(0).square().sub(1).sqrt()));
            case ATANH -> one(g.div(n.saved(0).square().rsub(1)));
            case SIGMOID -> one(Elementwise.activationBackward(BinaryOp.SIGMOID_BACKWARD, g, n.saved(0)));
            case RELU -> one(Elementwise.thresholdBackward(g, n.saved(0)));
            case FLOOR, CEIL, ROUND, TRUNC, SIGN -> one(g.mul(0));
            case RECIPROCAL -> one(g.mul(n.saved(0).square()).neg());
            case SQUARE -> one(g.mul(n.saved(0)).mul(2));
            case LOG1P -> one(g.div(n.saved(0).add(1)));
            case EXPM1 -> one(g.mul(n.saved(0).add(1)));
            case ERF -> one(g.mul(n.saved(0).square().neg().exp()).mul(TWO_OVER_SQRT_PI));
            case ERFC -> one(g.mul(n.saved(0).square().neg().exp()).mul(-TWO_OVER_SQRT_PI));
            case GELU -> one(Elementwise.activationBackward(BinaryOp.GELU_BACKWARD, g, n.saved(0)));
            case GELU_TANH -> one(Elementwise.activationBackward(BinaryOp.GELU_TANH_BACKWARD, g, n.saved(0)));
            case SILU -> one(Elementwise.activationBackward(BinaryOp.SILU_BACKWARD, g, n.saved(0)));
            // gradient times f'(input): linear in the gradient, and f'' (composed) for the input
            case GELU_BACKWARD, GELU_TANH_BACKWARD, SILU_BACKWARD, TANH_BACKWARD, SIGMOID_BACKWARD -> two(
                    Elementwise.activationBackward(BinaryOp.valueOf(n.op.name()), g, n.saved(1)),
                    g.mul(n.saved(0)).mul(Activations.secondDerivative(n.op, n.saved(1))));

            case ADD -> two(g, g);
            case SUB -> two(g, g.neg());
            case MUL -> two(g.mul(n.saved(1)), g.mul(n.saved(0)));
            case DIV -> two(g.div(n.saved(1)), g.mul(n.saved(0)).div(n.saved(1).square()).neg());
            case POW -> powBackward(n, g);
            case MAXIMUM, MINIMUM -> extremumBackward(n, g);
            case ATAN2 -> {
                Tensor a = n.saved(0);
                Tensor b = n.saved(1);
                Tensor denominator = a.square().add(b.square());
                yield two(g.mul(b).div(denominator), g.mul(a).div(denominator).neg());
            }
            case FMOD -> two(g, g.mul(n.saved(0).div(n.saved(1)).trunc()).neg());
            case REMAINDER -> two(g, g.mul(n.saved(0).div(n.saved(1)).floor()).neg());
            case FLOOR_DIVIDE -> two(g.mul(0), g.mul(0));

            case POW_SCALAR -> {
                double exponent = n.scalars[0];
                yield one(exponent == 0 ? g.mul(0) : g.mul(n.saved(0).pow(exponent - 1)).mul(exponent));
            }
            case CLAMP_SCALAR -> {
                Tensor x = n.saved(0);
                Tensor inside = Tensor.onesLike(x).to(dev.ember.devices.DType.BOOL);
                if (!Double.isNaN(n.scalars[0])) inside = inside.logicalAnd(x.ge(n.scalars[0]));
                if (!Double.isNaN(n.scalars[1])) inside = inside.logicalAnd(x.le(n.scalars[1]));
                yield one(g.mul(inside.to(g.dtype())));
            }

            case WHERE -> {
                Tensor condition = n.saved(0);
                Tensor zero = Tensor.zeros(g.dtype()).to(g.device());
                yield new Tensor[] {null, Tensor.where(condition, g, zero), Tensor.where(condition, zero, g)};
            }
            case LERP -> {
                Tensor start = n.saved(0);
                Tensor end = n.saved(1);
                Tensor weight = n.saved(2);
                yield new Tensor[] {g.mul(weight.rsub(1)), g.mul(weight), g.mul(end.sub(start))};
            }
            case CLAMP -> {
                Tensor x = n.saved(0);
                Tensor inside = x.ge(n.saved(1)).logicalAnd(x.le(n.saved(2)));
                Tensor belowMin = x.lt(n.saved(1));
                Tensor aboveMax = x.gt(n.saved(2)).logicalAnd(belowMin.logicalNot());
                yield new Tensor[] {g.mul(inside.to(g.dtype())), g.mul(belowMin.to(g.dtype())),
                        g.mul(aboveMax.to(g.dtype()))};
            }

            case TO_DTYPE -> one(g.to(n.inputTypes[0]));
            case TO_DEVICE -> one(g.to(n.saved(0).device()));
            case CLONE, CONTIGUOUS -> one(g);

            case SUM -> one(expandReduced(g, n.inputShapes[0], n.dims, n.flag));
            case PROD -> one(prodBackward(n, g));
            case AMAX, AMIN -> {
                Tensor x = n.saved(0);
                Tensor result = expandReduced(n.saved(1), n.inputShapes[0], n.dims, n.flag);
                Tensor mask = x.eq(result).to(g.dtype());
                Tensor count = mask.sum(n.dims, true);
                yield one(expandReduced(g, n.inputShapes[0], n.dims, n.flag).mul(mask).div(count));
            }
            case CUMSUM -> one(g.flip(n.dims).cumsum(n.dims[0]).flip(n.dims));
            case CUMPROD -> one(Scans.cumprodBackward(n.saved(0), n.saved(1), g, n.dims[0]));
            case SOFTMAX, LOG_SOFTMAX -> one(Softmax.backward(n, g));

            case VIEW -> one(g.reshape(n.inputShapes[0]));
            case TRANSPOSE -> one(g.transpose(n.dims[0], n.dims[1]));
            case PERMUTE -> one(g.permute(inversePermutation(n.dims)));
            case EXPAND -> one(Broadcasting.sumToShape(g, n.inputShapes[0]));
            case SLICE -> one(ShapeOps.sliceBackward(g, n.inputShapes[0], n.dims[0], n.sizes[0], n.sizes[1], n.sizes[2]));
            case SELECT -> one(ShapeOps.selectBackward(g, n.inputShapes[0], n.dims[0], n.sizes[0]));
            case SLICE_BACKWARD -> one(g.slice(n.dims[0], n.sizes[0], n.sizes[1], n.sizes[2]));
            case SELECT_BACKWARD -> one(g.select(n.dims[0], n.sizes[0]));
            case CAT -> {
                Tensor[] pieces = new Tensor[n.inputShapes.length];
                long start = 0;
                for (int i = 0; i < pieces.length; i++) {
                    long length = n.inputShapes[i][n.dims[0]];
                    pieces[i] = g.narrow(n.dims[0], start, length);
                    start += length;
                }
                yield pieces;
            }
            case FLIP -> one(g.flip(n.dims));
            case ROLL -> {
                long[] shifts = new long[n.sizes.length];
                for (int i = 0; i < shifts.length; i++) shifts[i] = -n.sizes[i];
                yield one(g.roll(shifts, n.dims));
            }

            case MATMUL -> matmulBackward(n, g);

            // in place: one pass over the zeros (an embedding table's size) instead of three
            case INDEX_SELECT -> one(Tensor.zeros(g.dtype(), n.inputShapes[0]).to(g.device())
                    .indexAdd_(n.dims[0], n.saved(0), g));
            case INDEX_ADD -> new Tensor[] {g, null, g.indexSelect(n.dims[0], n.saved(0))};
            case GATHER -> one(Tensor.zeros(g.dtype(), n.inputShapes[0]).to(g.device())
                    .scatterAdd(n.dims[0], n.saved(0), g));
            case SCATTER -> new Tensor[] {g.scatter(n.dims[0], n.saved(0), 0.0), null, g.gather(n.dims[0], n.saved(0))};
            case SCATTER_ADD -> new Tensor[] {g, null, g.gather(n.dims[0], n.saved(0))};

            case CONVOLUTION -> Convolution.backward(n, g);
            case IM2COL -> one(Convolution.im2colBackward(n, g));
            case COL2IM -> one(Convolution.col2imBackward(n, g));

            // linear in the gradient; piecewise constant (zero derivative) in the input
            case THRESHOLD_BACKWARD -> two(Elementwise.thresholdBackward(g, n.saved(0)), Tensor.zerosLike(n.saved(0)));
            case MAX_POOL -> one(MaxPooling.backward(g, n.saved(0), n.inputShapes[0]));
            case MAX_POOL_BACKWARD -> one(MaxPooling.gatherAtIndices(g, n.saved(0)));
        };
    }

    private static Tensor[] one(Tensor gradient) { return new Tensor[] {gradient}; }

    private static Tensor[] two(Tensor first, Tensor second) { return new Tensor[] {first, second}; }

    /**
     * {@code g right^T} and {@code left^T g}, each only when that input needs it. A right operand
     * that is a transposed matrix (a Linear layer's {@code weight.t()}) gets its gradient in the
     * same layout, {@code (g^T left)^T}: the transpose's own backward then hands the weight a
     * contiguous gradient, which accumulates without a strided copy (PyTorch does the same).
     */
    private static Tensor[] matmulBackward(OpNode n, Tensor g) {
        Tensor left = n.saved(0);
        Tensor right = n.saved(1);
        boolean leftNeeded = n.nextEdges().get(0) != null;
        boolean rightNeeded = n.nextEdges().get(1) != null;
        Tensor leftGrad = leftNeeded ? g.matmul(right.mT()) : null;
        Tensor rightGrad = null;
        if (rightNeeded) {
            boolean columnMajor = right.dim() == 2 && left.dim() == 2 && g.dim() == 2 && right.size(0) > 1
                    && right.stride()[0] == 1 && right.stride()[1] == right.size(0);
            rightGrad = columnMajor ? g.mT().matmul(left).mT() : left.mT().matmul(g);
        }
        return two(leftGrad, rightGrad);
    }

    private static Tensor[] powBackward(OpNode n, Tensor g) {
        Tensor base = n.saved(0);
        Tensor exponent = n.saved(1);
        Tensor result = n.saved(2);
        // PyTorch defines d/dbase as 0 where the exponent is 0, even at base 0 (where 0 * inf is NaN).
        Tensor baseGrad = Tensor.where(exponent.eq(0), 0.0, g.mul(exponent).mul(base.pow(exponent.sub(1))));
        // d/dexponent is result * log(base); at base 0 with exponent >= 0 PyTorch defines it as 0.
        Tensor zeroBase = base.eq(0).logicalAnd(exponent.ge(0));
        Tensor exponentGrad = Tensor.where(zeroBase, 0.0, g.mul(result).mul(base.log()));
        return two(baseGrad, exponentGrad);
    }

    private static Tensor[] extremumBackward(OpNode n, Tensor g) {
        Tensor a = n.saved(0);
        Tensor b = n.saved(1);
        Tensor aWins = n.op == Op.MAXIMUM ? a.gt(b) : a.lt(b);
        Tensor tie = a.eq(b);
        Tensor half = g.mul(0.5);
        Tensor zero = g.mul(0);
        Tensor aGrad = Tensor.where(tie, half, Tensor.where(aWins, g, zero));
        Tensor bGrad = Tensor.where(tie, half, Tensor.where(aWins, zero, g));
        return two(aGrad, bGrad);
    }

    /**
     * The gradient of a product is the product of all other elements. Exclusive products from
     * both sides stay exact when some elements are zero, where {@code result / x} would not.
     */
    private static Tensor prodBackward(OpNode n, Tensor g) {
        Tensor x = n.saved(0);
        long[] shape = n.inputShapes[0];
        Tensor gradient = expandReduced(g, shape, n.dims, n.flag);
        if (n.dims.length != 1) {
            Tensor flat = x.reshape(-1);
            Tensor others = exclusiveProducts(flat, 0).reshape(shape);
            return gradient.mul(others);
        }
        return gradient.mul(exclusiveProducts(x, n.dims[0]));
    }

    private static Tensor exclusiveProducts(Tensor x, int dim) {
        long length = x.size(dim);
        if (length == 1) return Tensor.onesLike(x);
        Tensor onesSlice = Tensor.onesLike(x.narrow(dim, 0, 1));
        Tensor before = Tensor.cat(java.util.List.of(onesSlice, x.narrow(dim, 0, length - 1)), dim).cumprod(dim);
        Tensor reversed = x.flip(new int[] {dim});
        Tensor after = Tensor.cat(java.util.List.of(onesSlice, reversed.narrow(dim, 0, length - 1)), dim)
                .cumprod(dim).flip(new int[] {dim});
        return before.mul(after);
    }

    /** Broadcasts a reduced gradient back over the reduced dims of {@code shape}. */
    static Tensor expandReduced(Tensor g, long[] shape, int[] dims, boolean keepdim) {
        Tensor expanded = g;
        if (!keepdim) {
            for (int d : dims) expanded = expanded.unsqueeze(d);
        }
        return expanded.expand(shape);
    }

    static int[] inversePermutation(int[] dims) {
        int[] inverse = new int[dims.length];
        for (int i = 0; i < dims.length; i++) inverse[dims[i]] = i;
        return inverse;
    }
}
