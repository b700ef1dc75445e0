package dev.ember.devices.cpu;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.foreign.MemorySegment;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * The oneDNN library (Intel's deep-learning primitives, through the JavaCPP presets): one CPU
 * engine and stream, loaded on first use. When the native library cannot be loaded the CPU
 * backend reports it unavailable and composes those ops itself; {@link #unavailableReason}
 * says why. Every call into oneDNN holds this class's lock: a stream is not thread-safe, and
 * each primitive already uses every core.
 *
 * <pre>{@code
 * if (Dnnl.available()) { ... DnnlConvolution.forward(...) ... }
 * }</pre>
 */
final class Dnnl {

    private Dnnl() {}

    /** Set {@code -Dember.onednn=false} to use im2col + GEMM instead (for comparisons). */
    private static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("ember.onednn", "true"));

    private static final class Runtime {
        static final dnnl_engine ENGINE;
        static final dnnl_stream STREAM;
        static final String FAILURE;

        static {
            dnnl_engine engine = null;
            dnnl_stream stream = null;
            String failure = null;
            if (!ENABLED) {
                failure = "disabled by -Dember.onednn=false";
            } else {
                try {
                    passiveOpenMpThreads();
                    Loader.load(org.bytedeco.dnnl.global.dnnl.class);
                    engine = new dnnl_engine();
                    check(dnnl_engine_create(engine, dnnl_cpu, 0), "creating the CPU engine");
                    stream = new dnnl_stream();
                    check(dnnl_stream_create(stream, engine, dnnl_stream_default_flags), "creating a stream");
                } catch (Throwable error) {
                    failure = error.toString();
                    engine = null;
                    stream = null;
                }
            }
            ENGINE = engine;
            STREAM = stream;
            FAILURE = failure;
        }
    }

    /**
     * oneDNN runs on OpenMP threads, which by default spin after each parallel region before
     * they sleep. On two cores a spinning OpenMP thread competes with the caller and Ember's own
     * workers for the next op; measured on the CNN sample, any spin (even GOMP_SPINCOUNT=2000)
     * sometimes left training in a mode 2-3x slower for the rest of the run, while passive
     * threads were stable. libgomp reads OMP_WAIT_POLICY once, when it loads, so PASSIVE is put
     * into this process's environment (unless the user set OpenMP's variables) before oneDNN
     * is loaded.
     */
    private static void passiveOpenMpThreads() throws Throwable {
        if (System.getenv("OMP_WAIT_POLICY") != null || System.getenv("GOMP_SPINCOUNT") != null) return;
        Linker linker = Linker.nativeLinker();
        MethodHandle setenv = linker.downcallHandle(linker.defaultLookup().find("setenv").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) setenv.invokeExact(arena.allocateFrom("OMP_WAIT_POLICY"), arena.allocateFrom("PASSIVE"), 0);
        }
    }

    static boolean available() { return Runtime.FAILURE == null; }

    static String unavailableReason() { return Runtime.FAILURE; }

    static dnnl_engine engine() { return Runtime.ENGINE; }

    static void check(int status, String what) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN failed " + what + " (status " + status + ")");
        }
    }

    /** A float32 memory descriptor for a dense row-major array of {@code dims}. */
    static dnnl_memory_desc plainDescriptor(long[] dims) {
        long[] strides = new long[dims.length];
        long stride = 1;
        for (int d = dims.length - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= dims[d];
        }
        dnnl_memory_desc descriptor = new dnnl_memory_desc();
        check(dnnl_memory_desc_create_with_strides(descriptor, dims.length, dims, dnnl_f32, strides), "describing memory");
        return descriptor;
    }

    /** A float32 memory descriptor whose layout oneDNN picks for the primitive. */
    static dnnl_memory_desc anyDescriptor(long[] dims) {
        dnnl_memory_desc descriptor = new dnnl_memory_desc();
        check(dnnl_memory_desc_create_with_tag(descriptor, dims.length, dims, dnnl_f32, dnnl_format_tag_any), "describing memory");
        return descriptor;
    }

    static String implementation(dnnl_primitive_desc descriptor) {
        PointerPointer<BytePointer> name = new PointerPointer<>(1);
        check(dnnl_primitive_desc_query(descriptor, dnnl_query_impl_info_str, 0, name), "querying the implementation");
        return name.get(BytePointer.class, 0).getString();
    }

    static dnnl_primitive primitive(dnnl_primitive_desc descriptor) {
        dnnl_primitive primitive = new dnnl_primitive();
        check(dnnl_primitive_create(primitive, descriptor), "creating a primitive");
        return primitive;
    }

    /** A memory object over {@code descriptor} whose data pointer is set before each execution. */
    static dnnl_memory memory(dnnl_memory_desc descriptor) {
        dnnl_memory memory = new dnnl_memory();
        check(dnnl_memory_create(memory, descriptor, engine(), new Address(0)), "creating a memory object");
        return memory;
    }

    static void bind(dnnl_memory memory, long address) {
        check(dnnl_memory_set_data_handle(memory, new Address(address)), "binding memory");
    }

    /**
     * A primitive with its arguments, built once per plan: the memory objects stay the same
     * from call to call (only their data pointers are rebound), so no argument list is made
     * per execution.
     */
    static final class Execution {
        private final dnnl_primitive primitive;
        private final dnnl_exec_arg_t arguments;
        private final int count;

        /** {@code kindsAndMemories}: (argument kind, memory) pairs. */
        Execution(dnnl_primitive primitive, Object... kindsAndMemories) {
            this.primitive = primitive;
            count = kindsAndMemories.length / 2;
            arguments = new dnnl_exec_arg_t(count);
            for (int i = 0; i < count; i++) {
                arguments.position(i).arg((Integer) kindsAndMemories[2 * i]).memory((dnnl_memory) kindsAndMemories[2 * i + 1]);
            }
            arguments.position(0);
        }

        /** Runs the primitive and waits for it. Callers hold the lock. */
        void run() {
            check(dnnl_primitive_execute(primitive, Runtime.STREAM, count, arguments), "executing a primitive");
            check(dnnl_stream_wait(Runtime.STREAM), "waiting for the stream");
        }

        void close() {
            dnnl_primitive_destroy(primitive);
            arguments.close();
        }
    }

    /**
     * Memory in the layout a primitive chose, with the reorders to and from the plain row-major
     * layout Ember's tensors use. When the chosen layout is the plain one, no copy is made and
     * the caller's memory is bound directly, unless it lives on the Java heap (small buffers
     * do), which oneDNN cannot address: then it goes through a native copy.
     */
    static final class Staged {
        final dnnl_memory user;
        final dnnl_memory chosen;
        private final dnnl_memory_desc chosenDescriptor;
        private final long bytes;
        private final Arena arena;
        private final Execution toChosen;
        private final Execution toUser;
        private MemorySegment heapCopy;
        private MemorySegment target;

        Staged(long[] dims, dnnl_memory_desc chosenDescriptor, Arena arena, boolean input) {
            this.arena = arena;
            long count = 1;
            for (long dim : dims) count *= dim;
            bytes = count * 4;
            dnnl_memory_desc plain = plainDescriptor(dims);
            user = memory(plain);
            this.chosenDescriptor = chosenDescriptor == null ? plain : chosenDescriptor;
            if (chosenDescriptor == null || dnnl_memory_desc_equal(plain, chosenDescriptor) != 0) {
                chosen = user;
                toChosen = null;
                toUser = null;
                return;
            }
            MemorySegment storage = arena.allocate(dnnl_memory_desc_get_size(chosenDescriptor), 64);
            chosen = memory(chosenDescriptor);
            bind(chosen, storage.address());
            dnnl_primitive_desc reorder = new dnnl_primitive_desc();
            if (input) {
                check(dnnl_reorder_primitive_desc_create(reorder, plain, engine(), chosenDescriptor, engine(), null), "planning a reorder");
                toChosen = new Execution(primitive(reorder), DNNL_ARG_FROM, user, DNNL_ARG_TO, chosen);
                toUser = null;
            } else {
                check(dnnl_reorder_primitive_desc_create(reorder, chosenDescriptor, engine(), plain, engine(), null), "planning a reorder");
                toChosen = null;
                toUser = new Execution(primitive(reorder), DNNL_ARG_FROM, chosen, DNNL_ARG_TO, user);
            }
        }

        /** True when this memory is laid out as {@code descriptor}, so a primitive wanting that layout can read it. */
        boolean holds(dnnl_memory_desc descriptor) {
            return dnnl_memory_desc_equal(chosenDescriptor, descriptor) != 0;
        }

        /** Binds the caller's plain input and copies it into the chosen layout when they differ. */
        void in(MemorySegment segment, long byteOffset) {
            if (segment.isNative()) {
                bind(user, segment.address() + byteOffset);
            } else {
                MemorySegment copy = heapCopy();
                MemorySegment.copy(segment, byteOffset, copy, 0, bytes);
                bind(user, copy.address());
            }
            if (toChosen != null) toChosen.run();
        }

        /** Binds the caller's plain output; call {@link #out()} after the primitive ran. */
        void bindOutput(MemorySegment segment, long byteOffset) {
            if (segment.isNative()) {
                target = null;
                bind(user, segment.address() + byteOffset);
            } else {
                target = segment.asSlice(byteOffset, bytes);
                bind(user, heapCopy().address());
            }
        }

        void out() {
            if (toUser != null) toUser.run();
            if (target != null) {
                MemorySegment.copy(heapCopy, 0, target, 0, bytes);
                target = null;
            }
        }

        void close() {
            if (toChosen != null) toChosen.close();
            if (toUser != null) toUser.close();
        }

        private MemorySegment heapCopy() {
            if (heapCopy == null) heapCopy = arena.allocate(bytes, 64);
            return heapCopy;
        }
    }

    /** A JavaCPP pointer to memory JavaCPP does not own: it never frees the address. */
    private static final class Address extends Pointer {
        Address(long address) {
            super((Pointer) null);
            this.address = address;
        }
    }
}
