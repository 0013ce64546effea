#!/bin/bash
# tests/bench/run.sh (`make bench`, not part of `make test`): swap
# throughput of netswap against open-iscsi (iscsid + iscsi_tcp, swap on
# its /dev/sdX), same guest configuration, same tgt LUN, same workload.
#
# Each run boots its own fresh guest (tests/vm/boot.sh) with the same
# memory and CPUs, raises vm.min_free_kbytes by netswap's reserve_kb (for
# every peer), swaps on the LUN and times build/memhog (2 x guest RAM,
# every page written and verified on every pass). The LUN is a fresh
# sparse file of the same size for every run, on a host tgtd on
# 127.0.0.1:$NETSWAP_TGT_PORT. Measured in the guest: elapsed seconds of
# the memhog run and the pswpin + pswpout deltas of /proc/vmstat, giving
# pages swapped per second; also guest CPU split, the disk's I/O counts,
# sizes, latencies and average queue depth, and (host side) the CPU time
# of tgtd and QEMU and the host load.
#
# Prints a table and the ratios netswap/open-iscsi (time and pages/s),
# writes build/bench/results.txt, build/bench/results.md (a snippet for
# the README), build/bench/raw/<run>.txt (every figure of one run) and
# build/bench/raw/<run>.share/ (the guest's output, dmesg, console, samples,
# counter snapshots; boot.sh's run dir build/vm/bench-<peer>-r<rep>/ is
# reused by the next bench).
#
# Knobs (environment):
#   NETSWAP_BENCH_KVER    kernel (default: the 6.12 one from kernels.sh)
#   NETSWAP_BENCH_REPS    repetitions per peer (1); with more than one the
#                         order alternates and the summary uses the median
#   NETSWAP_BENCH_PEERS   "netswap open-iscsi" (the order of the first rep)
#   NETSWAP_BENCH_MEM     guest MB (256)        NETSWAP_BENCH_SMP  vCPUs (2)
#   NETSWAP_BENCH_MB      memhog MB (2 x MEM)   NETSWAP_BENCH_PASSES (2)
#   NETSWAP_BENCH_LUN_MB  LUN size (1024)
#   NETSWAP_BENCH_DIGEST  none | crc32c: header+data digests for both (none)
#   NETSWAP_BENCH_QD      queue depth for both peers (default: each its own
#                         default, netswap 64, open-iscsi 32 per LUN)
#   NETSWAP_BENCH_QUEUE   "attr=value ..." written to the swap disk's
#                         /sys/block/X/queue/ for both peers before swapon
#                         (e.g. "max_sectors_kb=128 rotational=0"); default
#                         none: each device as its driver sets it up
#   NETSWAP_BENCH_SAMPLE  guest sampling period, s (5; 0 = off)
#   NETSWAP_BENCH_QUIET_WAIT  before each run, wait up to this many s for
#                         other QEMU guests (other tests) on the host to
#                         end (0 = do not wait); runs that still shared the
#                         host are flagged in the table
#   NETSWAP_BENCH_TIMEOUT per guest, s (1200)
#   NETSWAP_BENCH_OUT     output dir (build/bench)
#   NETSWAP_TGT_PORT      tgtd port (3290 here, so that it does not collide
#                         with the VM tests on 3260)
#   NETSWAP_TGT_PREALLOC=1  preallocated instead of sparse LUN file
# `run.sh --report` prints and rewrites results.txt/.md from the last
# bench's raw/ (NETSWAP_BENCH_OUT selects which) without running anything.
# Exit: 0 if every run succeeded, 1 otherwise (the table shows which).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self=$here/$(basename "${BASH_SOURCE[0]}")
repo=$(cd "$here/../.." && pwd)
export NETSWAP_TGT_PORT=${NETSWAP_TGT_PORT:-3290}
# shellcheck source=SCRIPTDIR/../vm/lib.sh
. "$repo/tests/vm/lib.sh"

