package dev.ember.optim;

import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Multiplies each group's lr by {@code factor} (not below {@code minLr}) when a metric has not
 * improved for more than {@code patience} epochs, then waits {@code cooldown} epochs before
 * counting again. Improvement is relative ({@code rel}: better than {@code best * (1 -+ threshold)})
 * or absolute ({@code abs}: better than {@code best -+ threshold}). PyTorch 1.13's semantics.
 *
 * <pre>{@code
 * var scheduler = new ReduceLROnPlateau(opt, ReduceLROnPlateau.options().mode("min").patience(3).factor(0.5));
 * for (int epoch = 0; epoch < 50; epoch++) {
 *     train(opt);
 *     scheduler.step(validationLoss());
 * }
 * }</pre>
 */
public final class ReduceLROnPlateau extends LRScheduler {
    private String mode;
    private double factor;
    private int patience;
    private double threshold;
    private String thresholdMode;
    private int cooldown;
    private double[] minLrs;
    private double eps;
    private double best;
    private int numBadEpochs;
    private int cooldownCounter;

    public ReduceLROnPlateau(Optimizer optimizer) { this(optimizer, options()); }

    public ReduceLROnPlateau(Optimizer optimizer, Options options) {
        super(optimizer);
        if (options.factor >= 1.0) throw new IllegalArgumentException("Factor should be < 1.0.");
        int groups = optimizer.paramGroups().size();
        if (options.minLrs.length == 1) {
            minLrs = new double[groups];
            Arrays.fill(minLrs, options.minLrs[0]);
        } else if (options.minLrs.length == groups) {
            minLrs = options.minLrs.clone();
        } else {
            throw new IllegalArgumentException("expected " + groups + " min_lrs, got " + options.minLrs.length);
        }
        checkModes(options.mode, options.thresholdMode);
        this.mode = options.mode;
        this.factor = options.factor;
        this.patience = options.patience;
        this.threshold = options.threshold;
        this.thresholdMode = options.thresholdMode;
        this.cooldown = options.cooldown;
        this.eps = options.eps;
        this.lastEpoch = 0;
        this.lastLr = currentLrs();
        reset();
    }

    /** Defaults: mode min, factor 0.1, patience 10, threshold 1e-4 rel, cooldown 0, minLr 0, eps 1e-8. */
    public static Options options() { return new Options(); }

    /** ReduceLROnPlateau's settings. */
    public static final class Options {
        private String mode = "min";
        private double factor = 0.1;
        private int patience = 10;
        private double threshold = 1e-4;
        private String thresholdMode = "rel";
        private int cooldown;
        private double[] minLrs = {0};
        private double eps = 1e-8;

        private Options() {}

        /** {@code "min"} (the metric should fall, like a loss) or {@code "max"} (rise, like accuracy). */
        public Options mode(String mode) { this.mode = mode; return this; }

        public Options factor(double factor) { this.factor = factor; return this; }

        public Options patience(int patience) { this.patience = patience; return this; }

        public Options threshold(double threshold) { this.threshold = threshold; return this; }

        /** {@code "rel"} or {@code "abs"}. */
        public Options thresholdMode(String thresholdMode) { this.thresholdMode = thresholdMode; return this; }

        public Options cooldown(int cooldown) { this.cooldown = cooldown; return this; }

        /** One lower bound for all groups, or one per group. */
        public Options minLr(double... minLrs) { this.minLrs = minLrs.clone(); return this; }

        /** Reductions smaller than this are skipped. */
        public Options eps(double eps) { this.eps = eps; return this; }
    }

    private static void checkModes(String mode, String thresholdMode) {
        if (!mode.equals("min") && !mode.equals("max")) throw new IllegalArgumentException("mode " + mode + " is unknown!");
        if (!thresholdMode.equals("rel") && !thresholdMode.equals("abs")) {
            throw new IllegalArgumentException("threshold mode " + thresholdMode + " is unknown!");
        }
    }

    private void reset() {
        best = mode.equals("min") ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        cooldownCounter = 0;
        numBadEpochs = 0;
    }

    /** Records one epoch's metric and reduces the lrs after a plateau. */
    public void step(double metric) {
        lastEpoch++;
        if (isBetter(metric, best)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0;
        }
        if (numBadEpochs > patience) {
            reduceLr();
            cooldownCounter = cooldown;
            numBadEpochs = 0;
        }
        lastLr = currentLrs();
    }

    /** {@link #step(double)} with a one-element tensor's value. */
    public void step(Tensor metric) { step(metric.item()); }

    /** Always throws: this scheduler needs the metric, {@link #step(double)}. */
    @Override
    public void step() {
        throw new IllegalStateException("ReduceLROnPlateau.step() needs the metric to watch: call step(metric)");
    }

    @Override
    void stepToEpoch(int epoch) {
        throw new IllegalStateException("ReduceLROnPlateau cannot jump to an epoch; it steps on a metric");
    }

    @Override
    protected List<Double> computeLr() { return currentLrs(); }

    private void reduceLr() {
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < groups.size(); i++) {
            double oldLr = groups.get(i).lr();
            double newLr = Math.max(oldLr * factor, minLrs[i]);
            if (oldLr - newLr > eps) groups.get(i).setLr(newLr);
        }
    }

    private boolean isBetter(double value, double reference) {
        boolean relative = thresholdMode.equals("rel");
        if (mode.equals("min")) return relative ? value < reference * (1. - threshold) : value < reference - threshold;
        return relative ? value > reference * (threshold + 1.) : value > reference + threshold;
    }

    /** True while the cooldown after a reduction lasts. */
    public boolean inCooldown() { return cooldownCounter > 0; }

    public double best() { return best; }

    public int numBadEpochs() { return numBadEpochs; }

    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> state = super.stateDict();
        state.put("mode", mode);
        state.put("factor", factor);
        state.put("patience", patience);
        state.put("threshold", threshold);
        state.put("thresholdMode", thresholdMode);
        state.put("cooldown", cooldown);
        List<Double> mins = new ArrayList<>();
        for (double m : minLrs) mins.add(m);
        state.put("minLrs", List.copyOf(mins));
        state.put("eps", eps);
        state.put("best", best);
        state.put("numBadEpochs", numBadEpochs);
        state.put("cooldownCounter", cooldownCounter);
        return state;
    }

    @Override
    public void loadStateDict(Map<String, ?> state) {
        super.loadStateDict(state);
        if (state.containsKey("mode")) mode = (String) state.get("mode");
        if (state.containsKey("factor")) factor = ((Number) state.get("factor")).doubleValue();
        if (state.containsKey("patience")) patience = ((Number) state.get("patience")).intValue();
        if (state.containsKey("threshold")) threshold = ((Number) state.get("threshold")).doubleValue();
        if (state.containsKey("thresholdMode")) thresholdMode = (String) state.get("thresholdMode");
        if (state.containsKey("cooldown")) cooldown = ((Number) state.get("cooldown")).intValue();
        if (state.containsKey("minLrs")) minLrs = doubles(state.get("minLrs")).stream().mapToDouble(Double::doubleValue).toArray();
        if (state.containsKey("eps")) eps = ((Number) state.get("eps")).doubleValue();
        if (state.containsKey("best")) best = ((Number) state.get("best")).doubleValue();
        if (state.containsKey("numBadEpochs")) numBadEpochs = ((Number) state.get("numBadEpochs")).intValue();
        if (state.containsKey("cooldownCounter")) cooldownCounter = ((Number) state.get("cooldownCounter")).intValue();
        checkModes(mode, thresholdMode);
    }
}
