package sluicebeam

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/pipeline"
	"github.com/sluicedata/sluice/readers"
)

// inputCfg is what the read DoFn of one input needs, JSON-encoded into it.
type inputCfg struct {
	Name string
	File string // spec file, for errors
	Line int
	// Options are the input's reader options (Columns: the projection).
	Options readers.Options
	Union   bool
	// Schema: the input's columns and types after projection, as package
	// pipeline's validation inferred them from the first file (for a
	// union, from all files, widened).
	Names []string
	Types []frame.Type
	// SplitBytes: plain CSV and TSV files larger than this are read in
	// byte ranges of about this size (0: never).
	SplitBytes int64
}

func (c *inputCfg) errorf(path string, err error) error {
	loc := c.File
	if loc == "" {
		loc = "plan"
	}
	if c.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, c.Line)
	}
	if path != "" && !strings.Contains(err.Error(), path) {
		return fmt.Errorf("%s: input %q: %s: %w", loc, c.Name, path, err)
	}
	return fmt.Errorf("%s: input %q: %w", loc, c.Name, err)
}

// empty is a frame of the input's schema and the order column, no rows.
func (c *inputCfg) empty() *frame.Frame {
	cols := make([]*frame.Column, 0, len(c.Names)+1)
	for i, n := range c.Names {
		cols = append(cols, frame.NewBuilder(c.Types[i], 0).Build(n))
	}
	cols = append(cols, frame.NewBuilder(frame.String, 0).Build(ordCol))
	return frame.Must(frame.New(cols...))
}

// expandPaths resolves an input's paths and globs as package pipeline does
// (relative to base; globs sorted; ** for any depth).
func expandPaths(in *pipeline.Input, base string) ([]string, error) {
	var out []string
	for _, raw := range in.AllPaths() {
		path := raw
		if !filepath.IsAbs(path) && base != "" {
			path = filepath.Join(base, path)
		}
		if !strings.ContainsAny(path, "*?[{") {
			if _, err := os.Stat(path); err != nil {
				return nil, err
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
	if in.Format != "" {
		return nil, fmt.Errorf("format %q forced on an input is not supported by sluice-beam (name the files by their extension): %w", in.Format, ErrUntranslatable)
	}
	return out, nil
}

// inferInput computes an input's schema the way package pipeline's
// validation does: the first file's inferred columns, or for a union every
// file's, widened; then the projection.
func inferInput(ctx context.Context, p *pipeline.Plan, in *pipeline.Input, paths []string) (*inputCfg, error) {
	cfg := &inputCfg{Name: in.Name, File: p.File, Line: in.Line, Options: in.Options, Union: in.Union}
	opt := in.Options
	opt.Columns = nil
	type col struct {
		name string
		typ  frame.Type
	}
	infer := func(path string) ([]col, error) {
		infos, err := readers.Infer(ctx, path, opt)
		if err != nil {
			return nil, cfg.errorf(path, err)
		}
		out := make([]col, len(infos))
		for i, c := range infos {
			out[i] = col{c.Name, c.Type}
		}
		return out, nil
	}
	all, err := infer(paths[0])
	if err != nil {
		return nil, err
	}
	index := func(name string) int {
		return slices.IndexFunc(all, func(c col) bool { return c.name == name })
	}
	if in.Union && len(paths) > 1 {
		for _, path := range paths[1:] {
			s, err := infer(path)
			if err != nil {
				return nil, err
			}
			for _, c := range s {
				i := index(c.name)
				switch {
				case i < 0:
					all = append(all, c)
				case all[i].typ != c.typ:
					all[i].typ = widen(all[i].typ, c.typ)
				}
			}
		}
	}
	names := in.Options.Columns
	if len(names) == 0 {
		for _, c := range all {
			names = append(names, c.name)
		}
	}
	for _, n := range names {
		i := index(n)
		if i < 0 {
			return nil, cfg.errorf(paths[0], fmt.Errorf("no column %q", n))
		}
		cfg.Names = append(cfg.Names, n)
		cfg.Types = append(cfg.Types, all[i].typ)
	}
	return cfg, nil
}

// widen is the type two files' types for one column are read as (package
// pipeline's rule for unions).
func widen(a, b frame.Type) frame.Type {
	if (a == frame.Int64 || a == frame.Float64) && (b == frame.Int64 || b == frame.Float64) {
		return frame.Float64
	}
	return frame.String
}

// readFile reads one file of an input, as the local engine reads it among
// the input's files: the first file with the reader's own inference, the
// others with the first file's types (a union: every file with the union's
// types for its String and Float64 columns, then aligned to the union's
// columns). Each chunk gets the order column.
func (c *inputCfg) readFile(ctx context.Context, index int, path string, emit func(*frame.Frame) error) error {
	o := c.Options
	if c.Union {
		o.Columns = nil
		o.Types = map[string]frame.Type{}
		for k, v := range c.Options.Types {
			o.Types[k] = v
		}
		for i, n := range c.Names {
			if t := c.Types[i]; t == frame.String || t == frame.Float64 {
				o.Types[n] = t
			}
		}
	} else if index > 0 {
		o.Types = make(map[string]frame.Type, len(c.Names))
		for i, n := range c.Names {
			o.Types[n] = c.Types[i]
		}
	}
	var row int64
	for f, err := range readers.Open(ctx, path, o) {
		if err != nil {
			return c.errorf(path, err)
		}
		if c.Union {
			if f, err = alignTo(f, c.Names, c.Types); err != nil {
				return c.errorf(path, err)
			}
		} else if err := sameSchema(c.Names, c.Types, f); err != nil {
			return c.errorf(path, err)
		}
		if f, err = withOrder(f, rangeTask{File: index}, &row); err != nil {
			return c.errorf(path, err)
		}
		if err := emit(f); err != nil {
			return err
		}
	}
	return nil
}

// sameSchema checks a chunk has exactly the input's columns and types.
func sameSchema(names []string, types []frame.Type, f *frame.Frame) error {
	fn, ft := f.Names(), f.Types()
	if !slices.Equal(fn, names) || !slices.Equal(ft, types) {
		return fmt.Errorf("columns %v %v, want %v %v (as the first file): %w", fn, ft, names, types, readers.ErrSchema)
	}
	return nil
}

// alignTo returns f with exactly the named columns, in order; columns f
// lacks are null.
func alignTo(f *frame.Frame, names []string, types []frame.Type) (*frame.Frame, error) {
	cols := make([]*frame.Column, 0, len(names))
	for i, n := range names {
		if col, err := f.Column(n); err == nil {
			if col.Type() != types[i] {
				return nil, fmt.Errorf("column %s is %v here, %v in the union: %w", n, col.Type(), types[i], frame.ErrType)
			}
			cols = append(cols, col)
			continue
		}
		b := frame.NewBuilder(types[i], f.NumRows())
		for range f.NumRows() {
			b.AppendNull()
		}
		cols = append(cols, b.Build(n))
	}
	return frame.New(cols...)
}

// encodeJSON and decodeJSON carry configurations into DoFns (Beam
// serializes a DoFn's exported fields; a string field keeps that exact).
func encodeJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func decodeJSON(s string, v any) error { return json.Unmarshal([]byte(s), v) }