# ---- host side, while a guest runs (boot.sh --host) ----
# Samples tgtd's and QEMU's CPU time, the host's CPU counters and load
# when the guest marks memhog-start and memhog-end.
host_snap() {
	local tag=$1 tgt=$2 p
	{
		echo "${tag}_time=$(date +%s.%N)"
		echo "${tag}_loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
		echo "${tag}_host_cpu=$(head -n 1 /proc/stat | cut -d' ' -f2-)"
		# QEMUs running on the host, this one included (others skew the figures)
		echo "${tag}_qemus=$(pgrep -c -f '^qemu-system-x86_64 ')"
		for p in "tgtd:$tgt" "qemu:$NETSWAP_QEMU_PID"; do
			# utime + stime of the process, in clock ticks
			echo "${tag}_${p%%:*}_ticks=$(awk '{ print $14 + $15 }' "/proc/${p#*:}/stat" 2>/dev/null)"
		done
	} >>"$NETSWAP_SHARE/host.txt"
}

if [ "${1:-}" = --host-side ]; then
	tgt=$("$VM_HERE/tgt.sh" status) || tgt=0
	echo "clk_tck=$(getconf CLK_TCK)" >>"$NETSWAP_SHARE/host.txt"
	vm_wait_file "$NETSWAP_SHARE/memhog-start" "${NETSWAP_BENCH_TIMEOUT:-1200}" "$NETSWAP_QEMU_PID" || exit 0
	host_snap start "$tgt"
	# Until memhog-end: how often other QEMUs (other tests) shared the host.
	n=0 busy=0 max=0
	end=$((SECONDS + ${NETSWAP_BENCH_TIMEOUT:-1200}))
	while [ ! -e "$NETSWAP_SHARE/memhog-end" ] && [ "$SECONDS" -le "$end" ] &&
		kill -0 "$NETSWAP_QEMU_PID" 2>/dev/null; do
		o=$(($(pgrep -c -f '^qemu-system-x86_64 ') - 1))
		echo "$(date +%s.%N) $o" >>"$NETSWAP_SHARE/host-qemus.txt"
		n=$((n + 1))
		[ "$o" -gt 0 ] && busy=$((busy + 1))
		[ "$o" -gt "$max" ] && max=$o
		sleep 2
	done
	[ -e "$NETSWAP_SHARE/memhog-end" ] || exit 0
	host_snap end "$tgt"
	{
		echo "other_qemus_max=$max"
		echo "other_qemus_pct=$((n ? 100 * busy / n : 0))"
	} >>"$NETSWAP_SHARE/host.txt"
	exit 0
fi

# ---- configuration ----
if [ -n "${NETSWAP_BENCH_KVER:-}" ]; then
	kver=$NETSWAP_BENCH_KVER
else
	kver=$(NETSWAP_KVERS=6.12 "$VM_HERE/kernels.sh") || vm_fail "no 6.12 kernel installed"
fi
reps=${NETSWAP_BENCH_REPS:-1}
read -r -a peers <<<"${NETSWAP_BENCH_PEERS:-netswap open-iscsi}"
mem=${NETSWAP_BENCH_MEM:-256}
smp=${NETSWAP_BENCH_SMP:-2}
mb=${NETSWAP_BENCH_MB:-$((2 * mem))}
passes=${NETSWAP_BENCH_PASSES:-2}
lun_mb=${NETSWAP_BENCH_LUN_MB:-1024}
timeout=${NETSWAP_BENCH_TIMEOUT:-1200}
out=${NETSWAP_BENCH_OUT:-$repo/build/bench}
export NETSWAP_BENCH_DIGEST=${NETSWAP_BENCH_DIGEST:-none}
export NETSWAP_BENCH_SAMPLE=${NETSWAP_BENCH_SAMPLE:-5}
export NETSWAP_BENCH_TIMEOUT=$timeout
[ -z "${NETSWAP_BENCH_QD:-}" ] || export NETSWAP_BENCH_QD
[ -z "${NETSWAP_BENCH_QUEUE:-}" ] || export NETSWAP_BENCH_QUEUE
export NETSWAP_TGT_IQN=iqn.2026-11.org.netswap.test:bench

# kv FILE KEY: value of KEY= in FILE.
kv() { sed -n "s/^$2=//p" "$1" 2>/dev/null | tail -n 1; }

# ---- summary ----
# median PEER KEY: median of KEY over the successful runs of PEER.
median() {
	local f
	for f in "$out"/raw/bench-"$1"-r*.txt; do
		[ -f "$f" ] && [ "$(kv "$f" status)" = ok ] && kv "$f" "$2"
	done | sort -g | awk '{ a[NR] = $1 } END { if (NR) print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}

# report: results.txt (printed too) and results.md from $out/raw/ and the
# run's parameters (in $out/raw/meta.sh).
report() {
	{
		echo "netswap swap benchmark, $bench_date, $bench_s s in all"
		echo "kernel $kver; guest ${mem} MB RAM, $smp vCPU, QEMU TCG (-accel tcg,thread=multi -cpu max)"
		echo "workload: memhog -m $mb -p $passes (every page written and verified each pass)"
		echo "LUN: ${lun_mb} MB $([ "$bench_prealloc" = 1 ] && echo preallocated || echo sparse) file, fresh for every run, tgtd on 127.0.0.1:$bench_port (guest: 10.0.2.2)"
		echo "digests: $bench_digest; queue depth: ${bench_qd:-the default of each initiator (netswap 64, open-iscsi 32 per LUN)}"
		echo "swap disk queue settings: ${bench_queue:-as each driver sets them}"
		for r in "${runs[@]}"; do
			f=$out/raw/$r.txt
			echo "  $r: $(kv "$f" dev) max_sectors_kb $(kv "$f" q_max_sectors_kb) rotational $(kv "$f" q_rotational) queue_depth $(kv "$f" queue_depth) sched '$(kv "$f" q_scheduler)'; $(kv "$f" swapon_line)"
		done
		echo "vm.min_free_kbytes: raised by netswap's reserve_kb for every peer: $(for r in "${runs[@]}"; do printf '%s ' "$(kv "$out/raw/$r.txt" min_free_kbytes)"; done)"
		echo "host: $(nproc) CPUs; load average at start $load_start, at end $load_end"
		echo
		printf '%-20s %8s %8s %8s %8s %8s %6s | %5s %5s %5s | %6s %6s %6s %6s %5s | %6s %6s %6s %5s | %s\n' \
			run elapsed pswpin pswpout pages/s MiB/s passes \
			g_usr g_sys g_iow rd_kb rd_ms wr_kb wr_ms avgqd tgtd_s qemu_s cpu/10k h_bsy \
			"status / load(start) / other QEMUs: % of time,max / quiet: % of time,pages/s / per-pass s"
		for r in "${runs[@]}"; do
			f=$out/raw/$r.txt
			printf '%-20s %8s %8s %8s %8s %8s %6s | %5s %5s %5s | %6s %6s %6s %6s %5s | %6s %6s %6s %5s | %s\n' \
				"$r" "$(kv "$f" elapsed_s)" "$(kv "$f" d_pswpin)" "$(kv "$f" d_pswpout)" \
				"$(kv "$f" pages_per_s)" "$(kv "$f" swap_mib_per_s)" "$(kv "$f" passes)" \
				"$(kv "$f" g_cpu_user_pct)" "$(kv "$f" g_cpu_sys_pct)" "$(kv "$f" g_cpu_iowait_pct)" \
				"$(kv "$f" disk_rd_avg_kb)" "$(kv "$f" disk_rd_lat_ms)" \
				"$(kv "$f" disk_wr_avg_kb)" "$(kv "$f" disk_wr_lat_ms)" "$(kv "$f" disk_avg_qd)" \
				"$(kv "$f" tgtd_cpu_s)" "$(kv "$f" qemu_cpu_s)" "$(kv "$f" cpu_s_per_10k_pages)" \
				"$(kv "$f" host_cpu_busy_pct)" \
				"$(kv "$f" status) / $(kv "$f" start_loadavg | cut -d' ' -f1) / $(kv "$f" other_qemus_pct)%,$(kv "$f" other_qemus_max) / $(kv "$f" quiet_pct)%,$(kv "$f" quiet_pages_per_s) / $(kv "$f" pass_s)"
		done
		echo
		echo "columns: elapsed = memhog wall time (s, guest clock); pages/s = (pswpin + pswpout) / elapsed;"
		echo "g_* = guest CPU % (user, system, iowait); rd/wr_kb, rd/wr_ms = average request size and"
		echo "latency on the swap disk; avgqd = average requests in flight; tgtd_s / qemu_s = host CPU"
		echo "seconds of tgtd / QEMU during the run, cpu/10k = both per 10000 pages swapped (host"
		echo "CPU cost of the I/O path under TCG); h_bsy = host CPU busy %, all processes;"
		echo "other QEMUs = share of the run during which other guests (other tests) ran on the host;"
		echo "quiet = share of the run without them and the swap rate over just those intervals (the"
		echo "phases of memhog differ in rate, so compare quiet rates only with similar coverage)."
		contended=$(for r in "${runs[@]}"; do
			o=$(kv "$out/raw/$r.txt" other_qemus_pct)
			[ "${o:-0}" -gt 0 ] && printf '%s ' "$r"
		done)
		[ -z "$contended" ] ||
			echo "WARNING: other guests shared this $(nproc)-CPU host during: $contended- their figures are skewed"
		echo
		t_ns=$(median netswap elapsed_s) t_oi=$(median open-iscsi elapsed_s)
		p_ns=$(median netswap pages_per_s) p_oi=$(median open-iscsi pages_per_s)
		if [ -n "$t_ns" ] && [ -n "$t_oi" ] && [ -n "$p_oi" ] && [ "$p_oi" != 0 ]; then
			echo "median over $reps rep(s): netswap $t_ns s, $p_ns pages/s; open-iscsi $t_oi s, $p_oi pages/s"
			awk -v a="$t_ns" -v b="$t_oi" -v c="$p_ns" -v d="$p_oi" 'BEGIN {
				printf "ratio netswap/open-iscsi: time %.2f (< 1: netswap faster), pages/s %.2f (> 1: netswap faster)\n", a / b, c / d }'
			q_ns=$(median netswap quiet_pages_per_s) q_oi=$(median open-iscsi quiet_pages_per_s)
			[ -z "$q_ns" ] || [ -z "$q_oi" ] ||
				awk -v a="$q_ns" -v b="$q_oi" -v x="$(median netswap quiet_pct)" -v y="$(median open-iscsi quiet_pct)" 'BEGIN {
					printf "uncontended intervals only: netswap %.0f pages/s (%d%% of its run), open-iscsi %.0f pages/s (%d%%), ratio %.2f\n", a, x, b, y, a / b }'
			c_ns=$(median netswap cpu_s_per_10k_pages) c_oi=$(median open-iscsi cpu_s_per_10k_pages)
			[ -z "$c_ns" ] || [ -z "$c_oi" ] ||
				awk -v a="$c_ns" -v b="$c_oi" 'BEGIN {
					printf "host CPU (QEMU + tgtd) per 10k pages: netswap %.2f s, open-iscsi %.2f s, ratio %.2f\n", a, b, a / b }'
		else
			echo "ratio netswap/open-iscsi: n/a (a peer has no successful run)"
		fi
	} | tee "$out/results.txt"

	# Markdown snippet for the README.
	{
		echo "| run | elapsed (s) | per pass (s) | pages swapped (in + out) | pages/s | MiB/s | guest sys / irq % | avg write (KiB) | avg in flight | other guests on the host |"
		echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
		for r in "${runs[@]}"; do
			f=$out/raw/$r.txt
			st=$(kv "$f" status)
			if [ "$st" = ok ]; then st=; else st=" ($st)"; fi
			echo "| ${r#bench-}$st | $(kv "$f" elapsed_s) | $(kv "$f" pass_s | sed 's/ / + /g') | $(kv "$f" d_pswpin) + $(kv "$f" d_pswpout) | $(kv "$f" pages_per_s) | $(kv "$f" swap_mib_per_s) | $(kv "$f" g_cpu_sys_pct) / $(kv "$f" g_cpu_irq_pct) | $(kv "$f" disk_wr_avg_kb) | $(kv "$f" disk_avg_qd) | $(kv "$f" other_qemus_pct)% of the run |"
		done
		echo
		grep -E '^(ratio|median|host CPU|uncontended)' "$out/results.txt" | sed 's/^/**/; s/: /:** /'
		grep '^WARNING' "$out/results.txt"
		echo
		echo "Kernel $kver, guest ${mem} MB / $smp vCPU under QEMU TCG, \`memhog -m $mb -p $passes\`," \
			"${lun_mb} MB $([ "$bench_prealloc" = 1 ] && echo preallocated || echo sparse) LUN on tgt over QEMU user networking, digests $bench_digest," \
			"vm.min_free_kbytes raised by netswap's reserve_kb for both; host $(nproc) CPUs," \
			"load average $load_start at start, $load_end at end. \`make bench\` ($bench_s s)."
	} >"$out/results.md"
}

