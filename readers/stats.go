package readers

import (
	"slices"

	"github.com/sluicedata/sluice/frame"
	icsv "github.com/sluicedata/sluice/readers/internal/csv"
)

// Stats reports what a read saw; [OpenStats], [FilesStats] and [CSVStats]
// return one that fills in as their stream is read. For CSV input the reader
// fills Header, Names, Types and Delimiter before the first chunk and the
// counts as chunks are yielded (final once the iterator has finished);
// other formats fill Names, Types and Rows. Read it on the goroutine that
// ranges over the stream (between chunks or after the loop).
type Stats struct {
	// Header is the header record exactly as in the file (after decoding and
	// BOM removal), nil with NoHeader.
	Header []string
	// Names are the frame's column names: the header made unique ("a",
	// "a_2", …) with empty names replaced by column_N (1-based position).
	Names []string
	// Types are the column types of the (projected) columns.
	Types []frame.Type
	// Delimiter is the field separator used (given or detected).
	Delimiter rune
	// Rows counts data rows yielded. Padded, Skipped, Extended and
	// Truncated count ragged records: short ones padded with nulls, those
	// RaggedSkip dropped, long ones RaggedExtend kept whole, and long ones
	// RaggedTruncate cut.
	Rows, Padded, Skipped, Extended, Truncated int64
	// Bytes counts the input bytes (after decompression and decoding)
	// whose rows have been parsed, for progress reporting; it advances
	// chunk by chunk.
	Bytes int64
	// NullTokens maps a column to the tokens Options.NAAuto read as null in
	// it (those of the inference sample, then any seen later).
	NullTokens map[string][]string
}

// fromEngine copies the engine's statistics of one read into st; base is
// st as it was before the read (Files adds the reads of its files up).
func (st *Stats) fromEngine(base Stats, e *icsv.Stats) {
	st.Header, st.Names, st.Types, st.Delimiter = e.Header, e.Names, e.Types, e.Delimiter
	st.Rows = base.Rows + e.Rows
	st.Padded = base.Padded + e.Padded
	st.Skipped = base.Skipped + e.Skipped
	st.Bytes = base.Bytes + e.Bytes
	st.Extended = base.Extended + e.Extended
	st.Truncated = base.Truncated + e.Truncated
	for col, toks := range e.NullTokens {
		if st.NullTokens == nil {
			st.NullTokens = map[string][]string{}
		}
		for _, t := range toks {
			if !slices.Contains(st.NullTokens[col], t) {
				st.NullTokens[col] = append(st.NullTokens[col], t)
			}
		}
	}
}
