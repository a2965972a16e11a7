package fuzzy

import (
	"bytes"
	"slices"
	"strings"
	"unicode/utf8"
)

// keyer turns raw values into the strings a scorer compares (keyOf of
// Process), appending them to a caller's buffer. ASCII values, the common
// case, take a path that allocates nothing; other values go through Process
// and keyOf, which define the result in every case.
type keyer struct {
	sc    Scorer
	n     Normalize
	buf   []byte
	spans []span
}

type span struct{ a, b int32 }

// asciiSpace reports the ASCII bytes strings.Fields splits on.
var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// appendKey appends keyOf(sc, Process(v, n)) to dst.
func (k *keyer) appendKey(dst, v []byte) []byte {
	ascii := true
	for _, c := range v {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		s := string(v)
		if k.n != 0 {
			s = Process(s, k.n)
		}
		return append(dst, keyOf(k.sc, s)...)
	}
	// NFKC leaves ASCII unchanged; case folding and punctuation stripping
	// are bytewise, as in Process's ASCII path.
	b := append(k.buf[:0], v...)
	if k.n&(FoldCase|StripPunct) != 0 {
		for i, c := range b {
			if k.n&FoldCase != 0 && 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if k.n&StripPunct != 0 && !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
				c = ' '
			}
			b[i] = c
		}
		if k.n&StripPunct != 0 {
			b = bytes.Trim(b, " ")
		}
	}
	k.buf = b[:0]
	if k.sc != TokenSet && k.sc != TokenSort {
		return append(dst, b...)
	}
	sp := k.spans[:0]
	for i := 0; i < len(b); {
		for i < len(b) && asciiSpace[b[i]] {
			i++
		}
		j := i
		for j < len(b) && !asciiSpace[b[j]] {
			j++
		}
		if j > i {
			sp = append(sp, span{int32(i), int32(j)})
		}
		i = j
	}
	slices.SortFunc(sp, func(x, y span) int { return bytes.Compare(b[x.a:x.b], b[y.a:y.b]) })
	if k.sc == TokenSet {
		sp = slices.CompactFunc(sp, func(x, y span) bool { return bytes.Equal(b[x.a:x.b], b[y.a:y.b]) })
	}
	for i, s := range sp {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, b[s.a:s.b]...)
	}
	k.spans = sp[:0]
	return dst
}

// keyOf returns the string a scorer compares for an already normalised
// value: the value itself, or for the token scorers the sorted (for
// TokenSet also de-duplicated) tokens joined by single spaces.
func keyOf(sc Scorer, s string) string {
	switch sc {
	case TokenSort:
		return sortedJoin(s)
	case TokenSet:
		return strings.Join(dedupSorted(strings.Fields(s)), " ")
	}
	return s
}
