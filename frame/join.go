package frame

import (
	"fmt"
	"math"
	"strings"
)

// JoinType is the kind of a join.
type JoinType uint8

// The join kinds. Rows whose key is null (in any key column) never match, as
// in SQL.
const (
	// Inner keeps the pairs of rows whose keys are equal.
	Inner JoinType = iota
	// Left keeps every left row: matched as Inner, unmatched with nulls in
	// the right side's columns.
	Left
	// Right keeps every right row: the Inner pairs, then the unmatched right
	// rows with nulls in the left side's non-key columns.
	Right
	// Outer keeps every row of both sides: Left, then the unmatched right
	// rows.
	Outer
	// Semi keeps the left rows that have at least one match (once each, left
	// columns only).
	Semi
	// Anti keeps the left rows that have no match (left columns only).
	Anti
)

var joinNames = [...]string{"inner", "left", "right", "outer", "semi", "anti"}

// String returns the join kind's name ("inner", "left", …).
func (j JoinType) String() string {
	if int(j) < len(joinNames) {
		return joinNames[j]
	}
	return fmt.Sprintf("JoinType(%d)", uint8(j))
}

// ParseJoinType is the inverse of [JoinType.String]; it also accepts "full"
// for Outer.
func ParseJoinType(s string) (JoinType, error) {
	for i, n := range joinNames {
		if s == n {
			return JoinType(i), nil
		}
	}
	if s == "full" {
		return Outer, nil
	}
	return 0, fmt.Errorf("frame: unknown join type %q", s)
}

// JoinOn pairs the key columns of a join: Left[i] of the left frame is
// compared with Right[i] of the right frame. Build it with [On] or [OnSame].
type JoinOn struct {
	Left, Right []string
}

// On joins on left column left = right column right:
// frame.On("code", "occ_code"). Add further key pairs with [JoinOn.And].
func On(left, right string) JoinOn {
	return JoinOn{Left: []string{left}, Right: []string{right}}
}

// OnSame joins on columns that have the same names on both sides:
// frame.OnSame("title", "state").
func OnSame(names ...string) JoinOn {
	return JoinOn{Left: append([]string(nil), names...), Right: append([]string(nil), names...)}
}

// And returns on with one more key pair.
func (on JoinOn) And(left, right string) JoinOn {
	return JoinOn{
		Left:  append(append([]string(nil), on.Left...), left),
		Right: append(append([]string(nil), on.Right...), right),
	}
}

// String shows the key pairs as "a=b, c=d".
func (on JoinOn) String() string {
	parts := make([]string, len(on.Left))
	for i := range on.Left {
		r := "?"
		if i < len(on.Right) {
			r = on.Right[i]
		}
		parts[i] = on.Left[i] + "=" + r
	}
	return strings.Join(parts, ", ")
}

// JoinOption adjusts a join's output; see [Suffixes].
type JoinOption func(*joinConfig)

type joinConfig struct {
	leftSuffix, rightSuffix string
	orderRight              bool
}

// OrderByRight orders a join's output by the right side's rows instead of
// the left's: the right rows in order, each followed by its matches in
// left-row order (for Right and Outer an unmatched right row appears once
// in place, with nulls on the left); then, for Left and Outer, the
// unmatched left rows in left-row order. It is the mirror image of the
// default order and changes nothing else (columns, names, values). Semi and
// Anti keep left-row order. Streaming engines use it to stream the right
// side of a join (see package parallel).
func OrderByRight() JoinOption {
	return func(c *joinConfig) { c.orderRight = true }
}

// OrdersByRight reports whether opts include [OrderByRight] for a join of
// kind how (never for Semi and Anti).
func OrdersByRight(how JoinType, opts ...JoinOption) bool {
	if how == Semi || how == Anti {
		return false
	}
	var c joinConfig
	for _, o := range opts {
		o(&c)
	}
	return c.orderRight
}

// Mirror returns the join type that keeps the same rows when the sides are
// swapped: Left ↔ Right; the others are their own mirror.
func (j JoinType) Mirror() JoinType {
	switch j {
	case Left:
		return Right
	case Right:
		return Left
	}
	return j
}

