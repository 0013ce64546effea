#!/bin/bash
# dracut module for the tests only (t-33-early-boot): a pre-mount hook that
# reports, in the kernel log, what swap is on while the root is not yet
# mounted, and a cmdline hook that accepts the harness's 9p root.
check() { return 255; }
depends() { return 0; }
# shellcheck disable=SC2154  # moddir: set by dracut
install() {
	inst_simple "$moddir/nstest-report" /usr/lib/netswap-test/nstest-report
	inst_hook cmdline 99 "$moddir/nstest-root.sh"
	inst_hook pre-mount 99 "$moddir/nstest-premount.sh"
}
