#!/bin/sh
# benchroots.sh DIR: the roots behind the whole-process figures of
# docs/performance.md, each with FreeBSD's own /etc/defaults/rc.conf from
# ../shared/freebsd-rc (a real root's, not the trimmed one of the golden
# scenarios):
#   DIR/azure      the Azure example (examples/azure) with 12.1's defaults,
#                  state DIR/azure.toml
#   DIR/hnN        N = 1, 8, 64 hn with main's defaults, each with static
#                  IPv4, IPv6 and an alias, every other one with a VF (as
#                  plan's BenchmarkRender), state DIR/hnN.toml
set -eu
dir=$1
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=$repo/../shared/freebsd-rc
mkdir -p "$dir/azure/etc/defaults"
cp -R "$repo/examples/azure/." "$dir/azure/"
cp "$shared/12.1/etc/defaults/rc.conf" "$dir/azure/etc/defaults/rc.conf"
cp "$repo/examples/azure-state.toml" "$dir/azure.toml"
for n in 1 8 64; do
	r=$dir/hn$n
	mkdir -p "$r/etc/defaults"
	cp "$shared/main/etc/defaults/rc.conf" "$r/etc/defaults/rc.conf"
	: >"$r/etc/rc.conf"
	vfs=""
	i=0
	while [ $i -lt $n ]; do
		printf 'ifconfig_hn%d="inet 10.%d.%d.4/24"\n' $i $((i / 256)) $((i % 256))
		printf 'ifconfig_hn%d_ipv6="inet6 2001:db8:%x::4/64"\n' $i $i
		printf 'ifconfig_hn%d_alias0="inet 10.%d.%d.5/32"\n' $i $((i / 256)) $((i % 256))
		[ $((i % 2)) -eq 0 ] && vfs="$vfs${vfs:+, }\"mce$i\""
		i=$((i + 1))
	done >"$r/etc/rc.conf"
	{
		echo "vf_transparent = 0"
		echo "vflist = [$vfs]"
		i=0
		while [ $i -lt $n ]; do
			echo "[hn.hn$i]"
			[ $((i % 2)) -eq 0 ] && echo "vf = \"mce$i\""
			i=$((i + 1))
		done
	} >"$dir/hn$n.toml"
done
