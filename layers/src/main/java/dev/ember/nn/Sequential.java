package dev.ember.nn;

import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A chain of modules applied in order, like {@code torch.nn.Sequential}: children are named
 * {@code "0"}, {@code "1"}, ... (or given names), and {@link #forward} feeds each one's output
 * to the next through {@link Module#call}, so hooks run.
 *
 * <pre>{@code
 * Sequential model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
 * model.namedParameters().keySet();   // [0.weight, 0.bias, 2.weight, 2.bias]
 * }</pre>
 */
public class Sequential extends Module implements Iterable<Module> {

    public Sequential(Module... modules) {
        for (Module module : modules) add(module);
    }

    /** Children under the given names, in the map's iteration order (use a LinkedHashMap). */
    public Sequential(Map<String, ? extends Module> namedModules) {
        for (Map.Entry<String, ? extends Module> e : namedModules.entrySet()) registerModule(e.getKey(), e.getValue());
    }

    /** Appends {@code module} under the next index; returns this container. */
    public Sequential add(Module module) {
        registerModule(String.valueOf(size()), module);
        return this;
    }

    /** The module at {@code index}; negative indices count from the end. */
    public Module get(int index) {
        List<Module> modules = modulesInOrder();
        int size = modules.size();
        if (index < -size || index >= size) throw new IndexOutOfBoundsException("index " + index + " is out of range");
        return modules.get(index < 0 ? index + size : index);
    }

    public int size() { return ownChildren().size(); }

    @Override
    public Iterator<Module> iterator() { return modulesInOrder().iterator(); }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Module module : ownChildren().values()) x = module.call(x);
        return x;
    }

    private List<Module> modulesInOrder() { return new ArrayList<>(ownChildren().values()); }
}