# --report: print and rewrite results.txt/.md of the last bench in $out.
if [ "${1:-}" = --report ]; then
	[ -f "$out/raw/meta.sh" ] || vm_fail "no $out/raw/meta.sh: run the bench first"
	# shellcheck disable=SC1091
	. "$out/raw/meta.sh"
	report
	exit 0
fi

for v in "$reps" "$mem" "$smp" "$mb" "$passes" "$lun_mb" "$timeout"; do
	[[ $v =~ ^[1-9][0-9]*$ ]] || vm_fail "bad number '$v' in NETSWAP_BENCH_*"
done
[ "$lun_mb" -gt "$mb" ] || vm_fail "LUN ($lun_mb MB) must be larger than the workload ($mb MB)"
for p in "${peers[@]}"; do
	case $p in netswap | open-iscsi) ;; *) vm_fail "unknown peer '$p' (netswap, open-iscsi)" ;; esac
done
case $NETSWAP_BENCH_DIGEST in none | crc32c) ;; *) vm_fail "NETSWAP_BENCH_DIGEST: none or crc32c" ;; esac
vm_need_module "$kver"
for c in tgtd tgtadm iscsiadm iscsid qemu-system-x86_64; do
	command -v "$c" >/dev/null || vm_fail "$c not installed"
done

