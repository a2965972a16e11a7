package pipeline

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

// ErrPlan is wrapped by validation errors (unknown names, columns, types,
// cycles).
var ErrPlan = errors.New("invalid plan")

type colInfo struct {
	name string
	typ  frame.Type
}

type schema []colInfo

func (s schema) index(name string) int {
	for i, c := range s {
		if c.name == name {
			return i
		}
	}
	return -1
}

func (s schema) names() []string {
	out := make([]string, len(s))
	for i, c := range s {
		out[i] = c.name
	}
	return out
}

func (s schema) types() map[string]frame.Type {
	m := make(map[string]frame.Type, len(s))
	for _, c := range s {
		m[c.name] = c.typ
	}
	return m
}

// origin says where a column of a join's output comes from.
type origin struct {
	right bool
	name  string
}

// node is a named frame of the plan: an input or a step, with its analysis.
type node struct {
	name   string
	input  *Input
	step   *Step
	line   int
	src    schema   // step: schema after from/join/match
	prov   []origin // step with join or match: origin of each src column
	out    schema   // schema of the named frame
	derive []frame.Expr
	// deadDerive[k]: derive k makes a column nothing downstream reads,
	// so the executor skips it (the columns it would read may have been
	// pruned from the inputs)
	deadDerive []bool
	filter     frame.Expr
	hasFil     bool
	aggs       []frame.Agg

	consumers int             // steps and outputs reading this frame
	needed    map[string]bool // columns consumers need (nil: all)
	allNeeded bool

	// inputs
	paths    []string // the files, globs expanded
	fileCols int      // columns in the (first) file
	// union inputs: the columns each file has (by path), so a file is
	// only told the types of columns it holds
	fileHas  map[string]map[string]bool
	readCols []string // projected columns
	// pushFilter: the consuming step's filter runs on each chunk as it is
	// read; pushedBy names that step
	pushFilter bool
	pushedBy   string
	// semiBy: the input is filtered while parsing by the keys semiOn.Right
	// of the computed frame semiOther (for the join of step semiBy)
	semiBy    string
	semiOn    frame.JoinOn
	semiOther string

	// steps: a join streams its right side (frame.OrderByRight)
	streamRight bool
	// keyReaders counts the semi-join reductions reading this frame's keys
	keyReaders int
}

// spooled reports whether the frame is read more than once (by consumers
// or for its keys) and so is held (in memory or spilled) once computed.
func (n *node) spooled() bool { return n.consumers+n.keyReaders > 1 }

// analysis is a validated, planned pipeline.
type analysis struct {
	plan  *Plan
	opt   Options
	nodes map[string]*node
	order []*node // topological order (inputs first)
	base  string  // directory relative paths resolve against
	// texts maps a column name to what inference said about it in the
	// input that has it, for type errors' hints
	texts map[string]textCol
	temps []string // temporary files (standard input), removed by cleanup
}

type textCol struct {
	input string
	info  readers.ColumnInfo
}

// cleanup removes the analysis' temporary files.
func (a *analysis) cleanup() {
	for _, t := range a.temps {
		os.RemoveAll(t)
	}
	a.temps = nil
}

// Validate checks a plan without processing its data: it reads each input's
// header and type-inference sample, then checks names, columns, expression
// and aggregation types and cycles. Errors carry the spec file's line.
func Validate(ctx context.Context, p *Plan, opt Options) error {
	a, err := analyze(ctx, p, opt)
	if a != nil {
		a.cleanup()
	}
	return err
}

func (a *analysis) resolve(path string) string {
	if path == "-" || filepath.IsAbs(path) || a.base == "" {
		return path
	}
	return filepath.Join(a.base, path)
}

// deps returns the names a step reads.
func deps(s *Step) []string {
	switch {
	case s.Join != nil:
		return []string{s.Join.Left, s.Join.Right}
	case s.Match != nil:
		return []string{s.Match.Left, s.Match.Right}
	}
	return []string{s.From}
}

