# Judge the agent's exec events for the children of one kmatrix-burst run.
# Input: the burst's output ("parent PID", "child PID" lines), then the
# agent's JSON lines. Variables: want (children expected), expect:
#   kernel    every child has an exec event with ppid = parent from the kernel
#   fallback  every child has an exec event, none claims a kernel ppid, a
#             fork-record or procfs ppid is the true parent and an unknown one is 0
# and exe (the program's resolved path, readlink -f): every child's exe.path,
# resolved in the kernel. With kernel, also the context: each child's creds
# say euid 0 (the guest runs as root), its namespaces.mnt and .pid are the
# guest's (ns_mnt, ns_pid: /proc/1/ns/*'s inodes) and its vpid is its pid. In both, every child has one fork event naming the
# parent and one exit event with status 0 (the agent runs with --events
# exec,fork,exit), and its fork, exec and exit times are in that order
# (the fork's is the child's start_boottime, the exit's to the tick, never
# before the exec), to a millisecond: the agent resamples the wall clock's
# offset after every batch of records. With kernel, the self-test verified
# FORK_OFFSETS (the startup record).
# Prints "PASS detail" or "FAIL detail".

function value(line, key, re,    m) {
	if (!match(line, "\"" key "\": *" re))
		return ""
	m = substr(line, RSTART, RLENGTH)
	sub(/^"[^"]*": */, "", m)
	gsub(/"/, "", m)
	return m
}

function num(line, key) {
	return value(line, key, "-?[0-9]+")
}

function str(line, key) {
	return value(line, key, "\"[a-z]*\"")
}

# An RFC 3339 time's seconds since the start of its month (a run spans no month's end).
function secs(t,    hms) {
	split(substr(t, 12, 18), hms, ":")
	return substr(t, 9, 2) * 86400 + hms[1] * 3600 + hms[2] * 60 + hms[3]
}

FNR == NR {
	if ($1 == "parent")
		parent = $2
	else if ($1 == "child") {
		child[$2] = 1
		children++
	}
	next
}

/"event": *"startup"/ {
	fork_verdict = value(substr($0, index($0, "\"FORK_OFFSETS\"")), "verdict", "\"[a-z ]*\"")
	next
}

/"event": *"fork"/ {
	pid = num($0, "pid")
	if ((pid in child) && !(pid in forked) && num($0, "ppid") == parent) {
		forked[pid] = value($0, "time", "\"[^\"]*\"")
		forks++
	}
	next
}

/"event": *"exit"/ {
	pid = num($0, "pid")
	if ((pid in child) && !(pid in exited) && num($0, "exit_code") == 0) {
		exited[pid] = value($0, "time", "\"[^\"]*\"")
		exits++
		if ((pid in forked) && (pid in exec_time) &&
		    secs(forked[pid]) <= secs(exec_time[pid]) + 0.001 &&
		    secs(exec_time[pid]) <= secs(exited[pid]) + 0.001)
			ordered++
		else if (unordered++ < 1)
			order_example = " times of " pid ": fork " forked[pid] " exec " exec_time[pid] \
				" exit " exited[pid]
	}
	next
}

/"event": *"exec"/ {
	pid = num($0, "pid")
	if (!(pid in child) || (pid in seen))
		next
	seen[pid] = 1
	exec_time[pid] = value($0, "time", "\"[^\"]*\"")
	events++
	if (value($0, "path", "\"[^\"]*\"") == exe)
		exe_ok++
	else if (exe_bad++ < 1)
		exe_example = " exe " value($0, "path", "\"[^\"]*\"") " for " pid
	ns = substr($0, index($0, "\"namespaces\""))
	creds = substr($0, index($0, "\"creds\""))
	if (num(creds, "euid") == 0 && num(ns, "mnt") == ns_mnt && num(ns, "pid") == ns_pid &&
	    num($0, "vpid") == pid)
		context_ok++
	else if (context_bad++ < 1)
		context_example = " context of " pid ": " substr(creds, 1, 40) " " substr(ns, 1, 60)
	ppid = num($0, "ppid")
	source = str($0, "ppid_source")
	sources[source]++
	if (source == "kernel" && ppid == parent)
		kernel_ok++
	else if ((source == "procfs" || source == "fork") && ppid == parent)
		procfs_ok++
	else if (source == "unknown" && ppid == 0)
		unknown_ok++
	else if (bad++ < 3)
		example = example " pid=" pid ",ppid=" ppid ",source=" source
}

END {
	if (parent == "" || children != want) {
		printf "FAIL burst reported %d of %d children\n", children, want
		exit
	}
	detail = sprintf("%d/%d children seen, parent %d: kernel=%d fork=%d procfs=%d unknown=%d",
			 events, want, parent, sources["kernel"], sources["fork"], sources["procfs"],
			 sources["unknown"])
	detail = detail sprintf(", fork events %d/%d, exit events %d/%d, fork <= exec <= exit %d/%d",
				forks, want, exits, want, ordered, want)
	if (unordered)
		detail = detail "," order_example
	detail = detail sprintf(", exe %s %d/%d", exe, exe_ok, want)
	if (bad)
		detail = detail ", " bad " wrong:" example
	if (exe_bad)
		detail = detail "," exe_example
	if (expect == "kernel") {
		detail = detail sprintf(", context (euid 0, mnt and pid namespaces, vpid) %d/%d" \
					", FORK_OFFSETS %s", context_ok, want, fork_verdict)
		if (context_bad)
			detail = detail "," context_example
	}
	if (expect == "kernel")
		ok = kernel_ok == want && context_ok == want && fork_verdict == "verified"
	else
		ok = events == want && !bad && !sources["kernel"]
	ok = ok && exe_ok == want && forks == want && exits == want && ordered == want
	print (ok ? "PASS " : "FAIL ") detail
}
