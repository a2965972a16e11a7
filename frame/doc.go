// Package frame is sluice's in-memory columnar table.
//
// A [Frame] is an ordered set of equally long, named, typed [Column]s. Both are
// immutable once built: every operation returns a new Frame that shares the
// unchanged columns (and, where it can, the unchanged buffers) of its input, so
// goroutines share frames by reference and never need to copy or lock them.
//
// # Types and nulls
//
// A column holds one of the types [Int64], [Float64], [String], [Bool], [Date]
// (days since 1970-01-01) or [Datetime] (nanoseconds since the Unix epoch, UTC).
// Every type can hold nulls, recorded in a validity bitmap (one bit per value,
// omitted when the column has no nulls). In a Float64 column a null is also
// stored as NaN in the value slot and a NaN value is always null, as in pandas:
// so [Column.Float64s] can be handed straight to the NaN-skipping kernels of
// package stats.
//
// String columns are pointer-free: one byte buffer plus one int64 offset per
// value, optionally dictionary-encoded (one uint32 code per value into a small
// plain string column), so a 50-million-row frame gives the garbage collector
// a handful of pointers to scan, not 50 million.
//
// # Null policy of operations
//
// Comparisons and arithmetic with a null operand give null; [Frame.Filter]
// keeps a row only where its predicate is true (null counts as false); And/Or
// follow SQL's three-valued logic; [Frame.Sort] puts nulls last whatever the
// direction. Join keys that are null never match (see the join functions).
//
// # Expressions
//
// [ParseExpr] (and [Frame.Where]) read a small expression language; the same
// expressions can be built in Go ([Col], [Lit], [If], [Coalesce] and the
// methods of [Expr]). It is Go's expression syntax plus what analysts write
// in SQL and spreadsheets, so both of these work:
//
//	score > 80 && area_title == "Texas"
//	score > 80 AND area_title = 'Texas'
//
// Operands:
//
//   - a column: a name (letters, digits and _, not starting with a digit),
//     or col("any name") for names with spaces, dots or other characters, and
//     for names that are reserved words (and, or, not, in, is, between, like,
//     true, false, null, nil, in any case); column names are case-sensitive
//   - a number: 42, -7, 3.5, 1e6, 1_000, 0x1F; an integer with a leading zero
//     (06037) is an error: quote it ('06037') if the column is text
//   - a string, in single, double or back quotes (below)
//   - true, false, and null (also nil), in any case
//   - a function call: name(arguments), the name in any case
//   - (expression)
//
// Strings:
//
//	'it''s' 'it\'s'     single quotes: a quote inside is doubled or escaped;
//	'C:\temp' '\d+'    any other backslash is itself (\\ also means one),
//	                  so regular expressions and paths need no doubling
//	"it's\n\u00e9"     double quotes: Go's escapes (\n \t \" \\ \x41 \u00e9)
//	`C:\temp`          back quotes: raw, as in Go
//
// Operators, from loosest to tightest binding; operators of one level
// group from the left:
//
//	or  ||
//	and &&
//	not                                      (not a = 1 is not (a = 1))
//	= == != <> < <= > >=   x in (…)   x not in (…)   x is [not] null
//	x between lo and hi   x not between lo and hi
//	+ -
//	* / %
//	! -  (unary: !a = b is (!a) = b, as in Go)
//
// = and == both mean equality (there is no assignment), <> and != both mean
// not equal. Comparisons do not chain: 1 < x < 5 compares a bool with 5;
// write 1 < x and x < 5, or x between 1 and 5.
//
// Types: numbers compare with numbers (Int64 with Float64 as floats),
// strings with strings (bytewise), bools with bools, Date/Datetime columns
// with each other and with string literals read as a date ('2024-01-31') or
// an instant ('2024-01-31T08:00:00Z', '2024-01-31 08:00:00'): a Date compares
// with an instant as midnight UTC of its day. Int64 arithmetic stays Int64
// (wrapping on overflow) except /, which always gives Float64 (x / 0 is ±Inf,
// 0 / 0 is NaN, that is null); % needs Int64 operands and x % 0 is null.
//
// Nulls follow SQL. An operator or function with a null operand gives null,
// except: and/or use three-valued logic (null and false is false, null or
// true is true); is_null, not_null, x is [not] null are never null; x in
// (…) is null when x is null, or when nothing matches and a candidate is
// null; if treats a null condition as false; coalesce skips nulls. A filter
// keeps the rows where the condition is true: a null condition drops the row,
// so x = null keeps nothing (write x is null).
//
// Functions (s: a string, x: a number, d: a Date or Datetime, in UTC; null
// in, null out unless said otherwise):
//
//	is_null(v), not_null(v)     true where v is (not) null; never null
//	contains(s, 'sub')          s contains sub (the second argument in quotes)
//	has_prefix(s, 'p')          s starts with p (also startswith, starts_with)
//	has_suffix(s, 'p')          s ends with p (also endswith, ends_with)
//	matches(s, 'regexp')        s matches the regular expression (Go's RE2
//	                            syntax, compiled once; unanchored: '^\d+$')
//	lower(s), upper(s)          s in lower/upper case (Unicode)
//	trim(s)                     s without leading and trailing white space
//	len(s)                      the number of characters of s (also length)
//	abs(x)                      |x|, of x's type
//	round(x), round(x, n)       x rounded to n decimals (-18 ≤ n ≤ 18; negative
//	                            n rounds to tens, hundreds…), halves away from
//	                            zero as in SQL and Excel (numpy rounds them to
//	                            even); Float64 stays Float64, Int64 stays Int64
//	floor(x), ceil(x)           x rounded down/up to a whole number, of x's type
//	year(d), month(d), day(d)   the calendar parts of d, as Int64
//	if(c, a, b)                 a where c is true, b where c is false or null
//	coalesce(a, b, …)           the first of its arguments that is not null
//	between(x, lo, hi)          lo <= x and x <= hi, the same as x between lo and hi
//	in(x, a, b, …)              x = a or x = b or …, the same as x in (a, b, …)
//	col('name')                 the column called name
//
// The two results of if, and the arguments of coalesce, must have one type:
// numbers mix (Float64 if any is Float64), a Date mixes with a Datetime
// (giving Datetime), a string literal among dates is read as a date, and
// null takes the other type. A long list of literals in in(…) is a hash set:
// 60,000 candidates cost one lookup per row.
//
// Examples:
//
//	OCC_GROUP = 'major' and a_mean >= 100000
//	state in ('TX', 'OK') or lower(trim(city)) = 'austin'
//	round(a_mean / 1000, 1) between 40 and 60
//	year(hired) >= 2020 and not is_null(salary)
//	matches(occ_code, '^1[1-3]-') and col("area title") <> 'U.S.'
//	coalesce(a_median, a_mean, 0) > 50000
//	if(a_mean > 100000, 'high', 'other') = 'high'
//
// Errors ([*ExprError]) name the problem, show the expression (at most about
// 80 characters around the place) with a caret under it, and give a hint
// where one helps:
//
//	unknown column "a_man" (did you mean a_mean?)
//	  a_man > 100000
//	  ^^^^^
//
// Expressions nest at most 1000 levels deep (parentheses, operators, calls);
// a long chain of and/or is one level.
//
// # Testing
//
// The package's tests compare every operation with a naive row-wise reference
// on random frames (fixed seeds). `go test -short` and `go test -race` skip
// the 10M-row memory test (TestMemory10M, which needs about 1.5 GB) and run
// fewer random frames; benchmarks at the Foundation sizes run with
// `go test -run '^$' -bench . ./frame`.
//
// # Engine kernels
//
// A few exported names serve sluice's own engine (readers, writers, package
// parallel, the spill codec) rather than analysts: they expose frame's
// column layout or split an operation into the steps an out-of-core
// operator needs. Analyst code should not need them; their contracts are
// stated in their doc comments.
//
//   - Layout: [AdoptColumn] (checked, returns an error) and the unchecked
//     [AdoptInt64s], [AdoptFloat64s], [AdoptBools], [AdoptStrings],
//     [AdoptDict] (adopt.go), [Column.Validity], [Column.StringBuffers],
//     [StackValidity], [ConcatColumns], and [Appender], which builds a frame
//     from row ranges of frames of one schema (the k-way merges' output).
//   - Hashing and partitioning: [HashKeys], [MixHash] (hash.go).
//   - Operators in steps: [JoinRows] and [JoinTake] (join.go), [JoinIndex]
//     (joinindex.go), [Grouping.AggRows] (groupby.go).
//
// The unchecked Adopt functions trust their caller for everything that would
// cost a pass over the data and return an error for a misuse visible in O(1)
// (a bitmap of the wrong length, a type they cannot hold).
//
// # Errors
//
// Every fallible call returns (T, error); errors wrap the sentinels
// [ErrNoColumn], [ErrType], [ErrLength], [ErrDuplicate], [ErrIndex] and (from
// [ParseExpr]) [ErrSyntax] for errors.Is; expression errors are
// [*ExprError] values that wrap one of them.
// No function panics on bad input; the Must* helpers, meant for notebooks and
// examples, are the documented exception (and, as for a slice, a row index
// out of range in the per-value accessors such as [Column.IsNull]).
package frame