// analyze validates and plans p. On error the returned analysis (if any)
// still needs cleanup.
func analyze(ctx context.Context, p *Plan, opt Options) (*analysis, error) {
	a := &analysis{plan: p, opt: opt, nodes: map[string]*node{}, texts: map[string]textCol{}}
	switch {
	case opt.DataDir != "":
		a.base = opt.DataDir
	case p.File != "":
		a.base = filepath.Dir(p.File)
	}
	for i := range p.Inputs {
		in := &p.Inputs[i]
		if _, dup := a.nodes[in.Name]; dup {
			return a, p.errf(in.Line, ErrPlan, "input %q is defined twice", in.Name)
		}
		a.nodes[in.Name] = &node{name: in.Name, input: in, line: in.Line}
	}
	for i := range p.Steps {
		s := &p.Steps[i]
		if _, dup := a.nodes[s.Name]; dup {
			return a, p.errf(s.Line, ErrPlan, "step %q: name already used by an input or step", s.Name)
		}
		a.nodes[s.Name] = &node{name: s.Name, step: s, line: s.Line}
	}
	for i := range p.Steps {
		s := &p.Steps[i]
		for _, d := range deps(s) {
			n, ok := a.nodes[d]
			if !ok {
				field := "from"
				switch {
				case s.Join != nil:
					field = "join"
				case s.Match != nil:
					field = "match"
				}
				hint := ""
				if m := frame.Suggest(d, a.namesList()); m != "" {
					hint = fmt.Sprintf(" (did you mean %s?)", m)
				}
				return a, p.errf(s.lineOf(field), ErrPlan, "step %q: unknown input or step %q%s (have %s)", s.Name, d, hint, strings.Join(a.namesList(), ", "))
			}
			n.consumers++
		}
	}
	if len(p.Outputs) == 0 {
		return a, p.errf(0, ErrPlan, "the plan has no output")
	}
	for _, o := range p.Outputs {
		n, ok := a.nodes[o.From]
		if !ok {
			return a, p.errf(o.Line, ErrPlan, "output: unknown input or step %q (have %s)", o.From, strings.Join(a.namesList(), ", "))
		}
		n.consumers++
		n.allNeeded = true
	}
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(name string, line int, path []string) error
	visit = func(name string, line int, path []string) error {
		n := a.nodes[name]
		switch state[name] {
		case 1:
			return p.errf(line, ErrPlan, "cycle: %s → %s", strings.Join(path, " → "), name)
		case 2:
			return nil
		}
		state[name] = 1
		if n.step != nil {
			for _, d := range deps(n.step) {
				if err := visit(d, n.step.Line, append(path, name)); err != nil {
					return err
				}
			}
		}
		state[name] = 2
		a.order = append(a.order, n)
		return nil
	}
	for _, in := range p.Inputs {
		if err := visit(in.Name, in.Line, nil); err != nil {
			return a, err
		}
	}
	for _, s := range p.Steps {
		if err := visit(s.Name, s.Line, nil); err != nil {
			return a, err
		}
	}
	for _, n := range a.order {
		if err := ctx.Err(); err != nil {
			return a, err
		}
		var err error
		if n.input != nil {
			err = a.inputSchema(ctx, n)
		} else {
			err = a.stepSchema(n)
		}
		if err != nil {
			return a, err
		}
	}
	a.planPushdown()
	return a, nil
}

func (a *analysis) namesList() []string {
	var out []string
	for _, in := range a.plan.Inputs {
		out = append(out, in.Name)
	}
	for _, s := range a.plan.Steps {
		out = append(out, s.Name)
	}
	return out
}

