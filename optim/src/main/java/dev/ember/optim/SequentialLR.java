package dev.ember.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs schedulers one after another, switching at the milestone epochs: the usual warm-up
 * then decay. At a milestone the next scheduler starts from its epoch 0 (in closed form, as
 * PyTorch's {@code step(0)}).
 *
 * <pre>{@code
 * LRScheduler warmup = new LinearLR(opt, 0.1, 1.0, 5);
 * LRScheduler decay = new CosineAnnealingLR(opt, 95);
 * LRScheduler scheduler = new SequentialLR(opt, List.of(warmup, decay), new int[] {5});
 * }</pre>
 */
public final class SequentialLR extends LRScheduler {
    private final List<LRScheduler> schedulers;
    private final int[] milestones;

    public SequentialLR(Optimizer optimizer, List<? extends LRScheduler> schedulers, int[] milestones) {
        this(optimizer, schedulers, milestones, -1);
    }

    public SequentialLR(Optimizer optimizer, List<? extends LRScheduler> schedulers, int[] milestones, int lastEpoch) {
        super(optimizer);
        for (int i = 0; i < schedulers.size(); i++) {
            if (schedulers.get(i).optimizer != optimizer) {
                throw new IllegalArgumentException("Sequential Schedulers expects all schedulers to belong to the same optimizer, "
                        + "but got schedulers at index " + i + " to be different than the optimizer passed in.");
            }
        }
        if (milestones.length != schedulers.size() - 1) {
            throw new IllegalArgumentException("Sequential Schedulers expects number of schedulers provided to be one more than "
                    + "the number of milestone points, but got number of schedulers " + schedulers.size()
                    + " and the number of milestones to be equal to " + milestones.length);
        }
        this.schedulers = List.copyOf(schedulers);
        this.milestones = milestones.clone();
        this.lastEpoch = lastEpoch + 1;
        for (ParamGroup group : optimizer.paramGroups()) group.setLr(group.getDouble("initialLr"));
        for (LRScheduler scheduler : this.schedulers) scheduler.lastEpoch -= 1;
        this.schedulers.get(0).initialStep();
        this.lastLr = this.schedulers.get(0).getLastLr();
    }

    @Override
    public void step() {
        lastEpoch++;
        int index = upperBound(milestones, lastEpoch);
        LRScheduler scheduler = schedulers.get(index);
        if (index > 0 && milestones[index - 1] == lastEpoch) scheduler.stepToEpoch(0);
        else scheduler.step();
        lastLr = scheduler.getLastLr();
    }

    /** The number of milestones at or before {@code epoch} (Python's {@code bisect_right}). */
    private static int upperBound(int[] sorted, int epoch) {
        int count = 0;
        while (count < sorted.length && sorted[count] <= epoch) count++;
        return count;
    }

    @Override
    protected List<Double> computeLr() { return currentLrs(); }

    /** The schedulers in order. */
    public List<LRScheduler> schedulers() { return schedulers; }

    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> state = super.stateDict();
        List<Integer> list = new ArrayList<>();
        for (int milestone : milestones) list.add(milestone);
        state.put("milestones", List.copyOf(list));
        List<Map<String, Object>> children = new ArrayList<>();
        for (LRScheduler scheduler : schedulers) children.add(scheduler.stateDict());
        state.put("schedulers", children);
        return state;
    }

    @Override
    public void loadStateDict(Map<String, ?> state) {
        super.loadStateDict(state);
        if (state.get("schedulers") instanceof List<?> children) {
            if (children.size() != schedulers.size()) {
                throw new IllegalArgumentException("SequentialLR: the state dict has " + children.size()
                        + " schedulers, this one " + schedulers.size());
            }
            for (int i = 0; i < children.size(); i++) {
                @SuppressWarnings("unchecked")
                Map<String, ?> child = (Map<String, ?>) children.get(i);
                schedulers.get(i).loadStateDict(child);
            }
        }
        if (state.get("milestones") instanceof List<?> list && list.size() == milestones.length) {
            for (int i = 0; i < milestones.length; i++) milestones[i] = ((Number) list.get(i)).intValue();
        }
        Arrays.sort(milestones);
    }
}
