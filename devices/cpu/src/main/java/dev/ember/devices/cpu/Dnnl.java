package dev.ember.devices.cpu;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
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
import java.lang.foreign.SymbolLookup;

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
        static final dnnl_primitive_attr USER_SCRATCHPAD;
        static final String FAILURE;

        static {
            dnnl_engine engine = null;
            dnnl_stream stream = null;
            dnnl_primitive_attr attributes = null;
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
                    attributes = new dnnl_primitive_attr();
                    check(dnnl_primitive_attr_create(attributes), "creating primitive attributes");
                    check(dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user), "setting the scratchpad mode");
                } catch (Throwable error) {
                    failure = error.toString();
                    engine = null;
                    stream = null;
                    attributes = null;
                }
            }
            ENGINE = engine;
            STREAM = stream;
            USER_SCRATCHPAD = attributes;
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

    /** A stream of its own, for primitives that run on one thread while others run elsewhere. */
    static dnnl_stream newStream() {
        dnnl_stream stream = new dnnl_stream();
        check(dnnl_stream_create(stream, engine(), dnnl_stream_default_flags), "creating a stream");
        return stream;
    }

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

    /**
     * Primitive attributes asking for a user-provided scratchpad. Why: by default oneDNN gives
     * the primitives made on one thread a shared scratchpad belonging to that thread, which is
     * unsafe once primitives run on several threads at once (a part of a split convolution
     * crashed in gemm_convolution_fwd_t reading it). Each {@link Execution} owns its scratchpad.
     */
    static dnnl_primitive_attr userScratchpad() { return Runtime.USER_SCRATCHPAD; }

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
     * A primitive with its arguments and its own scratchpad (in {@code arena}), built once per
     * plan: the memory objects stay the same from call to call (only their data pointers are
     * rebound), so no argument list is made per execution. The descriptor must have been made
     * with {@link #userScratchpad()}.
     */
    static final class Execution {
        private final dnnl_primitive primitive;
        private final dnnl_exec_arg_t arguments;
        private final int count;

        /** {@code kindsAndMemories}: (argument kind, memory) pairs. */
        Execution(dnnl_primitive_desc descriptor, Arena arena, Object... kindsAndMemories) {
            this.primitive = primitive(descriptor);
            dnnl_memory_desc scratchpadLayout = dnnl_primitive_desc_query_md(descriptor, dnnl_query_scratchpad_md, 0);
            long scratchpadBytes = scratchpadLayout == null ? 0 : dnnl_memory_desc_get_size(scratchpadLayout);
            int given = kindsAndMemories.length / 2;
            count = given + (scratchpadBytes > 0 ? 1 : 0);
            arguments = new dnnl_exec_arg_t(count);
            for (int i = 0; i < given; i++) {
                arguments.position(i).arg((Integer) kindsAndMemories[2 * i]).memory((dnnl_memory) kindsAndMemories[2 * i + 1]);
            }
            if (scratchpadBytes > 0) {
                dnnl_memory scratchpad = memory(scratchpadLayout);
                bind(scratchpad, arena.allocate(scratchpadBytes, 64).address());
                arguments.position(given).arg(DNNL_ARG_SCRATCHPAD).memory(scratchpad);
            }
            arguments.position(0);
        }

        /** Runs the primitive on {@code stream} (null: the shared one) and waits for it. Callers hold the lock. */
        void run(dnnl_stream stream) {
            dnnl_stream on = stream == null ? Runtime.STREAM : stream;
            check(dnnl_primitive_execute(primitive, on, count, arguments), "executing a primitive");
            check(dnnl_stream_wait(on), "waiting for the stream");
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
                check(dnnl_reorder_primitive_desc_create(reorder, plain, engine(), chosenDescriptor, engine(), userScratchpad()),
                        "planning a reorder");
                toChosen = new Execution(reorder, arena, DNNL_ARG_FROM, user, DNNL_ARG_TO, chosen);
                toUser = null;
            } else {
                check(dnnl_reorder_primitive_desc_create(reorder, chosenDescriptor, engine(), plain, engine(), userScratchpad()),
                        "planning a reorder");
                toChosen = null;
                toUser = new Execution(reorder, arena, DNNL_ARG_FROM, chosen, DNNL_ARG_TO, user);
            }
        }

        /** True when this memory is laid out as {@code descriptor}, so a primitive wanting that layout can read it. */
        boolean holds(dnnl_memory_desc descriptor) {
            return dnnl_memory_desc_equal(chosenDescriptor, descriptor) != 0;
        }

        /** Binds the caller's plain input and copies it into the chosen layout (on {@code stream}) when they differ. */
        void in(MemorySegment segment, long byteOffset, dnnl_stream stream) {
            if (segment.isNative()) {
                bind(user, segment.address() + byteOffset);
            } else {
                MemorySegment copy = heapCopy();
                MemorySegment.copy(segment, byteOffset, copy, 0, bytes);
                bind(user, copy.address());
            }
            if (toChosen != null) toChosen.run(stream);
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

        void out(dnnl_stream stream) {
            if (toUser != null) toUser.run(stream);
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

    /**
     * libgomp's per-thread team size. oneDNN runs on OpenMP, whose count is per calling thread:
     * with it at one, a primitive planned and run on that thread uses no other thread and wakes
     * no OpenMP worker. The library is looked up by soname, which finds the copy oneDNN loaded.
     * {@link #available()} is false when it cannot be found; then every primitive runs on
     * OpenMP's team.
     */
    static final class OpenMp {
        private static final MethodHandle GET_MAX_THREADS;
        private static final MethodHandle SET_NUM_THREADS;

        static {
            MethodHandle get = null;
            MethodHandle set = null;
            if (Dnnl.available()) {
                try {
                    Linker linker = Linker.nativeLinker();
                    SymbolLookup gomp = SymbolLookup.libraryLookup("libgomp.so.1", Arena.global());
                    get = linker.downcallHandle(gomp.find("omp_get_max_threads").orElseThrow(),
                            FunctionDescriptor.of(ValueLayout.JAVA_INT));
                    set = linker.downcallHandle(gomp.find("omp_set_num_threads").orElseThrow(),
                            FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
                } catch (RuntimeException unavailable) {
                    get = null;
                    set = null;
                }
            }
            GET_MAX_THREADS = get;
            SET_NUM_THREADS = set;
        }

        private OpenMp() {}

        static boolean available() { return GET_MAX_THREADS != null; }

        /** The calling thread's OpenMP team size. */
        static int maxThreads() {
            try {
                return (int) GET_MAX_THREADS.invokeExact();
            } catch (Throwable error) {
                throw new IllegalStateException("omp_get_max_threads failed", error);
            }
        }

        /** Sets the calling thread's OpenMP team size; returns the previous one. */
        static int setThreads(int threads) {
            int previous = maxThreads();
            if (previous == threads) return previous;
            try {
                SET_NUM_THREADS.invokeExact(threads);
            } catch (Throwable error) {
                throw new IllegalStateException("omp_set_num_threads failed", error);
            }
            return previous;
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
