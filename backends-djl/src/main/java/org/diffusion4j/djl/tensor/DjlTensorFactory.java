package org.diffusion4j.djl.tensor;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.api.tensor.TensorFactory;
import org.diffusion4j.api.tensor.TensorScope;
import org.diffusion4j.djl.DjlRuntime;

/**
 * Makes {@link DjlTensor}s on one device and owns their native memory.
 *
 * <h2>Memory</h2>
 * Native memory is freed by scopes, as DJL's {@code NDManager} hierarchy does it, never by asking the
 * JVM for a collection. {@link #openScope()} opens a scope on the calling thread: every tensor the
 * factory makes on that thread while the scope is open belongs to it and is freed when it closes,
 * except the tensors {@link TensorScope#keep kept}, which move to the enclosing scope. A sampling run
 * opens one scope (the pipeline does), a sampler may open one per step inside it (DDIM does), and a
 * training step runs in its own {@code NDManager} sub-manager. Tensors made outside every scope are
 * freed by {@link DjlTensor#close()}, by {@link #close()}, or, as a fallback, when the garbage
 * collector finds them unreachable (a {@link Cleaner} action that holds the array but not the tensor):
 * long loops belong in a scope. Intermediate arrays inside predictors never become tensors: they live
 * in per-call scopes ({@code NDManager} sub-managers and {@link NDScope}) closed when the call returns.
 *
 * <p>Thread-safe; a scope belongs to the thread that opened it. {@link #close()} frees every tensor of
 * the factory at once.
 */
public final class DjlTensorFactory implements TensorFactory, AutoCloseable {

    static final Cleaner CLEANER = Cleaner.create();

    private final NDManager manager;
    private final Device device;
    private final String name;
    private final AtomicLong liveTensors = new AtomicLong();
    private final AtomicLong liveBytes = new AtomicLong();
    /** The open scopes of each thread, innermost last. */
    private final ThreadLocal<ArrayDeque<DjlScope>> scopes = ThreadLocal.withInitial(ArrayDeque::new);

    private DjlTensorFactory(Device device) {
        this.manager = DjlRuntime.engine().newBaseManager(device);
        this.manager.setName("diffusion4j-tensors");
        this.device = device;
        this.name = "djl:" + DjlRuntime.name(device);
    }

    /** A factory on the CPU. */
    public static DjlTensorFactory cpu() {
        return new DjlTensorFactory(Device.cpu());
    }

    /** A factory on {@code device}. */
    public static DjlTensorFactory on(Device device) {
        return new DjlTensorFactory(device);
    }

    /**
     * A factory on {@code device}; the threshold is ignored.
     *
     * @deprecated native memory is freed by scopes, not by collections requested past a threshold: use
     *             {@link #on(Device)}
     */
    @Deprecated
    public static DjlTensorFactory on(Device device, long gcThresholdBytes) {
        return on(device);
    }

    @Override
    public String name() {
        return name;
    }

    /** The device every tensor of this factory lives on. */
    public Device device() {
        return device;
    }

    /** The manager owning the tensors' arrays; arrays attached to it outlive every call scope. */
    public NDManager manager() {
        return manager;
    }

    @Override
    public Tensor of(float[] data, Shape shape) {
        if (data.length != shape.size()) {
            throw new IllegalArgumentException(
                    "data has " + data.length + " elements but shape " + shape + " needs " + shape.size());
        }
        return wrap(manager.create(data, djlShape(shape)));
    }

    @Override
    public Tensor zeros(Shape shape) {
        return wrap(manager.zeros(djlShape(shape), DataType.FLOAT32));
    }

    @Override
    public Tensor full(Shape shape, float value) {
        return wrap(manager.full(djlShape(shape), value, DataType.FLOAT32));
    }

