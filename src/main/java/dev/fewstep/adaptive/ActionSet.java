package dev.fewstep.adaptive;

import dev.fewstep.generate.Generation;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The actions of a policy with the models they run, loaded once. The NFE of an action is what its generator says it
 * spends ({@link dev.fewstep.generate.Generator#nfe}): evaluations of the network, a guided batch counting once, as
 * everywhere in fewstep. Owns the models; close it.
 */
public final class ActionSet implements AutoCloseable {
    private final List<Action> actions;
    private final Map<String, DiffusionModel> models = new LinkedHashMap<>();
    private final int[] nfe;
    private final String teacher;

    /**
     * @param specs action specs ({@link Action#parse}); every model must share the teacher's data and prompts
     * @throws IllegalArgumentException for an unknown, repeated or mismatched action
     */
    public ActionSet(String teacher, List<String> specs) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("a policy needs at least one action");
        }
        this.teacher = teacher;
        actions = new ArrayList<>();
        for (String spec : specs) {
            Action action = Action.parse(spec, teacher);
            if (actions.stream().anyMatch(a -> a.spec().equals(action.spec()))) {
                throw new IllegalArgumentException("action '" + action.spec() + "' is listed twice");
            }
            actions.add(action);
        }
        nfe = new int[actions.size()];
        try {
            DiffusionModel teacherModel = load(teacher, null);
            for (int a = 0; a < actions.size(); a++) {
                Action action = actions.get(a);
                DiffusionModel model = load(action.model(), action.spec());
                if (!model.info().prompts().equals(teacherModel.info().prompts())) {
                    throw new IllegalArgumentException("action '" + action.spec() + "': " + model.name() + " was trained on "
                            + model.info().dataset() + ", not on " + teacherModel.name() + "'s prompts");
                }
                if (action.sampled() && !model.generator().reads().contains(dev.fewstep.generate.Budget.Setting.SAMPLER)) {
                    throw new IllegalArgumentException("action '" + action.spec() + "': " + model.name() + " takes no sampler");
                }
                nfe[a] = model.generator().nfe(action.budget());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private DiffusionModel load(String name, String spec) {
        DiffusionModel loaded = models.get(name);
        if (loaded == null) {
            java.nio.file.Path dir;
            try {
                dir = ModelStore.resolve(name);
            } catch (IllegalArgumentException e) {
                if (spec == null) {
                    throw e;
                }
                throw new IllegalArgumentException("unknown action '" + spec + "': " + e.getMessage()
                        + "; or write SAMPLER:STEPS, e.g. dpmpp2m:4");
            }
            loaded = DiffusionModel.load(dir);
            models.put(name, loaded);
        }
        return loaded;
    }

    public List<Action> actions() {
        return actions;
    }

    public List<String> specs() {
        return actions.stream().map(Action::spec).toList();
    }

    public int[] nfe() {
        return nfe.clone();
    }

    /** The teacher the sampler actions run on. */
    public DiffusionModel teacher() {
        return models.get(teacher);
    }

    public DiffusionModel model(int action) {
        return models.get(actions.get(action).model());
    }

    /** Images of {@code prompts} with action {@code a}, image i from the noise of seed {@code firstSeed + i}. */
    public Generation.Result generate(int a, List<String> prompts, long firstSeed) {
        return Generation.generate(model(a), prompts, firstSeed, actions.get(a).budget(), evaluation -> {});
    }

    @Override
    public void close() {
        models.values().forEach(DiffusionModel::close);
        models.clear();
    }
}
