package org.diskpaxos.sim.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checkers run in registration order after every event, names are unique, and the time checker can fail. */
class CheckerTest {

    /** A context whose time the test sets, recording failures by throwing as the simulation does. */
    private static final class FakeContext implements CheckContext {
        long now;

        @Override
        public long nowNs() {
            return now;
        }

        @Override
        public long eventCount() {
            return 0;
        }

        @Override
        public void fail(String checker, String message) {
            throw new InvariantViolation(checker, message, now, 0);
        }
    }

    private static Checker named(String name, List<String> log) {
        return new Checker() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void afterEvent(CheckContext context) {
                log.add(name);
            }

            @Override
            public void atEnd(CheckContext context) {
                log.add(name + " end");
            }
        };
    }

    @Test
    void registryRunsInOrderAndRefusesDuplicates() {
        List<String> log = new ArrayList<>();
        CheckerRegistry registry = new CheckerRegistry();
        registry.register(named("a", log));
        registry.register(named("b", log));
        assertThrows(IllegalArgumentException.class, () -> registry.register(named("a", log)));
        registry.afterEvent(new FakeContext());
        registry.atEnd(new FakeContext());
        assertEquals(List.of("a", "b", "a end", "b end"), log);
        for (int i = 2; i < CheckerRegistry.CHECKERS_MAX; i++) {
            registry.register(named("c" + i, log));
        }
        assertThrows(IllegalStateException.class, () -> registry.register(named("one too many", log)));
    }

    @Test
    void virtualTimeCheckerFailsWhenTimeGoesBack() {
        VirtualTimeChecker checker = new VirtualTimeChecker();
        FakeContext context = new FakeContext();
        context.now = 10;
        checker.afterEvent(context);
        context.now = 10;
        checker.afterEvent(context);
        context.now = 9;
        InvariantViolation v = assertThrows(InvariantViolation.class, () -> checker.afterEvent(context));
        assertEquals("virtual-time", v.checker());
        assertTrue(v.getMessage().contains("went back"));
    }
}
