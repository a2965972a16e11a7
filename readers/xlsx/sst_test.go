package xlsx

import (
	"bytes"
	"context"
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"

	"github.com/sluicedata/sluice/readers"
)

// sstXML generates a shared-string table of n strings of random length
// (0 to maxLen bytes of letters, some with entities and rich-text runs) and
// returns it with the strings it holds.
func sstXML(seed uint64, n, maxLen int) ([]byte, []string) {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	b.WriteString(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="` + strconv.Itoa(n) + `" uniqueCount="` + strconv.Itoa(n) + `">`)
	want := make([]string, n)
	var s []byte
	for i := range n {
		s = s[:0]
		for range rng.IntN(maxLen + 1) {
			s = append(s, byte('a'+rng.IntN(26)))
		}
		switch rng.IntN(8) {
		case 0:
			b.WriteString(`<si/>`)
			want[i] = ""
			continue
		case 1: // rich text: two runs and a phonetic run
			h := len(s) / 2
			b.WriteString(`<si><r><rPr><b/></rPr><t>` + string(s[:h]) + `</t></r><r><t xml:space="preserve">` + string(s[h:]) + `</t></r><rPh sb="0" eb="1"><t>ignored</t></rPh></si>`)
			want[i] = string(s)
			continue
		case 2:
			s = append(s, "&<>"...)
			b.WriteString(`<si><t>` + string(s[:len(s)-3]) + `&amp;&lt;&#62;</t></si>`)
			want[i] = string(s)
			continue
		}
		b.WriteString(`<si><t>` + string(s) + `</t></si>`)
		want[i] = string(s)
	}
	b.WriteString(`</sst>`)
	return b.Bytes(), want
}

func openBook(t testing.TB, data []byte, lim limits) *workbook {
	t.Helper()
	wb, err := openWorkbook(context.Background(), bytes.NewReader(data), int64(len(data)), "book.xlsx", lim)
	if err != nil {
		t.Fatal(err)
	}
	return wb
}

// TestSharedStrings checks the table against the generated strings,
// across block boundaries and for long strings.
func TestSharedStrings(t *testing.T) {
	for _, c := range []struct {
		n, maxLen int
	}{{0, 0}, {1, 5}, {5000, 40}, {1500, 2000}, {12, 400 << 10}} {
		x, want := sstXML(uint64(c.n), c.n, c.maxLen)
		data := buildZip(t, bookMembers([]byte(`<worksheet><sheetData/></worksheet>`), x))
		sst, err := openBook(t, data, defaultLimits()).sharedStrings()
		if err != nil {
			t.Fatal(err)
		}
		if sst.len() != len(want) {
			t.Fatalf("n=%d: %d strings, want %d", c.n, sst.len(), len(want))
		}
		for i, w := range want {
			if got := string(sst.get(i)); got != w {
				t.Fatalf("n=%d maxLen=%d: string %d = %.40q (len %d), want %.40q (len %d)", c.n, c.maxLen, i, got, len(got), w, len(w))
			}
		}
	}
}

// TestSharedStringsMemory: the table holds about the size of its text
// (one arena in blocks plus 4 bytes of offset per string), and loading it
// allocates little beyond that: the XML is streamed, never held whole.
func TestSharedStringsMemory(t *testing.T) {
	n := 200_000
	x, want := sstXML(7, n, 60)
	text := 0
	for _, s := range want {
		text += len(s)
	}
	data := buildZip(t, bookMembers([]byte(`<worksheet><sheetData/></worksheet>`), x))
	xlen := len(x)
	x, want = nil, nil // not counted in the heap deltas below
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	wb := openBook(t, data, defaultLimits())
	sst, err := wb.sharedStrings()
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	total := after.TotalAlloc - before.TotalAlloc
	runtime.GC()
	runtime.ReadMemStats(&after)
	kept := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	runtime.KeepAlive(sst)
	runtime.KeepAlive(data)
	t.Logf("XML %s, text %s in %d strings: kept %s, allocated %s", sizeText(uint64(xlen)), sizeText(uint64(text)), n,
		sizeText(uint64(kept)), sizeText(total))
	if limit := int64(text) + 4*int64(n) + int64(text)/8 + 2<<20; kept > limit {
		t.Errorf("table keeps %s, want at most %s (text + 4 bytes per string + 1/8)", sizeText(uint64(kept)), sizeText(uint64(limit)))
	}
	if limit := uint64(text + text/4 + 8*n + 4<<20); total > limit {
		t.Errorf("loading allocated %s, want at most %s", sizeText(total), sizeText(limit))
	}
	_ = readers.ErrTooLarge
}

// TestBadSharedStringIndex: a shared-string cell whose index is past the
// table (or not a number) is a one-line error naming the file, sheet, cell
// and index, whether the row was sampled for inference or read after.
func TestBadSharedStringIndex(t *testing.T) {
	sst := []byte(`<sst><si><t>a</t></si><si><t>b</t></si><si><t>c</t></si></sst>`)
	sheet := func(bad string) []byte {
		var b bytes.Buffer
		b.WriteString(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`)
		for i := 2; i <= 12; i++ {
			n := strconv.Itoa(i)
			v := "2"
			if i == 7 {
				v = bad
			}
			b.WriteString(`<row r="` + n + `"><c r="A` + n + `"><v>` + n + `</v></c><c r="B` + n + `" t="s"><v>` + v + `</v></c></row>`)
		}
		b.WriteString(`</sheetData></worksheet>`)
		return b.Bytes()
	}
	for _, c := range []struct {
		name, bad string
		sample    int
		want      string
	}{
		{"sampled", "7", 0, `book.xlsx: sheet "Sheet1" cell B7: shared string index 7 is out of range (the shared-string table has 3 strings; the workbook is corrupt)`},
		{"streamed", "7", 2, `book.xlsx: sheet "Sheet1" cell B7: shared string index 7 is out of range`},
		{"raw", "3", 0, `cell B7: shared string index 3 is out of range`},
		{"not a number", "x1", 0, `cell B7: shared string index is not a number (the workbook is corrupt): corrupt or unsupported file (text "x1")`},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := buildZip(t, bookMembers(sheet(c.bad), sst))
			_, err := readBytes(context.Background(), data, "book.xlsx", readers.Options{SampleRows: c.sample, Raw: c.name == "raw"}, defaultLimits())
			checkOneLine(t, err, readers.ErrFormat, c.want)
		})
	}
}
