#!/bin/bash
# tests/bench/run.sh (`make bench`, not part of `make test`): every way a
# diskless guest can swap over the network, side by side, in one sitting:
#   netswap-iscsi  netswap's iSCSI initiator on the host's tgt LUN
#   netswap-nfs    netswap's NFSv3 client on a file of the host's ganesha
#   netswap-iscsi-sealed  netswap-iscsi with seal = aead (AES-256-GCM in
#                  the guest's kernel): what sealing costs
#   open-iscsi     iscsid + iscsi_tcp on the same tgt LUN (swap on /dev/sdX)
#   nbd            nbd-client -swap on the host's nbd-server (same size)
#   nfs-swapfile   the kernel's NFSv3 client: swap on the same ganesha file
#   zram           compressed RAM (lz4): the in-memory reference
# and the raw link (a TCP stream each way between guest and host: the
# physical limit every stack shares).
#
# Workloads (tests/bench/guest/bench.sh; every page read back is verified):
#   throughput  memhog over 2 x RAM, 2 passes
#   seeds       8 x NCPU memhogs totalling 4 x RAM, a write and a verify sweep
#   latency     pgtouch: random single-page touches over 1.25 x RAM, each
#               timed, while two memhogs of RAM / 4 rewrite theirs
#   readlat     (not in the default set) no swap: random 4 KiB O_DIRECT
#               reads of the device, each timed and verified, alone and
#               behind two streams of 512 KiB O_DIRECT writes: what a
#               page-in waits for behind page-outs, without the VM around
#               it
# and the guest CPU time per page swapped (guest /proc/stat over the run).
# Pages hold 512 bytes of pattern and zeros after (memhog/pgtouch -Z):
# compressible like real anonymous memory, which zram needs to hold 4 x
# RAM at all; the network stacks move whole pages regardless.
#
# Every run boots its own fresh guest (tests/vm/boot.sh) with the same
# memory and CPUs, against fresh host storage of the same size, with
# vm.min_free_kbytes raised by netswap's reserve_kb of that transport for
# every stack. Repetitions alternate the order of the stacks; the report
# gives medians with their spread (min-max), ratios to the best other
# stack, and checks the goals of the README's "Benchmark results".
#
# Writes build/bench/ (NETSWAP_BENCH_OUT): results.txt, raw/<run>.txt (every
# figure of one run), raw/<run>.share/ (the guest's files), and the
# report: bench.md, bench-time.png, bench-latency.png; NETSWAP_BENCH_DOCS=1
# also copies those three to docs/ (what the README shows).
#
# Knobs (environment):
#   NETSWAP_BENCH_PEERS      stacks, in the first rep's order (all seven)
#   NETSWAP_BENCH_WORKLOADS  "throughput seeds latency"
#   NETSWAP_BENCH_REPS       repetitions (3)
#   NETSWAP_BENCH_KVER       kernel (default: the 6.12 one from kernels.sh)
#   NETSWAP_BENCH_MEM        guest MB (256)      NETSWAP_BENCH_SMP  vCPUs (2)
#   NETSWAP_BENCH_DISK_MB    size of each stack's swap space (1536, 6 x RAM)
#   NETSWAP_BENCH_TOUCHES    latency: touches (20000); NETSWAP_BENCH_TOUCH_S
#                            their time limit in s (120)
#   NETSWAP_BENCH_READS      readlat: reads in each phase (2000)
#   NETSWAP_BENCH_LINK_MB    raw link: MB each way (256; 0 = not measured)
#   NETSWAP_BENCH_DIGEST     none | crc32c (iSCSI stacks; none)
#   NETSWAP_BENCH_QD         queue depth for netswap and open-iscsi (each
#                            its default)
#   NETSWAP_BENCH_CONNECTIONS netswap's connections (its default, 2: reads
#                            on their own; 1 to compare)
#   NETSWAP_BENCH_ROTATIONAL 0|1: every swap disk's queue/rotational before
#                            swapon (each driver's own by default)
#   NETSWAP_BENCH_TIMEOUT    per guest, s (1800)
#   NETSWAP_BENCH_PERF       1: perf record -a over each workload in the
#                            guest; raw/RUN.share/perf-*.txt (symbols,
#                            modules, callers' share)
#   NETSWAP_BENCH_STALL_S    a run whose swap disk completes no I/O for this
#                            long fails at once, its blk-mq and netswap
#                            state and blocked tasks in raw/RUN.share/
#                            stall.txt (120)
#   NETSWAP_BENCH_OUT        output dir (build/bench)
#   ports: tgt NETSWAP_TGT_PORT (3290), ganesha NETSWAP_NFS_PORT (2089, MOUNT
#   2090), nbd-server NETSWAP_NBD_PORT (10899), raw link 10897/10898: not the
#   VM tests' ports
# `run.sh --report` rewrites the report from the last bench's raw/ without
# running anything. Exit: 0 if every run succeeded, 1 otherwise.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self=$here/$(basename "${BASH_SOURCE[0]}")
repo=$(cd "$here/../.." && pwd)
export NETSWAP_TGT_PORT=${NETSWAP_TGT_PORT:-3290}
export NETSWAP_NFS_PORT=${NETSWAP_NFS_PORT:-2089}
export NETSWAP_NBD_PORT=${NETSWAP_NBD_PORT:-10899}
export NETSWAP_BENCH_LINK_PORT=10897
# shellcheck source=SCRIPTDIR/../vm/lib.sh
. "$repo/tests/vm/lib.sh"