// expandPaths resolves an input's paths: globs (* ? [ and ** for any
// depth) expanded and sorted, "-" copied from the standard input to a
// temporary file, and a forced Format given to files of another extension
// through a link of the right name.
func (a *analysis) expandPaths(in *Input) ([]string, error) {
	var out []string
	for _, raw := range in.AllPaths() {
		if raw == "-" {
			p, err := a.stdinFile(in)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
			continue
		}
		path := a.resolve(raw)
		if !strings.ContainsAny(path, "*?[{") {
			if _, err := os.Stat(path); err != nil {
				return nil, fmt.Errorf("%s: %w", path, unwrapPathError(err))
			}
			out = append(out, path)
			continue
		}
		m, err := doublestar.FilepathGlob(path, doublestar.WithFilesOnly())
		if err != nil {
			return nil, fmt.Errorf("pattern %s: %w", path, err)
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("no file matches %s", path)
		}
		slices.Sort(m)
		out = append(out, m...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no path given")
	}
	if in.Format != "" {
		ext := "." + strings.ToLower(in.Format)
		for i, p := range out {
			if strings.EqualFold(filepath.Ext(p), ext) {
				continue
			}
			l, err := a.linkAs(p, ext)
			if err != nil {
				return nil, err
			}
			out[i] = l
		}
	}
	return out, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// tempDir returns a new directory for the analysis' temporary files.
func (a *analysis) tempDir() (string, error) {
	d, err := os.MkdirTemp(a.opt.SpillDir, "sluice-input-*")
	if err != nil {
		return "", err
	}
	a.temps = append(a.temps, d)
	return d, nil
}

// linkAs makes path readable under an extension of the forced format.
func (a *analysis) linkAs(path, ext string) (string, error) {
	d, err := a.tempDir()
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	l := filepath.Join(d, strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))+ext)
	return l, os.Symlink(abs, l)
}

// stdinFile copies the standard input to a temporary file (inference reads
// a sample and the read starts over: a pipe cannot be read twice), named
// by the input's Format, or sniffed: '{' NDJSON, '[' JSON, "PK" xlsx,
// "PAR1" Parquet, otherwise CSV (gzip and zstd are recognised by the CSV
// reader itself).
func (a *analysis) stdinFile(in *Input) (string, error) {
	r := a.opt.Stdin
	if r == nil {
		r = os.Stdin
	}
	d, err := a.tempDir()
	if err != nil {
		return "", err
	}
	br := bufio.NewReaderSize(r, 64<<10)
	ext := ".csv"
	if in.Format != "" {
		ext = "." + strings.ToLower(in.Format)
	} else if head, _ := br.Peek(512); len(head) > 0 {
		t := strings.TrimLeft(string(head), " \t\r\n\ufeff")
		switch {
		case strings.HasPrefix(t, "{"):
			ext = ".ndjson"
		case strings.HasPrefix(t, "["):
			ext = ".json"
		case strings.HasPrefix(string(head), "PK\x03\x04"):
			ext = ".xlsx"
		case strings.HasPrefix(string(head), "PAR1"):
			ext = ".parquet"
		}
	}
	p := filepath.Join(d, "stdin"+ext)
	f, err := os.Create(p)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(f, br); err != nil {
		f.Close()
		return "", fmt.Errorf("reading standard input: %w", err)
	}
	return p, f.Close()
}

