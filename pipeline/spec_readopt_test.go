package pipeline

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

// TestInputReaderOptions: an input's keys other than path are reader
// options spelled as readers.OptionSpecs spells them; bad ones are spec
// errors naming the input, the key and the line.
func TestInputReaderOptions(t *testing.T) {
	dir := t.TempDir()
	spec := `inputs:
  a:
    path: a.csv
    comment: "#"
    header_row: 3
    na: ["*", auto]
    thousands: ","
    ragged: extend
    types: { x: float, k: string }
    columns: [k, x]
steps: []
output: {from: a, path: o.csv}
`
	p, err := Parse([]byte(spec), filepath.Join(dir, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := readers.Options{Comment: "#", HeaderRow: 3, NA: []string{"*"}, NAAuto: true, Thousands: ',', Ragged: readers.RaggedExtend,
		Types: map[string]frame.Type{"x": frame.Float64, "k": frame.String}, Columns: []string{"k", "x"}}
	if got := p.Inputs[0].Options; !reflect.DeepEqual(got, want) {
		t.Fatalf("options\n%+v\nwant\n%+v", got, want)
	}
	for _, c := range []struct{ line, want string }{
		{"ragged: drop", `s.yaml:4: input "a": reader option ragged: ragged policy "drop"`},
		{"skiprows: 2", `s.yaml:4: input "a": unknown reader option "skiprows" (did you mean "skip_rows"?)`},
		{"delimiter: [a, b]", `s.yaml:4: input "a": reader option delimiter: must be a single value`},
	} {
		_, err := Parse([]byte("inputs:\n  a:\n    path: a.csv\n    "+c.line+"\nsteps: []\noutput: {from: a, path: o.csv}\n"), filepath.Join(dir, "s.yaml"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.line, err, c.want)
		}
	}
}