all_peers="netswap-iscsi netswap-nfs open-iscsi nbd nfs-swapfile zram netswap-iscsi-sealed"

# ---- host side, while a guest runs (boot.sh --host) ----
# The server's and QEMU's CPU time, the host's CPU counters and load at
# work-start and work-end; for the raw link, the TCP sink and source.
host_snap() {
	local tag=$1 srv=$2 p
	{
		echo "${tag}_time=$(date +%s.%N)"
		echo "${tag}_loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
		echo "${tag}_host_cpu=$(head -n 1 /proc/stat | cut -d' ' -f2-)"
		echo "${tag}_qemus=$(pgrep -c -f '^qemu-system-x86_64 ')"
		for p in "server:$srv" "qemu:$NETSWAP_QEMU_PID"; do
			echo "${tag}_${p%%:*}_ticks=$(awk '{ print $14 + $15 }' "/proc/${p#*:}/stat" 2>/dev/null)"
		done
	} >>"$NETSWAP_SHARE/host.txt"
}

if [ "${1:-}" = --host-side ]; then
	peer=$2
	case $peer in
	netswap-iscsi* | open-iscsi) srv=$("$VM_HERE/tgt.sh" status) || srv=0 ;;
	netswap-nfs | nfs-swapfile) srv=$("$VM_HERE/ganesha.sh" status) || srv=0 ;;
	nbd) srv=${NETSWAP_BENCH_NBD_PID:-0} ;;
	link)
		# Sink on PORT, source of LINK_MB on PORT + 1; one connection each.
		timeout "${NETSWAP_BENCH_TIMEOUT:-1800}" python3 - "$NETSWAP_BENCH_LINK_PORT" "${NETSWAP_BENCH_LINK_MB:-256}" <<'PY' &
import socket, sys
port, mb = int(sys.argv[1]), int(sys.argv[2])
def listener(p):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", p))
    s.listen(1)
    return s
sink, src = listener(port), listener(port + 1)
c, _ = sink.accept()
while c.recv(1 << 20):
    pass
c.close()
c, _ = src.accept()
buf = bytes(1 << 20)
for _ in range(mb):
    c.sendall(buf)
c.close()
PY
		srv=$!
		;;
	*) srv=0 ;;
	esac
	echo "clk_tck=$(getconf CLK_TCK)" >>"$NETSWAP_SHARE/host.txt"
	vm_wait_file "$NETSWAP_SHARE/work-start" "${NETSWAP_BENCH_TIMEOUT:-1800}" "$NETSWAP_QEMU_PID" || exit 0
	host_snap start "$srv"
	vm_wait_file "$NETSWAP_SHARE/work-end" "${NETSWAP_BENCH_TIMEOUT:-1800}" "$NETSWAP_QEMU_PID" || exit 0
	host_snap end "$srv"
	[ "$peer" != link ] || wait "$srv"
	exit 0
fi

# ---- configuration ----
if [ -n "${NETSWAP_BENCH_KVER:-}" ]; then
	kver=$NETSWAP_BENCH_KVER
else
	kver=$(NETSWAP_KVERS=6.12 "$VM_HERE/kernels.sh") || vm_fail "no 6.12 kernel installed"
fi
reps=${NETSWAP_BENCH_REPS:-3}
read -r -a peers <<<"${NETSWAP_BENCH_PEERS:-$all_peers}"
read -r -a workloads <<<"${NETSWAP_BENCH_WORKLOADS:-throughput seeds latency}"
mem=${NETSWAP_BENCH_MEM:-256}
smp=${NETSWAP_BENCH_SMP:-2}
disk_mb=${NETSWAP_BENCH_DISK_MB:-$((6 * mem))}
link_mb=${NETSWAP_BENCH_LINK_MB:-256}
timeout=${NETSWAP_BENCH_TIMEOUT:-1800}
out=${NETSWAP_BENCH_OUT:-$repo/build/bench}
export NETSWAP_BENCH_DIGEST=${NETSWAP_BENCH_DIGEST:-none}
export NETSWAP_BENCH_TIMEOUT=$timeout NETSWAP_BENCH_LINK_MB=$link_mb
case ${NETSWAP_BENCH_ROTATIONAL:-} in "" | 0 | 1) ;; *) vm_fail "NETSWAP_BENCH_ROTATIONAL: 0 or 1" ;; esac
for v in NETSWAP_BENCH_QD NETSWAP_BENCH_CONNECTIONS NETSWAP_BENCH_ROTATIONAL NETSWAP_BENCH_TOUCHES NETSWAP_BENCH_TOUCH_S \
	NETSWAP_BENCH_STALL_S NETSWAP_BENCH_PERF; do
	[ -z "${!v:-}" ] || export "${v?}"
done
export NETSWAP_TGT_IQN=iqn.2026-11.org.netswap.test:bench

