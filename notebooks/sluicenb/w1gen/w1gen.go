// Package w1gen makes sluice's W1 data generator (internal/gen/w1gen, which
// the sluice CLI's `gen w1` and `demo` use) available to notebooks: Go's
// internal-package rule keeps a notebook cell, which is its own main package,
// from importing it directly. Every name here is the internal one, so the
// notebooks read exactly as the CLI's code does.
package w1gen

import (
	"context"

	"github.com/sluicedata/sluice/frame"
	gen "github.com/sluicedata/sluice/internal/gen/w1gen"
)

// Config sizes a data set (see internal/gen/w1gen.Config).
type Config = gen.Config

// Tables are the four W1 inputs.
type Tables = gen.Tables

// OESOptions are the reader options for the OES table (BLS suppression
// markers as nulls, thousands-grouped numbers, only the columns W1 uses).
var OESOptions = gen.OESOptions

// FeatureColumns are the OES columns W1 takes medians of.
var FeatureColumns = gen.FeatureColumns

// States are the US state names (and DC) used as area_title.
var States = gen.States

// Scale returns the configuration for a named scale: demo, S, M or L.
func Scale(name string) (Config, error) { return gen.Scale(name) }

// Write writes the W1 tables of c as CSV files into dir, creating it.
func Write(dir string, c Config) error { return gen.Write(dir, c) }

// WriteOESXLSX writes the OES table of c as dir/oes.xlsx.
func WriteOESXLSX(ctx context.Context, dir string, c Config) error {
	return gen.WriteOESXLSX(ctx, dir, c)
}

// ReadTables reads the W1 tables of dir fully into memory.
func ReadTables(ctx context.Context, dir string) (Tables, error) { return gen.ReadTables(ctx, dir) }

// Features is the serial reference implementation of W1; step, if not nil,
// is called with the name of each stage as it starts.
func Features(in Tables, step func(stage string)) (*frame.Frame, error) {
	return gen.Features(in, step)
}
