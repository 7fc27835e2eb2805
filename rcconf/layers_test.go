package rcconf

import (
	"reflect"
	"testing"
)

// TestLayering pins load_rc_config's order: which file's value wins, and
// the files read.
func TestLayering(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		services []string
		want     Var // of variable v
		read     []string
	}{
		{
			name:  "rc.conf.local over rc.conf",
			files: map[string]string{"/etc/rc.conf": "v=rc", "/etc/rc.conf.local": "\nv=local"},
			want:  Var{"v", "local", Origin{"/etc/rc.conf.local", 2}},
			read:  []string{"/etc/defaults/rc.conf", "/etc/rc.conf", "/etc/rc.conf.local"},
		},
		{
			name: "usr/local rc.conf.d over etc rc.conf.d over rc.conf",
			files: map[string]string{"/etc/rc.conf": "v=rc", "/etc/rc.conf.d/network": "v=etc",
				"/usr/local/etc/rc.conf.d/network": "v=usrlocal"},
			want: Var{"v", "usrlocal", Origin{"/usr/local/etc/rc.conf.d/network", 1}},
			read: []string{"/etc/defaults/rc.conf", "/etc/rc.conf", "/etc/rc.conf.d/network", "/usr/local/etc/rc.conf.d/network"},
		},
		{
			name: "directory form in glob order, dot files and subdirs skipped",
			files: map[string]string{"/etc/rc.conf.d/network/20-b": "v=b", "/etc/rc.conf.d/network/10-a": "v=a",
				"/etc/rc.conf.d/network/.hidden": "v=hidden", "/etc/rc.conf.d/network/sub/x": "v=sub"},
			want: Var{"v", "b", Origin{"/etc/rc.conf.d/network/20-b", 1}},
			read: []string{"/etc/defaults/rc.conf", "/etc/rc.conf.d/network/10-a", "/etc/rc.conf.d/network/20-b"},
		},
		{
			name:     "netif after network",
			files:    map[string]string{"/etc/rc.conf.d/network": "v=network", "/etc/rc.conf.d/netif": "v=netif"},
			services: ServiceNetif,
			want:     Var{"v", "netif", Origin{"/etc/rc.conf.d/netif", 1}},
			read:     []string{"/etc/defaults/rc.conf", "/etc/rc.conf.d/network", "/etc/rc.conf.d/netif"},
		},
		{
			name:     "dhclient before network",
			files:    map[string]string{"/etc/rc.conf.d/network": "v=network", "/etc/rc.conf.d/dhclient": "v=dhclient"},
			services: ServiceDhclient,
			want:     Var{"v", "network", Origin{"/etc/rc.conf.d/network", 1}},
			read:     []string{"/etc/defaults/rc.conf", "/etc/rc.conf.d/dhclient", "/etc/rc.conf.d/network"},
		},
		{
			name:  "other services not read",
			files: map[string]string{"/etc/rc.conf": "v=rc", "/etc/rc.conf.d/routing": "v=routing"},
			want:  Var{"v", "rc", Origin{"/etc/rc.conf", 1}},
			read:  []string{"/etc/defaults/rc.conf", "/etc/rc.conf"},
		},
		{
			name: "redefined rc_conf_files read in the second pass",
			files: map[string]string{"/etc/rc.conf": "v=rc\nrc_conf_files=\"/etc/extra.conf $rc_conf_files\"",
				"/etc/extra.conf": "v=extra", "/etc/rc.conf.local": "w=1"},
			want: Var{"v", "extra", Origin{"/etc/extra.conf", 1}},
			read: []string{"/etc/defaults/rc.conf", "/etc/rc.conf", "/etc/rc.conf.local", "/etc/extra.conf"},
		},
		{
			name:  "vendor.conf overrides defaults, rc.conf overrides vendor.conf",
			files: map[string]string{"/etc/defaults/vendor.conf": "v=vendor\nhostname=vendorhost", "/etc/rc.conf": "hostname=mine"},
			want:  Var{"v", "vendor", Origin{"/etc/defaults/vendor.conf", 1}},
			read:  []string{"/etc/defaults/rc.conf", "/etc/defaults/vendor.conf", "/etc/rc.conf"},
		},
		{
			name:  "local_startup moves the second rc.conf.d",
			files: map[string]string{"/etc/rc.conf": "local_startup=\"/opt/etc/rc.d\"", "/opt/etc/rc.conf.d/network": "v=opt", "/usr/local/etc/rc.conf.d/network": "v=usrlocal"},
			want:  Var{"v", "opt", Origin{"/opt/etc/rc.conf.d/network", 1}},
			read:  []string{"/etc/defaults/rc.conf", "/etc/rc.conf", "/opt/etc/rc.conf.d/network"},
		},
		{
			name:  "empty rc.conf.d file skipped like rc.subr's dot",
			files: map[string]string{"/etc/rc.conf": "v=rc", "/etc/rc.conf.d/network": ""},
			want:  Var{"v", "rc", Origin{"/etc/rc.conf", 1}},
			read:  []string{"/etc/defaults/rc.conf", "/etc/rc.conf"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := load(t, withDefaults(t, tt.files), tt.services...)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := e.Lookup("v"); got != tt.want {
				t.Errorf("v = %+v, want %+v", got, tt.want)
			}
			if got := e.Files(); !reflect.DeepEqual(got, tt.read) {
				t.Errorf("files %q, want %q", got, tt.read)
			}
		})
	}
}

// TestNoDefaults: without defaults/rc.conf only /etc/rc.conf is read
// (rc.conf.local is not), and rc.conf.d only under /etc.
func TestNoDefaults(t *testing.T) {
	e, err := load(t, map[string]string{"/etc/rc.conf": "v=rc", "/etc/rc.conf.local": "v=local",
		"/usr/local/etc/rc.conf.d/network": "v=usrlocal"})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := e.Get("v"); got != "rc" {
		t.Errorf("v = %q, want rc", got)
	}
	if got := e.Files(); !reflect.DeepEqual(got, []string{"/etc/rc.conf"}) {
		t.Errorf("files %q", got)
	}
}
