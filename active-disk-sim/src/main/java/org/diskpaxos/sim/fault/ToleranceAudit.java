package org.diskpaxos.sim.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Counts what a {@link FaultPlan} does against its {@link ToleranceSpec}. */
final class ToleranceAudit {
    private ToleranceAudit() {
    }

    static List<String> violations(FaultPlan plan) {
        List<String> out = new ArrayList<>();
        ToleranceSpec spec = plan.spec();
        TreeSet<Integer> faultyDisks = effectiveFaultyDisks(plan, out);
        if (faultyDisks.size() > spec.faultyDisksMax()) {
            out.add("faulty disks " + faultyDisks + " exceed " + spec.faultyDisksMax());
        }
        for (int h = 0; h < plan.clockStartNs().size(); h++) {
            TreeSet<Integer> lost = new TreeSet<>(faultyDisks);
            for (TimedFault f : plan.events()) {
                if (f instanceof TimedFault.CutOff c && c.host() == h && c.endNs() > plan.healAtNs()) {
                    lost.add(c.disk());
                }
            }
            if (lost.size() > spec.faultyDisksMax()) {
                out.add("host " + h + " is left without disks " + lost + " after the heal");
            }
        }
        TreeSet<Integer> faultyHosts = effectiveFaultyHosts(plan);
        for (ToleranceSpec.HostGroup g : spec.hostGroups()) {
            long count = faultyHosts.stream().filter(g::contains).count();
            if (count > g.faultyMax()) {
                out.add("group " + g.name() + " has " + count + " faulty hosts, more than " + g.faultyMax());
            }
        }
        timing(plan, out);
        if (plan.tolerance() == Tolerance.WITHIN) {
            for (TimedFault f : plan.events()) {
                if (f.atNs() >= plan.healAtNs()) {
                    out.add("fault after the heal: " + f);
                }
            }
        }
        return out;
    }

    private static TreeSet<Integer> effectiveFaultyDisks(FaultPlan plan, List<String> out) {
        TreeSet<Integer> faulty = new TreeSet<>(plan.faultyDisks());
        for (int d = 0; d < plan.disks().size(); d++) {
            if (plan.disks().get(d).corruptsData() && !faulty.contains(d)) {
                out.add("disk " + d + " corrupts data but is not counted as faulty");
                faulty.add(d);
            }
        }
        for (TimedFault f : plan.events()) {
            if (f instanceof TimedFault.DiskStop s && s.endNs() > plan.healAtNs()) {
                faulty.add(s.disk());
            }
        }
        return faulty;
    }

    private static TreeSet<Integer> effectiveFaultyHosts(FaultPlan plan) {
        TreeSet<Integer> faulty = new TreeSet<>(plan.faultyHosts());
        int hosts = plan.clockStartNs().size();
        boolean[] down = new boolean[hosts];
        for (TimedFault f : plan.events()) {
            if (f.atNs() < plan.healAtNs()) {
                if (f instanceof TimedFault.Crash c) {
                    down[c.host()] = true;
                } else if (f instanceof TimedFault.Restart r) {
                    down[r.host()] = false;
                }
            } else if (f instanceof TimedFault.Crash c) {
                faulty.add(c.host());
            }
            if (f instanceof TimedFault.Pause p && p.endNs() > plan.healAtNs()) {
                faulty.add(p.host());
            }
            if (f instanceof TimedFault.Partition p && p.endNs() > plan.healAtNs()) {
                faulty.add(p.hostA());
            }
        }
        for (int h = 0; h < hosts; h++) {
            if (down[h]) {
                faulty.add(h);
            }
        }
        return faulty;
    }

    private static void timing(FaultPlan plan, List<String> out) {
        TimingBounds bounds = plan.spec().timing();
        for (int h = 0; h < plan.driftPpm().size(); h++) {
            if (Math.abs(plan.driftPpm().get(h)) > bounds.driftPpmMax()) {
                out.add("host " + h + " drifts " + plan.driftPpm().get(h) + " ppm, beyond " + bounds.driftPpmMax());
            }
        }
        for (TimedFault f : plan.events()) {
            if (f instanceof TimedFault.Drift d && Math.abs(d.driftPpm()) > bounds.driftPpmMax()) {
                out.add("host " + d.host() + " drifts " + d.driftPpm() + " ppm, beyond " + bounds.driftPpmMax());
            } else if (f instanceof TimedFault.Pause p && p.durationNs() > bounds.pauseNsMax()) {
                out.add("host " + p.host() + " pauses " + p.durationNs() + " ns, beyond " + bounds.pauseNsMax());
            } else if (f instanceof TimedFault.ClockStep s && s.stepNs() > bounds.clockStepNsMax()) {
                out.add("host " + s.host() + " clock steps " + s.stepNs() + " ns, beyond " + bounds.clockStepNsMax());
            }
        }
    }
}
