package hn

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// FuzzParseSnapshot feeds arbitrary bytes as a snapshot file. Parse must
// return an error (one line, exit 65) or a snapshot that WriteTOML writes,
// that Parse reads back equal, and that WriteTOML then writes byte for byte
// the same. Run it with
//
//	go test -run '^$' -fuzz '^FuzzParseSnapshot$' -fuzztime 10m ./hn/
//
// Seeds: testdata/example.toml and every state.toml of ../golden.
func FuzzParseSnapshot(f *testing.F) {
	seeds, _ := filepath.Glob("../golden/*/state.toml")
	for _, path := range append(seeds, "testdata/example.toml", "../examples/azure-state.toml") {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("vfmap = { mce0 = \"hn0\" }\n[hn.hn0]\nvf = \"mce0\"\nmac = \"00:15:5D:00:00:0A\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("s.toml", data)
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "s.toml:") || sysexits.Code(err) != sysexits.DataErr {
				t.Fatalf("error %q (code %d): want one line, s.toml:..., code 65", msg, sysexits.Code(err))
			}
			return
		}
		var out bytes.Buffer
		if err := s.WriteTOML(&out); err != nil {
			t.Fatalf("WriteTOML of a parsed snapshot: %v", err)
		}
		back, err := Parse("s.toml", out.Bytes())
		if err != nil {
			t.Fatalf("Parse of WriteTOML output: %v\n%s", err, out.Bytes())
		}
		if !reflect.DeepEqual(back, s) {
			t.Fatalf("round trip changed the snapshot:\n got %+v\nwant %+v\n%s", back, s, out.Bytes())
		}
		var again bytes.Buffer
		if err := back.WriteTOML(&again); err != nil || !bytes.Equal(again.Bytes(), out.Bytes()) {
			t.Fatalf("second WriteTOML differs (%v):\n%s\n---\n%s", err, out.Bytes(), again.Bytes())
		}
	})
}
