package dev.ember.devices.cpu;

import dev.ember.devices.DType;
import dev.ember.devices.OptimizerKind;
import dev.ember.devices.Strided;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

import static dev.ember.devices.cpu.Elements.F32;
import static dev.ember.devices.cpu.Elements.F64;
import static dev.ember.devices.cpu.UnaryKernels.DS;
import static dev.ember.devices.cpu.UnaryKernels.FS;
import static dev.ember.devices.cpu.UnaryKernels.ORDER;

/**
 * Fused optimizer updates: each element of the parameter, its gradient and its state is read
 * and written once per step, instead of once per tensor op of the update. The arithmetic
 * follows the composite update term by term (no FMA, one float32 or float64 rounding per op),
 * so both give the same values. Contiguous float32/float64 operands only: a Vector API loop
 * and a scalar tail, parallel above {@link Parallel#GRAIN_SIZE}.
 *
 * <pre>{@code
 * OptimizerKernels.step(OptimizerKind.SGD, param, grad, new Strided[] {null},
 *         new double[] {0.1, 0, 0, 0, 0, 0, 1});
 * }</pre>
 */
final class OptimizerKernels {

    /** Element-operations per element of each update, for the parallel split. */
    private static final long COST = 16;

    private OptimizerKernels() {}

    static boolean supports(DType dtype) { return dtype == DType.FLOAT32 || dtype == DType.FLOAT64; }

    /** One contiguous operand: a segment and the element index where the tensor starts. */
    private record Operand(MemorySegment segment, long offset) {
        static Operand of(Strided s) {
            return s == null ? null : new Operand(((CpuBuffer) s.buffer()).segment(), s.layout().offset());
        }
    }

    /**
     * Where the vector loop stops: before the scalar tail, or at once when an operand is a small
     * heap-backed buffer (a bias), whose vector loads C2 does not intrinsify and which would
     * slow this loop down for every parameter once it had seen one.
     */
    private static long vectorEnd(Operand p, Operand g, Operand[] s, long start, long end, int lanes) {
        if (!p.segment.isNative() || !g.segment.isNative()) return start;
        for (Operand o : s) if (o != null && !o.segment.isNative()) return start;
        return end - (end - start) % lanes;
    }

    /** Checks the operands the way every CPU kernel does, plus what the fused loops assume. */
    static void check(OptimizerKind kind, Strided param, Strided grad, Strided[] state, double[] h) {
        String name = "optimizerStep(" + kind + ")";
        if (state == null || state.length != kind.stateCount() || h == null || h.length != kind.hyperparameterCount()) {
            throw new IllegalArgumentException(name + ": expected " + kind.stateCount() + " state operands and "
                    + kind.hyperparameterCount() + " hyperparameters, got " + (state == null ? "null" : state.length)
                    + " and " + (h == null ? "null" : h.length));
        }
        if (!supports(param.dtype())) {
            throw new IllegalArgumentException(name + " is not implemented for " + param.dtype());
        }
        boolean[] needed = switch (kind) {
            case SGD -> new boolean[] {h[1] != 0};
            case ADAM, ADAMW -> new boolean[] {true, true, h[5] != 0};
            case RMSPROP -> new boolean[] {true, h[4] > 0, h[5] != 0};
            case ADAGRAD -> new boolean[] {true};
            case ADADELTA -> new boolean[] {true, true};
        };
        checkOperand(name, "param", param, param);
        checkOperand(name, "grad", grad, param);
        for (int i = 0; i < state.length; i++) {
            if (state[i] != null) checkOperand(name, "state " + i, state[i], param);
            else if (needed[i]) throw new IllegalArgumentException(name + ": state operand " + i + " is required but null");
        }
    }

    private static void checkOperand(String name, String what, Strided s, Strided param) {
        OperandChecks.operand(name, s);
        OperandChecks.sameShape(name, s, param);
        OperandChecks.sameDtype(name, s, param);
        if (!s.layout().isContiguous()) {
            throw new IllegalArgumentException(name + ": expected a contiguous " + what + ", got layout " + s.layout());
        }
    }

