# shellcheck shell=bash disable=SC2034 # variables for run and gate.sh
# What the systemd guest's checks share: results on the console, the agent
# under test run from its packaged unit (execsensor.service, with the guest's
# drop-in), and jq queries of its JSON lines. Sourced by run.

EXECUTOR=/usr/lib/systemd/systemd-executor
HELPER=/usr/local/bin/es-exec-helper
AGENT_ENV=/run/kmatrix/agent.env
LOGDIR=/var/log/execsensor
WAIT_S=120
RESULTS=0

# KMATRIX CHECK PASS|FAIL DETAIL...: one line per check, as the busybox guests'.
result() {
	local check=$1 verdict=$2
	shift 2
	echo "KMATRIX $check $verdict $*"
	[ "$verdict" = PASS ] || RESULTS=1
}

# KMATRIX-DATA NAME JSON: facts for docs/kernels.md (one line of JSON).
data() {
	echo "KMATRIX-DATA $1 $(jq -c . <<<"$2")"
}

uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

# PID 1 answers on the system bus (systemd-run needs it): it connects once
# dbus.service is up, a moment after.
wait_bus() {
	local waited=0 err
	until err=$(busctl --timeout=5 call org.freedesktop.systemd1 /org/freedesktop/systemd1 \
		org.freedesktop.DBus.Peer Ping 2>&1); do
		if [ $waited -ge $WAIT_S ]; then
			result bus FAIL "PID 1 not on the system bus after ${WAIT_S}s: $err;" \
				"$(journalctl -b -u dbus --no-pager -n 8 -o cat | tr '\n' ' ')"
			return 1
		fi
		sleep 1
		waited=$((waited + 1))
	done
	result bus PASS "PID 1 answers on the system bus (${waited}s after the checks began)"
}

# Start the agent's unit with ARGS, writing $LOGDIR/MODE.json; wait for its
# startup record. Sets OUT. Non-zero (and WHY) when it did not start.
agent_start() {
	local mode=$1 waited=0
	shift
	OUT=$LOGDIR/$mode.json
	rm -f "$OUT"
	mkdir -p "${AGENT_ENV%/*}"
	printf 'ES_OUT=%s\nES_ARGS=%s\n' "$OUT" "$*" >"$AGENT_ENV"
	if ! systemctl start execsensor.service; then
		WHY="systemctl start failed: $(systemctl status --no-pager execsensor 2>&1 | tail -n 3)"
		return 1
	fi
	until grep -qs '"event":"startup"' "$OUT"; do
		if [ $waited -ge $WAIT_S ] || ! systemctl -q is-active execsensor.service; then
			WHY="no startup record after ${waited}s: $(journalctl -u execsensor \
				--no-pager -n 8 -o cat 2>&1 | grep -v '^execsensor.service: ' |
				tr '\n' ' ')"
			return 1
		fi
		sleep 1
		waited=$((waited + 1))
	done
}

# Stop the agent (SIGTERM: it drains and writes its final stats); non-zero
# unless it exited 0.
agent_stop() {
	systemctl stop execsensor.service
	[ "$(systemctl show -P ExecMainStatus execsensor.service)" = 0 ] &&
		grep -q '"final":true' "$OUT"
}

# Each of the next takes ARGV, the start of an exec's argv as words ("es-x",
# "/usr/bin/true es-demo-pre"): the exec events whose argv begins so. The
# words go to jq through the environment, not its argv, whose own exec events
# would begin otherwise but hold them.

# Wait until the agent has written such an exec event.
wait_argv() {
	local deadline=$((SECONDS + WAIT_S))
	until [ -n "$(execs_with "$1" 2>/dev/null | head -n 1)" ]; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.5
	done
}

# The exec events whose argv begins with ARGV, one JSON document a line.
execs_with() {
	ARGV=$1 jq -c '($ENV.ARGV | split(" ")) as $p
		| select(.event == "exec" and .argv[:($p | length)] == $p)' "$OUT"
}

# For each exec event whose argv begins with ARGV, that exec and the one
# before it of the same pid ({"bin":..., "prev":...}): a service's binary and
# the systemd-executor exec that ran it.
pairs_with() {
	ARGV=$1 jq -n -c '($ENV.ARGV | split(" ")) as $p
		| [inputs | select(.event == "exec")] as $e
		| range(0; $e | length) as $i | $e[$i]
		| select(.argv[:($p | length)] == $p)
		| {bin: ., prev: ([$e[:$i][] | select(.pid == $e[$i].pid)] | last)}' "$OUT"
}

# The final stats record.
final_stats() {
	jq -c 'select(.event == "stats" and .final)' "$OUT" | tail -n 1
}