func (a *analysis) inputSchema(ctx context.Context, n *node) error {
	in := n.input
	paths, err := a.expandPaths(in)
	if err != nil {
		return a.plan.inputErr(in, err)
	}
	n.paths = paths
	opt := in.Options
	opt.Columns = nil
	infer := func(path string) (schema, error) {
		cols, err := readers.Infer(ctx, path, opt)
		if err != nil {
			return nil, err
		}
		var s schema
		for _, c := range cols {
			s = append(s, colInfo{c.Name, c.Type})
			if _, seen := a.texts[c.Name]; !seen && c.Type == frame.String && c.Almost() {
				a.texts[c.Name] = textCol{in.Name, c}
			}
		}
		return s, nil
	}
	all, err := infer(paths[0])
	if err != nil {
		return a.plan.inputErr(in, err)
	}
	if in.Union && len(paths) > 1 {
		// the union of every file's columns, by name, in order of first
		// appearance; a column typed differently by two files is read as
		// the wider type (Int64 and Float64: Float64; otherwise String)
		n.fileHas = map[string]map[string]bool{paths[0]: all.set()}
		for _, p := range paths[1:] {
			s, err := infer(p)
			if err != nil {
				return a.plan.inputErr(in, err)
			}
			n.fileHas[p] = s.set()
			for _, c := range s {
				i := all.index(c.name)
				switch {
				case i < 0:
					all = append(all, c)
				case all[i].typ != c.typ:
					all[i].typ = widen(all[i].typ, c.typ)
				}
			}
		}
	}
	n.fileCols = len(all)
	if len(in.Options.Columns) == 0 {
		n.out = all
		return nil
	}
	for _, name := range in.Options.Columns {
		i := all.index(name)
		if i < 0 {
			return a.plan.errf(in.Line, ErrPlan, "input %q: column %q is not in %s%s (have %s)", in.Name, name, paths[0], didYouMean(name, all.names()), strings.Join(all.names(), ", "))
		}
		n.out = append(n.out, all[i])
	}
	return nil
}

// set is the set of s's column names.
func (s schema) set() map[string]bool {
	m := make(map[string]bool, len(s))
	for _, c := range s {
		m[c.name] = true
	}
	return m
}

// widen is the type two files' types for one column are read as.
func widen(a, b frame.Type) frame.Type {
	if (a == frame.Int64 || a == frame.Float64) && (b == frame.Int64 || b == frame.Float64) {
		return frame.Float64
	}
	return frame.String
}

func didYouMean(name string, cands []string) string {
	if m := frame.Suggest(name, cands); m != "" {
		return fmt.Sprintf(" (did you mean %s?)", m)
	}
	return ""
}

// textHint explains, for a type error on column col, why it is text.
func (a *analysis) textHint(err error, cols ...string) error {
	if !errors.Is(err, frame.ErrType) {
		return err
	}
	for _, c := range cols {
		if t, ok := a.texts[c]; ok {
			return fmt.Errorf("%w\n  %s of input %s is text: %s", err, c, t.input, t.info.Explain())
		}
	}
	return err
}

