package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sluicedata/sluice/internal/lockfile"
	"github.com/sluicedata/sluice/parallel"
	"github.com/sluicedata/sluice/pipeline"
)

func init() {
	register(&command{
		name:    "clean",
		summary: "remove spill dirs, temporary outputs and checkpoints of killed runs",
		usage: `Usage: sluice clean [DIR ...] [--spill-dir D] [--checkpoints SPEC.yaml [--data-dir D] [-o OUT]]

A run killed outright (kill -9, the OOM killer, a power cut) cannot tidy up.
The next run does it for what it touches; clean does it by hand, and prints
every path it removes:

  - spill directories (sluice-spill-*) in the spill directory (--spill-dir,
    default the OS temp dir) whose process is gone;
  - temporary output files (.NAME.tmp-PID-*) in each DIR given whose writer
    is gone;
  - with --checkpoints SPEC.yaml: the resume checkpoints of that spec (the
    run directory 'sluice run SPEC --resume' uses, found with the same
    --data-dir, -o or --checkpoint-dir), and the temporary files beside its
    outputs.

Nothing a live run holds is touched: each of these carries a lock its
process keeps until it ends, and the kernel drops it when the process dies.

Flags:
  --spill-dir D       where to look for spill directories (default: the OS temp dir)
  --checkpoints SPEC  also remove SPEC's resume checkpoints
  --data-dir D        as for 'sluice run', to find SPEC's outputs and run directory
  -o, --out PATH      as for 'sluice run'
  --checkpoint-dir D  as for 'sluice run'

Examples:
  sluice clean
  sluice clean data/ --spill-dir /tmp
  sluice clean --checkpoints w1-features.yaml --data-dir data
`,
		run: runClean,
	})
}

func runClean(ctx context.Context, e *env, args []string) error {
	c := findCommand("clean")
	fs := newFlags(c, e)
	spillDir := fs.String("spill-dir", "", "")
	spec := fs.String("checkpoints", "", "")
	dataDir := fs.String("data-dir", "", "")
	out := fs.String("o", "", "")
	fs.StringVar(out, "out", "", "")
	ckDir := fs.String("checkpoint-dir", "", "")
	dirs, err := parseFlags(fs, c, e, args)
	if err != nil {
		return err
	}
	if *spec == "" && (*dataDir != "" || *out != "" || *ckDir != "") {
		return usagef("clean: --data-dir, -o and --checkpoint-dir go with --checkpoints SPEC.yaml")
	}
	for _, d := range dirs {
		st, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("clean: %w", err)
		}
		if !st.IsDir() {
			return usagef("clean: %s is not a directory", d)
		}
	}
	removed := 0
	say := func(what, path string) {
		fmt.Fprintf(e.stdout, "removed %s %s\n", what, path)
		removed++
	}
	var firstErr error
	keep := func(err error) {
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	spills, err := parallel.SweepSpill(*spillDir)
	keep(err)
	for _, p := range spills {
		say("spill directory", p)
	}
	if *spec != "" {
		plan, err := pipeline.Load(*spec)
		if err != nil {
			return err
		}
		opt := pipeline.Options{DataDir: *dataDir, Out: *out}
		run := *ckDir
		if run == "" {
			run = pipeline.RunDir(plan, opt)
		}
		if run != "" {
			ck, err := pipeline.RemoveCheckpoints(run)
			keep(err)
			for _, p := range ck {
				say("checkpoint", p)
			}
		}
		// the outputs' directories, for their temporary files
		base := *dataDir
		if base == "" {
			base = filepath.Dir(*spec)
		}
		paths := []string{*out}
		if *out == "" {
			paths = nil
			for _, o := range plan.Outputs {
				paths = append(paths, o.Path)
			}
		}
		for _, p := range paths {
			if p == "" || p == "-" {
				continue
			}
			if !filepath.IsAbs(p) {
				p = filepath.Join(base, p)
			}
			dirs = append(dirs, filepath.Dir(p))
		}
	}
	seen := map[string]bool{}
	for _, d := range dirs {
		if abs, err := filepath.Abs(d); err == nil {
			if seen[abs] {
				continue
			}
			seen[abs] = true
		}
		temps, err := sweepTemps(d)
		keep(err)
		for _, p := range temps {
			say("temporary file", p)
		}
	}
	if removed == 0 && firstErr == nil {
		fmt.Fprintln(e.stderr, "sluice: nothing to remove")
	}
	return firstErr
}

// sweepTemps removes the temporary output files in dir
// (.NAME.tmp-PID-RANDOM, see package writers) whose writer is gone: no
// live process holds the lock on them. Checkpoints' temporary files are
// left to their run directory's lock (see pipeline.RemoveCheckpoints).
func sweepTemps(dir string) ([]string, error) {
	if !lockfile.Supported {
		return nil, nil
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("clean: %w", err)
	}
	var removed []string
	for _, ent := range ents {
		name := ent.Name()
		i := strings.LastIndex(name, ".tmp-")
		if !strings.HasPrefix(name, ".") || i < 1 || !ent.Type().IsRegular() || strings.HasSuffix(name[:i], ".ckpt") {
			continue
		}
		pid, _, ok := strings.Cut(name[i+len(".tmp-"):], "-")
		n, err := strconv.Atoi(pid)
		if !ok || err != nil || n == os.Getpid() {
			continue
		}
		if info, err := ent.Info(); err == nil && lockfile.Alive(n) && time.Since(info.ModTime()) < time.Minute {
			continue // its writer may be between creating and locking it
		}
		p := filepath.Join(dir, name)
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		if ok, err := lockfile.Lock(f); err == nil && ok {
			if err := os.Remove(p); err == nil {
				removed = append(removed, p)
			}
		}
		f.Close()
	}
	return removed, nil
}
