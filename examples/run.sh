#!/bin/sh
# `make run`: show what hvnetconf does on the bundled examples.
set -eu
bin=${1:-bin/hvnetconf}
cd "$(dirname "$0")/.."

echo "== hvnetconf vars -R examples/handbook -v cloned_interfaces ifconfig_lagg0"
"$bin" vars -R examples/handbook -v cloned_interfaces ifconfig_lagg0
echo
echo "== hvnetconf vars -R examples/azure -v -a"
"$bin" vars -R examples/azure -v -a