mkdir -p "$out/raw" "$VM_DIR/luns"
lun=$VM_DIR/luns/bench-$NETSWAP_TGT_PORT.img
rm -rf "$out"/raw/bench-*
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
	"$VM_HERE/tgt.sh" stop >/dev/null 2>&1
	rm -f "$lun"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---- one run ----

# delta_named PRE POST KEY...: "KEY=post-pre" for "name value" files.
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

# metrics SHARE: every derived figure of one run, key=value.
metrics() {
	local s=$1 b pre post
	cat "$s/result.txt"
	b=$(kv "$s/result.txt" dev)
	b=${b#/dev/}
	pre=$s/pre._proc_vmstat post=$s/post._proc_vmstat
	if [ -f "$pre" ] && [ -f "$post" ]; then
		delta_named "$pre" "$post" pswpin pswpout pgmajfault pgscan_kswapd \
			pgscan_direct pgsteal_kswapd pgsteal_direct allocstall_normal \
			allocstall_movable allocstall_dma32 swap_ra swap_ra_hit \
			workingset_refault_anon
		# cpu line of /proc/stat: user nice system idle iowait irq softirq steal
		paste -d' ' <(grep '^cpu ' "$s/pre._proc_stat") <(grep '^cpu ' "$s/post._proc_stat") |
			awk '{ for (i = 2; i <= 9; i++) d[i] = $(i + 11) - $i
			       t = 0; for (i = 2; i <= 9; i++) t += d[i]
			       if (t <= 0) t = 1
			       printf "g_cpu_user_pct=%.1f\ng_cpu_sys_pct=%.1f\ng_cpu_irq_pct=%.1f\n", 100 * (d[2] + d[3]) / t, 100 * d[4] / t, 100 * (d[7] + d[8]) / t
			       printf "g_cpu_iowait_pct=%.1f\ng_cpu_idle_pct=%.1f\n", 100 * d[6] / t, 100 * d[5] / t }'
		# disk stat: rd_ios rd_merges rd_sect rd_ticks wr_ios wr_merges wr_sect wr_ticks inflight io_ticks time_in_queue
		paste -d' ' <(tr -s ' ' <"$s/pre._sys_block_${b}_stat" | sed 's/^ //') \
			<(tr -s ' ' <"$s/post._sys_block_${b}_stat" | sed 's/^ //') |
			awk '{ n = NF / 2; for (i = 1; i <= n; i++) d[i] = $(i + n) - $i
			       printf "disk_rd_ios=%d\ndisk_rd_kb=%d\ndisk_rd_ticks=%d\n", d[1], d[3] / 2, d[4]
			       printf "disk_wr_ios=%d\ndisk_wr_kb=%d\ndisk_wr_ticks=%d\n", d[5], d[7] / 2, d[8]
			       printf "disk_io_ticks=%d\ndisk_time_in_queue=%d\n", d[10], d[11] }'
	fi
	if [ -f "$s/pre._sys_kernel_config_netswap_b0_stats" ]; then
		delta_named "$s/pre._sys_kernel_config_netswap_b0_stats" \
			"$s/post._sys_kernel_config_netswap_b0_stats" \
			reads writes flushes read_bytes write_bytes errors retries \
			timeouts recoveries reconnects | sed 's/^d_/ns_/'
	fi
	[ -f "$s/memhog.txt" ] &&
		echo "pass_s=$(sed -n 's/^memhog: pass .*, \([0-9.]*\) s$/\1/p' "$s/memhog.txt" | paste -sd' ' -)"
	[ -f "$s/host.txt" ] && cat "$s/host.txt"
	quiet_rate "$s"
}

