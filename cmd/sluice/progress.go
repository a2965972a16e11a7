package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sluicedata/sluice/parallel"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// progressUI draws one live line per phase on stderr — a bar with rows,
// MB/s and ETA for reads of a known size, otherwise rows, rows/s and time —
// with mpb when stderr is a terminal (--progress auto) or always; with
// --progress never, or off a terminal, it draws nothing and the command
// prints one summary line at the end instead.
type progressUI struct {
	p    *mpb.Progress
	mu   sync.Mutex
	bars map[string]*mpb.Bar
	rows map[string]*atomic.Int64 // rows of the byte bars, shown beside them
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// newProgressUI returns nil when progress should not be drawn.
func newProgressUI(mode string, stderr io.Writer) *progressUI {
	if mode == "never" || (mode == "auto" && !isTerminal(stderr)) {
		return nil
	}
	opts := []mpb.ContainerOption{mpb.WithOutput(stderr), mpb.WithWidth(24), mpb.WithRefreshRate(150 * time.Millisecond)}
	if mode == "always" {
		opts = append(opts, mpb.WithAutoRefresh())
	}
	return &progressUI{p: mpb.New(opts...), bars: map[string]*mpb.Bar{}, rows: map[string]*atomic.Int64{}}
}

// update is a parallel.Options.Progress callback.
func (u *progressUI) update(pr parallel.Progress) {
	if u == nil {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if pr.Total > 0 {
		u.byteBar(pr)
		return
	}
	b, ok := u.bars[pr.Phase]
	if !ok {
		b = u.p.New(0, mpb.SpinnerStyle(),
			mpb.PrependDecorators(decor.Name(pr.Phase, decor.WCSyncSpaceR), decor.CurrentNoUnit("%d rows", decor.WCSyncSpace)),
			mpb.AppendDecorators(decor.AverageSpeed(0, "%.0f rows/s", decor.WCSyncSpace), decor.Elapsed(decor.ET_STYLE_GO, decor.WCSyncSpace)))
		u.bars[pr.Phase] = b
	}
	if pr.Done {
		b.SetTotal(pr.Rows, true) // freezes the line: rate and time stop
		return
	}
	b.SetCurrent(pr.Rows)
}

// byteBar draws a read of known size: a bar over the input's bytes with
// rows, MB/s and an ETA. Called with u.mu held.
func (u *progressUI) byteBar(pr parallel.Progress) {
	b, ok := u.bars[pr.Phase]
	if !ok {
		rows := new(atomic.Int64)
		u.rows[pr.Phase] = rows
		b = u.p.AddBar(pr.Total,
			mpb.PrependDecorators(decor.Name(pr.Phase, decor.WCSyncSpaceR),
				decor.Any(func(decor.Statistics) string { return fmt.Sprintf("%d rows", rows.Load()) }, decor.WCSyncSpace)),
			mpb.AppendDecorators(decor.OnComplete(decor.AverageSpeed(decor.SizeB1000(0), "% .1f", decor.WCSyncSpace), "done"),
				decor.OnComplete(decor.AverageETA(decor.ET_STYLE_GO, decor.WCSyncSpace), "")))
		u.bars[pr.Phase] = b
	}
	u.rows[pr.Phase].Store(pr.Rows)
	if pr.Done {
		b.SetCurrent(pr.Total) // a bar with a total completes when reaching it
		return
	}
	b.SetCurrent(min(pr.Bytes, pr.Total-1))
}

// wait completes every bar and stops drawing.
func (u *progressUI) wait() {
	if u == nil {
		return
	}
	u.mu.Lock()
	for _, b := range u.bars {
		if !b.Completed() {
			b.SetTotal(b.Current(), true)
		}
	}
	u.mu.Unlock()
	u.p.Wait()
}
