package readers

import (
	"context"
	"io"
	"iter"

	"github.com/sluicedata/sluice/frame"
	icsv "github.com/sluicedata/sluice/readers/internal/csv"
)

// CSV reads delimited text from r as a stream of typed frames of
// opt.ChunkRowsOrDefault() rows each (the last may be shorter; every chunk has
// the same columns and types). gzip and zstd input is recognised by its
// first bytes and decompressed. The dialect, header, types and ragged-row
// policy follow opt; see the package documentation for the rules.
//
// Chunks are parsed in parallel on runtime.GOMAXPROCS goroutines and yielded
// in input order. ctx is checked between chunks. On failure the iterator
// yields one (nil, error) pair and stops; errors locating a record are
// *ParseError. Breaking out of the loop stops the reading goroutines.
//
// Options that need the whole input before the first chunk (SampleRows < 0,
// RaggedExtend) hold r in memory unless it is an io.ReadSeeker.
func CSV(ctx context.Context, r io.Reader, opt Options) iter.Seq2[*frame.Frame, error] {
	return csvSeq(ctx, r, opt, nil)
}

// CSVStats is [CSV] that also reports what the read sees: the returned
// Stats fills in as the stream is read (see [Stats]).
func CSVStats(ctx context.Context, r io.Reader, opt Options) (iter.Seq2[*frame.Frame, error], *Stats) {
	st := &Stats{}
	return csvSeq(ctx, r, opt, st), st
}

func csvSeq(ctx context.Context, r io.Reader, opt Options, st *Stats) iter.Seq2[*frame.Frame, error] {
	return func(yield func(*frame.Frame, error) bool) {
		cfg, zr, done, err := openStream(r, opt)
		if err != nil {
			yield(nil, err)
			return
		}
		defer done()
		cfg = track(&cfg, st)
		engineSeq(icsv.Read(ctx, zr, cfg), &cfg, st)(yield)
	}
}

// openStream translates opt for the engine and undoes r's compression;
// done releases the decompressor.
func openStream(r io.Reader, opt Options) (cfg icsv.Config, zr io.Reader, done func(), err error) {
	if cfg, err = opt.config(""); err != nil {
		return cfg, nil, nil, err
	}
	zr, unzip, _, err := decompress(r, "", opt)
	if err != nil {
		return cfg, nil, nil, err
	}
	if unzip == nil {
		unzip = func() {}
	}
	return cfg, zr, unzip, nil
}

// track points cfg at fresh engine statistics when st wants them.
func track(cfg *icsv.Config, st *Stats) icsv.Config {
	if st != nil {
		cfg.Stats = &icsv.Stats{}
	}
	return *cfg
}

// engineSeq yields an engine stream with its errors made public and its
// statistics copied into st as it goes.
func engineSeq(seq iter.Seq2[*frame.Frame, error], cfg *icsv.Config, st *Stats) iter.Seq2[*frame.Frame, error] {
	return func(yield func(*frame.Frame, error) bool) {
		var base Stats
		if st != nil {
			base = *st
		}
		for f, err := range seq {
			if st != nil {
				st.fromEngine(base, cfg.Stats)
			}
			if err != nil {
				yield(nil, publicErr(err))
				return
			}
			if !yield(f, nil) {
				return
			}
		}
	}
}

// CSVFile reads the CSV file at path like [CSV]. gzip and zstd files are
// decompressed (by magic bytes); a .tsv name (also under .gz, .zst) defaults
// the delimiter to tab. A big uncompressed UTF-8 file is mapped into memory
// and cut into chunks in place rather than copied by reads. Errors name the
// file.
func CSVFile(ctx context.Context, path string, opt Options) iter.Seq2[*frame.Frame, error] {
	return csvFileSeq(ctx, path, opt, nil)
}

func csvFileSeq(ctx context.Context, path string, opt Options, st *Stats) iter.Seq2[*frame.Frame, error] {
	return csvFile(ctx, path, opt, st, fileExtras{})
}

func csvFile(ctx context.Context, path string, opt Options, st *Stats, x fileExtras) iter.Seq2[*frame.Frame, error] {
	return func(yield func(*frame.Frame, error) bool) {
		cfg, in, err := openCSV(ctx, path, opt, x)
		if err != nil {
			yield(nil, err)
			return
		}
		defer in.Close()
		cfg = track(&cfg, st)
		if in.plain {
			engineSeq(icsv.ReadFile(ctx, in.f, in.size, cfg), &cfg, st)(yield)
			return
		}
		engineSeq(icsv.Read(ctx, in.r, cfg), &cfg, st)(yield)
	}
}

// openCSV opens a CSV-family file and resolves its engine config, running
// the first pass (whole-file types, RaggedExtend's width) on compressed
// files, which it then reopens; plain files get theirs from the engine.
func openCSV(ctx context.Context, path string, opt Options, x fileExtras) (icsv.Config, *csvInput, error) {
	opt = fileOptions(path, opt)
	cfg, err := opt.config(path)
	if err != nil {
		return cfg, nil, err
	}
	cfg.TypesSubset, cfg.Dicts = x.typesSubset, x.dicts
	in, err := openCSVFile(path, opt)
	if err != nil {
		return cfg, nil, err
	}
	if !in.plain && cfg.NeedsFirstPass() {
		c, err := icsv.FirstPass(ctx, in.r, cfg)
		in.Close()
		if err != nil {
			return cfg, nil, publicErr(err)
		}
		cfg = c
		if in, err = openCSVFile(path, opt); err != nil {
			return cfg, nil, err
		}
	}
	return cfg, in, nil
}

// Records reads r as raw records: every record of the input, the header
// included, as the exact field text, ragged records unpadded. gzip and zstd
// input is decompressed. Dialect options (Delimiter or auto-detection,
// Encoding, LazyQuotes, Comment) apply; types, NA, header and ragged options
// do not. Each yielded slice is freshly allocated. An error is yielded once,
// as a *ParseError where it locates a record.
func Records(ctx context.Context, r io.Reader, opt Options) iter.Seq2[[]string, error] {
	return func(yield func([]string, error) bool) {
		cfg, zr, done, err := openStream(r, opt)
		if err != nil {
			yield(nil, err)
			return
		}
		defer done()
		for rec, err := range icsv.Records(ctx, zr, cfg) {
			if err != nil {
				yield(nil, publicErr(err))
				return
			}
			if !yield(rec, nil) {
				return
			}
		}
	}
}
