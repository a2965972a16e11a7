package xlsx

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/readers"
)

const laughs = `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
	`<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">` +
	`<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">` +
	`<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>`

// TestHostileXML: nesting depth is bounded in every part (a deep document
// fails with one clean line, having allocated little), and DTD entities are
// never expanded (a billion-laughs reference stays literal text).
func TestHostileXML(t *testing.T) {
	deep := strings.Repeat("<a>", 1<<20)
	okSheet := `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row><row r="2"><c r="A2" t="s"><v>0</v></c></row></sheetData></worksheet>`
	okSST := `<sst><si><t>s</t></si></sst>`
	type parts struct{ workbook, sheet, sst string }
	for _, c := range []struct {
		name string
		p    parts
		want string // "" means the read succeeds
	}{
		{"deep rows", parts{sheet: `<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2">` + deep}, `xlsx: book.xlsx: sheet "Sheet1": elements nested more than 256 deep`},
		{"deep before sheetData", parts{sheet: `<worksheet>` + deep}, `xlsx: book.xlsx: sheet "Sheet1": elements nested more than 256 deep`},
		{"deep workbook", parts{workbook: `<workbook>` + deep}, `xlsx: book.xlsx: member xl/workbook.xml: elements nested more than 256 deep`},
		{"deep shared strings", parts{sst: `<sst><si>` + deep}, `xlsx: book.xlsx: member xl/sharedStrings.xml: elements nested more than 256 deep`},
		{"unclosed rows are not depth", parts{sheet: `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c>` +
			strings.Repeat(`<row><c><v>1</v></c>`, 1000) + `</sheetData></worksheet>`}, ""},
		{"billion laughs", parts{
			workbook: `<?xml version="1.0"?>` + laughs + `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1&lol9;" r:id="rId1"/></sheets></workbook>`,
			sheet:    `<?xml version="1.0"?>` + laughs + `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row><row r="3"><c r="A3" t="s"><v>0</v></c></row></sheetData></worksheet>`,
			sst:      `<?xml version="1.0"?>` + laughs + `<sst><si><t>x&lol9;</t></si></sst>`,
		}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.p.sheet == "" {
				c.p.sheet = okSheet
			}
			if c.p.sst == "" {
				c.p.sst = okSST
			}
			ms := bookMembers([]byte(c.p.sheet), []byte(c.p.sst))
			if c.p.workbook != "" {
				ms[0].data = []byte(c.p.workbook)
			}
			data := buildZip(t, ms)
			var err error
			var got []string
			heap := allocated(func() {
				f, e := readBytes(context.Background(), data, "book.xlsx", readers.Options{Raw: true, Sheet: "1"}, defaultLimits())
				if err = e; e == nil {
					for i := 0; i < f.NumRows(); i++ {
						got = append(got, f.ColumnAt(0).Value(i).(string))
					}
				}
			})
			if heap > 8<<20 {
				t.Errorf("allocated %s", sizeText(heap))
			}
			if c.want != "" {
				checkOneLine(t, err, readers.ErrFormat, c.want)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.name == "billion laughs" {
				if strings.Join(got, "|") != "&lol9;|x&lol9;" {
					t.Errorf("entities expanded or lost: %q", got)
				}
				infos, err := SheetsReaderAt(bytes.NewReader(data), int64(len(data)), "book.xlsx")
				if err != nil || infos[0].Name != "Sheet1&lol9;" {
					t.Errorf("sheet name %v %v", infos, err)
				}
			} else if len(got) != 1000 {
				t.Errorf("%d rows", len(got))
			}
		})
	}
}
