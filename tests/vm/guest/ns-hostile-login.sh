# shellcheck shell=bash
# Guest (t-27-hostile-login.sh): netswap's iSCSI login against
# fakeiscsi.py, a hostile target in this guest on 127.0.0.1 that misbehaves
# during login in one way per run. Each misbehaviour must fail `enable`
# within seconds with a last_error that says what the target did, leave
# the target disabled and re-enableable, and never hang:
#   continue-empty  Continue bit and no text, forever
#   c-and-t         Continue and Transit together
#   huge            a 64 KiB text segment
#   unterminated    text whose last pair has no NUL
#   no-digest       HeaderDigest=CRC32C asked for, the answer leaves it out
#   drip            an 8 KiB answer one byte every 0.25 s (io_timeout_ms
#                   2000: the setup deadline is 10 s, each receive quick)
#   auth-none       CHAP set, the target answers AuthMethod=None
#   auth-skip       CHAP set, the target leaves security without AuthMethod
#   chap-wrong-r    mutual CHAP, the target's CHAP_R proves nothing
#   chap-no-answer  mutual CHAP, the target does not answer our challenge
#   chap-wrong-name mutual CHAP, the target names another user
#   redirect        a login redirect to an address (followed: the login goes
#                   through there), to itself (given up after 3), to a host
#                   name, to a malformed address, without an address;
#                   redirect-perm: followed, with a warning
# and valid cases must get through login (one-way CHAP, mutual CHAP three
# times with three distinct challenges), and split (the security answer over two PDUs), must get
# through login to the first SCSI command (the target then hangs up, so
# enable fails after login, not in it).
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"

FAKE=$NETSWAP_REPO/tests/vm/fakeiscsi.py
port=3261
ns_load
ip link set lo up 2>/dev/null

# run_mode MODE EXPECT [SETTING=VALUE...]: enable against the fake in MODE
# must fail within 30 s with EXPECT in last_error ("!login:" for split:
# an error that is not a login one).
run_mode() {
	local mode=$1 expect=$2 t=h0 rc dt err pid kv try
	shift 2
	rm -f /tmp/fake-ready "/share/fake-$mode.log"
	# shellcheck disable=SC2086  # FAKE_ARGS: words on purpose
	python3 "$FAKE" --port "$port" --mode "$mode" --ready /tmp/fake-ready ${FAKE_ARGS:-} \
		--log "/share/fake-$mode.log" --max-seconds 90 </dev/null >"/share/fake-$mode.out" 2>&1 &
	pid=$!
	nsvm_wait_file /tmp/fake-ready 60 || ns_die "$mode: fakeiscsi.py did not start: $(tail -n 3 "/share/fake-$mode.out")"
	ns_create "$t" 127.0.0.1 "$port" iqn.2026-12.org.netswap.test:hostile 0
	ns_set "$t" connections 1 # the login modes serve one connection at a time
	ns_set "$t" io_timeout_ms 5000
	for kv in "$@"; do ns_set "$t" "${kv%%=*}" "${kv#*=}"; done
	for ((try = 0; try < ${TRIES:-1}; try++)); do
		SECONDS=0
		echo 1 >"$NS_CFG/$t/enable" 2>/dev/null
		rc=$?
		dt=$SECONDS
		[ "$rc" != 0 ] || break
	done
	err=$(ns_get "$t" last_error)
	ns_log "$mode: enable exit $rc after ${dt} s, state $(ns_get "$t" state), last_error '$err'"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	cat "/share/fake-$mode.log" 2>/dev/null | tr '\n' ' '
	echo
	if [ "$rc" = 0 ]; then
		ns_fail "$mode: enable succeeded against a hostile target"
		echo 0 >"$NS_CFG/$t/enable"
	elif [ "$dt" -gt 30 ]; then
		ns_fail "$mode: enable took $dt s to fail"
	elif [ "${expect:0:1}" = '!' ]; then
		if [[ $err == "${expect:1}"* ]]; then
			ns_fail "$mode: a valid login failed: '$err'"
		else
			ns_ok "$mode: login went through; then '$err'"
		fi
	elif [[ $err != *"$expect"* ]]; then
		ns_fail "$mode: last_error '$err' lacks '$expect'"
	else
		ns_ok "$mode: refused in $dt s: $err"
	fi
	[ "$(ns_get "$t" state)" = disabled ] || ns_fail "$mode: state $(ns_get "$t" state) after the failed enable"
	rmdir "$NS_CFG/$t" || ns_fail "$mode: rmdir $t"
}

run_mode continue-empty "login: target's response: a continued response without text"
run_mode c-and-t "login: target's response: Continue and Transit bits set together"
run_mode huge "login: target's text is longer than 8192 bytes"
run_mode unterminated "login: target's response: text does not end with a NUL"
run_mode no-digest "login: target did not accept HeaderDigest=CRC32C" header_digest=crc32c
run_mode no-digest "login: target did not accept DataDigest=CRC32C" data_digest=crc32c
run_mode drip "login: setup deadline passed" io_timeout_ms=2000
run_mode split '!login:'

