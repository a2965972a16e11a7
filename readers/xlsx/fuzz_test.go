package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

// FuzzScanner feeds mutated worksheet XML to the scanner (in one piece and
// one byte at a time): it must never panic or loop, and both ways of
// reading must agree.
func FuzzScanner(f *testing.F) {
	for _, s := range []string{
		`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>1.5</v></c></row></sheetData></worksheet>`,
		`<x:worksheet><x:sheetData><x:row><x:c t="inlineStr"><x:is><x:r><x:t>a&amp;b</x:t></x:r><x:rPh><x:t>p</x:t></x:rPh></x:is></x:c></x:row></x:sheetData></x:worksheet>`,
		`<sheetData><row r="3"><c r="C3" t="str"><f>A1&amp;"x"</f><v><![CDATA[a<b]]>&#x41;&#66;</v></c><c/></row><row r="2"/></sheetData>`,
		`<sheetData><row r="1"><c r="A1" t="b"><v>1</v></c><c r="ZZZ1" t="e"><v>#N/A</v></c></row><row r="2">`,
		`<?xml version="1.0"?><!-- c --><worksheet><sheetData><row r='1'><c r='B1' s='3'><v>45000</v></c></row></sheetData><mergeCells><mergeCell ref="A1:B2"/></mergeCells></worksheet>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a := scanAll(t, bytes.NewReader(data))
		b := scanAll(t, iotest.OneByteReader(bytes.NewReader(data)))
		if a != b {
			t.Fatalf("whole vs byte-at-a-time:\n%s\n%s", a, b)
		}
	})
}

func scanAll(t *testing.T, r io.Reader) string {
	sc := newScanner(r, 0)
	sc.maxBuf = 1 << 16
	var out bytes.Buffer
	for i := 0; i < 1<<16; i++ {
		num, cells, err := sc.nextRow()
		if err != nil {
			out.WriteString("err\n")
			return out.String()
		}
		out.WriteString("row ")
		out.WriteString(cellRef(0, num))
		for _, c := range cells {
			out.WriteString(" ")
			out.WriteString(cellRef(int(c.col), num))
			out.WriteByte(c.typ)
			out.Write(sc.arena[c.off:c.end])
		}
		out.WriteByte('\n')
	}
	t.Fatal("scanner did not finish")
	return ""
}

// fuzzBook builds a workbook (stored, not deflated, to keep fuzzing fast)
// around a fuzzed worksheet, shared-string table and styles part; an empty
// sst or styles leaves that part out.
func fuzzBook(sheet, sst, styles []byte) []byte {
	rels := `<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	if len(sst) > 0 {
		rels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	if len(styles) > 0 {
		rels += `<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`
	}
	rels += `</Relationships>`
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, m := range []struct {
		name string
		data []byte
	}{
		{"xl/workbook.xml", []byte(`<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`)},
		{"xl/_rels/workbook.xml.rels", []byte(rels)},
		{"xl/worksheets/sheet1.xml", sheet},
		{"xl/sharedStrings.xml", sst},
		{"xl/styles.xml", styles},
	} {
		if len(m.data) == 0 && m.name != "xl/worksheets/sheet1.xml" {
			continue
		}
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: m.name, Method: zip.Store})
		w.Write(m.data)
	}
	zw.Close()
	return out.Bytes()
}

// fuzzRead reads a workbook in chunks of chunkRows rows, stopping once
// maxCells cells have been read (complete is then false).
func fuzzRead(data []byte, opt readers.Options, chunkRows int) (f *frame.Frame, err error, complete bool) {
	lim := defaultLimits()
	lim.chunkCells = 1 << 12
	opt.ChunkRows = chunkRows
	var frames []*frame.Frame
	cells := 0
	complete = true
	readAt(context.Background(), bytes.NewReader(data), int64(len(data)), "fuzz.xlsx", opt, lim, func(fr *frame.Frame, e error) bool {
		if e != nil {
			err = e
			return false
		}
		frames = append(frames, fr)
		cells += max(fr.NumRows(), 1) * max(fr.NumCols(), 1)
		if cells > 1<<16 {
			complete = false
			return false
		}
		return true
	})
	if err == nil && len(frames) > 0 {
		f, err = frame.Concat(frames...)
	}
	return f, err, complete
}

