package org.diffusion4j.djl.tensor;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Set;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.api.tensor.TensorScope;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TensorScope} of a {@link DjlTensorFactory}: the release actions of the tensors made in it.
 * It holds no reference to the tensors themselves, so a tensor that becomes unreachable early can still
 * be freed by the collector; {@link #close()} frees the rest.
 */
final class DjlScope implements TensorScope {

    private final DjlTensorFactory factory;
    /** The thread's open scopes when this one was opened: {@link #keep} moves to the innermost still open. */
    private final ArrayDeque<DjlScope> stack;

    private final Thread owner = Thread.currentThread();
    private final Set<Cleaner.Cleanable> members = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    DjlScope(DjlTensorFactory factory, ArrayDeque<DjlScope> stack) {
        this.factory = factory;
        this.stack = stack;
    }

    void add(Cleaner.Cleanable c) {
        members.add(c);
    }

    @Override
    public <T extends Tensor> T keep(T t) {
        checkThread("keep");
        if (closed) {
            throw new IllegalStateException("keep: the scope is closed; keep a tensor before closing its scope");
        }
        if (t instanceof DjlTensor d && d.factory() == factory && members.remove(d.cleanable())) {
            DjlScope outer = enclosing();
            if (outer != null) {
                outer.add(d.cleanable());
            }
        }
        return t;
    }

    /** The innermost open scope of the thread below this one, or null (the factory's root). */
    private @Nullable DjlScope enclosing() {
        DjlScope below = null;
        for (Iterator<DjlScope> it = stack.iterator(); it.hasNext(); ) {
            DjlScope s = it.next();
            if (s == this) {
                return below;
            }
            below = s;
        }
        return below;
    }

    /** Number of tensors of this scope not yet freed or kept; for tests and benchmarks. */
    int size() {
        return members.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        checkThread("close");
        closed = true;
        for (Cleaner.Cleanable c : members) {
            c.clean();
        }
        members.clear();
        factory.closed(this);
    }

    private void checkThread(String op) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException(op + ": a tensor scope belongs to the thread that opened it ("
                    + owner.getName() + "), not " + Thread.currentThread().getName());
        }
    }

    @Override
    public String toString() {
        return "DjlScope[" + members.size() + " tensors" + (closed ? ", closed" : "") + "]";
    }
}
