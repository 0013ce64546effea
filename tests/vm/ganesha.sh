#!/bin/bash
# ganesha.sh: host-side nfs-ganesha (VFS backend, NFSv3 over TCP only) for
# VM tests, managed by PID. Listens on 127.0.0.1 only (NETSWAP_NFS_ADDR=::1:
# on ::1 only); guests reach it as 10.0.2.2:PORT (IPv6: boot.sh --ipv6,
# [fd6e:7377:1::2]:PORT). State in build/vm/ganesha-PORT/ (NETSWAP_NFS_STATE; base dir
# NETSWAP_VM_STATE_DIR, build/vm/wN in run.sh's worker N):
# ganesha.conf, ganesha.pid, ganesha.log (ganesha's own log), out.log
# (stdout/stderr), settings (export dir, ports, clients), recovery/ and,
# by default, the export directory export/.
#
#   ganesha.sh start          ensure an rpcbind (see below), write ganesha.conf,
#                             start ganesha.nfsd -F, wait (bounded, 20 s) until
#                             NFS and MOUNT answer a NULL call on their ports
#   ganesha.sh stop           SIGTERM by PID (ganesha unregisters from rpcbind
#                             and exits in < 1 s), SIGKILL after 10 s
#   ganesha.sh kill9          SIGKILL by PID (server crash)
#   ganesha.sh restart        kill9 (if running) + start with the SAME
#                             ganesha.conf (not regenerated): file contents
#                             and NFSv3 file handles survive; NFS I/O works
#                             again ~0.1-0.3 s after the kill (measured)
#   ganesha.sh status         print the pid if running, exit 1 if not
#   ganesha.sh ensure         start if not running; if running with another
#                             config than start would write now (other export
#                             dir, clients, grace, mount port, address), or no
#                             longer in the portmapper (another instance
#                             started since), stop + start
#   ganesha.sh env            print "export NETSWAP_NFS_PORT=.. NETSWAP_MNT_PORT=..
#                             NETSWAP_NFS_EXPORT=.." lines for eval
#   ganesha.sh file NAME MB   NAME (relative to the export dir) fully
#                             allocated (zeros written, no holes; checked with
#                             stat %b), mode 0600; replaces an existing NAME;
#                             prints its absolute path
#   ganesha.sh holes NAME MB  same, but sparse (truncate)
#   ganesha.sh dir NAME       directory NAME in the export dir; prints its path
#   ganesha.sh export         print the export path (what a client names in MNT)
#   ganesha.sh stop-rpcbind   stop the rpcbind ganesha.sh started, unless some
#                             ganesha.nfsd still runs (then say so, exit 0)
#   ganesha.sh rpcbind-status print the pid of the rpcbind ganesha.sh started
#                             if it runs, exit 1 if not
#
# Environment (read by start, which saves it in settings: restart uses the
# saved values, file/holes/dir/export the environment, else the saved):
#   NETSWAP_NFS_PORT        NFS port (default 2049)
#   NETSWAP_MNT_PORT        MOUNT port (default NFS port + 1, e.g. 2050). Keep
#                           the NFS ports of concurrent ganeshas >= 2 apart.
#   NETSWAP_NFS_EXPORT_DIR  export directory (default <state>/export). It is
#                           both Path and Pseudo; a client MNTs this path.
#   NETSWAP_NFS_CLIENTS     if set (comma-separated addresses/networks), only
#                           these clients get access (RW); everyone else's
#                           MNT fails with MNT3ERR_ACCES (13). Guests connect
#                           from 127.0.0.1 (QEMU user networking), so e.g.
#                           NETSWAP_NFS_CLIENTS=10.9.9.9 gives "a server that
#                           refuses MOUNT". ganesha also answers MNT3ERR_ACCES
#                           for a path that is not exported (never NOENT).
#   NETSWAP_NFS_GRACE       grace period in seconds (default 0 = Graceless).
#   NETSWAP_NFS_ADDR        127.0.0.1 (default) or ::1: Bind_addr and the
#                           address probed (rpcbind stays on 127.0.0.1:111)
#   NETSWAP_NFS_STATE       state dir (default build/vm/ganesha-PORT)
#
# Bind_addr caveat (ganesha 4.3): it resolves Bind_addr with AF_INET6 +
# AI_ADDRCONFIG|AI_V4MAPPED and binds IPv6 sockets. Here (the host has a
# non-loopback IPv6 address) that gives [::ffff:127.0.0.1]; on a host
# without one it falls back to an AF_INET address that the IPv6 bind reads
# as "::", i.e. ALL addresses. start therefore checks the listeners with ss
# and kills ganesha if any is not on 127.0.0.1.
#
# Config: Bind_addr 127.0.0.1, Protocols 3 (no NFSv4), Enable_UDP false,
# no NLM, no RQUOTA (their ports would collide between instances), no
# Kerberos, Export_Id 1, Access_Type RW, Squash No_Root_Squash, SecType sys,
# Transports TCP, Attr_Expiration_Time 0 (without it ganesha's cache keeps
# serving the old, deleted inode for a NAME that `file` replaced while it
# runs). A file deleted on the host while a client holds its handle stays
# readable and writable (ganesha keeps it open) until a restart, then
# NFS3ERR_STALE: restart after deleting to test stale handles. Grace: in ganesha 4.3 the grace period only blocks NFSv3
# SETATTR (answered NFS3ERR_JUKEBOX), never READ/WRITE/COMMIT, and ganesha
# lifts grace at once when no NFSv4 client is on record; Graceless anyway.
# File handles: FSAL_VFS handles are the kernel's name_to_handle_at handles
# plus Export_Id, so they are stable across restarts on the same file
# system (checked on ext4). No D-Bus is needed: without a system bus
# ganesha logs "dbus_bus_get failed" (CRIT) and runs on.
#
# rpcbind: ganesha.nfsd refuses to start unless it can register with the
# host's rpcbind, and there is one rpcbind for all instances. start uses
# one that answers `rpcinfo -p 127.0.0.1`, or starts `rpcbind -f` in a
# private mount namespace with a netconfig of tcp+local only, on sockets
# from systemd-socket-activate (127.0.0.1:111 and /run/rpcbind.sock), so it
# listens on loopback only (`rpcbind -h` crashes). Its PID is kept in
# build/vm/rpcbind/rpcbind.pid; stop-rpcbind only stops that one.
# Portmapper registration with several ganeshas: each ganesha first
# unregisters nfs v3-4 and mountd v1-3 for everyone, then registers its own
# ports, so `rpcinfo -p`/`showmount -e` (which asks the portmapper for
# mountd) show the most recently started instance; a clean stop
# unregisters nfs/mountd entirely (even if another instance runs), kill9
# leaves the entry behind. Clients must therefore name both ports
# explicitly (mount -o port=,mountport=; netswap's port/mount_port), never
# rely on the portmapper. ganesha.sh itself probes the ports directly.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
port=${NETSWAP_NFS_PORT:-2049}
addr=${NETSWAP_NFS_ADDR:-127.0.0.1}
case $addr in
127.0.0.1) uaddr=$addr netid=tcp hp=$addr ;;
::1) uaddr=$addr netid=tcp6 hp=[$addr] ;;
*) echo "ganesha.sh: NETSWAP_NFS_ADDR is 127.0.0.1 or ::1, not '$addr'" >&2; exit 1 ;;
esac
state_dir=${NETSWAP_VM_STATE_DIR:-$repo/build/vm}
state=${NETSWAP_NFS_STATE:-$state_dir/ganesha-$port}
rpcb_state=$state_dir/rpcbind
pidfile=$state/ganesha.pid
conf=$state/ganesha.conf
settings=$state/settings

