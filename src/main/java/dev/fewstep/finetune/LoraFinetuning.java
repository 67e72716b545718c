package dev.fewstep.finetune;

import ai.djl.nn.Block;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.nn.lora.Adapters;
import dev.fewstep.nn.lora.Lora;
import dev.fewstep.nn.lora.LoraInfo;
import dev.fewstep.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * LoRA fine-tuning (Hu et al. 2021): the base teacher frozen, low-rank adapters on its dense layers and 1×1 (optionally
 * 3×3) convolutions trained with the teacher's loss. Ships {@value Lora#FILE}: the averaged adapters, with the base's
 * name and SHA-256. Probes see the adapters being trained (the average is only shipped).
 */
public final class LoraFinetuning extends Finetuning {
    public static final String KIND = "lora";

    private final Adapters adapters;
    private final Adapters average;
    private final EdmDenoiser denoiser;

    public LoraFinetuning(FinetuneConfig config, ImageDataset data, DiffusionModel base) {
        super(config, data, base);
        base.network().freezeParameters(true);
        adapters = Adapters.create(base.network(), config.lora(), manager).attach();
        average = Adapters.create(base.network(), config.lora(), manager);
        optimise(adapters, average);
        denoiser = new EdmDenoiser(base.network());
    }

    public Adapters adapters() {
        return adapters;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    protected Block trained() {
        return adapters;
    }

    @Override
    protected EdmDenoiser denoiser() {
        return denoiser;
    }

    @Override
    protected EdmDenoiser probed() {
        return denoiser;
    }

    @Override
    public dev.fewstep.nn.UNet shipped() {
        return base.network();
    }

    @Override
    public String shippedFile() {
        return Lora.FILE;
    }

    @Override
    public void ship(Path file, ModelInfo info) throws IOException {
        Lora.write(file, average.tensors(), loraInfo(info));
    }

    @Override
    public void restoreShipped(Path file) {
        average.load(SafeTensors.read(file).tensors(), file.toString());
    }

    private LoraInfo loraInfo(ModelInfo info) {
        return new LoraInfo(base.name(), baseSha256, config.lora(), info.dataset(), info.step(), info.extra());
    }

    @Override
    public ModelInfo info(long iteration, double seconds, Map<String, Double> means) {
        Map<String, String> extra = extra(seconds, means);
        extra.put("parameters", Long.toString(adapters.parameterCount()));
        extra.put("base_parameters", Long.toString(base.network().parameterCount()));
        return new ModelInfo(KIND, config.data(), base.info().config(), iteration, data.prompts(), List.of(), extra);
    }
}
