package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/internal/lockfile"
)

// TestClean leaves what killed runs leave — a spill directory whose lock
// nobody holds, a temporary output file of a dead writer, a run directory
// of checkpoints — next to the same things held by a live "run" (this
// process holding their locks), and checks that clean removes exactly the
// dead ones and says so.
func TestClean(t *testing.T) {
	if !lockfile.Supported {
		t.Skip("no file locks here")
	}
	base := t.TempDir()
	spill, out, data := filepath.Join(base, "spill"), filepath.Join(base, "out"), filepath.Join(base, "data")
	for _, d := range []string{spill, out, data} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hold := func(p string) {
		t.Helper()
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := lockfile.Lock(f); !ok || err != nil {
			t.Fatalf("lock %s: %v %v", p, ok, err)
		}
		t.Cleanup(func() { f.Close() })
	}
	// pid 2147483 is not alive (above any pid_max); the dead files are old
	dead := []string{
		filepath.Join(spill, "sluice-spill-2147483-1", "lock"),
		filepath.Join(out, ".f.csv.tmp-2147483-abc"),
	}
	live := []string{
		filepath.Join(spill, "sluice-spill-2147484-2", "lock"),
		filepath.Join(out, ".g.csv.tmp-2147484-def"),
	}
	for _, p := range append(append([]string{}, dead...), live...) {
		write(p)
	}
	for _, p := range live {
		hold(p)
	}
	other := filepath.Join(out, "keep.csv")
	write(other)
	spec := filepath.Join(base, "spec.yaml")
	if err := os.WriteFile(spec, []byte("name: daily\ninputs:\n  a: a.csv\noutput: { from: a, path: res/a.csv }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rundir := filepath.Join(data, "res", ".sluice-run-daily")
	ck := filepath.Join(rundir, "a-0123.ckpt")
	write(ck)
	write(filepath.Join(rundir, "lock"))
	resTemp := filepath.Join(data, "res", ".a.csv.tmp-2147483-x")
	write(resTemp)

	var stdout, stderr bytes.Buffer
	args := []string{"clean", out, "--spill-dir", spill, "--checkpoints", spec, "--data-dir", data}
	if err := run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("clean: %v\n%s", err, stderr.String())
	}
	got := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	want := []string{
		"removed spill directory " + filepath.Dir(dead[0]),
		"removed checkpoint " + ck,
		"removed checkpoint " + rundir,
		"removed temporary file " + resTemp,
		"removed temporary file " + dead[1],
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("clean printed\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, p := range append(append([]string{}, dead...), ck, rundir, resTemp) {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s still there: %v", p, err)
		}
	}
	for _, p := range append(append([]string{}, live...), other) {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed: %v", p, err)
		}
	}
	// a second clean has nothing left to do
	stdout.Reset()
	stderr.Reset()
	if err := run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if stdout.Len() != 0 || !strings.Contains(stderr.String(), "nothing to remove") {
		t.Errorf("second clean: %q %q", stdout.String(), stderr.String())
	}
}
