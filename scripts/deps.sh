# SPDX-License-Identifier: LGPL-2.1-or-later
# sourced by the other scripts: installs what building, testing and the demo need on Debian 12

hc_packages_build="meson ninja-build pkg-config gcc libc6-dev libsystemd-dev libglib2.0-dev
libglib2.0-bin libjson-glib-dev check"
hc_packages_run="dbus-daemon dbus-bin systemd util-linux iproute2 python3"
hc_packages_test="libvirt-daemon-system libvirt-clients clang libclang-rt-14-dev qemu-system-x86 clang-format
prometheus-node-exporter prometheus systemd-container debootstrap xz-utils"

hc_install_deps() {
	local missing=() pkg
	for pkg in $hc_packages_build $hc_packages_run "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing Debian packages: ${missing[*]} (run as root to install them)" >&2
		return 1
	fi
	echo "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# meson build dir under the source tree (ignored by git)
hc_setup_build() {
	local dir=$1
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$hc_root" "$@" >/dev/null
	else
		meson setup "$dir" "$hc_root" "$@" >/dev/null
	fi
	ninja -C "$dir" >/dev/null || ninja -C "$dir"
}
