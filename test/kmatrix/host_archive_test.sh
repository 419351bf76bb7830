#!/usr/bin/env bash
# host_archive (lib.sh) reads the Debian archive from apt sources of both
# formats and takes no other source's; and no mirror's host is named in the
# tree (git grep, tracked files only): the matrix uses the host's.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=test/kmatrix/lib.sh
. "$top/test/kmatrix/lib.sh"
etc=$(mktemp -d)
trap 'rm -rf "$etc"' EXIT
mkdir -p "$etc/sources.list.d"

expect() {
	local kind=$1 want=$2 got
	got=$(HOST_APT_ETC=$etc host_archive "$kind") || got="(none)"
	[ "$got" = "$want" ] || { echo "FAIL $kind: '$got', want '$want'"; exit 1; }
}

# Another vendor's source first, then Debian's in deb822 with two URIs.
printf 'Types: deb\nURIs: https://vendor.example/apt\nSuites: nodistro\nComponents: main\n' \
	>"$etc/sources.list.d/a-vendor.sources"
printf 'Types: deb\nURIs: http://mirror.example/debian/ http://other.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb-src\nURIs: http://src.example/debian\nSuites: trixie-security\n\nTypes: deb\nURIs: http://security.example/debian-security\nSuites: bookworm-security\nComponents: main' \
	>"$etc/sources.list.d/debian.sources"
expect main http://mirror.example/debian
expect security http://security.example/debian-security
# The one-line format, with options, before the others.
printf '# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://line.example/debian trixie main\ndeb http://line-sec.example/debian-security trixie-security main\n' \
	>"$etc/sources.list"
expect main http://line.example/debian
expect security http://line-sec.example/debian-security
# No Debian source at all.
rm "$etc/sources.list" "$etc/sources.list.d/debian.sources"
expect main "(none)"

if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	status=0
	git -C "$top" grep -nE 'https?://[a-z0-9.-]+\.(org|net|com)/debian' -- scripts test bench user \
		kern || status=$?
	[ $status -eq 1 ] || { echo "FAIL a mirror's host is named above (status $status)"; exit 1; }
fi
echo "host_archive: ok"
