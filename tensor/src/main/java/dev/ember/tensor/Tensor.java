package dev.ember.tensor;

import dev.ember.autograd.AccumulateGradient;
import dev.ember.autograd.Edge;
import dev.ember.autograd.Engine;
import dev.ember.autograd.GradMode;
import dev.ember.autograd.Leaf;
import dev.ember.autograd.Node;
import dev.ember.autograd.RemovableHandle;
import dev.ember.devices.BinaryOp;
import dev.ember.devices.DType;
import dev.ember.devices.Device;
import dev.ember.devices.Layout;
import dev.ember.devices.Strided;
import dev.ember.devices.TernaryOp;
import dev.ember.devices.UnaryOp;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An n-dimensional array on a device, with PyTorch's semantics: strided views that share
 * memory, broadcasting, type promotion, and define-by-run autograd.
 *
 * <pre>{@code
 * Tensor w = Tensor.randn(3, 3).requiresGrad_(true);
 * Tensor loss = w.matmul(w.t()).sum();
 * loss.backward();
 * System.out.println(w.grad());
 * }</pre>
 */
public class Tensor implements Leaf<Tensor>, AutoCloseable {

    final Storage storage;
    final Layout layout;
    final DType dtype;
    /** Set on 0-dim tensors made from Java numbers, which type promotion treats specially. */
    private final boolean wrappedNumber;

    private boolean requiresGrad;
    private Tensor grad;
    /**
     * Set on a leaf's gradient that backward made and that {@link #grad()} has not handed out
     * since: nothing outside the engine and the built-in optimizers can hold it, so replacing it
     * (zeroGrad, the next accumulation) frees its memory at once. Why: a training step's dropped
     * gradients otherwise waited for a collection (an MLP step: about 1 MB), and the allocator
     * filled eden to force one every few hundred steps.
     */
    private boolean freeWhenReplaced;
    Node<Tensor> gradFn;
    int outputIndex;
    private AccumulateGradient<Tensor> accumulator;
    private boolean retainsGrad;
    private boolean madeInInferenceMode;
    /** For a view: the tensor whose memory it shares (its root), else null. */
    Tensor base;

    Tensor(Storage storage, Layout layout, DType dtype) {
        this(storage, layout, dtype, false);
    }

    /**
     * A new leaf tensor over the same memory as {@code data}, with no history; for subclasses
     * such as {@code dev.ember.nn.Parameter}.
     */
    protected Tensor(Tensor data) {
        this(data.storage, data.layout, data.dtype, false);
    }

    Tensor(Storage storage, Layout layout, DType dtype, boolean wrappedNumber) {
        this.storage = storage;
        this.layout = layout;
        this.dtype = dtype;
        this.wrappedNumber = wrappedNumber;
        this.madeInInferenceMode = GradMode.isInferenceMode();
    }

    // ---------------------------------------------------------------- creation

    /** Sets the seed of the default generator, so random tensors repeat from run to run. */
    public static void manualSeed(long seed) { Generator.DEFAULT.manualSeed(seed); }

    /** A float32 tensor holding {@code data} in row-major order with the given shape (1-D when omitted). */
    public static Tensor of(float[] data, long... shape) { return Factories.of(data, shape); }

    public static Tensor of(double[] data, long... shape) { return Factories.of(data, shape); }

    public static Tensor of(long[] data, long... shape) { return Factories.of(data, shape); }

    public static Tensor of(int[] data, long... shape) { return Factories.of(data, shape); }

    public static Tensor of(boolean[] data, long... shape) { return Factories.of(data, shape); }

    /** A 0-dim float32 tensor. */
    public static Tensor scalar(float value) { return Factories.full(DType.FLOAT32, value, new long[0]); }

    public static Tensor scalar(double value) { return Factories.full(DType.FLOAT64, value, new long[0]); }

    public static Tensor scalar(long value) { return Factories.full(DType.INT64, value, new long[0]); }

    public static Tensor scalar(boolean value) { return Factories.full(DType.BOOL, value ? 1 : 0, new long[0]); }

    public static Tensor zeros(long... shape) { return Factories.full(DType.FLOAT32, 0, shape); }

    public static Tensor zeros(DType dtype, long... shape) { return Factories.full(dtype, 0, shape); }

    public static Tensor ones(long... shape) { return Factories.full(DType.FLOAT32, 1, shape); }

    public static Tensor ones(DType dtype, long... shape) { return Factories.full(dtype, 1, shape); }

    public static Tensor full(double value, long... shape) { return Factories.full(DType.FLOAT32, value, shape); }

    public static Tensor full(DType dtype, double value, long... shape) { return Factories.full(dtype, value, shape); }

    /** Uninitialised memory of the given shape. */
    public static Tensor empty(long... shape) { return Factories.empty(DType.FLOAT32, Device.CPU, shape); }

    public static Tensor empty(DType dtype, long... shape) { return Factories.empty(dtype, Device.CPU, shape); }

    public static Tensor empty(DType dtype, Device device, long... shape) { return Factories.empty(dtype, device, shape); }

    /** {@code 0, 1, ..., end-1} as int64, like {@code torch.arange(end)}. */
    public static Tensor arange(long end) { return Factories.arange(0, end, 1); }

    public static Tensor arange(long start, long end) { return Factories.arange(start, end, 1); }

    public static Tensor arange(long start, long end, long step) { return Factories.arange(start, end, step); }

    /** Float32 values {@code start, start+step, ...} below {@code end}. */
    public static Tensor arange(double start, double end, double step) { return Factories.arange(start, end, step); }

    public static Tensor linspace(double start, double end, long steps) { return Factories.linspace(DType.FLOAT32, start, end, steps); }

    public static Tensor linspace(DType dtype, double start, double end, long steps) { return Factories.linspace(dtype, start, end, steps); }

    public static Tensor eye(long n) { return Factories.eye(DType.FLOAT32, n, n); }

    public static Tensor eye(long n, long m) { return Factories.eye(DType.FLOAT32, n, m); }

    public static Tensor eye(DType dtype, long n) { return Factories.eye(dtype, n, n); }

    /** Uniform in [0, 1) from the default generator. */
    public static Tensor rand(long... shape) { return RandomSampling.rand(DType.FLOAT32, shape); }

    public static Tensor rand(DType dtype, long... shape) { return RandomSampling.rand(dtype, shape); }

    /** Standard normal from the default generator. */
    public static Tensor randn(long... shape) { return RandomSampling.randn(DType.FLOAT32, shape); }

    public static Tensor randn(DType dtype, long... shape) { return RandomSampling.randn(dtype, shape); }

    /** Int64 integers uniform in {@code [low, high)}. */
    public static Tensor randint(long low, long high, long... shape) { return RandomSampling.randint(low, high, shape); }

