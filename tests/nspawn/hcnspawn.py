# SPDX-License-Identifier: LGPL-2.1-or-later
"""A Debian 12 system booted under systemd-nspawn, for tests that need a real systemd as PID 1.

The root is made once with debootstrap and kept in a cache directory outside the source tree
(rebuilt when missing or when the recipe below changes). Every boot runs it with
--volatile=overlay: writes go to a tmpfs above the cached tree, so each test starts from the
same pristine root and the cache is never modified. hostcapd is installed into the running
container with `meson install --destdir /proc/<pid>/root`, and commands run inside it through
nsenter(1) into its PID 1.

Usage:
    root = hcnspawn.ensure_root()            # raises hcnspawn.Skip when this machine cannot
    with hcnspawn.Container(root) as ct:    # boots, waits for "running"
        ct.install(build_dir)
        ct.run(["systemctl", "start", "hostcapd"])
"""
import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
import time

SKIP = 77

# what the root holds; changing it rebuilds the cached root
SUITE = "bookworm"
MIRROR = "http://deb.debian.org/debian"
PACKAGES = ["systemd", "systemd-sysv", "dbus", "libglib2.0-0", "libjson-glib-1.0-0"]
RECIPE = f"debootstrap --variant=minbase {SUITE} {' '.join(PACKAGES)}\n"
STAMP = ".hostcapd-nspawn-root"

# device nodes the probes open, bound into the container where the machine has them
DEVICES = [
    "/dev/kvm",
    "/dev/net/tun",
    "/dev/vhost-net",
    "/dev/vhost-vsock",
    "/dev/vhost-scsi",
    "/dev/userfaultfd",
    "/dev/sev",
    "/dev/sgx_vepc",
    "/dev/vfio/vfio",
    "/dev/iommu",
]


class Skip(Exception):
    """this machine cannot run the container: the test exits 77"""


def cache_root():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(base, "hostcapd-dev", "nspawn-root")


def _need_tools():
    if os.geteuid() != 0:
        raise Skip("systemd-nspawn needs root")
    for tool in ("systemd-nspawn", "debootstrap", "nsenter", "meson"):
        if shutil.which(tool) is None:
            raise Skip(f"{tool} not installed (Debian: systemd-container, debootstrap)")


def _root_current(path):
    try:
        with open(os.path.join(path, STAMP)) as f:
            return f.read() == RECIPE
    except OSError:
        return False


def ensure_root(path=None, log=print):
    """the cached root, built first when missing or stale; Skip when it cannot be built"""
    _need_tools()
    path = path or cache_root()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".lock", "w") as lock:
        # one builder at a time; a second test waits for the first one's root
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _root_current(path):
            return path
        tmp = path + ".tmp"
        for old in (tmp, path):
            if os.path.lexists(old):
                shutil.rmtree(old)
        log(f"building the container root with debootstrap ({SUITE}) in {path}")
        argv = ["debootstrap", "--variant=minbase", "--include=" + ",".join(PACKAGES), SUITE,
                tmp, MIRROR]
        res = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if res.returncode != 0:
            tail = "\n".join(res.stdout.splitlines()[-5:])
            shutil.rmtree(tmp, ignore_errors=True)
            raise Skip(f"debootstrap failed (no mirror?):\n{tail}")
        with open(os.path.join(tmp, STAMP), "w") as f:
            f.write(RECIPE)
        os.rename(tmp, path)
        return path


def install_build(source_dir, build_dir):
    """a build of the tree configured the way a distribution installs it, kept up to date"""
    if not os.path.exists(os.path.join(build_dir, "build.ninja")):
        subprocess.run(["meson", "setup", build_dir, source_dir, "--prefix=/usr",
                        "-Dtests=false", "-Dsystemdsystemunitdir=/usr/lib/systemd/system"],
                       check=True, capture_output=True)
    res = subprocess.run(["ninja", "-C", build_dir], capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"building {build_dir}:\n{res.stdout[-2000:]}")
    return build_dir


