package fuzzy

import (
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize selects how strings are cleaned before they are compared. Flags
// combine with |; the zero value compares strings exactly as given (as the
// rapidfuzz scorers do with processor=None).
type Normalize uint8

const (
	// NFKC applies Unicode compatibility composition first, so "ﬁ" and
	// "fi", or a full-width "Ａ" and "A", compare equal.
	NFKC Normalize = 1 << iota
	// FoldCase lower-cases every letter (Unicode simple lower case).
	FoldCase
	// StripPunct replaces every character that is neither a letter nor a
	// digit with a space and trims spaces at both ends (inner runs of spaces
	// are kept, as rapidfuzz does).
	StripPunct

	// DefaultProcess is rapidfuzz's utils.default_process: lower case,
	// non-alphanumerics to spaces, trimmed.
	DefaultProcess = FoldCase | StripPunct
)

// Process returns s cleaned as n asks: NFKC first, then case folding, then
// punctuation stripping. Process(s, DefaultProcess) equals rapidfuzz's
// default_process(s) for ASCII text; beyond ASCII, letters and digits are
// Unicode's (unicode.IsLetter, unicode.IsDigit).
func Process(s string, n Normalize) string {
	if n&NFKC != 0 {
		s = norm.NFKC.String(s)
	}
	if n&(FoldCase|StripPunct) == 0 {
		return s
	}
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		b := make([]byte, len(s))
		for i := 0; i < len(s); i++ {
			c := s[i]
			if n&FoldCase != 0 && 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if n&StripPunct != 0 && !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
				c = ' '
			}
			b[i] = c
		}
		if n&StripPunct != 0 {
			return strings.Trim(string(b), " ")
		}
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(s))
	for _, r := range s {
		if n&FoldCase != 0 {
			r = unicode.ToLower(r)
		}
		if n&StripPunct != 0 && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			r = ' '
		}
		sb.WriteRune(r)
	}
	if n&StripPunct != 0 {
		return strings.Trim(sb.String(), " ")
	}
	return sb.String()
}

// Scorer names a similarity function. All scorers return a score in
// [0, 100], 100 meaning identical (after tokenisation where the scorer
// tokenises).
type Scorer uint8

const (
	// TokenSet is TokenSetRatio (the default of Join).
	TokenSet Scorer = iota
	// TokenSort is TokenSortRatio.
	TokenSort
	// RatioScorer is Ratio.
	RatioScorer
	// Partial is PartialRatio; Join compares every pair for it.
	Partial
	// JaroWinklerScorer is JaroWinkler; Join compares every pair for it.
	JaroWinklerScorer
)

// String returns the scorer's CLI name.
func (s Scorer) String() string {
	switch s {
	case TokenSet:
		return "token_set"
	case TokenSort:
		return "token_sort"
	case RatioScorer:
		return "ratio"
	case Partial:
		return "partial"
	case JaroWinklerScorer:
		return "jaro_winkler"
	}
	return "unknown"
}

// ParseScorer returns the scorer named s: token_set, token_sort, ratio,
// partial or jaro_winkler (also with a _ratio suffix, as rapidfuzz names
// them).
func ParseScorer(s string) (Scorer, bool) {
	switch strings.TrimSuffix(strings.ToLower(s), "_ratio") {
	case "token_set":
		return TokenSet, true
	case "token_sort":
		return TokenSort, true
	case "ratio":
		return RatioScorer, true
	case "partial":
		return Partial, true
	case "jaro_winkler", "jarowinkler", "jw":
		return JaroWinklerScorer, true
	}
	return 0, false
}

// Score returns the score of a and b by sc.
func Score(sc Scorer, a, b string) float64 {
	switch sc {
	case TokenSet:
		return TokenSetRatio(a, b)
	case TokenSort:
		return TokenSortRatio(a, b)
	case RatioScorer:
		return Ratio(a, b)
	case Partial:
		return PartialRatio(a, b)
	case JaroWinklerScorer:
		return JaroWinkler(a, b)
	}
	return 0
}

