# shellcheck shell=bash
# Source INSIDE a guest: set up a LIO iSCSI target on the guest's loopback
# (kernel target: it can only run in a guest). See TESTING.md.
#   . "$NETSWAP_REPO/tests/vm/lio-guest.sh"
#   lio_setup IQN SIZE_MB [BACKING_FILE]   -> target on 127.0.0.1:3260, LUN 0
#   lio_teardown
# The backing file (default /var/lib/netswap-lio/IQN.img) lives in the
# guest's tmpfs overlay, so it costs guest memory: interoperability tests,
# not memory pressure. LUN 0 on LIO (tgt's disk is LUN 1).
# Env: LIO_PORT (default 3260); LIO_TPU=1: the LUN is thin provisioned
# (emulate_tpu=1: UNMAP punches holes in the backing file).

lio_log() { echo "lio: $*" >&2; }

# lio_prepare: modules, configfs, system D-Bus (targetcli needs it).
lio_prepare() {
	local m
	mkdir -p /run/dbus /etc/target # before target_core_mod: its db_root
	for m in configfs target_core_mod iscsi_target_mod target_core_file; do
		modprobe "$m" || { lio_log "modprobe $m failed"; return 1; }
	done
	if ! grep -q ' /sys/kernel/config configfs' /proc/mounts; then
		mount -t configfs configfs /sys/kernel/config || return 1
	fi
	if ! { [ -s /run/dbus/pid ] && kill -0 "$(cat /run/dbus/pid)" 2>/dev/null; }; then
		dbus-daemon --system --fork || { lio_log "dbus-daemon failed"; return 1; }
	fi
}

lio_setup() {
	local iqn=$1 size=$2 file=${3:-/var/lib/netswap-lio/$1.img}
	local port=${LIO_PORT:-3260} tpg out
	if [ -z "$iqn" ] || ! [[ $size =~ ^[0-9]+$ ]]; then
		lio_log "usage: lio_setup IQN SIZE_MB [FILE]"
		return 2
	fi
	lio_prepare || return 1
	mkdir -p "$(dirname "$file")"
	tpg=/iscsi/$iqn/tpg1
	# One targetcli run, commands on stdin. The default portal 0.0.0.0:3260
	# (if targetcli adds one) is replaced by 127.0.0.1:PORT.
	out=$(timeout 120 targetcli 2>&1 <<-CMDS
		set global auto_save_on_exit=false
		set global auto_add_default_portal=false
		/backstores/fileio create name=lun0 file_or_dev=$file size=${size}M write_back=false
		/backstores/fileio/lun0 set attribute emulate_tpu=${LIO_TPU:-0}
		/iscsi create $iqn
		$tpg/luns create /backstores/fileio/lun0
		$tpg/portals create 127.0.0.1 $port
		$tpg set attribute authentication=0 demo_mode_write_protect=0 generate_node_acls=1 cache_dynamic_acls=1
		exit
	CMDS
	)
	local rc=$?
	printf '%s\n' "$out" >&2
	if [ $rc -ne 0 ] || grep -qE '(^|> )(Error|No such)|[Ff]ailed|g-io-error|Could not connect' <<<"$out"; then
		lio_log "targetcli setup failed (rc=$rc)"
		return 1
	fi
	local cfs=/sys/kernel/config/target/iscsi/$iqn/tpgt_1
	[ -d "$cfs/np/127.0.0.1:$port" ] ||
		{ lio_log "portal 127.0.0.1:$port missing in configfs"; return 1; }
	[ -d "$cfs/lun/lun_0" ] || { lio_log "LUN 0 missing in configfs"; return 1; }
	[ "$(cat "$cfs/attrib/demo_mode_write_protect")" = 0 ] ||
		{ lio_log "demo_mode_write_protect not 0"; return 1; }
}

lio_teardown() {
	timeout 60 targetcli clearconfig confirm=True >&2
}