func (a *analysis) stepSchema(n *node) error {
	s, p := n.step, a.plan
	switch {
	case s.Join != nil:
		j := s.Join
		l, r := a.nodes[j.Left].out, a.nodes[j.Right].out
		if len(j.LeftOn) != len(j.RightOn) || len(j.LeftOn) == 0 {
			return p.errf(s.lineOf("join"), ErrPlan, "step %q: join has %d left keys and %d right keys", s.Name, len(j.LeftOn), len(j.RightOn))
		}
		for i := range j.LeftOn {
			li, ri := l.index(j.LeftOn[i]), r.index(j.RightOn[i])
			if li < 0 {
				return p.errf(s.lineOf("join"), ErrPlan, "step %q: join key %q is not a column of %s%s (have %s)", s.Name, j.LeftOn[i], j.Left, didYouMean(j.LeftOn[i], l.names()), strings.Join(l.names(), ", "))
			}
			if ri < 0 {
				return p.errf(s.lineOf("join"), ErrPlan, "step %q: join key %q is not a column of %s%s (have %s)", s.Name, j.RightOn[i], j.Right, didYouMean(j.RightOn[i], r.names()), strings.Join(r.names(), ", "))
			}
			if l[li].typ != r[ri].typ {
				err := a.textHint(fmt.Errorf("%w", frame.ErrType), j.LeftOn[i], j.RightOn[i])
				return p.errf(s.lineOf("join"), err, "step %q: join key %s.%s is %v but %s.%s is %v", s.Name, j.Left, j.LeftOn[i], l[li].typ, j.Right, j.RightOn[i], r[ri].typ)
			}
		}
		for _, c := range l {
			n.src = append(n.src, c)
			n.prov = append(n.prov, origin{false, c.name})
		}
		if j.How != frame.Semi && j.How != frame.Anti {
			for _, c := range r {
				if slices.Contains(j.RightOn, c.name) {
					continue
				}
				name := c.name
				if l.index(name) >= 0 {
					name += "_right"
				}
				n.src = append(n.src, colInfo{name, c.typ})
				n.prov = append(n.prov, origin{true, c.name})
			}
		}
	case s.Match != nil:
		m := s.Match
		l, r := a.nodes[m.Left].out, a.nodes[m.Right].out
		rightOn := m.RightOn
		if rightOn == "" {
			rightOn = m.LeftOn
		}
		if i := l.index(m.LeftOn); i < 0 || l[i].typ != frame.String {
			return p.errf(s.lineOf("match"), ErrPlan, "step %q: match column %q is not a text column of %s (have %s)", s.Name, m.LeftOn, m.Left, strings.Join(l.names(), ", "))
		}
		if i := r.index(rightOn); i < 0 || r[i].typ != frame.String {
			return p.errf(s.lineOf("match"), ErrPlan, "step %q: match column %q is not a text column of %s (have %s)", s.Name, rightOn, m.Right, strings.Join(r.names(), ", "))
		}
		for _, c := range l {
			n.src = append(n.src, c)
			n.prov = append(n.prov, origin{false, c.name})
		}
		for _, c := range r {
			name := c.name
			if l.index(name) >= 0 {
				name += "_right"
			}
			n.src = append(n.src, colInfo{name, c.typ})
			n.prov = append(n.prov, origin{true, c.name})
		}
		n.src = append(n.src, colInfo{"score", frame.Float64})
		n.prov = append(n.prov, origin{false, ""})
	default:
		n.src = append(schema(nil), a.nodes[s.From].out...)
	}
	cur := n.src
	for _, d := range s.Derive {
		e, err := frame.ParseExpr(d.Expr)
		if err != nil {
			return p.errf(s.lineOf("derive"), err, "step %q: derive %s", s.Name, d.Name)
		}
		t, err := e.Type(cur.types())
		if err != nil {
			return p.errf(s.lineOf("derive"), a.textHint(err, e.Columns()...), "step %q: derive %s", s.Name, d.Name)
		}
		n.derive = append(n.derive, e)
		next := append(schema(nil), cur...)
		if i := next.index(d.Name); i >= 0 {
			next[i].typ = t
		} else {
			next = append(next, colInfo{d.Name, t})
		}
		cur = next
	}
	if s.Filter != "" {
		e, err := frame.ParseExpr(s.Filter)
		if err != nil {
			return p.errf(s.lineOf("filter"), err, "step %q: filter", s.Name)
		}
		t, err := e.Type(cur.types())
		if err != nil {
			return p.errf(s.lineOf("filter"), a.textHint(err, e.Columns()...), "step %q: filter", s.Name)
		}
		if t != frame.Bool {
			return p.errf(s.lineOf("filter"), ErrPlan, "step %q: filter %s gives %v, not true or false", s.Name, s.Filter, t)
		}
		n.filter, n.hasFil = e, true
	}
	if len(s.Agg) > 0 {
		var next schema
		for _, k := range s.GroupBy {
			i := cur.index(k)
			if i < 0 {
				return p.errf(s.lineOf("group_by"), ErrPlan, "step %q: group_by column %q does not exist%s (have %s)", s.Name, k, didYouMean(k, cur.names()), strings.Join(cur.names(), ", "))
			}
			next = append(next, cur[i])
		}
		for _, ag := range s.Agg {
			g, err := ag.Agg()
			if err != nil {
				return p.errf(ag.Line, ErrPlan, "step %q: %v", s.Name, err)
			}
			t := frame.Int64
			for k, c := range g.Columns() {
				i := cur.index(c)
				if i < 0 {
					return p.errf(ag.Line, ErrPlan, "step %q: agg %s: column %q does not exist%s (have %s)", s.Name, ag.Name, c, didYouMean(c, cur.names()), strings.Join(cur.names(), ", "))
				}
				if k == 0 {
					if t, err = g.ResultType(cur[i].typ); err != nil {
						return p.errf(ag.Line, a.textHint(err, c), "step %q: agg %s", s.Name, ag.Name)
					}
				}
			}
			n.aggs = append(n.aggs, g)
			if next.index(g.Name()) >= 0 {
				return p.errf(ag.Line, ErrPlan, "step %q: output column %q defined twice", s.Name, g.Name())
			}
			next = append(next, colInfo{g.Name(), t})
		}
		cur = next
	}
	if len(s.Select) > 0 {
		var next schema
		for _, c := range s.Select {
			i := cur.index(c)
			if i < 0 {
				return p.errf(s.lineOf("select"), ErrPlan, "step %q: select column %q does not exist%s (have %s)", s.Name, c, didYouMean(c, cur.names()), strings.Join(cur.names(), ", "))
			}
			next = append(next, cur[i])
		}
		cur = next
	}
	if len(s.Rename) > 0 {
		next := append(schema(nil), cur...)
		for _, r := range s.Rename {
			i := next.index(r.From)
			if i < 0 {
				return p.errf(s.lineOf("rename"), ErrPlan, "step %q: rename: column %q does not exist%s (have %s)", s.Name, r.From, didYouMean(r.From, next.names()), strings.Join(next.names(), ", "))
			}
			if j := next.index(r.To); j >= 0 && j != i {
				return p.errf(s.lineOf("rename"), ErrPlan, "step %q: rename %s to %s: a column %s exists already", s.Name, r.From, r.To, r.To)
			}
			next[i].name = r.To
		}
		cur = next
	}
	for _, c := range s.Distinct {
		if cur.index(c) < 0 {
			return p.errf(s.lineOf("distinct"), ErrPlan, "step %q: distinct column %q does not exist%s (have %s)", s.Name, c, didYouMean(c, cur.names()), strings.Join(cur.names(), ", "))
		}
	}
	for _, k := range s.Sort {
		if cur.index(k.Name) < 0 {
			return p.errf(s.lineOf("sort"), ErrPlan, "step %q: sort column %q does not exist%s (have %s)", s.Name, k.Name, didYouMean(k.Name, cur.names()), strings.Join(cur.names(), ", "))
		}
	}
	n.out = cur
	return nil
}