    static void step(OptimizerKind kind, Strided param, Strided grad, Strided[] state, double[] h) {
        long n = param.numel();
        if (n == 0) return;
        Operand p = Operand.of(param);
        Operand g = Operand.of(grad);
        Operand[] s = new Operand[state.length];
        for (int i = 0; i < state.length; i++) s[i] = Operand.of(state[i]);
        boolean single = param.dtype() == DType.FLOAT32;
        Parallel.forRange(n, COST, (start, end) -> {
            switch (kind) {
                case SGD -> { if (single) sgdFloat(p, g, s, h, start, end); else sgdDouble(p, g, s, h, start, end); }
                case ADAM, ADAMW -> {
                    boolean decoupled = kind == OptimizerKind.ADAMW;
                    if (single) adamFloat(p, g, s, h, decoupled, start, end); else adamDouble(p, g, s, h, decoupled, start, end);
                }
                case RMSPROP -> { if (single) rmspropFloat(p, g, s, h, start, end); else rmspropDouble(p, g, s, h, start, end); }
                case ADAGRAD -> { if (single) adagradFloat(p, g, s, h, start, end); else adagradDouble(p, g, s, h, start, end); }
                case ADADELTA -> { if (single) adadeltaFloat(p, g, s, h, start, end); else adadeltaDouble(p, g, s, h, start, end); }
            }
        });
    }

    // ---------------------------------------------------------------- SGD

    private static void sgdFloat(Operand p, Operand g, Operand[] s, double[] h, long start, long end) {
        float negLr = (float) -h[0], momentum = (float) h[1], keep = (float) (1 - h[2]), decay = (float) h[3];
        boolean hasMomentum = h[1] != 0, hasDecay = h[3] != 0, nesterov = h[4] != 0, maximize = h[5] != 0, first = h[6] != 0;
        MemorySegment ps = p.segment, gs = g.segment, bs = hasMomentum ? s[0].segment : null;
        long po = p.offset, go = g.offset, bo = hasMomentum ? s[0].offset : 0;
        long i = start;
        for (long bound = vectorEnd(p, g, s, start, end, FS.length()); i < bound; i += FS.length()) {
            FloatVector pv = FloatVector.fromMemorySegment(FS, ps, (po + i) * 4, ORDER);
            FloatVector d = FloatVector.fromMemorySegment(FS, gs, (go + i) * 4, ORDER);
            if (maximize) d = d.neg();
            if (hasDecay) d = d.add(pv.mul(decay));
            if (hasMomentum) {
                FloatVector buf = first ? d
                        : FloatVector.fromMemorySegment(FS, bs, (bo + i) * 4, ORDER).mul(momentum).add(d.mul(keep));
                buf.intoMemorySegment(bs, (bo + i) * 4, ORDER);
                d = nesterov ? d.add(buf.mul(momentum)) : buf;
            }
            pv.add(d.mul(negLr)).intoMemorySegment(ps, (po + i) * 4, ORDER);
        }
        for (; i < end; i++) {
            float pv = ps.getAtIndex(F32, po + i);
            float d = gs.getAtIndex(F32, go + i);
            if (maximize) d = -d;
            if (hasDecay) d = d + pv * decay;
            if (hasMomentum) {
                float buf = first ? d : bs.getAtIndex(F32, bo + i) * momentum + d * keep;
                bs.setAtIndex(F32, bo + i, buf);
                d = nesterov ? d + buf * momentum : buf;
            }
            ps.setAtIndex(F32, po + i, pv + d * negLr);
        }
    }

