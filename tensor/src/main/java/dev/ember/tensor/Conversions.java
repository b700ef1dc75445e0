package dev.ember.tensor;

import dev.ember.autograd.GradMode;
import dev.ember.devices.DType;
import dev.ember.devices.Device;
import dev.ember.devices.Layout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Dtype casts, device moves and copies. */
final class Conversions {
    private Conversions() {}

    static Tensor toDType(Tensor t, DType target) {
        if (t.dtype() == target) return t;
        Tensor out = castContiguous(t, target);
        if (target.isFloatingPoint() && t.dtype().isFloatingPoint()) OpNode.record(Op.TO_DTYPE, out, t);
        return out;
    }

    /** A contiguous copy of {@code t} converted to {@code target}, not recorded. */
    static Tensor castContiguous(Tensor t, DType target) {
        Tensor out = Factories.empty(target, t.device(), t.shape());
        t.storage.backend.copy(t.strided(), out.strided());
        return out;
    }

    static Tensor copy(Tensor t, Op op) {
        Tensor out = castContiguous(t, t.dtype());
        OpNode.record(op, out, t);
        return out;
    }

    static Tensor toDevice(Tensor t, Device target) {
        if (t.device().equals(target)) return t;
        Tensor source = t.contiguous();
        long bytes = source.numel() * source.dtype().byteSize();
        Tensor out = Factories.empty(t.dtype(), target, t.shape());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staging = arena.allocate(Math.max(bytes, 1), 64);
            source.storage.backend.copyToHost(source.storage.buffer, source.layout().offset() * source.dtype().byteSize(),
                    staging, bytes);
            out.storage.backend.copyFromHost(staging, out.storage.buffer, 0, bytes);
        }
        OpNode node = OpNode.record(Op.TO_DEVICE, out, t);
        if (node != null) node.save(Tensor.empty(DType.BOOL, t.device(), 0));
        return out;
    }

    /** Writes {@code source} (broadcast and cast) into {@code target}'s elements; no recording. */
    static void copyInto(Tensor target, Tensor source) {
        Tensor moved = source.device().equals(target.device()) ? source : source.to(target.device());
        // A source that shares memory with the target is read whole before any element is written.
        if (moved.storage == target.storage) moved = castContiguous(moved, moved.dtype());
        Layout expanded = moved.layout().expand(target.shape());
        try (var guard = GradMode.noGrad()) {
            ShapeOps.checkExpandable(moved.shape(), target.shape());
        }
        target.storage.backend.copy(new dev.ember.devices.Strided(moved.storage.buffer, expanded, moved.dtype()), target.strided());
    }
}
