# SPDX-License-Identifier: LGPL-2.1-or-later
# sourced by scripts/get-qemu and scripts/get-guest: a private apt view of one Debian suite,
# read from the mirror this machine's apt already uses, for downloading packages without
# installing them. Nothing on the host changes: lists, cache and status live under a work dir.

# where downloads are cached between runs
hc_fetch_cache=${HC_FETCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hostcapd-dev}

# the Debian mirror of this machine's apt sources (security mirrors left out)
hc_debian_mirror() {
	local mirror
	mirror=$(grep -hoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list \
		/etc/apt/sources.list.d/* 2>/dev/null | grep -v security | head -n1 | tr -d ' ' || true)
	echo "${mirror:-http://deb.debian.org/debian}"
}

# hc_apt_private WORKDIR SUITE: sets hc_apt_opts (the apt-get/apt-cache options of a private
# view of SUITE under WORKDIR/apt) and reads the suite's index; non-zero when it cannot
hc_apt_private() {
	local work=$1 suite=$2 mirror
	mirror=$(hc_debian_mirror)
	mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror%/} $suite main" \
		>"$work/apt/sources.list"
	: >"$work/apt/status"
	hc_apt_opts=(-o "Dir::Etc::sourcelist=$work/apt/sources.list" -o Dir::Etc::sourceparts=-
		-o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache=$work/apt/cache"
		-o "Dir::State::status=$work/apt/status" -o APT::Architecture=amd64
		-o APT::Sandbox::User=root -o Acquire::Retries=2)
	timeout 300 apt-get -qq "${hc_apt_opts[@]}" update >/dev/null 2>&1
}

# hc_apt_download DIR PACKAGE...: the .deb files of the packages into DIR
hc_apt_download() {
	local dir=$1
	shift
	(cd "$dir" && timeout 600 apt-get -qq "${hc_apt_opts[@]}" download "$@" >/dev/null 2>&1)
}
