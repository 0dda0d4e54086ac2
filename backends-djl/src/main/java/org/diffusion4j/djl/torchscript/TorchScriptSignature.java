package org.diffusion4j.djl.torchscript;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The {@code forward} signature of a TorchScript archive, read from the Python-like source that
 * {@code torch.jit.save} stores in it ({@code <archive>/code/__torch__...py}), without loading the
 * model: the root class is the first {@code __torch__} global of {@code data.pkl}.
 *
 * @param className the root module class, for example {@code TinyUNet}
 * @param argNames  forward's parameters after {@code self}, in order
 * @param argTypes  their TorchScript types, for example {@code Tensor}
 * @param returns   the return type
 */
record TorchScriptSignature(String className, List<String> argNames, List<String> argTypes, String returns) {

    private static final Pattern GLOBAL = Pattern.compile("c(__torch__(?:\\.[\\w.]+)?)\\n(\\w+)\\n");

    public TorchScriptSignature {
        argNames = List.copyOf(argNames);
        argTypes = List.copyOf(argTypes);
    }

    /** {@code forward(a: T, b: U) -> R}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(className).append(".forward(");
        for (int i = 0; i < argNames.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(argNames.get(i)).append(": ").append(argTypes.get(i));
        }
        return sb.append(") -> ").append(returns).toString();
    }

    /** The signature of the archive at {@code file}, or empty when it cannot be read. */
    public static Optional<TorchScriptSignature> read(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String root = null;
            List<ZipEntry> entries = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry z = e.nextElement();
                entries.add(z);
                if (z.getName().endsWith("/data.pkl")
                        && z.getName().indexOf('/') == z.getName().lastIndexOf('/')) {
                    root = z.getName().substring(0, z.getName().indexOf('/'));
                }
            }
            if (root == null) {
                return Optional.empty();
            }
            String pkl = text(zip, zip.getEntry(root + "/data.pkl"));
            Matcher g = GLOBAL.matcher(pkl);
            if (!g.find()) {
                return Optional.empty();
            }
            String module = g.group(1);
            String cls = g.group(2);
            ZipEntry code = zip.getEntry(root + "/code/" + module.replace('.', '/') + ".py");
            if (code == null) {
                return Optional.empty();
            }
            return parse(text(zip, code), cls);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Parses {@code def forward(self, ...)} of class {@code cls} in TorchScript source. */
    static Optional<TorchScriptSignature> parse(String source, String cls) {
        int c = source.indexOf("class " + cls + "(");
        if (c < 0) {
            return Optional.empty();
        }
        int f = source.indexOf("def forward(", c);
        if (f < 0) {
            return Optional.empty();
        }
        int open = f + "def forward(".length();
        int depth = 1;
        int i = open;
        while (i < source.length() && depth > 0) {
            char ch = source.charAt(i);
            if (ch == '(' || ch == '[') {
                depth++;
            } else if (ch == ')' || ch == ']') {
                depth--;
            }
            i++;
        }
        String params = source.substring(open, i - 1);
        int arrow = source.indexOf("->", i);
        int colon = source.indexOf(":\n", i);
        String ret =
                arrow >= 0 && colon > arrow ? source.substring(arrow + 2, colon).trim() : "?";
        List<String> names = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (String p : splitTopLevel(params)) {
            String s = p.trim();
            if (s.isEmpty()) {
                continue;
            }
            int k = s.indexOf(':');
            String name = (k < 0 ? s : s.substring(0, k)).trim();
            String type = k < 0 ? "?" : s.substring(k + 1).trim();
            int eq = type.indexOf('=');
            if (eq >= 0) {
                type = type.substring(0, eq).trim();
            }
            names.add(name);
            types.add(type);
        }
        if (!names.isEmpty() && names.get(0).equals("self")) {
            names.remove(0);
            types.remove(0);
        }
        return Optional.of(new TorchScriptSignature(cls, names, types, ret));
    }

    private static List<String> splitTopLevel(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '[' || ch == '(') {
                depth++;
            } else if (ch == ']' || ch == ')') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    private static String text(ZipFile zip, ZipEntry e) throws IOException {
        try (InputStream in = zip.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
