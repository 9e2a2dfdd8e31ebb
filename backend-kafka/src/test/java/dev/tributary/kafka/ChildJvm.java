package dev.tributary.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A main class of the test class path run in a JVM of its own, so that a kill test can SIGKILL it. Its output goes to
 * a file, and a wait on it fails with that output, which is all there is to tell why the child did not get there.
 */
final class ChildJvm {

    private final String name;
    private final Path output;
    private final Process process;

    private ChildJvm(String name, Path output, Process process) {
        this.name = name;
        this.output = output;
        this.process = process;
    }

    /**
     * Starts {@code main} with {@code args} in a JVM with this one's class path and a 256 MB heap, writing its standard
     * output and error to {@code output}; {@code name} (such as "first member") names it in failure messages.
     */
    static ChildJvm start(String name, Path output, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        return new ChildJvm(name, output, process);
    }

    Process process() {
        return process;
    }

    /** Waits until {@code condition} holds; fails with the child's output if it ends first or patience runs out. */
    void eventually(String what, BooleanSupplier condition, Duration patience) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                fail("the " + name + " process ended (exit " + process.exitValue() + ") before " + what + ":\n"
                        + output());
            }
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after " + patience + " waiting until " + what + ":\n" + output());
            }
            Thread.sleep(50);
        }
    }

    /** Waits until the child ends by itself; fails with its output if patience runs out first. */
    void awaitExit(String what, Duration patience) throws IOException, InterruptedException {
        if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("gave up after " + patience + " waiting until " + what + ":\n" + output());
        }
    }

    /** What the child has written so far, under a heading that names it. */
    String output() throws IOException {
        return "--- output of the " + name + " ---\n"
                + (Files.exists(output) ? Files.readString(output) : "(no output)");
    }

    /**
     * For a child's main: blocks until the parent closes this JVM's standard input. A kill test's child thus runs
     * until it is killed, while a parent that closes the pipe lets it end in order.
     */
    static void awaitEndOfInput() {
        try {
            while (System.in.read() >= 0) {
                // keep reading until the parent closes the pipe
            }
        } catch (IOException e) {
            // the parent is gone
        }
    }
}
