/**
 * Linux loop devices attached and detached with {@code losetup}: real block devices backed by a file, for the
 * raw-device tests and the I/O benchmark. Needs root and util-linux.
 */
package org.diskpaxos.blockdev.loop;
