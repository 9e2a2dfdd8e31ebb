package dev.tributary.sample.pos;

import dev.tributary.sample.pos.load.LoadGenerator;
import dev.tributary.sample.pos.load.LoadSettings;
import dev.tributary.sample.pos.load.RunStats;
import dev.tributary.sample.pos.load.WorldRequest;
import dev.tributary.sample.pos.load.WorldSpec;
import dev.tributary.sample.pos.verify.VerificationReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A throughput benchmark: the default world (1,000 shops, 10,000 tills, 50 items) driven at full speed on the
 * in-memory log and then on the embedded Kafka broker, each in a fresh temporary folder with an HSQLDB file
 * database, each run verified. Prints receipts per second accepted by the tills and events per second projected
 * end to end (from the first sale to the verified read models).
 *
 * <pre>java -cp sample-pos/target/sample-pos.jar dev.tributary.sample.pos.PosBench [seconds per backend, default 10]</pre>
 */
public final class PosBench {

    private PosBench() {
    }

    public static void main(String[] args) throws Exception {
        Duration duration = Duration.ofSeconds(args.length > 0 ? seconds(args[0]) : 10);
        WorldSpec world = WorldSpec.DEFAULT;
        LoadSettings load = new LoadSettings(0, duration, 2, LoadSettings.DEFAULT.maxInFlight());
        System.out.printf("POS benchmark: %s; %d s per backend at full speed; %d cores%n", world, duration.toSeconds(),
                Runtime.getRuntime().availableProcessors());
        List<String> rows = List.of(
                bench("memory", world, load, dir -> LogBackend.inMemory()),
                bench("kafka (embedded)", world, load, dir -> LogBackend.embeddedKafka(dir.resolve("kafka"), 0)));
        System.out.printf("%n%-18s %14s %14s %14s %10s%n", "backend", "receipts", "receipts/s", "events/s e2e", "verified");
        rows.forEach(System.out::println);
        System.exit(0);
    }

    private static long seconds(String text) {
        try {
            long seconds = Long.parseLong(text);
            if (seconds > 0) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("the benchmark takes the seconds to run per backend, a positive whole"
                + " number; got '" + text + "'");
    }

    private static String bench(String name, WorldSpec world, LoadSettings load, Function<Path, LogBackend> backend)
            throws Exception {
        Path dir = Files.createTempDirectory("pos-bench-");
        try (PosPlatform pos = PosPlatform.open(new PosPlatform.Config(backend.apply(dir),
                PosDatabase.hsqldbFileUrl(dir.resolve("db")), PosNames.DEFAULT, WorldRequest.exactly(world)))) {
            LoadGenerator generator = pos.loadGenerator(load);
            generator.openShops(Duration.ofMinutes(5));
            pos.catchUp(Duration.ofMinutes(5));
            long eventsBefore = events(pos);
            System.out.printf("%s: running...%n", name);
            long start = System.nanoTime();
            RunStats stats = generator.run(() -> false, Duration.ofMinutes(2));
            long lagAtEnd = pos.lag();
            VerificationReport report = pos.verify(Duration.ofMinutes(10));
            double seconds = (System.nanoTime() - start) / 1e9;
            long events = events(pos) - eventsBefore;
            System.out.printf("%s: %,d receipts in %.1f s, %,d events projected in %.1f s (lag %,d when the tills stopped)%n",
                    name, stats.salesAccepted(), stats.elapsedSeconds(), events, seconds, lagAtEnd);
            System.out.print(report.render());
            return String.format("%-18s %,14d %,14.0f %,14.0f %10s", name, stats.salesAccepted(), stats.salesPerSecond(),
                    events / seconds, report.ok() ? "yes" : "NO");
        } finally {
            deleteRecursively(dir);
        }
    }

    private static long events(PosPlatform pos) {
        return pos.readModels().eventTallies().values().stream().mapToLong(Long::longValue).sum();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