    /** A random permutation of {@code 0..n-1} as int64. */
    public static Tensor randperm(long n) { return RandomSampling.randperm(n); }

    public static Tensor zerosLike(Tensor t) { return Factories.full(t.dtype, 0, t.shape(), t.device()); }

    public static Tensor onesLike(Tensor t) { return Factories.full(t.dtype, 1, t.shape(), t.device()); }

    public static Tensor fullLike(Tensor t, double value) { return Factories.full(t.dtype, value, t.shape(), t.device()); }

    public static Tensor emptyLike(Tensor t) { return Factories.empty(t.dtype, t.device(), t.shape()); }

    public static Tensor randLike(Tensor t) { return RandomSampling.rand(t.dtype, t.shape()).to(t.device()); }

    public static Tensor randnLike(Tensor t) { return RandomSampling.randn(t.dtype, t.shape()).to(t.device()); }

    // ---------------------------------------------------------------- properties

    public long[] shape() { return layout.shape(); }

    /** Same as {@link #shape()}, PyTorch's {@code size()}. */
    public long[] size() { return layout.shape(); }

    /** The size of one dim; negative dims count from the end. */
    public long size(int dim) { return layout.size(Dimensions.wrap(dim, dim())); }

    public long[] stride() { return layout.strides(); }

    public long stride(int dim) { return layout.stride(Dimensions.wrap(dim, dim())); }

    public long storageOffset() { return layout.offset(); }

    public int dim() { return layout.dim(); }

    public long numel() { return layout.numel(); }

    public DType dtype() { return dtype; }

    public Device device() { return storage.device; }

    public boolean isContiguous() { return layout.isContiguous(); }

    public boolean isFloatingPoint() { return dtype.isFloatingPoint(); }

    boolean isWrappedNumber() { return wrappedNumber; }

    Layout layout() { return layout; }

    Strided strided() { return new Strided(storage.buffer, layout, dtype); }

    /** The value of a one-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalArgumentException("a Tensor with " + numel() + " elements cannot be converted to a scalar");
        }
        return HostTransfer.toDoubleArray(this)[0];
    }

    /** The value of a one-element integer tensor, exactly. */
    public long longItem() {
        if (numel() != 1) {
            throw new IllegalArgumentException("a Tensor with " + numel() + " elements cannot be converted to a scalar");
        }
        return HostTransfer.toLongArray(this)[0];
    }

    /** A row-major copy of the elements, converted to float. */
    public float[] toFloatArray() { return HostTransfer.toFloatArray(this); }

    public double[] toDoubleArray() { return HostTransfer.toDoubleArray(this); }

    public long[] toLongArray() { return HostTransfer.toLongArray(this); }

    public int[] toIntArray() { return HostTransfer.toIntArray(this); }

    public boolean[] toBooleanArray() { return HostTransfer.toBooleanArray(this); }

    /**
     * The elements' raw bytes, little-endian and row-major (the layout of safetensors/npy data).
     *
     * <pre>{@code
     * Tensor.of(new int[] {1}, 1).toByteArray();   // {1, 0, 0, 0}
     * }</pre>
     */
    public byte[] toByteArray() { return RawBytes.toByteArray(this); }

    /** Copies the elements' raw bytes, little-endian and row-major, into the start of {@code destination}. */
    public void copyTo(java.lang.foreign.MemorySegment destination) { RawBytes.copyTo(this, destination); }

    /**
     * A new CPU tensor holding a copy of raw little-endian, row-major bytes; an empty shape makes a 0-dim tensor.
     *
     * <pre>{@code
     * Tensor t = Tensor.fromBytes(new byte[] {1, 0, 0, 0, 2, 0, 0, 0}, DType.INT32, 2);   // tensor([1, 2], dtype=torch.int32)
     * }</pre>
     */
    public static Tensor fromBytes(byte[] bytes, DType dtype, long... shape) {
        return RawBytes.fromBytes(java.lang.foreign.MemorySegment.ofArray(bytes), dtype, shape);
    }

    /** Like {@link #fromBytes(byte[], DType, long...)}, from any memory segment (e.g. a memory-mapped file). */
    public static Tensor fromBytes(java.lang.foreign.MemorySegment bytes, DType dtype, long... shape) {
        return RawBytes.fromBytes(bytes, dtype, shape);
    }

    // ---------------------------------------------------------------- conversion

    /** This tensor with another dtype (itself when it already has it); differentiable between floating types. */
    public Tensor to(DType target) { return Conversions.toDType(this, target); }

    /** This tensor on another device (itself when already there). */
    public Tensor to(Device target) { return Conversions.toDevice(this, target); }

    public Tensor cpu() { return to(Device.CPU); }

    public Tensor float32() { return to(DType.FLOAT32); }

    public Tensor float64() { return to(DType.FLOAT64); }

    public Tensor int64() { return to(DType.INT64); }

    public Tensor bool() { return to(DType.BOOL); }

    /** This tensor if already contiguous, else a contiguous copy. */
    public Tensor contiguous() { return isContiguous() ? this : Conversions.copy(this, Op.CONTIGUOUS); }

    /** A copy with its own memory, recorded for autograd. */
    public Tensor clone() { return Conversions.copy(this, Op.CLONE); }

    // ---------------------------------------------------------------- elementwise: arithmetic

    public Tensor add(Tensor other) { return Elementwise.binary(BinaryOp.ADD, this, other); }

    /** {@code this + alpha * other}. */
    public Tensor add(Tensor other, double alpha) { return alpha == 1 ? add(other) : add(other.mul(alpha)); }

    public Tensor add(double other) { return add(Factories.wrap(other, this)); }

    public Tensor add(long other) { return add(Factories.wrap(other, this)); }

    public Tensor sub(Tensor other) { return Elementwise.binary(BinaryOp.SUB, this, other); }

    public Tensor sub(Tensor other, double alpha) { return alpha == 1 ? sub(other) : sub(other.mul(alpha)); }

    public Tensor sub(double other) { return sub(Factories.wrap(other, this)); }

    public Tensor sub(long other) { return sub(Factories.wrap(other, this)); }

    /** {@code other - this}, PyTorch's {@code rsub}. */
    public Tensor rsub(double other) { return Factories.wrap(other, this).sub(this); }

    public Tensor mul(Tensor other) { return Elementwise.binary(BinaryOp.MUL, this, other); }

    public Tensor mul(double other) { return mul(Factories.wrap(other, this)); }

    public Tensor mul(long other) { return mul(Factories.wrap(other, this)); }

    /** True division: integer inputs give a floating result, as in PyTorch. */
    public Tensor div(Tensor other) { return Elementwise.binary(BinaryOp.DIV, this, other); }

    public Tensor div(double other) { return div(Factories.wrap(other, this)); }

    public Tensor div(long other) { return div(Factories.wrap(other, this)); }

