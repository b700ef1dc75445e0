package dev.ember.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.nn.Dropout;
import dev.ember.nn.Linear;
import dev.ember.nn.Module;
import dev.ember.nn.Parameter;
import dev.ember.nn.ReLU;
import dev.ember.nn.Sequential;
import dev.ember.nn.functional.F;
import dev.ember.tensor.Tensor;
import dev.ember.tensor.io.SafeTensors;
import dev.ember.tensor.io.TensorFileFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Saving and restoring a full training checkpoint: resuming must continue bit-exactly. */
class CheckpointTest {
    private static final Tensor INPUTS;
    private static final Tensor TARGETS;

    static {
        Tensor.manualSeed(7);
        INPUTS = Tensor.randn(16, 4);
        TARGETS = Tensor.randn(16, 2);
    }

    @TempDir
    Path directory;

    /** An optimizer and a scheduler over a model's parameters. */
    record Recipe(String name, Function<Module, Optimizer> optimizer, Function<Optimizer, LRScheduler> scheduler) {
        @Override
        public String toString() { return name; }
    }

    static Stream<Recipe> recipes() {
        return Stream.of(
                new Recipe("Adam + StepLR", m -> new Adam(m.parameters(), 0.01), o -> new StepLR(o, 3, 0.5)),
                new Recipe("SGD momentum + CosineAnnealingLR",
                        m -> new SGD(m.parameters(), SGD.options().lr(0.1).momentum(0.9).nesterov(true)),
                        o -> new CosineAnnealingLR(o, 10)),
                new Recipe("RMSprop centered + ReduceLROnPlateau",
                        m -> new RMSprop(m.parameters(), RMSprop.options().lr(0.01).momentum(0.5).centered(true)),
                        o -> new ReduceLROnPlateau(o, ReduceLROnPlateau.options().patience(0).threshold(0.2))),
                new Recipe("AdamW amsgrad + SequentialLR",
                        m -> new AdamW(m.parameters(), AdamW.options().lr(0.02).amsgrad(true)),
                        o -> new SequentialLR(o, List.of(new LinearLR(o, 0.1, 1.0, 3), new ExponentialLR(o, 0.8)), new int[] {3})),
                new Recipe("Adagrad two groups + MultiStepLR",
                        m -> new Adagrad(List.of(new ParamGroup(((Sequential) m).get(0).parameters()).set("lr", 0.05),
                                new ParamGroup(((Sequential) m).get(2).parameters())), Adagrad.options().lr(0.1)),
                        o -> new MultiStepLR(o, new int[] {2, 7}, 0.3)),
                new Recipe("Adadelta + no scheduler", m -> new Adadelta(m.parameters(), 1.0), o -> null));
    }

    /** A model, its optimizer and scheduler; the model's initial weights depend on {@code seed}. */
    static final class Run {
        final Module model;
        final Optimizer optimizer;
        final LRScheduler scheduler;
        final List<Double> lrs = new ArrayList<>();

        Run(Recipe recipe, long seed) {
            Tensor.manualSeed(seed);
            model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
            optimizer = recipe.optimizer().apply(model);
            scheduler = recipe.scheduler().apply(optimizer);
        }

        void train(int steps) {
            for (int i = 0; i < steps; i++) {
                optimizer.zeroGrad();
                Tensor loss = F.mseLoss(model.forward(INPUTS), TARGETS);
                loss.backward();
                optimizer.step();
                if (scheduler instanceof ReduceLROnPlateau plateau) plateau.step(loss.item());
                else if (scheduler != null) scheduler.step();
                for (ParamGroup group : optimizer.paramGroups()) lrs.add(group.lr());
            }
        }