die() { echo "ganesha.sh: $*" >&2; exit 1; }
say() { echo "ganesha.sh: $*" >&2; }

{ [[ $port =~ ^[0-9]+$ ]] && [ "$port" -gt 0 ] && [ "$port" -lt 65535 ]; } ||
	die "bad NETSWAP_NFS_PORT '$port'"

# load_settings MODE: fresh (start: environment, else defaults), saved
# (restart: the last start's, matching ganesha.conf) or env (file, dir...:
# environment, else the last start's, else defaults).
load_settings() {
	local saved_mnt_port="" saved_export_dir="" saved_clients="" saved_grace=""
	if [ "$1" != fresh ] && [ -f "$settings" ]; then
		# shellcheck disable=SC1090
		. "$settings"
	fi
	if [ "$1" = saved ]; then
		mnt_port=$saved_mnt_port export_dir=$saved_export_dir
		clients=$saved_clients grace=$saved_grace
	else
		mnt_port=${NETSWAP_MNT_PORT:-${saved_mnt_port:-$((port + 1))}}
		export_dir=${NETSWAP_NFS_EXPORT_DIR:-${saved_export_dir:-$state/export}}
		clients=${NETSWAP_NFS_CLIENTS-$saved_clients}
		grace=${NETSWAP_NFS_GRACE:-${saved_grace:-0}}
	fi
	{ [[ $mnt_port =~ ^[0-9]+$ ]] && [ "$mnt_port" -gt 0 ] && [ "$mnt_port" -lt 65536 ] &&
		[ "$mnt_port" != "$port" ]; } || die "bad NETSWAP_MNT_PORT '$mnt_port'"
	{ [[ $grace =~ ^[0-9]+$ ]] && [ "$grace" -le 180 ]; } || die "bad NETSWAP_NFS_GRACE '$grace'"
	[[ $clients =~ ^[0-9A-Za-z.,:/_-]*$ ]] || die "bad NETSWAP_NFS_CLIENTS '$clients'"
	case $export_dir in /*) ;; *) die "NETSWAP_NFS_EXPORT_DIR must be absolute" ;; esac
	[[ $export_dir != *[[:space:]\"\;\{\}#]* ]] || die "bad export dir '$export_dir'"
}

# pid_of PIDFILE EXE...: the PID in PIDFILE if it runs one of the EXEs.
pid_of() {
	local f=$1 pid exe e
	shift
	[ -s "$f" ] || return 1
	pid=$(<"$f")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
	for e in "$@"; do
		[ "$exe" = "$(readlink -f "$(command -v "$e")")" ] && { echo "$pid"; return 0; }
	done
	return 1
}

ganesha_pid() { pid_of "$pidfile" ganesha.nfsd; }

# alive PID: runs and is not a zombie. (A killed daemon can stay a zombie
# for 1-2 s here until the reaper of orphans, PID 1, collects it; its
# sockets are closed already.)
alive() {
	local st
	read -r st 2>/dev/null <"/proc/$1/stat" || return 1
	st=${st##*) }
	[ "${st%% *}" != Z ]
}

wait_gone() { # pid tenths
	local i
	for ((i = 0; i < $2; i++)); do
		alive "$1" || return 0
		sleep 0.1
	done
	return 1
}

# RPC NULL call to PROG version 3 at ADDR:PORT over TCP, without the
# portmapper (universal address ADDR.p1.p2).
rpc_ping() { # port prog
	timeout 5 rpcinfo -a "$uaddr.$(($1 >> 8)).$(($1 & 255))" -T "$netid" "$2" 3 >/dev/null 2>&1
}

listening() { (exec 3<>"/dev/tcp/$addr/$1") 2>/dev/null; }

# loopback_only PORT...: every TCP listener on these ports is on ADDR.
loopback_only() {
	local p a
	for p in "$@"; do
		while read -r _ _ _ a _; do
			case $addr:$a in
			127.0.0.1:127.0.0.1:* | "127.0.0.1:[::ffff:127.0.0.1]:"* | "::1:[::1]:"*) ;;
			*) return 1 ;;
			esac
		done < <(ss -Hltn "sport = :$p")
	done
}

# registered: the portmapper maps NFS v3 and MOUNT v3 over TCP to our ports.
registered() {
	local map
	map=$(timeout 5 rpcinfo -p 127.0.0.1 2>/dev/null) || return 1
	awk -v p="$port" -v m="$mnt_port" '
		$2 == 3 && $3 == "tcp" && (($1 == 100003 && $4 == p) || ($1 == 100005 && $4 == m)) { n++ }
		END { exit n != 2 }' <<<"$map"
}

rpcbind_answers() { timeout 5 rpcinfo -p 127.0.0.1 >/dev/null 2>&1; }

# ---- rpcbind (shared by all instances) ----

do_rpcbind() {
	local pid i nc
	mkdir -p "$rpcb_state"
	exec 8>"$rpcb_state/lock"
	flock -w 30 8 || die "rpcbind lock busy"
	if rpcbind_answers; then
		exec 8>&-
		return 0
	fi
	if pid=$(pid_of "$rpcb_state/rpcbind.pid" rpcbind systemd-socket-activate); then
		die "our rpcbind (pid $pid) runs but does not answer on 127.0.0.1:111"
	fi
	if [ -n "$(ss -Hxl src /run/rpcbind.sock 2>/dev/null)" ]; then
		die "an rpcbind listens on /run/rpcbind.sock but not on 127.0.0.1:111"
	fi
	# A socket left by an rpcbind that is gone (nobody listens on it).
	rm -f /run/rpcbind.sock
	if command -v systemd-socket-activate >/dev/null && command -v unshare >/dev/null; then
		nc=$rpcb_state/netconfig
		printf '%s\n' \
			'tcp        tpi_cots_ord  v     inet     tcp     -       -' \
			'local      tpi_cots_ord  -     loopback  -      -       -' \
			'unix       tpi_cots_ord  -     loopback  -      -       -' >"$nc"
		# unshare, sh and systemd-socket-activate all exec: $! is rpcbind's PID.
		# shellcheck disable=SC2016  # expanded by the inner sh
		(exec setsid unshare -m --propagation private sh -c \
			'mount --bind "$1" /etc/netconfig && exec systemd-socket-activate -l /run/rpcbind.sock -l 127.0.0.1:111 rpcbind -f' \
			sh "$nc" </dev/null >>"$rpcb_state/rpcbind.log" 2>&1) &
	else
		say "no systemd-socket-activate/unshare: rpcbind listens on all addresses"
		(exec setsid rpcbind -f </dev/null >>"$rpcb_state/rpcbind.log" 2>&1) &
	fi
	pid=$!
	echo "$pid" >"$rpcb_state/rpcbind.pid"
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || die "rpcbind exited at start; see $rpcb_state/rpcbind.log"
		if rpcbind_answers; then
			say "rpcbind pid $pid on 127.0.0.1:111"
			exec 8>&-
			return 0
		fi
		sleep 0.2
	done
	kill -KILL "$pid" 2>/dev/null || true
	die "rpcbind did not answer within 10 s"
}

# ganeshas_here: PIDs of the ganesha.nfsd processes in this network
# namespace (run.sh's parallel workers each have one, and an rpcbind).
# A stopped one that is a zombie until PID 1 reaps it does not count: it
# needs no rpcbind any more (stop-rpcbind right after stop would otherwise
# keep rpcbind for it, and nobody would stop it later).
ganeshas_here() {
	local p me found=""
	me=$(readlink /proc/self/ns/net)
	for p in $(pgrep -x ganesha.nfsd); do
		alive "$p" || continue
		[ "$(readlink "/proc/$p/ns/net" 2>/dev/null)" = "$me" ] && found+=" $p"
	done
	[ -n "$found" ] && echo "${found# }"
}

do_stop_rpcbind() {
	local pid others
	pid=$(pid_of "$rpcb_state/rpcbind.pid" rpcbind systemd-socket-activate) ||
		{ rm -f "$rpcb_state/rpcbind.pid"; return 0; }
	if others=$(ganeshas_here); then
		say "rpcbind $pid kept: ganesha.nfsd still running (${others//$'\n'/ })"
		return 0
	fi
	kill -TERM "$pid"
	if ! wait_gone "$pid" 50; then
		kill -KILL "$pid" 2>/dev/null || true
		wait_gone "$pid" 50 || die "rpcbind $pid does not die"
	fi
	rm -f "$rpcb_state/rpcbind.pid"
	# rpcbind does not remove a socket it was handed.
	rpcbind_answers || rm -f /run/rpcbind.sock
}

# ---- ganesha ----

write_conf() { # [file]
	local exp_access=RW client_block="" out=${1:-$conf}
	if [ -n "$clients" ]; then
		exp_access=None
		client_block="
    CLIENT {
        Clients = $clients;
        Access_Type = RW;
        Squash = No_Root_Squash;
    }"
	fi
	mkdir -p "$state/recovery"
	cat >"$out" <<-EOF
		# Generated by tests/vm/ganesha.sh start; restart reuses it as is.
		NFS_CORE_PARAM {
		    Bind_addr = $addr;
		    NFS_Port = $port;
		    MNT_Port = $mnt_port;
		    Protocols = 3;
		    Enable_UDP = false;
		    Enable_NLM = false;
		    Enable_RQUOTA = false;
		    Clustered = false;
		}
		NFS_KRB5 { Active_krb5 = false; }
		NFSV4 {
		    Graceless = $([ "$grace" = 0 ] && echo true || echo false);
		    Grace_Period = $grace;
		    Lease_Lifetime = $(((grace > 0 && grace < 10) ? grace : 10));
		    RecoveryRoot = "$state/recovery";
		}
		EXPORT {
		    Export_Id = 1;
		    Path = "$export_dir";
		    Pseudo = "$export_dir";
		    Access_Type = $exp_access;
		    Squash = No_Root_Squash;
		    SecType = sys;
		    Protocols = 3;
		    Transports = TCP;
		    Attr_Expiration_Time = 0;
		    FSAL { Name = VFS; }$client_block
		}
		LOG { Default_Log_Level = EVENT; }
	EOF
}

do_start() { # [keep-conf]
	local pid i p
	mkdir -p "$state"
	if pid=$(ganesha_pid); then
		die "ganesha already running on $port (pid $pid)"
	fi
	for p in "$port" "$mnt_port"; do
		listening "$p" && die "something already listens on $hp:$p"
	done
	if [ "${1:-}" = keep-conf ]; then
		[ -f "$conf" ] || die "no $conf to restart with"
	else
		write_conf
		printf 'saved_%s=%q\n' mnt_port "$mnt_port" export_dir "$export_dir" \
			clients "$clients" grace "$grace" >"$settings"
	fi
	mkdir -p "$export_dir"
	do_rpcbind
	(exec setsid ganesha.nfsd -F -f "$conf" -L "$state/ganesha.log" \
		-p "$state/ganesha.nfsd.pid" -N NIV_EVENT </dev/null >>"$state/out.log" 2>&1) &
	pid=$!
	echo "$pid" >"$pidfile"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || die "ganesha.nfsd exited at start; see $state/ganesha.log"
		if rpc_ping "$port" 100003 && rpc_ping "$mnt_port" 100005; then
			loopback_only "$port" "$mnt_port" || {
				kill -KILL "$pid" 2>/dev/null || true
				die "ganesha listens beyond $addr (ss -ltn); killed"
			}
			say "ganesha pid $pid on $hp:$port (mount $mnt_port), export $export_dir"
			return 0
		fi
		sleep 0.2
	done
	kill -KILL "$pid" 2>/dev/null || true
	die "ganesha did not answer within 20 s; see $state/ganesha.log"
}

# The leader can be a zombie while its other threads still exit and hold
# the listening sockets: wait (bounded, 5 s) for the ports.
wait_ports_free() {
	local i
	for ((i = 0; i < 50; i++)); do
		listening "$port" || { [ -n "${mnt_port:-}" ] && listening "$mnt_port"; } || return 0
		sleep 0.1
	done
	return 1
}

do_stop() {
	local pid
	pid=$(ganesha_pid) || { rm -f "$pidfile"; return 0; }
	kill -TERM "$pid"
	if ! wait_gone "$pid" 100; then
		say "ganesha $pid ignored SIGTERM for 10 s; SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		wait_gone "$pid" 50 || die "ganesha $pid does not die"
	fi
	rm -f "$pidfile"
	wait_ports_free || say "ganesha $pid is gone but its port $port still answers"
}

do_kill9() {
	local pid
	pid=$(ganesha_pid) || die "ganesha not running on $port"
	kill -KILL "$pid"
	wait_gone "$pid" 50 || die "ganesha $pid does not die"
	rm -f "$pidfile"
	wait_ports_free || true
}

# target NAME: absolute path of NAME inside the export dir (no "..").
target() {
	local n=$1
	[ -n "$n" ] || die "empty NAME"
	case /$n/ in */../* | */./*) die "NAME must not contain . or .. components" ;; esac
	case $n in /*) die "NAME is relative to the export dir" ;; esac
	echo "$export_dir/$n"
}

do_file() { # name mb sparse
	local f mb=$2 bytes
	{ [[ $mb =~ ^[0-9]+$ ]] && [ "$mb" -gt 0 ]; } || die "bad SIZE_MB '$mb'"
	f=$(target "$1")
	bytes=$((mb * 1048576))
	mkdir -p "$(dirname "$f")"
	rm -f -- "$f"
	(umask 077 && : >"$f")
	if [ "$3" = 1 ]; then
		truncate -s "$bytes" -- "$f"
	else
		dd if=/dev/zero of="$f" bs=1M count="$mb" conv=notrunc status=none
		[ $(($(stat -c %b -- "$f") * $(stat -c %B -- "$f"))) -ge "$bytes" ] ||
			die "$f has holes after writing $mb MB"
	fi
	chmod 0600 -- "$f"
	echo "$f"
}

cmd=${1:-}
case $cmd in
start)
	load_settings fresh
	do_start
	;;
stop) do_stop ;;
kill9) do_kill9 ;;
restart)
	[ -f "$settings" ] || die "no $settings: start first"
	load_settings saved
	if ganesha_pid >/dev/null; then do_kill9; fi
	do_start keep-conf
	;;
status) ganesha_pid ;;
ensure)
	load_settings fresh
	if ganesha_pid >/dev/null; then
		write_conf "$conf.want"
		if ! cmp -s "$conf.want" "$conf"; then
			say "running with another config: restarting"
		elif [ "$addr" = 127.0.0.1 ] && ! registered; then
			# Another instance started since and took the entries.
			say "not registered with the portmapper any more: restarting"
		else
			rm -f "$conf.want"
			exit 0
		fi
		rm -f "$conf.want"
		do_stop
	fi
	do_start
	;;
env)
	load_settings env
	printf 'export NETSWAP_NFS_PORT=%q NETSWAP_MNT_PORT=%q NETSWAP_NFS_EXPORT=%q\n' \
		"$port" "$mnt_port" "$export_dir"
	;;
rpcbind-status) pid_of "$rpcb_state/rpcbind.pid" rpcbind systemd-socket-activate ;;
file | holes)
	[ $# -eq 3 ] || die "usage: $cmd NAME SIZE_MB"
	load_settings env
	do_file "$2" "$3" "$([ "$cmd" = holes ] && echo 1 || echo 0)"
	;;
dir)
	[ $# -eq 2 ] || die "usage: dir NAME"
	load_settings env
	d=$(target "$2")
	mkdir -p -- "$d"
	echo "$d"
	;;
export)
	load_settings env
	echo "$export_dir"
	;;
stop-rpcbind) do_stop_rpcbind ;;
*) sed -n '2,90p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