    /** Division rounded toward negative infinity ({@code //} in Python). */
    public Tensor floorDivide(Tensor other) { return Elementwise.binary(BinaryOp.FLOOR_DIVIDE, this, other); }

    public Tensor floorDivide(double other) { return floorDivide(Factories.wrap(other, this)); }

    public Tensor floorDivide(long other) { return floorDivide(Factories.wrap(other, this)); }

    public Tensor pow(Tensor exponent) { return Elementwise.binary(BinaryOp.POW, this, exponent); }

    public Tensor pow(double exponent) { return Elementwise.powScalar(this, exponent); }

    public Tensor maximum(Tensor other) { return Elementwise.binary(BinaryOp.MAXIMUM, this, other); }

    public Tensor minimum(Tensor other) { return Elementwise.binary(BinaryOp.MINIMUM, this, other); }

    public Tensor atan2(Tensor other) { return Elementwise.binary(BinaryOp.ATAN2, this, other); }

    /** C-style remainder: the result has the sign of the dividend. */
    public Tensor fmod(Tensor other) { return Elementwise.binary(BinaryOp.FMOD, this, other); }

    public Tensor fmod(double other) { return fmod(Factories.wrap(other, this)); }

    public Tensor fmod(long other) { return fmod(Factories.wrap(other, this)); }

    /** Python-style remainder: the result has the sign of the divisor. */
    public Tensor remainder(Tensor other) { return Elementwise.binary(BinaryOp.REMAINDER, this, other); }

    public Tensor remainder(double other) { return remainder(Factories.wrap(other, this)); }

    public Tensor remainder(long other) { return remainder(Factories.wrap(other, this)); }

    // ---------------------------------------------------------------- elementwise: unary

    public Tensor neg() { return Elementwise.unary(UnaryOp.NEG, this); }

    public Tensor abs() { return Elementwise.unary(UnaryOp.ABS, this); }

    public Tensor exp() { return Elementwise.unary(UnaryOp.EXP, this); }

    public Tensor exp2() { return Elementwise.unary(UnaryOp.EXP2, this); }

    public Tensor log() { return Elementwise.unary(UnaryOp.LOG, this); }

    public Tensor log2() { return Elementwise.unary(UnaryOp.LOG2, this); }

    public Tensor log10() { return Elementwise.unary(UnaryOp.LOG10, this); }

    public Tensor sqrt() { return Elementwise.unary(UnaryOp.SQRT, this); }

    public Tensor rsqrt() { return Elementwise.unary(UnaryOp.RSQRT, this); }

    public Tensor sin() { return Elementwise.unary(UnaryOp.SIN, this); }

    public Tensor cos() { return Elementwise.unary(UnaryOp.COS, this); }

    public Tensor tan() { return Elementwise.unary(UnaryOp.TAN, this); }

    public Tensor asin() { return Elementwise.unary(UnaryOp.ASIN, this); }

    public Tensor acos() { return Elementwise.unary(UnaryOp.ACOS, this); }

    public Tensor atan() { return Elementwise.unary(UnaryOp.ATAN, this); }

    public Tensor sinh() { return Elementwise.unary(UnaryOp.SINH, this); }

    public Tensor cosh() { return Elementwise.unary(UnaryOp.COSH, this); }

    public Tensor tanh() { return Elementwise.unary(UnaryOp.TANH, this); }

    public Tensor asinh() { return Elementwise.unary(UnaryOp.ASINH, this); }

    public Tensor acosh() { return Elementwise.unary(UnaryOp.ACOSH, this); }

    public Tensor atanh() { return Elementwise.unary(UnaryOp.ATANH, this); }

    public Tensor sigmoid() { return Elementwise.unary(UnaryOp.SIGMOID, this); }

    public Tensor relu() { return Elementwise.unary(UnaryOp.RELU, this); }

    public Tensor floor() { return Elementwise.unary(UnaryOp.FLOOR, this); }

    public Tensor ceil() { return Elementwise.unary(UnaryOp.CEIL, this); }

    /** Rounds half to even, like {@code torch.round}. */
    public Tensor round() { return Elementwise.unary(UnaryOp.ROUND, this); }

    public Tensor trunc() { return Elementwise.unary(UnaryOp.TRUNC, this); }

    public Tensor sign() { return Elementwise.unary(UnaryOp.SIGN, this); }

    public Tensor reciprocal() { return Elementwise.unary(UnaryOp.RECIPROCAL, this); }

    public Tensor square() { return Elementwise.unary(UnaryOp.SQUARE, this); }

    public Tensor log1p() { return Elementwise.unary(UnaryOp.LOG1P, this); }

    public Tensor expm1() { return Elementwise.unary(UnaryOp.EXPM1, this); }

    public Tensor erf() { return Elementwise.unary(UnaryOp.ERF, this); }

    public Tensor erfc() { return Elementwise.unary(UnaryOp.ERFC, this); }

    public Tensor bitwiseNot() { return Elementwise.unary(UnaryOp.BITWISE_NOT, this); }

    public Tensor logicalNot() { return Elementwise.unary(UnaryOp.LOGICAL_NOT, this); }

    public Tensor isnan() { return Elementwise.unary(UnaryOp.ISNAN, this); }

    public Tensor isinf() { return Elementwise.unary(UnaryOp.ISINF, this); }

    public Tensor isfinite() { return Elementwise.unary(UnaryOp.ISFINITE, this); }

    // ---------------------------------------------------------------- activations and composites

    /** Exact GELU, {@code x * Φ(x)}. */
    public Tensor gelu() { return Activations.gelu(this, false); }

    /** GELU; with {@code tanhApproximation} the tanh formula ({@code approximate='tanh'}). */
    public Tensor gelu(boolean tanhApproximation) { return Activations.gelu(this, tanhApproximation); }

    public Tensor silu() { return Activations.silu(this); }

    public Tensor softplus() { return Activations.softplus(this, 1, 20); }

    public Tensor softplus(double beta, double threshold) { return Activations.softplus(this, beta, threshold); }

    public Tensor leakyRelu(double negativeSlope) { return Activations.leakyRelu(this, negativeSlope); }

    public Tensor leakyRelu() { return Activations.leakyRelu(this, 0.01); }

    public Tensor elu(double alpha) { return Activations.elu(this, alpha); }

    public Tensor elu() { return Activations.elu(this, 1.0); }

    /** Clamps into {@code [min, max]}; unlike {@link #clamp}, the gradient is zero at the bounds, as in PyTorch. */
    public Tensor hardtanh(double min, double max) { return Activations.hardtanh(this, min, max); }

    public Tensor hardtanh() { return hardtanh(-1, 1); }

    /** Clamps into {@code [min, max]}; pass NaN for a missing bound. */
    public Tensor clamp(double min, double max) { return Elementwise.clampScalar(this, min, max); }