    private static void sgdDouble(Operand p, Operand g, Operand[] s, double[] h, long start, long end) {
        double negLr = -h[0], momentum = h[1], keep = 1 - h[2], decay = h[3];
        boolean hasMomentum = h[1] != 0, hasDecay = h[3] != 0, nesterov = h[4] != 0, maximize = h[5] != 0, first = h[6] != 0;
        MemorySegment ps = p.segment, gs = g.segment, bs = hasMomentum ? s[0].segment : null;
        long po = p.offset, go = g.offset, bo = hasMomentum ? s[0].offset : 0;
        long i = start;
        for (long bound = vectorEnd(p, g, s, start, end, DS.length()); i < bound; i += DS.length()) {
            DoubleVector pv = DoubleVector.fromMemorySegment(DS, ps, (po + i) * 8, ORDER);
            DoubleVector d = DoubleVector.fromMemorySegment(DS, gs, (go + i) * 8, ORDER);
            if (maximize) d = d.neg();
            if (hasDecay) d = d.add(pv.mul(decay));
            if (hasMomentum) {
                DoubleVector buf = first ? d
                        : DoubleVector.fromMemorySegment(DS, bs, (bo + i) * 8, ORDER).mul(momentum).add(d.mul(keep));
                buf.intoMemorySegment(bs, (bo + i) * 8, ORDER);
                d = nesterov ? d.add(buf.mul(momentum)) : buf;
            }
            pv.add(d.mul(negLr)).intoMemorySegment(ps, (po + i) * 8, ORDER);
        }
        for (; i < end; i++) {
            double pv = ps.getAtIndex(F64, po + i);
            double d = gs.getAtIndex(F64, go + i);
            if (maximize) d = -d;
            if (hasDecay) d = d + pv * decay;
            if (hasMomentum) {
                double buf = first ? d : bs.getAtIndex(F64, bo + i) * momentum + d * keep;
                bs.setAtIndex(F64, bo + i, buf);
                d = nesterov ? d + buf * momentum : buf;
            }
            ps.setAtIndex(F64, po + i, pv + d * negLr);
        }
    }

    // ---------------------------------------------------------------- Adam and AdamW

