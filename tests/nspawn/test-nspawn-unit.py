#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""hostcapd as its own shipped service under a real systemd (Debian 12 in systemd-nspawn).

Installed with meson into a booted container: the service starts and shows its STATUS= line,
D-Bus activation starts it, `systemctl reload` re-probes in the same process, the watchdog
restarts a hung daemon, and every capability's state under the unit's sandbox equals an
unrestricted pass of the same probes in the same container. Exits 77 where the machine cannot
build or boot the container (not root, no debootstrap mirror, no systemd-nspawn).
"""
import json
import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hcnspawn  # noqa: E402

NAME = "org.hostcapd.HostCap1"
OBJECT = "/org/hostcapd/HostCap1"
UNIT = "hostcapd.service"
DROPIN = "/run/systemd/system/hostcapd.service.d/50-test-watchdog.conf"

ct = None


def show(prop):
    return ct.run(["systemctl", "show", "-P", prop, UNIT]).stdout.strip()


def get_property(prop):
    # busctl prints "t 1764090000000000"
    out = ct.run(["busctl", "get-property", NAME, OBJECT, NAME, prop]).stdout.split()
    return out[1] if len(out) > 1 else ""


def wait_for(what, predicate, timeout=60):
    # systemd sends no signal for these transitions that nsenter could wait on: poll briefly
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def capabilities(argv):
    res = ct.run(argv)
    return json.loads(res.stdout)["capabilities"]


class HostcapdUnderSystemd(unittest.TestCase):
    def setUp(self):
        ct.run(["systemctl", "start", UNIT])

    def test_1_start_and_status(self):
        self.assertEqual(show("ActiveState"), "active")
        status = ct.run(["systemctl", "status", "--no-pager", UNIT], check=False).stdout
        line = re.search(r'^\s*Status: "(.*)"$', status, re.M)
        self.assertIsNotNone(line, f"no Status: line in\n{status}")
        self.assertRegex(line.group(1), r"^\d+ probes, \d+ capabilities, \d+ unknown")
        # the sandbox is the shipped one, not a default
        self.assertEqual(show("UMask"), "0077")
        self.assertNotIn("cap_dac_read_search", show("CapabilityBoundingSet"))

    def test_2_sandbox_answers_like_an_unrestricted_pass(self):
        unit = capabilities(["hostcapctl", "--system", "export"])
        # a transient service without any sandbox, in the same container
        free = capabilities(["systemd-run", "--wait", "--pipe", "--quiet", "hostcapctl",
                             "--no-daemon", "export"])
        self.assertEqual(sorted(unit), sorted(free), "the two passes report different ids")
        differ = [f"{cid}: unit {unit[cid]['state']} ({unit[cid]['reason']}), unrestricted "
                  f"{free[cid]['state']} ({free[cid]['reason']})"
                  for cid in sorted(unit) if unit[cid]["state"] != free[cid]["state"]]
        unknown = sum(1 for c in unit.values() if c["state"] == "unknown")
        print(f"{len(unit)} capabilities, {unknown} unknown under the unit, "
              f"{len(differ)} differ from the unrestricted pass")
        self.assertEqual(differ, [], "\n".join(differ))
        if os.path.exists("/dev/net/tun"):
            # the answer hostcapd exists for: bound into the container, so probed for real
            self.assertNotEqual(unit["net.tap.uso"]["state"], "unknown",
                                unit["net.tap.uso"]["reason"])

    def test_3_dbus_activation(self):
        ct.run(["systemctl", "stop", UNIT])
        self.assertEqual(show("ActiveState"), "inactive")
        ct.run(["busctl", "call", NAME, OBJECT, "org.freedesktop.DBus.Peer", "Ping"])
        self.assertEqual(show("ActiveState"), "active")
        self.assertIn(get_property("State").strip('"'), ("ready", "degraded", "probing"))

    def test_4_reload_probes_again_in_the_same_process(self):
        pid = show("MainPID")
        before = int(get_property("LastProbeUsec"))
        ct.run(["systemctl", "reload", UNIT])
        wait_for("a probe pass after SIGHUP", lambda: int(get_property("LastProbeUsec")) > before)
        self.assertEqual(show("MainPID"), pid)
        self.assertEqual(show("ActiveState"), "active")
        journal = ct.run(["journalctl", "-b", "-u", UNIT, "--no-pager", "-o", "cat"]).stdout
        self.assertIn("SIGHUP: reloading", journal)

    def test_5_watchdog(self):
        ct.write(DROPIN, "[Service]\nWatchdogSec=2s\nTimeoutAbortSec=2s\n")
        try:
            ct.run(["systemctl", "daemon-reload"])
            ct.run(["systemctl", "restart", UNIT])
            pid = show("MainPID")
            first = int(show("WatchdogTimestampMonotonic") or 0)
            # alive and pinging: the timestamp moves, nothing restarts over 3 intervals
            time.sleep(6)
            self.assertEqual(show("MainPID"), pid)
            self.assertGreater(int(show("WatchdogTimestampMonotonic")), first)
            restarts = int(show("NRestarts"))
            # a loop that stops answering is aborted and restarted
            ct.run(["systemctl", "kill", "--kill-whom=main", "--signal=SIGSTOP", UNIT])
            wait_for("the watchdog restart", lambda: int(show("NRestarts")) > restarts, 30)
            wait_for("the restarted daemon", lambda: show("ActiveState") == "active", 30)
            self.assertNotEqual(show("MainPID"), pid)
            journal = ct.run(["journalctl", "-b", "-u", UNIT, "--no-pager"]).stdout
            self.assertIn("Watchdog timeout", journal)
        finally:
            os.unlink(ct.path(DROPIN))
            ct.run(["systemctl", "daemon-reload"])
            ct.run(["systemctl", "restart", UNIT])


def main():
    global ct
    source = os.environ.get("HC_SOURCE_DIR") or os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__))))
    build = os.environ.get("HC_BUILD_DIR") or os.path.join(source, "build")
    started = time.monotonic()
    try:
        root = hcnspawn.ensure_root()
    except hcnspawn.Skip as e:
        print(f"SKIP: {e}")
        return hcnspawn.SKIP
    print(f"root ready after {time.monotonic() - started:.1f} s")
    install = hcnspawn.install_build(source, os.path.join(build, "nspawn-build"))
    print(f"install build ready after {time.monotonic() - started:.1f} s")
    with hcnspawn.Container(root, name="hostcapd-unit") as container:
        ct = container
        print(f"container {ct.state} after {time.monotonic() - started:.1f} s")
        ct.install(install)
        result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
        if not result.wasSuccessful():
            log = ct.run(["journalctl", "-b", "-u", UNIT, "--no-pager"], check=False).stdout
            print(log[-6000:])
            ct.keep_log = True
            print(f"container console: {ct.log_path}")
    print(f"done after {time.monotonic() - started:.1f} s")
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
