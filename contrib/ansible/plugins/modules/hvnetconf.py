#!/usr/bin/python
# -*- coding: utf-8 -*-
#
# The Ansible module of hvnetconf: a thin client of the --json output of
# hvnetconf(8) on the managed host. It decides nothing about the network
# itself; every file, command and finding comes from hvnetconf.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: hvnetconf
short_description: Render, apply and check the network configuration of FreeBSD guests on Hyper-V and Azure
description:
  - Runs C(hvnetconf) on the managed host, which renders the failover laggs,
    rc.conf.d files and devd rules that keep a FreeBSD guest connected
    through SR-IOV VF hot-plug and live migration (see hvnetconf(8)).
  - A thin client of the C(--json) output of C(hvnetconf); the files, the
    commands and the findings all come from it.
  - In check mode nothing is written, with one exception every hvnetconf
    command shares. A change that a killed hvnetconf run left half done
    (its journal) is finished first, and said so in C(stderr); see
    hvnetconf(8), FILES. I(state=rendered) runs C(hvnetconf diff
    --json); I(state=applied) runs C(hvnetconf apply --dry-run --json), which
    also predicts the commands a live apply would run; I(state=checked) is
    read-only anyway.
  - In diff mode each file that changes (or, in check mode, would change) is
    returned with its whole text before and after.
  - Findings of severity C(warning) or C(error) become Ansible warnings; all
    findings are returned in C(findings).
  - A failure of C(hvnetconf) fails the task with its one-line message as
    I(msg) and its exit status as C(rc) (65 bad rc.conf or snapshot, 73 a
    file hvnetconf did not write is in the way, 75 another hvnetconf holds
    the lock, 78 bad hvnetconf.toml; see hvnetconf(8), EXIT STATUS).
options:
  state:
    description:
      - C(rendered) writes the rendered files (C(hvnetconf render)).
      - C(applied) writes them and brings the running system in line, then
        verifies and rolls back on failure (C(hvnetconf apply)). With an
        image I(root), or with I(files_only), only the files change.
      - C(checked) changes nothing (C(hvnetconf check)); the task reports
        C(changed) when the files or the running system differ from what
        would be rendered (drift), and lists what differs in C(drift).
        To fail the task on drift instead, test C(drift) in I(failed_when).
    type: str
    choices: [rendered, applied, checked]
    default: rendered
  root:
    description:
      - The system to configure lives under this directory (C(-R)). Anything
        but C(/) is an image (image builds), where only files change and
        I(state_file) is required.
    type: path
    default: /
  state_file:
    description:
      - The hn snapshot (C(--state)) to render from, as written by
        C(hvnetconf snapshot); see hvnetconf-state(5). Omitted, hvnetconf
        reads the running kernel.
      - Not to be confused with I(state), the result wanted.
    type: path
    aliases: [snapshot]
  config:
    description:
      - The policy file (C(-c)); default I(root)/usr/local/etc/hvnetconf.toml
        when it exists. See hvnetconf.toml(5).
    type: path
  files_only:
    description:
      - With I(state=applied), write the files and stop (C(apply
        --files-only)), leaving the running system alone.
    type: bool
    default: false
  confirm_within:
    description:
      - With I(state=applied), apply on probation (C(apply --confirm-within));
        unless C(hvnetconf confirm) runs on the host within this duration
        (C(30s), C(2m), from 1s to 24h, counted from the end of the apply),
        hvnetconf puts the files and the running system back as they were,
        also when the connection that ran the task is lost. A later task
        that can still reach the host confirms it; see the examples and
        hvnetconf(8), section Confirming a change.
      - In check mode it changes nothing; the dry run is the same with or
        without it.
      - Not with I(files_only), nor with an image I(root) (hvnetconf
        refuses, rc 64). Needs a hvnetconf printing C(json_version) 4 or
        more.
    type: str
  strict:
    description:
      - Fail the task on a finding of severity C(warning) too, not only
        C(error) (C(--strict), exit 65, nothing written), for image
        pipelines where, say, a firewall rule still naming C(hn0) must stop
        the build.
    type: bool
    default: false
  binary:
    description:
      - The hvnetconf program on the managed host. Default C(hvnetconf) on
        C(PATH) (C(/usr/local/sbin) included).
      - It must print C(version --json) with a C(json_version) of 1 or more
        (the revision of the C(--json) output this module reads); an older
        one fails the task.
    type: path
