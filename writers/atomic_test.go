package writers

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFile writes sample(t) to path through Create and closes it.
func writeFile(t *testing.T, path string, opt Options) {
	t.Helper()
	w, err := Create(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sample(t)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// A missing output directory is reported as the output path, not as the
// temporary file next to it.
func TestMissingDirNamesOutput(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing-dir", "x.csv")
	_, err := Create(path, Options{})
	if err == nil {
		t.Fatal("no error for a missing directory")
	}
	if !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), ".tmp-") {
		t.Fatalf("error %q should name %s and no temporary file", err, path)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("error %q does not wrap fs.ErrNotExist", err)
	}
}

// Replacing an existing output keeps its permission bits.
func TestExistingOutputKeepsMode(t *testing.T) {
	for _, mode := range []fs.FileMode{0o600, 0o640, 0o755} {
		path := filepath.Join(t.TempDir(), "out.csv")
		if err := os.WriteFile(path, []byte("old\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		writeFile(t, path, Options{})
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != mode {
			t.Errorf("mode %v after rewrite, want %v", st.Mode().Perm(), mode)
		}
		if b, _ := os.ReadFile(path); strings.HasPrefix(string(b), "old") {
			t.Errorf("content not replaced: %q", b)
		}
	}
}

// A symlinked output path writes through the link: the link stays a link and
// its target gets the data.
func TestSymlinkWritesThrough(t *testing.T) {
	dir := t.TempDir()
	targetDir := filepath.Join(dir, "real")
	if err := os.Mkdir(targetDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		exists bool // the link's target exists before the write
		rel    bool // the link is relative
	}{
		{"absolute", true, false},
		{"relative", true, true},
		{"dangling", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := filepath.Join(targetDir, tc.name+".csv")
			if tc.exists {
				if err := os.WriteFile(target, []byte("old\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			link := filepath.Join(dir, tc.name+"-link.csv")
			dest := target
			if tc.rel {
				dest = filepath.Join("real", tc.name+".csv")
			}
			if err := os.Symlink(dest, link); err != nil {
				t.Skipf("no symlinks: %v", err)
			}
			writeFile(t, link, Options{})
			st, err := os.Lstat(link)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode()&fs.ModeSymlink == 0 {
				t.Fatalf("%s was replaced by a regular file", link)
			}
			b, err := os.ReadFile(target)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(b), "id,x,name") {
				t.Fatalf("target holds %q", b)
			}
			entries, _ := os.ReadDir(targetDir)
			for _, e := range entries {
				if strings.Contains(e.Name(), ".tmp-") {
					t.Fatalf("temporary file left: %s", e.Name())
				}
			}
		})
	}
}

// A new output gets the mode os.Create would give it (0666 less the umask),
// not the temporary file's 0600.
func TestNewOutputMode(t *testing.T) {
	dir := t.TempDir()
	probe, err := os.Create(filepath.Join(dir, "probe"))
	if err != nil {
		t.Fatal(err)
	}
	probe.Close()
	pst, _ := os.Stat(probe.Name())
	path := filepath.Join(dir, "new.csv")
	writeFile(t, path, Options{})
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != pst.Mode().Perm() {
		t.Fatalf("mode %v, os.Create gives %v", st.Mode().Perm(), pst.Mode().Perm())
	}
}

// A path that is not a regular file (here /dev/null) is written in place:
// no temporary file beside it, no rename over it.
func TestSpecialFileWrittenDirectly(t *testing.T) {
	st, err := os.Stat(os.DevNull)
	if err != nil || st.Mode().IsRegular() {
		t.Skip("no device file to write to")
	}
	w, err := Create(os.DevNull, Options{Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sample(t)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if st2, err := os.Stat(os.DevNull); err != nil || st2.Mode() != st.Mode() {
		t.Fatalf("%s changed: %v %v", os.DevNull, st2.Mode(), err)
	}
}

// An output path that is a directory is refused by name.
func TestDirectoryOutput(t *testing.T) {
	dir := t.TempDir()
	if _, err := Create(dir+"/", Options{Format: "csv"}); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("got %v", err)
	}
}
