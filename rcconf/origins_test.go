package rcconf

import (
	"reflect"
	"testing"

	"mvdan.cc/sh/v3/expand"
)

// TestOrigins: each variable keeps the origin of the statement that last
// changed it; what nobody set has none; unset variables are forgotten.
func TestOrigins(t *testing.T) {
	rc := func(line int) Origin { return Origin{File: "/etc/rc.conf", Line: line} }
	o := newOrigins()
	o.baseline(expand.ListEnviron("HOME=/", "IFS= "))
	steps := []struct {
		env  []string // the globals after the statement
		at   Origin
		want map[string]Origin
	}{
		{[]string{"HOME=/", "IFS= ", "a=1"}, rc(1), map[string]Origin{"a": rc(1)}},
		{[]string{"HOME=/", "IFS= ", "a=1", "b=2"}, rc(2), map[string]Origin{"a": rc(1), "b": rc(2)}},
		{[]string{"HOME=/", "IFS= ", "a=3", "b=2"}, rc(3), map[string]Origin{"a": rc(3), "b": rc(2)}},
		{[]string{"HOME=/tmp", "IFS= ", "b=2"}, rc(4), map[string]Origin{"b": rc(2), "HOME": rc(4)}},
	}
	for i, st := range steps {
		o.update(expand.ListEnviron(st.env...), st.at)
		if !reflect.DeepEqual(o.at, st.want) {
			t.Errorf("after statement %d: %v, want %v", i+1, o.at, st.want)
		}
	}
}

// TestOriginsRecord: a plain assignment names its origin itself, and every
// value raises the bound on the longest one.
func TestOriginsRecord(t *testing.T) {
	o := newOrigins()
	o.record("a", "12345", Origin{File: "/etc/rc.conf", Line: 3})
	o.grow(2)
	if o.longest != 5 {
		t.Errorf("longest %d, want 5", o.longest)
	}
	o.grow(9)
	if o.longest != 9 {
		t.Errorf("longest %d, want 9", o.longest)
	}
	// Only what is still set counts, with its value now.
	env := &Env{at: o.at, global: expand.ListEnviron("a=67", "b=x")}
	want := []Var{{Name: "a", Value: "67", Origin: Origin{File: "/etc/rc.conf", Line: 3}}}
	if got := env.Vars(); !reflect.DeepEqual(got, want) {
		t.Errorf("vars %v, want %v", got, want)
	}
	if _, ok := env.Lookup("b"); ok {
		t.Errorf("b has no origin, yet Lookup finds it")
	}
	if got := (&Env{at: o.at, global: expand.ListEnviron()}).Vars(); len(got) != 0 {
		t.Errorf("vars with a unset: %v", got)
	}
}

// TestOriginsBatchLastAssignment: in a batch of plain statements a name
// assigned more than once gets its last assignment as origin, with the
// value it ends with; one assigned once keeps its own line.
func TestOriginsBatchLastAssignment(t *testing.T) {
	e, err := load(t, rcOnly("a=1\nb=2\na=3 c=$a\nb=$b$b\na=\"$c\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Var{
		"a": {Name: "a", Value: "3", Origin: Origin{File: "/etc/rc.conf", Line: 5}},
		"b": {Name: "b", Value: "22", Origin: Origin{File: "/etc/rc.conf", Line: 4}},
		"c": {Name: "c", Value: "3", Origin: Origin{File: "/etc/rc.conf", Line: 3}},
	}
	for name, w := range want {
		if got, ok := e.Lookup(name); !ok || got != w {
			t.Errorf("%s = %+v, want %+v", name, got, w)
		}
	}
}
