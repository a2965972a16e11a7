package readers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestDialects: comment prefixes, skipped title rows and header rows, with
// line numbers in errors still counting every line of the input.
func TestDialects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opt  Options
		want string // names; rows
		err  string // error text, when it fails
	}{
		{"comment above header", "# it's a comment!\nid,name\n1,x\n", Options{Comment: "#"}, "[id name]; [[1 x]]", ""},
		{"comment between rows", "id,name\n1,x\n# note \"quoted\n2,y\n", Options{Comment: "#"}, "[id name]; [[1 x] [2 y]]", ""},
		{"comment with delimiters", "id,name\n#,,,\n1,x\n", Options{Comment: "#"}, "[id name]; [[1 x]]", ""},
		{"multi-byte prefix", "// generated\nid\n1\n//2\n", Options{Comment: "//"}, "[id]; [[1]]", ""},
		{"prefix inside quoted field is data", "id,txt\n1,\"a\n# b\"\n", Options{Comment: "#"}, "[id txt]; [[1 a\n# b]]", ""},
		{"no comment option", "# c\nid\n", Options{Delimiter: ','}, "[# c]; [[id]]", ""},
		{"skip rows", "Table 1\nMay 2023\narea,emp\nUS,\"1,000\"\n", Options{SkipRows: 2}, "[area emp]; [[US 1,000]]", ""},
		{"header row", "Table 1\nMay 2023\narea,emp\nUS,\"1,000\"\n", Options{HeaderRow: 3}, "[area emp]; [[US 1,000]]", ""},
		{"header row 1", "a,b\n1,2\n", Options{HeaderRow: 1}, "[a b]; [[1 2]]", ""},
		{"skipped lines hold quotes", "\"title, with \"quote\n\"\nid\n5\n", Options{SkipRows: 2}, "[id]; [[5]]", ""},
		{"crlf and cr title lines", "t1\r\nt2\rid\r\n7\r\n", Options{SkipRows: 2}, "[id]; [[7]]", ""},
		{"line numbers count skipped lines", "Title\n\nid,n\n1,2\n3\n", Options{SkipRows: 2}, "", "<input>:5: wrong number of fields"},
		{"line numbers count comments", "# a\n# b\nid,n\n1,2\n3\n", Options{Comment: "#"}, "", "<input>:5: wrong number of fields"},
		{"skip past the end", "one\n", Options{SkipRows: 5}, "", "empty input"},
		{"header row with no header", "a\n", Options{HeaderRow: 2, NoHeader: true}, "", "HeaderRow 2 with NoHeader"},
		{"disagreeing skip and header row", "a\n", Options{HeaderRow: 2, SkipRows: 3}, "", "disagree"},
		{"comment starting with a quote", "a\n", Options{Comment: "\""}, "", "comment prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, chunk := range []int{1, 0} {
				opt := tt.opt
				opt.ChunkRows = chunk
				opt.Raw = true
				f, err := ReadAll(CSV(context.Background(), strings.NewReader(tt.in), opt))
				if tt.err != "" {
					if err == nil || !strings.Contains(err.Error(), tt.err) {
						t.Fatalf("err = %v, want %q", err, tt.err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if got := fmt.Sprintf("%v; %v", f.Names(), frameRows(f)); got != tt.want {
					t.Fatalf("got %s, want %s", got, tt.want)
				}
				// Records applies the same dialect
				var recs [][]string
				for rec, err := range Records(context.Background(), strings.NewReader(tt.in), tt.opt) {
					if err != nil {
						t.Fatal(err)
					}
					recs = append(recs, rec)
				}
				if len(recs) != f.NumRows()+1 || fmt.Sprint(recs[0]) != fmt.Sprint(f.Names()) {
					t.Fatalf("Records: %q", recs)
				}
			}
		})
	}
}

// TestRaggedPoliciesAll: every policy on the same ragged input, with the
// counts Stats reports; RaggedPad refuses a long record (it would lose a
// field) and only RaggedTruncate drops fields.
func TestRaggedPoliciesAll(t *testing.T) {
	in := "a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n"
	tests := []struct {
		pol  RaggedPolicy
		want string
		err  string
	}{
		{RaggedError, "", "<input>:3: wrong number of fields: record has 2 fields, header has 3"},
		{RaggedPad, "", "<input>:4: wrong number of fields: record has 4 fields, header has 3 (ragged policy \"pad\" pads short records only"},
		{RaggedSkip, "[a b c] [[1 2 3] [10 11 12]] skipped 2", ""},
		{RaggedExtend, "[a b c column_4] [[1 2 3 <nil>] [4 5 <nil> <nil>] [6 7 8 9] [10 11 12 <nil>]] padded 1 extended 1", ""},
		{RaggedTruncate, "[a b c] [[1 2 3] [4 5 <nil>] [6 7 8] [10 11 12]] padded 1 truncated 1", ""},
	}
	for _, tt := range tests {
		for _, chunk := range []int{1, 2, 0} {
			seq, st := CSVStats(context.Background(), strings.NewReader(in), Options{Ragged: tt.pol, ChunkRows: chunk})
			f, err := ReadAll(seq)
			if tt.err != "" {
				var pe *ParseError
				if !errors.Is(err, ErrFieldCount) || !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("%v: err = %v, want %q", tt.pol, err, tt.err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%v: %v", tt.pol, err)
			}
			got := fmt.Sprint(f.Names(), " ", frameRows(f))
			for _, c := range []struct {
				n    int64
				name string
			}{{st.Padded, "padded"}, {st.Skipped, "skipped"}, {st.Extended, "extended"}, {st.Truncated, "truncated"}} {
				if c.n > 0 {
					got += fmt.Sprintf(" %s %d", c.name, c.n)
				}
			}
			if got != tt.want {
				t.Fatalf("%v chunk %d: got %s, want %s", tt.pol, chunk, got, tt.want)
			}
		}
	}
	// NoHeader: extension past the first record's width
	f, err := ReadAll(CSV(context.Background(), strings.NewReader("1\n2,3\n"), Options{NoHeader: true, Ragged: RaggedExtend}))
	if err != nil || fmt.Sprint(f.Names(), frameRows(f)) != "[column_1 column_2] [[1 <nil>] [2 3]]" {
		t.Fatalf("NoHeader extend: %v %v", err, f)
	}
}

// TestRaggedPolicyText: the text form round-trips and bad text is an error
// listing the policies.
func TestRaggedPolicyText(t *testing.T) {
	for _, p := range []RaggedPolicy{RaggedError, RaggedPad, RaggedSkip, RaggedExtend, RaggedTruncate} {
		b, err := p.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var q RaggedPolicy
		if err := q.UnmarshalText(b); err != nil || q != p || p.String() != string(b) {
			t.Fatalf("%v: %q → %v, %v", p, b, q, err)
		}
	}
	var q RaggedPolicy
	if err := q.UnmarshalText([]byte("EXTEND")); err != nil || q != RaggedExtend {
		t.Fatalf("case: %v %v", q, err)
	}
	if err := q.UnmarshalText([]byte("drop")); err == nil || !strings.Contains(err.Error(), "error, pad, skip, extend, truncate") {
		t.Fatalf("bad text: %v", err)
	}
	if _, err := RaggedPolicy(9).MarshalText(); err == nil {
		t.Fatal("policy 9 marshalled")
	}
}
