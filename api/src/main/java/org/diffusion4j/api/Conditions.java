package org.diffusion4j.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import org.apiguardian.api.API;

/** An immutable batch of {@link Condition}s, one per sample. */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class Conditions {
    private final List<Condition> items;

    private Conditions(List<Condition> items) {
        this.items = items;
    }

    /** A batch from a list (copied). */
    public static Conditions of(List<Condition> items) {
        return new Conditions(List.copyOf(items));
    }

    /** A batch from the given conditions. */
    public static Conditions of(Condition... items) {
        return new Conditions(List.of(items));
    }

    /** One class label per sample. */
    public static Conditions labels(int... labels) {
        List<Condition> l = new ArrayList<>(labels.length);
        for (int k : labels) {
            l.add(Condition.label(k));
        }
        return new Conditions(Collections.unmodifiableList(l));
    }

    /** {@code n} null conditions. */
    public static Conditions unconditional(int n) {
        return new Conditions(Collections.nCopies(n, Condition.none()));
    }

    /** {@code n} copies of one condition. */
    public static Conditions repeat(Condition c, int n) {
        return new Conditions(Collections.nCopies(n, c));
    }

    public int size() {
        return items.size();
    }

    /** Condition of sample {@code i}. */
    public Condition get(int i) {
        return items.get(i);
    }

    public List<Condition> asList() {
        return items;
    }

    /** This batch followed by {@code other}. */
    public Conditions concat(Conditions other) {
        List<Condition> l = new ArrayList<>(items);
        l.addAll(other.items);
        return new Conditions(Collections.unmodifiableList(l));
    }

    /** Samples {@code [from, to)}. */
    public Conditions slice(int from, int to) {
        return new Conditions(List.copyOf(items.subList(from, to)));
    }

    /** True when every condition is the null condition. */
    public boolean allUnconditional() {
        return items.stream().allMatch(Condition::isUnconditional);
    }

    /** True when some condition is the null condition. */
    public boolean anyUnconditional() {
        return items.stream().anyMatch(Condition::isUnconditional);
    }

    /**
     * The labels as an array, with the null condition mapped to {@code nullLabel} (models trained for
     * CFG usually reserve the class index {@code numClasses} for it). Fails on embedding conditions.
     */
    public int[] labelArray(int nullLabel) {
        int[] out = new int[items.size()];
        for (int i = 0; i < out.length; i++) {
            Condition c = items.get(i);
            if (c instanceof Condition.Label l) {
                out[i] = l.value();
            } else if (c.isUnconditional()) {
                out[i] = nullLabel;
            } else {
                throw new IllegalArgumentException("condition " + i + " is an embedding; a class label was expected");
            }
        }
        return out;
    }

    /** The largest class label in the batch, if any. */
    public OptionalInt maxLabel() {
        return items.stream()
                .filter(c -> c instanceof Condition.Label)
                .mapToInt(c -> ((Condition.Label) c).value())
                .max();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Conditions c && items.equals(c.items);
    }

    @Override
    public int hashCode() {
        return items.hashCode();
    }

    @Override
    public String toString() {
        return items.toString();
    }
}
