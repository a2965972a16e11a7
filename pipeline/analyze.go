package pipeline

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

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
	src    schema   // step: schema after from/join
	prov   []origin // step with join: origin of each src column
	out    schema   // schema of the named frame
	filter frame.Expr
	aggs   []frame.Agg

	consumers int             // steps and outputs reading this frame
	needed    map[string]bool // columns consumers need (nil: all)
	allNeeded bool

	// planning decisions
	pushFilter bool   // input: the consuming step's filter runs while reading
	pushedBy   string // input: name of the step whose filter is pushed down
	semiBy     string // input: streamed through a semi-join with this step's other side
	semiOn     frame.JoinOn
	semiOther  string
	readCols   []string // input: projected columns
	fileCols   int      // input: columns in the file
}

// analysis is a validated, planned pipeline.
type analysis struct {
	plan  *Plan
	nodes map[string]*node
	order []*node // topological order of steps (inputs first)
	base  string  // directory relative paths resolve against
}

// Validate checks a plan without processing its data: it reads each input's
// header and type-inference sample, then checks names, columns, expression
// and aggregation types and cycles. Errors carry the spec file's line.
func Validate(ctx context.Context, p *Plan, opt Options) error {
	_, err := analyze(ctx, p, opt)
	return err
}

func (a *analysis) resolve(path string) string {
	if filepath.IsAbs(path) || a.base == "" {
		return path
	}
	return filepath.Join(a.base, path)
}