    public Tensor clamp(Tensor min, Tensor max) { return Elementwise.ternary(TernaryOp.CLAMP, this, min, max); }

    public Tensor clampMin(double min) { return clamp(min, Double.NaN); }

    public Tensor clampMax(double max) { return clamp(Double.NaN, max); }

    /** {@code this + weight * (end - this)}. */
    public Tensor lerp(Tensor end, Tensor weight) { return Elementwise.ternary(TernaryOp.LERP, this, end, weight); }

    public Tensor lerp(Tensor end, double weight) { return add(end.sub(this).mul(weight)); }

    /** {@code this + value * tensor1 * tensor2}. */
    public Tensor addcmul(Tensor tensor1, Tensor tensor2, double value) { return add(tensor1.mul(tensor2).mul(value)); }

    /** {@code this + value * tensor1 / tensor2}. */
    public Tensor addcdiv(Tensor tensor1, Tensor tensor2, double value) { return add(tensor1.div(tensor2).mul(value)); }

    // ---------------------------------------------------------------- comparison and logic

    public Tensor eq(Tensor other) { return Elementwise.binary(BinaryOp.EQ, this, other); }

    public Tensor eq(double other) { return eq(Factories.wrap(other, this)); }

    public Tensor ne(Tensor other) { return Elementwise.binary(BinaryOp.NE, this, other); }

    public Tensor ne(double other) { return ne(Factories.wrap(other, this)); }

    public Tensor lt(Tensor other) { return Elementwise.binary(BinaryOp.LT, this, other); }

    public Tensor lt(double other) { return lt(Factories.wrap(other, this)); }

    public Tensor le(Tensor other) { return Elementwise.binary(BinaryOp.LE, this, other); }

    public Tensor le(double other) { return le(Factories.wrap(other, this)); }

    public Tensor gt(Tensor other) { return Elementwise.binary(BinaryOp.GT, this, other); }

    public Tensor gt(double other) { return gt(Factories.wrap(other, this)); }

    public Tensor ge(Tensor other) { return Elementwise.binary(BinaryOp.GE, this, other); }

    public Tensor ge(double other) { return ge(Factories.wrap(other, this)); }

    public Tensor logicalAnd(Tensor other) { return Elementwise.binary(BinaryOp.LOGICAL_AND, this, other); }

    public Tensor logicalOr(Tensor other) { return Elementwise.binary(BinaryOp.LOGICAL_OR, this, other); }

    public Tensor logicalXor(Tensor other) { return Elementwise.binary(BinaryOp.LOGICAL_XOR, this, other); }

    public Tensor bitwiseAnd(Tensor other) { return Elementwise.binary(BinaryOp.BITWISE_AND, this, other); }

    public Tensor bitwiseOr(Tensor other) { return Elementwise.binary(BinaryOp.BITWISE_OR, this, other); }

    public Tensor bitwiseXor(Tensor other) { return Elementwise.binary(BinaryOp.BITWISE_XOR, this, other); }

    /** True where every element pair is within {@code atol + rtol * |other|}. */
    public boolean allclose(Tensor other, double rtol, double atol) { return Elementwise.allclose(this, other, rtol, atol); }

    public boolean allclose(Tensor other) { return allclose(other, 1e-5, 1e-8); }

    /** True when shapes and all elements are equal. */
    public boolean equal(Tensor other) { return Elementwise.equal(this, other); }

    /** {@code condition ? this : other}, like {@code torch.where(condition, this, other)}. */
    public Tensor where(Tensor condition, Tensor other) { return Elementwise.where(condition, this, other); }

    public Tensor where(Tensor condition, double other) { return where(condition, Factories.wrap(other, this)); }

    public static Tensor where(Tensor condition, Tensor x, Tensor y) { return Elementwise.where(condition, x, y); }

    public static Tensor where(Tensor condition, Tensor x, double y) { return Elementwise.where(condition, x, Factories.wrap(y, x)); }

    public static Tensor where(Tensor condition, double x, Tensor y) { return Elementwise.where(condition, Factories.wrap(x, y), y); }

    // ---------------------------------------------------------------- in place

    public Tensor add_(Tensor other) { return InPlace.binary(this, BinaryOp.ADD, other, self -> self.add(other)); }

    public Tensor add_(Tensor other, double alpha) { return InPlace.apply(this, self -> self.add(other, alpha)); }

    public Tensor add_(double other) { return InPlace.binary(this, BinaryOp.ADD, Factories.wrap(other, this), self -> self.add(other)); }

    public Tensor sub_(Tensor other) { return InPlace.binary(this, BinaryOp.SUB, other, self -> self.sub(other)); }

    public Tensor sub_(double other) { return InPlace.binary(this, BinaryOp.SUB, Factories.wrap(other, this), self -> self.sub(other)); }

    public Tensor mul_(Tensor other) { return InPlace.binary(this, BinaryOp.MUL, other, self -> self.mul(other)); }

    public Tensor mul_(double other) { return InPlace.binary(this, BinaryOp.MUL, Factories.wrap(other, this), self -> self.mul(other)); }

    public Tensor div_(Tensor other) { return InPlace.binary(this, BinaryOp.DIV, other, self -> self.div(other)); }

    public Tensor div_(double other) { return InPlace.binary(this, BinaryOp.DIV, Factories.wrap(other, this), self -> self.div(other)); }

    public Tensor pow_(double exponent) { return InPlace.apply(this, self -> self.pow(exponent)); }

    public Tensor neg_() { return InPlace.unary(this, UnaryOp.NEG, self -> self.neg()); }

    public Tensor exp_() { return InPlace.unary(this, UnaryOp.EXP, self -> self.exp()); }

    public Tensor log_() { return InPlace.unary(this, UnaryOp.LOG, self -> self.log()); }

    public Tensor sqrt_() { return InPlace.unary(this, UnaryOp.SQRT, self -> self.sqrt()); }

    public Tensor abs_() { return InPlace.unary(this, UnaryOp.ABS, self -> self.abs()); }

    public Tensor relu_() { return InPlace.unary(this, UnaryOp.RELU, self -> self.relu()); }

    public Tensor sigmoid_() { return InPlace.unary(this, UnaryOp.SIGMOID, self -> self.sigmoid()); }

    public Tensor tanh_() { return InPlace.unary(this, UnaryOp.TANH, self -> self.tanh()); }

    public Tensor clamp_(double min, double max) { return InPlace.apply(this, self -> self.clamp(min, max)); }

    public Tensor addcmul_(Tensor tensor1, Tensor tensor2, double value) { return InPlace.apply(this, self -> self.addcmul(tensor1, tensor2, value)); }

    public Tensor addcdiv_(Tensor tensor1, Tensor tensor2, double value) { return InPlace.apply(this, self -> self.addcdiv(tensor1, tensor2, value)); }