notes:
  - Install hvnetconf on the managed hosts first (C(pkg install hvnetconf),
    or a package built from packaging/freebsd). This module runs on the
    managed host, with its Python.
  - Every argument is passed to hvnetconf as its own word; no shell is
    involved.
  - The JSON Schema of the output this module reads is
    C(/usr/local/share/hvnetconf/hvnetconf.schema.json).
requirements:
  - hvnetconf whose C(version --json) prints C(json_version) 1 or more
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  platform:
    platforms: freebsd
author:
  - hvnetconf contributors
"""

EXAMPLES = r"""
- name: Preview what hvnetconf would change (run the play with --check --diff)
  hvnetconf:
    state: applied

- name: Render and apply, verify, roll back on failure
  hvnetconf:
    state: applied
  register: net

- name: Apply on probation; reverted in 5 minutes unless confirmed
  hvnetconf:
    state: applied
    confirm_within: 5m
  register: net

- name: Still reachable after the change (a fresh connection)
  ansible.builtin.wait_for_connection:
    timeout: 60

- name: Keep it
  ansible.builtin.command: hvnetconf confirm
  when: net.confirmation is defined

- name: Image build, offline, from a snapshot taken on a VM of that size
  hvnetconf:
    root: /mnt/img
    state_file: /build/azure-state.toml
    state: rendered

- name: Drift report; fail the host when anything drifted
  hvnetconf:
    state: checked
  register: drift
  failed_when: drift.drift | length > 0
"""

RETURN = r"""
rc:
  description:
    - The exit status of hvnetconf when it failed (on success it says no
      more than C(changed), and Ansible would read a non-zero one as a
      failure).
  returned: failure
  type: int
  sample: 65
cmd:
  description: The command run, one word per element.
  returned: always
  type: list
  elements: str
  sample: [/usr/local/sbin/hvnetconf, render, -R, /, --json]
hvnetconf_version:
  description: The output of C(hvnetconf version --json).
  returned: success
  type: dict
  sample: {version: 0.2.0, commit: 1a2b3c4, go: go1.26.0, os: freebsd, arch: amd64, json_version: 1}
mode:
  description: The mode rendered for and why (C(mode), C(reason), C(kernel), C(reboot_needed)).
  returned: success
  type: dict
  sample: {mode: lagg, reason: "mode=lagg (auto: hw.hn.vf_transparent=0)", kernel: lagg, reboot_needed: false}
files:
  description: Every file hvnetconf renders or removes, with its C(path) and C(action) (create, modify, remove, unchanged).
  returned: success
  type: list
  elements: dict
  sample: [{path: /usr/local/etc/rc.conf.d/network, action: create}]
laggs:
  description: The failover laggs of the plan (lagg mode).
  returned: success
  type: list
  elements: dict
  sample: [{name: lagg0, hn: hn0, vf: mce0, dhcp: true, ifconfig: laggproto failover laggport hn0 DHCP}]
findings:
  description: Every finding (C(file), C(line), C(severity), C(message)); those of severity warning or error are also warnings.
  returned: success
  type: list
  elements: dict
  sample: [{file: /etc/pf.conf, line: 1, severity: warning, message: "firewall rule names hn0; traffic now flows over lagg0: update the rule"}]
commands:
  description: With I(state=applied), the commands run on the system (in check mode, those that would run), one list of words each.
  returned: state is applied
  type: list
  elements: list
  sample: [[/sbin/ifconfig, lagg0, create]]
note:
  description: With I(state=applied), what hvnetconf says about the run, e.g. that only files changed.
  returned: state is applied and hvnetconf has something to say
  type: str
confirmation:
  description:
    - A change applied with I(confirm_within) that is pending confirmation
      (C(state), C(started), C(deadline), C(seconds_left), C(files)), or one
      reverted whose files are still in force (C(state=reverted)); see
      hvnetconf(8), section Confirming a change.
  returned: a change is pending confirmation or reverted
  type: dict
  sample: {state: pending, started: "2026-12-07T03:00:00Z", deadline: "2026-12-07T03:05:12Z", seconds_left: 297, files: [/usr/local/etc/rc.conf.d/network]}
