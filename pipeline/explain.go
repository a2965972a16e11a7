package pipeline

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// Explain validates the plan and writes its physical plan to w: what each
// input reads (projected columns, pushed-down filters, semi-join
// reductions), how each step runs, and what is written.
func Explain(ctx context.Context, p *Plan, opt Options, w io.Writer) error {
	a, err := analyze(ctx, p, opt)
	if a != nil {
		defer a.cleanup()
	}
	if err != nil {
		return err
	}
	name := p.Name
	if name == "" {
		name = "(unnamed)"
	}
	fmt.Fprintf(w, "plan %s: %d inputs, %d steps, %d outputs\n", name, len(p.Inputs), len(p.Steps), len(p.Outputs))
	var ck *checkpoints
	var run map[string]bool
	if opt.Checkpoints != "" {
		ck = a.scanCheckpoints(opt.Checkpoints)
		run = a.runNodes(ck.valid)
		read := 0
		for name := range ck.valid {
			if run[name] {
				read++
			}
		}
		fmt.Fprintf(w, "resume from %s: %d of %d steps have a valid checkpoint, %d read from it, %d computed\n",
			opt.Checkpoints, len(ck.valid), len(p.Steps), read, countSteps(a, run)-read)
	}
	for _, n := range a.order {
		if ck != nil && !run[n.name] {
			kind := "step"
			if n.input != nil {
				kind = "read"
			}
			fmt.Fprintf(w, "\n%s %s: not run (what reads it comes from checkpoints)\n", kind, n.name)
			continue
		}
		if rows, ok := ck.reusable(n.name); ok {
			fmt.Fprintf(w, "\nstep %s: read from its checkpoint (%d rows)\n", n.name, rows)
			continue
		}
		if n.input != nil {
			src := strings.Join(n.paths, ", ")
			if len(n.paths) > 3 {
				src = fmt.Sprintf("%d files (%s, …, %s)", len(n.paths), n.paths[0], n.paths[len(n.paths)-1])
			}
			fmt.Fprintf(w, "\nread %s ← %s\n", n.name, src)
			fmt.Fprintf(w, "    columns: %s (%d of %d parsed; the rest skipped)\n", strings.Join(n.readCols, ", "), len(n.readCols), n.fileCols)
			switch {
			case n.pushFilter:
				fmt.Fprintf(w, "    filter pushed into the read (step %s): %s\n", n.pushedBy, a.nodes[n.pushedBy].filter)
			case n.semiBy != "":
				fmt.Fprintf(w, "    semi-join reduction while streaming: keep rows whose (%s) occur in %s (%s), for step %s\n",
					strings.Join(n.semiOn.Left, ", "), n.semiOther, strings.Join(n.semiOn.Right, ", "), n.semiBy)
			}
			if n.input.Union && len(n.paths) > 1 {
				fmt.Fprintf(w, "    files with different columns aligned by name (union)\n")
			}
			explainFlow(w, n, opt)
			continue
		}
		s := n.step
		fmt.Fprintf(w, "\nstep %s\n", s.Name)
		if s.Join != nil {
			j := s.Join
			var keys []string
			for i := range j.LeftOn {
				keys = append(keys, j.LeftOn[i]+" = "+j.RightOn[i])
			}
			probe, build := j.Left, j.Right
			if n.streamRight {
				probe, build = build, probe
			}
			fmt.Fprintf(w, "    hash join %s: %s ⋈ %s on %s\n", j.How, j.Left, j.Right, strings.Join(keys, ", "))
			fmt.Fprintf(w, "    builds a hash index on %s, streams %s through it (rows in %s's order); spills both sides by key hash if %s does not fit\n", build, probe, probe, build)
		} else if s.Match != nil {
			m := s.Match
			fmt.Fprintf(w, "    fuzzy match %s.%s ~ %s.%s (scorer %s, threshold %v, top %d): the right side indexed once, exact best matches\n",
				m.Left, m.LeftOn, m.Right, m.RightOn, orDefault(m.Scorer, "token_set"), orDefaultF(m.Threshold, 80), max(m.Top, 1))
		} else {
			fmt.Fprintf(w, "    from %s\n", s.From)
		}
		for k, d := range s.Derive {
			if n.deadDerive[k] {
				fmt.Fprintf(w, "    derive %s = %s (skipped: nothing reads %s)\n", d.Name, n.derive[k], d.Name)
				continue
			}
			fmt.Fprintf(w, "    derive %s = %s\n", d.Name, n.derive[k])
		}
		if s.Filter != "" {
			where := "filter"
			if s.From != "" && a.nodes[s.From].pushFilter {
				where = "filter (done while reading)"
			}
			fmt.Fprintf(w, "    %s: %s\n", where, n.filter)
		}
		if len(s.Agg) > 0 {
			var aggs []string
			for _, g := range n.aggs {
				aggs = append(aggs, g.String())
			}
			keys := strings.Join(s.GroupBy, ", ")
			if keys == "" {
				keys = "(all rows)"
			}
			fmt.Fprintf(w, "    group by %s: %s (exact; spills hash partitions of the groups if they do not fit)\n", keys, strings.Join(aggs, ", "))
		}
		if len(s.Select) > 0 {
			fmt.Fprintf(w, "    select %s\n", strings.Join(s.Select, ", "))
		}
		for _, r := range s.Rename {
			fmt.Fprintf(w, "    rename %s → %s\n", r.From, r.To)
		}
		if s.DistinctAll {
			fmt.Fprintf(w, "    distinct rows\n")
		} else if len(s.Distinct) > 0 {
			fmt.Fprintf(w, "    distinct on %s\n", strings.Join(s.Distinct, ", "))
		}
		if len(s.Sort) > 0 {
			var ks []string
			for _, k := range s.Sort {
				d := "asc"
				if k.Desc {
					d = "desc"
				}
				ks = append(ks, k.Name+" "+d)
			}
			fmt.Fprintf(w, "    sort by %s (stable, nulls last; external merge sort if it does not fit)\n", strings.Join(ks, ", "))
		}
		if s.HasLimit {
			fmt.Fprintf(w, "    limit %d rows (stops its sources early)\n", s.Limit)
		}
		explainFlow(w, n, opt)
		if ck != nil {
			fmt.Fprintf(w, "    checkpoint: none valid, computed and checkpointed\n")
		}
		fmt.Fprintf(w, "    → columns: %s\n", strings.Join(n.out.names(), ", "))
	}
	for _, o := range p.Outputs {
		path := a.resolve(o.Path)
		if opt.Out != "" {
			path = opt.Out
		}
		if path == "-" {
			fmt.Fprintf(w, "\nwrite %s → standard output\n", o.From)
			continue
		}
		fmt.Fprintf(w, "\nwrite %s → %s (atomic: temporary file, then rename)\n", o.From, path)
	}
	if opt.MemoryBudget > 0 {
		fmt.Fprintf(w, "\nmemory: every operator above shares one budget of %s\n", sizeText(opt.MemoryBudget))
	}
	return nil
}

// explainFlow says how a frame reaches its consumers.
func explainFlow(w io.Writer, n *node, opt Options) {
	if n.spooled() {
		fmt.Fprintf(w, "    read by %d consumers: held once (in memory while the budget allows, else spilled)\n", n.consumers+n.keyReaders)
	} else {
		fmt.Fprintf(w, "    streamed into its consumer chunk by chunk\n")
	}
}

// countSteps counts the steps among the nodes in run.
func countSteps(a *analysis, run map[string]bool) int {
	k := 0
	for name := range run {
		if a.nodes[name].step != nil {
			k++
		}
	}
	return k
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func orDefaultF(v, d float64) float64 {
	if v == 0 {
		return d
	}
	return v
}

// sizeText renders a byte count like 256 MiB.
func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
