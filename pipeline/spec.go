package pipeline

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
	"gopkg.in/yaml.v3"
)

// ErrSpec is wrapped by errors in a spec file's structure.
var ErrSpec = errors.New("invalid spec")

// Load reads a YAML spec file into a plan (see the package comment for the
// format). Structural errors carry the file's line.
func Load(path string) (*Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	return Parse(b, path)
}

// Parse reads a YAML spec from memory; file names it in errors.
func Parse(src []byte, file string) (*Plan, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, &Error{File: file, Msg: "not valid YAML", Err: err}
	}
	p := &Plan{File: file}
	if len(doc.Content) == 0 {
		return nil, p.errf(1, ErrSpec, "empty spec")
	}
	root, err := p.expandAliases(doc.Content[0])
	if err != nil {
		return nil, err
	}
	if root.Kind != yaml.MappingNode {
		return nil, p.errf(root.Line, ErrSpec, "the spec must be a mapping with inputs, steps and output")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		seen[k.Value] = true
		var err error
		switch k.Value {
		case "name":
			p.Name = v.Value
		case "inputs":
			err = p.parseInputs(v)
		case "steps":
			err = p.parseSteps(v)
		case "output":
			var o Output
			if o, err = p.parseOutput(v); err == nil {
				p.Outputs = append(p.Outputs, o)
			}
		case "outputs":
			if v.Kind != yaml.SequenceNode {
				return nil, p.errf(v.Line, ErrSpec, "outputs must be a list")
			}
			for _, item := range v.Content {
				var o Output
				if o, err = p.parseOutput(item); err != nil {
					break
				}
				p.Outputs = append(p.Outputs, o)
			}
		default:
			err = p.errf(k.Line, ErrSpec, "unknown key %q (want name, inputs, steps, output, outputs)", k.Value)
		}
		if err != nil {
			return nil, err
		}
	}
	if !seen["inputs"] {
		return nil, p.errf(root.Line, ErrSpec, "no inputs")
	}
	if len(p.Outputs) == 0 {
		return nil, p.errf(root.Line, ErrSpec, "no output")
	}
	return p, nil
}

// maxAliasNodes bounds the nodes that YAML aliases (*name) may add to a
// spec when expanded: a few levels of aliases to aliases (an "alias bomb")
// otherwise expand a 1 KB spec to billions of nodes.
const maxAliasNodes = 100000

// maxSpecDepth bounds the nesting of a spec's YAML (an alias to its own
// ancestor would otherwise expand forever).
const maxSpecDepth = 64

// expandAliases returns the tree with every alias replaced by a copy of
// its anchored node, so the parser below sees plain mappings, sequences and
// scalars; it fails in one line when the copies pass maxAliasNodes or the
// nesting maxSpecDepth.
func (p *Plan) expandAliases(root *yaml.Node) (*yaml.Node, error) {
	added := 0
	var walk func(n *yaml.Node, depth int, viaAlias bool, line int) (*yaml.Node, error)
	walk = func(n *yaml.Node, depth int, viaAlias bool, line int) (*yaml.Node, error) {
		if depth > maxSpecDepth {
			return nil, p.errf(line, ErrSpec, "the spec nests more than %d levels deep (through a YAML alias to its own anchor?)", maxSpecDepth)
		}
		if n.Kind == yaml.AliasNode {
			if n.Alias == nil {
				return nil, p.errf(n.Line, ErrSpec, "unknown YAML alias *%s", n.Value)
			}
			if !viaAlias {
				line = n.Line // errors name the outermost alias
			}
			return walk(n.Alias, depth, true, line)
		}
		if viaAlias {
			if added++; added > maxAliasNodes {
				return nil, p.errf(line, ErrSpec, "YAML aliases expand the spec to more than %d nodes (an alias bomb?): write the values out or use fewer aliases", maxAliasNodes)
			}
		} else {
			line = n.Line
		}
		if len(n.Content) == 0 && !viaAlias {
			return n, nil
		}
		c := *n
		c.Anchor = ""
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, k := range n.Content {
			e, err := walk(k, depth+1, viaAlias, line)
			if err != nil {
				return nil, err
			}
			c.Content[i] = e
		}
		return &c, nil
	}
	return walk(root, 0, false, root.Line)
}

