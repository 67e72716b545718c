package dev.fewstep.train.loop;

import dev.fewstep.generate.Images;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cheap probe that needs no feature network: generates a fixed set of images (the same prompts and seeds at every
 * probe, so successive previews are comparable), reports their pixel mean and spread and their diversity within a
 * prompt (which falls towards 0 if the generator collapses), and writes them as {@code preview.png}.
 */
public final class SampleStatisticsProbe implements Probe {
    public static final String PREVIEW = "preview.png";
    private static final long SEED = 20240406L;

    private final Path previewDir;
    private final int maxImages;

    /** @param previewDir where {@code preview.png} goes, or null for none */
    public SampleStatisticsProbe(Path previewDir, int maxImages) {
        this.previewDir = previewDir;
        this.maxImages = maxImages;
    }

    @Override
    public Map<String, Double> measure(Snapshot student, long iteration) throws IOException {
        List<String> vocabulary = student.prompts();
        int perPrompt = Math.max(2, maxImages / Math.max(1, vocabulary.size()));
        int promptCount = Math.min(vocabulary.size(), Math.max(1, maxImages / perPrompt));
        List<String> prompts = new ArrayList<>();
        for (int p = 0; p < promptCount; p++) {
            for (int k = 0; k < perPrompt; k++) {
                prompts.add(vocabulary.get(p));
            }
        }
        float[] pixels = student.generate(prompts, SEED);
        int length = student.channels() * student.size() * student.size();
        Map<String, Double> values = new LinkedHashMap<>();
        double sum = 0;
        double squares = 0;
        for (float v : pixels) {
            sum += v;
            squares += (double) v * v;
        }
        double mean = sum / pixels.length;
        values.put("pixel_mean", mean);
        values.put("pixel_std", Math.sqrt(Math.max(0, squares / pixels.length - mean * mean)));
        values.put("within_prompt_std", withinPromptStd(pixels, promptCount, perPrompt, length));
        if (previewDir != null) {
            Images.writePng(Images.upscale(Images.grid(pixels, prompts.size(), student.channels(), student.size(), perPrompt), 2),
                    previewDir.resolve(PREVIEW));
        }
        return values;
    }

    /** Per-pixel standard deviation across the images of one prompt, averaged over pixels and prompts. */
    static double withinPromptStd(float[] pixels, int promptCount, int perPrompt, int length) {
        double total = 0;
        for (int p = 0; p < promptCount; p++) {
            for (int j = 0; j < length; j++) {
                double s = 0;
                double s2 = 0;
                for (int k = 0; k < perPrompt; k++) {
                    double v = pixels[(p * perPrompt + k) * length + j];
                    s += v;
                    s2 += v * v;
                }
                double m = s / perPrompt;
                total += Math.sqrt(Math.max(0, s2 / perPrompt - m * m));
            }
        }
        return total / ((double) promptCount * length);
    }
}
