package imageready

import (
	"bytes"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

func TestKernelConf(t *testing.T) {
	conf := "cpu\t\tHAMMER\nident\t\tGENERIC\ndevice\t\tmlx5en\t\t# Mellanox ConnectX-4 and later\n"
	got, err := KernelConf(bytes.NewReader(testtool.KernelELF(map[string]string{ConfSection: "___" + conf + "\x00"})))
	if err != nil || got != conf {
		t.Fatalf("got %q, %v", got, err)
	}
	if d := builtIn(got); len(d) != 1 || d[0] != "mlx5en" {
		t.Errorf("devices %q", d)
	}
	if got, err := KernelConf(bytes.NewReader(testtool.KernelELF(map[string]string{".text": "x"}))); err != nil || got != "" {
		t.Errorf("no kern_conf: %q, %v", got, err)
	}
	if _, err := KernelConf(bytes.NewReader([]byte("not an ELF file at all"))); err == nil {
		t.Error("not ELF: no error")
	}
}

// A VF family is drivable with its module in /boot/kernel or its device
// in the kernel's configuration; each family is reported once.
func TestCheck(t *testing.T) {
	cases := []struct {
		name    string
		in      Input
		warning bool
	}{
		{"no module", Input{VFs: []string{"mce0", "mce1"}, Modules: []string{"kernel", "mlx4en.ko"}}, true},
		{"module", Input{VFs: []string{"mce0"}, Modules: []string{"kernel", "mlx5en.ko"}}, false},
		{"built in", Input{VFs: []string{"mce0"}, KernelConf: "device mlx5\ndevice mlx5en\n"}, false},
		{"mana module is if_mana", Input{VFs: []string{"mana0"}, Modules: []string{"mana.ko"}}, true},
		{"mana built in", Input{VFs: []string{"mana0"}, KernelConf: "device\tmana\n"}, false},
		{"commented out", Input{VFs: []string{"mana0"}, KernelConf: "#device mana\n"}, true},
	}
	for _, c := range cases {
		got := Check(c.in)
		if (len(got) > 0) != c.warning || len(got) > 1 {
			t.Errorf("%s: %v", c.name, got)
		}
	}
}

// FuzzKernelConf: an image's /boot/kernel/kernel is the image's to write,
// so any bytes there end in a configuration or an error, never a crash,
// and never more than maxConf of text. The seeds (run by go test) are a
// kernel with the section, one cut short at every 97th byte, and garbage
// behind the ELF magic; `go test -fuzz FuzzKernelConf ./imageready`
// explores further.
func FuzzKernelConf(f *testing.F) {
	good := testtool.KernelELF(map[string]string{ConfSection: "___device\tmana\n\x00"})
	f.Add(good)
	for n := 0; n < len(good); n += 97 {
		f.Add(good[:n])
	}
	f.Add([]byte("\x7fELF\x02\x01\x01\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		conf, err := KernelConf(bytes.NewReader(data))
		if err == nil && len(conf) > maxConf {
			t.Fatalf("%d bytes of configuration, more than maxConf", len(conf))
		}
	})
}
