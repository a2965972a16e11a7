package readers

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/frame"
)

// sameFrames reports how two frames differ (values compared exactly: float
// bits, string bytes, null flags, null counts), or "".
func sameFrames(a, b *frame.Frame) string {
	if a.NumRows() != b.NumRows() || a.NumCols() != b.NumCols() {
		return fmt.Sprintf("shape %dx%d vs %dx%d", a.NumRows(), a.NumCols(), b.NumRows(), b.NumCols())
	}
	for k := range a.NumCols() {
		x, y := a.ColumnAt(k), b.ColumnAt(k)
		if x.Name() != y.Name() || x.Type() != y.Type() || x.NullCount() != y.NullCount() {
			return fmt.Sprintf("column %d: %s %v (%d nulls) vs %s %v (%d nulls)", k, x.Name(), x.Type(), x.NullCount(), y.Name(), y.Type(), y.NullCount())
		}
		for i := range x.Len() {
			if x.IsNull(i) != y.IsNull(i) {
				return fmt.Sprintf("column %s row %d: null %v vs %v", x.Name(), i, x.IsNull(i), y.IsNull(i))
			}
			if x.IsNull(i) {
				continue
			}
			same := true
			switch x.Type() {
			case frame.Float64:
				same = math.Float64bits(x.Float64(i)) == math.Float64bits(y.Float64(i))
			case frame.String:
				same = x.Str(i) == y.Str(i)
			case frame.Bool:
				same = x.Bool(i) == y.Bool(i)
			default:
				same = x.Int64(i) == y.Int64(i)
			}
			if !same {
				return fmt.Sprintf("column %s row %d: %v vs %v", x.Name(), i, x.Value(i), y.Value(i))
			}
		}
	}
	return ""
}

// TestDictAcrossFiles: Files shares each encoded column's dictionary across
// the files (and encodes the source column), so ReadAll keeps them encoded;
// the values are those of a plain read.
func TestDictAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for f := range 3 {
		var sb strings.Builder
		sb.WriteString("state,n\n")
		for i := range 300 {
			// each file brings a new state too
			fmt.Fprintf(&sb, "s%d,%d\n", (i*(f+1))%(5+f), i)
		}
		p := fmt.Sprintf("%s/part%d.csv", dir, f)
		if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	ctx := context.Background()
	got, err := ReadAll(Files(ctx, paths, Options{SourceColumn: "file", ChunkRows: 128}))
	if err != nil {
		t.Fatal(err)
	}
	want, err := ReadAll(Files(ctx, paths, Options{SourceColumn: "file", ChunkRows: 128, NoDict: true}))
	if err != nil {
		t.Fatal(err)
	}
	if d := sameFrames(got, want); d != "" {
		t.Fatal(d)
	}
	for _, name := range []string{"state", "file"} {
		c, _ := got.Column(name)
		w, _ := want.Column(name)
		if !c.IsDict() || w.IsDict() {
			t.Fatalf("%s: IsDict %v, NoDict read %v", name, c.IsDict(), w.IsDict())
		}
	}
	if c, _ := got.Column("file"); c.Str(got.NumRows()-1) != paths[2] {
		t.Fatalf("last row's file %q", c.Str(got.NumRows()-1))
	}
}
