package org.diffusion4j.evaluation;

/** The metrics an evaluation reports, with their JSON names. */
public enum Metric {
    /** Fraction of samples the classifier assigns to their label (higher: more clearly of their class). */
    ACCURACY("accuracy", "class accuracy"),
    /** Squared Fréchet distance between the Gaussian fits of the features (lower: closer to the reference). */
    FRECHET_DISTANCE("frechetDistance", "Fréchet distance"),
    /** Fraction of samples inside the reference's k-NN feature manifold (realism). */
    PRECISION("precision", "precision"),
    /** Fraction of reference images inside the samples' k-NN feature manifold (diversity). */
    RECALL("recall", "recall");

    private final String jsonName;
    private final String title;

    Metric(String jsonName, String title) {
        this.jsonName = jsonName;
        this.title = title;
    }

    /** The name in JSON reports and plot file names. */
    public String jsonName() {
        return jsonName;
    }

    /** A title for plots. */
    public String title() {
        return title;
    }
}
