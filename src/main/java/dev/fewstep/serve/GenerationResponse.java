package dev.fewstep.serve;

import dev.fewstep.generate.Budget;
import dev.fewstep.generate.GenerateRequest;
import dev.fewstep.generate.Generation;
import dev.fewstep.generate.ImageParameters;
import dev.fewstep.generate.Images;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The JSON answer to a generation: the images as base64 PNGs and what they cost. Sampler, steps and cfg are null
 * when the model does not read them (a distilled student).
 *
 * @param seconds time spent generating, without waiting in the queue
 * @param queueSeconds time spent waiting for a worker
 * @param width width of each PNG in pixels, after upscaling
 */
public record GenerationResponse(String model, String kind, String prompt, String sampler, Integer steps, Double cfg,
        long seed, int n, int nfe, double seconds, double queueSeconds, int width, int height, List<Image> images) {

    /** One image and the seed its noise came from (the request's seed plus its index). */
    public record Image(long seed, String png) {}

    public static GenerationResponse of(GenerationJob job, Generation.Result result, int scale) {
        GenerateRequest request = job.request();
        Set<Budget.Setting> reads = job.model().generator().reads();
        List<Image> images = new ArrayList<>();
        Base64.Encoder base64 = Base64.getEncoder();
        for (int i = 0; i < result.count(); i++) {
            images.add(new Image(request.seed() + i, base64.encodeToString(png(job, result, i, scale))));
        }
        int side = result.size() * scale;
        return new GenerationResponse(job.model().name(), job.model().kind().role(), request.prompt().strip(),
                reads.contains(Budget.Setting.SAMPLER) ? request.sampler() : null,
                reads.contains(Budget.Setting.STEPS) ? request.steps() : null,
                reads.contains(Budget.Setting.CFG) ? request.cfg() : null,
                request.seed(), result.count(), result.nfe(), result.seconds(), job.queueSeconds(), side, side, images);
    }

    /**
     * Image {@code index} of a result as PNG bytes, upscaled by an integer factor, carrying how it was made: the
     * request's settings with this image's own seed, so that {@code generate --from} makes exactly this image.
     */
    public static byte[] png(GenerationJob job, Generation.Result result, int index, int scale) {
        int length = result.channels() * result.size() * result.size();
        float[] pixels = Arrays.copyOfRange(result.pixels(), index * length, (index + 1) * length);
        BufferedImage image = Images.grid(pixels, 1, result.channels(), result.size());
        GenerateRequest request = job.request();
        ImageParameters parameters = new ImageParameters(List.of(request.prompt().strip()), request.negative(), job.model().name(),
                job.model().hash(), request.sampler(), request.steps(), request.cfg(), request.seed() + index, result.nfe(),
                1, scale);
        return Images.png(scale == 1 ? image : Images.upscale(image, scale), parameters);
    }
}
