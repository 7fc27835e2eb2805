package imageready

import (
	"debug/elf"
	"io"
	"strings"
)

// ConfSection is the ELF section in which a kernel built with
// INCLUDE_CONFIG_FILE carries its configuration text: config(8) writes
// config.c from its template, declaring kernconfstring with
// __attribute__((section("kern_conf"))), and sys/kern/kern_mib.c serves
// the same string as the kern.conftxt sysctl.
const ConfSection = "kern_conf"

// maxConf bounds what is read of the section: a kernel configuration is
// a few KiB.
const maxConf = 1 << 20

// KernelConf reads the embedded configuration of the kernel r (an ELF
// file); "" when the kernel has none. config(8) starts the string with
// "___" (the marker `config -x` looks for): it is cut.
func KernelConf(r io.ReaderAt) (string, error) {
	f, err := elf.NewFile(r)
	if err != nil {
		return "", err
	}
	s := f.Section(ConfSection)
	if s == nil {
		return "", nil
	}
	data, err := io.ReadAll(io.LimitReader(s.Open(), maxConf))
	if err != nil {
		return "", err
	}
	text, _, _ := strings.Cut(string(data), "\x00")
	return strings.TrimPrefix(text, "___"), nil
}