ok:
  description: With I(state=checked), true when nothing drifted.
  returned: state is checked
  type: bool
drift:
  description: With I(state=checked), one line per expectation that does not hold.
  returned: state is checked
  type: list
  elements: str
  sample: ["/usr/local/etc/rc.conf.d/network: missing (apply would create it)"]
"""

import base64
import json
import os
import re

from ansible.module_utils.basic import AnsibleModule

# The revision of hvnetconf's --json output this module reads
# (json_version of `hvnetconf version --json`; the $id of the schema).
JSON_VERSION = 1

# The revision that added apply --confirm-within and the confirmation object.
CONFIRM_JSON_VERSION = 4

# Exit statuses that carry a result rather than an error: diff and check
# exit 1 when something would change or drifted.
RESULT_CODES = {"diff": (0, 1), "check": (0, 1), "render": (0,), "apply": (0,)}


def require_snapshot(module):
    """Messages about the snapshot name this module's option, state_file,
    not hvnetconf's --state flag the user never typed."""
    path, root = module.params["state_file"], module.params["root"]
    if path and not os.path.isfile(path):
        module.fail_json(msg="hvnetconf: state_file %s: no such file (write it with hvnetconf snapshot on a "
                             "VM of that size)" % printable(path), rc=66)
    if not path and os.path.realpath(root) != "/":
        module.fail_json(msg="hvnetconf: root %s is an image, not this running system: give its hn snapshot "
                             "as state_file (hvnetconf snapshot on a VM of that size)" % printable(root), rc=64)


def option_names(msg):
    """hvnetconf's one-line message with --state named as this module's
    option that sets it."""
    return re.sub(r"--state\b( FILE)?", "state_file (--state)", msg)


def find_binary(module):
    path = module.params["binary"]
    if path:
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            module.fail_json(msg="hvnetconf: binary %s is not an executable file" % path)
        return path
    path = module.get_bin_path("hvnetconf", opt_dirs=["/usr/local/sbin"])
    if path is None:
        module.fail_json(msg="hvnetconf is not installed: not found on PATH nor in /usr/local/sbin "
                             "(pkg install hvnetconf, or give its path as binary)")
    return path


def run(module, argv):
    return module.run_command(argv, expand_user_and_vars=False, environ_update={"LC_ALL": "C"})


def last_line(text):
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def require_version(module, binary):
    """Fails the task unless binary prints the --json output this module reads."""
    argv = [binary, "version", "--json"]
    rc, out, err = run(module, argv)
    too_old = "%s is too old for this module, which needs json_version %d or later" % (binary, JSON_VERSION)
    if rc != 0:
        module.fail_json(msg="%s: `version --json` exited %d (%s)" % (too_old, rc, last_line(err)),
                         rc=rc, cmd=argv, stderr=err)
    try:
        info = json.loads(out)
        have = int(info["json_version"])
    except (ValueError, KeyError, TypeError):
        module.fail_json(msg="%s: `version --json` printed no json_version" % too_old, cmd=argv, stdout=out)
    if have < JSON_VERSION:
        module.fail_json(msg="%s: it prints json_version %d" % (too_old, have), cmd=argv)
    return info


def command(binary, params, check_mode):
    """The argv to run: which command follows from state and check mode."""
    flags = ["-R", params["root"]]
    if params["config"]:
        flags += ["-c", params["config"]]
    if params["state_file"]:
        flags += ["--state", params["state_file"]]
    if params["strict"]:
        flags.append("--strict")
    flags.append("--json")
    state = params["state"]
    if state == "checked":
        return [binary, "check"] + flags
    if state == "rendered":
        return [binary, "diff" if check_mode else "render"] + flags
    argv = [binary, "apply"] + flags
    if params["files_only"]:
        argv.append("--files-only")
    if check_mode:
        argv.append("--dry-run")
    elif params["confirm_within"]:
        argv += ["--confirm-within", params["confirm_within"]]
    return argv


