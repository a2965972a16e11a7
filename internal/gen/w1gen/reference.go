package w1gen

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

// Tables are the four W1 inputs.
type Tables struct{ Work, Related, Codes, OES *frame.Frame }

// OESOptions are the reader options for the OES table: BLS suppression
// markers are null, numbers are thousands-grouped, and only the columns W1
// uses are read.
var OESOptions = readers.Options{
	NA:        []string{"*", "#", "**"},
	Thousands: ',',
	Columns:   []string{"area_title", "occ_code", "tot_emp", "a_mean", "a_pct10", "a_pct25", "a_median", "a_pct75", "a_pct90"},
}

// FeatureColumns are the OES columns W1 takes medians of.
var FeatureColumns = []string{"tot_emp", "a_mean", "a_pct10", "a_pct25", "a_median", "a_pct75", "a_pct90"}

// ReadTables reads the W1 tables of dir fully into memory.
func ReadTables(ctx context.Context, dir string) (Tables, error) {
	var t Tables
	read := func(name string, opt readers.Options) (*frame.Frame, error) {
		f, err := readers.ReadFile(ctx, filepath.Join(dir, name), opt)
		if err != nil {
			return nil, fmt.Errorf("w1gen: %w", err)
		}
		return f, nil
	}
	var err error
	if t.Work, err = read("titles_states.csv", readers.Options{}); err != nil {
		return t, err
	}
	if t.Related, err = read("related_titles.csv", readers.Options{}); err != nil {
		return t, err
	}
	if t.Codes, err = read("codes.csv", readers.Options{}); err != nil {
		return t, err
	}
	t.OES, err = read("oes.csv", OESOptions)
	return t, err
}

// Features computes W1 in memory with the frame kernels, step by step as
// WORKLOADS.md states it. It is the straightforward reference the pipeline
// engine is checked against; step, if not nil, is called after each stage.
func Features(in Tables, step func(stage string)) (*frame.Frame, error) {
	if step == nil {
		step = func(string) {}
	}
	close, err := in.Related.Where(`score > 80`)
	if err != nil {
		return nil, err
	}
	if close, err = close.Select("title", "related_title"); err != nil {
		return nil, err
	}
	step("filter related titles (score > 80)")
	workClose, err := frame.Join(in.Work, close, frame.Inner, frame.OnSame("title"))
	if err != nil {
		return nil, err
	}
	pairCodes, err := frame.Join(workClose, in.Codes, frame.Inner, frame.On("related_title", "title"))
	if err != nil {
		return nil, err
	}
	if pairCodes, err = pairCodes.Select("title", "state", "code"); err != nil {
		return nil, err
	}
	if pairCodes, err = pairCodes.Distinct(); err != nil {
		return nil, err
	}
	step("join titles → related titles → codes, distinct")
	matched, err := frame.Join(pairCodes, in.OES, frame.Inner, frame.On("code", "occ_code").And("state", "area_title"))
	if err != nil {
		return nil, err
	}
	step("join codes → OES rows of that state")
	var aggs []frame.Agg
	for _, c := range FeatureColumns {
		aggs = append(aggs, frame.Median(c).As(c))
	}
	medians, err := matched.GroupBy("title", "state").Agg(aggs...)
	if err != nil {
		return nil, err
	}
	step("group by (title, state): medians")
	features, err := frame.Join(in.Work, medians, frame.Left, frame.OnSame("title", "state"))
	if err != nil {
		return nil, err
	}
	step("left join back to every (title, state)")
	return features, nil
}
