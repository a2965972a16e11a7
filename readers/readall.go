package readers

import (
	"context"
	"fmt"
	"iter"

	"github.com/sluicedata/sluice/frame"
	icsv "github.com/sluicedata/sluice/readers/internal/csv"
)

// ReadAll concatenates a stream of frames into one frame. It returns the
// first error the stream yields. An empty stream gives an empty frame. It
// holds every chunk until the end, then concatenates column by column
// (dropping each column's chunks once copied), so its peak memory is about
// twice the result's; [ReadFile] reads a file with little more than the
// result's size.
func ReadAll(seq iter.Seq2[*frame.Frame, error]) (*frame.Frame, error) {
	var frames []*frame.Frame
	for f, err := range seq {
		if err != nil {
			return nil, err
		}
		if len(frames) > 0 && f.NumCols() != frames[0].NumCols() {
			return nil, fmt.Errorf("readers: ReadAll: chunk %d has %d columns, chunk 0 has %d: %w", len(frames), f.NumCols(), frames[0].NumCols(), ErrSchema)
		}
		frames = append(frames, f)
	}
	f, err := icsv.Concat(frames)
	if err != nil {
		return nil, fmt.Errorf("readers: ReadAll: %w", err)
	}
	return f, nil
}

// ReadFile reads the whole file at path into one frame, dispatching by
// extension like [Open]. An uncompressed CSV-family file is read in collect
// mode: the parsing workers write numeric columns (and the codes of
// dictionary-encoded String columns) straight into whole-file arrays sized
// from the file size, and String columns are copied into whole-file buffers
// as the chunks arrive, each chunk's buffers going back to the workers, so
// the result is built with little more memory than its own size. Other
// files are read as ReadAll(Open(ctx, path, opt)).
func ReadFile(ctx context.Context, path string, opt Options) (*frame.Frame, error) {
	if registered(path) != nil || !isCSVExt(path) {
		return ReadAll(Open(ctx, path, opt))
	}
	cfg, in, err := openCSV(ctx, path, opt, fileExtras{})
	if err != nil {
		return nil, err
	}
	defer in.Close()
	if !in.plain {
		return ReadAll(engineSeq(icsv.Read(ctx, in.r, cfg), &cfg, nil))
	}
	f, err := icsv.Collect(ctx, in.f, in.size, cfg)
	return f, publicErr(err)
}