    public Tensor lerp_(Tensor end, double weight) { return InPlace.apply(this, self -> self.lerp(end, weight)); }

    public Tensor maskedFill_(Tensor mask, double value) { return InPlace.apply(this, self -> self.maskedFill(mask, value)); }

    public Tensor zero_() { return InPlace.fill(this, 0); }

    public Tensor fill_(double value) { return InPlace.fill(this, value); }

    /** Copies {@code source} (broadcast, cast, moved as needed) into this tensor's elements. */
    public Tensor copy_(Tensor source) { return InPlace.copy(this, source); }

    /** Fills this tensor in place with values uniform in {@code [from, to)} from the default generator. */
    public Tensor uniform_(double from, double to) { return randomFill_(dev.ember.devices.RandomOp.UNIFORM, from, to, "uniform_"); }

    /** Fills this tensor in place with normal values of the given mean and standard deviation. */
    public Tensor normal_(double mean, double std) { return randomFill_(dev.ember.devices.RandomOp.NORMAL, mean, std, "normal_"); }

    /** Fills this tensor in place with ones (probability {@code p}) and zeros, in its own dtype. */
    public Tensor bernoulli_(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("bernoulli_ expects p to be in [0, 1], but got p=" + p);
        return randomFill_(dev.ember.devices.RandomOp.BERNOULLI, p, 0, "bernoulli_");
    }

    private Tensor randomFill_(dev.ember.devices.RandomOp op, double a, double b, String name) {
        if (op != dev.ember.devices.RandomOp.BERNOULLI && !dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(name + " is not implemented for " + dtype + "; use a floating dtype");
        }
        if (GradMode.isEnabled() && requiresGrad()) {
            throw new IllegalStateException("a leaf Variable that requires grad is being used in an in-place operation. "
                    + "Wrap " + name + " in GradMode.noGrad() (as init functions do).");
        }
        storage.buffer.checkOpen();
        long[] state = Generator.DEFAULT.reserve(numel());
        storage.backend.random(op, strided(), state[0], state[1], a, b);
        storage.bumpVersion();
        return this;
    }

    // ---------------------------------------------------------------- reductions

    public Tensor sum() { return Reductions.sum(this, new int[0], false, null); }

    public Tensor sum(int dim) { return Reductions.sum(this, new int[] {dim}, false, null); }

    public Tensor sum(int dim, boolean keepdim) { return Reductions.sum(this, new int[] {dim}, keepdim, null); }

    public Tensor sum(int[] dims, boolean keepdim) { return Reductions.sum(this, dims, keepdim, null); }

    public Tensor sum(DType dtype) { return Reductions.sum(this, new int[0], false, dtype); }

    public Tensor mean() { return Reductions.mean(this, new int[0], false); }

    public Tensor mean(int dim) { return Reductions.mean(this, new int[] {dim}, false); }

    public Tensor mean(int dim, boolean keepdim) { return Reductions.mean(this, new int[] {dim}, keepdim); }

    public Tensor mean(int[] dims, boolean keepdim) { return Reductions.mean(this, dims, keepdim); }

    public Tensor prod() { return Reductions.prod(this, new int[0], false); }

    public Tensor prod(int dim) { return Reductions.prod(this, new int[] {dim}, false); }

    public Tensor prod(int dim, boolean keepdim) { return Reductions.prod(this, new int[] {dim}, keepdim); }

    /** The largest element (NaN if any is NaN). */
    public Tensor max() { return Reductions.extreme(this, true, new int[0], false); }

    /** Values of the largest elements along {@code dim}; {@link #argmax(int)} gives their indices. */
    public Tensor max(int dim) { return Reductions.extremeAlong(this, true, dim, false); }

    public Tensor max(int dim, boolean keepdim) { return Reductions.extremeAlong(this, true, dim, keepdim); }

    public Tensor min() { return Reductions.extreme(this, false, new int[0], false); }

    public Tensor min(int dim) { return Reductions.extremeAlong(this, false, dim, false); }

    public Tensor min(int dim, boolean keepdim) { return Reductions.extremeAlong(this, false, dim, keepdim); }

    public Tensor amax(int[] dims, boolean keepdim) { return Reductions.extreme(this, true, dims, keepdim); }

    public Tensor amin(int[] dims, boolean keepdim) { return Reductions.extreme(this, false, dims, keepdim); }

    /** Index of the largest element of the flattened tensor. */
    public Tensor argmax() { return Reductions.argExtreme(this, true, null, false); }

    public Tensor argmax(int dim) { return Reductions.argExtreme(this, true, dim, false); }

    public Tensor argmax(int dim, boolean keepdim) { return Reductions.argExtreme(this, true, dim, keepdim); }

    public Tensor argmin() { return Reductions.argExtreme(this, false, null, false); }

    public Tensor argmin(int dim) { return Reductions.argExtreme(this, false, dim, false); }

    public Tensor argmin(int dim, boolean keepdim) { return Reductions.argExtreme(this, false, dim, keepdim); }

    /** Variance with Bessel's correction, like {@code torch.var}. */
    public Tensor var() { return Reductions.var(this, new int[0], false, 1); }

    public Tensor var(int dim, boolean keepdim) { return Reductions.var(this, new int[] {dim}, keepdim, 1); }

    public Tensor var(int[] dims, boolean keepdim, int correction) { return Reductions.var(this, dims, keepdim, correction); }

    public Tensor std() { return var().sqrt(); }

    public Tensor std(int dim, boolean keepdim) { return var(dim, keepdim).sqrt(); }

    public Tensor std(int[] dims, boolean keepdim, int correction) { return var(dims, keepdim, correction).sqrt(); }

    public Tensor logsumexp(int dim) { return Reductions.logsumexp(this, dim, false); }

    public Tensor logsumexp(int dim, boolean keepdim) { return Reductions.logsumexp(this, dim, keepdim); }

    public Tensor softmax(int dim) { return Softmax.softmax(this, dim, false); }

    public Tensor logSoftmax(int dim) { return Softmax.softmax(this, dim, true); }

    /** Vector p-norm of all elements. */
    public Tensor norm() { return Reductions.norm(this, 2); }

    public Tensor norm(double p) { return Reductions.norm(this, p); }

    /** True (as a BOOL tensor) when any element is nonzero. */
    public Tensor any() { return ne(0).max(); }

    public Tensor any(int dim) { return ne(0).max(dim); }

    public Tensor all() { return ne(0).min(); }

    public Tensor all(int dim) { return ne(0).min(dim); }

    // ---------------------------------------------------------------- linear algebra

    /** Matrix product with PyTorch's rules for 1-D, 2-D and batched (broadcast) operands. */
    public Tensor matmul(Tensor other) { return LinearAlgebra.matmul(this, other); }

    public Tensor mm(Tensor other) { return LinearAlgebra.mm(this, other); }