# quiet_rate SHARE: swap rate over the guest sample intervals (inside the
# memhog run) during which the host side saw no other QEMU, polled every
# 2 s (guest and host clocks agree to about a second: 2 s margin).
quiet_rate() {
	local s=$1 t0 t1
	[ -s "$s/samples.txt" ] && [ -s "$s/host-qemus.txt" ] || return 0
	t0=$(kv "$s/result.txt" t_start) t1=$(kv "$s/result.txt" t_end)
	awk -v t0="$t0" -v t1="$t1" '
		FNR == NR { ht[++nh] = $1; ho[nh] = $2; next }
		NF >= 4 { e[++n] = $2; pg[n] = $3 + $4 }
		END {
			for (i = 2; i <= n; i++) {
				a = e[i - 1]; b = e[i]
				if (a < t0 || b > t1) continue
				all += b - a
				seen = 0; busy = 0
				for (j = 1; j <= nh; j++)
					if (ht[j] >= a - 2 && ht[j] <= b + 2) { seen++; if (ho[j] > 0) busy = 1 }
				if (!seen || busy) continue
				qt += b - a; qp += pg[i] - pg[i - 1]
			}
			if (all > 0) printf "quiet_pct=%.0f\n", 100 * qt / all
			if (qt > 0) printf "quiet_s=%.0f\nquiet_pages_per_s=%.0f\n", qt, qp / qt
		}' "$s/host-qemus.txt" "$s/samples.txt"
}

