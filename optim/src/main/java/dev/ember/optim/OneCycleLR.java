package dev.ember.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The 1cycle policy (Smith and Topor): lr rises from {@code maxLr / divFactor} to
 * {@code maxLr} over the first {@code pctStart} of the steps, then anneals to
 * {@code initialLr / finalDivFactor} (three phases, symmetric then annihilating, with
 * {@code threePhase}); momentum (SGD, RMSprop) or Adam's beta1 cycles inversely between
 * {@code maxMomentum} and {@code baseMomentum}. Call {@link #step()} after every batch. Not
 * chainable, as in PyTorch.
 *
 * <pre>{@code
 * LRScheduler scheduler = new OneCycleLR(opt, OneCycleLR.options(0.01, epochs * batchesPerEpoch).pctStart(0.25));
 * }</pre>
 */
public final class OneCycleLR extends LRScheduler {

    private record Phase(double endStep, String startLr, String endLr, String startMomentum, String endMomentum) {}

    // Not final: loadStateDict restores them, as PyTorch's scheduler state dict carries its whole __dict__.
    private int totalSteps;
    private List<Phase> phases;
    private boolean cosine;
    private boolean cycleMomentum;
    private boolean useBeta1;

    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps) { this(optimizer, options(maxLr, totalSteps)); }

    public OneCycleLR(Optimizer optimizer, Options options) {
        super(prepare(optimizer, options), options.lastEpoch);
        this.totalSteps = options.totalSteps;
        double pct = options.pctStart;
        this.phases = options.threePhase
                ? List.of(new Phase(pct * totalSteps - 1, "initialLr", "maxLr", "maxMomentum", "baseMomentum"),
                        new Phase(2 * pct * totalSteps - 2, "maxLr", "initialLr", "baseMomentum", "maxMomentum"),
                        new Phase(totalSteps - 1, "initialLr", "minLr", "maxMomentum", "maxMomentum"))
                : List.of(new Phase(pct * totalSteps - 1, "initialLr", "maxLr", "maxMomentum", "baseMomentum"),
                        new Phase(totalSteps - 1, "maxLr", "minLr", "baseMomentum", "maxMomentum"));
        this.cosine = options.annealStrategy.equals("cos");
        this.cycleMomentum = options.cycleMomentum;
        this.useBeta1 = optimizer.defaults().containsKey("betas");
        initialStep();
    }

    /** Options with PyTorch's defaults: pctStart 0.3, cos annealing, momentum 0.85..0.95, divFactor 25, finalDivFactor 1e4. */
    public static Options options(double maxLr, int totalSteps) {
        Options options = new Options();
        options.maxLrs = new double[] {maxLr};
        options.totalSteps = totalSteps;
        return options;
    }

    /** Options for one max lr per parameter group, with the total steps as epochs times steps per epoch. */
    public static Options options(double[] maxLrs, int epochs, int stepsPerEpoch) {
        if (epochs <= 0) throw new IllegalArgumentException("Expected positive integer epochs, but got " + epochs);
        if (stepsPerEpoch <= 0) throw new IllegalArgumentException("Expected positive integer steps_per_epoch, but got " + stepsPerEpoch);
        Options options = new Options();
        options.maxLrs = maxLrs.clone();
        options.totalSteps = epochs * stepsPerEpoch;
        return options;
    }

    /** OneCycleLR's settings; per-group values are arrays with one entry per parameter group (or one for all). */
    public static final class Options {
        private double[] maxLrs;
        private int totalSteps;
        private double pctStart = 0.3;
        private String annealStrategy = "cos";
        private boolean cycleMomentum = true;
        private double[] baseMomentums = {0.85};
        private double[] maxMomentums = {0.95};
        private double divFactor = 25;
        private double finalDivFactor = 1e4;
        private boolean threePhase;
        private int lastEpoch = -1;

        private Options() {}

        public Options maxLr(double... maxLrs) { this.maxLrs = maxLrs.clone(); return this; }

        public Options pctStart(double pctStart) { this.pctStart = pctStart; return this; }

        /** {@code "cos"} or {@code "linear"}. */
        public Options annealStrategy(String annealStrategy) { this.annealStrategy = annealStrategy; return this; }

        public Options cycleMomentum(boolean cycleMomentum) { this.cycleMomentum = cycleMomentum; return this; }

        public Options baseMomentum(double... baseMomentums) { this.baseMomentums = baseMomentums.clone(); return this; }

        public Options maxMomentum(double... maxMomentums) { this.maxMomentums = maxMomentums.clone(); return this; }

        public Options divFactor(double divFactor) { this.divFactor = divFactor; return this; }

        public Options finalDivFactor(double finalDivFactor) { this.finalDivFactor = finalDivFactor; return this; }

        public Options threePhase(boolean threePhase) { this.threePhase = threePhase; return this; }

        /** The index of the last batch when resuming (the groups then already hold the cycle's options). */
        public Options lastEpoch(int lastEpoch) { this.lastEpoch = lastEpoch; return this; }
    }

    /** Validates the options and writes the cycle's lrs and momentums into the groups, before the base constructor reads them. */
    private static Optimizer prepare(Optimizer optimizer, Options options) {
        if (options.totalSteps <= 0) {
            throw new IllegalArgumentException("Expected positive integer total_steps, but got " + options.totalSteps);
        }
        if (options.pctStart < 0 || options.pctStart > 1) {
            throw new IllegalArgumentException("Expected float between 0 and 1 pct_start, but got " + options.pctStart);
        }
        if (!options.annealStrategy.equals("cos") && !options.annealStrategy.equals("linear")) {
            throw new IllegalArgumentException("anneal_strategy must by one of 'cos' or 'linear', instead got " + options.annealStrategy);
        }
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] maxLrs = perGroup("max_lr", options.maxLrs, groups.size());
        if (options.lastEpoch == -1) {
            for (int i = 0; i < groups.size(); i++) {
                ParamGroup group = groups.get(i);
                group.set("initialLr", maxLrs[i] / options.divFactor);
                group.set("maxLr", maxLrs[i]);
                group.set("minLr", group.getDouble("initialLr") / options.finalDivFactor);
            }
        }
        if (options.cycleMomentum) {
            boolean beta1 = optimizer.defaults().containsKey("betas");
            if (!optimizer.defaults().containsKey("momentum") && !beta1) {
                throw new IllegalArgumentException("optimizer must support momentum with `cycle_momentum` option enabled");
            }
            double[] maxMomentums = perGroup("max_momentum", options.maxMomentums, groups.size());
            double[] baseMomentums = perGroup("base_momentum", options.baseMomentums, groups.size());
            if (options.lastEpoch == -1) {
                for (int i = 0; i < groups.size(); i++) {
                    setMomentum(groups.get(i), beta1, maxMomentums[i]);
                    groups.get(i).set("maxMomentum", maxMomentums[i]);
                    groups.get(i).set("baseMomentum", baseMomentums[i]);
                }
            }
        }
        return optimizer;
    }

    private static double[] perGroup(String name, double[] values, int groups) {
        if (values == null) throw new IllegalArgumentException("OneCycleLR: " + name + " is required");
        if (values.length == 1) {
            double[] repeated = new double[groups];
            java.util.Arrays.fill(repeated, values[0]);
            return repeated;
        }
        if (values.length != groups) throw new IllegalArgumentException("expected " + groups + " values for " + name + ", got " + values.length);
        return values;
    }

    private static void setMomentum(ParamGroup group, boolean beta1, double momentum) {
        if (beta1) group.set("betas", new double[] {momentum, group.getPair("betas")[1]});
        else group.set("momentum", momentum);
    }

    private double anneal(double start, double end, double pct) {
        if (cosine) return end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
        return (end - start) * pct + start;
    }

    @Override
    protected List<Double> computeLr() {
        int stepNumber = lastEpoch;
        if (stepNumber > totalSteps) {
            throw new IllegalStateException("Tried to step " + (stepNumber + 1) + " times. The specified number of total steps is "
                    + totalSteps);
        }
        List<Double> lrs = new ArrayList<>();
        for (ParamGroup group : optimizer.paramGroups()) {
            double startStep = 0;
            for (int i = 0; i < phases.size(); i++) {
                Phase phase = phases.get(i);
                if (stepNumber <= phase.endStep() || i == phases.size() - 1) {
                    double pct = (stepNumber - startStep) / (phase.endStep() - startStep);
                    lrs.add(anneal(group.getDouble(phase.startLr()), group.getDouble(phase.endLr()), pct));
                    if (cycleMomentum) {
                        setMomentum(group, useBeta1, anneal(group.getDouble(phase.startMomentum()),
                                group.getDouble(phase.endMomentum()), pct));
                    }
                    break;
                }
                startStep = phase.endStep();
            }
        }
        return lrs;
    }

    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> state = super.stateDict();
        state.put("totalSteps", totalSteps);
        state.put("annealStrategy", cosine ? "cos" : "linear");
        state.put("cycleMomentum", cycleMomentum);
        state.put("useBeta1", useBeta1);
        List<Map<String, Object>> savedPhases = new ArrayList<>();
        for (Phase phase : phases) {
            savedPhases.add(Map.of("endStep", phase.endStep(), "startLr", phase.startLr(), "endLr", phase.endLr(),
                    "startMomentum", phase.startMomentum(), "endMomentum", phase.endMomentum()));
        }
        state.put("phases", savedPhases);
        return state;
    }

    /**
     * Restores a {@link #stateDict()}: the step counters, the total steps and the phase table.
     * The per-group lrs and momentums the phases refer to ({@code initialLr}, {@code maxLr},
     * ...) live in the parameter groups and come back with the optimizer's state dict.
     */
    @Override
    public void loadStateDict(Map<String, ?> state) {
        super.loadStateDict(state);
        if (state.containsKey("totalSteps")) totalSteps = ((Number) state.get("totalSteps")).intValue();
        if (state.containsKey("annealStrategy")) cosine = state.get("annealStrategy").equals("cos");
        if (state.containsKey("cycleMomentum")) cycleMomentum = (Boolean) state.get("cycleMomentum");
        if (state.containsKey("useBeta1")) useBeta1 = (Boolean) state.get("useBeta1");
        if (state.get("phases") instanceof List<?> saved) {
            List<Phase> restored = new ArrayList<>();
            for (Object item : saved) {
                if (!(item instanceof Map<?, ?> phase)) {
                    throw new IllegalArgumentException("OneCycleLR.loadStateDict: a phase must be a map, got " + item);
                }
                restored.add(new Phase(((Number) phase.get("endStep")).doubleValue(), (String) phase.get("startLr"),
                        (String) phase.get("endLr"), (String) phase.get("startMomentum"), (String) phase.get("endMomentum")));
            }
            phases = List.copyOf(restored);
        }
    }
}
