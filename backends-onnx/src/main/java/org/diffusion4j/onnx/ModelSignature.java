package org.diffusion4j.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The inputs and outputs of a loaded model with their element types and shapes, as the model's
 * metadata declares them. A dynamic dimension is −1 and may carry a symbolic name.
 *
 * @param inputs  the model's inputs in declaration order
 * @param outputs the model's outputs in declaration order
 */
record ModelSignature(List<Port> inputs, List<Port> outputs) {

    ModelSignature {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /**
     * One input or output.
     *
     * @param name     its name
     * @param type     its element type, when it is a tensor of a supported type
     * @param typeName the element type as ONNX Runtime names it, for messages
     * @param shape    its dimensions, −1 where dynamic; empty for a scalar
     * @param dimNames the symbolic name of each dimension ({@code ""} where none)
     */
    record Port(String name, Optional<OnnxElementType> type, String typeName, long[] shape, String[] dimNames) {

        Port {
            shape = shape.clone();
            dimNames = dimNames.clone();
        }

        int rank() {
            return shape.length;
        }

        /** Dimension {@code i} if fixed. */
        boolean fixed(int i) {
            return shape[i] >= 0;
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** For example {@code sample: float32[batch, 1, 8, 8]}. */
        String describe() {
            StringBuilder sb =
                    new StringBuilder(name).append(": ").append(typeName).append('[');
            for (int i = 0; i < shape.length; i++) {
                sb.append(i == 0 ? "" : ", ");
                if (shape[i] >= 0) {
                    sb.append(shape[i]);
                } else {
                    sb.append(dimNames[i].isEmpty() ? "?" : dimNames[i]);
                }
            }
            return sb.append(']').toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Port p
                    && name.equals(p.name)
                    && typeName.equals(p.typeName)
                    && Arrays.equals(shape, p.shape);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /** Reads the signature of an open session. */
    static ModelSignature of(OrtSession session) throws OrtException {
        return new ModelSignature(ports(session.getInputInfo()), ports(session.getOutputInfo()));
    }

    private static List<Port> ports(Map<String, NodeInfo> infos) {
        List<Port> ports = new ArrayList<>();
        for (NodeInfo n : infos.values()) {
            ValueInfo v = n.getInfo();
            if (v instanceof TensorInfo t) {
                String[] names = t.getDimensionNames();
                long[] shape = t.getShape();
                String[] dims = new String[shape.length];
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = names != null && i < names.length && names[i] != null ? names[i] : "";
                }
                Optional<OnnxElementType> type = OnnxElementType.of(t.type);
                ports.add(new Port(
                        n.getName(),
                        type,
                        type.map(OnnxElementType::label)
                                .orElse(t.onnxType
                                        .name()
                                        .replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "")
                                        .toLowerCase(java.util.Locale.ROOT)),
                        shape,
                        dims));
            } else {
                ports.add(new Port(
                        n.getName(),
                        Optional.empty(),
                        v.getClass().getSimpleName().replace("Info", "").toLowerCase(java.util.Locale.ROOT),
                        new long[0],
                        new String[0]));
            }
        }
        return ports;
    }

    Optional<Port> input(String name) {
        return inputs.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    Optional<Port> output(String name) {
        return outputs.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** For messages: {@code inputs (sample: float32[batch, 1, 8, 8], ...); outputs (out_sample: ...)}. */
    String describe() {
        return "inputs (" + inputs.stream().map(Port::describe).collect(Collectors.joining(", ")) + "); outputs ("
                + outputs.stream().map(Port::describe).collect(Collectors.joining(", ")) + ")";
    }
}
