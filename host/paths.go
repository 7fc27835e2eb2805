package host

// Programs and system paths used by hvnetconf, in one place (the ignition
// convention), so a port or a test can see at a glance what is touched.
//
// Programs are bare names looked up on PATH rather than absolute paths
// (/sbin/ifconfig, /usr/sbin/service): FreeBSD's rc and devd run hvnetconf
// with /sbin and /usr/sbin on PATH, and tests put the emulated ifconfig and
// service (internal/fakebsd) first on PATH, so the production code runs
// unchanged against the emulation.
var (
	// Ifconfig configures interfaces: ifconfig(8).
	Ifconfig = "ifconfig"
	// Service runs rc.d scripts: service(8) (netif, dhclient, routing, devd).
	Service = "service"
)
