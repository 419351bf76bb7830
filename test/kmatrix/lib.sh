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

# The systemd guests (test/kmatrix/systemd/): id, Debian architecture, kernel
# package regular expression as above, and the Debian suite whose systemd runs
# as PID 1 on a root file system made from that suite's packages.
SYSTEMD_GUESTS=(
	"trixie-systemd amd64 ^linux-image-6\.12\.[0-9]+\+deb13[.0-9]*-cloud-amd64$ trixie"
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

# The URI of the host's Debian archive of KIND (main or security), from its
# apt sources (deb822 *.sources and one-line *.list files): the matrix takes
# packages from wherever the host does, and names no mirror itself. A source
# counts when one of its suites is Debian's (a release name, plus -updates,
# -backports or -security); a -security suite makes it the security archive.
host_archive() {
	local kind=$1 etc=${HOST_APT_ETC:-/etc/apt} file uri deb822
	for file in "$etc/sources.list" "$etc"/sources.list.d/*.list "$etc"/sources.list.d/*.sources; do
		[ -r "$file" ] || continue
		deb822=0
		[[ "$file" != *.sources ]] || deb822=1
		# A blank line ends a deb822 paragraph, the file's last one too.
		uri=$({ cat "$file"; printf '\n\n'; } | awk -v kind="$kind" -v deb822=$deb822 '
			function take(uris, suites,   n, i, s, u) {
				n = split(suites, s, /[ \t]+/)
				for (i = 1; i <= n; i++) {
					if (s[i] !~ /^(buster|bullseye|bookworm|trixie|forky|duke|sid|oldstable|stable|testing|unstable)(-updates|-backports|-security)?$/)
						continue
					if ((s[i] ~ /-security$/) == (kind == "security")) {
						split(uris, u, /[ \t]+/)
						print u[1]
						exit
					}
				}
			}
			deb822 {
				if ($0 ~ /^[ \t]*$/) {
					if (types ~ /(^|[ \t])deb([ \t]|$)/)
						take(uris, suites)
					types = uris = suites = ""
				} else if (sub(/^Types:[ \t]*/, "")) {
					types = $0
				} else if (sub(/^URIs:[ \t]*/, "")) {
					uris = $0
				} else if (sub(/^Suites:[ \t]*/, "")) {
					suites = $0
				}
				next
			}
			$1 == "deb" {
				sub(/^deb[ \t]+(\[[^]]*\][ \t]+)?/, "")
				take($1, $2)
			}')
		if [ -n "$uri" ]; then
			echo "${uri%/}"
			return 0
		fi
	done
	return 1
}

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

# The offsets oracle: pahole's byte offsets of every table field in BTF $1,
# as "FIELD=N ..." (FIELD=absent when pahole shows no such member), the
# format of guest/offsets.awk. The table's fields are listed by
# execsensor-offsets $2 (the host's build); their offsets are pahole's.
btf_oracle() {
	local fields
	fields=$("$2" --btf "$1" --json | jq -r '.fields[].field') || return 1
	# shellcheck disable=SC2086 # one argument per field
	python3 "$KMATRIX_DIR/pahole_oracle.py" "$1" $fields 2>/dev/null
}
