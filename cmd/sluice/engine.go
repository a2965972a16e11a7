package main

import (
	"flag"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/sluicedata/sluice/parallel"
)

// engineFlags are the flags of every verb that computes: --workers, --mem,
// --spill-dir, --progress.
type engineFlags struct {
	workers  int
	mem      string
	spillDir string
	progress string
}

const engineFlagsHelp = `Engine flags:
  --workers N         goroutines to use (default: all cores)
  --mem SIZE          memory budget, e.g. 512MiB, 4GiB (default: no limit)
  --spill-dir DIR     where spill files go (default: the OS temp dir)
  --progress WHEN     auto (default: on a terminal), always, never
`

func (g *engineFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&g.workers, "workers", 0, "")
	fs.StringVar(&g.mem, "mem", "", "")
	fs.StringVar(&g.spillDir, "spill-dir", "", "")
	fs.StringVar(&g.progress, "progress", "auto", "")
}

// apply validates the flags and returns the memory budget in bytes (0: none).
// A budget also becomes the Go runtime's soft memory limit, so the garbage
// collector works harder before the process outgrows it.
func (g *engineFlags) apply() (int64, error) {
	if g.workers < 0 {
		return 0, usagef("--workers must be ≥ 0")
	}
	switch g.progress {
	case "auto", "always", "never":
	default:
		return 0, usagef("--progress %q: want auto, always or never", g.progress)
	}
	if g.mem == "" {
		return 0, nil
	}
	n, err := parseSize(g.mem)
	if err != nil {
		return 0, usagef("--mem: %v", err)
	}
	// The soft limit sits a quarter below the budget: the engine keeps its
	// own working set within the budget, and the collector must also make
	// room for what the heap does not hold — the pages of a mapped input in
	// flight, freed spans not yet returned, stacks and the binary — so that
	// peak RSS stays within the budget (an eighth measured 263–270 MiB peaks
	// at a 256 MiB budget in 2 of 10 W1 runs; a quarter 195–221 MiB).
	debug.SetMemoryLimit(n - n/4)
	return n, nil
}

// parallelOptions returns the engine options for a memory budget, with
// progress lines as --progress says; call done when the operator returns.
func (g *engineFlags) parallelOptions(e *env, mem int64) (opt parallel.Options, done func()) {
	opt = parallel.Options{Workers: g.workers, MemoryBudget: mem, SpillDir: g.spillDir}
	// Spill directories of killed runs go now, whether or not this run
	// spills (the engine sweeps only when it first spills); what cannot be
	// removed is left to 'sluice clean'.
	parallel.SweepSpill(g.spillDir)
	ui := newProgressUI(g.progress, e.stderr)
	if ui == nil {
		return opt, func() {}
	}
	opt.Progress = ui.update
	return opt, ui.wait
}

// parseSize reads sizes like 512MiB, 4GiB, 1.5GB, 300M, 1048576.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
		{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40}, {"B", 1}}
	mult := 1.0
	for _, u := range units {
		if strings.HasSuffix(strings.ToUpper(t), strings.ToUpper(u.suffix)) {
			t, mult = strings.TrimSpace(t[:len(t)-len(u.suffix)]), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("%q is not a size like 512MiB or 4GiB", s)
	}
	return int64(v * mult), nil
}
