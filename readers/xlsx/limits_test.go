package xlsx

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"hash/crc32"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

// member is one zip entry of a generated workbook; the two lie fields make
// the zip directory misstate its sizes.
type member struct {
	name string
	data []byte
	// declared, if > 0, is the uncompressed size the directory declares.
	declared uint64
	// pad bytes follow the compressed stream and are counted in the declared
	// compressed size (inflating ignores them), lowering the declared ratio.
	pad int
}

var compressed sync.Map // string(data) hash → compressed bytes, to compress bombs once

func deflate(t testing.TB, data []byte) []byte {
	key := strconv.Itoa(len(data)) + ":" + strconv.FormatUint(uint64(crc32.ChecksumIEEE(data)), 16)
	if c, ok := compressed.Load(key); ok {
		return c.([]byte)
	}
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.DefaultCompression)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	compressed.Store(key, b.Bytes())
	return b.Bytes()
}

// buildZip writes members as deflated zip entries, with their lies.
func buildZip(t testing.TB, members []member) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, m := range members {
		c := deflate(t, m.data)
		h := &zip.FileHeader{Name: m.name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(m.data),
			CompressedSize64: uint64(len(c) + m.pad), UncompressedSize64: uint64(len(m.data))}
		if m.declared > 0 {
			h.UncompressedSize64 = m.declared
		}
		w, err := zw.CreateRaw(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(c)
		w.Write(make([]byte, m.pad))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// bookMembers is a minimal workbook: one worksheet "Sheet1" holding
// sheetXML, and a shared-string table when sstXML is not nil.
func bookMembers(sheetXML, sstXML []byte) []member {
	rels := `<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	if sstXML != nil {
		rels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	rels += `</Relationships>`
	ms := []member{
		{name: "xl/workbook.xml", data: []byte(`<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)},
		{name: "xl/_rels/workbook.xml.rels", data: []byte(rels)},
		{name: "xl/worksheets/sheet1.xml", data: sheetXML},
	}
	if sstXML != nil {
		ms = append(ms, member{name: "xl/sharedStrings.xml", data: sstXML})
	}
	return ms
}

// readBytes reads the first sheet of an in-memory workbook under lim.
func readBytes(ctx context.Context, data []byte, name string, opt readers.Options, lim limits) (*frame.Frame, error) {
	var frames []*frame.Frame
	var err error
	readAt(ctx, bytes.NewReader(data), int64(len(data)), name, opt, lim, func(f *frame.Frame, e error) bool {
		if e != nil {
			err = e
			return false
		}
		frames = append(frames, f)
		return true
	})
	if err != nil {
		return nil, err
	}
	return frame.Concat(frames...)
}

