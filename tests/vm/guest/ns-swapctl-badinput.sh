# shellcheck shell=bash
# Guest: swapctl on bad input. Each case exits with the documented code,
# prints one line saying what failed and why, and changes nothing in
# configfs or /proc/swaps. Secret files and netswaptab open to others are
# refused, the way ssh refuses loose keys; mutual CHAP from the command
# line and from netswaptab. Args: CHAP_USER CHAP_SECRET (the host tgt's
# incoming account) TARGET_USER TARGET_SECRET (its outgoing one).
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"
user=${1:?} secret=${2:?} tuser=${3:?} tsecret=${4:?}

# Before the module is loaded: add and apply load it (modprobe), and say
# why they could not; the other commands say it is not loaded. The guest
# has no installed netswap.ko, and a modprobe that fails the way Secure
# Boot makes it fail stands in for an unenrolled signature.
modprobe configfs
mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config
printf '#!/bin/sh\necho "modprobe: ERROR: could not insert '"'"'$1'"'"': Key was rejected by service" >&2\nexit 1\n' >/tmp/modprobe-sb
chmod 755 /tmp/modprobe-sb
early=iscsi://$NETSWAP_HOST_IP/iqn.2026-11.org.netswap.test:x/1
ns_sc_fails 5 "netswap module not loaded (modprobe netswap)" up x
ns_sc_fails 5 "cannot load the netswap module: modprobe: FATAL: Module netswap not found" add k0 "$early"
NETSWAP_MODPROBE=/tmp/modprobe-sb ns_sc_fails 5 \
	"cannot load netswap.ko: Secure Boot refuses its signature; enrol DKMS's key once (mokutil --import /var/lib/dkms/mok.pub, reboot, Enroll MOK)" \
	add k0 "$early"
NETSWAP_MODPROBE=/nonexistent/modprobe ns_sc_fails 5 "cannot load the netswap module: /nonexistent/modprobe: No such file or directory" add k0 "$early"
[ ! -d /sys/module/netswap ] || ns_fail "netswap got loaded by the failing cases"
ns_load
umask 022

h=$NETSWAP_HOST_IP
iqn=$NETSWAP_TGT_IQN
url=iscsi://$user@$h:$NETSWAP_TGT_PORT/$iqn/1
printf '%s\n' "$secret" >/tmp/good.secret
printf 'wrong-%s\n' "$secret" >/tmp/wrong.secret
printf '%s\n' "$tsecret" >/tmp/target.secret
printf 'wrong-%s\n' "$tsecret" >/tmp/target-wrong.secret
cp /tmp/good.secret /tmp/loose.secret
chmod 600 /tmp/good.secret /tmp/wrong.secret /tmp/target.secret /tmp/target-wrong.secret

# The kernel side: strict policies, errno and extended-ACK messages.
python3 "$NETSWAP_REPO/tests/vm/nlprobe.py" strict || ns_fail "netlink GET policy"

# The command line itself.
ns_sc_fails 1 "unknown command" frobnicate
ns_sc_fails 1 "expected NAME URL" add only-a-name
ns_sc_fails 1 "expected NAME or --all" up
ns_sc_fails 1 "priority" up x --priority 40000
ns_sc_fails 1 "--json and --prometheus exclude each other" status --json --prometheus
ns_sc_fails 1 "--prometheus covers every target: no NAME" status --prometheus x

# Names and URLs (nothing is created).
ns_sc_fails 1 "name" add "bad/name" "$url"
ns_sc_fails 1 "name" add -- "-dash" "$url"
ns_sc_fails 1 "name" add "$(printf 'n%.0s' {1..40})" "$url"
ns_sc_fails 1 "scheme" add u1 "http://$h/$iqn/1"
ns_sc_fails 1 "port" add u1 "iscsi://$h:99999/$iqn/1"
ns_sc_fails 1 "port" add u1 "iscsi://$h:0/$iqn/1"
ns_sc_fails 1 "port" add u1 "iscsi://$h:/$iqn/1"
ns_sc_fails 1 "]" add u1 "iscsi://[::1/$iqn/1"
ns_sc_fails 1 "[" add u1 "iscsi://::1]/$iqn/1"
ns_sc_fails 1 "secret" add u1 "iscsi://$user:pw@$h/$iqn/1"
ns_sc_fails 1 "lun" add u1 "iscsi://$h/$iqn"
ns_sc_fails 1 "lun" add u1 "iscsi://$h/$iqn/16384"
ns_sc_fails 1 "newline" add u1 "iscsi://$h/iq"$'\n'"n/1"
ns_sc_fails 1 "export and a file" add u1 "nfs://$h/onlyfile"
ns_sc_fails 1 "'..'" add u1 "nfs://$h/srv/../x"
ns_sc_fails 1 "export" add u1 "nfs://$h/srv/swap/f.img" -o export=/other
ns_sc_fails 1 "host" add u1 "iscsi://$(printf 'c%.0s' {1..300})/$iqn/1"
ns_sc_fails 1 "queue_depth" add u1 "$url" -o queue_depth=0
ns_sc_fails 1 "frob" add u1 "$url" -o frob=1
ns_sc_fails 1 "mount_port" add u1 "$url" -o mount_port=635
ns_sc_fails 1 "priority" add u1 "$url" -o priority=3
ns_sc_fails 1 "secret_file" add u1 "$url" --secret-file /nonexistent/secret
ns_sc_fails 1 "mutual CHAP needs both target_user= and target_secret_file=" \
	add u1 "$url" --secret-file /tmp/good.secret -o target_user="$tuser"
