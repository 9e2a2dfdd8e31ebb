package dev.tributary.sample.pos;

import dev.tributary.sample.pos.load.LoadSettings;
import dev.tributary.sample.pos.load.WorldRequest;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line: a command, then {@code --name value} (or {@code --name=value}) options. Every bad value is
 * refused with the option's name and the value given.
 */
public record PosOptions(Command command, Path dataDir, Backend backend, Optional<String> bootstrapServers,
                         int kafkaPort, Optional<String> jdbcUrl, WorldRequest world, LoadSettings load,
                         Optional<String> shop, Optional<String> item, Optional<LocalDate> day, int limit) {

    public enum Command {
        RUN("run the tills and the back office, then verify (opens the shops on first use)"),
        REPLAY("rebuild the read models from the log, then verify"),
        VERIFY("catch up, then verify the stock of every shop and item"),
        STOCK("stock on hand of a shop (--shop, optionally --item)"),
        SALES("sales per shop per day (optionally --shop, --day)"),
        SHORTAGES("shortage and low-stock list (optionally --shop)"),
        HELP("this text");

        private final String summary;

        Command(String summary) {
            this.summary = summary;
        }

        String cli() {
            return name().toLowerCase();
        }
    }

    public enum Backend {
        KAFKA, MEMORY
    }

    /** The command line could not be understood; the message says which option and value. */
    public static final class UsageException extends IllegalArgumentException {
        public UsageException(String message) {
            super(message);
        }
    }

    private static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    static {
        option("--data-dir", "DIR", "data folder: Kafka log and HSQLDB database (default ./data/pos)");
        option("--backend", "NAME", "kafka (default: embedded broker) or memory (nothing kept, run only)");
        option("--bootstrap-servers", "H:P", "use this Kafka cluster instead of the embedded broker");
        option("--kafka-port", "N", "port of the embedded broker (default 0: any free port)");
        option("--jdbc-url", "URL", "read-model database (default HSQLDB under the data folder), e.g."
                + " jdbc:postgresql://host:5432/pos?user=..&password=..");
        option("--shops", "N", "shops (first run only; default 1000)");
        option("--tills", "N", "tills in all (first run only; default 10 per shop)");
        option("--items", "N", "items stocked by every shop (first run only; default 50)");
        option("--partitions", "N", "partitions per stream (first run only; default 8)");
        option("--seed", "N", "seeds prices, opening stock and the load (first run only; default 42)");
        option("--rate", "N", "receipts per second over all tills, 0 = as fast as accepted (default 500)");
        option("--duration", "D", "how long the tills run: 30s, 2m, 1h (default 30s)");
        option("--threads", "N", "till threads (default 2)");
        option("--shop", "ID", "a shop, e.g. s00001");
        option("--item", "ID", "an item, e.g. i0001");
        option("--day", "YYYY-MM-DD", "a day (UTC)");
        option("--limit", "N", "at most this many rows (default 50)");
    }

    private static void option(String name, String argument, String help) {
        OPTIONS.put(name, String.format("%-26s %s", name + " " + argument, help));
    }

    private static final Map<Command, Set<String>> ALLOWED = Map.of(
            Command.RUN, Set.of("--data-dir", "--backend", "--bootstrap-servers", "--kafka-port", "--jdbc-url",
                    "--shops", "--tills", "--items", "--partitions", "--seed", "--rate", "--duration", "--threads"),
            Command.REPLAY, Set.of("--data-dir", "--backend", "--bootstrap-servers", "--kafka-port", "--jdbc-url"),
            Command.VERIFY, Set.of("--data-dir", "--backend", "--bootstrap-servers", "--kafka-port", "--jdbc-url"),
            Command.STOCK, Set.of("--data-dir", "--backend", "--jdbc-url", "--shop", "--item"),
            Command.SALES, Set.of("--data-dir", "--backend", "--jdbc-url", "--shop", "--day", "--limit"),
            Command.SHORTAGES, Set.of("--data-dir", "--backend", "--jdbc-url", "--shop", "--limit"),
            Command.HELP, Set.of());

    public static PosOptions parse(String... args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            return help();
        }
        Command command = command(args[0]);
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return help();
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "': options look like --name value");
            }
            String name = arg;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException("option " + name + " needs a value");
            }
            if (!OPTIONS.containsKey(name)) {
                throw new UsageException("unknown option " + name + "; " + command.cli() + " takes "
                        + String.join(", ", sorted(ALLOWED.get(command))));
            }
            if (!ALLOWED.get(command).contains(name)) {
                throw new UsageException("option " + name + " does not apply to " + command.cli() + "; it takes "
                        + String.join(", ", sorted(ALLOWED.get(command))));
            }
            if (given.put(name, value) != null) {
                throw new UsageException("option " + name + " was given twice");
            }
        }

        Backend backend = switch (given.getOrDefault("--backend", "kafka")) {
            case "kafka" -> Backend.KAFKA;
            case "memory" -> Backend.MEMORY;
            default -> throw new UsageException("--backend must be kafka or memory, got '" + given.get("--backend") + "'");
        };
        if (backend == Backend.MEMORY && (given.containsKey("--bootstrap-servers") || given.containsKey("--kafka-port"))) {
            throw new UsageException("--backend memory uses no Kafka: drop --bootstrap-servers and --kafka-port");
        }
        if (given.containsKey("--bootstrap-servers") && given.containsKey("--kafka-port")) {
            throw new UsageException("--kafka-port sets the embedded broker's port; with --bootstrap-servers no broker"
                    + " is embedded");
        }
        Optional<String> bootstrap = Optional.ofNullable(given.get("--bootstrap-servers"));
        bootstrap.ifPresent(servers -> {
            if (!servers.matches("[^\\s,:]+:\\d+(,[^\\s,:]+:\\d+)*")) {
                throw new UsageException("--bootstrap-servers must be host:port[,host:port...], got '" + servers + "'");
            }
        });
        Optional<String> jdbcUrl = Optional.ofNullable(given.get("--jdbc-url"));
        jdbcUrl.ifPresent(url -> {
            if (!url.startsWith("jdbc:")) {
                throw new UsageException("--jdbc-url must start with 'jdbc:', got '" + url + "'");
            }
        });

        WorldRequest world = new WorldRequest(optionalInt(given, "--shops", 1), optionalInt(given, "--tills", 1),
                optionalInt(given, "--items", 1), optionalInt(given, "--partitions", 1),
                given.containsKey("--seed") ? parseLong("--seed", given.get("--seed")) : null);
        LoadSettings defaults = LoadSettings.DEFAULT;
        LoadSettings load;
        try {
            load = new LoadSettings(intOr(given, "--rate", 0, defaults.salesPerSecond()),
                    given.containsKey("--duration") ? duration(given.get("--duration")) : defaults.duration(),
                    intOr(given, "--threads", 1, defaults.tillThreads()), defaults.maxInFlight());
        } catch (IllegalArgumentException e) {
            throw e instanceof UsageException ? e : new UsageException(e.getMessage());
        }

        Optional<String> shop = Optional.ofNullable(given.get("--shop"));
        if (command == Command.STOCK && shop.isEmpty()) {
            throw new UsageException("stock needs --shop, e.g. --shop s00001");
        }
        Optional<LocalDate> day = Optional.ofNullable(given.get("--day")).map(text -> {
            try {
                return LocalDate.parse(text);
            } catch (DateTimeParseException e) {
                throw new UsageException("--day must be a date like 2025-06-30, got '" + text + "'");
            }
        });
        return new PosOptions(command, Path.of(given.getOrDefault("--data-dir", "data/pos")), backend, bootstrap,
                intOr(given, "--kafka-port", 0, 0), jdbcUrl, world, load, shop,
                Optional.ofNullable(given.get("--item")), day, intOr(given, "--limit", 1, 50));
    }

    public static String usage() {
        StringBuilder text = new StringBuilder("Usage: java -jar sample-pos.jar <command> [options]\n\nCommands:\n");
        for (Command c : Command.values()) {
            text.append(String.format("  %-10s %s%n", c.cli(), c.summary));
        }
        text.append("\nOptions:\n");
        OPTIONS.values().forEach(help -> text.append("  ").append(help).append('\n'));
        text.append("\nThe first run fixes the world (shops, tills, items, partitions, seed) in the data folder;"
                + " later runs continue it.\n");
        return text.toString();
    }

    private static PosOptions help() {
        return new PosOptions(Command.HELP, Path.of("data/pos"), Backend.KAFKA, Optional.empty(), 0, Optional.empty(),
                WorldRequest.STORED_OR_DEFAULT, LoadSettings.DEFAULT, Optional.empty(), Optional.empty(),
                Optional.empty(), 50);
    }

    private static Command command(String text) {
        for (Command c : Command.values()) {
            if (c.cli().equals(text)) {
                return c;
            }
        }
        throw new UsageException("unknown command '" + text + "'; commands: "
                + String.join(", ", List.of(Command.values()).stream().map(Command::cli).toList()));
    }

    private static Integer optionalInt(Map<String, String> given, String name, int min) {
        return given.containsKey(name) ? parseInt(name, given.get(name), min) : null;
    }

    private static int intOr(Map<String, String> given, String name, int min, int fallback) {
        return given.containsKey(name) ? parseInt(name, given.get(name), min) : fallback;
    }

    private static int parseInt(String name, String text, int min) {
        int value;
        try {
            value = Integer.parseInt(text.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a whole number, got '" + text + "'");
        }
        if (value < min) {
            throw new UsageException(name + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    private static long parseLong(String name, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a whole number, got '" + text + "'");
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new UsageException("--duration must look like 500ms, 30s, 2m or 1h, got '" + text + "'");
        }
        long amount = Long.parseLong(m.group(1));
        Duration duration = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
        if (duration.isZero()) {
            throw new UsageException("--duration must be positive, got '" + text + "'");
        }
        return duration;
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }
}
