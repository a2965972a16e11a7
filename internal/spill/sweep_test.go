package spill

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/internal/lockfile"
)

func TestSweepRemovesOnlyDeadRunsDirs(t *testing.T) {
	if !lockfile.Supported {
		t.Skip("no file locks")
	}
	parent := t.TempDir()
	ctx := context.Background()
	live, err := NewDir(ctx, parent)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Remove()
	if !strings.HasPrefix(filepath.Base(live.Path()), DirPrefix) || !strings.Contains(live.Path(), "-"+strconv.Itoa(os.Getpid())+"-") {
		t.Fatalf("spill dir %s does not carry the pid", live.Path())
	}
	// a dead run's directory: a lock file nobody holds (its process is
	// gone, so is its lock), with spill files in it
	dead := filepath.Join(parent, DirPrefix+"999999-123")
	mustMkdir(t, dead)
	mustWrite(t, filepath.Join(dead, lockName))
	mustWrite(t, filepath.Join(dead, "part-1.spill"))
	// an old-style directory without a lock file: removed when old,
	// kept when young and its creator (the pid in the name) is alive: it
	// may be between mkdir and lock
	oldStyle := filepath.Join(parent, DirPrefix+"4242")
	mustMkdir(t, oldStyle)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(oldStyle, old, old)
	young := filepath.Join(parent, DirPrefix+strconv.Itoa(os.Getppid())+"-9")
	mustMkdir(t, young)
	// a young directory without a lock file whose creator is gone (killed
	// between mkdir and lock): removed
	orphan := filepath.Join(parent, DirPrefix+"999998-7")
	mustMkdir(t, orphan)
	// not ours at all
	other := filepath.Join(parent, "something-else")
	mustMkdir(t, other)

	removed, err := Sweep(parent)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(removed)
	want := []string{oldStyle, dead, orphan}
	slices.Sort(want)
	if !slices.Equal(removed, want) {
		t.Fatalf("removed %v, want %v", removed, want)
	}
	for _, p := range []string{live.Path(), young, other} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s was removed: %v", p, err)
		}
	}
	// the live directory still works and is removed by its owner
	w, err := live.Create("x")
	if err != nil {
		t.Fatal(err)
	}
	w.Abort()
	if err := live.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(live.Path()); !os.IsNotExist(err) {
		t.Fatalf("live dir not removed: %v", err)
	}
}

func TestNewDirSweepsOnce(t *testing.T) {
	if !lockfile.Supported {
		t.Skip("no file locks")
	}
	parent := t.TempDir()
	dead := filepath.Join(parent, DirPrefix+"999998-1")
	mustMkdir(t, dead)
	mustWrite(t, filepath.Join(dead, lockName))
	d, err := NewDir(context.Background(), parent)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Remove()
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Fatalf("NewDir did not sweep %s: %v", dead, err)
	}
}

// fullDisk is a file that takes limit bytes and then fails with ENOSPC.
type fullDisk struct {
	f     *os.File
	limit *int64
}

func (w fullDisk) Write(b []byte) (int, error) {
	if int64(len(b)) > *w.limit {
		n, _ := w.f.Write(b[:*w.limit])
		*w.limit = 0
		return n, &os.PathError{Op: "write", Path: w.f.Name(), Err: syscall.ENOSPC}
	}
	*w.limit -= int64(len(b))
	return w.f.Write(b)
}

func (w fullDisk) Close() error { return w.f.Close() }

func TestNoSpaceIsOneClearError(t *testing.T) {
	parent := t.TempDir()
	left := int64(100 << 10)
	defer func(old func(string) (io.WriteCloser, error)) { openFile = old }(openFile)
	openFile = func(p string) (io.WriteCloser, error) {
		f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		return fullDisk{f, &left}, err
	}
	d, err := NewDir(context.Background(), parent)
	if err != nil {
		t.Fatal(err)
	}
	v := make([]int64, 10000)
	chunk := frame.Must(frame.New(frame.MustColumn(frame.NewInt64("v", v, nil))))
	w, err := d.Create("part")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10 && err == nil; i++ {
		err = w.Write(chunk)
	}
	if err == nil {
		_, err = w.Close()
	} else {
		w.Abort()
	}
	var ns *NoSpaceError
	if !errors.As(err, &ns) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("got %v, want a NoSpaceError wrapping ENOSPC", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "no space left on "+parent+" (spill needed ~") || strings.Contains(msg, "\n") {
		t.Fatalf("message %q", msg)
	}
	if ns.Need < 100<<10 {
		t.Fatalf("need %d, less than was written", ns.Need)
	}
	if err := d.Remove(); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(parent); len(ents) != 0 {
		t.Fatalf("left behind: %v", ents)
	}
}

func mustMkdir(t *testing.T, p string) {
	t.Helper()
	if err := os.Mkdir(p, 0o700); err != nil {
		t.Fatal(err)
	}
}

func mustWrite(t *testing.T, p string) {
	t.Helper()
	if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
}
