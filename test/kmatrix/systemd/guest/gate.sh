# shellcheck shell=bash
# The fileless gate under the real systemd (docs/events.md, "fileless"): real
# services, whose systemd-executor execs must be suppressed, and every way we
# know to look like them, each of which must alert. Sourced by run.

ORIG=/usr/lib/systemd/.es-executor-orig # the original executor, a hard link kept aside

# PID 1 is the real systemd.
check_pid1() {
	local exe version
	exe=$(readlink /proc/1/exe)
	version=$(systemctl --version | head -n 1)
	if [ "$exe" = /usr/lib/systemd/systemd ] && [[ "$version" == "systemd "* ]]; then
		result pid1 PASS "$version as PID 1 ($exe), kernel $(uname -r)"
	else
		result pid1 FAIL "PID 1 runs $exe ($version)"
	fi
}

mode_args() {
	case "$1" in
	kernel) echo "--attach auto" ;;
	no-kernel-ppid) echo "--attach auto --no-kernel-ppid" ;;
	no-btf) echo "--attach auto --btf /dev/null" ;;
	esac
}

# The ppid_source a service's execs must have in MODE: the kernel's, else
# their fork record's (PID 1 forked them after the agent started).
mode_source() {
	[ "$1" = kernel ] && echo kernel || echo fork
}

# The startup record: the gate suppresses unless the exe is unknown (no BTF).
check_startup() {
	local mode=$1 startup want
	startup=$(jq -c 'select(.event == "startup")' "$OUT")
	want=true
	[ "$mode" != no-btf ] || want=false
	data "$mode-startup" "$(jq -c '{attach, kernel_ppid, kernel_ppid_reason, btf, lineage,
		fileless_gate}' <<<"$startup")"
	if [ "$(jq -r .fileless_gate.suppresses <<<"$startup")" != "$want" ]; then
		result "$mode-startup" FAIL "fileless_gate.suppresses is not $want:" \
			"$(jq -c .fileless_gate <<<"$startup")"
	elif [ $want = false ] && ! jq -e '.fileless_gate.reason | test("exe is unknown")' \
		<<<"$startup" >/dev/null; then
		result "$mode-startup" FAIL "degraded without saying the exe is unknown:" \
			"$(jq -c .fileless_gate <<<"$startup")"
	else
		result "$mode-startup" PASS "$(jq -r '"attach \(.attach.mode), kernel_ppid \(.kernel_ppid), 
			gate suppresses \(.fileless_gate.suppresses)" +
			(if .fileless_gate.reason then " (\(.fileless_gate.reason))" else "" end)' \
			<<<"$startup" | tr -d '\n\t')"
	fi
}

# Real services: es-demo started, restarted and stopped (ExecStartPre, the
# main process, ExecStartPost, ExecStop), and a transient unit.
run_services() {
	local step
	for step in "systemctl start es-demo.service" "systemctl restart es-demo.service" \
		"systemctl stop es-demo.service" "systemd-run --wait --quiet /usr/bin/true es-transient"; do
		$step || { echo "$step failed"; return 1; }
	done
}

# The argv of each binary run_services runs, as lib.sh's ARGV.
SERVICE_ARGVS=("/usr/bin/true es-demo-pre" "/usr/bin/sleep 3600" "/usr/bin/true es-demo-post"
	"/usr/bin/true es-demo-stop" "/usr/bin/true es-transient")

# Every pair (executor exec, binary exec) of TAG's execs, checked as MODE
# wants: the executor exec suppressed from PID 1, the binary not fileless.
# Prints the problems, nothing when all is well.
check_pairs() {
	local mode=$1 argv=$2 src
	src=$(mode_source "$mode")
	pairs_with "$argv" | jq -r --arg src "$src" --arg mode "$mode" --arg x "$EXECUTOR" '
		.prev as $p | .bin as $b
		| if $p == null then "\($b.pid): no exec before the binary\u0027s"
		elif $p.ppid != 1 or $p.ppid_source != $src then
			"\($p.pid): executor exec with ppid \($p.ppid) from \($p.ppid_source)"
		elif $b.fileless != null then "\($b.pid): the binary\u0027s exec is fileless"
		elif ($p.filename | test("^/proc/self/fd/[0-9]+$") | not) then
			"\($p.pid): executor filename \($p.filename)"
		elif $mode == "no-btf" then
			(if $p.fileless.verdict != "alert" or $p.fileless.gate.failed != "exe unknown"
			 then "\($p.pid): \($p.fileless | tojson)" else empty end)
		elif $p.exe.path != $x or $p.fileless.verdict != "suppressed"
			or $p.fileless.gate.forked_by != 1 or $p.fileless.gate.manager != "system"
		then "\($p.pid): \($p.exe.path): \($p.fileless | tojson)"
		else empty end'
	[ -n "$(pairs_with "$argv")" ] || echo "no exec of $argv"
}

