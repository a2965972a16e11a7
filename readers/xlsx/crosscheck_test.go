package xlsx

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

type scannedCell struct {
	kind uint8
	text string
}

// scanSheet reads a worksheet with this package's scanner into a map keyed
// by (row, col), keeping each cell's kind and underlying value text.
func scanSheet(t *testing.T, path, sheet string) map[[2]int]scannedCell {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := openWorkbook(context.Background(), bytes.NewReader(data), int64(len(data)), path, defaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	sh, err := wb.selectSheet(sheet)
	if err != nil {
		t.Fatal(err)
	}
	sst, err := wb.sharedStrings()
	if err != nil {
		t.Fatal(err)
	}
	rc, err := wb.openPart(sh.part, partSheet)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	sr := &sheetReader{wb: wb, sst: sst, sheet: sh, sc: newScanner(rc, 0)}
	out := map[[2]int]scannedCell{}
	for {
		num, cells, err := sr.sc.nextRow()
		if err != nil {
			break
		}
		for i := range cells {
			k, txt, err := sr.kind(&cells[i], sr.sc.arena, num)
			if err != nil {
				t.Fatal(err)
			}
			if k != kEmpty {
				out[[2]int{num, int(cells[i].col)}] = scannedCell{k, string(txt)}
			}
		}
	}
	return out
}

// TestCrossCheckExcelize compares the fast scanner with excelize's GetRows
// (raw cell values) on every corpus worksheet: same non-empty cells, same
// underlying values (numbers compared as doubles, booleans as 0/1).
// excelize decodes _xHHHH_ escapes where openpyxl (and this reader) keep
// them, so strings holding such escapes are compared after decoding.
func TestCrossCheckExcelize(t *testing.T) {
	totalSeen := 0
	defer func() {
		t.Logf("compared %d non-empty cells", totalSeen)
		if totalSeen < 10000 {
			t.Errorf("only %d cells compared", totalSeen)
		}
	}()
	for _, path := range xlsxFiles(t) {
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Errorf("%s: excelize: %v", path, err)
			continue
		}
		infos, err := Sheets(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, info := range infos {
			if info.Kind != "worksheet" {
				continue
			}
			rows, err := f.GetRows(info.Name, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Errorf("%s %s: excelize: %v", filepath.Base(path), info.Name, err)
				continue
			}
			mine := scanSheet(t, path, info.Name)
			seen := 0
			for r, row := range rows {
				for c, v := range row {
					key := [2]int{r + 1, c}
					m, ok := mine[key]
					if v == "" {
						if ok {
							t.Errorf("%s %s %s: excelize empty, scanner %q", filepath.Base(path), info.Name, cellRef(c, r+1), m.text)
						}
						continue
					}
					seen++
					if !ok {
						t.Errorf("%s %s %s: excelize %q, scanner empty", filepath.Base(path), info.Name, cellRef(c, r+1), v)
						continue
					}
					if !sameUnderlying(m, v) {
						t.Errorf("%s %s %s: excelize %q, scanner %q (kind %d)", filepath.Base(path), info.Name, cellRef(c, r+1), v, m.text, m.kind)
					}
				}
			}
			totalSeen += seen
			if seen != len(mine) {
				t.Errorf("%s %s: excelize has %d non-empty cells, scanner %d", filepath.Base(path), info.Name, seen, len(mine))
			}
		}
		f.Close()
	}
}

func sameUnderlying(m scannedCell, v string) bool {
	if m.text == v {
		return true
	}
	switch m.kind {
	case kNumber, kDate:
		a, err1 := strconv.ParseFloat(strings.TrimSpace(m.text), 64)
		b, err2 := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return err1 == nil && err2 == nil && a == b
	case kBool:
		bm, _ := parseBoolCell([]byte(m.text))
		return (v == "1" || v == "TRUE") == bm
	case kString:
		return decodeEscapes(m.text) == decodeEscapes(v)
	}
	return false
}

// decodeEscapes decodes _xHHHH_ escapes the way excelize does.
func decodeEscapes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '_' && i+6 < len(s) && s[i+1] == 'x' && s[i+6] == '_' {
			if v, err := strconv.ParseUint(s[i+2:i+6], 16, 32); err == nil {
				b.WriteRune(rune(v))
				i += 6
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
