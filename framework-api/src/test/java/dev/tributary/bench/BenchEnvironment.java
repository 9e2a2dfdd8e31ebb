package dev.tributary.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What a bench main needs around its measurements: its settings (system properties, so that a quick check can run
 * the same code with tiny sizes), a description of the machine and its load, and heap and RSS readings.
 */
public final class BenchEnvironment {

    private BenchEnvironment() {
    }

    /**
     * Keeps INFO lines out of the figures unless the caller chose a level: Hibernate's go through SLF4J like the
     * runtime's (not java.util.logging), and its warning that the test database uses its built-in pool is dropped.
     */
    public static void quietLogging() {
        System.setProperty("org.jboss.logging.provider", System.getProperty("org.jboss.logging.provider", "slf4j"));
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
            System.setProperty("org.slf4j.simpleLogger.log.org.hibernate.orm.connections.pooling", "error");
        }
    }

    public static int intSetting(String name, int defaultValue) {
        return Integer.getInteger(name, defaultValue);
    }

    public static List<Integer> intsSetting(String name, String defaultValue) {
        return Arrays.stream(System.getProperty(name, defaultValue).split(","))
                .map(String::trim).map(Integer::valueOf).toList();
    }

    /** Cores, memory, JVM and the load average now: figures taken on a busy machine are not comparable. */
    public static String describeMachine() {
        Runtime runtime = Runtime.getRuntime();
        return String.format("machine: %d cores, %s memory, %s %s, max heap %,d MiB, load average %s",
                runtime.availableProcessors(), memTotal(), System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), runtime.maxMemory() >> 20, loadAverage());
    }

    /** The 1, 5 and 15 minute load averages from /proc/loadavg, or "unknown" off Linux. */
    public static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(line -> line.startsWith("MemTotal:"))
                    .map(line -> String.format("%.1f GiB", Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0))
                    .findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * Heap in use after full collections, repeated until it stops shrinking, so that what is left is what is still
     * reachable rather than garbage that a collection happened not to reach yet.
     */
    public static long heapUsedAfterGc() {
        long previous = Long.MAX_VALUE;
        for (int round = 0; round < 10; round++) {
            System.gc();
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (used >= previous - (previous >> 8)) {
                return Math.min(used, previous);
            }
            previous = used;
        }
        return previous;
    }

    /**
     * A size in bytes from /proc/self/status, such as {@code VmRSS} (resident set), {@code RssAnon} (its anonymous
     * part: heap, native memory, stacks) or {@code RssFile} (its file-mapped part); -1 off Linux.
     */
    public static long processStatusBytes(String field) {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith(field + ":"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")) * 1024)
                    .findFirst().orElse(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    public static String mib(long bytes) {
        return String.format("%,.1f MiB", bytes / 1024.0 / 1024.0);
    }
}
