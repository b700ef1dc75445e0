package dev.ember.bench;

/**
 * One named workload of a group; running it prints its {@link Results} lines.
 *
 * <pre>{@code
 * for (Workload w : Groups.all()) if (settings.selects(w.group(), w.name())) w.run(settings);
 * }</pre>
 */
interface Workload {
    String group();

    String name();

    void run(Settings settings) throws Exception;
}