// Swap returns the keys with the sides swapped.
func (on JoinOn) Swap() JoinOn { return JoinOn{Left: on.Right, Right: on.Left} }

// Suffixes sets what is appended to the names of non-key columns present on
// both sides: left to the left side's, right to the right side's. The
// default is Suffixes("", "_right").
func Suffixes(left, right string) JoinOption {
	return func(c *joinConfig) { c.leftSuffix, c.rightSuffix = left, right }
}

// Join joins left and right on equal keys with a hash join.
//
//	j, err := frame.Join(work, codes, frame.Inner, frame.On("code", "occ_code"))
//
// Keys: one or several pairs (see [On], [OnSame], [JoinOn.And]); paired
// columns must have the same type (Int64 with Int64, String with String, …;
// otherwise an error wrapping ErrType). Any type can be a key; Float64 keys
// compare by value (0 equals -0) and String keys bytewise, plain and
// dictionary-encoded alike. A null in any key column never matches (SQL).
// Many-to-many keys give every pair.
//
// Output columns: the left frame's columns (key columns once, under the left
// names), then the right frame's non-key columns. For Right and Outer joins
// the key value of an unmatched right row comes from the right side. A
// non-key column name present on both sides gets the suffixes of
// [Suffixes] (default "" and "_right"); Semi and Anti output the left
// columns only.
//
// Output order, deterministic and independent of which side the hash table
// is built on: the left rows in order, each followed by its matches in
// right-row order (for Left and Outer an unmatched left row appears once in
// place, with nulls on the right); then, for Right and Outer, the unmatched
// right rows in right-row order. Semi and Anti keep left-row order.
// [OrderByRight] gives the mirror-image order.
//
// Cost: the hash table is built on the smaller side; O(rows of both + output)
// time; memory about 12 bytes a row of both sides plus 8 bytes an output row
// of indices, plus the output columns.
func Join(left, right *Frame, how JoinType, on JoinOn, opts ...JoinOption) (*Frame, error) {
	var li, ri []int32
	var err error
	if OrdersByRight(how, opts...) {
		ri, li, err = joinRows(right, left, how.Mirror(), on.Swap(), nil, nil, true)
	} else {
		li, ri, err = joinRows(left, right, how, on, nil, nil, true)
	}
	if err != nil {
		return nil, err
	}
	out, err := JoinTake(left, right, how, on, li, ri, opts...)
	idScratch.put(li) // the output copied what it needed
	idScratch.put(ri)
	return out, err
}

// checkJoin validates the join's arguments and resolves its key columns.
func checkJoin(left, right *Frame, how JoinType, on JoinOn) (lk, rk []*Column, err error) {
	if how > Anti {
		return nil, nil, fmt.Errorf("frame: join: unknown join type %d", how)
	}
	if len(on.Left) == 0 || len(on.Left) != len(on.Right) {
		return nil, nil, fmt.Errorf("frame: join: need equally many left and right keys, have %d and %d", len(on.Left), len(on.Right))
	}
	if lk, err = keyColumns(left, "join: left", on.Left); err != nil {
		return nil, nil, err
	}
	if rk, err = keyColumns(right, "join: right", on.Right); err != nil {
		return nil, nil, err
	}
	for i := range lk {
		if lk[i].typ != rk[i].typ {
			return nil, nil, fmt.Errorf("frame: join: key %s is %v on the left, %v on the right: %w",
				on.Left[i]+"="+on.Right[i], lk[i].typ, rk[i].typ, ErrType)
		}
	}
	if left.nrows > math.MaxInt32 || right.nrows > math.MaxInt32 {
		return nil, nil, fmt.Errorf("frame: join: more than %d rows on one side", math.MaxInt32)
	}
	return lk, rk, nil
}

// JoinRows computes which rows a join pairs up, without building the output:
// li[k] and ri[k] are the left and right rows of output row k of [Join], -1
// standing for the missing side of an unmatched row (ri is nil for Semi and
// Anti). Together with [JoinTake] it is Join split in two; package parallel
// uses it to join hash partitions.
//
// lrows and rrows restrict the join to those rows of each side (nil means
// all rows); they must be ascending for the output order of Join to hold,
// and the returned indices are rows of left and right, not positions in
// lrows and rrows.
func JoinRows(left, right *Frame, how JoinType, on JoinOn, lrows, rrows []int32) (li, ri []int32, err error) {
	return joinRows(left, right, how, on, lrows, rrows, false)
}