        List<float[]> parameters() {
            List<float[]> values = new ArrayList<>();
            for (Parameter p : model.parameters()) values.add(p.toFloatArray());
            return values;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recipes")
    void resumingFromACheckpointContinuesBitExactly(Recipe recipe) throws IOException {
        Path path = directory.resolve("run.ckpt");
        Run uninterrupted = new Run(recipe, 1);
        uninterrupted.train(5);
        Checkpoint.save(path, uninterrupted.model, uninterrupted.optimizer, uninterrupted.scheduler, 5, Map.of("note", "after 5"));
        uninterrupted.train(5);

        Run resumed = new Run(recipe, 2);
        assertNotEquals(uninterrupted.parameters().get(0)[0], resumed.parameters().get(0)[0]);
        Checkpoint.Restored restored = Checkpoint.load(path, resumed.model, resumed.optimizer, resumed.scheduler);
        resumed.train(5);

        assertEquals(5, restored.epoch());
        assertEquals(Map.of("note", "after 5"), restored.extras());
        List<float[]> expected = uninterrupted.parameters();
        List<float[]> actual = resumed.parameters();
        for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i), actual.get(i), "parameter " + i);
        int groups = uninterrupted.optimizer.paramGroups().size();
        assertEquals(uninterrupted.lrs.subList(5 * groups, 10 * groups), resumed.lrs);
        if (uninterrupted.scheduler != null) {
            assertEquals(uninterrupted.scheduler.stateDict().toString(), resumed.scheduler.stateDict().toString());
        }
    }

