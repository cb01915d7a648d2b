package org.diskpaxos.lock.daemon;

import java.io.PrintStream;
import java.time.Instant;

/**
 * The daemon's log: one logfmt line per event on a stream (stderr under systemd goes to the journal), saying what
 * happened and why: {@code ts=... level=info event=acquired resource=vms/disk1 fence=7 client=...}.
 */
public final class DaemonLog {
    private final PrintStream out;
    private final boolean debug;

    public DaemonLog(PrintStream out, boolean debug) {
        this.out = out;
        this.debug = debug;
    }

    public void info(String event, String... keyValues) {
        line("info", event, keyValues);
    }

    public void warn(String event, String... keyValues) {
        line("warn", event, keyValues);
    }

    public void debug(String event, String... keyValues) {
        if (debug) {
            line("debug", event, keyValues);
        }
    }

    private void line(String level, String event, String... kv) {
        StringBuilder b = new StringBuilder(128);
        b.append("ts=").append(Instant.now()).append(" level=").append(level).append(" event=").append(event);
        for (int i = 0; i + 1 < kv.length; i += 2) {
            b.append(' ').append(kv[i]).append('=').append(quote(kv[i + 1]));
        }
        synchronized (out) {
            out.println(b);
        }
    }

    private static String quote(String v) {
        if (v == null) {
            return "\"\"";
        }
        if (v.isEmpty() || v.chars().anyMatch(c -> c == ' ' || c == '"' || c == '=' || c < 0x20)) {
            return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
        }
        return v;
    }
}