// planPushdown decides projections, filter pushdown, semi-join reduction
// and which side of each join is streamed.
func (a *analysis) planPushdown() {
	// backward pass: the columns each frame must provide
	for i := len(a.order) - 1; i >= 0; i-- {
		n := a.order[i]
		if n.step == nil {
			continue
		}
		s := n.step
		need := map[string]bool{}
		add := func(cs ...string) {
			for _, c := range cs {
				need[c] = true
			}
		}
		for c := range n.needed {
			need[c] = true
		}
		if n.allNeeded {
			add(n.out.names()...)
		}
		// walk the step's operations backwards, mapping needed columns to
		// the columns before each
		for _, k := range s.Sort {
			add(k.Name)
		}
		add(s.Distinct...)
		if s.DistinctAll {
			add(n.out.names()...)
		}
		for k := len(s.Rename) - 1; k >= 0; k-- {
			r := s.Rename[k]
			if need[r.To] {
				delete(need, r.To)
				need[r.From] = true
			}
		}
		if len(s.Select) > 0 {
			need = map[string]bool{}
			add(s.Select...)
		}
		if len(s.Agg) > 0 {
			need = map[string]bool{}
			add(s.GroupBy...)
			for _, g := range n.aggs {
				add(g.Columns()...)
			}
		}
		if n.hasFil {
			add(n.filter.Columns()...)
		}
		n.deadDerive = make([]bool, len(s.Derive))
		for k := len(s.Derive) - 1; k >= 0; k-- {
			n.deadDerive[k] = !need[s.Derive[k].Name]
			if need[s.Derive[k].Name] {
				// the derived column replaces (or adds) one: what it reads
				// is needed instead, unless it overwrites a needed source
				// column that the expression itself reads
				delete(need, s.Derive[k].Name)
				add(n.derive[k].Columns()...)
			}
		}
		switch {
		case s.Join != nil:
			j := s.Join
			ln, rn := a.nodes[j.Left], a.nodes[j.Right]
			for k, c := range n.src {
				if !need[c.name] {
					continue
				}
				if n.prov[k].right {
					rn.need(n.prov[k].name)
				} else {
					ln.need(n.prov[k].name)
				}
			}
			for i := range j.LeftOn {
				ln.need(j.LeftOn[i])
				rn.need(j.RightOn[i])
			}
		case s.Match != nil:
			// the fuzzy join passes every column of both sides
			a.nodes[s.Match.Left].allNeeded = true
			a.nodes[s.Match.Right].allNeeded = true
		default:
			src := a.nodes[s.From]
			for c := range need {
				if src.out.index(c) >= 0 {
					src.need(c)
				}
			}
		}
	}
	// inputs: projections
	for _, n := range a.order {
		if n.input == nil {
			continue
		}
		if n.allNeeded {
			n.readCols = n.out.names()
			continue
		}
		for _, c := range n.out {
			if n.needed[c.name] {
				n.readCols = append(n.readCols, c.name)
			}
		}
		if len(n.readCols) == 0 && len(n.out) > 0 {
			n.readCols = []string{n.out[0].name}
		}
	}
	for _, n := range a.order {
		s := n.step
		if s == nil {
			continue
		}
		switch {
		case s.From != "":
			src := a.nodes[s.From]
			if src.input != nil && src.consumers == 1 && n.hasFil && len(s.Derive) == 0 {
				src.pushFilter, src.pushedBy = true, s.Name
			}
		case s.Join != nil:
			j := s.Join
			ln, rn := a.nodes[j.Left], a.nodes[j.Right]
			// semi-join reduction: an input read by this join only, whose
			// other side is computed, is filtered by that side's keys
			// while it is parsed
			rightOK := j.How == frame.Inner || j.How == frame.Left || j.How == frame.Semi || j.How == frame.Anti
			leftOK := j.How == frame.Inner || j.How == frame.Right
			switch {
			case rightOK && rn.input != nil && rn.consumers == 1 && !rn.pushFilter && ln.input == nil && ln.name != rn.name:
				rn.semiBy, rn.semiOther = s.Name, ln.name
				rn.semiOn = frame.JoinOn{Left: j.RightOn, Right: j.LeftOn}
				ln.keyReaders++
			case leftOK && ln.input != nil && ln.consumers == 1 && !ln.pushFilter && rn.input == nil && ln.name != rn.name:
				ln.semiBy, ln.semiOther = s.Name, rn.name
				ln.semiOn = frame.JoinOn{Left: j.LeftOn, Right: j.RightOn}
				rn.keyReaders++
			}
			// the streamed side: the left, unless for an inner join the
			// right is a file and the left is computed or a smaller file
			if j.How == frame.Inner && rn.input != nil {
				if ln.input == nil || a.inputBytes(rn) > a.inputBytes(ln) {
					n.streamRight = true
				}
			}
		}
	}
}

// inputBytes is the size of an input's files (0 when unknown).
func (a *analysis) inputBytes(n *node) int64 {
	var total int64
	for _, p := range n.paths {
		if st, err := os.Stat(p); err == nil {
			total += st.Size()
		}
	}
	return total
}

func (n *node) need(col string) {
	if n.needed == nil {
		n.needed = map[string]bool{}
	}
	n.needed[col] = true
}