func (p *Plan) parseOutput(v *yaml.Node) (Output, error) {
	o := Output{Line: v.Line}
	if v.Kind != yaml.MappingNode {
		return o, p.errf(v.Line, ErrSpec, "an output is a mapping with from and path")
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		switch k.Value {
		case "from":
			o.From = val.Value
		case "path":
			o.Path = val.Value
		case "format":
			o.Format = val.Value
		default:
			return o, p.errf(k.Line, ErrSpec, "unknown output key %q (want from, path, format)", k.Value)
		}
	}
	if o.From == "" || o.Path == "" {
		return o, p.errf(v.Line, ErrSpec, "an output needs from and path")
	}
	return o, nil
}

func (p *Plan) parseInputs(v *yaml.Node) error {
	if v.Kind != yaml.MappingNode {
		return p.errf(v.Line, ErrSpec, "inputs must be a mapping of name to {path: …}")
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		in := Input{Name: k.Value, Line: k.Line}
		if val.Kind == yaml.ScalarNode {
			in.Path = val.Value
			p.Inputs = append(p.Inputs, in)
			continue
		}
		if val.Kind != yaml.MappingNode {
			return p.errf(val.Line, ErrSpec, "input %q must be a path or a mapping", in.Name)
		}
		for j := 0; j+1 < len(val.Content); j += 2 {
			ok, ov := val.Content[j], val.Content[j+1]
			if err := p.inputOption(&in, ok, ov); err != nil {
				return err
			}
		}
		if in.Path == "" && len(in.Paths) == 0 {
			return p.errf(k.Line, ErrSpec, "input %q has no path", in.Name)
		}
		p.Inputs = append(p.Inputs, in)
	}
	return nil
}

func (p *Plan) inputOption(in *Input, k, v *yaml.Node) error {
	switch k.Value {
	case "path", "format":
		if v.Kind != yaml.ScalarNode {
			return p.errf(v.Line, ErrSpec, "input %q: %s must be a single value", in.Name, k.Value)
		}
		if k.Value == "path" {
			in.Path = v.Value
		} else {
			in.Format = v.Value
		}
		return nil
	case "paths":
		l, ok := names(v)
		if !ok {
			return p.errf(v.Line, ErrSpec, "input %q: paths must be a list of files or globs", in.Name)
		}
		in.Paths = l
		return nil
	case "union":
		b, err := strconv.ParseBool(v.Value)
		if err != nil || v.Kind != yaml.ScalarNode {
			return p.errf(v.Line, ErrSpec, "input %q: union must be true or false", in.Name)
		}
		in.Union = b
		return nil
	}
	// every other key is a reader option, spelled as readers.OptionSpecs
	// spells it
	if _, ok := readers.OptionByKey(k.Value); !ok {
		return p.errf(k.Line, ErrSpec, "input %q: %v", in.Name, readers.ApplyOption(&in.Options, k.Value, nil))
	}
	var val any
	if err := v.Decode(&val); err != nil {
		return p.errf(v.Line, ErrSpec, "input %q: %s: %v", in.Name, k.Value, err)
	}
	if err := readers.ApplyOption(&in.Options, k.Value, val); err != nil {
		return p.errf(v.Line, ErrSpec, "input %q: %v", in.Name, err)
	}
	return nil
}

func (p *Plan) parseSteps(v *yaml.Node) error {
	if v.Kind != yaml.SequenceNode {
		return p.errf(v.Line, ErrSpec, "steps must be a list")
	}
	for _, item := range v.Content {
		if item.Kind != yaml.MappingNode {
			return p.errf(item.Line, ErrSpec, "a step must be a mapping")
		}
		s := Step{Line: item.Line, lines: map[string]int{}}
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, val := item.Content[i], item.Content[i+1]
			s.lines[k.Value] = k.Line
			if err := p.stepField(&s, k, val); err != nil {
				return err
			}
		}
		if s.Name == "" {
			return p.errf(item.Line, ErrSpec, "a step needs a name")
		}
		sources := 0
		if s.From != "" {
			sources++
		}
		if s.Join != nil {
			sources++
		}
		if s.Match != nil {
			sources++
		}
		if sources != 1 {
			return p.errf(item.Line, ErrSpec, "step %q needs exactly one of from, join and match", s.Name)
		}
		if len(s.GroupBy) > 0 && len(s.Agg) == 0 {
			return p.errf(item.Line, ErrSpec, "step %q: group_by needs agg (for distinct keys use distinct: [cols])", s.Name)
		}
		p.Steps = append(p.Steps, s)
	}
	return nil
}

