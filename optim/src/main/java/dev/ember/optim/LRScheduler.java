package dev.ember.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base of learning-rate schedulers, with PyTorch 1.13's semantics: construction records
 * each group's {@code initialLr} and performs the first step (epoch 0), and each
 * {@link #step()} advances the epoch and writes the new lr into every parameter group, most
 * schedulers in PyTorch's chainable form (from the group's current lr, so several schedulers
 * compose).
 *
 * <pre>{@code
 * LRScheduler scheduler = new StepLR(opt, 30, 0.1);
 * for (int epoch = 0; epoch < 100; epoch++) {
 *     train(opt);
 *     scheduler.step();
 * }
 * }</pre>
 *
 * <p>A subclass sets its own fields, then calls {@link #initialStep()} at the end of its
 * constructor (the base constructor cannot: the fields are not set yet).
 */
public abstract class LRScheduler {
    protected final Optimizer optimizer;
    /** Each group's {@code initialLr}. */
    protected List<Double> baseLrs;
    protected int lastEpoch;
    /** Steps taken since construction (1 after the initial step). */
    protected int stepCount;
    protected List<Double> lastLr = List.of();

    /** Records {@code initialLr} on each group (or requires it when resuming, {@code lastEpoch >= 0}). */
    protected LRScheduler(Optimizer optimizer, int lastEpoch) {
        this.optimizer = optimizer;
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < groups.size(); i++) {
            ParamGroup group = groups.get(i);
            if (lastEpoch == -1) {
                if (!group.has("initialLr")) group.set("initialLr", group.lr());
            } else if (!group.has("initialLr")) {
                throw new IllegalArgumentException("param 'initialLr' is not specified in paramGroups[" + i
                        + "] when resuming an optimizer");
            }
        }
        this.baseLrs = initialLrs(optimizer);
        this.lastEpoch = lastEpoch;
    }

    /** For schedulers that manage the groups' lrs themselves (SequentialLR, ReduceLROnPlateau). */
    protected LRScheduler(Optimizer optimizer) {
        this.optimizer = optimizer;
        this.baseLrs = List.of();
    }

    private static List<Double> initialLrs(Optimizer optimizer) {
        List<Double> lrs = new ArrayList<>();
        for (ParamGroup group : optimizer.paramGroups()) lrs.add(group.getDouble("initialLr"));
        return List.copyOf(lrs);
    }

    /** Resets the step count and takes the step to epoch {@code lastEpoch + 1}. */
    protected void initialStep() {
        stepCount = 0;
        step();
    }

    /** The lrs for {@link #lastEpoch}, from the groups' current lrs (PyTorch's chainable {@code get_lr}). */
    protected abstract List<Double> computeLr();

    /** The lrs for {@link #lastEpoch} from the base lrs alone, or null when the scheduler has no closed form. */
    protected List<Double> closedFormLr() { return null; }

    /** Advances one epoch (or batch) and sets each group's lr. */
    public void step() {
        stepCount++;
        lastEpoch++;
        apply(computeLr());
    }

    /**
     * Jumps to {@code epoch}, using the closed form when the scheduler has one: PyTorch's
     * deprecated {@code step(epoch)}, which {@link SequentialLR} still uses at its milestones.
     */
    void stepToEpoch(int epoch) {
        stepCount++;
        lastEpoch = epoch;
        List<Double> closed = closedFormLr();
        apply(closed != null ? closed : computeLr());
    }

    private void apply(List<Double> lrs) {
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < groups.size(); i++) groups.get(i).setLr(lrs.get(i));
        lastLr = currentLrs();
    }

    /** The lrs of the groups now, in group order. */
    protected List<Double> currentLrs() {
        List<Double> lrs = new ArrayList<>();
        for (ParamGroup group : optimizer.paramGroups()) lrs.add(group.lr());
        return List.copyOf(lrs);
    }

    /** The lrs the last step set, one per parameter group. */
    public List<Double> getLastLr() { return lastLr; }

    public int lastEpoch() { return lastEpoch; }

    public Optimizer optimizer() { return optimizer; }

    /** The scheduler's counters and settings (not the optimizer), for checkpoints. */
    public Map<String, Object> stateDict() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("baseLrs", baseLrs);
        state.put("lastEpoch", lastEpoch);
        state.put("stepCount", stepCount);
        state.put("lastLr", lastLr);
        return state;
    }

    /** Restores a {@link #stateDict()}; the optimizer's lrs come from the optimizer's own state dict. */
    public void loadStateDict(Map<String, ?> state) {
        if (state.containsKey("baseLrs")) baseLrs = doubles(state.get("baseLrs"));
        if (state.containsKey("lastEpoch")) lastEpoch = ((Number) state.get("lastEpoch")).intValue();
        if (state.containsKey("stepCount")) stepCount = ((Number) state.get("stepCount")).intValue();
        if (state.containsKey("lastLr")) lastLr = doubles(state.get("lastLr"));
    }

    static List<Double> doubles(Object value) {
        List<Double> result = new ArrayList<>();
        for (Object item : (List<?>) value) result.add(((Number) item).doubleValue());
        return List.copyOf(result);
    }

    /** Each group's value of a numeric option. */
    protected List<Double> groupValues(String key) {
        List<Double> values = new ArrayList<>();
        for (ParamGroup group : optimizer.paramGroups()) values.add(group.getDouble(key));
        return values;
    }
}
