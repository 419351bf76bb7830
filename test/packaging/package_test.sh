#!/usr/bin/env bash
# The .deb: cpack builds it from this build tree, and it holds the agent,
# the unit, the man page and the schema at their packaged paths; the unit
# starts the installed binary.
#   package_test.sh BUILD_DIR
set -euo pipefail
build=$1
if ! command -v dpkg-deb >/dev/null; then
	echo "SKIP packaging.deb: no dpkg-deb (cpack's DEB generator needs it)"
	exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cpack --config "$build/CPackConfig.cmake" -B "$work" >"$work/cpack.log" 2>&1 || {
	cat "$work/cpack.log" >&2
	exit 1
}
deb=$(ls "$work"/execsensor_*.deb)
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/files"
status=0
for f in /usr/sbin/execsensor /usr/sbin/execsensor-verify /usr/bin/execsensor-offsets \
	/usr/lib/systemd/system/execsensor.service /usr/share/man/man8/execsensor.8 \
	/usr/share/doc/execsensor/events.md /usr/share/doc/execsensor/deploy.md \
	/usr/share/doc/execsensor/metrics.md \
	/etc/logrotate.d/execsensor; do
	if ! grep -qx "$f" "$work/files"; then
		echo "package_test: $f missing from $(basename "$deb")" >&2
		status=1
	fi
done
dpkg-deb -x "$deb" "$work/root"
grep -q '^ExecStart=/usr/sbin/execsensor ' "$work/root/usr/lib/systemd/system/execsensor.service" ||
	{ echo "package_test: the unit does not start /usr/sbin/execsensor" >&2; status=1; }
"$work/root/usr/sbin/execsensor" --version | grep -q '^execsensor ' ||
	{ echo "package_test: the packaged execsensor does not run" >&2; status=1; }
# The snippet is what logrotate itself accepts, for the file the unit writes.
logrotate -d "$work/root/etc/logrotate.d/execsensor" >"$work/logrotate.log" 2>&1 ||
	{ cat "$work/logrotate.log" >&2; echo "package_test: logrotate refuses the snippet" >&2; status=1; }
grep -q '^/var/log/execsensor/events.json ' "$work/root/etc/logrotate.d/execsensor" &&
	grep -q -- '--output /var/log/execsensor/events.json' \
		"$work/root/usr/lib/systemd/system/execsensor.service" ||
	{ echo "package_test: the snippet does not rotate the unit's output" >&2; status=1; }
# The metrics file is where Debian's node_exporter reads (its own default textfile directory),
# which the unit creates and may write under ProtectSystem=strict (its StateDirectory).
unit="$work/root/usr/lib/systemd/system/execsensor.service"
metrics=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$unit" |
	sed -n 's/^ExecStart=.*[[:space:]]--metrics-file \([^[:space:]]*\).*/\1/p')
textfile=$(prometheus-node-exporter --help 2>&1 |
	sed -n 's/.*--collector.textfile.directory="\([^"]*\)".*/\1/p')
state=$(sed -n 's/^StateDirectory=//p' "$unit")
if [ -z "$textfile" ] || [ "$(dirname "$metrics")" != "$textfile" ] ||
	[ "/var/lib/$state" != "$textfile" ] || [ "${metrics%.prom}" = "$metrics" ]; then
	echo "package_test: the unit's metrics file ($metrics) is not a *.prom file in node_exporter's" \
		"textfile directory ($textfile) that its StateDirectory ($state) gives it" >&2
	status=1
fi
dpkg-deb -f "$deb" Package Version Architecture Depends
[ $status -eq 0 ] && echo "package_test: $(basename "$deb") ok"
exit $status
