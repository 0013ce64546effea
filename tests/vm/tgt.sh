#!/bin/bash
# tgt.sh: host-side tgt (iSCSI target) for VM tests, managed by PID.
# Listens on 127.0.0.1:$NETSWAP_TGT_PORT (default 3260) only, or with
# NETSWAP_TGT_ADDR=::1 on [::1]:PORT only; guests reach it as 10.0.2.2:PORT
# (IPv6: boot.sh --ipv6, [fd6e:7377:1::2]:PORT). State in build/vm/tgt-PORT/ (NETSWAP_TGT_STATE;
# base dir NETSWAP_VM_STATE_DIR, build/vm/wN in run.sh's worker N):
# tgtd.pid, tgtd.log, setup.conf (the last setup, for restart). Several
# tgtds can run at once on different NETSWAP_TGT_PORTs.
#
#   tgt.sh start                 start tgtd, wait (bounded) until tgtadm answers
#   tgt.sh stop                  graceful via tgtadm (tgtd ignores SIGTERM),
#                                then SIGKILL by PID after 3 s
#   tgt.sh kill9                 SIGKILL by PID (target crash)
#   tgt.sh setup IQN LUNFILE SIZE_MB [CHAP_USER CHAP_SECRET [OUT_USER OUT_SECRET]]
#                                target tid 1, LUN 1 on LUNFILE (created
#                                sparse, or preallocated if
#                                NETSWAP_TGT_PREALLOC=1; never shrunk or
#                                overwritten if it exists), bind -I ALL,
#                                optional incoming CHAP account, optional
#                                outgoing one (mutual CHAP: the name and
#                                secret the target answers with), and
#                                target-side CRC32C digests enabled (see below)
#   tgt.sh restart               kill9 + start + the last setup (LUN data kept)
#   tgt.sh status                print the pid if running, exit 1 if not
#   tgt.sh show                  tgtadm --op show --mode target
# Digests: tgt's default for HeaderDigest/DataDigest is None only: an
# initiator offering "CRC32C,None" gets None and one insisting on "CRC32C"
# fails login (open-iscsi: "non-retryable iSCSI login failure"). setup
# therefore sets both keys to CRC32C on the target, which tgt stores as
# "None or CRC32C" and answers with the initiator's first acceptable choice.
# NETSWAP_TGT_DIGEST=none keeps tgt's default (None only).
# NETSWAP_TGT_LUNS=N (1-8) adds LUNs 2..N on LUNFILE.2 ... LUNFILE.N, of
# the same size (kept for restart).
# NETSWAP_TGT_ACL=IQN: only that initiator name may log in (bind
# --initiator-name instead of -I ALL; kept for restart).
# NETSWAP_TGT_THIN=1: every LUN thin provisioned (thin_provisioning=1:
# LBPME, UNMAP in its VPD pages, UNMAP punches holes in the backing
# file; kept for restart).
# Identity: tgt derives a LU's serial number and device identifiers from
# the target and LUN numbers, so a new backing file at the same place is
# the same device to an initiator. NETSWAP_TGT_SCSI_ID=HEX (up to 16 hex
# digits) gives the LU its own (scsi_id and scsi_sn), as real arrays do;
# setup saves it and restart reuses it unless the variable names another
# (a replaced LUN).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
port=${NETSWAP_TGT_PORT:-3260}
addr=${NETSWAP_TGT_ADDR:-127.0.0.1}
case $addr in
127.0.0.1) portal=$addr:$port ;;
::1) portal=[$addr]:$port ;;
*) echo "tgt.sh: NETSWAP_TGT_ADDR is 127.0.0.1 or ::1, not '$addr'" >&2; exit 1 ;;
esac
state=${NETSWAP_TGT_STATE:-${NETSWAP_VM_STATE_DIR:-$repo/build/vm}/tgt-$port}
# tgtd's management socket is /var/run/tgtd/socket.<control port>; use a
# port-derived one so a stray system tgtd (control port 0) is not touched.
cport=${NETSWAP_TGT_CONTROL_PORT:-$((port + 10000))}
pidfile=$state/tgtd.pid
conf=$state/setup.conf

die() { echo "tgt.sh: $*" >&2; exit 1; }
adm() { tgtadm -C "$cport" --lld iscsi "$@"; }

tgt_pid() {
	local pid
	[ -s "$pidfile" ] || return 1
	pid=$(<"$pidfile")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	# Make sure the PID is still our tgtd (not a recycled PID).
	[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$(command -v tgtd)")" ] || return 1
	echo "$pid"
}

