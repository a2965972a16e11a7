package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadOutputBeforeWork: every verb that writes a file, and run, checks
// its output before reading anything: with a missing output directory, or
// an output that is also an input (directly or through a symlink), the
// error names the output — not the parse error reading the input would
// hit on its second row — and nothing is written.
func TestBadOutputBeforeWork(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	body := "k,name\n1,alice\n2,bob,extra\n" // a ragged second row: reading fails
	os.WriteFile(in, []byte(body), 0o644)
	link := filepath.Join(dir, "link.csv")
	if err := os.Symlink(in, link); err != nil {
		t.Skip(err)
	}
	spec := filepath.Join(dir, "s.yaml")
	verbs := func(out string) [][]string {
		return [][]string{
			{"agg", in, "--by", "k", "--agg", "n=count()", "-o", out},
			{"cat", in, "-o", out},
			{"convert", in, out},
			{"derive", in, "--col", "x=k+1", "-o", out},
			{"distinct", in, "-o", out},
			{"filter", in, "--where", "k > 0", "-o", out},
			{"frequency", in, "--by", "k", "-o", out},
			{"join", in, in, "--on", "k", "-o", out},
			{"match", in, in, "--left", "name", "--right", "name", "-o", out},
			{"rename", in, "--as", "k=id", "-o", out},
			{"select", in, "--columns", "k", "-o", out},
			{"sort", in, "--by", "k", "-o", out},
			{"run", spec},
		}
	}
	for _, c := range []struct{ out, want string }{
		{filepath.Join(dir, "missing", "o.csv"), "missing: no such file or directory"},
		{in, "the output is also input"},
		{link, "the output is also input"},
	} {
		os.WriteFile(spec, []byte("inputs:\n  a: in.csv\nsteps:\n  - {name: s, from: a, sort: [k]}\noutput: {from: s, path: "+c.out+"}\n"), 0o644)
		for _, args := range verbs(c.out) {
			var out, errb bytes.Buffer
			err := runIO(context.Background(), args, strings.NewReader(""), &out, &errb)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "output "+c.out) {
				t.Errorf("sluice %s: got %v, want an error about output %s: %s", args[0], err, c.out, c.want)
			}
			if b, _ := os.ReadFile(in); string(b) != body {
				t.Fatalf("sluice %s: input changed", args[0])
			}
		}
	}
	es, _ := os.ReadDir(dir)
	if len(es) != 3 {
		t.Errorf("left in the directory: %v", es)
	}
}

// convert takes its output as the last argument or as -o; with -o every
// argument is an input.
func TestConvertOutputForms(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	os.WriteFile(a, []byte("k\n1\n"), 0o644)
	os.WriteFile(b, []byte("k\n2\n"), 0o644)
	o1, o2, o3 := filepath.Join(dir, "o1.tsv"), filepath.Join(dir, "o2.tsv"), filepath.Join(dir, "o3.tsv")
	for _, c := range []struct {
		args []string
		out  string
	}{
		{[]string{"convert", a, b, o1}, o1},
		{[]string{"convert", a, b, "-o", o2}, o2},
		{[]string{"convert", "-o", o3, a, b}, o3},
	} {
		var out, errb bytes.Buffer
		if err := runIO(context.Background(), c.args, strings.NewReader(""), &out, &errb); err != nil {
			t.Fatalf("sluice %v: %v", c.args, err)
		}
		if got, _ := os.ReadFile(c.out); string(got) != "k\n1\n2\n" {
			t.Errorf("sluice %v wrote %q", c.args, got)
		}
	}
	var out, errb bytes.Buffer
	if err := runIO(context.Background(), []string{"convert", a}, strings.NewReader(""), &out, &errb); err == nil || !strings.Contains(err.Error(), "-o OUT") {
		t.Errorf("convert with one argument: %v", err)
	}
}
