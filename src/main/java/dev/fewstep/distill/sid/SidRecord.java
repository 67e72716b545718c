package dev.fewstep.distill.sid;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.io.CheckpointException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a distillation's metadata records about its own course, kept across resumes: the student it started from,
 * and when a resume changed the learning rates or the matching-aware discriminator. Stored as JSON entries of the
 * model's {@code extra}.
 */
final class SidRecord {
    /** Metadata key: the student a run started from and its step, e.g. "fashion-sid at step 4000". */
    static final String INITIALIZED_FROM = "initialized_from";
    /** Metadata key: images the student a run started from had seen; its weight average continues from there. */
    static final String STUDENT_IMAGES = "student_images";
    /** Metadata key: the learning rates in force before each resume that changed them, as JSON. */
    static final String EARLIER_LEARNING_RATES = "earlier_learning_rates";
    /** Metadata key: the iterations at which a resume switched the matching-aware discriminator, as JSON. */
    static final String MATCHING_AWARE_SWITCHES = "matching_aware_switches";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Learning rates in force from iteration {@code from} to {@code to}. */
    record RateSegment(long from, long to, double generator, double fake) {}

    /** The matching-aware discriminator switched on or off at {@code iteration}. */
    record Switch(long iteration, boolean on) {}

    String initializedFrom;
    long studentImages;
    final List<RateSegment> earlierRates = new ArrayList<>();
    final List<Switch> switches = new ArrayList<>();

    /** Reads the record of a saved run; entries written in another form than JSON are a corrupt state. */
    static SidRecord of(Map<String, String> extra, String source) {
        SidRecord record = new SidRecord();
        record.initializedFrom = extra.get(INITIALIZED_FROM);
        record.studentImages = Long.parseLong(extra.getOrDefault(STUDENT_IMAGES, "0"));
        try {
            if (extra.containsKey(EARLIER_LEARNING_RATES)) {
                record.earlierRates.addAll(JSON.readValue(extra.get(EARLIER_LEARNING_RATES), new TypeReference<List<RateSegment>>() {}));
            }
            if (extra.containsKey(MATCHING_AWARE_SWITCHES)) {
                record.switches.addAll(JSON.readValue(extra.get(MATCHING_AWARE_SWITCHES), new TypeReference<List<Switch>>() {}));
            }
        } catch (JsonProcessingException e) {
            throw new CheckpointException(source + " has an unreadable distillation record: " + e.getOriginalMessage(), e);
        }
        return record;
    }

    /** A resume at {@code iteration} from {@code saved} to {@code asked}: records what it changed. */
    void resumed(long iteration, SidConfig saved, SidConfig asked) {
        SidConfig.Optimiser before = saved.optimiser();
        if (before.generatorLearningRate() != asked.optimiser().generatorLearningRate()
                || before.fakeLearningRate() != asked.optimiser().fakeLearningRate()) {
            long from = earlierRates.isEmpty() ? 0 : earlierRates.get(earlierRates.size() - 1).to();
            earlierRates.add(new RateSegment(from, iteration, before.generatorLearningRate(), before.fakeLearningRate()));
        }
        if (saved.matchingAware() != asked.matchingAware()) {
            switches.add(new Switch(iteration, asked.matchingAware()));
        }
    }

    void writeTo(Map<String, String> extra) {
        if (initializedFrom != null) {
            extra.put(INITIALIZED_FROM, initializedFrom);
            extra.put(STUDENT_IMAGES, Long.toString(studentImages));
        }
        try {
            if (!earlierRates.isEmpty()) {
                extra.put(EARLIER_LEARNING_RATES, JSON.writeValueAsString(earlierRates));
            }
            if (!switches.isEmpty()) {
                extra.put(MATCHING_AWARE_SWITCHES, JSON.writeValueAsString(switches));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
