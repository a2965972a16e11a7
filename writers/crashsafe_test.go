package writers

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/internal/lockfile"
)

func bigFrame(n int) *frame.Frame {
	s := make([]string, n)
	for i := range s {
		s[i] = strings.Repeat("x", 100)
	}
	return frame.Must(frame.New(frame.MustColumn(frame.NewString("s", s, nil))))
}

func TestStaleTempFilesOfDeadWritersRemoved(t *testing.T) {
	if !lockfile.Supported {
		t.Skip("no file locks")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	// a killed writer's temp file: nobody holds its lock
	dead := filepath.Join(dir, ".out.csv.tmp-999999-17")
	// one from before pids were in the names
	oldStyle := filepath.Join(dir, ".out.csv.tmp-12345")
	// a writer of another process still running: holds the lock
	live := filepath.Join(dir, ".out.csv.tmp-999998-3")
	// another output's temp file: not ours to judge
	other := filepath.Join(dir, ".other.csv.tmp-999999-1")
	for _, p := range []string{dead, oldStyle, live, other} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	lf, err := os.Open(live)
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	if ok, err := lockfile.Lock(lf); !ok || err != nil {
		t.Fatal(ok, err)
	}
	w, err := NewCSV(out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// while our writer is open its own temp file is locked: a second
	// writer to the same path must not remove it
	w2, err := NewCSV(out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w2.Abort()
	if err := w.Write(bigFrame(3)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dead, oldStyle} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("stale %s not removed: %v", filepath.Base(p), err)
		}
	}
	for _, p := range []string{live, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed: %v", filepath.Base(p), err)
		}
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.HasPrefix(string(b), "s\nxxx") {
		t.Fatalf("output %q, %v", b, err)
	}
}

// fullDisk takes limit bytes and then fails with ENOSPC.
type fullDisk struct {
	w     io.Writer
	limit int64
}

func (d *fullDisk) Write(b []byte) (int, error) {
	if int64(len(b)) > d.limit {
		n, _ := d.w.Write(b[:d.limit])
		d.limit = 0
		return n, &os.PathError{Op: "write", Path: "tmp", Err: syscall.ENOSPC}
	}
	d.limit -= int64(len(b))
	return d.w.Write(b)
}

func TestFullDiskOneLineNothingLeft(t *testing.T) {
	defer func() { tempHook = nil }()
	tempHook = func(w io.Writer) io.Writer { return &fullDisk{w: w, limit: 3 << 20} }
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	w, err := NewCSV(out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10 && err == nil; i++ {
		err = w.Write(bigFrame(10000)) // 1 MB a chunk
	}
	if err == nil {
		err = w.Close()
	} else {
		w.Abort()
	}
	if err == nil || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("got %v, want ENOSPC", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "writers: no space left on "+dir+" writing "+out+" (output needed ~") || strings.Contains(msg, "\n") {
		t.Fatalf("message %q", msg)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 0 {
		t.Fatalf("left behind: %v", ents)
	}
}