// FuzzXLSX reads workbooks built around a fuzzed worksheet, shared-string
// table and styles part: a read never panics, its errors are one line and
// wrap one of the readers' sentinels, and the frames it yields do not
// depend on the chunk size.
func FuzzXLSX(f *testing.F) {
	sst := `<sst><si><t>id</t></si><si><r><t>na</t></r><r><t>me</t></r><rPh><t>x</t></rPh></si><si><t xml:space="preserve"> 1,234 </t></si><si/><si><t>a_x005F_x000D_b&amp;</t></si></sst>`
	styles := `<styleSheet><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="22"/></cellXfs></styleSheet>`
	for _, c := range []struct{ sheet, sst, styles string }{
		{`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>2</v></c></row><row r="4"><c r="A4" s="1"><v>45000</v></c><c r="B4" t="s"><v>3</v></c></row></sheetData></worksheet>`, sst, styles},
		{`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>when</t></is></c><c r="B1" t="inlineStr"><is><t>ok</t></is></c></row><row r="2"><c r="A2" s="2"><v>45000.25</v></c><c r="B2" t="b"><v>1</v></c></row><row r="3"><c r="A3" t="d"><v>2024-02-29T10:00:00</v></c><c r="B3" t="e"><v>#N/A</v></c></row></sheetData></worksheet>`, "", styles},
		{`<x:worksheet><x:sheetData><x:row><x:c t="str"><x:f>1+1</x:f><x:v>2</x:v></x:c><x:c><x:v>1e-5</x:v></x:c></x:row><x:row><x:c t="s"><x:v>4</x:v></x:c><x:c t="s"><x:v>9</x:v></x:c></x:row></x:sheetData></x:worksheet>`, sst, ""},
		{`<worksheet><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="C1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row></sheetData></worksheet>`, "", ""},
		{`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a;&#x41;<![CDATA[<b>]]></t></is></c></row><row r="2"><c r="A2"><v>3</v></c><c r="A2"><v>4</v></c></row></sheetData></worksheet>`, "", ""},
		{`<worksheet><sheetData><row r="2"><c r="B2"><v>1</v></c></row><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>`, "", ""},
		{`<worksheet><sheetData/></worksheet>`, "<sst>", "<styleSheet><cellXfs><xf numFmtId='14'>"},
	} {
		for _, opts := range []byte{0, 1, 6} {
			f.Add([]byte(c.sheet), []byte(c.sst), []byte(c.styles), opts)
		}
	}
	sentinels := []error{readers.ErrFormat, readers.ErrTooLarge, readers.ErrType, readers.ErrFieldCount, readers.ErrEmpty}
	f.Fuzz(func(t *testing.T, sheet, sst, styles []byte, opts byte) {
		if len(sheet)+len(sst)+len(styles) > 1<<20 {
			return
		}
		data := fuzzBook(sheet, sst, styles)
		opt := readers.Options{Raw: opts&1 != 0, NoHeader: opts&2 != 0, SampleRows: []int{0, 2, -1, 1}[opts>>2&3]}
		a, errA, completeA := fuzzRead(data, opt, 0)
		b, errB, completeB := fuzzRead(data, opt, 3)
		for _, err := range []error{errA, errB} {
			if err == nil {
				continue
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			known := false
			for _, s := range sentinels {
				known = known || errors.Is(err, s)
			}
			if !known {
				t.Errorf("error wraps no readers sentinel: %v", err)
			}
		}
		if !completeA || !completeB {
			return
		}
		if (errA == nil) != (errB == nil) || (errA != nil && errA.Error() != errB.Error()) {
			t.Fatalf("chunk size changes the error:\n%v\n%v", errA, errB)
		}
		if errA == nil && (a == nil) != (b == nil) || a != nil && b != nil && !sameFrame(a, b) {
			t.Fatalf("chunk size changes the frames:\n%v\n%v", a, b)
		}
	})
}
