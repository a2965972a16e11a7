package readers

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"testing"

	"github.com/sluicedata/sluice/frame"
)

// TestKeyFilterFiles: Files shares one filter across its files; a filter
// that cannot be built fails the read.
func TestKeyFilterFiles(t *testing.T) {
	in := "id,name\n1,a\n2,b\n3,c\n2,d\n"
	dir := t.TempDir()
	var paths []string
	for i := range 3 {
		p := filepath.Join(dir, fmt.Sprintf("p%d.csv", i))
		if err := os.WriteFile(p, []byte(in), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	kf := &KeyFilter{Columns: []string{"name"}, Keys: must(frame.New(must(frame.NewString("n", []string{"a", "d"}, nil))))}
	f, err := ReadAll(Files(context.Background(), paths, Options{Keep: kf}))
	if err != nil || f.NumRows() != 6 {
		t.Fatalf("files: %v, %v", f, err)
	}
	keys, _ := frame.New(must(frame.NewInt64("id", []int64{2, 9}, nil)))
	f, err = ReadFile(context.Background(), paths[0], Options{Keep: &KeyFilter{Columns: []string{"id"}, Keys: keys}})
	if err != nil || f.NumRows() != 2 || f.ColumnAt(1).Str(1) != "d" {
		t.Fatalf("ReadFile with typed keys: %v, %v", f, err)
	}
	if _, err := readAll(in, Options{Keep: &KeyFilter{Columns: []string{"id", "name"}, Keys: keys}}); !errors.Is(err, ErrSchema) {
		t.Errorf("two columns, one key: %v, want ErrSchema", err)
	}
	if _, err := readAll(in, Options{Keep: &KeyFilter{Columns: []string{"zz"}, Keys: keys}}); !errors.Is(err, ErrNoColumn) {
		t.Errorf("missing key column: %v, want ErrNoColumn", err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestKeyFilterOtherFormats: a format without an inline filter has its
// chunks filtered after parsing, with String keys by the shared hash set.
func TestKeyFilterOtherFormats(t *testing.T) {
	RegisterFormat(".keeptest", func(ctx context.Context, path string, opt Options) iter.Seq2[*frame.Frame, error] {
		opt.Keep = nil
		opt.ChunkRows = 2
		return CSVFile(ctx, path, opt)
	})
	p := filepath.Join(t.TempDir(), "x.keeptest")
	if err := os.WriteFile(p, []byte("k,v\na,1\nb,2\nc,3\na,4\nb,5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	keys := must(frame.New(must(frame.NewString("k", []string{"a", "c"}, nil))))
	f, err := ReadAll(Open(context.Background(), p, Options{Keep: &KeyFilter{Columns: []string{"k"}, Keys: keys}}))
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(frameRows(f)); got != "[[a 1] [c 3] [a 4]]" {
		t.Errorf("got %s", got)
	}
	none := must(frame.New(must(frame.NewString("k", []string{"zz"}, nil))))
	f, err = ReadAll(Open(context.Background(), p, Options{Keep: &KeyFilter{Columns: []string{"k"}, Keys: none}}))
	if err != nil || f.NumRows() != 0 || f.NumCols() != 2 {
		t.Fatalf("nothing kept: %v, %v", f, err)
	}
}
