/** Programs run by hand on real data (not tests). */
package org.diffusion4j.evaluation.bench;
