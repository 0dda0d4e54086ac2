package org.diffusion4j.examples.mixture;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MixtureDemoTest {

    @Test
    void guidanceRaisesClassAccuracyAndShrinksTheSpread() {
        var mix = MixtureDemo.mixture();
        MixtureDemo.ScaleResult none = MixtureDemo.run(mix, 0, 200, 1);
        MixtureDemo.ScaleResult cond = MixtureDemo.run(mix, 1, 200, 1);
        MixtureDemo.ScaleResult strong = MixtureDemo.run(mix, 5, 200, 1);
        // γ = 0 ignores the label: accuracy near the class prior; γ = 1 is the conditional model
        assertThat(none.meanAccuracy()).isLessThan(0.5);
        assertThat(cond.meanAccuracy()).isBetween(0.8, 0.97);
        assertThat(strong.meanAccuracy()).isGreaterThan(0.99);
        for (int k = 0; k < 3; k++) {
            assertThat(strong.spread()[k]).isLessThan(cond.spread()[k]);
        }
    }

    @Test
    void writesOnePngPerScaleAndASummary(@TempDir Path dir) throws Exception {
        List<String> files = MixtureDemo.runAll(dir, 30, new double[] {0, 2.5});
        assertThat(files).hasSize(3);
        BufferedImage img = ImageIO.read(dir.resolve("mixture-cfg-2.5.png").toFile());
        assertThat(img.getWidth()).isEqualTo(640);
        assertThat(Files.readString(dir.resolve("summary.txt"))).contains("2.5").contains("mean accuracy");
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }
}
