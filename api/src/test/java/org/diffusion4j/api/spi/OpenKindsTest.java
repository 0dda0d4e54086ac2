package org.diffusion4j.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.diffusion4j.api.noise.SdkNoise;
import org.junit.jupiter.api.Test;

/** A kind that a third party declares is indexed, bound and reported as the SDK's kinds are. */
class OpenKindsTest {

    /** A third party's provider interface: a "tokenizer" kind with its own factory method. */
    interface TokenizerProvider<C> extends PluginDescriptor<C> {
        PluginKind<TokenizerProvider<?>> KIND = PluginKind.of("tokenizer", TokenizerProvider.class);

        @Override
        default PluginKind<?> kind() {
            return KIND;
        }

        int vocabulary(C config);
    }

    public record VocabConfig(int size) {
        public VocabConfig {
            if (size < 1) {
                throw new IllegalArgumentException("size must be >= 1, got " + size);
            }
        }
    }

    static final class Bpe implements TokenizerProvider<VocabConfig> {
        private final String id;
        private final List<String> aliases;

        Bpe(String id, String... aliases) {
            this.id = id;
            this.aliases = List.of(aliases);
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public List<String> aliases() {
            return aliases;
        }

        @Override
        public Class<VocabConfig> configType() {
            return VocabConfig.class;
        }

        @Override
        public int vocabulary(VocabConfig config) {
            return config.size();
        }
    }

    @Test
    void aThirdPartyKindIsFoundBoundListedAndReportedLikeTheSdksKinds() {
        PluginRegistry reg = PluginRegistry.of(List.of(new Bpe("byte-pair", "bpe")));
        assertThat(reg.kinds()).containsAll(PluginKind.values()).contains(TokenizerProvider.KIND);
        TokenizerProvider<?> p = reg.provider(TokenizerProvider.KIND, "BPE");
        assertThat(p.id()).isEqualTo("byte-pair");
        ObjectNode json =
                JsonNodeFactory.instance.objectNode().put("type", "bpe").put("size", 300);
        assertThat(vocabulary(p, reg.bind(p, json))).isEqualTo(300);
        assertThatThrownBy(() -> reg.bind(
                        p, JsonNodeFactory.instance.objectNode().put("size", 3).put("sise", 3)))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("at /sise");
        assertThatThrownBy(() -> reg.provider(TokenizerProvider.KIND, "byte-pare"))
                .isInstanceOf(UnknownPluginException.class)
                .hasMessageContaining("no tokenizer named 'byte-pare'; did you mean 'byte-pair'?")
                .hasMessageContaining("Available tokenizers: byte-pair");
        assertThat(reg.describe()).contains("tokenizers:").contains("byte-pair").contains("aliases [bpe]");
        assertThat(reg.providers(PluginKind.SAMPLER)).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static <C> int vocabulary(TokenizerProvider<C> p, Object config) {
        return p.vocabulary((C) config);
    }

    @Test
    void aKindsProviderTypeMustBeADescriptorInterface() {
        assertThatThrownBy(() -> PluginKind.of("thing", String.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PluginDescriptor");
    }

    @Test
    void snakeAndKebabCaseAreOneNameUnlessTwoPluginsClaimThem() {
        PluginRegistry one = PluginRegistry.of(List.of(new Bpe("byte-pair"), new Bpe("word_piece")));
        assertThat(one.provider(TokenizerProvider.KIND, "byte_pair").id()).isEqualTo("byte-pair");
        assertThat(one.provider(TokenizerProvider.KIND, "Word-Piece").id()).isEqualTo("word_piece");
        // two plugins whose names differ only in the separator each keep their exact name; the folded one is no one's
        Bpe a = new Bpe("dpm_2m");
        Bpe b = new Bpe("dpm-2m");
        PluginRegistry two = PluginRegistry.of(List.of(a, b));
        assertThat(two.find(TokenizerProvider.KIND, "dpm_2m")).containsSame(a);
        assertThat(two.find(TokenizerProvider.KIND, "DPM-2M")).containsSame(b);
        // exact names still clash as before
        assertThatThrownBy(() -> PluginRegistry.of(List.of(new Bpe("x"), new Bpe("X"))))
                .isInstanceOf(DuplicatePluginException.class);
    }

    @Test
    void didYouMeanCountsATranspositionAsOneEditAndIgnoresCaseAndSeparators() {
        assertThat(DidYouMean.suggest("ddmi", List.of("ddim", "ddpm"))).contains("ddim");
        assertThat(DidYouMean.suggest("Scaled_Linaer", List.of("scaled-linear", "linear")))
                .contains("scaled-linear");
        assertThat(DidYouMean.suggest("zzzzzz", List.of("ddim"))).isEmpty();
        assertThat(DidYouMean.phrase("lables", List.of("labels"))).isEqualTo("; did you mean 'labels'?");
        // the distance is a metric on these examples: symmetric, zero only for equal strings
        assertThat(DidYouMean.distance("kitten", "sitting"))
                .isEqualTo(3)
                .isEqualTo(DidYouMean.distance("sitting", "kitten"));
        assertThat(DidYouMean.distance("abc", "abc")).isZero();
    }

    @Test
    void streamSeedIsSplitMix64sOutputAtTheSampleIndex() {
        // SplitMix64 from state 0: its first output is mix64(γ) = 0xE220A8397B1DCDAF (Steele, Lea & Flood 2014; the
        // value every SplitMix64 implementation prints first for seed 0)
        assertThat(SdkNoise.streamSeed(0, 0)).isEqualTo(0xE220A8397B1DCDAFL);
        assertThat(SdkNoise.streamSeed(42, 3)).isEqualTo(SdkNoise.mix64(42 + 4 * 0x9E3779B97F4A7C15L));
    }
}