# kv FILE KEY: value of KEY= in FILE.
kv() { sed -n "s/^$2=//p" "$1" 2>/dev/null | tail -n 1; }

# ---- summary ----
# spread PEER WORKLOAD KEY: "median min max n" of KEY over the successful
# runs of PEER with WORKLOAD (nothing if none).
spread() {
	local f
	for f in "$out"/raw/"$1"-"$2"-r*.txt; do
		[ -f "$f" ] && [ "$(kv "$f" status)" = ok ] && kv "$f" "$3"
	done | awk 'NF' | sort -g | awk '{ a[NR] = $1 }
		END { if (NR) printf "%s %s %s %d\n", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2), a[1], a[NR], NR }'
}
med() { spread "$@" | cut -d' ' -f1; }

# cell PEER WORKLOAD KEY FMT: "median (min-max)" or "median" or "-".
cell() {
	local s
	s=$(spread "$1" "$2" "$3")
	[ -n "$s" ] || { echo "-"; return; }
	awk -v fmt="$4" -v s="$s" 'BEGIN { split(s, v, " ")
		if (v[4] > 1) printf fmt " (" fmt "-" fmt ")", v[1], v[2], v[3]; else printf fmt, v[1] }'
}

# vs_best PEER WORKLOAD KEY: PEER's median of KEY (lower is better) over
# the best other network stack's, "RATIO (STACK)", or "-".
vs_best() {
	local t bo
	t=$(med "$1" "$2" "$3")
	if [ -n "$t" ] && bo=$(best_other "$1" "$2" "$3" lower); then
		echo "$(ratio "$t" "${bo%% *}") (${bo#* })"
	else
		echo "-"
	fi
}

# best_other PEER WORKLOAD KEY lower|higher: the best median of KEY among
# the network stacks other than PEER (zram is the in-memory reference,
# not a peer), and its name. PEERS_ONLY=1: among the peers only (not
# netswap's other transport), as the goals are stated.
best_other() {
	local p v best="" name=""
	for p in "${peers[@]}"; do
		case $p in "$1" | zram) continue ;; netswap-*) [ -z "${PEERS_ONLY:-}" ] || continue ;; esac
		v=$(med "$p" "$2" "$3")
		[ -n "$v" ] || continue
		if [ -z "$best" ] || awk -v a="$v" -v b="$best" -v d="$4" 'BEGIN { exit !(d == "lower" ? a < b : a > b) }'; then
			best=$v name=$p
		fi
	done
	[ -n "$best" ] && echo "$best $name"
}

# ratio A B: A / B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

