package org.diskpaxos.lock.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of one subcommand: {@code --name value}, {@code --name=value}, boolean {@code --flag}, positional
 * words, and everything after {@code --} kept verbatim. A command declares which options it knows; an unknown
 * option, a missing value or a value of the wrong form is a {@link UsageException} naming it.
 */
final class Args {
    private final String command;
    private final Map<String, String> options = new LinkedHashMap<>();
    private final Set<String> flags = new LinkedHashSet<>();
    private final List<String> positional = new ArrayList<>();
    private final List<String> afterDoubleDash = new ArrayList<>();

    private Args(String command) {
        this.command = command;
    }

    /**
     * Parses {@code argv}. {@code valued} names the options that take a value; {@code booleans} those that do not.
     * {@code --help} and {@code --json} are always accepted as booleans.
     */
    static Args parse(String command, String[] argv, Set<String> valued, Set<String> booleans) throws UsageException {
        Args a = new Args(command);
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (arg.equals("--")) {
                for (int j = i + 1; j < argv.length; j++) {
                    a.afterDoubleDash.add(argv[j]);
                }
                break;
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                a.positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= argv.length) {
                        throw new UsageException(command + ": option --" + name + " needs a value");
                    }
                    value = argv[++i];
                }
                a.options.put(name, value);
            } else if (booleans.contains(name) || name.equals("help") || name.equals("json")) {
                if (value != null) {
                    throw new UsageException(command + ": option --" + name + " takes no value");
                }
                a.flags.add(name);
            } else {
                throw new UsageException(command + ": unknown option --" + name + " (see dplock " + command
                        + " --help)");
            }
        }
        return a;
    }

    String command() {
        return command;
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    boolean has(String name) {
        return options.containsKey(name);
    }

    String string(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    String required(String name) throws UsageException {
        String v = options.get(name);
        if (v == null) {
            throw new UsageException(command + ": missing required option --" + name);
        }
        return v;
    }

    long longValue(String name, long fallback, long min, long max) throws UsageException {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        long parsed;
        try {
            parsed = Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be a whole number, got '" + v + "'");
        }
        if (parsed < min || parsed > max) {
            throw new UsageException(command + ": --" + name + " must be between " + min + " and " + max
                    + ", got " + parsed);
        }
        return parsed;
    }

    int intValue(String name, int fallback, int min, int max) throws UsageException {
        return (int) longValue(name, fallback, min, max);
    }

    Duration duration(String name, Duration fallback) throws UsageException {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw new UsageException(command + ": --" + name + " " + e.getMessage());
        }
    }

    /** {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1.5} (seconds), {@code 250us}. */
    static Duration parseDuration(String v) {
        String s = v.trim();
        long unitNs;
        String number;
        if (s.endsWith("ms")) {
            unitNs = 1_000_000L;
            number = s.substring(0, s.length() - 2);
        } else if (s.endsWith("us")) {
            unitNs = 1_000L;
            number = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            unitNs = 1_000_000_000L;
            number = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            unitNs = 60_000_000_000L;
            number = s.substring(0, s.length() - 1);
        } else {
            unitNs = 1_000_000_000L;
            number = s;
        }
        double n;
        try {
            n = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a duration like 500ms, 10s or 2m, got '" + v + "'");
        }
        if (!(n >= 0) || Double.isInfinite(n) || n * unitNs > Long.MAX_VALUE) {
            throw new IllegalArgumentException("must be a non-negative duration, got '" + v + "'");
        }
        return Duration.ofNanos(Math.round(n * unitNs));
    }

    List<String> positional() {
        return positional;
    }

    List<String> afterDoubleDash() {
        return afterDoubleDash;
    }
}