// allocated runs f and returns the bytes it allocated on the heap.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// bombSheet is a worksheet of one cell followed by n bytes of spaces: it
// deflates about 1028:1, deflate's ceiling.
func bombSheet(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>`)
	b.Write(bytes.Repeat([]byte(" "), n))
	b.WriteString(`</sheetData></worksheet>`)
	return b.Bytes()
}

// checkOneLine asserts err wraps want and is one line holding every part.
func checkOneLine(t *testing.T, err, want error, parts ...string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("got %v, want an error wrapping %v", err, want)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("error is not one line: %q", msg)
	}
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("error %q does not mention %q", msg, p)
		}
	}
}

// TestZipBomb: a worksheet of 64 MiB of spaces (64 KiB compressed) is
// refused under the default limits by its declared ratio, before anything is
// inflated; when the directory understates the ratio (padding counted as
// compressed bytes) or the size, the bytes actually inflated give it away
// and the read stops early, in bounded memory.
func TestZipBomb(t *testing.T) {
	sheet := bombSheet(64 << 20)
	for _, c := range []struct {
		name    string
		m       member
		want    error
		parts   []string
		maxHeap uint64
	}{
		{"declared ratio", member{}, readers.ErrTooLarge,
			[]string{"xlsx: bomb.xlsx: member xl/worksheets/sheet1.xml: declares a compression ratio of 10", "over the 1000:1 limit for members over 8 MiB"}, 4 << 20},
		{"understated ratio", member{pad: 32 << 10}, readers.ErrTooLarge,
			[]string{"xlsx: bomb.xlsx: member xl/worksheets/sheet1.xml: inflates at a compression ratio of 10", "over the 1000:1 limit"}, 32 << 20},
		{"understated size", member{declared: 4096}, readers.ErrFormat,
			[]string{"xlsx: bomb.xlsx: member xl/worksheets/sheet1.xml: inflates past the 4 KiB its zip directory declares"}, 8 << 20},
	} {
		t.Run(c.name, func(t *testing.T) {
			ms := bookMembers(sheet, nil)
			ms[2].pad, ms[2].declared = c.m.pad, c.m.declared
			data := buildZip(t, ms)
			var err error
			heap := allocated(func() {
				_, err = readBytes(context.Background(), data, "bomb.xlsx", readers.Options{}, defaultLimits())
			})
			checkOneLine(t, err, c.want, c.parts...)
			if heap > c.maxHeap {
				t.Errorf("allocated %s reading the bomb, want at most %s", sizeText(heap), sizeText(c.maxHeap))
			}
		})
	}
}

// TestLimits lowers each limit through the unexported limits struct and
// checks the one-line error naming the file, the member and the limit.
func TestLimits(t *testing.T) {
	var sheet, sst bytes.Buffer
	sheet.WriteString(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`)
	for i := 2; i <= 3000; i++ {
		n := strconv.Itoa(i)
		sheet.WriteString(`<row r="` + n + `"><c r="A` + n + `"><v>` + n + `</v></c><c r="B` + n + `" t="inlineStr"><is><t>row ` + strconv.Itoa(i*7919%10007) + `</t></is></c></row>`)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	sst.WriteString(`<sst><si><t>id</t></si><si><t>label</t></si>`)
	for i := 0; i < 200; i++ {
		sst.WriteString(`<si><t>unused ` + strconv.Itoa(i*104729%1299709) + `</t></si>`)
	}
	sst.WriteString(`</sst>`)
	data := buildZip(t, bookMembers(sheet.Bytes(), sst.Bytes()))

	f, err := readBytes(context.Background(), data, "book.xlsx", readers.Options{}, defaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if f.NumRows() != 2999 || strings.Join(f.Names(), ",") != "id,label" || f.MustColumn("label").Value(0) != "row "+strconv.Itoa(2*7919%10007) {
		t.Fatalf("read %d rows %v", f.NumRows(), f.Names())
	}
	total := uint64(sheet.Len() + sst.Len())
	for _, c := range []struct {
		name  string
		set   func(*limits)
		parts []string
	}{
		{"worksheet", func(l *limits) { l.sheet = 64 << 10 },
			[]string{"member xl/worksheets/sheet1.xml: declares " + sizeText(uint64(sheet.Len())) + " uncompressed, over the 64 KiB limit for a worksheet"}},
		{"shared strings", func(l *limits) { l.sharedStrings = 1 << 10 },
			[]string{"member xl/sharedStrings.xml", "over the 1 KiB limit for the shared-string table"}},
		{"workbook part", func(l *limits) { l.meta = 100 },
			[]string{"member xl/", "over the 100 bytes limit for a workbook part"}},
		{"total", func(l *limits) { l.total = int64(total) - 1 },
			[]string{"member xl/worksheets/sheet1.xml", "takes this read past its " + sizeText(total-1) + " limit on inflated bytes"}},
		{"ratio", func(l *limits) { l.ratio, l.ratioMin = 2, 64<<10 },
			[]string{"member xl/worksheets/sheet1.xml: declares a compression ratio of", "over the 2:1 limit for members over 64 KiB"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			lim := defaultLimits()
			c.set(&lim)
			_, err := readBytes(context.Background(), data, "book.xlsx", readers.Options{}, lim)
			checkOneLine(t, err, readers.ErrTooLarge, append(c.parts, "xlsx: book.xlsx: ")...)
		})
	}
}

type nopCloser struct{ *strings.Reader }

func (nopCloser) Close() error { return nil }

// TestLimitedPart: the bytes actually inflated are counted against the
// member's limit, the read's total and the ratio, whatever was declared
// (archive/zip refuses bytes past the declared size itself, so this is the
// second line of defence).
func TestLimitedPart(t *testing.T) {
	for _, c := range []struct {
		name  string
		lim   limits
		limit int64
		want  string
	}{
		{"member", limits{total: 1 << 20, ratio: 1000, ratioMin: 1 << 20}, 10, "inflates past the 10 bytes limit for a worksheet"},
		{"total", limits{total: 50, ratio: 1000, ratioMin: 1 << 20}, 1000, "inflating it takes this read past its 50 bytes limit on inflated bytes"},
		{"ratio", limits{total: 1 << 20, ratio: 4, ratioMin: 20}, 1000, "inflates at a compression ratio of"},
	} {
		t.Run(c.name, func(t *testing.T) {
			wb := &workbook{ctx: context.Background(), name: "t.xlsx", lim: c.lim}
			tap := &inflowTap{r: strings.NewReader(strings.Repeat("z", 10))}
			tap.br = bufioReader(tap)
			tap.br.Discard(10) // 10 compressed bytes consumed
			lp := &limitedPart{rc: nopCloser{strings.NewReader(strings.Repeat("x", 100))}, wb: wb,
				f: &zip.File{FileHeader: zip.FileHeader{Name: "xl/worksheets/sheet1.xml"}}, limit: c.limit, what: "a worksheet", tap: tap}
			var sink bytes.Buffer
			_, err := sink.ReadFrom(lp)
			checkOneLine(t, err, readers.ErrTooLarge, "xlsx: t.xlsx: member xl/worksheets/sheet1.xml: "+c.want)
		})
	}
}

func bufioReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, 16) }