wait_gone() { # pid tenths
	local i
	for ((i = 0; i < $2; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

do_start() {
	local pid i
	mkdir -p "$state"
	if pid=$(tgt_pid); then
		die "tgtd already running (pid $pid)"
	fi
	if (exec 3<>"/dev/tcp/$addr/$port") 2>/dev/null; then
		die "something already listens on $portal"
	fi
	# setsid: own session, survives the caller; exec keeps $! == tgtd's PID.
	(exec setsid tgtd -f -C "$cport" --iscsi "portal=$portal" \
		</dev/null >>"$state/tgtd.log" 2>&1) &
	pid=$!
	echo "$pid" >"$pidfile"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || die "tgtd exited at start; see $state/tgtd.log"
		if adm --op show --mode sys >/dev/null 2>&1 &&
			(exec 3<>"/dev/tcp/$addr/$port") 2>/dev/null; then
			echo "tgt.sh: tgtd pid $pid on $portal" >&2
			return 0
		fi
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	die "tgtd did not answer within 10 s"
}

do_stop() {
	local pid
	pid=$(tgt_pid) || { rm -f "$pidfile"; return 0; }
	# Graceful: offline, drop target 1, stop the system (about 1 s).
	adm --op update --mode sys --name State -v offline >/dev/null 2>&1 || true
	adm --op delete --mode target --tid 1 --force >/dev/null 2>&1 || true
	tgtadm -C "$cport" --op delete --mode system >/dev/null 2>&1 || true
	if ! wait_gone "$pid" 30; then
		kill -KILL "$pid" 2>/dev/null || true
		wait_gone "$pid" 50 || die "tgtd $pid does not die"
	fi
	rm -f "$pidfile"
}

do_kill9() {
	local pid
	pid=$(tgt_pid) || die "tgtd not running"
	kill -KILL "$pid"
	wait_gone "$pid" 50 || die "tgtd $pid does not die"
	rm -f "$pidfile"
}

# lun_file FILE SIZE_MB: create a LUN's backing file, or grow it.
lun_file() {
	local file=$1 size=$2
	if [ ! -e "$file" ]; then
		if [ "${NETSWAP_TGT_PREALLOC:-0}" = 1 ]; then
			fallocate -l "${size}M" "$file"
		else
			truncate -s "${size}M" "$file"
		fi
	elif [ "$(stat -c %s "$file")" -lt $((size * 1048576)) ]; then
		truncate -s "${size}M" "$file" # grow only, contents kept
	fi
}

do_setup() {
	local iqn=$1 file=$2 size=$3 user=${4:-} secret=${5:-} l
	local out_user=${6:-} out_secret=${7:-}
	{ [[ $size =~ ^[0-9]+$ ]] && [ "$size" -gt 0 ]; } || die "bad SIZE_MB '$size'"
	[ -z "$user" ] || [ -n "$secret" ] || die "CHAP user without secret"
	[ -z "$out_user" ] || [ -n "$out_secret" ] || die "outgoing CHAP user without secret"
	[[ $luns =~ ^[1-8]$ ]] || die "bad NETSWAP_TGT_LUNS '$luns' (1-8)"
	tgt_pid >/dev/null || die "tgtd not running"
	mkdir -p "$(dirname "$file")"
	lun_file "$file" "$size"
	adm --op new --mode target --tid 1 -T "$iqn"
	adm --op new --mode logicalunit --tid 1 --lun 1 -b "$file"
	for ((l = 2; l <= luns; l++)); do
		lun_file "$file.$l" "$size"
		adm --op new --mode logicalunit --tid 1 --lun "$l" -b "$file.$l"
	done
	if [ "$thin" = 1 ]; then
		for ((l = 1; l <= luns; l++)); do
			adm --op update --mode logicalunit --tid 1 --lun "$l" \
				--params thin_provisioning=1
		done
	fi
	if [ -n "$lu_id" ]; then
		[[ $lu_id =~ ^[0-9a-f]{1,16}$ ]] || die "bad NETSWAP_TGT_SCSI_ID '$lu_id'"
		adm --op update --mode logicalunit --tid 1 --lun 1 \
			--params "scsi_id=$lu_id,scsi_sn=$lu_id"
	fi
	if [ -n "$acl" ]; then
		adm --op bind --mode target --tid 1 --initiator-name "$acl"
	else
		adm --op bind --mode target --tid 1 -I ALL
	fi
	if [ "${NETSWAP_TGT_DIGEST:-crc32c}" != none ]; then
		adm --op update --mode target --tid 1 --name HeaderDigest --value CRC32C
		adm --op update --mode target --tid 1 --name DataDigest --value CRC32C
	fi
	if [ -n "$user" ]; then
		adm --op new --mode account --user "$user" --password "$secret"
		adm --op bind --mode account --tid 1 --user "$user"
	fi
	if [ -n "$out_user" ]; then
		adm --op new --mode account --user "$out_user" --password "$out_secret"
		adm --op bind --mode account --tid 1 --user "$out_user" --outgoing
	fi
	# Save for restart (0600: holds the CHAP secrets).
	(umask 077 && declare -p iqn file size user secret out_user out_secret lu_id luns acl thin >"$conf")
}

lu_id=${NETSWAP_TGT_SCSI_ID:-}
luns=${NETSWAP_TGT_LUNS:-1}
acl=${NETSWAP_TGT_ACL:-}
thin=${NETSWAP_TGT_THIN:-0}
case ${1:-} in
start) do_start ;;
stop) do_stop ;;
kill9) do_kill9 ;;
setup)
	[ $# -eq 4 ] || [ $# -eq 6 ] || [ $# -eq 8 ] ||
		die "usage: setup IQN LUNFILE SIZE_MB [CHAP_USER CHAP_SECRET [OUT_USER OUT_SECRET]]"
	do_setup "$2" "$(realpath -m -- "$3")" "$4" "${5:-}" "${6:-}" "${7:-}" "${8:-}"
	;;
restart)
	[ -f "$conf" ] || die "no saved setup in $conf"
	if tgt_pid >/dev/null; then do_kill9; fi
	do_start
	# shellcheck disable=SC1090
	. "$conf"
	lu_id=${NETSWAP_TGT_SCSI_ID:-${lu_id:-}}
	luns=${luns:-1}
	acl=${acl:-}
	thin=${thin:-0}
	# shellcheck disable=SC2154  # set by $conf
	do_setup "$iqn" "$file" "$size" "$user" "$secret" "${out_user:-}" "${out_secret:-}"
	;;
status) tgt_pid ;;
show) adm --op show --mode target ;;
*) sed -n '2,44p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