func names(v *yaml.Node) ([]string, bool) {
	if v.Kind == yaml.ScalarNode {
		return []string{v.Value}, true
	}
	if v.Kind != yaml.SequenceNode {
		return nil, false
	}
	out := make([]string, len(v.Content))
	for i, c := range v.Content {
		if c.Kind != yaml.ScalarNode {
			return nil, false
		}
		out[i] = c.Value
	}
	return out, true
}

func (p *Plan) stepField(s *Step, k, v *yaml.Node) error {
	bad := func(what string) error {
		return p.errf(v.Line, ErrSpec, "step %q: %s must be %s", s.Name, k.Value, what)
	}
	switch k.Value {
	case "name":
		s.Name = v.Value
	case "from":
		s.From = v.Value
	case "filter":
		if v.Kind != yaml.ScalarNode {
			return bad("an expression")
		}
		s.Filter = v.Value
	case "select", "group_by":
		l, ok := names(v)
		if !ok {
			return bad("a list of columns")
		}
		if k.Value == "select" {
			s.Select = l
		} else {
			s.GroupBy = l
		}
	case "distinct":
		if v.Kind == yaml.ScalarNode {
			b, err := strconv.ParseBool(v.Value)
			if err != nil {
				return bad("true or a list of columns")
			}
			s.DistinctAll = b
		} else if l, ok := names(v); ok {
			s.Distinct = l
		} else {
			return bad("true or a list of columns")
		}
	case "sort":
		l, ok := names(v)
		if !ok {
			return bad("a list of columns (prefix '-' for descending)")
		}
		s.Sort = ParseSortKeys(l)
	case "agg":
		if v.Kind != yaml.MappingNode {
			return bad("a mapping of output name to function, e.g. a_mean: median(a_mean)")
		}
		for i := 0; i+1 < len(v.Content); i += 2 {
			a, err := ParseAgg(v.Content[i].Value, v.Content[i+1].Value)
			if err != nil {
				return p.errf(v.Content[i+1].Line, ErrSpec, "step %q: agg %s: %v", s.Name, v.Content[i].Value, err)
			}
			a.Line = v.Content[i].Line
			s.Agg = append(s.Agg, a)
		}
	case "derive":
		if v.Kind != yaml.MappingNode {
			return bad("a mapping of new column to expression, e.g. t: lower(title)")
		}
		for i := 0; i+1 < len(v.Content); i += 2 {
			if v.Content[i+1].Kind != yaml.ScalarNode {
				return p.errf(v.Content[i+1].Line, ErrSpec, "step %q: derive %s must be an expression", s.Name, v.Content[i].Value)
			}
			s.Derive = append(s.Derive, Derived{Name: v.Content[i].Value, Expr: v.Content[i+1].Value})
		}
	case "rename":
		if v.Kind != yaml.MappingNode {
			return bad("a mapping of old name to new name")
		}
		for i := 0; i+1 < len(v.Content); i += 2 {
			s.Rename = append(s.Rename, Rename{From: v.Content[i].Value, To: v.Content[i+1].Value})
		}
	case "limit":
		n, err := strconv.ParseInt(v.Value, 10, 64)
		if err != nil || n < 0 || v.Kind != yaml.ScalarNode {
			return bad("a number of rows (0 or more)")
		}
		s.Limit, s.HasLimit = n, true
	case "match":
		if v.Kind != yaml.MappingNode {
			return bad("a mapping with left, right, on and threshold")
		}
		m := &MatchSpec{}
		for i := 0; i+1 < len(v.Content); i += 2 {
			mk, mv := v.Content[i], v.Content[i+1]
			var err error
			switch mk.Value {
			case "left":
				m.Left = mv.Value
			case "right":
				m.Right = mv.Value
			case "on":
				switch {
				case mv.Kind == yaml.MappingNode && len(mv.Content) == 2:
					m.LeftOn, m.RightOn = mv.Content[0].Value, mv.Content[1].Value
				case mv.Kind == yaml.ScalarNode:
					m.LeftOn, m.RightOn = mv.Value, mv.Value
				default:
					return p.errf(mv.Line, ErrSpec, "step %q: match on must be a column or one mapping left_col: right_col", s.Name)
				}
			case "scorer":
				m.Scorer = mv.Value
			case "threshold":
				m.Threshold, err = strconv.ParseFloat(mv.Value, 64)
			case "top":
				m.Top, err = strconv.Atoi(mv.Value)
			case "keep_unmatched":
				m.KeepUnmatched, err = strconv.ParseBool(mv.Value)
			case "normalize":
				switch mv.Value {
				case "default":
				case "none":
					m.NoNormalize = true
				default:
					return p.errf(mv.Line, ErrSpec, "step %q: match normalize must be default or none", s.Name)
				}
			case "brute_force":
				m.BruteForce, err = strconv.ParseBool(mv.Value)
			default:
				return p.errf(mk.Line, ErrSpec, "step %q: unknown match key %q (want left, right, on, scorer, threshold, top, keep_unmatched, normalize)", s.Name, mk.Value)
			}
			if err != nil {
				return p.errf(mv.Line, ErrSpec, "step %q: match %s: %q is not a valid value", s.Name, mk.Value, mv.Value)
			}
		}
		if m.Left == "" || m.Right == "" || m.LeftOn == "" {
			return p.errf(v.Line, ErrSpec, "step %q: a match needs left, right and on", s.Name)
		}
		s.Match = m
	case "join":
		if v.Kind != yaml.MappingNode {
			return bad("a mapping with left, right, on and how")
		}
		j := &JoinSpec{}
		for i := 0; i+1 < len(v.Content); i += 2 {
			jk, jv := v.Content[i], v.Content[i+1]
			switch jk.Value {
			case "left":
				j.Left = jv.Value
			case "right":
				j.Right = jv.Value
			case "how":
				h, err := frame.ParseJoinType(jv.Value)
				if err != nil {
					return p.errf(jv.Line, ErrSpec, "step %q: how %q: want inner, left, right, outer, semi or anti", s.Name, jv.Value)
				}
				j.How = h
			case "on":
				switch jv.Kind {
				case yaml.MappingNode:
					for m := 0; m+1 < len(jv.Content); m += 2 {
						j.LeftOn = append(j.LeftOn, jv.Content[m].Value)
						j.RightOn = append(j.RightOn, jv.Content[m+1].Value)
					}
				default:
					l, ok := names(jv)
					if !ok {
						return p.errf(jv.Line, ErrSpec, "step %q: on must be a list of columns or a mapping left: right", s.Name)
					}
					j.LeftOn, j.RightOn = l, l
				}
			default:
				return p.errf(jk.Line, ErrSpec, "step %q: unknown join key %q (want left, right, on, how)", s.Name, jk.Value)
			}
		}
		if j.Left == "" || j.Right == "" || len(j.LeftOn) == 0 {
			return p.errf(v.Line, ErrSpec, "step %q: a join needs left, right and on", s.Name)
		}
		s.Join = j
	default:
		return p.errf(k.Line, ErrSpec, "step %q: unknown key %q (want name, from, join, match, derive, filter, group_by, agg, select, rename, distinct, sort, limit)", s.Name, k.Value)
	}
	return nil
}

// ParseSortKeys reads sort keys as spec files and the CLI write them: a
// column name, ascending, or "-name" for descending ("+name" is ascending).
func ParseSortKeys(names []string) []frame.SortKey {
	keys := make([]frame.SortKey, 0, len(names))
	for _, n := range names {
		if strings.HasPrefix(n, "-") {
			keys = append(keys, frame.Desc(n[1:]))
		} else {
			keys = append(keys, frame.Asc(strings.TrimPrefix(n, "+")))
		}
	}
	return keys
}