report() {
	local w p rs link_mibs qd_text
	link_mibs=$(med link stream link_mib_per_s)
	qd_text="each stack's default"
	[ -z "$bench_qd" ] || qd_text=$bench_qd
	{
		echo "# Swap over the network: netswap and its peers side by side"
		echo
		echo "\`make bench\`, $bench_date ($bench_s s in all). Kernel $kver in a guest of ${mem} MB and $smp vCPUs under QEMU TCG"
		echo "(\`-accel tcg,thread=multi -cpu ${NETSWAP_VM_CPU:-max,-cx16}\`: boot.sh's default, see tests/vm/README.md), QEMU's user network to servers on the host's loopback;"
		echo "host $(nproc) CPUs, load average $load_start at the start and $load_end at the end."
		echo "Each stack swaps on ${disk_mb} MB of fresh storage: a tgt LUN (netswap-iscsi, open-iscsi), a fully"
		echo "allocated file of nfs-ganesha (netswap-nfs, nfs-swapfile: the kernel's NFSv3 client), an nbd-server"
		echo "export (nbd: \`nbd-client -swap\`), or zram (lz4, in the guest's own memory: the reference, not a peer)."
		echo "iSCSI digests: $bench_digest. Queue depths: $qd_text. vm.min_free_kbytes is raised by"
		echo "netswap's \`reserve_kb\` for every stack. $reps repetition(s), the stacks' order alternating;"
		echo "figures are medians, with the range over the repetitions in parentheses. Every page read back was"
		echo "verified in every run; pages hold 512 bytes of pattern and zeros after (compressible, for zram)."
		echo
		if [ -n "$link_mibs" ]; then
			echo "**Raw link** (a TCP stream between guest and host, ${link_mb} MB each way): $(cell link stream link_out_mib_per_s %.1f) MiB/s"
			echo "guest to host, $(cell link stream link_in_mib_per_s %.1f) MiB/s host to guest. \"of link\" below is a stack's swap"
			echo "traffic (MiB/s in + out) over the mean of the two directions, $link_mibs MiB/s."
			echo
		fi
		for w in "${workloads[@]}"; do
			case $w in latency | readlat) continue ;; esac
			case $w in
			throughput) echo "## Throughput: memhog over 2 x RAM, 2 passes" ;;
			seeds) echo "## The seeds' shape: 8 x NCPU processes totalling 4 x RAM, a write and a verify sweep" ;;
			esac
			echo
			echo "| stack | time (s) | pages/s | MiB/s | of link | guest CPU per page (us) | reserve_kb | time / best other network stack |"
			echo "|---|---:|---:|---:|---:|---:|---:|---:|"
			for p in "${peers[@]}"; do
				rs=$(vs_best "$p" "$w" elapsed_s)
				echo "| $p | $(cell "$p" "$w" elapsed_s %.1f) | $(cell "$p" "$w" pages_per_s %.0f) | $(cell "$p" "$w" swap_mib_per_s %.2f) | $(cell "$p" "$w" link_frac_pct %.0f)% | $(cell "$p" "$w" g_cpu_us_per_page %.1f) | $(med "$p" "$w" reserve_kb) | $rs |"
			done
			echo
			echo "Where the time went: the swap disk's requests (its /sys/block stat: how many, their mean size, their"
			echo "mean time from allocation to completion, scheduler included) and the guest's CPUs (busy, and in the"
			echo "kernel's system time, over the run; the NFS swap file has no disk of its own)."
			echo
			echo "| stack | reads | read KiB | read wait (ms) | writes | write KiB | write wait (ms) | guest CPU busy | system |"
			echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
			for p in "${peers[@]}"; do
				echo "| $p | $(cell "$p" "$w" disk_rd_ios %.0f) | $(cell "$p" "$w" disk_rd_avg_kb %.1f) | $(cell "$p" "$w" disk_rd_wait_ms %.1f) | $(cell "$p" "$w" disk_wr_ios %.0f) | $(cell "$p" "$w" disk_wr_avg_kb %.1f) | $(cell "$p" "$w" disk_wr_wait_ms %.1f) | $(cell "$p" "$w" g_busy_pct %.0f)% | $(cell "$p" "$w" g_sys_pct %.0f)% |"
			done
			echo
		done
		if [[ " ${workloads[*]} " == *" latency "* ]]; then
			echo "## Page-in latency under background writes"
			echo
			echo "pgtouch touches random pages of a set of 1.25 x RAM, one at a time, each timed and verified, while"
			echo "two memhogs of RAM / 4 rewrite their pages. Milliseconds; touches that found the page resident count."
			echo
			echo "| stack | touches | p50 | p90 | p99 | p99.9 | max | p99 / best other network stack |"
			echo "|---|---:|---:|---:|---:|---:|---:|---:|"
			for p in "${peers[@]}"; do
				rs=$(vs_best "$p" latency lat_p99_ms)
				echo "| $p | $(med "$p" latency touches) | $(cell "$p" latency lat_p50_ms %.2f) | $(cell "$p" latency lat_p90_ms %.2f) | $(cell "$p" latency lat_p99_ms %.1f) | $(cell "$p" latency lat_p999_ms %.1f) | $(cell "$p" latency lat_max_ms %.0f) | $rs |"
			done
			echo
		fi
		if [[ " ${workloads[*]} " == *" readlat "* ]]; then
			echo "## Device read latency, alone and behind writes"
			echo
			echo "No swap: pgtouch -f reads random 4 KiB pages of the first 256 MB of the device (O_DIRECT, each timed"
			echo "and verified), first alone, then while two writers stream 512 KiB O_DIRECT writes elsewhere on it."
			echo "Milliseconds."
			echo
			echo "| stack | alone p50 | alone p99 | behind writes p50 | p99 | max | writes MiB/s | p99 behind writes / best other network stack |"
			echo "|---|---:|---:|---:|---:|---:|---:|---:|"
			for p in "${peers[@]}"; do
				rs=$(vs_best "$p" readlat lat_p99_ms)
				echo "| $p | $(cell "$p" readlat idle_p50_ms %.2f) | $(cell "$p" readlat idle_p99_ms %.1f) | $(cell "$p" readlat lat_p50_ms %.2f) | $(cell "$p" readlat lat_p99_ms %.1f) | $(cell "$p" readlat lat_max_ms %.0f) | $(cell "$p" readlat busy_wr_mib_per_s %.1f) | $rs |"
			done
			echo
		fi
		echo "## Goals"
		echo
		goals
		echo
		seal_cost
		echo "![time per stack](bench-time.png)"
		echo
		echo "![page-in latency](bench-latency.png)"
		echo
		echo "Failed or missing runs: $(failed_runs)."
	} >"$out/bench.md"
	plots
	cp "$out/bench.md" "$out/results.txt"
	if [ "${NETSWAP_BENCH_DOCS:-0}" = 1 ]; then
		mkdir -p "$repo/docs"
		cp "$out/bench.md" "$out/bench-time.png" "$out/bench-latency.png" "$repo/docs/" 2>/dev/null
	fi
	cat "$out/bench.md"
}

failed_runs() {
	local r n=""
	for r in "${runs[@]}"; do
		[ "$(kv "$out/raw/$r.txt" status)" = ok ] || n+="$r ($(kv "$out/raw/$r.txt" status)) "
	done
	echo "${n:-none}"
}

# goal LABEL A OP B: "met" or "not met" for A OP B (OP is <= or >=).
goal() {
	if [ -z "$2" ] || [ -z "$4" ]; then
		echo "- $1: not measured"
	elif awk -v a="$2" -v b="$4" -v op="$3" 'BEGIN { exit !(op == "<=" ? a <= b : a >= b) }'; then
		echo "- $1: **met** ($2 vs $4)"
	else
		echo "- $1: not met ($2 vs $4)"
	fi
}