# Authentication (CHAP set: only CHAP is offered, nothing less accepted).
chap=(auth_user=swapper auth_secret=initiator-secret-1)
mutual=("${chap[@]}" auth_target_user=target-one auth_target_secret=target-secret-22)
FAKE_ARGS="--chap-secret initiator-secret-1 --target-user target-one --target-secret target-secret-22"
run_mode auth-none "login: target answered AuthMethod=None to CHAP" "${chap[@]}"
run_mode auth-skip "login: target skipped authentication" "${chap[@]}"
run_mode chap-wrong-r "login: target failed mutual CHAP: its CHAP_R does not match auth_target_secret" "${mutual[@]}"
run_mode chap-no-answer "login: target did not answer our CHAP challenge" "${mutual[@]}"
run_mode chap-wrong-name 'login: target calls itself "impostor" in CHAP_N, not auth_target_user' "${mutual[@]}"
# One-way CHAP against the same target still logs in (no challenge sent).
run_mode chap-no-answer '!login:' "${chap[@]}"
grep -q '^chap_ok 1$' /share/fake-chap-no-answer.log && grep -q '^challenges 0$' /share/fake-chap-no-answer.log ||
	ns_fail "one-way CHAP: $(tr '\n' ' ' </share/fake-chap-no-answer.log)"
# Mutual CHAP that verifies, three logins: a fresh challenge each time.
TRIES=3 run_mode chap-mutual '!login:' "${mutual[@]}"
grep -q '^chap_ok 3$' /share/fake-chap-mutual.log && grep -q '^distinct_challenges 3$' /share/fake-chap-mutual.log ||
	ns_fail "chap-mutual: 3 logins, 3 distinct challenges expected: $(tr '\n' ' ' </share/fake-chap-mutual.log)"
# The wrong initiator secret: the target refuses.
FAKE_ARGS="--chap-secret another-secret-9 --target-user target-one --target-secret target-secret-22"
run_mode chap-mutual "login: authentication failed" "${mutual[@]}"
unset FAKE_ARGS
dmesg | grep -q -e initiator-secret-1 -e target-secret-22 && ns_fail "a CHAP secret is in the kernel log"

grep -q '^continuations [1-9]' /share/fake-split.log && grep -q '^scsi_cmds [1-9]' /share/fake-split.log ||
	ns_fail "split: the fake saw no continuation answered or no SCSI command: $(tr '\n' ' ' </share/fake-split.log)"

# Login redirects (class 1): followed to an address, at most 3 times. A
# second fake on port 3262 (split: a valid login) is where one leads.
rm -f /tmp/fake2-ready
python3 "$FAKE" --port 3262 --mode split --ready /tmp/fake2-ready --log /share/fake-redirected.log \
	--max-seconds 60 </dev/null >/share/fake-redirected.out 2>&1 &
pid2=$!
nsvm_wait_file /tmp/fake2-ready 60 || ns_die "the second fakeiscsi.py did not start"
FAKE_ARGS="--redirect-to 127.0.0.1:3262,1" run_mode redirect '!login:'
kill "$pid2" 2>/dev/null
wait "$pid2" 2>/dev/null
grep -q '^redirects 1$' /share/fake-redirect.log && grep -q '^scsi_cmds 1$' /share/fake-redirected.log ||
	ns_fail "redirect: the login did not go through at the address it was sent to: $(tr '\n' ' ' </share/fake-redirect.log) / $(tr '\n' ' ' </share/fake-redirected.log)"
dmesg | grep -q "h0: login redirected to 127.0.0.1:3262" || ns_fail "redirect: no kernel line for the redirect followed"
# To itself: followed 3 times, then given up.
FAKE_ARGS="--redirect-to 127.0.0.1:3261" run_mode redirect "login: redirected more than 3 times (last to 127.0.0.1:3261)"
grep -q '^redirects 4$' /share/fake-redirect.log || ns_fail "redirect loop: $(tr '\n' ' ' </share/fake-redirect.log)"
# Names are not resolved in the kernel; malformed and missing addresses.
FAKE_ARGS="--redirect-to storage.example.org:3260,1" run_mode redirect \
	"login: target redirects to storage.example.org, a host name: only addresses are followed"
FAKE_ARGS="--redirect-to 127.0.0.1:99999" run_mode redirect "login: target redirects to a malformed TargetAddress"
FAKE_ARGS="--redirect-to=" run_mode redirect "login: target redirects without a TargetAddress"
# Moved for good: followed (nothing listens there), and a warning to
# change the address.
FAKE_ARGS="--redirect-to 127.0.0.1:3263" run_mode redirect-perm "cannot connect to 127.0.0.1:3263"
dmesg | grep -q "h0: target moved permanently to 127.0.0.1:3263: set its address to that" ||
	ns_fail "redirect-perm: no warning to change the address"

ns_unload
ns_finish