ns_sc_fails 1 "mutual CHAP needs user= and secret_file= too" \
	add u1 "iscsi://$h/$iqn/1" --target-secret-file /tmp/target.secret -o target_user="$tuser"

# Secret files and netswaptab that others can read or change.
ns_sc_fails 1 "secret_file /tmp/loose.secret: mode 0644 lets others read it: chmod 600 /tmp/loose.secret" \
	add u1 "$url" --secret-file /tmp/loose.secret
chmod 620 /tmp/loose.secret
ns_sc_fails 1 "mode 0620 lets others change it: chmod 600" add u1 "$url" --secret-file /tmp/loose.secret
chmod 600 /tmp/loose.secret
chown 65534 /tmp/loose.secret
ns_sc_fails 1 "secret_file /tmp/loose.secret: owned by uid 65534, not root" \
	add u1 "$url" --secret-file /tmp/loose.secret
ns_sc_fails 1 "target_secret_file /tmp/loose.secret: owned by uid 65534" \
	add u1 "$url" --secret-file /tmp/good.secret --target-secret-file /tmp/loose.secret -o target_user="$tuser"
printf 'ok0 %s secret_file=/tmp/good.secret\n' "$url" >/tmp/loose.tab
chmod 664 /tmp/loose.tab
ns_sc_fails 1 "netswaptab /tmp/loose.tab: mode 0664 lets others change it: chmod go-w /tmp/loose.tab" \
	apply -c /tmp/loose.tab
chmod 644 /tmp/loose.tab
chown 65534 /tmp/loose.tab
ns_sc_fails 1 "netswaptab /tmp/loose.tab: owned by uid 65534, not root" apply -c /tmp/loose.tab
rm -f /tmp/loose.tab /tmp/loose.secret

# Names that do not resolve, and addresses that do not answer.
ns_sc_fails 4 "cannot resolve" add u1 "iscsi://no-such-host.invalid/$iqn/1"
ns_sc_ok add u1 "iscsi://$h:1/$iqn/1"
ns_sc_fails 4 "cannot connect" up u1
[ "$(ns_get u1 state)" = disabled ] || ns_fail "u1 left in state $(ns_get u1 state)"
ns_sc_ok rm u1

# Unknown names.
ns_sc_fails 2 "no such target" up nosuch
ns_sc_fails 2 "no such target" down nosuch
ns_sc_fails 2 "no such target" rm nosuch
ns_sc_fails 2 "no such target" status nosuch

# Mutual CHAP: a wrong target secret fails up, the right one logs in.
ns_sc_ok add m0 "$url" --secret-file /tmp/good.secret \
	--target-secret-file /tmp/target-wrong.secret -o target_user="$tuser"
ns_sc_fails 4 "target failed mutual CHAP" enable m0
ns_sc_ok rm m0
ns_sc add m0 "$url" --secret-file /tmp/good.secret --target-secret-file - \
	-o target_user="$tuser" </tmp/target.secret
[ "$ns_rc" -eq 0 ] || ns_fail "add with the target secret on stdin: $ns_errout"
[ "$(ns_get m0 auth_target_user)" = "$tuser" ] || ns_fail "m0 auth_target_user '$(ns_get m0 auth_target_user)'"
ns_sc_ok enable m0
[ "$(ns_get m0 state)" = up ] && ns_ok "mutual CHAP through swapctl: m0 enabled" ||
	ns_fail "m0 after enable with mutual CHAP: state $(ns_get m0 state)"
ns_sc_ok down m0
ns_sc_ok rm m0
# And from netswaptab.
printf 'm1 %s secret_file=/tmp/good.secret,target_user=%s,target_secret_file=/tmp/target.secret,format\n' \
	"$url" "$tuser" >/tmp/mtab
ns_sc_ok apply -c /tmp/mtab
[ "$(ns_get m1 state)" = up ] && grep -q "^/dev/$(ns_get m1 disk) " /proc/swaps && ns_ok "mutual CHAP from netswaptab: m1 up" ||
	ns_fail "m1 after apply: state $(ns_get m1 state)"
