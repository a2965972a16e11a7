package csv

import (
	"github.com/sluicedata/sluice/frame"
)

// Config is one read's settings: readers.Options translated field by field
// (see there for what each means), plus the plumbing readers passes on
// (the input's name and size, dictionaries shared across files, the
// statistics to fill) and, for tests, the internal sizes and path switches.
type Config struct {
	// Name names the input in errors ("" for an anonymous stream).
	Name string

	ChunkRows    int // 0: DefaultChunkRows
	SampleRows   int // 0: DefaultSampleRows; negative: the whole input
	Raw          bool
	NoHeader     bool
	Columns      []string
	Types        map[string]frame.Type
	NA           []string
	NoDefaultNA  bool
	NAAuto       bool
	Thousands    rune
	DecimalComma bool
	Delimiter    rune
	Encoding     string
	LazyQuotes   bool
	Ragged       Ragged
	Comment      string
	SkipRows     int
	HeaderRow    int
	NoDict       bool
	TrimSpace    bool
	// MaxRecordBytes caps one record's bytes (0: DefaultMaxRecordBytes;
	// negative: no cap).
	MaxRecordBytes int

	// Keep, if set, is the key set of a semi-join applied while reading.
	Keep *KeySet

	// TypesSubset: Types may name columns the input lacks (readers.Files
	// passes the first file's types on and checks schemas itself).
	TypesSubset bool
	// Dicts, if set, shares String columns' dictionaries by name across
	// the reads of several files, so their chunks concatenate encoded.
	Dicts *Dicts
	// Stats, if set, receives what the read saw (see Stats).
	Stats *Stats

	// width, when larger than the header, is the field count of the
	// widest record (RaggedExtend, found by FirstPass); firstDone marks a
	// config FirstPass returned.
	width     int
	firstDone bool

	// tune holds internal sizes and path switches; the zero value is
	// production. Only tests of this package set it.
	tune tuning
}

// tuning is the test hooks of one read: zero values mean production.
type tuning struct {
	noFused    bool   // skip the fused path (and so the block path)
	noBlock    bool   // skip the block path
	forceBlock bool   // try the block path even without the vector masks
	forceDict  bool   // dictionary-encode every String column
	dictMax    uint32 // entries a dictionary may hold (0: dictMaxEntries)
	readSize   int    // bytes per read (0: defaultReadSize)
	maxChunk   int    // bytes per chunk at most (0: defaultMaxChunk)
	mapMin     int64  // smallest file that is mapped (0: defaultMapMin; negative: never)
}

// Internal sizes.
const (
	defaultReadSize = 1 << 20  // bytes per read from the input
	defaultMaxChunk = 64 << 20 // bytes per chunk at most (records permitting)
	defaultMapMin   = 8 << 20  // smallest file ReadFile maps into memory
	// sampleMaxBytes bounds the bytes the inference sample may hold
	// beyond the header: SampleRows records or fewer, so hostile input (a
	// record of gigabytes) never makes inference read far ahead.
	sampleMaxBytes = 32 << 20
	// sampleMaxRecord is the longest record past the header inference
	// reads into its sample: a longer one ends the sample (the read
	// proper still takes records up to MaxRecordBytes). Three short lines
	// and then gigabytes of zeros cost `sluice head` 8 MiB here, not 32
	// MiB grown by doubling.
	sampleMaxRecord = 8 << 20
)

// Defaults.
const (
	DefaultChunkRows      = 1 << 16
	DefaultSampleRows     = 10000
	DefaultMaxRecordBytes = 256 << 20
)

// DefaultNA are the null tokens unless NoDefaultNA.
var DefaultNA = []string{"", "NA", "N/A", "NaN", "null", "NULL"}

// Ragged is the treatment of records whose field count differs from the
// header's; see readers.RaggedPolicy.
type Ragged uint8

// Ragged policies, in readers.RaggedPolicy's order.
const (
	RaggedError Ragged = iota
	RaggedPad
	RaggedSkip
	RaggedExtend
	RaggedTruncate
)

func (c *Config) chunkRows() int {
	if c.ChunkRows <= 0 {
		return DefaultChunkRows
	}
	return c.ChunkRows
}

func (c *Config) sampleRows() int {
	if c.SampleRows == 0 {
		return DefaultSampleRows
	}
	return c.SampleRows
}

func (c *Config) maxRecord() int {
	switch {
	case c.MaxRecordBytes == 0:
		return DefaultMaxRecordBytes
	case c.MaxRecordBytes < 0:
		return 1<<62 - 1
	}
	return c.MaxRecordBytes
}

func (c *Config) readSize() int {
	if c.tune.readSize > 0 {
		return c.tune.readSize
	}
	return defaultReadSize
}

func (c *Config) maxChunk() int {
	if c.tune.maxChunk > 0 {
		return c.tune.maxChunk
	}
	return defaultMaxChunk
}

func (c *Config) dictMax() uint32 {
	if c.tune.dictMax > 0 {
		return c.tune.dictMax
	}
	return dictMaxEntries
}

// naTokens is the set of null tokens the config selects.
func (c *Config) naTokens() map[string]bool {
	m := map[string]bool{}
	if !c.NoDefaultNA {
		for _, s := range DefaultNA {
			m[s] = true
		}
	}
	for _, s := range c.NA {
		m[s] = true
	}
	return m
}

// Stats is what a read saw; readers.Stats copies the exported part. The
// reader fills Header, Names, Types and Delimiter before the first chunk,
// and the counts as chunks are yielded, on the consumer's goroutine.
type Stats struct {
	Header              []string
	Names               []string
	Types               []frame.Type
	Delimiter           rune
	Rows                int64
	Padded, Skipped     int64
	Extended, Truncated int64
	Bytes               int64
	// NullTokens maps a column to the tokens NAAuto read as null in it.
	NullTokens map[string][]string

	// For tests: chunks parsed by each path, and columns Collect adopted
	// from the workers' whole-input arrays.
	Chunks    [nPaths]int64
	Collected int64
}

// The parse paths, as pieces report them (Stats.Chunks).
const (
	pathGeneral = iota
	pathFused
	pathBlock
	nPaths
)
