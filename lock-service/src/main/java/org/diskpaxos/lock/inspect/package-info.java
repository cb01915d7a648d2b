/**
 * Reading disks without changing them: {@link org.diskpaxos.lock.inspect.DiskDump} describes lockspaces, host slots,
 * resource indexes and resource leases for {@code dplock dump}; {@link org.diskpaxos.lock.inspect.JsonWriter} writes
 * the CLI's {@code --json} output.
 */
package org.diskpaxos.lock.inspect;
