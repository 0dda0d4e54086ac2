/**
 * Sample-quality evaluation: class accuracy under a classifier, the Fréchet distance between Gaussian
 * fits of feature embeddings, and precision/recall of k-NN feature manifolds (Kynkäänniemi et al. 2019,
 * arXiv:1904.06991); reference statistics cached on disk, and reports (JSON and PNG plots) of metrics
 * against a swept parameter.
 *
 * <p>No backend is needed: the classifier and the feature model are interfaces ({@link Classifier},
 * {@link FeatureModel}), so any model that maps images to logits or features can serve.
 *
 * <p><b>Comparability.</b> Fréchet distances and precision/recall are comparable only when computed with
 * the same feature model and the same sample counts: the Fréchet distance of a finite sample is biased
 * upwards by about {@code (tr Σ + …)/n}, so every result records its {@code n}.
 */
@NullMarked
package org.diffusion4j.evaluation;

import org.jspecify.annotations.NullMarked;