# derive RAW: append the computed rates to RAW.
derive() {
	local f=$1
	awk -F= '{ v[$1] = substr($0, length($1) + 2) }
		END {
			el = v["t_end"] - v["t_start"]; if (el <= 0) el = 1e-9
			pg = v["d_pswpin"] + v["d_pswpout"]
			printf "elapsed_s=%.2f\npages_swapped=%d\npages_per_s=%.0f\nswap_mib_per_s=%.2f\n", el, pg, pg / el, pg * 4 / 1024 / el
			if (v["disk_rd_ios"] > 0) printf "disk_rd_avg_kb=%.1f\ndisk_rd_lat_ms=%.2f\n", v["disk_rd_kb"] / v["disk_rd_ios"], v["disk_rd_ticks"] / v["disk_rd_ios"]
			if (v["disk_wr_ios"] > 0) printf "disk_wr_avg_kb=%.1f\ndisk_wr_lat_ms=%.2f\n", v["disk_wr_kb"] / v["disk_wr_ios"], v["disk_wr_ticks"] / v["disk_wr_ios"]
			printf "disk_avg_qd=%.2f\ndisk_util_pct=%.1f\n", v["disk_time_in_queue"] / (el * 1000), 100 * v["disk_io_ticks"] / (el * 1000)
			tck = v["clk_tck"] ? v["clk_tck"] : 100
			if (v["end_time"] != "" && v["start_time"] != "") {
				hel = v["end_time"] - v["start_time"]; if (hel <= 0) hel = 1e-9
				printf "host_elapsed_s=%.2f\n", hel
				printf "tgtd_cpu_s=%.2f\nqemu_cpu_s=%.2f\nqemu_cpu_pct=%.0f\n", (v["end_tgtd_ticks"] - v["start_tgtd_ticks"]) / tck, (v["end_qemu_ticks"] - v["start_qemu_ticks"]) / tck, 100 * (v["end_qemu_ticks"] - v["start_qemu_ticks"]) / tck / hel
				split(v["start_host_cpu"], a, " "); split(v["end_host_cpu"], b, " ")
				t = 0; for (i = 1; i <= 8; i++) t += b[i] - a[i]
				idle = (b[4] - a[4]) + (b[5] - a[5])
				if (t > 0) printf "host_cpu_busy_pct=%.0f\n", 100 * (t - idle) / t
				cpu = (v["end_tgtd_ticks"] - v["start_tgtd_ticks"] + v["end_qemu_ticks"] - v["start_qemu_ticks"]) / tck
				if (pg > 0) printf "cpu_s_per_10k_pages=%.2f\n", cpu * 10000 / pg
			}
		}' "$f" >"$f.tmp"
	cat "$f.tmp" >>"$f"
	rm -f "$f.tmp"
}