    private static void adamFloat(Operand p, Operand g, Operand[] s, double[] h, boolean decoupled, long start, long end) {
        double lr = h[0], beta1 = h[1], beta2 = h[2], step = h[7];
        float b1 = (float) beta1, keep1 = (float) (1 - beta1), b2 = (float) beta2, keep2 = (float) (1 - beta2);
        float eps = (float) h[3], decay = (float) h[4], shrink = (float) (1 - lr * h[4]);
        float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, step));
        float negStepSize = (float) -(lr / (1 - Math.pow(beta1, step)));
        boolean hasDecay = h[4] != 0, amsgrad = h[5] != 0, maximize = h[6] != 0;
        MemorySegment ps = p.segment, gs = g.segment, ms = s[0].segment, vs = s[1].segment, xs = amsgrad ? s[2].segment : null;
        long po = p.offset, go = g.offset, mo = s[0].offset, vo = s[1].offset, xo = amsgrad ? s[2].offset : 0;
        long i = start;
        for (long bound = vectorEnd(p, g, s, start, end, FS.length()); i < bound; i += FS.length()) {
            FloatVector pv = FloatVector.fromMemorySegment(FS, ps, (po + i) * 4, ORDER);
            FloatVector d = FloatVector.fromMemorySegment(FS, gs, (go + i) * 4, ORDER);
            if (maximize) d = d.neg();
            if (decoupled) pv = pv.mul(shrink);
            else if (hasDecay) d = d.add(pv.mul(decay));
            FloatVector m = FloatVector.fromMemorySegment(FS, ms, (mo + i) * 4, ORDER).mul(b1).add(d.mul(keep1));
            FloatVector v = FloatVector.fromMemorySegment(FS, vs, (vo + i) * 4, ORDER).mul(b2).add(d.mul(d).mul(keep2));
            m.intoMemorySegment(ms, (mo + i) * 4, ORDER);
            v.intoMemorySegment(vs, (vo + i) * 4, ORDER);
            if (amsgrad) {
                v = FloatVector.fromMemorySegment(FS, xs, (xo + i) * 4, ORDER).max(v);
                v.intoMemorySegment(xs, (xo + i) * 4, ORDER);
            }
            FloatVector denom = v.sqrt().div(bc2Sqrt).add(eps);
            pv.add(m.div(denom).mul(negStepSize)).intoMemorySegment(ps, (po + i) * 4, ORDER);
        }
        for (; i < end; i++) {
            float pv = ps.getAtIndex(F32, po + i);
            float d = gs.getAtIndex(F32, go + i);
            if (maximize) d = -d;
            if (decoupled) pv = pv * shrink;
            else if (hasDecay) d = d + pv * decay;
            float m = ms.getAtIndex(F32, mo + i) * b1 + d * keep1;
            float v = vs.getAtIndex(F32, vo + i) * b2 + d * d * keep2;
            ms.setAtIndex(F32, mo + i, m);
            vs.setAtIndex(F32, vo + i, v);
            if (amsgrad) {
                v = Math.max(xs.getAtIndex(F32, xo + i), v);
                xs.setAtIndex(F32, xo + i, v);
            }
            float denom = (float) Math.sqrt(v) / bc2Sqrt + eps;
            ps.setAtIndex(F32, po + i, pv + m / denom * negStepSize);
        }
    }

    private static void adamDouble(Operand p, Operand g, Operand[] s, double[] h, boolean decoupled, long start, long end) {
        double lr = h[0], b1 = h[1], b2 = h[2], step = h[7], keep1 = 1 - b1, keep2 = 1 - b2;
        double eps = h[3], decay = h[4], shrink = 1 - lr * h[4];
        double bc2Sqrt = Math.sqrt(1 - Math.pow(b2, step));
        double negStepSize = -(lr / (1 - Math.pow(b1, step)));
        boolean hasDecay = h[4] != 0, amsgrad = h[5] != 0, maximize = h[6] != 0;
        MemorySegment ps = p.segment, gs = g.segment, ms = s[0].segment, vs = s[1].segment, xs = amsgrad ? s[2].segment : null;
        long po = p.offset, go = g.offset, mo = s[0].offset, vo = s[1].offset, xo = amsgrad ? s[2].offset : 0;
        long i = start;
        for (long bound = vectorEnd(p, g, s, start, end, DS.length()); i < bound; i += DS.length()) {
            DoubleVector pv = DoubleVector.fromMemorySegment(DS, ps, (po + i) * 8, ORDER);
            DoubleVector d = DoubleVector.fromMemorySegment(DS, gs, (go + i) * 8, ORDER);
            if (maximize) d = d.neg();
            if (decoupled) pv = pv.mul(shrink);
            else if (hasDecay) d = d.add(pv.mul(decay));
            DoubleVector m = DoubleVector.fromMemorySegment(DS, ms, (mo + i) * 8, ORDER).mul(b1).add(d.mul(keep1));
            DoubleVector v = DoubleVector.fromMemorySegment(DS, vs, (vo + i) * 8, ORDER).mul(b2).add(d.mul(d).mul(keep2));
            m.intoMemorySegment(ms, (mo + i) * 8, ORDER);
            v.intoMemorySegment(vs, (vo + i) * 8, ORDER);
            if (amsgrad) {
                v = DoubleVector.fromMemorySegment(DS, xs, (xo + i) * 8, ORDER).max(v);
                v.intoMemorySegment(xs, (xo + i) * 8, ORDER);
            }
            DoubleVector denom = v.sqrt().div(bc2Sqrt).add(eps);
            pv.add(m.div(denom).mul(negStepSize)).intoMemorySegment(ps, (po + i) * 8, ORDER);
        }
        for (; i < end; i++) {
            double pv = ps.getAtIndex(F64, po + i);
            double d = gs.getAtIndex(F64, go + i);
            if (maximize) d = -d;
            if (decoupled) pv = pv * shrink;
            else if (hasDecay) d = d + pv * decay;
            double m = ms.getAtIndex(F64, mo + i) * b1 + d * keep1;
            double v = vs.getAtIndex(F64, vo + i) * b2 + d * d * keep2;
            ms.setAtIndex(F64, mo + i, m);
            vs.setAtIndex(F64, vo + i, v);
            if (amsgrad) {
                v = Math.max(xs.getAtIndex(F64, xo + i), v);
                xs.setAtIndex(F64, xo + i, v);
            }
            double denom = Math.sqrt(v) / bc2Sqrt + eps;
            ps.setAtIndex(F64, po + i, pv + m / denom * negStepSize);
        }
    }

    // ---------------------------------------------------------------- RMSprop

    private static void rmspropFloat(Operand p, Operand g, Operand[] s, double[] h, long start, long end) {
        float negLr = (float) -h[0], alpha = (float) h[1], keep = (float) (1 - h[1]), eps = (float) h[2];
        float decay = (float) h[3], momentum = (float) h[4];
        boolean hasDecay = h[3] != 0, hasMomentum = h[4] > 0, centered = h[5] != 0, maximize = h[6] != 0;
        MemorySegment ps = p.segment, gs = g.segment, qs = s[0].segment;
        MemorySegment bs = hasMomentum ? s[1].segment : null, as = centered ? s[2].segment : null;
        long po = p.offset, go = g.offset, qo = s[0].offset, bo = hasMomentum ? s[1].offset : 0, ao = centered ? s[2].offset : 0;
        long i = start;
        for (long bound = vectorEnd(p, g, s, start, end, FS.length()); i < bound; i += FS.length()) {
            FloatVector pv = FloatVector.fromMemorySegment(FS, ps, (po + i) * 4, ORDER);
            FloatVector d = FloatVector.fromMemorySegment(FS, gs, (go + i) * 4, ORDER);
            if (maximize) d = d.neg();
            if (hasDecay) d = d.add(pv.mul(decay));
            FloatVector q = FloatVector.fromMemorySegment(FS, qs, (qo + i) * 4, ORDER).mul(alpha).add(d.mul(d).mul(keep));
            q.intoMemorySegment(qs, (qo + i) * 4, ORDER);
            FloatVector avg;
            if (centered) {
                FloatVector a = FloatVector.fromMemorySegment(FS, as, (ao + i) * 4, ORDER).mul(alpha).add(d.mul(keep));
                a.intoMemorySegment(as, (ao + i) * 4, ORDER);
                avg = q.add(a.mul(a).neg()).sqrt();
            } else {
                avg = q.sqrt();
            }
            avg = avg.add(eps);
            if (hasMomentum) {
                FloatVector buf = FloatVector.fromMemorySegment(FS, bs, (bo + i) * 4, ORDER).mul(momentum).add(d.div(avg));
                buf.intoMemorySegment(bs, (bo + i) * 4, ORDER);
                pv = pv.add(buf.mul(negLr));
            } else {
                pv = pv.add(d.div(avg).mul(negLr));
            }
            pv.intoMemorySegment(ps, (po + i) * 4, ORDER);
        }
        for (; i < end; i++) {
            float pv = ps.getAtIndex(F32, po + i);
            float d = gs.getAtIndex(F32, go + i);
            if (maximize) d = -d;
            if (hasDecay) d = d + pv * decay;
            float q = qs.getAtIndex(F32, qo + i) * alpha + d * d * keep;
            qs.setAtIndex(F32, qo + i, q);
            float avg;
            if (centered) {
                float a = as.getAtIndex(F32, ao + i) * alpha + d * keep;
                as.setAtIndex(F32, ao + i, a);
                avg = (float) Math.sqrt(q + -(a * a));
            } else {
                avg = (float) Math.sqrt(q);
            }
            avg = avg + eps;
            if (hasMomentum) {
                float buf = bs.getAtIndex(F32, bo + i) * momentum + d / avg;
                bs.setAtIndex(F32, bo + i, buf);
                pv = pv + buf * negLr;
            } else {
                pv = pv + d / avg * negLr;
            }
            ps.setAtIndex(F32, po + i, pv);
        }
    }

    private static void rmspropDouble(Operand p, Operand g, Operand[] s, double[] h, long start, long end) {
        double negLr = -h[0], alpha = h[1], keep = 1 - h[1], eps = h[2], decay = h[3], momentum = h[4];
        boolean hasDecay = h[3] != 0, hasMomentum = h[4] > 0, centered = h[5] != 0, maximize = h[6] != 0;
        MemorySegment ps = p.segment, gs = g.segment, qs = s[0].segment;
        MemorySegment bs = hasMomentum ? s[1].segment : null, as = centered ? s[2].segment : null;
        long po = p.offset, go = g.offset, qo = s[0].offset, bo = hasMomentum ? s[1].offset : 0, ao = centered ? s[2].offset : 0;
        long i = start;
        for (long bound = vectorEnd(p, g, s, start, end, DS.length()); i < bound; i += DS.length()) {
            DoubleVector pv = DoubleVector.fromMemorySegment(DS, ps, (po + i) * 8, ORDER);
            DoubleVector d = DoubleVector.fromMemorySegment(DS, gs, (go + i) * 8, ORDER);
            if (maximize) d = d.neg();
            if (hasDecay) d = d.add(pv.mul(decay));
            DoubleVector q = DoubleVector.fromMemorySegment(DS, qs, (qo + i) * 8, ORDER).mul(alpha).add(d.mul(d).mul(keep));
            q.intoMemorySegment(qs, (qo + i) * 8, ORDER);
            DoubleVector avg;
            if (centered) {
                DoubleVector a = DoubleVector.fromMemorySegment(DS, as, (ao + i) * 8, ORDER).mul(alpha).add(d.mul(keep));
                a.intoMemorySegment(as, (ao + i) * 8, ORDER);
                avg = q.add(a.mul(a).neg()).sqrt();
            } else {
                avg = q.sqrt();
            }
            avg = avg.add(eps);
            if (hasMomentum) {
                DoubleVector buf = DoubleVector.fromMemorySegment(DS, bs, (bo + i) * 8, ORDER).mul(momentum).add(d.div(avg));
                buf.intoMemorySegment(bs, (bo + i) * 8, ORDER);
                pv = pv.add(buf.mul(negLr));
            } else {
                pv = pv.add(d.div(avg).mul(negLr));
            }
            pv.intoMemorySegment(ps, (po + i) * 8, ORDER);
        }
        for (; i < end; i++) {
            double pv = ps.getAtIndex(F64, po + i);
            double d = gs.getAtIndex(F64, go + i);
            if (maximize) d = -d;
            if (hasDecay) d = d + pv * decay;
            double q = qs.getAtIndex(F64, qo + i) * alpha + d * d * keep;
            qs.setAtIndex(F64, qo + i, q);
            double avg;
            if (centered) {
                double a = as.getAtIndex(F64, ao + i) * alpha + d * keep;
                as.setAtIndex(F64, ao + i, a);
                avg = Math.sqrt(q + -(a * a));
            } else {
                avg = Math.sqrt(q);
            }
            avg = avg + eps;
            if (hasMomentum) {
                double buf = bs.getAtIndex(F64, bo + i) * momentum + d / avg;
                bs.setAtIndex(F64, bo + i, buf);
                pv = pv + buf * negLr;
            } else {
                pv = pv + d / avg * negLr;
            }
            ps.setAtIndex(F64, po + i, pv);
        }
    }

    // ---------------------------------------------------------------- Adagrad

    private static void adagradFloat(Operand p, Operand g, Operand[] s, double[] h, long start, long end) {
        float negClr = (float) -(h[0] / (1 + (h[5] - 1) * h[1])), decay = (float) h[2], eps = (float) h[3];
        boolean hasDecay = h[2] != 0, maximize = h[4] != 0;
        MemorySegment ps = p.segment, gs = g.segment, ss = s[0].segment;
        long po = p.offset, go = g.offset, so = s[0].offset;
        long i = start;
        for (long bound = vectorEnd(p, g, s, start, end, FS.length()); i < bound; i += FS.length()) {
            FloatVector pv = FloatVector.fromMemorySegment(FS, ps, (po + i) * 4, ORDER);
            FloatVector d = FloatVector.fromMemorySegment(FS, gs, (go + i) * 4, ORDER);
            if (maximize) d = d.neg();
            if (hasDecay) d = d.add(pv.mul(decay));
            FloatVector sum = FloatVector.fromMemorySegment(FS, ss, (so + i) * 4, ORDER).add(d.mul(d));
            sum.intoMemorySegment(ss, (so + i) * 4, ORDER);
            pv.add(d.div(sum.sqrt().add(eps)).mul(negClr)).intoMemorySegment(ps, (po + i) * 4, ORDER);
        }
        for (; i < end; i++) {
            float pv = ps.getAtIndex(F32, po + i);
            float d = gs.getAtIndex(F32, go + i);
            if (maximize) d = -d;
            if (hasDecay) d = d + pv * decay;
            float sum = ss.getAtIndex(F32, so + i) + d * d;
            ss.setAtIndex(F32, so + i, sum);
            ps.setAtIndex(F32, po + i, pv + d / ((float) Math.sqrt(sum) + eps) * negClr);
        }
    }

    private static void adagradDouble(Operand p, Operand g, Operand[] s, double[] h, long start, long end) {
        double negClr = -(h[0] / (1 + (h[5] - 1) * h[1])), decay = h[2], eps = h[3];
        boolean hasDecay = h[2] != 0, maximize = h[4] != 0;
        MemorySegment ps = p.segment, gs = g.segment, ss = s[0].segment;
        long po = p.offset, go = g.offset, so = s[0].offset;
        long i = start;
        for (long bound = vectorEnd(p, g, s, start, end, DS.length()); i < bound; i += DS.length()) {
            DoubleVector pv = DoubleVector.fromMemorySegment(DS, ps, (po + i) * 8, ORDER);
            DoubleVector d = DoubleVector.fromMemorySegment(DS, gs, (go + i) * 8, ORDER);
            if (maximize) d = d.neg();
            if (hasDecay) d = d.add(pv.mul(decay));
            DoubleVector sum = DoubleVector.fromMemorySegment(DS, ss, (so + i) * 8, ORDER).add(d.mul(d));
            sum.intoMemorySegment(ss, (so + i) * 8, ORDER);
            pv.add(d.div(sum.sqrt().add(eps)).mul(negClr)).intoMemorySegment(ps, (po + i) * 8, ORDER);
        }
        for (; i < end; i++) {
            double pv = ps.getAtIndex(F64, po + i);
            double d = gs.getAtIndex(F64, go + i);
            if (maximize) d = -d;
            if (hasDecay) d = d + pv * decay;
            double sum = ss.getAtIndex(F64, so + i) + d * d;
            ss.setAtIndex(F64, so + i, sum);
            ps.setAtIndex(F64, po + i, pv + d / (Math.sqrt(sum) + eps) * negClr);
        }
    }

    // ---------------------------------------------------------------- Adadelta

    private static void adadeltaFloat(Operand p, Operand g, Operand[] s, double[] h, long start, long end) {
        float negLr = (float) -h[0], rho = (float) h[1], keep = (float) (1 - h[1]), eps = (float) h[2], decay = (float) h[3];
        boolean hasDecay = h[3] != 0, maximize = h[4] != 0;
        MemorySegment ps = p.segment, gs = g.segment, qs = s[0].segment, as = s[1].segment;
        long po = p.offset, go = g.offset, qo = s[0].offset, ao = s[1].offset;
        long i = start;
        for (long bound = vectorEnd(p, g, s, start, end, FS.length()); i < bound; i += FS.length()) {
            FloatVector pv = FloatVector.fromMemorySegment(FS, ps, (po + i) * 4, ORDER);
            FloatVector d = FloatVector.fromMemorySegment(FS, gs, (go + i) * 4, ORDER);
            if (maximize) d = d.neg();
            if (hasDecay) d = d.add(pv.mul(decay));
            FloatVector q = FloatVector.fromMemorySegment(FS, qs, (qo + i) * 4, ORDER).mul(rho).add(d.mul(d).mul(keep));
            q.intoMemorySegment(qs, (qo + i) * 4, ORDER);
            FloatVector a = FloatVector.fromMemorySegment(FS, as, (ao + i) * 4, ORDER);
            FloatVector delta = a.add(eps).sqrt().div(q.add(eps).sqrt()).mul(d);
            a.mul(rho).add(delta.mul(delta).mul(keep)).intoMemorySegment(as, (ao + i) * 4, ORDER);
            pv.add(delta.mul(negLr)).intoMemorySegment(ps, (po + i) * 4, ORDER);
        }
        for (; i < end; i++) {
            float pv = ps.getAtIndex(F32, po + i);
            float d = gs.getAtIndex(F32, go + i);
            if (maximize) d = -d;
            if (hasDecay) d = d + pv * decay;
            float q = qs.getAtIndex(F32, qo + i) * rho + d * d * keep;
            qs.setAtIndex(F32, qo + i, q);
            float a = as.getAtIndex(F32, ao + i);
            float delta = (float) Math.sqrt(a + eps) / (float) Math.sqrt(q + eps) * d;
            as.setAtIndex(F32, ao + i, a * rho + delta * delta * keep);
            ps.setAtIndex(F32, po + i, pv + delta * negLr);
        }
    }

    private static void adadeltaDouble(Operand p, Operand g, Operand[] s, double[] h, long start, long end) {
        double negLr = -h[0], rho = h[1], keep = 1 - h[1], eps = h[2], decay = h[3];
        boolean hasDecay = h[3] != 0, maximize = h[4] != 0;
        MemorySegment ps = p.segment, gs = g.segment, qs = s[0].segment, as = s[1].segment;
        long po = p.offset, go = g.offset, qo = s[0].offset, ao = s[1].offset;
        long i = start;
        for (long bound = vectorEnd(p, g, s, start, end, DS.length()); i < bound; i += DS.length()) {
            DoubleVector pv = DoubleVector.fromMemorySegment(DS, ps, (po + i) * 8, ORDER);
            DoubleVector d = DoubleVector.fromMemorySegment(DS, gs, (go + i) * 8, ORDER);
            if (maximize) d = d.neg();
            if (hasDecay) d = d.add(pv.mul(decay));
            DoubleVector q = DoubleVector.fromMemorySegment(DS, qs, (qo + i) * 8, ORDER).mul(rho).add(d.mul(d).mul(keep));
            q.intoMemorySegment(qs, (qo + i) * 8, ORDER);
            DoubleVector a = DoubleVector.fromMemorySegment(DS, as, (ao + i) * 8, ORDER);
            DoubleVector delta = a.add(eps).sqrt().div(q.add(eps).sqrt()).mul(d);
            a.mul(rho).add(delta.mul(delta).mul(keep)).intoMemorySegment(as, (ao + i) * 8, ORDER);
            pv.add(delta.mul(negLr)).intoMemorySegment(ps, (po + i) * 8, ORDER);
        }
        for (; i < end; i++) {
            double pv = ps.getAtIndex(F64, po + i);
            double d = gs.getAtIndex(F64, go + i);
            if (maximize) d = -d;
            if (hasDecay) d = d + pv * decay;
            double q = qs.getAtIndex(F64, qo + i) * rho + d * d * keep;
            qs.setAtIndex(F64, qo + i, q);
            double a = as.getAtIndex(F64, ao + i);
            double delta = Math.sqrt(a + eps) / Math.sqrt(q + eps) * d;
            as.setAtIndex(F64, ao + i, a * rho + delta * delta * keep);
            ps.setAtIndex(F64, po + i, pv + delta * negLr);
        }
    }
}
