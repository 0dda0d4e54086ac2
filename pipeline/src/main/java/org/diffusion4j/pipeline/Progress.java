package org.diffusion4j.pipeline;

/**
 * Where a run is: after step {@code step} of {@code steps} of batch {@code batch} of {@code batches} of
 * variant (sweep value) {@code variant} of {@code variants}. Counts are 1-based for display.
 */
public record Progress(int variant, int variants, int batch, int batches, int step, int steps) {

    /** The fraction of the whole run done, in [0, 1], assuming equal work per batch. */
    public double fraction() {
        double perVariant = ((batch - 1) + (double) step / steps) / batches;
        return ((variant - 1) + perVariant) / variants;
    }

    /** True after the last step of a batch. */
    public boolean batchDone() {
        return step == steps;
    }
}