# seal_cost: what seal = aead costs, netswap-iscsi-sealed against
# netswap-iscsi of the same sitting.
seal_cost() {
	local w k a b
	[ -n "$(med netswap-iscsi-sealed throughput elapsed_s)$(med netswap-iscsi-sealed latency lat_p99_ms)" ] || return 0
	echo "## What sealing costs: netswap-iscsi with seal = aead against without"
	echo
	echo "| workload | figure | sealed | not sealed | sealed / not |"
	echo "|---|---|---:|---:|---:|"
	for w in throughput seeds latency; do
		for k in elapsed_s g_cpu_us_per_page lat_p50_ms lat_p99_ms lat_max_ms; do
			a=$(med netswap-iscsi-sealed "$w" "$k") b=$(med netswap-iscsi "$w" "$k")
			[ -n "$a" ] && [ -n "$b" ] || continue
			echo "| $w | $k | $a | $b | $(ratio "$a" "$b") |"
		done
	done
	echo
	echo "The sealed disk's tag table and bounce pages: \`seal_kb\` $(med netswap-iscsi-sealed throughput seal_kb) KiB (in raw/, per run)."
	echo
}

goals() {
	local w a b
	for w in throughput seeds; do
		a=$(med netswap-iscsi "$w" elapsed_s) b=$(med open-iscsi "$w" elapsed_s)
		goal "$w: netswap-iscsi time <= 0.67 x open-iscsi's" "$a" "<=" "$(awk -v b="$b" 'BEGIN { if (b != "") printf "%.1f", 0.67 * b }')"
		a=$(med netswap-nfs "$w" elapsed_s) b=$(med nfs-swapfile "$w" elapsed_s)
		goal "$w: netswap-nfs time <= 0.67 x the NFS swap file's" "$a" "<=" "$(awk -v b="$b" 'BEGIN { if (b != "") printf "%.1f", 0.67 * b }')"
		goal "$w: netswap-nfs time <= open-iscsi's" "$a" "<=" "$(med open-iscsi "$w" elapsed_s)"
	done
	for p in netswap-iscsi netswap-nfs; do
		a=$(med "$p" latency lat_p99_ms)
		b=$(PEERS_ONLY=1 best_other "$p" latency lat_p99_ms lower) && b=$(awk -v b="${b%% *}" 'BEGIN { printf "%.2f", b / 2 }')
		goal "latency: $p p99 <= half the best peer's p99 (ms)" "$a" "<=" "$b"
		goal "latency: $p max <= 250 ms" "$(med "$p" latency lat_max_ms)" "<=" 250
		a=$(med "$p" throughput g_cpu_us_per_page)
		b=$(PEERS_ONLY=1 best_other "$p" throughput g_cpu_us_per_page lower) && b=${b%% *}
		goal "CPU: $p guest CPU per page <= the best peer's (us, throughput)" "$a" "<=" "$b"
	done
}

# plots: bench-time.png (median time per stack and workload, with the
# range) and bench-latency.png (distribution of page-in latency per
# stack, all repetitions pooled).
plots() {
	local w p i dat=$out/plot
	command -v gnuplot >/dev/null || { echo "gnuplot not installed: no plots" >&2; return 0; }
	mkdir -p "$dat"
	: >"$dat/time.dat"
	i=0
	for p in "${peers[@]}"; do
		printf '%d "%s"' "$i" "$p" >>"$dat/time.dat"
		for w in throughput seeds; do
			s=$(spread "$p" "$w" elapsed_s)
			# median min max count: columns 3-6 (throughput), 7-10 (seeds)
			printf ' %s' "${s:-0 0 0 0}" | tr -d '\n' >>"$dat/time.dat"
		done
		echo >>"$dat/time.dat"
		i=$((i + 1))
	done
	for p in "${peers[@]}"; do
		cat "$out"/raw/"$p"-latency-r*.share/latency.txt 2>/dev/null | sort -g |
			awk '{ v[NR] = $1 } END { for (i = 1; i <= NR; i++) if (i % 10 == 0 || i == NR) printf "%.3f %.5f\n", v[i] / 1000, i / NR }' \
				>"$dat/lat-$p.dat"
	done
	gnuplot <<-GP 2>"$dat/gnuplot.err" || echo "gnuplot failed: $(head -n 3 "$dat/gnuplot.err")" >&2
		set terminal pngcairo size 900,480 noenhanced
		set output "$out/bench-time.png"
		set title "Time per stack (median, range over repetitions; lower is better)"
		set style data histogram
		set style histogram errorbars gap 1 lw 1
		set style fill solid 0.6 border -1
		set ylabel "seconds"
		set yrange [0:*]
		set key top left
		set xtics rotate by -20
		plot "$dat/time.dat" using 3:4:5:xtic(2) title "throughput (2 x RAM, 2 passes)", \
		     "" using 7:8:9 title "seeds (8 x NCPU procs, 4 x RAM)"
		set output "$out/bench-latency.png"
		set title "Page-in latency under background writes (all touches; higher and further left is better)"
		set style data lines
		set logscale x
		set xlabel "latency of a touch (ms)"
		set ylabel "fraction of touches at or below"
		set yrange [0:1]
		set key bottom right
		unset xtics
		set xtics
		plot $(for p in "${peers[@]}"; do [ -s "$dat/lat-$p.dat" ] && printf '"%s" using 1:2 lw 2 title "%s", ' "$dat/lat-$p.dat" "$p"; done | sed 's/, $//')
	GP
}

