package dev.fewstep.finetune;

import ai.djl.nn.Block;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.UNet;
import java.util.List;
import java.util.Map;

/**
 * The baseline LoRA is measured against: every weight of the teacher fine-tuned with the same loss, steps and seeds.
 * Ships a normal teacher model (the weight average), which names the base it came from.
 */
public final class FullFinetuning extends Finetuning {
    private final UNet network;
    private final UNet average;
    private final EdmDenoiser denoiser;

    public FullFinetuning(FinetuneConfig config, ImageDataset data, DiffusionModel base) {
        super(config, data, base);
        network = base.network();
        network.freezeParameters(false);
        average = UNet.create(network.config(), manager);
        Weights.copy(network, average);
        optimise(network, average);
        denoiser = new EdmDenoiser(network);
    }

    @Override
    public String kind() {
        return ModelInfo.TEACHER;
    }

    @Override
    protected Block trained() {
        return network;
    }

    @Override
    protected EdmDenoiser denoiser() {
        return denoiser;
    }

    @Override
    protected EdmDenoiser probed() {
        return new EdmDenoiser(average);
    }

    @Override
    public UNet shipped() {
        return average;
    }

    @Override
    public ModelInfo info(long iteration, double seconds, Map<String, Double> means) {
        Map<String, String> extra = extra(seconds, means);
        extra.put("finetuned_from", base.name());
        return new ModelInfo(ModelInfo.TEACHER, data.name(), network.config(), iteration, data.prompts(), List.of(), extra);
    }
}