// joinRows is JoinRows; with recycle, its key-id scratch goes back to
// idScratch for the next join or group-by (only for one-shot callers: a
// buffer kept in the pool between calls is heap like any other).
func joinRows(left, right *Frame, how JoinType, on JoinOn, lrows, rrows []int32, recycle bool) (li, ri []int32, err error) {
	lk, rk, err := checkJoin(left, right, how, on)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range lrows {
		if r < 0 || int(r) >= left.nrows {
			return nil, nil, fmt.Errorf("frame: join: left row %d of %d: %w", r, left.nrows, ErrIndex)
		}
	}
	for _, r := range rrows {
		if r < 0 || int(r) >= right.nrows {
			return nil, nil, fmt.Errorf("frame: join: right row %d of %d: %w", r, right.nrows, ErrIndex)
		}
	}
	nl, nr := numPositions(lrows, left.nrows), numPositions(rrows, right.nrows)

	// Key ids: build on the smaller side, probe with the other.
	var lids, rids []int32
	var d int
	if nl < nr {
		lids, rids, d = joinKeyIDs(lk, rk, lrows, rrows)
	} else {
		rids, lids, d = joinKeyIDs(rk, lk, rrows, lrows)
	}

	// Right positions grouped by id, in right order (CSR).
	start := make([]int32, d+1)
	for _, id := range rids {
		if id >= 0 {
			start[id+1]++
		}
	}
	for i := 1; i <= d; i++ {
		start[i] += start[i-1]
	}
	byID := make([]int32, int(start[d]))
	fill := make([]int32, d)
	copy(fill, start[:d])
	for k, id := range rids {
		if id >= 0 {
			byID[fill[id]] = int32(rowAt(rrows, k))
			fill[id]++
		}
	}
	fill = nil
	if recycle {
		defer func() { // the key ids are ours alone (see joinKeyIDs)
			idScratch.put(lids)
			idScratch.put(rids)
		}()
	}

	switch how {
	case Semi, Anti:
		want := how == Semi
		for k, id := range lids {
			if (id >= 0 && start[id+1] > start[id]) == want {
				li = append(li, int32(rowAt(lrows, k)))
			}
		}
		if li == nil {
			li = []int32{}
		}
		return li, nil, nil
	}

	keepLeft := how == Left || how == Outer
	keepRight := how == Right || how == Outer
	total := 0
	for _, id := range lids {
		m := 0
		if id >= 0 {
			m = int(start[id+1] - start[id])
		}
		if m == 0 && keepLeft {
			m = 1
		}
		total += m
	}
	var hit []bool
	if keepRight {
		hit = make([]bool, d)
	}
	li = idScratch.get(total) // every entry is written below
	ri = idScratch.get(total)
	o := 0
	for k, id := range lids {
		r := int32(rowAt(lrows, k))
		if id >= 0 {
			s, e := start[id], start[id+1]
			if s < e {
				for _, rr := range byID[s:e] {
					li[o], ri[o] = r, rr
					o++
				}
				if hit != nil {
					hit[id] = true
				}
				continue
			}
		}
		if keepLeft {
			li[o], ri[o] = r, -1
			o++
		}
	}
	if keepRight {
		for k, id := range rids {
			if id < 0 || !hit[id] {
				li = append(li, -1)
				ri = append(ri, int32(rowAt(rrows, k)))
			}
		}
	}
	return li, ri, nil
}

// joinKeyIDs numbers the key values of the build side and looks up the probe
// side's (probe values absent from the build side, and nulls, get -1).
func joinKeyIDs(bk, pk []*Column, brows, prows []int32) (bids, pids []int32, d int) {
	for i := range bk {
		b, p, cd := pairColumnIDs(bk[i], pk[i], brows, prows)
		if i == 0 {
			bids, pids, d = b, p, cd
			continue
		}
		bids, pids, d = combinePairIDs(bids, b, pids, p)
	}
	return bids, pids, d
}

