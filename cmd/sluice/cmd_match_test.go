package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"testing"
)

// TestMatchMemAndBruteForce runs sluice match on generated company names
// (both vocabularies) three ways — one index, slices under --mem, and
// --brute-force — and checks the outputs are the same bytes.
func TestMatchMemAndBruteForce(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 40,000 names")
	}
	ctx := context.Background()
	// --mem sets the runtime's memory limit; restore it for other tests.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	for _, vocab := range []string{"large", "small"} {
		t.Run(vocab, func(t *testing.T) {
			dir := t.TempDir()
			hay, needles := filepath.Join(dir, "hay.csv"), filepath.Join(dir, "needles.csv")
			var stdout, stderr bytes.Buffer
			if err := run(ctx, []string{"gen", "companies", "--n", "40000", "--vocab", vocab, "--out", hay,
				"--needles", "150", "--needles-out", needles, "--seed", "3"}, &stdout, &stderr); err != nil {
				t.Fatalf("gen: %v\n%s", err, stderr.String())
			}
			outs := map[string][]byte{}
			for _, mode := range []struct {
				name  string
				flags []string
			}{
				{"index", nil},
				{"mem", []string{"--mem", "6MiB", "--workers", "2"}},
				{"brute", []string{"--brute-force", "--workers", "1"}},
			} {
				out := filepath.Join(dir, mode.name+".csv")
				args := append([]string{"match", needles, hay, "--left", "name", "--right", "name",
					"--threshold", "85", "--top", "2", "-o", out}, mode.flags...)
				stderr.Reset()
				if err := run(ctx, args, &stdout, &stderr); err != nil {
					t.Fatalf("%s: %v\n%s", mode.name, err, stderr.String())
				}
				b, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				outs[mode.name] = b
				m := regexp.MustCompile(`index in (\d+) slices?`).FindStringSubmatch(stderr.String())
				if m == nil {
					t.Fatalf("%s: no slice count in %q", mode.name, stderr.String())
				}
				if n, _ := strconv.Atoi(m[1]); mode.name == "mem" && n < 2 {
					t.Errorf("--mem 6MiB: %d slice, want several (%s)", n, stderr.String())
				}
			}
			if len(outs["index"]) < 1000 {
				t.Fatalf("output too small:\n%s", outs["index"])
			}
			for _, m := range []string{"mem", "brute"} {
				if !bytes.Equal(outs[m], outs["index"]) {
					t.Errorf("%s output differs from the single index's", m)
				}
			}
		})
	}
}