    public Tensor bmm(Tensor other) { return LinearAlgebra.bmm(this, other); }

    public Tensor mv(Tensor vector) { return LinearAlgebra.mv(this, vector); }

    public Tensor dot(Tensor other) { return LinearAlgebra.dot(this, other); }

    public Tensor outer(Tensor other) { return LinearAlgebra.outer(this, other); }

    /**
     * Einstein summation over one or two operands, e.g. {@code einsum("bij,bjk->bik", a, b)},
     * {@code einsum("ij->ji", a)}, {@code einsum("i,i->", u, v)}.
     */
    public static Tensor einsum(String equation, Tensor... operands) { return Einsum.einsum(equation, operands); }

    // ---------------------------------------------------------------- shape and views

    public Tensor view(long... shape) { return ShapeOps.view(this, shape); }

    public Tensor reshape(long... shape) { return ShapeOps.reshape(this, shape); }

    public Tensor viewAs(Tensor other) { return view(other.shape()); }

    public Tensor reshapeAs(Tensor other) { return reshape(other.shape()); }

    public Tensor transpose(int dim0, int dim1) { return ShapeOps.transpose(this, dim0, dim1); }

    /** Transpose of a tensor of at most 2 dims. */
    public Tensor t() { return ShapeOps.t(this); }

    /** Transposes the last two dims (batched matrix transpose), like PyTorch's {@code .mT}. */
    public Tensor mT() { return transpose(-2, -1); }

    public Tensor permute(int... dims) { return ShapeOps.permute(this, dims); }

    public Tensor expand(long... shape) { return ShapeOps.expand(this, shape); }

    public Tensor expandAs(Tensor other) { return expand(other.shape()); }

    public Tensor broadcastTo(long... shape) { return expand(shape); }

    public Tensor narrow(int dim, long start, long length) { return ShapeOps.slice(this, dim, start, start + length, 1, true); }

    /** Elements {@code start, start+step, ...} below {@code end} along {@code dim}; negative bounds count from the end. */
    public Tensor slice(int dim, long start, long end, long step) { return ShapeOps.slice(this, dim, start, end, step, false); }

    public Tensor slice(int dim, long start, long end) { return slice(dim, start, end, 1); }

    /** The sub-tensor at {@code index} along {@code dim}, with that dim removed. */
    public Tensor select(int dim, long index) { return ShapeOps.select(this, dim, index); }

    public Tensor squeeze() { return ShapeOps.squeeze(this, null); }

    public Tensor squeeze(int dim) { return ShapeOps.squeeze(this, dim); }

    public Tensor unsqueeze(int dim) { return ShapeOps.unsqueeze(this, dim); }

    public Tensor flatten() { return ShapeOps.flatten(this, 0, -1); }

    public Tensor flatten(int startDim) { return ShapeOps.flatten(this, startDim, -1); }

    public Tensor flatten(int startDim, int endDim) { return ShapeOps.flatten(this, startDim, endDim); }

    public Tensor unflatten(int dim, long... sizes) { return ShapeOps.unflatten(this, dim, sizes); }

    public List<Tensor> chunk(int chunks, int dim) { return ShapeOps.chunk(this, chunks, dim); }

    public List<Tensor> chunk(int chunks) { return chunk(chunks, 0); }

    public List<Tensor> split(long splitSize, int dim) { return ShapeOps.split(this, splitSize, dim); }

    public List<Tensor> split(long splitSize) { return split(splitSize, 0); }

    public List<Tensor> split(long[] sizes, int dim) { return ShapeOps.split(this, sizes, dim); }

    public List<Tensor> unbind(int dim) { return ShapeOps.unbind(this, dim); }

    public static Tensor cat(List<Tensor> tensors, int dim) { return ShapeOps.cat(tensors, dim); }

    public static Tensor cat(List<Tensor> tensors) { return cat(tensors, 0); }

    public static Tensor stack(List<Tensor> tensors, int dim) { return ShapeOps.stack(tensors, dim); }

    public static Tensor stack(List<Tensor> tensors) { return stack(tensors, 0); }

    /** Reverses the order of elements along {@code dims} (a copy, as in PyTorch). */
    public Tensor flip(int... dims) { return ShapeOps.flip(this, dims); }

    /** Rolls elements along {@code dims} by {@code shifts}, wrapping around. */
    public Tensor roll(long[] shifts, int[] dims) { return ShapeOps.roll(this, shifts, dims); }

    public Tensor roll(long shift, int dim) { return roll(new long[] {shift}, new int[] {dim}); }

    /** Tiles this tensor {@code repeats[d]} times along each dim. */
    public Tensor repeat(long... repeats) { return ShapeOps.repeat(this, repeats); }

    /** Lower triangle (below and on diagonal {@code diagonal}) of the last two dims; zeros elsewhere. */
    public Tensor tril(long diagonal) { return ShapeOps.triangle(this, diagonal, true); }

    public Tensor tril() { return tril(0); }

    public Tensor triu(long diagonal) { return ShapeOps.triangle(this, diagonal, false); }

    public Tensor triu() { return triu(0); }

    /** Pads the last dims: {@code padding} is (left, right) pairs starting from the last dim; mode "constant" or "reflect". */
    public Tensor pad(long[] padding, String mode, double value) { return ShapeOps.pad(this, padding, mode, value); }

    public Tensor pad(long... padding) { return pad(padding, "constant", 0); }

    public Tensor cumsum(int dim) { return Scans.cumsum(this, dim); }

    public Tensor cumprod(int dim) { return Scans.cumprod(this, dim); }

    // ---------------------------------------------------------------- indexing

    public Tensor indexSelect(int dim, Tensor index) { return Indexing.indexSelect(this, dim, index); }

    public Tensor gather(int dim, Tensor index) { return Indexing.gather(this, dim, index); }

    public Tensor scatterAdd(int dim, Tensor index, Tensor source) { return Indexing.scatterAdd(this, dim, index, source); }

    public Tensor indexAdd(int dim, Tensor index, Tensor source) { return Indexing.indexAdd(this, dim, index, source); }

    /**
     * In-place {@code index_add_}: adds slice {@code i} of {@code source} along {@code dim} into
     * slice {@code index[i]} of this tensor, repeated indices accumulating. Straight into this
     * tensor's memory when nothing is recorded, as in an embedding's backward.
     *
     * <pre>{@code
     * Tensor counts = Tensor.zeros(5, 3).indexAdd_(0, Tensor.of(new long[] {0, 4, 0}, 3), Tensor.ones(3, 3));
     * }</pre>
     */
    public Tensor indexAdd_(int dim, Tensor index, Tensor source) { return Indexing.indexAdd_(this, dim, index, source); }

    public Tensor scatter(int dim, Tensor index, Tensor source) { return Indexing.scatter(this, dim, index, source); }

