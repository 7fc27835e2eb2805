#!/bin/sh
# `make run`: hvnetconf's main job on the bundled Azure example, no FreeBSD
# needed. The example root is copied to a temporary directory, so the
# repository is never changed.
set -eu
bin=$(cd "$(dirname "${1:-bin/hvnetconf}")" && pwd)/$(basename "${1:-bin/hvnetconf}")
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -R azure/. "$tmp/"

echo "== hvnetconf vars -v: where the example's network settings come from"
"$bin" vars -R "$tmp" -v cloned_interfaces ifconfig_hn0 ifconfig_hn0_ipv6 ifconfig_hn1 hyperv_vf_delay
echo
echo "== hvnetconf diff: what render would write (exit 1 = changes pending)"
"$bin" diff -R "$tmp" --state azure-state.toml || [ $? -eq 1 ]
echo
echo "== hvnetconf render, then diff again (nothing left to do)"
"$bin" render -R "$tmp" --state azure-state.toml
"$bin" diff -R "$tmp" --state azure-state.toml && echo "diff: no changes"
echo
echo "== hvnetconf vars -s netif -v: what netif now sees for lagg0 (with the hn state, vars says whether the render is up to date)"
"$bin" vars -R "$tmp" --state azure-state.toml -s netif -v cloned_interfaces ifconfig_lagg0 ifconfig_lagg0_ipv6 ifconfig_hn0
echo
echo "== after an edit of rc.conf, as sysrc ifconfig_hn1_alias1=... would make it: the render is stale"
echo 'ifconfig_hn1_alias1="inet 10.0.1.6/32"' >> "$tmp/etc/rc.conf"
"$bin" vars -R "$tmp" --state azure-state.toml ifconfig_hn1_alias1
