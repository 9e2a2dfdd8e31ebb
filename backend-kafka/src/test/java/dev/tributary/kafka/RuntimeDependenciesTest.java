package dev.tributary.kafka;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded broker is optional: an application that depends on backend-kafka gets kafka-clients, never the
 * broker (kafka_2.13, its Kafka server modules, Scala). Checked on the runtime dependency tree that the build writes
 * (see the pom), following Maven's rule that optional dependencies, and everything below them, do not propagate.
 */
class RuntimeDependenciesTest {

    @Test
    void an_application_depending_on_backend_kafka_gets_kafka_clients_but_no_broker_jars() throws IOException {
        Set<String> inherited = inheritedArtifacts(tree());

        assertTrue(inherited.contains("org.apache.kafka:kafka-clients"), "kafka-clients is inherited: " + inherited);
        assertTrue(inherited.contains("dev.tributary:framework-api"), "framework-api is inherited: " + inherited);
        assertEquals(Set.of("org.apache.kafka:kafka-clients"),
                inherited.stream().filter(a -> a.startsWith("org.apache.kafka:")).collect(TreeSet::new, Set::add, Set::addAll),
                "the only Kafka artifact an application inherits");
        assertFalse(inherited.stream().anyMatch(a -> a.startsWith("org.scala-lang:") || a.contains("_2.13")),
                "no Scala artifact is inherited: " + inherited);
    }

    @Test
    void the_broker_is_present_for_this_modules_own_tests_but_marked_optional() throws IOException {
        List<String> lines = tree();
        assertTrue(lines.stream().anyMatch(l -> l.contains("org.apache.kafka:kafka_2.13:") && l.endsWith("(optional)")),
                "kafka_2.13 is a direct optional dependency: " + lines);
    }

    /** The tree the build wrote; the pom passes its path (run through Maven, not from an IDE alone). */
    private static List<String> tree() throws IOException {
        String path = System.getProperty("tributary.runtime.dependencies");
        assertNotNull(path, "system property tributary.runtime.dependencies is set by the pom's surefire configuration");
        return Files.readAllLines(Path.of(path));
    }

    /**
     * Artifacts a consumer of the tree's root inherits: those reached from the root through non-optional edges
     * only. Lines look like {@code |  +- group:artifact:jar:version:scope (optional)}, three columns per level.
     */
    private static Set<String> inheritedArtifacts(List<String> tree) {
        Set<String> inherited = new TreeSet<>();
        List<Boolean> reachableAtDepth = new ArrayList<>();
        reachableAtDepth.add(true);
        for (String line : tree.subList(1, tree.size())) {
            int start = 0;
            while (start < line.length() && "|+-\\ ".indexOf(line.charAt(start)) >= 0) {
                start++;
            }
            if (start == line.length()) {
                continue;
            }
            int depth = start / 3;
            boolean reachable = reachableAtDepth.get(depth - 1) && !line.endsWith("(optional)");
            while (reachableAtDepth.size() > depth) {
                reachableAtDepth.remove(reachableAtDepth.size() - 1);
            }
            reachableAtDepth.add(reachable);
            if (reachable) {
                String[] coordinates = line.substring(start).split(":");
                inherited.add(coordinates[0] + ":" + coordinates[1]);
            }
        }
        return inherited;
    }
}