# save names where the secrets go and never prints them; with the
# secrets put there, apply of what it printed changes nothing.
ns_sc_ok save
[[ $ns_out == *"m1 iscsi://$user@"*"secret_file=/etc/netswap/m1.secret,target_user=$tuser,target_secret_file=/etc/netswap/m1.target.secret"* ]] ||
	ns_fail "save: the m1 line lacks its user and secret files: $ns_out"
[[ $ns_out == *"$secret"* || $ns_out == *"$tsecret"* ]] && ns_fail "save printed a CHAP secret"
printf '%s\n' "$ns_out" >/tmp/saved.tab
mkdir -p /etc/netswap
install -m 600 /tmp/good.secret /etc/netswap/m1.secret
install -m 600 /tmp/target.secret /etc/netswap/m1.target.secret
ns_sc_ok apply -c /tmp/saved.tab
[[ $ns_out == *"0 added, 0 updated, 0 brought up, 0 removed, 1 already up, 0 failed"* ]] ||
	ns_fail "apply of the saved mutual-CHAP line changed something: $ns_out"
ns_sc_ok down m1
ns_sc_ok rm m1

# A reserve above a quarter of RAM is refused, and nothing changes:
# queue_depth 1024 needs about 135 MiB, this guest has 256 MiB.
ns_sc_ok add r0 "$url" --secret-file /tmp/good.secret -o queue_depth=1024
ns_sc_ok enable r0
mf=$(cat /proc/sys/vm/min_free_kbytes)
ns_sc_fails 1 "more than 1/4 of RAM" reserve --apply
[[ $ns_errout == *"lower their queue_depth; vm.min_free_kbytes not changed"* ]] || ns_fail "reserve refusal: $ns_errout"
[ "$(cat /proc/sys/vm/min_free_kbytes)" = "$mf" ] || ns_fail "the refused reserve changed vm.min_free_kbytes"
[ ! -e /run/sysctl.d/zz-netswap.conf ] || ns_fail "the refused reserve was kept in /run/sysctl.d"
ns_sc_ok down r0
ns_sc_ok rm r0

# A wrong CHAP secret: up fails, the target stays as it was (disabled).
ns_sc_ok add c0 "$url" --secret-file /tmp/wrong.secret
ns_sc_fails 4 "authentication failed" up c0 --format
ns_sc_ok rm c0
# The right one, from standard input.
ns_sc add c0 "$url" --secret-file - </tmp/good.secret
[ "$ns_rc" -eq 0 ] || ns_fail "add with the secret on stdin: $ns_errout"
ns_sc_ok up c0 --format
dev=/dev/$(ns_get c0 disk)
if [ "$(ns_get c0 state)" = up ] && [ -b "$dev" ]; then
	ns_ok "the right secret from stdin: c0 up on $dev"
else
	ns_fail "c0 after up with the right secret: state $(ns_get c0 state), disk '$dev'"
fi

# Duplicates, and removing what is up.
ns_sc_fails 3 "exists" add c0 "$url" --secret-file /tmp/good.secret
ns_sc_fails 3 "is up" rm c0
# A disk that carries something else is never formatted.
ns_sc_ok down c0
[ "$(ns_get c0 state)" = disabled ] || ns_fail "c0 is $(ns_get c0 state) after swapctl down"
ns_sc_ok add c1 "$url" --secret-file /tmp/good.secret
ns_sc_ok up c1 --format
ns_sc_ok down c1
if echo 1 >"$NS_CFG/c1/enable"; then
	mkfs.ext4 -q -F "/dev/$(ns_get c1 disk)" || ns_fail "mkfs.ext4"
	echo 0 >"$NS_CFG/c1/enable" || ns_fail "disable c1: $(ns_get c1 last_error)"
else
	ns_fail "enable c1 for mkfs.ext4: $(ns_get c1 last_error)"
fi
[ "$(ns_get c1 state)" = disabled ] || ns_fail "c1 is $(ns_get c1 state) before up --format"
ns_sc_fails 3 "ext4 signature" up c1 --format
ns_sc_ok rm c1
ns_sc_ok rm c0

# A netswaptab with a bad line changes nothing, and says where.
cat >/tmp/tab <<TAB
ok0 $url secret_file=/tmp/good.secret
bad1 iscsi://$h:70000/$iqn/1
TAB
ns_sc_fails 1 "/tmp/tab:2" apply -c /tmp/tab
printf 'ok0 %s\nok0 %s\n' "$url" "$url" >/tmp/tab
ns_sc_fails 1 "listed twice" apply -c /tmp/tab
printf 'ok0 iscsi://%s/%s/1\0junk\n' "$h" "$iqn" >/tmp/tab
ns_sc_fails 1 "NUL" apply -c /tmp/tab
ns_sc_fails 2 "No such file" apply -c /tmp/no-such-tab
[ -z "$(ls "$NS_CFG")" ] || ns_fail "targets left: $(ls "$NS_CFG")"

ns_unload
ns_finish