# --report: rewrite the report of the last bench in $out.
if [ "${1:-}" = --report ]; then
	[ -f "$out/raw/meta.sh" ] || vm_fail "no $out/raw/meta.sh: run the bench first"
	# shellcheck disable=SC1091
	. "$out/raw/meta.sh"
	report
	exit 0
fi

for v in "$reps" "$mem" "$smp" "$disk_mb" "$timeout"; do
	[[ $v =~ ^[1-9][0-9]*$ ]] || vm_fail "bad number '$v' in NETSWAP_BENCH_*"
done
[[ $link_mb =~ ^[0-9]+$ ]] || vm_fail "bad NETSWAP_BENCH_LINK_MB '$link_mb'"
[ "$disk_mb" -ge $((4 * mem + 64)) ] || vm_fail "NETSWAP_BENCH_DISK_MB ($disk_mb) must hold 4 x RAM and more"
for p in "${peers[@]}"; do
	[[ " $all_peers " == *" $p "* ]] || vm_fail "unknown stack '$p' ($all_peers)"
done
for w in "${workloads[@]}"; do
	case $w in throughput | seeds | latency | readlat) ;; *) vm_fail "unknown workload '$w' (throughput seeds latency readlat)" ;; esac
done
case $NETSWAP_BENCH_DIGEST in none | crc32c) ;; *) vm_fail "NETSWAP_BENCH_DIGEST: none or crc32c" ;; esac
vm_need_module "$kver"
[ -x "$VM_REPO/build/pgtouch" ] || vm_fail "build/pgtouch not built (make tools)"
need=(qemu-system-x86_64)
for p in "${peers[@]}"; do
	case $p in
	*iscsi | *iscsi-sealed) need+=(tgtd tgtadm) ;;
	*nfs*) need+=(ganesha.nfsd rpcinfo) ;;
	nbd) need+=(nbd-server nbd-client) ;;
	esac
done
[[ " ${peers[*]} " == *" open-iscsi "* ]] && need+=(iscsiadm iscsid)
for c in "${need[@]}"; do
	command -v "$c" >/dev/null || vm_fail "$c not installed (tests/deps.sh bench; make bench runs it)"
done

