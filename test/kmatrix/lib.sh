# shellcheck shell=bash disable=SC2034 # variables for the scripts that source this
# Shared by the kernel-matrix scripts: paths, the kernel table, logging and a
# private apt configuration for downloading foreign-architecture packages.
#
# Nothing downloaded here is ever installed on the host: packages are fetched
# with `apt-get download` through their own lists directory and unpacked with
# `dpkg-deb -x` into test/kmatrix/cache/ (git-ignored).

KMATRIX_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$KMATRIX_DIR/../.." && pwd)
CACHE=${KMATRIX_CACHE:-$KMATRIX_DIR/cache}

# The matrix: id, Debian architecture, regular expression for the package
# name. The newest version matching each expression is used.
KERNELS=(
	"6.1-amd64 amd64 ^linux-image-6\.1\.0-[0-9]+-cloud-amd64$"
	"6.12-amd64 amd64 ^linux-image-6\.12\.[0-9]+\+(deb12|bpo)[.0-9]*-cloud-amd64$"
	"6.1-arm64 arm64 ^linux-image-6\.1\.0-[0-9]+-arm64$"
	"6.12-arm64 arm64 ^linux-image-6\.12\.[0-9]+\+(deb12|bpo)[.0-9]*-arm64$"
)

# Debian architecture -> GNU triplet / CMake processor / qemu target.
arch_triplet() {
	case "$1" in
	amd64) echo x86_64-linux-gnu ;;
	arm64) echo aarch64-linux-gnu ;;
	*) return 1 ;;
	esac
}

arch_cpu() {
	case "$1" in
	amd64) echo x86_64 ;;
	arm64) echo aarch64 ;;
	*) return 1 ;;
	esac
}

log() {
	printf 'kmatrix: %s\n' "$*" >&2
}

die() {
	log "error: $*"
	exit 2
}

APT_DIR=$CACHE/apt

# apt with its own sources, lists and archive cache. Both architectures are
# listed; the host's dpkg status is not consulted (nothing gets installed).
kapt_opts() {
	printf '%s\n' \
		-o "Dir::Etc::SourceList=$APT_DIR/sources.list" \
		-o "Dir::Etc::SourceParts=$APT_DIR/sources.list.d" \
		-o "Dir::Etc::Parts=$APT_DIR/apt.conf.d" \
		-o "Dir::Etc::Preferences=$APT_DIR/preferences" \
		-o "Dir::Etc::PreferencesParts=$APT_DIR/preferences.d" \
		-o "Dir::State::Lists=$APT_DIR/lists" \
		-o "Dir::State::status=/dev/null" \
		-o "Dir::Cache=$APT_DIR/cache" \
		-o "Dir::Cache::Archives=$APT_DIR/cache/archives" \
		-o "APT::Architecture=amd64" \
		-o "APT::Architectures=amd64,arm64" \
		-o "Acquire::Languages=none" \
		-o "APT::Sandbox::User=root"
}

kapt_get() {
	local opts
	mapfile -t opts < <(kapt_opts)
	apt-get -qq "${opts[@]}" "$@"
}

kapt_cache() {
	local opts
	mapfile -t opts < <(kapt_opts)
	apt-cache "${opts[@]}" "$@"
}

# The offsets oracle: pahole's byte offsets of the table's fields in BTF, as
# "task_struct.real_parent=N task_struct.tgid=N" (FIELD=absent when pahole
# shows no such top-level member), the format of guest/offsets.awk.
btf_oracle() {
	pahole -C task_struct "$1" | awk '
		function member(name) {
			for (i = 1; i <= n; i++)
				if (lines[i] ~ ("^\t[^\t].*[ *]" name ";[ \t]*/\\*") &&
				    match(lines[i], /\/\*[ \t]*[0-9]+/))
					return substr(lines[i], RSTART + 2) + 0
			return "absent"
		}
		{ lines[++n] = $0 }
		END {
			printf "task_struct.real_parent=%s task_struct.tgid=%s\n",
				member("real_parent"), member("tgid")
		}'
}
