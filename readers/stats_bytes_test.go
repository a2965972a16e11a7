package readers

import (
	"context"
	"strings"
	"testing"
)

// TestStatsBytes checks Stats.Bytes counts the parsed input after the header,
// whatever the chunking.
func TestStatsBytes(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b\n")
	for i := range 5000 {
		b.WriteString("x")
		b.WriteString(strings.Repeat("y", i%7))
		b.WriteString(",12\n")
	}
	data := b.String()
	for _, chunk := range []int{1, 7, 1000, 0} {
		seq, st := CSVStats(context.Background(), strings.NewReader(data), Options{ChunkRows: chunk})
		if _, err := ReadAll(seq); err != nil {
			t.Fatal(err)
		}
		if want := int64(len(data) - len("a,b\n")); st.Bytes != want {
			t.Errorf("chunk %d: Bytes = %d, want %d", chunk, st.Bytes, want)
		}
	}
}
