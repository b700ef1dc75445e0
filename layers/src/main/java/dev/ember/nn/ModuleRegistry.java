package dev.ember.nn;

import dev.ember.tensor.Tensor;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The named parameters, buffers and child modules of one {@link Module}, from two sources: the
 * module's fields (found by reflection, read afresh on every query so later assignments count)
 * and explicit {@code register...} calls. Order: fields in declaration order (superclass fields
 * first), then explicit names in insertion order. When a field and an explicit registration
 * share a name, the one assigned last wins; a field counts as assigned when a query first sees
 * its current value.
 */
final class ModuleRegistry {

    enum Kind { PARAMETER, BUFFER, MODULE }

    /** One registered value; {@code persistent} is false only for buffers kept out of state dicts. */
    record Entry(String name, Kind kind, Object value, boolean persistent) {}

    private record NamedField(Field field, String name) {}

    private static final class Explicit {
        Kind kind;
        Object value;
        boolean persistent;
        long stamp;
    }

    private static final class Seen {
        Object value;
        long stamp;
    }

    private static final ClassValue<List<NamedField>> FIELDS = new ClassValue<>() {
        @Override
        protected List<NamedField> computeValue(Class<?> type) { return scanFields(type); }
    };

    private final Module owner;
    private final LinkedHashMap<String, Explicit> explicit = new LinkedHashMap<>();
    private final Map<Field, Seen> seen = new HashMap<>();
    private long clock;

    ModuleRegistry(Module owner) { this.owner = owner; }

    void register(String name, Kind kind, Object value, boolean persistent) {
        checkName(name, kind);
        // Fields assigned before this call count as earlier assignments, so this registration outranks them.
        for (NamedField named : FIELDS.get(owner.getClass())) observe(named.field());
        Explicit slot = explicit.get(name);
        if (slot == null) {
            slot = new Explicit();
            explicit.put(name, slot);
        }
        slot.kind = kind;
        slot.value = value;
        slot.persistent = persistent;
        slot.stamp = ++clock;
    }

    /** Drops an explicit registration; fields are unaffected. */
    Object unregister(String name) {
        Explicit removed = explicit.remove(name);
        return removed == null ? null : removed.value;
    }

    /** The current registrations with non-null values, in registration order. */
    List<Entry> entries() {
        List<NamedField> fields = FIELDS.get(owner.getClass());
        List<Entry> result = new ArrayList<>(fields.size() + explicit.size());
        Map<String, Boolean> fieldNames = fields.isEmpty() ? Map.of() : new HashMap<>();
        for (NamedField named : fields) {
            fieldNames.put(named.name(), Boolean.TRUE);
            Seen current = observe(named.field());
            Explicit rival = explicit.get(named.name());
            if (rival != null && rival.stamp > current.stamp) {
                addIfPresent(result, named.name(), rival.kind, rival.value, rival.persistent);
            } else {
                Kind kind = kindOf(current.value);
                if (kind != null) result.add(new Entry(named.name(), kind, current.value, true));
            }
        }
        for (Map.Entry<String, Explicit> e : explicit.entrySet()) {
            if (fieldNames.containsKey(e.getKey())) continue;
            Explicit slot = e.getValue();
            addIfPresent(result, e.getKey(), slot.kind, slot.value, slot.persistent);
        }
        return result;
    }

    /**
     * Replaces the value registered as {@code name} wherever it currently comes from (the field
     * or the explicit registration), keeping its place and its precedence.
     */
    void replace(String name, Object value) {
        for (NamedField named : FIELDS.get(owner.getClass())) {
            if (!named.name().equals(name)) continue;
            Seen current = observe(named.field());
            Explicit rival = explicit.get(name);
            if (rival != null && rival.stamp > current.stamp) break;
            write(named.field(), value);
            current.value = value;
            return;
        }
        Explicit slot = explicit.get(name);
        if (slot == null) throw new IllegalStateException("no module member named '" + name + "' to replace");
        slot.value = value;
    }

    private static void addIfPresent(List<Entry> result, String name, Kind kind, Object value, boolean persistent) {
        if (value != null) result.add(new Entry(name, kind, value, persistent));
    }

    private Seen observe(Field field) {
        Object value = read(field);
        Seen state = seen.get(field);
        if (state == null) {
            state = new Seen();
            seen.put(field, state);
            state.value = value;
            state.stamp = ++clock;
        } else if (state.value != value) {
            state.value = value;
            state.stamp = ++clock;
        }
        return state;
    }

    private static Kind kindOf(Object value) {
        if (value instanceof Parameter) return Kind.PARAMETER;
        if (value instanceof Tensor) return Kind.BUFFER;
        if (value instanceof Module) return Kind.MODULE;
        return null;
    }

    private Object read(Field field) {
        try {
            return field.get(owner);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read field " + field + " to register it: " + e.getMessage(), e);
        }
    }

    private void write(Field field, Object value) {
        try {
            field.set(owner, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot replace the value of field " + field + " (make it non-final, or "
                    + "register the value explicitly): " + e.getMessage(), e);
        }
    }

    private static List<NamedField> scanFields(Class<?> type) {
        if (type == Module.class || type == Object.class || type == null) return List.of();
        List<NamedField> result = new ArrayList<>(scanFields(type.getSuperclass()));
        for (Field field : type.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers) || field.isSynthetic()) continue;
            if (!mayHoldMember(field.getType())) continue;
            try {
                field.setAccessible(true);
            } catch (InaccessibleObjectException e) {
                throw new IllegalStateException("cannot register field " + field + " by reflection: open its package to "
                        + "the dev.ember.nn module, or mark the field transient and register the value explicitly", e);
            }
            String name = snakeCase(field.getName());
            result.removeIf(existing -> existing.name().equals(name));
            result.add(new NamedField(field, name));
        }
        return List.copyOf(result);
    }

    private static boolean mayHoldMember(Class<?> declared) {
        return Module.class.isAssignableFrom(declared) || Tensor.class.isAssignableFrom(declared)
                || declared.isAssignableFrom(Module.class) || declared.isAssignableFrom(Tensor.class);
    }

    /**
     * PyTorch's attribute style for a Java field name ({@code runningMean} becomes
     * {@code running_mean}), so that state dicts of equivalent models have the same keys.
     */
    static String snakeCase(String name) {
        StringBuilder out = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                boolean afterLower = i > 0 && (Character.isLowerCase(name.charAt(i - 1)) || Character.isDigit(name.charAt(i - 1)));
                boolean acronymEnd = i > 0 && Character.isUpperCase(name.charAt(i - 1))
                        && i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
                if (afterLower || acronymEnd) out.append('_');
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void checkName(String name, Kind kind) {
        String what = switch (kind) {
            case PARAMETER -> "parameter";
            case BUFFER -> "buffer";
            case MODULE -> "module";
        };
        if (name == null) throw new IllegalArgumentException(what + " name should be a string. Got null");
        if (name.isEmpty()) throw new IllegalArgumentException(what + " name can't be empty string \"\"");
        if (name.contains(".")) throw new IllegalArgumentException(what + " name can't contain \".\", got: " + name);
    }

    /** Whether {@code name} is currently registered (from any source) with a non-null value. */
    boolean contains(String name) {
        for (Entry e : entries()) if (e.name().equals(name)) return true;
        return false;
    }

    /** A snapshot of the entries of one kind, by name. */
    LinkedHashMap<String, Object> of(Kind kind) {
        LinkedHashMap<String, Object> result = new LinkedHashMap<>();
        for (Entry e : entries()) if (e.kind() == kind) result.put(e.name(), e.value());
        return result;
    }
}
