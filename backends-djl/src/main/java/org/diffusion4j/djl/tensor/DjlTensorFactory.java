package org.diffusion4j.djl.tensor;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.lang.ref.Cleaner;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.api.tensor.TensorFactory;
import org.diffusion4j.djl.DjlRuntime;

/**
 * Makes {@link DjlTensor}s on one device and owns their native memory.
 *
 * <h2>Memory</h2>
 * Samplers treat tensors as immutable values and never free them, so each {@link DjlTensor} frees
 * its {@code NDArray} itself once it is unreachable (a {@link Cleaner} action that holds the array but
 * not the tensor). The garbage collector does not see native memory, so the factory counts the bytes
 * of live tensors and asks for a collection (at most every {@value #MIN_GC_INTERVAL_MS} ms) whenever
 * they grow by more than the configured threshold since the last one: a 10 000-step sampling loop
 * then holds native memory flat. Code that wants memory back at once can {@link DjlTensor#close()} a
 * tensor. Intermediate arrays inside predictors and training steps never become tensors: they live in
 * per-call scopes ({@code NDManager} sub-managers and {@link NDScope}) closed when the call returns.
 *
 * <p>Thread-safe. {@link #close()} frees every tensor of the factory at once.
 */
public final class DjlTensorFactory implements TensorFactory, AutoCloseable {

    /** Minimum time between two collections requested for native memory pressure. */
    public static final long MIN_GC_INTERVAL_MS = 50;

    static final Cleaner CLEANER = Cleaner.create();

    private final NDManager manager;
    private final Device device;
    private final String name;
    private final long gcThresholdBytes;
    private final AtomicLong liveTensors = new AtomicLong();
    private final AtomicLong liveBytes = new AtomicLong();
    private final AtomicLong bytesAtLastGc = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();
    private volatile long lastGcNanos;

    private DjlTensorFactory(Device device, long gcThresholdBytes) {
        this.manager = DjlRuntime.engine().newBaseManager(device);
        this.manager.setName("diffusion4j-tensors");
        this.device = device;
        this.name = "djl:" + DjlRuntime.name(device);
        if (gcThresholdBytes <= 0) {
            throw new IllegalArgumentException("gcThresholdBytes must be positive, got " + gcThresholdBytes);
        }
        this.gcThresholdBytes = gcThresholdBytes;
    }

    /** A factory on the CPU with a 256 MiB collection threshold. */
    public static DjlTensorFactory cpu() {
        return new DjlTensorFactory(Device.cpu(), 256L << 20);
    }

    /**
     * A factory on {@code device}.
     *
     * @param gcThresholdBytes growth of live tensor memory after which a collection is requested
     */
    public static DjlTensorFactory on(Device device, long gcThresholdBytes) {
        return new DjlTensorFactory(device, gcThresholdBytes);
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
            throw new IllegalArgumentException("data has " + data.length + " elements but shape " + shape
                    + " needs " + shape.size());
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
                throw new IllegalArgumentException("concat: shapes " + parts.get(0).shape() + " and " + t.shape()
                        + " differ outside the batch axis");
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

    /** How many collections the factory requested for native memory pressure. */
    public long requestedCollections() {
        return collections.get();
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

    Cleaner.Cleanable register(DjlTensor t, NDArray array) {
        long bytes = array.size() * 4L;
        liveTensors.incrementAndGet();
        long now = liveBytes.addAndGet(bytes);
        if (now - bytesAtLastGc.get() > gcThresholdBytes) {
            long nanos = System.nanoTime();
            if (nanos - lastGcNanos > MIN_GC_INTERVAL_MS * 1_000_000L) {
                lastGcNanos = nanos;
                collections.incrementAndGet();
                System.gc();
                bytesAtLastGc.set(liveBytes.get());
            }
        }
        return CLEANER.register(t, new Release(array, bytes, liveTensors, liveBytes, bytesAtLastGc));
    }

    /** Frees one tensor's array; holds no reference to the tensor. */
    private record Release(NDArray array, long bytes, AtomicLong liveTensors, AtomicLong liveBytes,
                           AtomicLong bytesAtLastGc) implements Runnable {
        @Override
        public void run() {
            array.close();
            liveTensors.decrementAndGet();
            liveBytes.addAndGet(-bytes);
            bytesAtLastGc.accumulateAndGet(liveBytes.get(), Math::min);
        }
    }
}
