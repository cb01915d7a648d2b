package org.diskpaxos.lock.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.diskpaxos.blockdev.BlockDevice;
import org.diskpaxos.blockdev.BlockDeviceOptions;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.daemon.DaemonConfig;
import org.diskpaxos.lock.daemon.DaemonConnection;
import org.diskpaxos.lock.daemon.Frame;
import org.diskpaxos.lock.disk.LockspaceFormat;
import org.diskpaxos.lock.disk.LockspaceLayout;
import org.diskpaxos.lock.embedded.EmbeddedLeaseClient;
import org.diskpaxos.paxos.ondisk.AreaGeometry;

/**
 * {@code dplock init lockspace NAME --disks ...} formats a lockspace on its disks (sanlock's layout: lockspace,
 * resource index, index lease); {@code dplock init resource LOCKSPACE/RESOURCE} adds a resource to a lockspace
 * through the local daemon, which must have joined it.
 */
final class InitCommand implements Command, OptionSpec {

    @Override
    public String name() {
        return "init";
    }

    @Override
    public String summary() {
        return "format a lockspace on its disks, or add a resource to one";
    }

    @Override
    public String help() {
        return """
                usage: dplock init lockspace NAME --disks PATH[:OFFSET][,PATH[:OFFSET]...] [--sector-size 512|4096]
                                  [--align 1M|2M|4M|8M] [--max-resources N] [--create-size BYTES] [--force]
                       dplock init resource LOCKSPACE/RESOURCE [--socket PATH]

                init lockspace writes the lockspace area, the resource index and its lease on each disk (1, 3, 5 or 7
                disks), in sanlock's on-disk format: `sanlock direct dump` reads it. It refuses to overwrite a disk
                that already holds a lockspace unless --force. --create-size makes missing files of that size.
                init resource adds a resource to the lockspace's index and formats its lease area, through the local
                daemon (which must have joined the lockspace).""";
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("disks", "sector-size", "align", "max-resources", "create-size", "socket");
    }

    @Override
    public Set<String> booleanOptions() {
        return Set.of("force");
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws Exception {
        List<String> pos = args.positional();
        if (pos.size() != 2 || !(pos.get(0).equals("lockspace") || pos.get(0).equals("resource"))) {
            throw new UsageException("init: expected 'init lockspace NAME ...' or 'init resource LOCKSPACE/RESOURCE'");
        }
        return pos.get(0).equals("lockspace") ? lockspace(pos.get(1), args, out) : resource(pos.get(1), args, out, err);
    }

    private int lockspace(String name, Args args, PrintStream out) throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("disks", args.required("disks").replace(',', ' '));
        p.setProperty("sector_size", args.string("sector-size", "512"));
        p.setProperty("align", args.string("align", "1M"));
        p.setProperty("max_resources", args.string("max-resources", String.valueOf(LockspaceLayout.MAX_RESOURCES_DEFAULT)));
        DaemonConfig.LockspaceConfig ls;
        try {
            ls = DaemonConfig.from(withLockspace(name, p)).lockspaces().get(0);
        } catch (DaemonConfig.ConfigException e) {
            throw new UsageException("init: " + e.getMessage().replace("lockspace." + name + ".", "--").replace('_', '-'));
        }
        AreaGeometry g = ls.geometry();
        LockspaceLayout layout = new LockspaceLayout(g, ls.maxResources());
        long createSize;
        try {
            createSize = args.has("create-size") ? DaemonConfig.parseSize("--create-size", args.string("create-size",
                    "0")) : 0;
        } catch (DaemonConfig.ConfigException e) {
            throw new UsageException("init: " + e.getMessage());
        }
        if (createSize > BlockDevices.MAX_CREATE_SIZE_BYTES) {
            throw new UsageException("init: --create-size must be at most " + BlockDevices.MAX_CREATE_SIZE_BYTES);
        }
        List<BlockDevice> devices = new ArrayList<>();
        try {
            List<LockspaceFormat.Target> targets = new ArrayList<>();
            for (EmbeddedLeaseClient.Disk d : ls.disks()) {
                BlockDeviceOptions o = BlockDeviceOptions.direct().withSectorSize(g.sectorSizeBytes());
                if (createSize > 0) {
                    o = o.withCreateSize(createSize);
                }
                BlockDevice dev = BlockDevices.open(d.path(), o);
                devices.add(dev);
                targets.add(new LockspaceFormat.Target(dev, d.baseOffsetBytes()));
            }
            LockspaceFormat.format(name, layout, targets, 1, args.flag("force"));
        } finally {
            for (BlockDevice d : devices) {
                d.close();
            }
        }
        out.println("formatted lockspace '" + name + "' on " + ls.disks().size() + " disk(s): " + g.describe()
                + ", up to " + ls.maxResources() + " resources");
        return 0;
    }

    private static java.util.Properties withLockspace(String name, java.util.Properties lsProps) {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("host_id", "1");
        for (String k : lsProps.stringPropertyNames()) {
            p.setProperty("lockspace." + name + "." + k, lsProps.getProperty(k));
        }
        return p;
    }

    private int resource(String spec, Args args, PrintStream out, PrintStream err) throws Exception {
        ResourceId id;
        try {
            id = ResourceId.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new UsageException("init: " + e.getMessage());
        }
        Frame reply;
        try (DaemonConnection c = DaemonConnection.open(DaemonAddress.socket(args), "dplock init", null)) {
            reply = c.request(Frame.of(Frame.Type.CREATE_RESOURCE, 0, "resource", id.toString())).get();
        } catch (java.io.IOException e) {
            err.println("dplock init: " + e.getMessage());
            return RunCommand.EXIT_NO_DAEMON;
        }
        if (reply.type() != Frame.Type.OK) {
            err.println("dplock init: " + reply.get("error", "failed"));
            return RunCommand.EXIT_FAILURE;
        }
        out.println("resource " + id + " ready");
        return 0;
    }
}
