package writers

import (
	"io"

	"github.com/sluicedata/sluice/frame"
)

func init() {
	Register(Format{Name: "ndjson", Exts: []string{".ndjson", ".jsonl"}, New: func(w io.Writer, _ Options) (Encoder, error) {
		return &jsonEncoder{w: w}, nil
	}})
	Register(Format{Name: "json", Exts: []string{".json"}, New: func(w io.Writer, _ Options) (Encoder, error) {
		return &jsonEncoder{w: w, array: true}, nil
	}})
}

// jsonEncoder writes one JSON object per row (frame.Frame.AppendJSONRow):
// NDJSON, each object on its own line; or, with array, the objects as the
// elements of one JSON array, one per line:
//
//	[
//	{"a":1},
//	{"a":2}
//	]
//
// The array is streamed chunk by chunk; only the opening bracket is written
// before the first row and the closing one by Close ("[]" when no row came).
type jsonEncoder struct {
	w     io.Writer
	array bool
	rows  int64
	buf   []byte
}

// Write implements [Encoder].
func (e *jsonEncoder) Write(chunk *frame.Frame) error {
	b := e.buf[:0]
	for r := range chunk.NumRows() {
		if e.array {
			if e.rows == 0 {
				b = append(b, "[\n"...)
			} else {
				b = append(b, ",\n"...)
			}
		}
		b = chunk.AppendJSONRow(b, r)
		if !e.array {
			b = append(b, '\n')
		}
		e.rows++
		if len(b) >= 64<<10 {
			if _, err := e.w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	e.buf = b[:0]
	_, err := e.w.Write(b)
	return err
}

// Close implements [Encoder]: the array's closing bracket.
func (e *jsonEncoder) Close() error {
	if !e.array {
		return nil
	}
	end := "\n]\n"
	if e.rows == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(e.w, end)
	return err
}