class Container:
    """a booted container; use as a context manager so it is always powered off"""

    def __init__(self, root, name="hostcapd-test", log_path=None, extra_args=()):
        self.root = root
        self.name = name
        if log_path is None:
            fd, log_path = tempfile.mkstemp(prefix=f"{name}-", suffix=".log")
            os.close(fd)
        self.log_path = log_path
        # the console log is removed after a clean shutdown unless a caller wants it
        self.keep_log = False
        self.extra_args = list(extra_args)
        self.nspawn = None
        self.leader = None

    def __enter__(self):
        self.boot()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def nspawn_argv(self):
        argv = [
            "systemd-nspawn", "--quiet", "--directory", self.root, "--machine", self.name,
            "--boot", "--register=no", "--keep-unit", "--volatile=overlay",
            # a host's PID 1 has every capability and no seccomp filter: give the container
            # the same, so that only the unit's own sandbox restricts hostcapd
            "--capability=all", "--system-call-filter=bpf",
        ]
        for dev in DEVICES:
            if os.path.exists(dev):
                argv.append(f"--bind={dev}")
        return argv + self.extra_args

    def boot(self, timeout=120):
        log = open(self.log_path, "w")
        self.nspawn = subprocess.Popen(self.nspawn_argv(), stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        self.leader = self._find_leader(deadline)
        # systemctl answers once PID 1 listens; --wait then blocks until boot is done
        while True:
            res = self.run(["systemctl", "is-system-running", "--wait"], check=False,
                           timeout=max(1, deadline - time.monotonic()))
            state = res.stdout.strip()
            if state in ("running", "degraded"):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"container did not boot: {state}; see {self.log_path}")
            time.sleep(0.5)
        self.state = state
        return state

    def _find_leader(self, deadline):
        # the container's PID 1 is systemd-nspawn's child; nspawn does not print its pid
        children = f"/proc/{self.nspawn.pid}/task/{self.nspawn.pid}/children"
        while time.monotonic() < deadline:
            if self.nspawn.poll() is not None:
                raise RuntimeError(f"systemd-nspawn exited {self.nspawn.returncode}; "
                                   f"see {self.log_path}")
            try:
                with open(children) as f:
                    pids = f.read().split()
            except OSError:
                pids = []
            for pid in pids:
                try:
                    with open(f"/proc/{pid}/status") as f:
                        nspid = [ln for ln in f if ln.startswith("NSpid:")]
                except OSError:
                    continue
                if nspid and nspid[0].split()[-1] == "1":
                    return int(pid)
            time.sleep(0.1)
        raise RuntimeError(f"no container PID 1 under systemd-nspawn; see {self.log_path}")

    def run(self, argv, check=True, timeout=120, input=None):
        """argv inside the container (all of PID 1's namespaces); a CompletedProcess"""
        res = subprocess.run(["nsenter", "-t", str(self.leader), "-a", "--", *argv], text=True,
                             capture_output=True, timeout=timeout, input=input)
        if check and res.returncode != 0:
            raise AssertionError(f"{' '.join(argv)}: exit {res.returncode}\n{res.stdout}"
                                 f"{res.stderr}")
        return res

    def path(self, inside):
        """where a path of the container's file system is seen from the host"""
        return f"/proc/{self.leader}/root/{inside.lstrip('/')}"

    def write(self, inside, text):
        dest = self.path(inside)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "w") as f:
            f.write(text)

    def install(self, build_dir):
        """meson install of a --prefix=/usr build into the running container"""
        subprocess.run(["meson", "install", "-C", build_dir, "--no-rebuild", "--quiet",
                        "--destdir", self.path("/")], check=True, capture_output=True)
        self.run(["systemctl", "daemon-reload"])
        # the bus policy and the activation file are read on reload
        self.run(["systemctl", "reload", "dbus"])

    def stop(self, timeout=60):
        if self.nspawn is None or self.nspawn.poll() is not None:
            return
        # SIGTERM: nspawn asks the container's systemd for a clean poweroff
        self.nspawn.send_signal(signal.SIGTERM)
        try:
            self.nspawn.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.nspawn.pid, signal.SIGKILL)
            self.nspawn.wait()
        if self.nspawn.returncode == 0 and not self.keep_log:
            os.unlink(self.log_path)