func analyze(ctx context.Context, p *Plan, opt Options) (*analysis, error) {
	a := &analysis{plan: p, nodes: map[string]*node{}}
	switch {
	case opt.DataDir != "":
		a.base = opt.DataDir
	case p.File != "":
		a.base = filepath.Dir(p.File)
	}
	for i := range p.Inputs {
		in := &p.Inputs[i]
		if _, dup := a.nodes[in.Name]; dup {
			return nil, p.errf(in.Line, ErrPlan, "input %q is defined twice", in.Name)
		}
		a.nodes[in.Name] = &node{name: in.Name, input: in, line: in.Line}
	}
	for i := range p.Steps {
		s := &p.Steps[i]
		if _, dup := a.nodes[s.Name]; dup {
			return nil, p.errf(s.Line, ErrPlan, "step %q: name already used by an input or step", s.Name)
		}
		a.nodes[s.Name] = &node{name: s.Name, step: s, line: s.Line}
	}
	// references, consumers and cycles
	deps := func(s *Step) []string {
		if s.Join != nil {
			return []string{s.Join.Left, s.Join.Right}
		}
		return []string{s.From}
	}
	for i := range p.Steps {
		s := &p.Steps[i]
		for _, d := range deps(s) {
			n, ok := a.nodes[d]
			if !ok {
				field := "from"
				if s.Join != nil {
					field = "join"
				}
				return nil, p.errf(s.lineOf(field), ErrPlan, "step %q: unknown input or step %q (have %s)", s.Name, d, strings.Join(a.namesList(), ", "))
			}
			n.consumers++
		}
	}
	for _, o := range p.Outputs {
		n, ok := a.nodes[o.From]
		if !ok {
			return nil, p.errf(o.Line, ErrPlan, "output: unknown input or step %q", o.From)
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
			return nil, err
		}
	}
	for _, s := range p.Steps {
		if err := visit(s.Name, s.Line, nil); err != nil {
			return nil, err
		}
	}
	// schemas, forward
	for _, n := range a.order {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var err error
		if n.input != nil {
			err = a.inputSchema(ctx, n)
		} else {
			err = a.stepSchema(n)
		}
		if err != nil {
			return nil, err
		}
	}
	a.planPushdown()
	if opt.MemoryBudget > 0 {
		// under a budget, a join of two raw inputs streams both through the
		// out-of-core join rather than materialising one side to reduce the
		// other
		for _, n := range a.nodes {
			if n.semiBy != "" && a.nodes[n.semiOther].input != nil {
				n.semiBy, n.semiOther = "", ""
			}
		}
	}
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

// inputPaths expands an input's path (a glob when it has * ? or [).
func (a *analysis) inputPaths(in *Input) ([]string, error) {
	path := a.resolve(in.Path)
	if !strings.ContainsAny(path, "*?[") {
		return []string{path}, nil
	}
	m, err := filepath.Glob(path)
	if err != nil {
		return nil, err
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("no file matches %s", path)
	}
	slices.Sort(m)
	return m, nil
}

func (a *analysis) inputSchema(ctx context.Context, n *node) error {
	in := n.input
	paths, err := a.inputPaths(in)
	if err != nil {
		return a.plan.errf(in.Line, err, "input %q", in.Name)
	}
	opt := in.Options
	var cols []readers.ColumnInfo
	if strings.EqualFold(filepath.Ext(paths[0]), ".xlsx") {
		opt.ChunkRows = opt.SampleRowsOrDefault()
		for chunk, rerr := range readers.Open(ctx, paths[0], opt) {
			if rerr != nil {
				return a.plan.errf(in.Line, rerr, "input %q", in.Name)
			}
			for _, c := range chunk.Columns() {
				cols = append(cols, readers.ColumnInfo{Name: c.Name(), Type: c.Type()})
			}
			break
		}
	} else {
		cols, err = readers.Infer(ctx, paths[0], opt)
		if err != nil {
			return a.plan.errf(in.Line, err, "input %q", in.Name)
		}
	}
	var all schema
	for _, c := range cols {
		all = append(all, colInfo{c.Name, c.Type})
	}
	n.fileCols = len(all)
	if len(in.Options.Columns) == 0 {
		n.out = all
		return nil
	}
	for _, name := range in.Options.Columns {
		i := all.index(name)
		if i < 0 {
			return a.plan.errf(in.Line, ErrPlan, "input %q: column %q is not in %s (have %s)", in.Name, name, paths[0], strings.Join(all.names(), ", "))
		}
		n.out = append(n.out, all[i])
	}
	return nil
}

func (a *analysis) stepSchema(n *node) error {
	s, p := n.step, a.plan
	if s.Join != nil {
		j := s.Join
		l, r := a.nodes[j.Left].out, a.nodes[j.Right].out
		if len(j.LeftOn) != len(j.RightOn) {
			return p.errf(s.lineOf("join"), ErrPlan, "step %q: join has %d left keys and %d right keys", s.Name, len(j.LeftOn), len(j.RightOn))
		}
		for i := range j.LeftOn {
			li, ri := l.index(j.LeftOn[i]), r.index(j.RightOn[i])
			if li < 0 {
				return p.errf(s.lineOf("join"), ErrPlan, "step %q: join key %q is not a column of %s (have %s)", s.Name, j.LeftOn[i], j.Left, strings.Join(l.names(), ", "))
			}
			if ri < 0 {
				return p.errf(s.lineOf("join"), ErrPlan, "step %q: join key %q is not a column of %s (have %s)", s.Name, j.RightOn[i], j.Right, strings.Join(r.names(), ", "))
			}
			if l[li].typ != r[ri].typ {
				return p.errf(s.lineOf("join"), ErrPlan, "step %q: join key %s.%s is %v but %s.%s is %v", s.Name, j.Left, j.LeftOn[i], l[li].typ, j.Right, j.RightOn[i], r[ri].typ)
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
	} else {
		n.src = append(schema(nil), a.nodes[s.From].out...)
	}
	cur := n.src
	if s.Filter != "" {
		e, err := frame.ParseExpr(s.Filter)
		if err != nil {
			return p.errf(s.lineOf("filter"), err, "step %q: filter", s.Name)
		}
		t, err := e.Type(cur.types())
		if err != nil {
			return p.errf(s.lineOf("filter"), err, "step %q: filter", s.Name)
		}
		if t != frame.Bool {
			return p.errf(s.lineOf("filter"), ErrPlan, "step %q: filter %s is %v, not a condition", s.Name, s.Filter, t)
		}
		n.filter = e
	}
	if len(s.GroupBy) > 0 {
		var next schema
		for _, k := range s.GroupBy {
			i := cur.index(k)
			if i < 0 {
				return p.errf(s.lineOf("group_by"), ErrPlan, "step %q: group_by column %q does not exist (have %s)", s.Name, k, strings.Join(cur.names(), ", "))
			}
			next = append(next, cur[i])
		}
		for _, ag := range s.Agg {
			t := frame.Int64
			if ag.Column != "" {
				i := cur.index(ag.Column)
				if i < 0 {
					return p.errf(ag.Line, ErrPlan, "step %q: agg %s: column %q does not exist (have %s)", s.Name, ag.Name, ag.Column, strings.Join(cur.names(), ", "))
				}
				ct := cur[i].typ
				numeric := ct == frame.Int64 || ct == frame.Float64 || ct == frame.Bool
				switch ag.Func {
				case "sum":
					if !numeric {
						return p.errf(ag.Line, ErrPlan, "step %q: agg %s: %s of %v column %q", s.Name, ag.Name, ag.Func, ct, ag.Column)
					}
					if ct == frame.Float64 {
						t = frame.Float64
					}
				case "mean", "avg", "median", "quantile", "std", "var":
					if !numeric {
						return p.errf(ag.Line, ErrPlan, "step %q: agg %s: %s of %v column %q (needs numbers; check the input's na/thousands options)", s.Name, ag.Name, ag.Func, ct, ag.Column)
					}
					t = frame.Float64
				case "min", "max", "first", "last":
					t = ct
				}
			}
			g, err := ag.Agg()
			if err != nil {
				return p.errf(ag.Line, ErrPlan, "step %q: %v", s.Name, err)
			}
			n.aggs = append(n.aggs, g)
			if next.index(ag.Name) >= 0 {
				return p.errf(ag.Line, ErrPlan, "step %q: output column %q defined twice", s.Name, ag.Name)
			}
			next = append(next, colInfo{ag.Name, t})
		}
		cur = next
	}
	if len(s.Select) > 0 {
		var next schema
		for _, c := range s.Select {
			i := cur.index(c)
			if i < 0 {
				return p.errf(s.lineOf("select"), ErrPlan, "step %q: select column %q does not exist (have %s)", s.Name, c, strings.Join(cur.names(), ", "))
			}
			next = append(next, cur[i])
		}
		cur = next
	}
	for _, c := range s.Distinct {
		if cur.index(c) < 0 {
			return p.errf(s.lineOf("distinct"), ErrPlan, "step %q: distinct column %q does not exist (have %s)", s.Name, c, strings.Join(cur.names(), ", "))
		}
	}
	for _, k := range s.Sort {
		if cur.index(k.Name) < 0 {
			return p.errf(s.lineOf("sort"), ErrPlan, "step %q: sort column %q does not exist (have %s)", s.Name, k.Name, strings.Join(cur.names(), ", "))
		}
	}
	n.out = cur
	return nil
}

// planPushdown decides projections, filter pushdown and semi-join reduction.
func (a *analysis) planPushdown() {
	// backward pass: needed columns
	for i := len(a.order) - 1; i >= 0; i-- {
		n := a.order[i]
		if n.step == nil {
			continue
		}
		s := n.step
		need := map[string]bool{}
		all := n.allNeeded
		add := func(cs ...string) {
			for _, c := range cs {
				need[c] = true
			}
		}
		// columns needed at the output of the step
		for c := range n.needed {
			need[c] = true
		}
		if all {
			add(n.out.names()...)
		}
		if len(s.Sort) > 0 {
			for _, k := range s.Sort {
				add(k.Name)
			}
		}
		add(s.Distinct...)
		if s.DistinctAll {
			add(n.out.names()...)
		}
		if len(s.Select) > 0 {
			need = map[string]bool{}
			add(s.Select...)
		}
		if len(s.GroupBy) > 0 {
			need = map[string]bool{}
			add(s.GroupBy...)
			for _, ag := range s.Agg {
				if ag.Column != "" {
					add(ag.Column)
				}
			}
		}
		if n.filter.String() != "<nil>" {
			add(n.filter.Columns()...)
		}
		// map to sources
		if s.Join != nil {
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
		} else {
			src := a.nodes[s.From]
			for c := range need {
				src.need(c)
			}
		}
	}
	// inputs: projections and pushdowns
	for _, n := range a.order {
		if n.input == nil {
			continue
		}
		if n.allNeeded {
			n.readCols = n.out.names()
		} else {
			for _, c := range n.out {
				if n.needed[c.name] {
					n.readCols = append(n.readCols, c.name)
				}
			}
			if len(n.readCols) == 0 && len(n.out) > 0 {
				n.readCols = []string{n.out[0].name}
			}
		}
	}
	for _, n := range a.order {
		s := n.step
		if s == nil || n.consumers == 0 && false {
			continue
		}
		if s.From != "" {
			src := a.nodes[s.From]
			if src.input != nil && src.consumers == 1 && s.Filter != "" {
				src.pushFilter, src.pushedBy = true, s.Name
			}
			continue
		}
		j := s.Join
		ln, rn := a.nodes[j.Left], a.nodes[j.Right]
		rightOK := j.How == frame.Inner || j.How == frame.Left || j.How == frame.Semi || j.How == frame.Anti
		leftOK := j.How == frame.Inner || j.How == frame.Right
		switch {
		case rightOK && rn.input != nil && rn.consumers == 1 && !rn.pushFilter && ln.name != rn.name:
			rn.semiBy, rn.semiOther = s.Name, ln.name
			rn.semiOn = frame.JoinOn{Left: j.RightOn, Right: j.LeftOn}
		case leftOK && ln.input != nil && ln.consumers == 1 && !ln.pushFilter && ln.name != rn.name && rn.input == nil:
			ln.semiBy, ln.semiOther = s.Name, rn.name
			ln.semiOn = frame.JoinOn{Left: j.LeftOn, Right: j.RightOn}
		}
	}
}

func (n *node) need(col string) {
	if n.needed == nil {
		n.needed = map[string]bool{}
	}
	n.needed[col] = true
}
