package testtool

import (
	"bytes"
	"encoding/binary"
)

// KernelELF is a minimal ELF64 file standing for a FreeBSD kernel: no
// code, one section of each name in sections (a kernel built with
// INCLUDE_CONFIG_FILE has kern_conf holding its configuration text), and
// the section name table. Enough for debug/elf to read it back.
func KernelELF(sections map[string]string) []byte {
	names := []string{}
	for n := range sections {
		names = append(names, n)
	}
	shstr := []byte{0}
	nameOff := map[string]int{}
	for _, n := range append(names, ".shstrtab") {
		nameOff[n] = len(shstr)
		shstr = append(append(shstr, n...), 0)
	}
	var data bytes.Buffer
	offs := map[string]int{}
	for _, n := range names {
		offs[n] = 64 + data.Len()
		data.WriteString(sections[n])
	}
	shstrOff := 64 + data.Len()
	data.Write(shstr)
	shoff := 64 + data.Len()
	var b bytes.Buffer
	le := binary.LittleEndian
	w := func(v any) { _ = binary.Write(&b, le, v) }
	b.Write([]byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 9, 0, 0, 0, 0, 0, 0, 0, 0}) // ELFCLASS64, LSB, FreeBSD ABI
	w(uint16(2))                                                             // ET_EXEC
	w(uint16(62))                                                            // EM_X86_64
	w(uint32(1))
	w(uint64(0)) // entry
	w(uint64(0)) // phoff
	w(uint64(shoff))
	w(uint32(0))
	w(uint16(64)) // ehsize
	w(uint16(56)) // phentsize
	w(uint16(0))  // phnum
	w(uint16(64)) // shentsize
	w(uint16(len(names) + 2))
	w(uint16(len(names) + 1)) // shstrndx
	b.Write(data.Bytes())
	section := func(name, typ uint32, off, size int) {
		w(name)
		w(typ)
		w(uint64(0)) // flags
		w(uint64(0)) // addr
		w(uint64(off))
		w(uint64(size))
		w(uint32(0))
		w(uint32(0))
		w(uint64(1))
		w(uint64(0))
	}
	section(0, 0, 0, 0)
	for _, n := range names {
		section(uint32(nameOff[n]), 1, offs[n], len(sections[n])) // SHT_PROGBITS
	}
	section(uint32(nameOff[".shstrtab"]), 3, shstrOff, len(shstr)) // SHT_STRTAB
	return b.Bytes()
}