    @Override
    public Tensor concat(List<Tensor> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("concat needs at least one tensor");
        }
        Shape sample = parts.get(0).shape().sampleShape();
        for (Tensor t : parts) {
            if (!t.shape().sampleShape().equals(sample)) {
                throw new IllegalArgumentException("concat: shapes "
                        + parts.get(0).shape() + " and " + t.shape() + " differ outside the batch axis");
            }
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDList list = new NDList(parts.size());
            for (Tensor t : parts) {
                list.add(borrow(t));
            }
            NDArray out = parts.size() == 1 ? list.get(0).duplicate() : NDArrays.concat(list, 0);
            return wrap(out);
        }
    }

    /**
     * Opens a scope on the calling thread, inside the scope already open there (if any): see the
     * class documentation. Scopes are meant to close innermost first; closing an outer scope first is
     * allowed and frees only its own tensors.
     */
    @Override
    public TensorScope openScope() {
        DjlScope s = new DjlScope(this, scopes.get());
        scopes.get().addLast(s);
        return s;
    }

    @Override
    public Tensor adopt(Tensor t) {
        return t instanceof DjlTensor d && d.factory() == this ? t : of(t.toFloatArray(), t.shape());
    }

    /**
     * Takes ownership of {@code array} (float32 on this device; converted and moved otherwise): it is
     * attached to this factory's manager, removed from any open {@link NDScope}, and freed with the
     * returned tensor.
     */
    public DjlTensor wrap(NDArray array) {
        NDArray a = array;
        if (a.getDataType() != DataType.FLOAT32) {
            a = a.toType(DataType.FLOAT32, false);
        }
        if (!a.getDevice().equals(device)) {
            a = a.toDevice(device, false);
        }
        if (a != array) {
            array.close();
        }
        a.attach(manager);
        NDScope.unregister(a);
        return new DjlTensor(a, this);
    }

    /**
     * The array of {@code t} for use within the current call: a DJL tensor of this factory gives its own
     * array (do not close or change it); any other tensor is copied to this device into an array that
     * belongs to the open {@link NDScope} (or to the caller, to close, when none is open).
     */
    public NDArray borrow(Tensor t) {
        if (t instanceof DjlTensor d && d.factory() == this) {
            return d.array();
        }
        return manager.create(t.toFloatArray(), djlShape(t.shape()));
    }

    /** Number of tensors of this factory not yet freed. */
    public long liveTensors() {
        return liveTensors.get();
    }

    /** Bytes held by tensors of this factory not yet freed. */
    public long liveBytes() {
        return liveBytes.get();
    }

    /** Number of arrays the factory's manager holds (tensors, and arrays attached by callers). */
    public int managedArrays() {
        return manager.getManagedArrays().size();
    }

    /** Frees every tensor of this factory; later use of them fails. */
    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return name;
    }

    /** The DJL shape of an SDK shape. */
    public static ai.djl.ndarray.types.Shape djlShape(Shape s) {
        return new ai.djl.ndarray.types.Shape(s.longDims());
    }

    /** The SDK shape of a DJL shape. */
    public static Shape sdkShape(ai.djl.ndarray.types.Shape s) {
        int[] d = new int[s.dimension()];
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.toIntExact(s.get(i));
        }
        return Shape.of(d);
    }

    /** Counts a new tensor, makes its array freed with it, and puts it in the thread's innermost scope. */
    Cleaner.Cleanable register(DjlTensor t, NDArray array) {
        long bytes = array.size() * 4L;
        liveTensors.incrementAndGet();
        liveBytes.addAndGet(bytes);
        Cleaner.Cleanable c = CLEANER.register(t, new Release(array, bytes, liveTensors, liveBytes));
        DjlScope s = scopes.get().peekLast();
        if (s != null) {
            s.add(c);
        }
        return c;
    }

    /** Forgets a closed scope of the calling thread. */
    void closed(DjlScope s) {
        ArrayDeque<DjlScope> open = scopes.get();
        open.removeLastOccurrence(s);
        if (open.isEmpty()) {
            scopes.remove();
        }
    }

    /** Frees one tensor's array; holds no reference to the tensor. */
    private record Release(NDArray array, long bytes, AtomicLong liveTensors, AtomicLong liveBytes)
            implements Runnable {
        @Override
        public void run() {
            array.close();
            liveTensors.decrementAndGet();
            liveBytes.addAndGet(-bytes);
        }
    }
}
