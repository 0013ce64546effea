#!/bin/sh
# dracut pre-mount hook (tests): one kernel log line with the root's state
# and the swap areas on netswap disks.
. /usr/lib/netswap-test/nstest-report
nstest_report "${NEWROOT:-/sysroot}"