mkdir -p "$out/raw" "$VM_DIR/luns"
disk=$VM_DIR/luns/bench-$$.img
nbd_dir=$VM_DIR/bench-nbd
rm -rf "$out"/raw/* "$out/plot"
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
	"$VM_HERE/tgt.sh" stop >/dev/null 2>&1
	NETSWAP_NFS_PORT=$NETSWAP_NFS_PORT "$VM_HERE/ganesha.sh" stop >/dev/null 2>&1
	"$VM_HERE/ganesha.sh" stop-rpcbind >/dev/null 2>&1
	nbd_stop
	rm -f "$disk" "${VM_NFS_FILE:-}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---- the servers ----
nbd_stop() {
	local pid
	pid=$(cat "$nbd_dir/nbd.pid" 2>/dev/null) || return 0
	[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$(command -v nbd-server)")" ] &&
		kill "$pid" 2>/dev/null
	rm -f "$nbd_dir/nbd.pid"
}
nbd_start() {
	local i
	mkdir -p "$nbd_dir"
	nbd_stop
	cat >"$nbd_dir/nbd.conf" <<-CONF
		[generic]
		    listenaddr = 127.0.0.1
		    port = $NETSWAP_NBD_PORT
		    user = root
		    group = root
		[bench]
		    exportname = $disk
		    flush = true
	CONF
	nbd-server -C "$nbd_dir/nbd.conf" -p "$nbd_dir/nbd.pid" >"$nbd_dir/nbd.log" 2>&1 || return 1
	for ((i = 0; i < 100; i++)); do
		[ -s "$nbd_dir/nbd.pid" ] && (exec 3<>"/dev/tcp/127.0.0.1/$NETSWAP_NBD_PORT") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# storage PEER: fresh storage of disk_mb for PEER, its server started.
storage() {
	"$VM_HERE/tgt.sh" stop >/dev/null 2>&1
	nbd_stop
	rm -f "$disk"
	case $1 in
	*iscsi | *iscsi-sealed)
		"$VM_HERE/tgt.sh" start >/dev/null 2>&1 || vm_fail "tgtd did not start on port $NETSWAP_TGT_PORT"
		"$VM_HERE/tgt.sh" setup "$NETSWAP_TGT_IQN" "$disk" "$disk_mb" >/dev/null || vm_fail "tgt setup failed"
		;;
	netswap-nfs | nfs-swapfile) vm_nfs_file bench "$disk_mb" ;;
	nbd)
		truncate -s "${disk_mb}M" "$disk"
		nbd_start || vm_fail "nbd-server did not start: $(tail -n 2 "$nbd_dir/nbd.log")"
		;;
	esac
}

# ---- one run ----
# delta_named PRE POST KEY...: "d_KEY=post-pre" for "name value" files.
delta_named() {
	local pre=$1 post=$2
	shift 2
	awk -v keys="$*" '
		BEGIN { n = split(keys, k, " ") }
		FNR == NR { a[$1] = $2; next }
		{ b[$1] = $2 }
		END { for (i = 1; i <= n; i++) printf "d_%s=%d\n", k[i], b[k[i]] - a[k[i]] }
	' "$pre" "$post"
}

# metrics SHARE: every figure of one run, key=value.
metrics() {
	local s=$1 b
	cat "$s/result.txt"
	b=$(kv "$s/result.txt" dev)
	b=${b#/dev/}
	if [ -f "$s/pre._proc_vmstat" ] && [ -f "$s/post._proc_vmstat" ]; then
		delta_named "$s/pre._proc_vmstat" "$s/post._proc_vmstat" pswpin pswpout pgmajfault
		# cpu: user nice system idle iowait irq softirq steal (USER_HZ)
		paste -d' ' <(grep '^cpu ' "$s/pre._proc_stat") <(grep '^cpu ' "$s/post._proc_stat") |
			awk '{ for (i = 2; i <= 9; i++) d[i] = $(i + 11) - $i
			       printf "g_busy_ticks=%d\ng_sys_ticks=%d\ng_irq_ticks=%d\n", d[2] + d[3] + d[4] + d[7] + d[8] + d[9], d[4], d[7] + d[8] }'
	fi
	if [ -f "$s/pre._sys_block_${b}_stat" ]; then
		paste -d' ' <(tr -s ' ' <"$s/pre._sys_block_${b}_stat" | sed 's/^ //') \
			<(tr -s ' ' <"$s/post._sys_block_${b}_stat" | sed 's/^ //') |
			awk '{ n = NF / 2; for (i = 1; i <= n; i++) d[i] = $(i + n) - $i
			       printf "disk_rd_ios=%d\ndisk_rd_kb=%d\ndisk_rd_ticks_ms=%d\ndisk_wr_ios=%d\ndisk_wr_kb=%d\ndisk_wr_ticks_ms=%d\n", d[1], d[3] / 2, d[4], d[5], d[7] / 2, d[8] }'
	fi
	if [ -f "$s/pgtouch.txt" ]; then
		sed -n 's/^pgtouch: \([0-9]*\) touches in .* latency us: p50 \([0-9]*\) p90 \([0-9]*\) p99 \([0-9]*\) p99.9 \([0-9]*\) max \([0-9]*\),.*/touches=\1 \2 \3 \4 \5 \6/p' "$s/pgtouch.txt" |
			awk '{ split($1, t, "="); printf "touches=%s\nlat_p50_ms=%.3f\nlat_p90_ms=%.3f\nlat_p99_ms=%.3f\nlat_p999_ms=%.3f\nlat_max_ms=%.3f\n", t[2], $2 / 1000, $3 / 1000, $4 / 1000, $5 / 1000, $6 / 1000 }'
	fi
	if [ -f "$s/pgtouch-idle.txt" ]; then
		sed -n 's/^pgtouch: [0-9]* touches in .* latency us: p50 \([0-9]*\) p90 [0-9]* p99 \([0-9]*\) .*/\1 \2/p' "$s/pgtouch-idle.txt" |
			awk '{ printf "idle_p50_ms=%.3f\nidle_p99_ms=%.3f\n", $1 / 1000, $2 / 1000 }'
	fi
	[ -f "$s/host.txt" ] && cat "$s/host.txt"
}

# derive RAW: append the computed rates to RAW.
derive() {
	awk -F= -v link="$(med link stream link_mib_per_s)" '{ v[$1] = substr($0, length($1) + 2) }
		END {
			el = v["t_end"] - v["t_start"]; if (el <= 0) el = 1e-9
			printf "elapsed_s=%.2f\n", el
			if (v["link_mb"] != "") {
				o = v["link_mb"] / v["link_out_s"]; i = v["link_mb"] / v["link_in_s"]
				printf "link_out_mib_per_s=%.2f\nlink_in_mib_per_s=%.2f\nlink_mib_per_s=%.2f\n", o, i, (o + i) / 2
				exit
			}
			pg = v["d_pswpin"] + v["d_pswpout"]
			mibs = pg * 4 / 1024 / el
			printf "pages_swapped=%d\npages_per_s=%.0f\nswap_mib_per_s=%.2f\n", pg, pg / el, mibs
			if (link > 0) printf "link_frac_pct=%.0f\n", 100 * mibs / link
			if (pg > 0 && v["g_busy_ticks"] != "") printf "g_cpu_us_per_page=%.1f\n", v["g_busy_ticks"] * 1e6 / 100 / pg
			if (v["disk_wr_ios"] > 0) printf "disk_wr_avg_kb=%.1f\n", v["disk_wr_kb"] / v["disk_wr_ios"]
			if (v["busy_s"] > 0) printf "busy_wr_mib_per_s=%.2f\n", v["busy_wr_mb"] / v["busy_s"]
			if (v["disk_rd_ios"] > 0) printf "disk_rd_avg_kb=%.1f\n", v["disk_rd_kb"] / v["disk_rd_ios"]
			if (v["disk_rd_ios"] > 0 && v["disk_rd_ticks_ms"] != "") printf "disk_rd_wait_ms=%.2f\n", v["disk_rd_ticks_ms"] / v["disk_rd_ios"]
			if (v["disk_wr_ios"] > 0 && v["disk_wr_ticks_ms"] != "") printf "disk_wr_wait_ms=%.2f\n", v["disk_wr_ticks_ms"] / v["disk_wr_ios"]
			if (v["g_busy_ticks"] != "" && v["nproc"] > 0) {
				printf "g_busy_pct=%.1f\n", 100 * v["g_busy_ticks"] / 100 / el / v["nproc"]
				printf "g_sys_pct=%.1f\n", 100 * v["g_sys_ticks"] / 100 / el / v["nproc"]
			}
			tck = v["clk_tck"] ? v["clk_tck"] : 100
			if (v["end_time"] != "" && v["start_time"] != "" && pg > 0) {
				cpu = (v["end_server_ticks"] - v["start_server_ticks"] + v["end_qemu_ticks"] - v["start_qemu_ticks"]) / tck
				printf "host_cpu_us_per_page=%.1f\n", cpu * 1e6 / pg
			}
		}' "$1" >"$1.tmp"
	cat "$1.tmp" >>"$1"
	rm -f "$1.tmp"
}