def printable(text):
    """Text from the managed host's files (names, values) with each
    control character escaped, as hvnetconf's own output escapes it, so that
    none reaches the controller's terminal raw."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def finding_line(f):
    where = printable(f.get("file", ""))
    if where and f.get("line"):
        where = "%s:%d" % (where, f["line"])
    prefix = where + ": " if where else ""
    return "%s%s: %s" % (prefix, f.get("severity", ""), printable(f.get("message", "")))


def file_text(f, side):
    """One side ("old" or "new") of a file's text. A file that is not UTF-8
    comes as <side>_content_base64 (json_version 2), its exact bytes; Ansible's
    diff shows text, so bytes that are not UTF-8 show as U+FFFD there."""
    b64 = f.get(side + "_content_base64")
    if b64 is not None:
        return base64.b64decode(b64).decode("utf-8", "replace")
    return f.get(side + "_content", "")


def before_after(report):
    """Ansible's diff format: each changed file's whole text before and after."""
    out = []
    for f in report.get("files", []):
        if f.get("action", "unchanged") == "unchanged":
            continue
        out.append({
            "before_header": printable(f["path"]),
            "after_header": printable(f["path"]),
            "before": file_text(f, "old"),
            "after": file_text(f, "new"),
        })
    return out


def summary(report):
    """What the task returns of a report: everything but the file texts."""
    apply = report.get("apply") or {}
    result = {
        "mode": report.get("mode"),
        "files": [{"path": f["path"], "action": f["action"]} for f in report.get("files", [])],
        "laggs": report.get("laggs", []),
        "findings": report.get("findings", []),
    }
    if "apply" in report:
        result["commands"] = [s["argv"] for s in apply.get("steps", [])]
        if apply.get("note"):
            result["note"] = apply["note"]
    if report.get("confirmation"):
        result["confirmation"] = report["confirmation"]
    if "ok" in report:
        result["ok"] = report["ok"]
        result["drift"] = report.get("failed", [])
    return result


def changed(report):
    if "ok" in report:
        return not report["ok"]
    steps = (report.get("apply") or {}).get("steps", [])
    return bool(report.get("changed")) or bool(steps)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            state=dict(type="str", default="rendered", choices=["rendered", "applied", "checked"]),
            root=dict(type="path", default="/"),
            state_file=dict(type="path", aliases=["snapshot"]),
            config=dict(type="path"),
            files_only=dict(type="bool", default=False),
            strict=dict(type="bool", default=False),
            confirm_within=dict(type="str"),
            binary=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    if module.params["files_only"] and module.params["state"] != "applied":
        module.fail_json(msg="hvnetconf: files_only goes with state=applied")
    if module.params["confirm_within"] and (module.params["state"] != "applied" or module.params["files_only"]):
        module.fail_json(msg="hvnetconf: confirm_within goes with state=applied, without files_only")
    require_snapshot(module)
    binary = find_binary(module)
    info = require_version(module, binary)
    if module.params["confirm_within"] and int(info["json_version"]) < CONFIRM_JSON_VERSION:
        module.fail_json(msg="hvnetconf: %s is too old for confirm_within, which needs json_version %d or later"
                             % (binary, CONFIRM_JSON_VERSION))
    argv = command(binary, module.params, module.check_mode)
    rc, out, err = run(module, argv)
    report = None
    if out.strip():
        try:
            report = json.loads(out)
        except ValueError:
            pass
    ok = rc in RESULT_CODES[argv[1]]
    if report is None and ok:
        module.fail_json(msg="hvnetconf %s printed no JSON object" % argv[1], rc=rc, cmd=argv, stdout=out, stderr=err)
    if not ok:
        # The findings an error stopped are the lines before the message.
        lines = [line for line in err.splitlines() if line.strip()]
        for line in lines[:-1]:
            module.warn(line)
        extra = summary(report) if report else {}
        module.fail_json(msg=option_names(last_line(err)) or "hvnetconf exited %d" % rc, rc=rc, cmd=argv,
                         stdout=out, stderr=err, **extra)
    for f in report.get("findings", []):
        if f.get("severity") in ("warning", "error"):
            module.warn(finding_line(f))
    result = dict(changed=changed(report), cmd=argv, hvnetconf_version=info, stderr=err, **summary(report))
    if module._diff:
        result["diff"] = before_after(report)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
