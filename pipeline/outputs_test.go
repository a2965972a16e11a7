package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputIsInputRefused: an output that is one of the run's inputs —
// the same path, a symlink to it, a hard link, or a file an input glob
// matches (a rerun of a spec writing into its own input folder) — is
// refused before any work: the error names the output and the input, the
// input is unchanged, nothing is left beside it, and a second input that
// would fail to read is never read.
func TestOutputIsInputRefused(t *testing.T) {
	const body = "k,v\n2,b\n1,a\n"
	for _, c := range []struct {
		name, inputs, out, want string
		setup                   func(dir string) error
	}{
		{"same path", "a: a.csv", "a.csv", `/a.csv: the output is also input "a"`, nil},
		{"same file by another spelling", "a: a.csv", "./sub/../a.csv", `the output is also input "a"`,
			func(dir string) error { return os.Mkdir(filepath.Join(dir, "sub"), 0o755) }},
		{"output is a symlink to the input", "a: a.csv", "link.csv", `the output is also input "a"`,
			func(dir string) error { return os.Symlink("a.csv", filepath.Join(dir, "link.csv")) }},
		{"input is a symlink to the output", "a: link.csv", "a.csv", `the output is also input "a"`,
			func(dir string) error { return os.Symlink("a.csv", filepath.Join(dir, "link.csv")) }},
		{"hard link", "a: a.csv", "hard.csv", `the output is also input "a"`,
			func(dir string) error { return os.Link(filepath.Join(dir, "a.csv"), filepath.Join(dir, "hard.csv")) }},
		{"glob matches the output", "a: {paths: [\"*.csv\"], union: true}", "out.csv", `/out.csv: the output is also input "a"`,
			func(dir string) error {
				return os.WriteFile(filepath.Join(dir, "out.csv"), []byte("k,v\n9,z\n"), 0o644)
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"a.csv": body, "bad.txt": "k,v\n1,2,3,4\n"})
			if c.setup != nil {
				if err := c.setup(dir); err != nil {
					t.Skip(err)
				}
			}
			before := listDir(t, dir)
			// bad reads as a ragged CSV: reading it would fail with a
			// parse error instead of the output check's
			spec := "inputs:\n  " + c.inputs + "\n  bad: {path: bad.txt, format: csv}\nsteps:\n  - {name: j, join: {left: a, right: bad, on: [k]}}\n" +
				"output: {from: j, path: \"" + c.out + "\"}\n"
			p, err := Parse([]byte(spec), filepath.Join(dir, "s.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Run(context.Background(), p, Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "write it elsewhere") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want %q", err, c.want)
			}
			if b, _ := os.ReadFile(filepath.Join(dir, "a.csv")); string(b) != body {
				t.Fatalf("input changed: %q", b)
			}
			if after := listDir(t, dir); after != before {
				t.Fatalf("directory changed:\n%s\nwant\n%s", after, before)
			}
		})
	}
}