run_one() {
	local peer=$1 w=$2 rep=$3 name share rc raw
	name=$peer-$w-r$rep
	share=$(vm_share_dir "bench-$name")
	raw=$out/raw/$name.txt
	storage "$peer"
	vm_log "$name: booting (load $(cut -d' ' -f1-3 /proc/loadavg))"
	NETSWAP_BENCH_NBD_PID=$(cat "$nbd_dir/nbd.pid" 2>/dev/null) \
		"$VM_HERE/boot.sh" --name "bench-$name" --mem "$mem" --smp "$smp" --timeout "$timeout" \
		--host "$(printf '%q --host-side %q' "$self" "$peer")" \
		"$kver" "$here/guest/bench.sh" "$peer" "$w" >"$out/raw/$name.log" 2>&1
	rc=$?
	{
		echo "run=$name"
		echo "rep=$rep"
		echo "boot_rc=$rc"
		metrics "$share"
	} >"$raw"
	derive "$raw"
	rm -rf "$out/raw/$name.share"
	cp -a "$share" "$out/raw/$name.share" 2>/dev/null
	cp "$VM_DIR/bench-$name/console.log" "$out/raw/$name.share/" 2>/dev/null
	if [ "$rc" = 0 ] && [ "$(kv "$raw" result)" = ok ]; then
		echo "status=ok" >>"$raw"
		vm_log "$name: $(kv "$raw" elapsed_s) s$([ -n "$(kv "$raw" pages_per_s)" ] && echo ", $(kv "$raw" pages_per_s) pages/s")$([ -n "$(kv "$raw" lat_p99_ms)" ] && echo ", p99 $(kv "$raw" lat_p99_ms) ms")"
	else
		echo "status=FAIL(rc $rc$(grep -m1 '^REASON: ' "$out/raw/$name.log" | cut -c8- | sed 's/^/:/'))" >>"$raw"
		vm_log "$name: FAILED (rc $rc), see $out/raw/$name.log and $VM_DIR/bench-$name/"
		[ ! -s "$share/stall.txt" ] || vm_log "$name: $(head -n 1 "$share/stall.txt"); the stall's state: $out/raw/$name.share/stall.txt"
	fi
	runs+=("$name")
}

# ---- the runs ----
bench_start=$(date +%s)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
vm_log "bench: kernel $kver, guest ${mem} MB / $smp vCPU, stacks ${peers[*]}, workloads ${workloads[*]}, $reps rep(s), ${disk_mb} MB each"
runs=()
for ((rep = 1; rep <= reps; rep++)); do
	[ "$link_mb" = 0 ] || run_one link stream "$rep"
	order=("${peers[@]}")
	if ((rep % 2 == 0)); then # alternate the order against drift
		order=()
		for ((i = ${#peers[@]} - 1; i >= 0; i--)); do order+=("${peers[i]}"); done
	fi
	for w in "${workloads[@]}"; do
		for p in "${order[@]}"; do
			run_one "$p" "$w" "$rep"
		done
	done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
bench_s=$(($(date +%s) - bench_start))
bench_date=$(date -u '+%Y-%m-%d %H:%M UTC')
bench_digest=$NETSWAP_BENCH_DIGEST bench_qd=${NETSWAP_BENCH_QD:-}
declare -p kver reps peers workloads mem smp disk_mb link_mb runs load_start \
	load_end bench_s bench_date bench_digest bench_qd >"$out/raw/meta.sh"
report
fail=0
for r in "${runs[@]}"; do
	[ "$(kv "$out/raw/$r.txt" status)" = ok ] || fail=1
done
vm_log "report: $out/bench.md; raw figures: $out/raw/"
exit "$fail"