// JoinTake builds the output of a join from the row pairs li, ri computed by
// [JoinRows] with the same frames, kind and keys (see [Join] for the output's
// columns and names). A negative index gives nulls for that side.
func JoinTake(left, right *Frame, how JoinType, on JoinOn, li, ri []int32, opts ...JoinOption) (*Frame, error) {
	lk, rk, err := checkJoin(left, right, how, on)
	if err != nil {
		return nil, err
	}
	if how != Semi && how != Anti && len(li) != len(ri) {
		return nil, fmt.Errorf("frame: join: %d left and %d right indices: %w", len(li), len(ri), ErrLength)
	}
	for _, r := range li {
		if int(r) >= left.nrows {
			return nil, fmt.Errorf("frame: join: left row %d of %d: %w", r, left.nrows, ErrIndex)
		}
	}
	for _, r := range ri {
		if int(r) >= right.nrows {
			return nil, fmt.Errorf("frame: join: right row %d of %d: %w", r, right.nrows, ErrIndex)
		}
	}
	cfg := joinConfig{rightSuffix: "_right"}
	for _, o := range opts {
		o(&cfg)
	}
	if how == Semi || how == Anti {
		out := takeFrame(left, li)
		return out, nil
	}
	isLeftKey := make(map[string]int, len(lk))
	for i, n := range on.Left {
		isLeftKey[n] = i
	}
	isRightKey := make(map[string]bool, len(rk))
	for _, n := range on.Right {
		isRightKey[n] = true
	}
	rightNames := make(map[string]bool)
	for _, c := range right.cols {
		if !isRightKey[c.name] {
			rightNames[c.name] = true
		}
	}
	leftNames := make(map[string]bool)
	for _, c := range left.cols {
		leftNames[c.name] = true
	}
	cols := make([]*Column, 0, len(left.cols)+len(right.cols))
	coalesce := how == Right || how == Outer
	for _, c := range left.cols {
		if ki, ok := isLeftKey[c.name]; ok {
			if coalesce {
				cols = append(cols, takeCoalesce(c, rk[ki], li, ri))
			} else {
				cols = append(cols, takeRows(c, li))
			}
			continue
		}
		nc := takeRows(c, li)
		if rightNames[c.name] && cfg.leftSuffix != "" {
			nc.name += cfg.leftSuffix
		}
		cols = append(cols, nc)
	}
	for _, c := range right.cols {
		if isRightKey[c.name] {
			continue
		}
		nc := takeRows(c, ri)
		if leftNames[c.name] {
			nc.name += cfg.rightSuffix
		}
		cols = append(cols, nc)
	}
	out, err := New(cols...)
	if err != nil {
		return nil, fmt.Errorf("frame: join: %w (choose other suffixes)", err)
	}
	out.nrows = len(li)
	return out, nil
}

// takeCoalesce gathers a key column: row li[k] of l where li[k] >= 0, else
// row ri[k] of r. The result is named after l.
func takeCoalesce(l, r *Column, li, ri []int32) *Column {
	useRight := false
	for _, k := range li {
		if k < 0 {
			useRight = true
			break
		}
	}
	if !useRight {
		return takeRows(l, li)
	}
	if l.typ == String && !(l.dict != nil && l.dict == r.dict) {
		var b StringBuilder
		b.Grow(len(li), 0)
		for k, x := range li {
			src, i := l, int(x)
			if x < 0 {
				src, i = r, int(ri[k])
			}
			if i < 0 || !src.validAt(i) {
				b.AppendNull()
			} else {
				b.AppendBytes(src.strBytes(i))
			}
		}
		return b.Build(l.name)
	}
	a := takeRows(l, li)
	bcol := takeRows(r, ri)
	out := *a
	var bb bitmapBuilder
	for k, x := range li {
		src := a
		if x < 0 {
			src = bcol
			switch out.typ {
			case Int64, Date, Datetime:
				out.ints[k] = bcol.ints[k]
			case Float64:
				out.floats[k] = bcol.floats[k]
			case Bool:
				out.bools[k] = bcol.bools[k]
			case String:
				out.codes[k] = bcol.codes[k]
			}
		}
		if src.validAt(k) {
			bb.appendValid()
		} else {
			bb.appendNull()
		}
	}
	out.valid, out.nulls = bb.finish()
	return &out
}