// TestGlobRerunNeverReadsOwnOutput: a spec reading parts/*.csv and writing
// parts/total.csv runs once (the glob is expanded before the output
// exists); the rerun is refused instead of reading its own output (which
// doubled the rows on every rerun), and the first output is kept intact.
func TestGlobRerunNeverReadsOwnOutput(t *testing.T) {
	dir := t.TempDir()
	parts := filepath.Join(dir, "parts")
	os.Mkdir(parts, 0o755)
	os.WriteFile(filepath.Join(parts, "1.csv"), []byte("k\n1\n2\n"), 0o644)
	os.WriteFile(filepath.Join(parts, "2.csv"), []byte("k\n3\n"), 0o644)
	spec := "inputs:\n  p: {paths: [\"parts/*.csv\"], union: true}\nsteps:\n  - {name: s, from: p, sort: [k]}\noutput: {from: s, path: parts/total.csv}\n"
	p, err := Parse([]byte(spec), filepath.Join(dir, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), p, Options{}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(parts, "total.csv")
	first, _ := os.ReadFile(out)
	if string(first) != "k\n1\n2\n3\n" {
		t.Fatalf("first run wrote %q", first)
	}
	p, _ = Parse([]byte(spec), filepath.Join(dir, "s.yaml"))
	_, err = Run(context.Background(), p, Options{})
	if err == nil || !strings.Contains(err.Error(), `/parts/total.csv: the output is also input "p"`) {
		t.Fatalf("rerun: %v", err)
	}
	if again, _ := os.ReadFile(out); string(again) != string(first) {
		t.Fatalf("rerun changed the output to %q", again)
	}
}

// TestOutputDirCheckedFirst: a missing output directory, or a path under a
// regular file, fails before any input is read (the input here would fail
// to parse), naming the output path; nothing is created.
func TestOutputDirCheckedFirst(t *testing.T) {
	for _, c := range []struct{ out, want string }{
		{"missing/o.csv", "/missing: no such file or directory"},
		{"a.csv/o.csv", "/a.csv is not a directory"},
	} {
		dir := writeFiles(t, map[string]string{"a.csv": "k,v\n1,2,3\n"})
		before := listDir(t, dir)
		p, err := Parse([]byte("inputs:\n  a: a.csv\nsteps:\n  - {name: s, from: a, sort: [k]}\noutput: {from: s, path: "+c.out+"}\n"), filepath.Join(dir, "s.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = Run(context.Background(), p, Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("%s: got %v, want %q", c.out, err, c.want)
		}
		if after := listDir(t, dir); after != before {
			t.Fatalf("%s: directory changed:\n%s", c.out, after)
		}
	}
	// a read-only directory (root writes anyway: nothing to check then)
	if os.Geteuid() == 0 {
		return
	}
	dir := writeFiles(t, map[string]string{"a.csv": "k,v\n1,2,3\n"})
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o555)
	p, _ := Parse([]byte("inputs:\n  a: a.csv\nsteps: []\noutput: {from: a, path: ro/o.csv}\n"), filepath.Join(dir, "s.yaml"))
	if _, err := Run(context.Background(), p, Options{}); err == nil || !strings.Contains(err.Error(), "/ro is not writable") {
		t.Fatalf("read-only: %v", err)
	}
}

// TestExistingOutputKept: rerunning into an existing output keeps its
// permission bits, and an output path that is a symlink is written
// through the link (the link stays a link).
func TestExistingOutputKept(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.csv": "k\n2\n1\n"})
	target := filepath.Join(dir, "real")
	os.Mkdir(target, 0o755)
	real := filepath.Join(target, "o.csv")
	os.WriteFile(real, []byte("old\n"), 0o600)
	if err := os.Symlink(real, filepath.Join(dir, "o.csv")); err != nil {
		t.Skip(err)
	}
	os.WriteFile(filepath.Join(dir, "mode.csv"), []byte("old\n"), 0o640)
	os.Chmod(filepath.Join(dir, "mode.csv"), 0o640)
	for _, out := range []string{"o.csv", "mode.csv"} {
		p, err := Parse([]byte("inputs:\n  a: a.csv\nsteps:\n  - {name: s, from: a, sort: [k]}\noutput: {from: s, path: "+out+"}\n"), filepath.Join(dir, "s.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Run(context.Background(), p, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	if fi, err := os.Lstat(filepath.Join(dir, "o.csv")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(real); string(b) != "k\n1\n2\n" {
		t.Fatalf("link target holds %q", b)
	}
	for path, mode := range map[string]os.FileMode{real: 0o600, filepath.Join(dir, "mode.csv"): 0o640} {
		if fi, _ := os.Stat(path); fi.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), mode)
		}
	}
}

// listDir lists a directory's entries with their sizes, one a line.
func listDir(t *testing.T, dir string) string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	for _, e := range es {
		fi, _ := e.Info()
		sb.WriteString(e.Name() + " " + fi.Mode().String())
		if fi.Mode().IsRegular() {
			sb.WriteString(" " + strings.Repeat("#", int(min(fi.Size(), 100))))
		}
		sb.WriteString("\n")
	}
	return sb.String()
}
