package dev.tributary.sample.pos;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A status line redrawn in place (carriage return) while work runs, from a daemon thread. When the output is not a
 * terminal it prints a plain line every few seconds instead, so logs stay readable.
 */
final class ProgressLine implements AutoCloseable {

    private static final int BAR_WIDTH = 24;

    private final PrintStream out;
    private final Supplier<String> line;
    private final boolean terminal;
    private final Thread thread;
    private volatile boolean stopped;
    private int lastLength;

    private ProgressLine(PrintStream out, Supplier<String> line, Duration every, boolean terminal) {
        this.out = out;
        this.line = line;
        this.terminal = terminal;
        long periodMillis = terminal ? every.toMillis() : Math.max(every.toMillis(), 5_000);
        this.thread = new Thread(() -> {
            while (!stopped) {
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
                if (!stopped) {
                    draw();
                }
            }
        }, "pos-progress");
        thread.setDaemon(true);
    }

    static ProgressLine start(PrintStream out, Supplier<String> line) {
        ProgressLine progress = new ProgressLine(out, line, Duration.ofMillis(500), System.console() != null);
        progress.thread.start();
        return progress;
    }

    /** {@code [#####.......]  42%} */
    static String bar(double fraction) {
        double clamped = Math.max(0, Math.min(1, fraction));
        int filled = (int) Math.round(clamped * BAR_WIDTH);
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] "
                + String.format("%3d%%", Math.round(clamped * 100));
    }

    private synchronized void draw() {
        String text;
        try {
            text = line.get();
        } catch (RuntimeException e) {
            text = "(status unavailable: " + e.getMessage() + ")";
        }
        if (terminal) {
            out.print("\r" + text + " ".repeat(Math.max(0, lastLength - text.length())));
            lastLength = text.length();
        } else {
            out.println(text);
        }
        out.flush();
    }

    /** Draws the line a last time and ends it. */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        draw();
        if (terminal) {
            out.println();
        }
    }
}