# What systemd did, for the record: each exec of a service's process, up
# to its binary's.
record_facts() {
	local argv=$1
	data "facts-${argv##* }" "$(pairs_with "$argv" | head -n 1 | jq -c '[.prev, .bin] | map({pid,
		ppid, comm, filename, execveat_flags, argv: .argv[:3], exe: (.exe // {} |
		{path, nlink, memfd}), fileless: (.fileless.verdict)})')"
}

check_services() {
	local mode=$1 argv problems="" n=0 swapped
	for argv in "${SERVICE_ARGVS[@]}"; do
		problems+=$(check_pairs "$mode" "$argv")
		n=$((n + $(pairs_with "$argv" | wc -l)))
		[ "$mode" != kernel ] || record_facts "$argv"
	done
	# Every executor exec PID 1 made, not only ours: the first exec of a process whose
	# fork event names PID 1 as its parent; but those run_swaps made to alert.
	if [ "$mode" != no-btf ]; then
		swapped=$(for argv in "/usr/bin/true es-bind-executor" "/usr/bin/true es-upgraded-stale"; do
			pairs_with "$argv" | jq -c .prev.pid
		done | jq -s -c .)
		problems+=$(jq -n -r --arg x "$EXECUTOR" --argjson swapped "$swapped" '[inputs] as $r
			| range(0; $r | length) as $i | $r[$i]
			| select(.event == "exec" and .exe.path == $x) | . as $e
			| ([$r[:$i][] | select(.pid == $e.pid and (.event == "fork" or
				.event == "exec"))] | last) as $before
			| select($before.event == "fork" and $before.ppid == 1
				and $e.fileless.verdict != "suppressed"
				and ($swapped | index($e.pid) | not))
			| "\($e.pid) \($e.argv[:3]): \($e.fileless.reason)"' "$OUT")
	fi
	if [ -n "$problems" ]; then
		result "$mode-services" FAIL "$problems"
	elif [ "$mode" = no-btf ]; then
		result "$mode-services" PASS "$n executor execs of real services alert, exe unknown"
	else
		result "$mode-services" PASS "$n executor execs of real services (start, restart," \
			"ExecStartPre/Post/Stop, systemd-run) suppressed, ppid 1 from $(mode_source "$mode")"
	fi
}

# The ways to look like systemd's executor exec: NAME HOW WHO COMM PATH
# (es-exec-helper fileless) and what the gate must find unmet, with the exe
# known. Each runs with argv[0] es-NAME.
ATTACKS=(
	"daemon-memfd memfd daemon systemd-journald /usr/bin/true|not on disk"
	"daemon-executor fd daemon systemd $EXECUTOR|not forked by a service manager"
	"other-comm memfd daemon (ostnamed) /usr/bin/true|not on disk"
	"grandchild fexecve daemon-child systemd $EXECUTOR|not forked by a service manager"
	"deleted deleted daemon systemd-executor /usr/bin/true|not on disk"
	"dirfd dirfd daemon systemd /usr/bin/true|not on disk"
	"tmp-executor fd daemon systemd /tmp/systemd-executor|not an allowlisted executor"
	"hard-link fd daemon systemd /usr/lib/systemd/es-executor-link|not an allowlisted executor"
	"renamed-copy fd daemon systemd /usr/lib/systemd/es-executor-copy|not an allowlisted executor"
)

run_attacks() {
	local entry name how who comm path
	cp "$EXECUTOR" /tmp/systemd-executor
	ln -f "$EXECUTOR" /usr/lib/systemd/es-executor-link
	cp "$EXECUTOR" /usr/lib/systemd/es-executor-copy
	for entry in "${ATTACKS[@]}"; do
		read -r name how who comm path <<<"${entry%%|*}"
		"$HELPER" fileless "$how" "$who" "$comm" "$path" "es-$name" --version >/dev/null ||
			echo "es-exec-helper fileless $how $who for $name failed"
	done
	# /proc/self/fd/N from a shell.
	bash -c 'exec 9<"$1"; exec -a es-shell-fd /proc/self/fd/9' _ /usr/bin/true
	systemctl start es-memfd.service es-executor.service
}

# One attack's event: alert, with the unmet condition WANT (the exe known),
# or "exe unknown" without BTF (a dirfd's memfd is not even fileless then:
# its filename /dev/fd/N/M names a directory fd, and the image is unknown).
check_attack() {
	local mode=$1 name=$2 want=$3 ev
	if ! wait_argv "es-$name"; then
		result "$mode-$name" FAIL "no exec event with argv[0] es-$name"
		return
	fi
	ev=$(execs_with "es-$name" | tail -n 1)
	if [ "$mode" = no-btf ]; then
		want="exe unknown"
		if [ "$name" = dirfd ]; then
			if jq -e '.fileless == null and .exe == null' <<<"$ev" >/dev/null; then
				result "$mode-$name" PASS "not fileless without the exe: filename" \
					"$(jq -r .filename <<<"$ev"), no AT_EMPTY_PATH (blind spot)"
			else
				result "$mode-$name" FAIL "$(jq -c '{filename, exe, fileless}' <<<"$ev")"
			fi
			return
		fi
	fi
	if jq -e --arg w "$want" '.fileless.verdict == "alert" and .fileless.gate.failed == $w' \
		<<<"$ev" >/dev/null; then
		result "$mode-$name" PASS "$(jq -r '"alert: comm \(.comm), ppid \(.ppid) 
			(\(.ppid_source)), \(.fileless.reason)"' <<<"$ev" | tr -d '\n\t')"
	else
		result "$mode-$name" FAIL "want an alert for \"$want\": $(jq -c '{comm, ppid,
			ppid_source, filename, exe, fileless}' <<<"$ev")"
	fi
}

