#!/bin/sh
# dracut cmdline hook (tests): the harness's root is the host's, over 9p
# (root=hostroot rootfstype=9p), which systemd's fstab generator mounts but
# no dracut module claims; claim it, so dracut goes on to mount it.
# shellcheck disable=SC2154  # root: set by dracut
case $root in
hostroot) rootok=1 ;;
esac
# shellcheck disable=SC2034  # read by dracut
rootok=${rootok:-}
