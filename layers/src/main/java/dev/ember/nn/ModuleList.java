package dev.ember.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A list of modules that registers them as children (named {@code "0"}, {@code "1"}, ...), like
 * {@code torch.nn.ModuleList}; it has no forward of its own.
 *
 * <pre>{@code
 * ModuleList blocks = new ModuleList();
 * for (int i = 0; i < 4; i++) blocks.add(new Linear(64, 64));
 * for (Module block : blocks) x = block.call(x).relu();
 * }</pre>
 */
public class ModuleList extends Module implements Iterable<Module> {

    public ModuleList(Module... modules) {
        for (Module module : modules) add(module);
    }

    public ModuleList(Iterable<? extends Module> modules) {
        for (Module module : modules) add(module);
    }

    /** Appends {@code module}; returns this list. */
    public ModuleList add(Module module) {
        registerModule(String.valueOf(size()), module);
        return this;
    }

    /** Appends every module, like {@code extend}. */
    public ModuleList addAll(Iterable<? extends Module> modules) {
        for (Module module : modules) add(module);
        return this;
    }

    /** The module at {@code index}; negative indices count from the end. */
    public Module get(int index) { return ownChildren().get(String.valueOf(checkIndex(index))); }

    /** Replaces the module at {@code index}, keeping its name and place. */
    public void set(int index, Module module) { registerModule(String.valueOf(checkIndex(index)), module); }

    public int size() { return ownChildren().size(); }

    @Override
    public Iterator<Module> iterator() { return modulesInOrder().iterator(); }

    private List<Module> modulesInOrder() { return new ArrayList<>(ownChildren().values()); }

    private int checkIndex(int index) {
        int size = size();
        if (index < -size || index >= size) throw new IndexOutOfBoundsException("index " + index + " is out of range");
        return index < 0 ? index + size : index;
    }
}