    public Tensor scatter(int dim, Tensor index, double value) { return Indexing.scatter(this, dim, index, value); }

    /**
     * In-place {@code scatter_}: {@code this[index[i][j]][j] = source[i][j]} for {@code dim} 0, and
     * likewise along other dims; the out-of-place op written back, recorded as any in-place op.
     *
     * <pre>{@code
     * Tensor oneHot = Tensor.zeros(3, 4).scatter_(1, Tensor.of(new long[] {2, 0, 3}, 3, 1), 1.0);
     * }</pre>
     */
    public Tensor scatter_(int dim, Tensor index, Tensor source) {
        return InPlace.apply(this, self -> self.scatter(dim, index, source));
    }

    public Tensor scatter_(int dim, Tensor index, double value) { return InPlace.apply(this, self -> self.scatter(dim, index, value)); }

    /** In-place {@code scatter_add_}: {@link #scatterAdd} written back into this tensor. */
    public Tensor scatterAdd_(int dim, Tensor index, Tensor source) {
        return InPlace.apply(this, self -> self.scatterAdd(dim, index, source));
    }

    /** The elements where {@code mask} is true, as a 1-D tensor. */
    public Tensor maskedSelect(Tensor mask) { return Indexing.maskedSelect(this, mask); }

    /** Advanced indexing with one integer or boolean tensor on the first dim, like {@code a[idx]}. */
    public Tensor index(Tensor index) { return Indexing.index(this, new Tensor[] {index}); }

    /** Advanced indexing with integer tensors on the leading dims (null skips a dim), like {@code a[i, j]}. */
    public Tensor index(Tensor... indices) { return Indexing.index(this, indices); }

    /** {@code a[indices] = values} (or {@code +=} when {@code accumulate}), out of place. */
    public Tensor indexPut(Tensor[] indices, Tensor values, boolean accumulate) { return Indexing.indexPut(this, indices, values, accumulate); }

    public Tensor indexPut_(Tensor[] indices, Tensor values, boolean accumulate) {
        return InPlace.apply(this, self -> self.indexPut(indices, values, accumulate));
    }

    /** Indices of nonzero elements, shape {@code [count, dim]}. */
    public Tensor nonzero() { return Indexing.nonzero(this); }

    /** Sorted values along {@code dim}; {@link #argsort} gives the permutation. */
    public Tensor sort(int dim, boolean descending) { return Sorting.sort(this, dim, descending).values(); }

    public Sorting.Result sortWithIndices(int dim, boolean descending) { return Sorting.sort(this, dim, descending); }

    public Tensor argsort(int dim, boolean descending) { return Sorting.sort(this, dim, descending).indices(); }

    /** The {@code k} largest (or smallest) elements along {@code dim}, sorted, with their indices. */
    public Sorting.Result topk(long k, int dim, boolean largest) { return Sorting.topk(this, k, dim, largest); }

    public Tensor maskedFill(Tensor mask, double value) { return Tensor.where(mask, Factories.wrap(value, this).to(dtype), this); }

    public Tensor maskedFill(Tensor mask, Tensor value) { return Tensor.where(mask, value, this); }

    // ---------------------------------------------------------------- convolution and pooling primitives

    /**
     * {@code torch.convolution}: {@code input [N, C, *spatial]} (1 to 3 spatial dims) with
     * {@code weight [Cout, C/groups, *kernel]} ({@code [C, Cout/groups, *kernel]} when
     * transposed); bias may be null. One value per spatial dim in each array. Shapes are
     * checked with PyTorch's messages by {@code dev.ember.nn.functional.F.conv2d} and friends.
     *
     * <pre>{@code
     * Tensor y = Tensor.convolution(x, w, null, new long[] {1, 1}, new long[] {1, 1}, new long[] {1, 1}, false, new long[] {0, 0}, 1);
     * }</pre>
     */
    public static Tensor convolution(Tensor input, Tensor weight, Tensor bias, long[] stride, long[] padding, long[] dilation,
                                     boolean transposed, long[] outputPadding, long groups) {
        long[] kernel = java.util.Arrays.copyOfRange(weight.shape(), 2, weight.dim());
        Convolution.Window window = Convolution.Window.of("convolution", kernel.length, kernel, stride, padding, dilation);
        return Convolution.convolution(input, weight, bias, window, transposed, outputPadding, groups);
    }

    /**
     * im2col ({@code F.unfold}): every sliding window of {@code input [N, C, *spatial]} as a
     * column of {@code [N, C * prod(kernelSize), windows]}; differentiable (its gradient is col2im).
     *
     * <pre>{@code
     * Tensor columns = Tensor.im2col(x, new long[] {3, 3}, new long[] {1, 1}, new long[] {1, 1}, new long[] {1, 1});
     * }</pre>
     */
    public static Tensor im2col(Tensor input, long[] kernelSize, long[] dilation, long[] padding, long[] stride) {
        Convolution.Window window = Convolution.Window.of("im2col", kernelSize.length, kernelSize, stride, padding, dilation);
        return Convolution.im2col(input, window);
    }

    /**
     * col2im ({@code F.fold}): sums columns {@code [N, C * prod(kernelSize), windows]} back into
     * {@code [N, C, *outputSize]}; the adjoint of {@link #im2col}, and differentiable.
     *
     * <pre>{@code
     * Tensor image = Tensor.col2im(columns, new long[] {28, 28}, new long[] {3, 3}, new long[] {1, 1}, new long[] {1, 1}, new long[] {1, 1});
     * }</pre>
     */
    public static Tensor col2im(Tensor input, long[] outputSize, long[] kernelSize, long[] dilation, long[] padding,
                                long[] stride) {
        Convolution.Window window = Convolution.Window.of("col2im", kernelSize.length, kernelSize, stride, padding, dilation);
        return Convolution.col2im(input, outputSize, window);
    }

    /**
     * Max pooling of {@code input [N, C, *spatial]} (1 to 3 spatial dims) with the flat position
     * of each maximum in its input plane, like {@code torch.max_pool2d_with_indices}; differentiable.
     *
     * <pre>{@code
     * MaxPooling.Result r = Tensor.maxPoolWithIndices(x, new long[] {2, 2}, new long[] {2, 2}, new long[] {0, 0}, new long[] {1, 1}, false);
     * }</pre>
     */
    public static MaxPooling.Result maxPoolWithIndices(Tensor input, long[] kernelSize, long[] stride, long[] padding,
                                                       long[] dilation, boolean ceilMode) {
        return MaxPooling.maxPool(input, kernelSize, stride, padding, dilation, ceilMode);
    }

    // ---------------------------------------------------------------- autograd

    public boolean requiresGrad() { return requiresGrad || gradFn != null; }

