#!/bin/sh
# outputs.sh BIN OUT: record what BIN (an hvnetconf binary) prints, byte
# for byte, over every golden root and the Azure example, each with three
# defaults/rc.conf (the scenario's own, and FreeBSD's main from
# ../shared/freebsd-rc; the Azure example with 12.1's too): diff, render
# --out and check (text and --json), vars -a for each service that rc.d
# scripts load, before and after a render into the root: stdout, stderr and exit code of each, temporary
# paths replaced by ROOT and OUTDIR. Run it with the binary of two commits
# and compare the two OUT directories with diff -r (docs/performance.md):
# a change that only makes evaluation faster must leave no difference.
# CASES=GLOB limits the golden scenarios to those matching GLOB.
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=$repo/../shared/freebsd-rc
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME ARGS...: one command, recorded in $log.
run() {
	name=$1
	shift
	code=0
	"$bin" "$@" >"$tmp/stdout" 2>"$tmp/stderr" || code=$?
	{
		printf '== %s (exit %d)\n' "$name" "$code"
		sed -e "s|$work|ROOT|g" -e "s|$tmp|TMP|g" "$tmp/stdout"
		printf -- '-- stderr\n'
		sed -e "s|$work|ROOT|g" -e "s|$tmp|TMP|g" "$tmp/stderr"
	} >>"$log"
}

# tree DIR: every file under DIR with its content, in a stable order.
tree() {
	(cd "$1" && find . -type f | LC_ALL=C sort | while read -r f; do
		printf -- '--- %s\n' "$f"
		cat "$f"
	done) >>"$log"
}

# one CASE SRCROOT STATE ARGSFILE DEFAULTS: every command on one root.
one() {
	log=$out/$1 src=$2 state=$3 argsfile=$4 defaults=$5
	: >"$log"
	work=$tmp/root
	rm -rf "$work" "$tmp/out" "$tmp/outj"
	mkdir -p "$work"
	cp -R "$src/." "$work/"
	if [ -n "$defaults" ]; then
		mkdir -p "$work/etc/defaults"
		cp "$defaults" "$work/etc/defaults/rc.conf"
	fi
	set -- -R "$work"
	[ -f "$state" ] && set -- "$@" --state "$state"
	[ -f "$argsfile" ] && set -- "$@" $(cat "$argsfile")
	for when in before after; do
		run "$when diff" diff "$@"
		run "$when diff --json" diff --json "$@"
		run "$when check" check "$@"
		[ $when = before ] && run "$when check --json" check --json "$@"
		for s in netif dhclient routing; do
			run "$when vars -a -v -s $s" vars -R "$work" -a -v -s "$s"
		done
		if [ "$when" = before ]; then
			run "vars -a -e" vars -R "$work" -a -e -s natd
			run "vars -v names" vars -R "$work" -v cloned_interfaces ifconfig_hn0 ifconfig_lagg0 local_startup no_such_name
			run "render --out" render --out "$tmp/out" "$@"
			[ -d "$tmp/out" ] && tree "$tmp/out"
			run "render --out --json" render --out "$tmp/outj" --json "$@"
			run "render" render "$@"
			tree "$work"
		fi
	done
}

for dir in "$repo"/golden/${CASES:-*}/; do
	sc=$(basename "$dir")
	case $sc in _*) continue ;; esac
	own=""
	[ -f "$dir/root/etc/defaults/rc.conf" ] || own=$repo/golden/_defaults/rc.conf
	one "$sc.own" "$dir/root" "$dir/state.toml" "$dir/args" "$own"
	one "$sc.main" "$dir/root" "$dir/state.toml" "$dir/args" "$shared/main/etc/defaults/rc.conf"
done
one azure.own "$repo/examples/azure" "$repo/examples/azure-state.toml" /nonexistent ""
for v in 12.1 main; do
	one "azure.$v" "$repo/examples/azure" "$repo/examples/azure-state.toml" /nonexistent "$shared/$v/etc/defaults/rc.conf"
done
