package org.diffusion4j.onnx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.diffusion4j.onnx.ModelSignature.Port;
import org.diffusion4j.onnx.OnnxModelOptions.ConditionKind;
import org.diffusion4j.onnx.OnnxModelOptions.TimestepShape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which model input takes what, resolved once at load time from the options and the model's metadata,
 * so that a model that does not fit fails at load with a message listing what it has.
 *
 * @param sample        the input of x_t
 * @param timestep      the input of the model time
 * @param timestepShape how the timestep is shaped (never {@link TimestepShape#AUTO})
 * @param condition     the input of the condition, if any
 * @param conditionKind what the condition input takes (never {@link ConditionKind#AUTO})
 * @param output        the output to read
 * @param fixedBatch    the batch size the model was exported with, if fixed
 * @param options       the options it was resolved from
 */
record ModelBinding(
        Port sample,
        Port timestep,
        TimestepShape timestepShape,
        Optional<Port> condition,
        ConditionKind conditionKind,
        Port output,
        OptionalInt fixedBatch,
        OnnxModelOptions options) {

    private static final Logger LOG = LoggerFactory.getLogger(ModelBinding.class);

    /** The diffusers export names of the condition input, in order of preference. */
    static final List<String> CONDITION_NAMES = List.of("encoder_hidden_states", "class_labels");

    /** What the model is loaded as. */
    enum Role {
        PREDICTOR("noise predictor"),
        CLASSIFIER("classifier gradient");

        final String label;

        Role(String label) {
            this.label = label;
        }
    }

    /** The element type of the timestep input. */
    OnnxElementType timestepType() {
        return timestep.type().orElseThrow();
    }

    /** Resolves the binding, or fails with a message naming the file, the problem and the model's signature. */
    static ModelBinding resolve(Path file, ModelSignature sig, OnnxModelOptions o, Role role) {
        Fail fail = new Fail(file, sig, role);

        // the sample x_t
        Port sample = port(fail, sig, o.sampleInput(), "sample", "sampleInput");
        if (sample.type().isEmpty() || !sample.type().get().isFloatingPoint()) {
            throw fail.at("input '" + sample.name() + "' takes " + sample.typeName()
                    + ", but the sample x_t needs a floating-point input (float32, float16, bfloat16 or float64)");
        }
        if (sample.rank() < 1) {
            throw fail.at("input '" + sample.name() + "' is a scalar; the sample x_t needs a batch axis [B, ...]");
        }
        OptionalInt fixedBatch =
                sample.fixed(0) ? OptionalInt.of(Math.toIntExact(sample.shape()[0])) : OptionalInt.empty();
        if (fixedBatch.isPresent() && fixedBatch.getAsInt() < 1) {
            throw fail.at("input '" + sample.name() + "' has a batch axis of size 0");
        }

        // the timestep
        Port timestep = port(fail, sig, o.timestepInput(), "timestep", "timestepInput");
        if (timestep.type().isEmpty()) {
            throw fail.at("input '" + timestep.name() + "' takes " + timestep.typeName()
                    + "; the timestep needs int64, int32, float32, float64, float16 or bfloat16");
        }
        TimestepShape shape = timestepShape(fail, timestep, o.timestepShape(), fixedBatch);
        if (o.timestepType().isPresent()
                && o.timestepType().get() != timestep.type().get()) {
            LOG.warn(
                    "{}: model option timestepType {}, but input '{}' is declared {}; feeding {}",
                    file,
                    o.timestepType().get(),
                    timestep.name(),
                    timestep.type().get(),
                    timestep.type().get());
        }

        // the output
        Port output = output(fail, sig, o.output(), role);
        if (output.type().isEmpty() || !output.type().get().isFloatingPoint()) {
            throw fail.at(
                    "output '" + output.name() + "' is " + output.typeName() + "; a floating-point output is needed");
        }
        if (output.rank() != sample.rank()) {
            if (role == Role.CLASSIFIER) {
                throw fail.at("output '" + output.name() + "' has rank " + output.rank() + " while the sample input '"
                        + sample.name() + "' has rank " + sample.rank() + ": this looks like a classifier that returns"
                        + " logits. ONNX Runtime has no autograd, so the onnx backend cannot differentiate it."
                        + " Export a model whose output IS the gradient ∇_x log p(y | x_t), with the shape of the sample"
                        + " (for example with torch.autograd.grad inside the exported forward), or load the logits"
                        + " classifier with a backend that has the GRADIENTS capability (djl)");
            }
            throw fail.at("output '" + output.name() + "' has rank " + output.rank() + " but the sample input '"
                    + sample.name() + "' has rank " + sample.rank() + "; the " + role.label
                    + " output must have the shape of the sample (choose it with model option 'output')");
        }
        for (int i = 0; i < sample.rank(); i++) {
            if (sample.fixed(i) && output.fixed(i) && sample.shape()[i] != output.shape()[i]) {
                throw fail.at("output '" + output.name() + "' dimension " + i + " is " + output.shape()[i]
                        + " but the sample input '" + sample.name() + "' has " + sample.shape()[i]
                        + "; the output must have the shape of the sample");
            }
        }

        // the condition
        Optional<Port> condition = Optional.empty();
        ConditionKind kind = ConditionKind.NONE;
        if (o.conditionKind() != ConditionKind.NONE) {
            if (o.conditionInput().isPresent()) {
                condition = Optional.of(port(fail, sig, o.conditionInput(), "", "conditionInput"));
            } else {
                condition = CONDITION_NAMES.stream()
                        .map(sig::input)
                        .flatMap(Optional::stream)
                        .findFirst();
                if (condition.isEmpty() && o.conditionKind() != ConditionKind.AUTO) {
                    throw fail.at(
                            "conditionKind is '" + o.conditionKind().name().toLowerCase(java.util.Locale.ROOT)
                                    + "' but the model has none of the inputs " + CONDITION_NAMES
                                    + "; set model option 'conditionInput'");
                }
            }
            if (condition.isPresent()) {
                kind = conditionKind(fail, condition.get(), o.conditionKind());
            }
        }
        if (role == Role.CLASSIFIER && kind != ConditionKind.LABEL) {
            throw fail.at("a classifier for guidance takes the class labels y as an integer input, but "
                    + (condition.isEmpty()
                            ? "the model has no condition input"
                            : "input '" + condition.get().name() + "' takes "
                                    + kind.name().toLowerCase(java.util.Locale.ROOT))
                    + "; name the label input with model option 'conditionInput'");
        }
        for (Port c : condition.stream().toList()) {
            checkBatch(fail, c, fixedBatch, "condition");
            if (c.name().equals(sample.name()) || c.name().equals(timestep.name())) {
                throw fail.at("input '" + c.name() + "' is mapped twice; the condition needs an input of its own");
            }
        }
        if (sample.name().equals(timestep.name())) {
            throw fail.at("input '" + sample.name() + "' is mapped as both the sample and the timestep");
        }

        // nothing else may be required
        List<String> mapped = new ArrayList<>(List.of(sample.name(), timestep.name()));
        condition.ifPresent(c -> mapped.add(c.name()));
        List<String> extra = sig.inputs().stream()
                .map(Port::name)
                .filter(n -> !mapped.contains(n))
                .toList();
        if (!extra.isEmpty()) {
            throw fail.at(
                    "the model has input" + (extra.size() > 1 ? "s " : " ") + extra + " that the backend would not"
                            + " feed (it feeds '" + String.join("', '", mapped) + "')"
                            + "; map them with the model options sampleInput, timestepInput and conditionInput");
        }
        return new ModelBinding(sample, timestep, shape, condition, kind, output, fixedBatch, o);
    }

    private static Port port(Fail fail, ModelSignature sig, Optional<String> configured, String dflt, String key) {
        String name = configured.orElse(dflt);
        return sig.input(name)
                .orElseThrow(() -> configured.isPresent()
                        ? fail.at(
                                "model option '" + key + "' names input '" + name + "', which the model does not have")
                        : fail.at("the model has no input '" + name
                                + "' (the diffusers export name); name its input with model" + " option '" + key
                                + "'"));
    }

    private static Port output(Fail fail, ModelSignature sig, Optional<String> configured, Role role) {
        if (configured.isPresent()) {
            return sig.output(configured.get())
                    .orElseThrow(() -> fail.at("model option 'output' names output '" + configured.get()
                            + "', which the model does not have"));
        }
        if (role == Role.PREDICTOR) {
            Optional<Port> p = sig.output("out_sample");
            if (p.isPresent()) {
                return p.get();
            }
        }
        if (sig.outputs().size() == 1) {
            return sig.outputs().get(0);
        }
        throw fail.at("the model has " + sig.outputs().size() + " outputs"
                + (role == Role.PREDICTOR ? " and none named 'out_sample'" : "")
                + "; choose one with model option 'output'");
    }

    private static TimestepShape timestepShape(Fail fail, Port t, TimestepShape wanted, OptionalInt fixedBatch) {
        if (t.rank() > 1) {
            throw fail.at(
                    "input '" + t.name() + "' has rank " + t.rank() + "; a timestep is a scalar [] or a vector [B]");
        }
        TimestepShape s = wanted;
        if (s == TimestepShape.AUTO) {
            if (t.rank() == 0) {
                s = TimestepShape.SCALAR;
            } else {
                boolean one = t.fixed(0) && t.shape()[0] == 1;
                s = one && !(fixedBatch.isPresent() && fixedBatch.getAsInt() == 1)
                        ? TimestepShape.SINGLE
                        : TimestepShape.BATCH;
            }
        }
        if (s == TimestepShape.SCALAR && t.rank() != 0) {
            throw fail.at("timestepShape 'scalar' but input '" + t.name() + "' has rank 1; use 'batch' or 'single'");
        }
        if (s != TimestepShape.SCALAR && t.rank() != 1) {
            throw fail.at("timestepShape '" + s.name().toLowerCase(java.util.Locale.ROOT) + "' but input '" + t.name()
                    + "' is a scalar; use 'scalar'");
        }
        if (s == TimestepShape.SINGLE && t.fixed(0) && t.shape()[0] != 1) {
            throw fail.at("timestepShape 'single' but input '" + t.name() + "' has " + t.shape()[0] + " elements");
        }
        if (s == TimestepShape.BATCH) {
            checkBatch(fail, t, fixedBatch, "timestep");
        }
        return s;
    }

    private static void checkBatch(Fail fail, Port p, OptionalInt fixedBatch, String what) {
        if (p.rank() < 1 || !p.fixed(0)) {
            return;
        }
        long b = p.shape()[0];
        if (fixedBatch.isEmpty() || fixedBatch.getAsInt() != b) {
            throw fail.at(
                    "the " + what + " input '" + p.name() + "' has a fixed batch of " + b + " but the sample input"
                            + (fixedBatch.isEmpty() ? "'s batch is dynamic" : " has " + fixedBatch.getAsInt()));
        }
    }

    private static ConditionKind conditionKind(Fail fail, Port c, ConditionKind wanted) {
        OnnxElementType type = c.type()
                .orElseThrow(() -> fail.at("condition input '" + c.name() + "' takes " + c.typeName()
                        + "; labels need int64/int32, embeddings a float type"));
        ConditionKind k = wanted;
        if (k == ConditionKind.AUTO) {
            if (!type.isFloatingPoint()) {
                k = ConditionKind.LABEL;
            } else if (c.rank() == 3) {
                k = ConditionKind.EMBEDDING;
            } else {
                throw fail.at("condition input '" + c.name() + "' takes " + c.describe()
                        + ", which is neither class labels" + " (int64 [B]) nor an embedding (float [B, L, D])");
            }
        }
        if (k == ConditionKind.LABEL && (type.isFloatingPoint() || c.rank() != 1)) {
            throw fail.at("conditionKind 'label' needs an int64 or int32 input of shape [B], but the model declares "
                    + c.describe());
        }
        if (k == ConditionKind.EMBEDDING && (!type.isFloatingPoint() || c.rank() != 3)) {
            throw fail.at("conditionKind 'embedding' needs a float input of shape [B, L, D], but the model declares "
                    + c.describe());
        }
        return k;
    }

    /** Builds load-time errors that name the file and list the model's inputs and outputs. */
    private record Fail(Path file, ModelSignature sig, Role role) {
        OnnxModelException at(String problem) {
            return new OnnxModelException("cannot use " + file + " as a " + role.label + ": " + problem
                    + ". The model has " + sig.describe());
        }
    }
}
