package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/sluicedata/sluice/readers"
)

// The shared-string table is kept as text in blocks, plus 4 bytes per
// string: no Go string headers, nothing for the garbage collector to scan,
// and about the size of the text itself. A string never spans two blocks;
// blocks hold sstBlock bytes (the first ones less, doubling up to it, so a
// small table stays small) and a string of sstBig bytes or more gets a block
// of its own, so at most 1/8 of a block is left unused at its end.
const (
	sstBlock   = 1 << 20
	sstBig     = sstBlock / 8
	sstFirst   = 4 << 10 // the first block's size
	sstGroup   = 1024    // strings per entry of sharedStrings.group
	sstGroupSh = 10
)

// sharedStrings is the shared-string table.
type sharedStrings struct {
	blocks [][]byte
	first  []int    // index of each block's first string
	ends   []uint32 // each string's end offset in its block
	group  []int32  // block holding string g*sstGroup, for each g
}

func (s *sharedStrings) len() int { return len(s.ends) }

// get returns string i (0 <= i < len()); the bytes are the table's.
func (s *sharedStrings) get(i int) []byte {
	b := int(s.group[i>>sstGroupSh])
	if b+1 < len(s.first) && s.first[b+1] <= i {
		// the group spans blocks: search the blocks it spans
		hi := len(s.first)
		if g := i>>sstGroupSh + 1; g < len(s.group) {
			hi = int(s.group[g]) + 1
		}
		b += sort.Search(hi-b, func(k int) bool { return s.first[b+k] > i }) - 1
	}
	start := uint32(0)
	if i > s.first[b] {
		start = s.ends[i-1]
	}
	return s.blocks[b][start:s.ends[i]]
}

// add appends a string (copied).
func (s *sharedStrings) add(str []byte) {
	i := len(s.ends)
	nb := len(s.blocks)
	var cur []byte
	if nb > 0 {
		cur = s.blocks[nb-1]
	}
	if nb == 0 || len(cur)+len(str) > cap(cur) {
		size := sstFirst
		if nb > 0 {
			size = min(2*cap(cur), sstBlock)
		}
		if len(str) >= sstBig || len(str) > size {
			size = len(str)
		}
		cur = make([]byte, 0, size)
		s.blocks = append(s.blocks, cur)
		s.first = append(s.first, i)
		nb++
	}
	start := len(cur)
	cur = append(cur, str...)
	s.blocks[nb-1] = cur
	if len(str) >= sstBig && start == 0 {
		// a big string's block is its own: the next string starts a new one
		s.blocks[nb-1] = cur[:len(cur):len(cur)]
	}
	s.ends = append(s.ends, uint32(len(cur)))
	if i&(sstGroup-1) == 0 {
		s.group = append(s.group, int32(nb-1))
	}
}

// sharedStrings loads the shared-string table once, streaming its XML.
func (wb *workbook) sharedStrings() (*sharedStrings, error) {
	if wb.sstDone {
		return wb.sst, wb.sstErr
	}
	wb.sstDone = true
	wb.sst = &sharedStrings{}
	if wb.sstPart == "" {
		if wb.file("xl/sharedStrings.xml") == nil {
			return wb.sst, nil
		}
		wb.sstPart = "xl/sharedStrings.xml"
	}
	f := wb.file(wb.sstPart)
	if f == nil {
		return wb.sst, nil
	}
	rc, err := wb.openPart(wb.sstPart, partSharedStrings)
	if err != nil {
		wb.sst, wb.sstErr = nil, err
		return nil, err
	}
	defer rc.Close()
	sc := newScanner(rc, int64(f.UncompressedSize64))
	if err := sc.sharedStrings(wb.sst, int64(f.UncompressedSize64)); err != nil {
		if !errors.Is(err, errSyntax) && !errors.Is(err, errTooLong) {
			wb.sst, wb.sstErr = nil, err // the member's reader's error: names file and member
			return nil, err
		}
		kind := readers.ErrFormat
		if errors.Is(err, errTooLong) {
			kind = readers.ErrTooLarge
		}
		wb.sst, wb.sstErr = nil, fmt.Errorf("xlsx: %s: member %s: %v: %w", wb.name, f.Name, err, kind)
		return nil, wb.sstErr
	}
	return wb.sst, nil
}

// sharedStrings parses a shared-string table, adding each <si>'s text
// (plain or rich text, phonetic runs excluded) to t. As openpyxl 3.0 does,
// it drops the "x005F_" of escaped underscores; other _xHHHH_ escapes are
// kept as written. size (the declared size of the XML) caps the preallocation
// the uniqueCount attribute asks for.
func (s *scanner) sharedStrings(t *sharedStrings, size int64) error {
	inSI, inRPh := false, false
	var cur []byte
	for {
		if err := s.nextTag(); err != nil {
			if err == io.EOF {
				return nil
			}
			if err == io.ErrUnexpectedEOF {
				return fmt.Errorf("truncated XML: %w", errSyntax)
			}
			return err
		}
		switch string(s.name) {
		case "sst":
			if !s.end && len(t.ends) == 0 {
				eachAttr(s.attrs, func(n, v []byte) {
					if string(n) == "uniqueCount" {
						// a hint only: at most one string per 5 bytes ("<si/>")
						if c, err := strconv.ParseInt(string(trimASCII(v)), 10, 64); err == nil && c > 0 {
							c = min(c, size/5, 1<<26)
							t.ends = make([]uint32, 0, c)
							t.group = make([]int32, 0, c/sstGroup+1)
						}
					}
				})
			}
		case "si":
			switch {
			case s.self && !s.end:
				t.add(nil)
			case s.end:
				if inSI {
					if bytes.Contains(cur, []byte("x005F_")) {
						cur = append(cur[:0], bytes.ReplaceAll(cur, []byte("x005F_"), nil)...)
					}
					t.add(cur)
				}
				inSI, inRPh = false, false
			default:
				inSI, inRPh = true, false
				cur = cur[:0]
			}
		case "rPh":
			inRPh = inSI && !s.end && !s.self
		case "t":
			if inSI && !inRPh && !s.end && !s.self {
				var err error
				if cur, err = s.text(cur); err != nil {
					return err
				}
				if len(cur) > maxElement {
					return fmt.Errorf("a shared string longer than %d bytes: %w", maxElement, errTooLong)
				}
			}
		}
	}
}
