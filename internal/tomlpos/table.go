package tomlpos

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Table is one TOML table with typed accessors. Each accessor returns
// ok=false for an absent key and an error naming the key's line for a value
// of the wrong type, so callers validate and locate in one step.
type Table struct {
	doc  *Doc
	path []string
	m    map[string]any
}

// Keys are the table's keys, sorted.
func (t Table) Keys() []string {
	keys := make([]string, 0, len(t.m))
	for k := range t.m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Path is the full key of k in this table.
func (t Table) Path(k string) []string {
	return append(slices.Clip(t.path), k)
}

// Errorf reports a problem with key k of this table.
func (t Table) Errorf(k string, format string, args ...any) error {
	return t.doc.Errorf(t.Path(k), format, args...)
}

// Line is the line on which key k of this table is set (Doc.Line).
func (t Table) Line(k string) int { return t.doc.Line(t.Path(k)...) }

// Only rejects the first key (in document order) that is not among known.
func (t Table) Only(known ...string) error {
	unknown := func(k string) bool {
		_, in := t.m[k]
		return in && !slices.Contains(known, k)
	}
	i := slices.IndexFunc(t.Keys(), unknown)
	if i < 0 {
		return nil
	}
	bad := t.Keys()[i]
	if first := t.doc.first(t.path, unknown); first != nil {
		bad = first[len(t.path)]
	}
	return t.Errorf(bad, "unknown key (known: %s)", strings.Join(known, ", "))
}

// get returns the value at k converted to T, or an error saying what kind of
// value was expected ("want a string, got an integer").
func get[T any](t Table, k, want string) (T, bool, error) {
	var zero T
	v, ok := t.m[k]
	if !ok {
		return zero, false, nil
	}
	x, ok := v.(T)
	if !ok {
		return zero, false, t.Errorf(k, "want %s, got %s", want, kind(v))
	}
	return x, true, nil
}

// String returns the string at k.
func (t Table) String(k string) (string, bool, error) { return get[string](t, k, "a string") }

// Bool returns the boolean at k.
func (t Table) Bool(k string) (bool, bool, error) { return get[bool](t, k, "a boolean") }

// Int returns the integer at k.
func (t Table) Int(k string) (int64, bool, error) { return get[int64](t, k, "an integer") }

// Table returns the table at k (a [header] table or an inline one).
func (t Table) Table(k string) (Table, bool, error) {
	m, ok, err := get[map[string]any](t, k, "a table")
	return Table{doc: t.doc, path: t.Path(k), m: m}, ok, err
}

// Strings returns the array of strings at k; an empty array gives a
// non-nil empty slice, so callers can tell it from an absent key.
func (t Table) Strings(k string) ([]string, bool, error) {
	arr, ok, err := get[[]any](t, k, "an array of strings")
	if !ok {
		return nil, false, err
	}
	out := make([]string, 0, len(arr))
	for i, v := range arr {
		s, isStr := v.(string)
		if !isStr {
			return nil, false, t.Errorf(k, "element %d: want a string, got %s", i+1, kind(v))
		}
		out = append(out, s)
	}
	return out, true, nil
}

// kind names a decoded TOML value's type for error messages.
func kind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case time.Time:
		return "a date-time"
	case map[string]any:
		return "a table"
	case []map[string]any:
		return "an array of tables"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("a %T", v)
}