# wait_quiet: bounded wait until no other QEMU runs on the host.
wait_quiet() {
	local end=$((SECONDS + ${NETSWAP_BENCH_QUIET_WAIT:-0})) said=0
	while [ "$(pgrep -c -f '^qemu-system-x86_64 ')" -gt 0 ] && [ "$SECONDS" -lt "$end" ]; do
		[ "$said" = 1 ] || vm_log "waiting (up to $((end - SECONDS)) s) for other guests to end"
		said=1
		sleep 5
	done
}

run_one() {
	local peer=$1 rep=$2 name share rc raw
	name=bench-$peer-r$rep
	share=$(vm_share_dir "$name")
	raw=$out/raw/$name.txt
	# Fresh sparse LUN of the same size, fresh tgtd, for every run.
	"$VM_HERE/tgt.sh" stop >/dev/null 2>&1
	rm -f "$lun"
	"$VM_HERE/tgt.sh" start >/dev/null 2>&1 || vm_fail "tgtd did not start on port $NETSWAP_TGT_PORT"
	"$VM_HERE/tgt.sh" setup "$NETSWAP_TGT_IQN" "$lun" "$lun_mb" >/dev/null ||
		vm_fail "tgt setup failed"
	wait_quiet
	vm_log "$name: booting (load $(cut -d' ' -f1-3 /proc/loadavg))"
	"$VM_HERE/boot.sh" --name "$name" --mem "$mem" --smp "$smp" --timeout "$timeout" \
		--host "$(printf '%q --host-side' "$self")" \
		"$kver" "$here/guest/bench.sh" "$peer" "$mb" "$passes" >"$out/raw/$name.log" 2>&1
	rc=$?
	"$VM_HERE/tgt.sh" stop >/dev/null 2>&1
	lun_alloc_mb=$(($(stat -c %b "$lun" 2>/dev/null || echo 0) * 512 / 1048576))
	rm -f "$lun"
	{
		echo "run=$name"
		echo "rep=$rep"
		echo "boot_rc=$rc"
		echo "lun_allocated_mb=$lun_alloc_mb"
		echo "boot_elapsed_s=$(cat "$VM_DIR/$name/elapsed" 2>/dev/null)"
		metrics "$share"
	} >"$raw"
	derive "$raw"
	# Keep the guest's files with the figures (the run dir is reused).
	rm -rf "$out/raw/$name.share"
	cp -a "$share" "$out/raw/$name.share" 2>/dev/null
	cp "$VM_DIR/$name/console.log" "$out/raw/$name.share/" 2>/dev/null
	if [ "$rc" = 0 ] && [ "$(kv "$raw" result)" = ok ]; then
		echo "status=ok" >>"$raw"
		vm_log "$name: $(kv "$raw" elapsed_s) s, $(kv "$raw" pages_swapped) pages, $(kv "$raw" pages_per_s) pages/s (load $(kv "$raw" end_loadavg))"
	else
		echo "status=FAIL(rc $rc$(grep -m1 '^REASON: ' "$out/raw/$name.log" | cut -c8- | sed 's/^/:/'))" >>"$raw"
		vm_log "$name: FAILED (rc $rc), see $out/raw/$name.log and $VM_DIR/$name/"
	fi
}