check_attacks() {
	local mode=$1 entry name
	for entry in "${ATTACKS[@]}"; do
		name=${entry%% *}
		check_attack "$mode" "$name" "${entry#*|}"
	done
	check_attack "$mode" shell-fd "not an allowlisted executor"
	check_attack "$mode" service-memfd "not on disk"
	check_attack "$mode" service-executor "not the first exec since the fork"
}

# The stats record's counts equal the events'.
check_stats() {
	local mode=$1 stats counted
	stats=$(final_stats)
	counted=$(jq -s -c '[.[] | select(.event == "exec" and .fileless != null)]
		| {alerts: map(select(.fileless.verdict == "alert")) | length,
		   suppressed: map(select(.fileless.verdict == "suppressed")) | length}' "$OUT")
	data "$mode-stats" "$(jq -c '{fileless, events, lost, ppid_source}' <<<"$stats")"
	if [ -z "$stats" ]; then
		result "$mode-stats" FAIL "no final stats record"
	elif [ "$(jq -c .fileless <<<"$stats")" != "$counted" ]; then
		result "$mode-stats" FAIL "stats say $(jq -c .fileless <<<"$stats"), events $counted"
	elif [ "$(jq .lost <<<"$stats")" != 0 ]; then
		result "$mode-stats" FAIL "lost $(jq .lost <<<"$stats") records"
	else
		result "$mode-stats" PASS "fileless $counted in both, nothing lost"
	fi
}

# PID 1 re-executes itself (as after an upgrade): its parent is the idle
# task, pid 0, which the kernel gives.
check_reexec() {
	local mode=$1 before ev
	before=$(jq -c 'select(.event == "exec" and .pid == 1)' "$OUT" | wc -l)
	systemctl daemon-reexec
	# The next service start waits for PID 1, and its events follow the re-exec's.
	systemd-run --wait --quiet /usr/bin/true es-after-reexec
	wait_argv "/usr/bin/true es-after-reexec"
	ev=$(jq -c 'select(.event == "exec" and .pid == 1)' "$OUT" | tail -n +$((before + 1)))
	if jq -e -s 'length == 1 and .[0].ppid == 0 and .[0].ppid_source == "kernel"
		and .[0].exe.path == "/usr/lib/systemd/systemd"' <<<"$ev" >/dev/null; then
		result "$mode-reexec" PASS "PID 1's re-exec: ppid 0 from the kernel," \
			"$(jq -r '"argv \(.argv | join(" ")), fileless \(.fileless)"' <<<"$ev")"
	else
		result "$mode-reexec" FAIL "PID 1's exec events: $ev"
	fi
}

# The file at the executor's path is the gate's, by device and inode and not
# mounted over: a copy bind-mounted over it (PID 1 opening it at its re-exec)
# alerts; an upgrade alerts while PID 1 still runs the deleted old file and
# is suppressed once PID 1 has re-executed.
run_swaps() {
	local mode=$1
	ln -f "$EXECUTOR" "$ORIG"
	cp "$ORIG" /var/tmp/es-executor
	mount --bind /var/tmp/es-executor "$EXECUTOR" && systemctl daemon-reexec &&
		systemd-run --wait --quiet /usr/bin/true es-bind-executor
	check_one_pair "$mode" bind-executor "$(printf '.fileless.verdict == "alert" and
		.exe.path == "%s" and .exe.ino == %s and .fileless.gate.executor == false' \
		"$EXECUTOR" "$(stat -c %i /var/tmp/es-executor)")"
	# Lazily: PID 1 holds the copy open until it re-executes and opens the path again.
	umount --lazy "$EXECUTOR" && systemctl daemon-reexec
	# The upgrade: a new file at the path, the old one's last link gone (run_attacks's
	# hard link too).
	cp "$ORIG" "$EXECUTOR.new" && mv -f "$EXECUTOR.new" "$EXECUTOR" &&
		rm -f "$ORIG" /usr/lib/systemd/es-executor-link
	systemd-run --wait --quiet /usr/bin/true es-upgraded-stale
	check_one_pair "$mode" upgraded-stale '.fileless.verdict == "alert" and
		.exe.nlink == 0 and .fileless.gate.failed == "not on disk"'
	systemctl daemon-reexec
	systemd-run --wait --quiet /usr/bin/true es-upgraded
	check_one_pair "$mode" upgraded "$(printf '.fileless.verdict == "suppressed" and
		.exe.ino == %s' "$(stat -c %i "$EXECUTOR")")"
}

# The executor exec before the binary exec tagged es-NAME meets the jq condition WANT.
check_one_pair() {
	local mode=$1 name=$2 want=$3 ev
	wait_argv "/usr/bin/true es-$name"
	ev=$(pairs_with "/usr/bin/true es-$name" | tail -n 1 | jq -c .prev)
	if [ -n "$ev" ] && jq -e "$want" <<<"$ev" >/dev/null; then
		result "$mode-$name" PASS "$(jq -r '"exe \(.exe.path) ino \(.exe.ino) nlink 
			\(.exe.nlink): \(.fileless.verdict), \(.fileless.reason)"' <<<"$ev" | tr -d '\n\t')"
	else
		result "$mode-$name" FAIL "$(jq -c '{exe, fileless}' <<<"${ev:-null}")"
	fi
}

# A user's manager (systemd --user, which the system manager forked) runs
# its units through the same executor: suppressed, the user manager named.
check_user_manager() {
	local mode=$1 manager ev
	if ! systemctl start user@0.service; then
		result "$mode-user-manager" FAIL "user@0.service: $(journalctl -u user@0 \
			-u user-runtime-dir@0 --no-pager -n 8 -o cat | tr '\n' ' ')"
		return
	fi
	manager=$(systemctl show -P MainPID user@0.service)
	# No session bus here (no dbus-user-session): systemctl finds the manager's own socket.
	XDG_RUNTIME_DIR=/run/user/0 systemctl --user start es-user.service
	wait_argv "/usr/bin/true es-user-service"
	ev=$(pairs_with "/usr/bin/true es-user-service" | tail -n 1 | jq -c .prev)
	if [ -n "$ev" ] && jq -e --argjson m "$manager" '.fileless.verdict == "suppressed" and
		.fileless.gate.manager == "user" and .fileless.gate.forked_by == $m and .ppid == $m' \
		<<<"$ev" >/dev/null; then
		result "$mode-user-manager" PASS "systemd --user (pid $manager):" \
			"$(jq -r .fileless.reason <<<"$ev")"
	else
		result "$mode-user-manager" FAIL "manager $manager: $(jq -c '{ppid, ppid_source, exe,
			fileless}' <<<"${ev:-null}")"
	fi
	systemctl stop user@0.service
}

# One mode of the agent: real services, the attacks, and in the kernel mode
# the executor swaps, PID 1's re-exec and a user manager.
phase_gate() {
	local mode=$1
	# shellcheck disable=SC2046 # one argument per word
	if ! agent_start "$mode" $(mode_args "$mode"); then
		result "$mode-startup" FAIL "$WHY"
		return
	fi
	check_startup "$mode"
	run_services
	run_attacks
	for argv in "${SERVICE_ARGVS[@]}"; do
		wait_argv "$argv" || break
	done
	if [ "$mode" = kernel ]; then
		check_reexec "$mode"
		run_swaps "$mode"
		check_user_manager "$mode"
	fi
	check_attacks "$mode"
	if agent_stop; then
		check_services "$mode"
		check_stats "$mode"
	else
		result "$mode-stats" FAIL "the agent did not stop cleanly: $(journalctl -u execsensor \
			--no-pager -n 3 -o cat | tr '\n' ' ')"
	fi
}