    @Test
    void resumingRestoresTheGeneratorSoDropoutDrawsTheSameMasks() throws IOException {
        Path path = directory.resolve("dropout.ckpt");
        Tensor.manualSeed(3);
        Module model = new Sequential(new Linear(4, 8), new Dropout(0.5), new Linear(8, 2));
        Optimizer optimizer = new Adam(model.parameters(), 0.01);
        trainSteps(model, optimizer, 3);
        Checkpoint.save(path, model, optimizer, null, 3);
        trainSteps(model, optimizer, 4);

        Tensor.manualSeed(99);
        Module resumed = new Sequential(new Linear(4, 8), new Dropout(0.5), new Linear(8, 2));
        Optimizer resumedOptimizer = new Adam(resumed.parameters(), 0.01);
        Checkpoint.load(path, resumed, resumedOptimizer, null);
        trainSteps(resumed, resumedOptimizer, 4);

        List<Parameter> expected = model.parameters();
        List<Parameter> actual = resumed.parameters();
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).toFloatArray(), actual.get(i).toFloatArray(), "parameter " + i);
        }
    }

    private static void trainSteps(Module model, Optimizer optimizer, int steps) {
        for (int i = 0; i < steps; i++) {
            optimizer.zeroGrad();
            F.mseLoss(model.forward(INPUTS), TARGETS).backward();
            optimizer.step();
        }
    }

    @Test
    void checkpointIsASafetensorsFileWithPrefixedKeys() throws IOException {
        Path path = directory.resolve("adam.ckpt");
        Run run = new Run(recipes().findFirst().orElseThrow(), 1);
        run.train(2);
        Checkpoint.save(path, run.model, run.optimizer, run.scheduler, 2);

        Map<String, Tensor> tensors = SafeTensors.load(path);
        assertEquals(List.of("model.0.bias", "model.0.weight", "model.2.bias", "model.2.weight",
                        "optimizer.state.0.expAvg", "optimizer.state.0.expAvgSq", "optimizer.state.0.step",
                        "optimizer.state.1.expAvg", "optimizer.state.1.expAvgSq", "optimizer.state.1.step",
                        "optimizer.state.2.expAvg", "optimizer.state.2.expAvgSq", "optimizer.state.2.step",
                        "optimizer.state.3.expAvg", "optimizer.state.3.expAvgSq", "optimizer.state.3.step"),
                tensors.keySet().stream().sorted().toList());
        assertArrayEquals(run.model.stateDict().get("2.weight").toFloatArray(), tensors.get("model.2.weight").toFloatArray());
        assertEquals(2.0, tensors.get("optimizer.state.1.step").item());
        String document = SafeTensors.loadMetadata(path).get(Checkpoint.METADATA_KEY);
        assertTrue(document.startsWith("{\"format\":\"ember.checkpoint\",\"version\":1,\"epoch\":2,"), document);
        assertTrue(document.contains("\"type\":\"dev.ember.optim.StepLR\""), document);
    }

    @Test
    void nonFiniteSchedulerStateRoundTrips() throws IOException {
        Path path = directory.resolve("plateau.ckpt");
        Recipe recipe = recipes().filter(r -> r.name().startsWith("RMSprop")).findFirst().orElseThrow();
        Run fresh = new Run(recipe, 1);
        assertEquals(Double.POSITIVE_INFINITY, ((ReduceLROnPlateau) fresh.scheduler).best());
        Checkpoint.save(path, fresh.model, fresh.optimizer, fresh.scheduler, 0);
        Run other = new Run(recipe, 2);
        other.train(1);
        assertTrue(Double.isFinite(((ReduceLROnPlateau) other.scheduler).best()));

        Checkpoint.load(path, other.model, other.optimizer, other.scheduler);
        assertEquals(Double.POSITIVE_INFINITY, ((ReduceLROnPlateau) other.scheduler).best());
        assertTrue(other.optimizer.state(other.model.parameters().get(0)).isEmpty());
    }

    @Test
    void plainStateDictFileIsNotACheckpoint() throws IOException {
        Path path = directory.resolve("model.safetensors");
        Run run = new Run(recipes().findFirst().orElseThrow(), 1);
        run.model.save(path);
        TensorFileFormatException error = assertThrows(TensorFileFormatException.class,
                () -> Checkpoint.load(path, run.model, run.optimizer, run.scheduler));
        assertTrue(error.getMessage().contains("not an Ember checkpoint"), error.getMessage());
    }

    @Test
    void truncatedCheckpointGivesAClearError() throws IOException {
        Path path = directory.resolve("run.ckpt");
        Run run = new Run(recipes().findFirst().orElseThrow(), 1);
        run.train(1);
        Checkpoint.save(path, run.model, run.optimizer, run.scheduler, 1);
        byte[] bytes = Files.readAllBytes(path);
        for (int length : new int[] {0, 5, 100, bytes.length - 4}) {
            Path truncated = directory.resolve("truncated-" + length + ".ckpt");
            Files.write(truncated, java.util.Arrays.copyOf(bytes, length));
            TensorFileFormatException error = assertThrows(TensorFileFormatException.class,
                    () -> Checkpoint.load(truncated, run.model, run.optimizer, run.scheduler));
            assertTrue(error.getMessage().startsWith(truncated.toString()), error.getMessage());
        }
    }

    @Test
    void corruptOrNewerMetadataGivesAClearError() throws IOException {
        Run run = new Run(recipes().findFirst().orElseThrow(), 1);
        Map<String, String> cases = Map.of(
                "{\"format\":\"ember.checkpoint\",\"version\":1,\"epoch\":", "not valid JSON",
                "{\"format\":\"ember.checkpoint\",\"version\":99,\"epoch\":1}", "version 99 is not supported",
                "[1, 2]", "should be a JSON object",
                "{\"format\":\"ember.checkpoint\",\"version\":1,\"epoch\":1}", "no 'model' section");
        for (Map.Entry<String, String> item : cases.entrySet()) {
            Path path = directory.resolve("corrupt.ckpt");
            SafeTensors.save(Map.of(), path, Map.of(Checkpoint.METADATA_KEY, item.getKey()));
            TensorFileFormatException error = assertThrows(TensorFileFormatException.class,
                    () -> Checkpoint.load(path, run.model, null, null));
            assertTrue(error.getMessage().contains(item.getValue()), error.getMessage());
        }
    }

    @Test
    void modelMismatchIsRejectedBeforeAnythingChanges() throws IOException {
        Path path = directory.resolve("run.ckpt");
        Run run = new Run(recipes().findFirst().orElseThrow(), 1);
        run.train(2);
        Checkpoint.save(path, run.model, run.optimizer, run.scheduler, 2);

        Tensor.manualSeed(3);
        Module wider = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3));
        Optimizer optimizer = new Adam(wider.parameters(), 0.01);
        LRScheduler scheduler = new StepLR(optimizer, 3, 0.5);
        float[] before = wider.parameters().get(0).toFloatArray();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(path, wider, optimizer, scheduler));
        assertTrue(error.getMessage().contains("size mismatch for optimizer state"), error.getMessage());
        IllegalArgumentException modelOnly = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(path, wider, null, null));
        assertTrue(modelOnly.getMessage().contains("size mismatch for 2.weight"), modelOnly.getMessage());
        assertArrayEquals(before, wider.parameters().get(0).toFloatArray());
        assertTrue(optimizer.state(wider.parameters().get(0)).isEmpty());
        assertEquals(0, scheduler.lastEpoch());
    }

    @Test
    void optimizerMismatchIsRejected() throws IOException {
        Path path = directory.resolve("run.ckpt");
        Run run = new Run(recipes().findFirst().orElseThrow(), 1);
        run.train(1);
        Checkpoint.save(path, run.model, run.optimizer, null, 1);

        Run other = new Run(recipes().findFirst().orElseThrow(), 2);
        Optimizer fewer = new Adam(other.model.parameters().subList(0, 2), 0.01);
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(path, other.model, fewer, null));
        assertEquals("Checkpoint.load: the checkpoint's optimizer has 1 parameter group(s) with [4] parameters, "
                + "this optimizer has 1 with [2]", count.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(path, other.model, new SGD(other.model.parameters(), 0.1), null));
        assertEquals("Checkpoint.load: the checkpoint's optimizer is a dev.ember.optim.Adam, got a dev.ember.optim.SGD",
                type.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(path, other.model, other.optimizer, other.scheduler));
        assertTrue(missing.getMessage().contains("has no scheduler state"), missing.getMessage());
        assertEquals(1, Checkpoint.load(path, other.model, other.optimizer, null).epoch());
    }

    @Test
    void failedSaveLeavesTheExistingCheckpointIntact() throws IOException {
        Path path = directory.resolve("run.ckpt");
        Run run = new Run(recipes().findFirst().orElseThrow(), 1);
        run.train(2);
        Checkpoint.save(path, run.model, run.optimizer, run.scheduler, 2);
        byte[] good = Files.readAllBytes(path);

        run.train(1);
        // The last tensor written (by name) is closed, so the save fails after the others are in the temporary file.
        run.optimizer.state(run.model.parameters().get(3)).values().stream()
                .filter(v -> v instanceof Tensor).map(v -> (Tensor) v).forEach(Tensor::close);
        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> Checkpoint.save(path, run.model, run.optimizer, run.scheduler, 3));
        assertTrue(failure.getMessage().contains("closed"), failure.getMessage());

        assertArrayEquals(good, Files.readAllBytes(path));
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(List.of(path), files.toList());
        }
        Run resumed = new Run(recipes().findFirst().orElseThrow(), 2);
        assertEquals(2, Checkpoint.load(path, resumed.model, resumed.optimizer, resumed.scheduler).epoch());
    }

    @Test
    void unsupportedStateValueIsRejectedOnSave() {
        Run run = new Run(recipes().findFirst().orElseThrow(), 1);
        run.optimizer.paramGroups().get(0).set("callback", new Object());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.save(directory.resolve("bad.ckpt"), run.model, run.optimizer, null, 0));
        assertTrue(error.getMessage().startsWith("Checkpoint.save: cannot store 'optimizer.paramGroups.callback', a java.lang.Object"),
                error.getMessage());
    }
}
