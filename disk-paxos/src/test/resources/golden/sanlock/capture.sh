#!/usr/bin/env bash
# Captures the real-sanlock fixtures in this directory. Run once, by hand, as root, with Debian's sanlock 3.8.5
# installed; the outputs are then frozen in git. Each fixture holds the exact bytes sanlock wrote, as hex, after
# comment lines with the command and, where sanlock can print it, `sanlock direct read_leader` output, which
# SanlockFixtureTest parses to check our decoder against sanlock's own reading of the same bytes.
# Usage: capture.sh SCRATCH_DIR   (SCRATCH_DIR must not be on tmpfs: sanlock uses O_DIRECT)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
scratch="${1:?scratch directory (not tmpfs)}"
mkdir -p "$scratch"
f="$scratch/fixture.img"

emit() { # emit NAME OFFSET LENGTH COMMENT... ; reads extra comment lines from stdin
    local name=$1 offset=$2 length=$3; shift 3
    {
        echo "# captured from sanlock $(sanlock version 2>/dev/null | tr -d '\n'): $*"
        sed 's/^/# /'
        od -An -v -tx1 -w16 -j "$offset" -N "$length" "$f" | sed 's/^ //'
    } > "$here/$name.hex"
}

rl() { { sanlock direct read_leader "$@" 2>&1 || true; } | sed -n '/^magic/,$p' | sed 's/^/read_leader /'; }

# 512/1M lockspace TESTLS, io_timeout 10, then host 3 joins with io_timeout 1 (acquire_id waits 2 * io_timeout).
rm -f "$f"; truncate -s 4M "$f"
sanlock direct init -s "TESTLS:0:$f:0" -o 10 >/dev/null
rl -s "TESTLS:1:$f:0" | emit delta-512-init-host1 0 512 "direct init -s TESTLS:0:img:0 -o 10; sector of host 1"
rl -s "TESTLS:2000:$f:0" | emit delta-512-init-host2000 $((1999 * 512)) 512 "direct init -s TESTLS:0:img:0 -o 10; sector of host 2000"
sanlock direct acquire_id -s "TESTLS:3:$f:0" -o 1 >/dev/null
rl -s "TESTLS:3:$f:0" | emit delta-512-acquired-host3 1024 512 "direct acquire_id -s TESTLS:3:img:0 -o 1; sector of host 3"

# 512/1M resource RES1 at 1 MiB: init, then host 1 generation 1 acquires (uncontended ballot).
# (sanlock 3.8.5 `direct release` prints "release done 0" but leaves leader and dblock unchanged, so no
# released fixture is captured.)
sanlock direct init -r "TESTLS:RES1:$f:1048576" >/dev/null
rl -r "TESTLS:RES1:$f:1048576" | emit paxos-512-init-leader 1048576 512 "direct init -r TESTLS:RES1:img:1048576; leader sector"
emit paxos-512-init-request $((1048576 + 512)) 512 "direct init -r TESTLS:RES1:img:1048576; request sector" </dev/null
sanlock direct acquire -r "TESTLS:RES1:$f:1048576" -i 1 -g 1 >/dev/null
rl -r "TESTLS:RES1:$f:1048576" | emit paxos-512-acquired-leader 1048576 512 "direct acquire -r TESTLS:RES1:img:1048576 -i 1 -g 1; leader sector"
rl -r "TESTLS:RES1:$f:1048576" | emit paxos-512-acquired-host1 $((1048576 + 1024)) 512 "direct acquire -r TESTLS:RES1:img:1048576 -i 1 -g 1; host 1 dblock sector; leader as read after the acquire"

# Cleared resource (-z 1) at 2 MiB.
sanlock direct init -r "TESTLS:RES2:$f:2097152" -z 1 >/dev/null
rl -r "TESTLS:RES2:$f:2097152" | emit paxos-512-cleared-leader 2097152 512 "direct init -r TESTLS:RES2:img:2097152 -z 1; leader sector"

# 4096-byte sectors: lockspace 4K/8M and resource 4K/1M.
rm -f "$f"; truncate -s 16M "$f"
sanlock direct init -s "LS4K:0:$f:0" -Z 4096 -A 8M -o 10 >/dev/null
rl -s "LS4K:1:$f:0" | emit delta-4k8m-init-host1 0 4096 "direct init -s LS4K:0:img:0 -Z 4096 -A 8M -o 10; sector of host 1"
sanlock direct init -r "LS4K:RES4K:$f:8388608" -Z 4096 -A 1M >/dev/null
rl -r "LS4K:RES4K:$f:8388608" | emit paxos-4k1m-init-leader 8388608 4096 "direct init -r LS4K:RES4K:img:8388608 -Z 4096 -A 1M; leader sector"

# Resource index after the lockspace, with two entries.
rm -f "$f"; truncate -s 8M "$f"
sanlock direct init -s "TESTLS:0:$f:0" -o 1 >/dev/null
sanlock direct format -x "TESTLS:$f:1048576" >/dev/null
sanlock direct update -x "TESTLS:$f:1048576" -e myres:3145728 >/dev/null
sanlock direct update -x "TESTLS:$f:1048576" -e other:5242880 >/dev/null
sanlock direct lookup -x "TESTLS:$f:1048576" 2>&1 | sed 's/^/lookup /' | emit rindex-512-header 1048576 512 "direct format -x TESTLS:img:1048576; update -e myres:3145728; update -e other:5242880; header sector"
sanlock direct lookup -x "TESTLS:$f:1048576" -e other 2>&1 | sed 's/^/lookup /' | emit rindex-512-entries $((1048576 + 512)) 512 "same; first entry sector (entries 0..7)"
rm -f "$f"
