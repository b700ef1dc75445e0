package dev.ember.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Modules by name, registered as children in insertion order, like {@code torch.nn.ModuleDict};
 * it has no forward of its own.
 *
 * <pre>{@code
 * ModuleDict heads = new ModuleDict();
 * heads.put("class", new Linear(128, 10));
 * heads.put("box", new Linear(128, 4));
 * Tensor logits = heads.get("class").call(features);
 * }</pre>
 */
public class ModuleDict extends Module {

    public ModuleDict() {}

    /** The entries of {@code modules} in its iteration order (use a LinkedHashMap). */
    public ModuleDict(Map<String, ? extends Module> modules) { putAll(modules); }

    /** Adds or replaces the module under {@code key}; a replaced one keeps its place. */
    public void put(String key, Module module) { registerModule(key, module); }

    public void putAll(Map<String, ? extends Module> modules) {
        for (Map.Entry<String, ? extends Module> e : modules.entrySet()) put(e.getKey(), e.getValue());
    }

    /** The module under {@code key}, or null. */
    public Module get(String key) { return ownChildren().get(key); }

    public boolean containsKey(String key) { return ownChildren().containsKey(key); }

    /** Removes and returns the module under {@code key}, or null. */
    public Module remove(String key) { return (Module) unregister(key); }

    public Set<String> keySet() { return ownChildren().keySet(); }

    /** The entries in insertion order. */
    public LinkedHashMap<String, Module> items() { return ownChildren(); }

    public int size() { return ownChildren().size(); }
}