// pct turns an Indel distance over lensum characters into a 0–100
// similarity exactly as rapidfuzz does: 100 * (1 - dist/lensum), and 100
// when both strings are empty. Every scorer and every bound goes through
// this one function so that indexed and brute-force joins agree bit for bit.
func pct(dist, lensum int) float64 {
	if lensum == 0 {
		return 100
	}
	return 100 * (1 - float64(dist)/float64(lensum))
}

// scratch holds the buffers one goroutine needs to score without
// allocating. It is not safe for concurrent use.
type scratch struct {
	pm    []uint64 // pattern-match bit vectors, 256 rows of w words (bytes) or per code
	s     []uint64 // LCS state vector
	ra    []int32  // runes (or codes) of a
	rb    []int32  // runes (or codes) of b
	keys  []int32  // open-addressing table of pattern runes
	codes []int32
	alpha int
	buf1  []byte
	buf2  []byte
	flag  []bool
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// runeLen is the length of s in code points, the unit of every score.
func runeLen(s string) int {
	if isASCII(s) {
		return len(s)
	}
	return utf8.RuneCountInString(s)
}

// lcs returns the length of a longest common subsequence of a and b, in
// code points, by Hyyrö's bit-parallel algorithm: one pass over the longer
// string with ⌈len(shorter)/64⌉ machine words of state per character.
func (s *scratch) lcs(a, b string) int {
	// A common prefix and suffix are part of some LCS; strip them (whole
	// runes only).
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	for p > 0 && (p < len(a) && !utf8.RuneStart(a[p]) || p < len(b) && !utf8.RuneStart(b[p])) {
		p--
	}
	pre := a[:p]
	a, b = a[p:], b[p:]
	q := 0
	for q < len(a) && q < len(b) && a[len(a)-1-q] == b[len(b)-1-q] {
		q++
	}
	for q > 0 && (q < len(a) && !utf8.RuneStart(a[len(a)-q]) || q < len(b) && !utf8.RuneStart(b[len(b)-q])) {
		q--
	}
	suf := a[len(a)-q:]
	a, b = a[:len(a)-q], b[:len(b)-q]
	n := runeLen(pre) + runeLen(suf)
	if len(a) == 0 || len(b) == 0 {
		return n
	}
	if isASCII(a) && isASCII(b) {
		if len(a) > len(b) {
			a, b = b, a
		}
		return n + lcsBytes(s, a, b)
	}
	ra, rb := s.codesOf(a, b)
	return n + lcsCodes(s, ra, rb, s.alpha)
}

// lcsBytes is the bit-parallel LCS of ASCII strings, len(a) <= len(b).
func lcsBytes(s *scratch, a, b string) int {
	m := len(a)
	w := (m + 63) / 64
	if cap(s.pm) < 256*w {
		s.pm = make([]uint64, 256*w)
	}
	pm := s.pm[:256*w]
	if w == 1 {
		for i := 0; i < m; i++ {
			pm[a[i]] |= 1 << uint(i)
		}
		S := ^uint64(0)
		for i := 0; i < len(b); i++ {
			u := S & pm[b[i]]
			S = (S + u) | (S - u)
		}
		for i := 0; i < m; i++ {
			pm[a[i]] = 0
		}
		return bits.OnesCount64(^S & (^uint64(0) >> uint(64-m)))
	}
	for i := 0; i < m; i++ {
		pm[int(a[i])*w+i/64] |= 1 << uint(i%64)
	}
	n := 0
	if cap(s.s) < w {
		s.s = make([]uint64, w)
	}
	S := s.s[:w]
	for k := range S {
		S[k] = ^uint64(0)
	}
	for i := 0; i < len(b); i++ {
		row := pm[int(b[i])*w : int(b[i])*w+w]
		var carry uint64
		for k := range S {
			u := S[k] & row[k]
			sum, c := bits.Add64(S[k], u, carry)
			S[k] = sum | (S[k] - u)
			carry = c
		}
	}
	for k := 0; k < w; k++ {
		word := ^S[k]
		if k == w-1 && m%64 != 0 {
			word &= ^uint64(0) >> uint(64-m%64)
		}
		n += bits.OnesCount64(word)
	}
	for i := 0; i < m; i++ {
		for k := 0; k < w; k++ {
			pm[int(a[i])*w+k] = 0
		}
	}
	return n
}

// codesOf maps the runes of a and b to small codes (1..alpha-1 for runes
// of the shorter string, 0 for runes only in the longer one) and returns
// the shorter string's codes first.
func (s *scratch) codesOf(a, b string) (ra, rb []int32) {
	if utf8.RuneCountInString(a) > utf8.RuneCountInString(b) {
		a, b = b, a
	}
	size := 64
	for size < 4*len(a) {
		size *= 2
	}
	if cap(s.keys) < size {
		s.keys = make([]int32, size)
		s.codes = make([]int32, size)
	}
	keys, codes := s.keys[:size], s.codes[:size]
	for i := range keys {
		keys[i] = -1
	}
	next := int32(1)
	lookup := func(r rune, add bool) int32 {
		h := (uint32(r) * 2654435761) & uint32(size-1)
		for {
			if keys[h] == r {
				return codes[h]
			}
			if keys[h] == -1 {
				if !add {
					return 0
				}
				keys[h], codes[h] = r, next
				next++
				return codes[h]
			}
			h = (h + 1) & uint32(size-1)
		}
	}
	ra, rb = s.ra[:0], s.rb[:0]
	for _, r := range a {
		ra = append(ra, lookup(r, true))
	}
	for _, r := range b {
		rb = append(rb, lookup(r, false))
	}
	s.ra, s.rb = ra, rb
	s.alpha = int(next)
	return ra, rb
}

// lcsCodes is the bit-parallel LCS over code sequences, len(a) <= len(b),
// codes in [0, alpha), code 0 never in a.
func lcsCodes(s *scratch, a, b []int32, alpha int) int {
	m := len(a)
	w := (m + 63) / 64
	if cap(s.pm) < alpha*w {
		s.pm = make([]uint64, alpha*w)
	}
	pm := s.pm[:alpha*w]
	for i := range pm {
		pm[i] = 0
	}
	for i, c := range a {
		pm[int(c)*w+i/64] |= 1 << uint(i%64)
	}
	if cap(s.s) < w {
		s.s = make([]uint64, w)
	}
	S := s.s[:w]
	for k := range S {
		S[k] = ^uint64(0)
	}
	for _, c := range b {
		row := pm[int(c)*w : int(c)*w+w]
		var carry uint64
		for k := range S {
			u := S[k] & row[k]
			sum, cy := bits.Add64(S[k], u, carry)
			S[k] = sum | (S[k] - u)
			carry = cy
		}
	}
	n := 0
	for k := 0; k < w; k++ {
		word := ^S[k]
		if k == w-1 && m%64 != 0 {
			word &= ^uint64(0) >> uint(64-m%64)
		}
		n += bits.OnesCount64(word)
	}
	for i := range pm {
		pm[i] = 0
	}
	return n
}

// indelRatio is Ratio with scratch.
func (s *scratch) indelRatio(a, b string) float64 {
	la, lb := runeLen(a), runeLen(b)
	return pct(la+lb-2*s.lcs(a, b), la+lb)
}

// Ratio is the normalised Indel similarity of a and b, rapidfuzz's
// fuzz.ratio: with L the length of a longest common subsequence and lengths
// counted in code points,
//
//	Ratio = 100 * (1 - (len(a)+len(b)-2L) / (len(a)+len(b)))
//
// (100 for two empty strings). The strings are compared as given; see
// [Process] for normalisation.
func Ratio(a, b string) float64 {
	s := scratchPool.Get().(*scratch)
	r := s.indelRatio(a, b)
	scratchPool.Put(s)
	return r
}

// PartialRatio is the best Ratio of the shorter string against any
// alignment with the longer, rapidfuzz's fuzz.partial_ratio: the maximum
// over the windows of the longer string of the shorter one's length, and
// over the shorter prefixes and suffixes of the longer string where the
// shorter one hangs over its ends. When both have the same length both
// directions are tried. 100 for two empty strings, 0 when only one is
// empty. (rapidfuzz uses a heuristic for needles longer than 64 characters;
// this function always takes the exact maximum.)
func PartialRatio(a, b string) float64 {
	s := scratchPool.Get().(*scratch)
	r := s.partialRatio(a, b)
	scratchPool.Put(s)
	return r
}

func (s *scratch) partialRatio(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 && len(rb) == 0 {
		return 100
	}
	if len(ra) == 0 || len(rb) == 0 {
		return 0
	}
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	best := s.partialDir(ra, rb)
	if len(ra) == len(rb) && best < 100 {
		best = max(best, s.partialDir(rb, ra))
	}
	return best
}

// partialDir returns the best ratio of short against the windows of long.
func (s *scratch) partialDir(short, long []rune) float64 {
	m, n := len(short), len(long)
	best := 0.0
	fast := m <= 64
	for _, r := range short {
		fast = fast && r < 256
	}
	var pm *[256]uint64
	if fast {
		// One pattern table for all windows (runes < 256 index it; others
		// match nothing in short).
		if cap(s.pm) < 256 {
			s.pm = make([]uint64, 256)
		}
		pm = (*[256]uint64)(s.pm[:256])
		for i, r := range short {
			pm[r] |= 1 << uint(i)
		}
		defer func() {
			for _, r := range short {
				pm[r] = 0
			}
		}()
	}
	mask := ^uint64(0) >> uint(64-max(m, 1))
	try := func(win []rune) {
		if best == 100 {
			return
		}
		var l int
		if fast {
			S := ^uint64(0)
			for _, r := range win {
				if r < 256 {
					u := S & pm[r]
					S = (S + u) | (S - u)
				}
			}
			l = bits.OnesCount64(^S & mask)
		} else {
			l = s.lcsRunes(short, win)
		}
		if r := pct(m+len(win)-2*l, m+len(win)); r > best {
			best = r
		}
	}
	for i := 1; i < m; i++ {
		try(long[:i])
	}
	for i := 0; i <= n-m; i++ {
		try(long[i : i+m])
	}
	for i := n - m + 1; i < n; i++ {
		try(long[i:])
	}
	return best
}

// lcsRunes is lcs on rune slices.
func (s *scratch) lcsRunes(a, b []rune) int {
	s.buf1 = utf8.AppendRune(s.buf1[:0], 0)[:0]
	for _, r := range a {
		s.buf1 = utf8.AppendRune(s.buf1, r)
	}
	s.buf2 = s.buf2[:0]
	for _, r := range b {
		s.buf2 = utf8.AppendRune(s.buf2, r)
	}
	return s.lcs(unsafeString(s.buf1), unsafeString(s.buf2))
}

// TokenSortRatio is rapidfuzz's fuzz.token_sort_ratio: both strings are
// split on white space, their tokens sorted and joined with single spaces,
// and the results compared with Ratio. Word order thus does not matter.
func TokenSortRatio(a, b string) float64 {
	s := scratchPool.Get().(*scratch)
	r := s.indelRatio(sortedJoin(a), sortedJoin(b))
	scratchPool.Put(s)
	return r
}

// sortedJoin returns the tokens of x sorted and joined by single spaces.
func sortedJoin(x string) string {
	t := strings.Fields(x)
	slices.Sort(t)
	return strings.Join(t, " ")
}

// TokenSetRatio is rapidfuzz's fuzz.token_set_ratio. With A and B the sets
// of white-space-separated tokens of a and b, I = A∩B, and each set written
// as its tokens sorted and joined by single spaces:
//
//	sect = join(I), ab = join(A∖B), ba = join(B∖A)
//	t1 = sect + " " + ab, t2 = sect + " " + ba (no space when sect is empty)
//	TokenSetRatio = max(Ratio(t1, t2), Ratio(sect, t1), Ratio(sect, t2))
//
// where the last two only count when I is not empty. It is 100 when one
// token set contains the other (and they share a token), and 0 when either
// string has no tokens. Lengths are in code points.
func TokenSetRatio(a, b string) float64 {
	s := scratchPool.Get().(*scratch)
	A := dedupSorted(strings.Fields(a))
	B := dedupSorted(strings.Fields(b))
	var sect, ab, ba []string
	i, j := 0, 0
	for i < len(A) || j < len(B) {
		switch {
		case j == len(B) || i < len(A) && A[i] < B[j]:
			ab = append(ab, A[i])
			i++
		case i == len(A) || B[j] < A[i]:
			ba = append(ba, B[j])
			j++
		default:
			sect = append(sect, A[i])
			i++
			j++
		}
	}
	abs, bas := strings.Join(ab, " "), strings.Join(ba, " ")
	var lcs int
	if len(A) > 0 && len(B) > 0 && !(len(sect) > 0 && (len(ab) == 0 || len(ba) == 0)) {
		lcs = s.lcs(abs, bas)
	}
	r := tokenSetScore(len(A), len(B), joinedLen(sect), runeLen(abs), runeLen(bas), lcs)
	scratchPool.Put(s)
	return r
}

func dedupSorted(t []string) []string {
	slices.Sort(t)
	return slices.Compact(t)
}

// joinedLen is the code-point length of the tokens joined by single spaces.
func joinedLen(t []string) int {
	if len(t) == 0 {
		return 0
	}
	n := len(t) - 1
	for _, x := range t {
		n += runeLen(x)
	}
	return n
}

// tokenSetScore computes TokenSetRatio from its parts: the number of tokens
// of each set, the joined lengths of the intersection and both differences,
// and the LCS of the two joined differences. It follows rapidfuzz's
// token_set_ratio step by step.
func tokenSetScore(na, nb, sectLen, abLen, baLen, lcsDiff int) float64 {
	if na == 0 || nb == 0 {
		return 0
	}
	if sectLen > 0 && (abLen == 0 || baLen == 0) {
		return 100
	}
	sep := 0
	if sectLen > 0 {
		sep = 1
	}
	sectAB := sectLen + sep + abLen
	sectBA := sectLen + sep + baLen
	result := pct(abLen+baLen-2*lcsDiff, sectAB+sectBA)
	if sectLen == 0 {
		return result
	}
	result = max(result, pct(sep+abLen, sectLen+sectAB))
	result = max(result, pct(sep+baLen, sectLen+sectBA))
	return result
}

// JaroWinkler is the Jaro-Winkler similarity times 100, with prefix scale
// 0.1 and a common prefix of at most 4 code points, applied (as in
// rapidfuzz and Winkler's original) only when the Jaro similarity exceeds
// 0.7. Jaro counts the m characters that match within a window of
// max(len)/2-1 positions and the t transpositions among them:
// (m/len(a) + m/len(b) + (m-t)/m) / 3. 100 for two empty strings, 0 when
// one is empty.
func JaroWinkler(a, b string) float64 {
	s := scratchPool.Get().(*scratch)
	s.ra = appendRunes(s.ra[:0], a)
	s.rb = appendRunes(s.rb[:0], b)
	r := s.jaroWinkler(s.ra, s.rb)
	scratchPool.Put(s)
	return r
}

func appendRunes(dst []int32, x string) []int32 {
	for _, r := range x {
		dst = append(dst, r)
	}
	return dst
}

func (s *scratch) jaroWinkler(a, b []int32) float64 {
	la, lb := len(a), len(b)
	if la == 0 && lb == 0 {
		return 100
	}
	if la == 0 || lb == 0 {
		return 0
	}
	window := max(la, lb)/2 - 1
	if window < 0 {
		window = 0
	}
	if cap(s.flag) < la+lb {
		s.flag = make([]bool, la+lb)
	}
	fa, fb := s.flag[:la], s.flag[la:la+lb]
	clear(fa)
	clear(fb)
	m := 0
	for i := 0; i < la; i++ {
		lo, hi := max(0, i-window), min(lb-1, i+window)
		for j := lo; j <= hi; j++ {
			if !fb[j] && a[i] == b[j] {
				fa[i], fb[j] = true, true
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	t, k := 0, 0
	for i := 0; i < la; i++ {
		if !fa[i] {
			continue
		}
		for !fb[k] {
			k++
		}
		if a[i] != b[k] {
			t++
		}
		k++
	}
	fm := float64(m)
	jaro := (fm/float64(la) + fm/float64(lb) + (fm-float64(t/2))/fm) / 3
	if jaro > 0.7 {
		p := 0
		for p < min(4, la, lb) && a[p] == b[p] {
			p++
		}
		jaro += float64(p) * 0.1 * (1 - jaro)
	}
	return 100 * jaro
}