# ---- the runs ----
bench_start=$(date +%s)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
vm_log "bench: kernel $kver, guest ${mem} MB / $smp vCPU, memhog $mb MB x $passes passes, LUN $lun_mb MB, reps $reps, peers ${peers[*]}, tgt port $NETSWAP_TGT_PORT"
runs=()
for ((rep = 1; rep <= reps; rep++)); do
	order=("${peers[@]}")
	if ((rep % 2 == 0)); then # alternate the order against drift
		order=()
		for ((i = ${#peers[@]} - 1; i >= 0; i--)); do order+=("${peers[i]}"); done
	fi
	for p in "${order[@]}"; do
		run_one "$p" "$rep"
		runs+=("bench-$p-r$rep")
	done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
bench_s=$(($(date +%s) - bench_start))

# Parameters of this bench for report (also with --report later).
bench_date=$(date -u '+%Y-%m-%d %H:%M UTC')
bench_digest=$NETSWAP_BENCH_DIGEST bench_port=$NETSWAP_TGT_PORT
bench_qd=${NETSWAP_BENCH_QD:-} bench_queue=${NETSWAP_BENCH_QUEUE:-}
bench_prealloc=${NETSWAP_TGT_PREALLOC:-0}
declare -p kver reps peers mem smp mb passes lun_mb runs load_start load_end \
	bench_s bench_date bench_digest bench_port bench_qd bench_queue \
	bench_prealloc >"$out/raw/meta.sh"
report
fail=0
for r in "${runs[@]}"; do
	[ "$(kv "$out/raw/$r.txt" status)" = ok ] || fail=1
done
vm_log "results: $out/results.txt, $out/results.md, $out/raw/"
exit "$fail"