    /** Marks a leaf as needing its gradient; returns this tensor. */
    public Tensor requiresGrad_(boolean requires) {
        if (gradFn != null) {
            if (!requires) {
                throw new IllegalStateException("you can only change requires_grad flags of leaf variables. If you want to "
                        + "use a computed variable in a subgraph that doesn't require differentiation use detach().");
            }
            return this;
        }
        if (requires && !dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("only Tensors of floating point dtype can require gradients, got " + dtype);
        }
        if (requires && madeInInferenceMode) {
            throw new IllegalStateException("a tensor created in inference mode cannot require gradients");
        }
        requiresGrad = requires;
        return this;
    }

    public Tensor requiresGrad_() { return requiresGrad_(true); }

    /** True for tensors made by the user (not by a recorded op). */
    public boolean isLeaf() { return gradFn == null; }

    /** The accumulated gradient of a leaf (or of a tensor that called {@link #retainGrad()}), or null. */
    @Override
    public Tensor grad() {
        Tensor gradient = grad;
        if (gradient != null) gradient.freeWhenReplaced = false;
        return gradient;
    }

    @Override
    public void setGrad(Tensor gradient) {
        if (gradient != null && !java.util.Arrays.equals(gradient.shape(), shape())) {
            throw new IllegalArgumentException("assigned grad has shape " + Dimensions.shapeText(gradient.shape())
                    + " but the tensor has shape " + Dimensions.shapeText(shape()));
        }
        // A gradient outlives the memory scope of the step that computed it.
        if (gradient != null) MemoryScope.keepStorage(gradient.storage);
        Tensor replaced = grad;
        grad = gradient;
        if (replaced != null && replaced.freeWhenReplaced && (gradient == null || gradient.storage != replaced.storage)) {
            replaced.freeWhenReplaced = false;
            replaced.close();
        }
    }

    /** The gradient for the engine and the built-in optimizers: unlike {@link #grad()}, not a hand-out. */
    Tensor gradWithoutHandingOut() { return grad; }

    /** Stores a gradient that backward made and nothing else holds: replacing it frees it, unless handed out. */
    void storeOwnedGrad(Tensor gradient) {
        setGrad(gradient);
        gradient.freeWhenReplaced = true;
    }

    /**
     * The engine's view of this leaf: it reads the gradient without handing it out and marks
     * the gradients it stores as its own.
     */
    private final class GradientSlot implements Leaf<Tensor> {
        @Override public Tensor grad() { return gradWithoutHandingOut(); }

        @Override public void setGrad(Tensor gradient) { Tensor.this.setGrad(gradient); }

        @Override public void setOwnedGrad(Tensor gradient) { storeOwnedGrad(gradient); }
    }

    /** The backward function that made this tensor, or null for leaves. */
    public Node<Tensor> gradFn() { return gradFn; }

    /** The same data without history; shares memory with this tensor. */
    public Tensor detach() { return new Tensor(storage, layout, dtype); }

    /** True when this tensor shares the memory of another through a view op. */
    public boolean isView() { return base != null; }

    /** A copy of this tensor's current values that keeps its place in the graph (same grad_fn or leaf edge). */
    Tensor snapshotWithHistory() {
        Tensor copy = Conversions.castContiguous(this, dtype);
        if (gradFn != null) {
            copy.gradFn = gradFn;
            copy.outputIndex = outputIndex;
        } else if (requiresGrad) {
            copy.requiresGrad = true;
            copy.accumulator = accumulator();
        }
        return copy;
    }

    /** Makes this tensor take the history of {@code result} after an in-place op wrote result's values here. */
    void adoptHistory(Tensor result) {
        gradFn = result.gradFn;
        outputIndex = result.outputIndex;
    }

    /** Detaches this tensor from the graph in place, making it a leaf. */
    public Tensor detach_() {
        gradFn = null;
        requiresGrad = false;
        return this;
    }

    /** Keeps {@link #grad()} for this non-leaf tensor after backward. */
    public Tensor retainGrad() {
        if (gradFn == null) {
            if (!requiresGrad) throw new IllegalStateException("can't retain_grad on Tensor that has requires_grad=False");
            return this;
        }
        if (retainsGrad) return this;
        retainsGrad = true;
        gradFn.registerPreHook(outputIndex, g -> {
            Tensor incoming = GradMode.isEnabled() ? g : g.detach().clone();
            grad = grad == null ? incoming : grad.add(incoming);
            return null;
        });
        return this;
    }

    public boolean retainsGrad() { return retainsGrad; }

    /**
     * Registers a hook called with this tensor's gradient during backward; it may return a
     * replacement gradient or null.
     */
    public RemovableHandle registerHook(UnaryOperator<Tensor> hook) {
        if (!requiresGrad()) throw new IllegalStateException("cannot register a hook on a tensor that doesn't require gradient");
        if (gradFn != null) return gradFn.registerPreHook(outputIndex, hook);
        return accumulator().registerPreHook(0, hook);
    }

    /** Computes the gradient of this scalar with respect to the graph's leaves. */
    public void backward() {
        if (numel() != 1) {
            throw new IllegalStateException("grad can be implicitly created only for scalar outputs, but the tensor has shape "
                    + Dimensions.shapeText(shape()));
        }
        backward(Tensor.onesLike(this), false, false);
    }

    public void backward(Tensor gradient) { backward(gradient, false, false); }

    public void backward(Tensor gradient, boolean retainGraph, boolean createGraph) {
        Edge<Tensor> root = gradientEdge();
        if (root == null) {
            throw new IllegalStateException("element 0 of tensors does not require grad and does not have a grad_fn");
        }
        Engine.backward(TensorAlgebra.INSTANCE, List.of(root), List.of(Autograd.checkRootGradient(this, gradient)),
                retainGraph, createGraph);
    }

    /** The edge that gradients of this tensor flow along, or null when it does not require grad. */
    Edge<Tensor> gradientEdge() {
        if (gradFn != null) return new Edge<>(gradFn, outputIndex);
        if (requiresGrad) return new Edge<>(accumulator(), 0);
        return null;
    }

    synchronized AccumulateGradient<Tensor> accumulator() {
        if (accumulator == null) accumulator = new AccumulateGradient<>(new GradientSlot(), TensorAlgebra.INSTANCE);
        return accumulator;
    }

    /** The number of in-place modifications of this tensor's memory so far. */
    public int version() { return storage.version(); }

    // ---------------------------------------------------------------- memory

    /** Frees this tensor's memory now (and that of its views); using it afterwards throws. */
    @Override
    public void close() {
        if (!storage.buffer.isClosed()) storage.buffer.close();
    }

    public boolean isClosed() { return storage.buffer.isClosed(); }

    // ---------------------------------------------------------------- printing

    /** PyTorch's printout, e.g. {@code tensor([[1., 2.], [3., 4.]], requires_grad=True)}. */
    @Override
    public String toString() { return TensorPrinter.print(this); }
}
