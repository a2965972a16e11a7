package sqlconv

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sluicedata/sluice/frame"
)

// Placeholder is a driver's style of query parameters.
type Placeholder int

const (
	// Question is "?": SQLite, MySQL, DuckDB (the zero value).
	Question Placeholder = iota
	// Dollar is "$1", "$2", …: PostgreSQL (pgx, lib/pq).
	Dollar
	// AtP is "@p1", "@p2", …: SQL Server.
	AtP
	// Colon is ":1", ":2", …: Oracle.
	Colon
)

func (p Placeholder) param(i int) string {
	switch p {
	case Dollar:
		return "$" + strconv.Itoa(i)
	case AtP:
		return "@p" + strconv.Itoa(i)
	case Colon:
		return ":" + strconv.Itoa(i)
	}
	return "?"
}

// DefaultSQLTypes are the column types [Insert] creates tables with.
var DefaultSQLTypes = map[frame.Type]string{
	frame.Int64:    "BIGINT",
	frame.Float64:  "DOUBLE PRECISION",
	frame.String:   "TEXT",
	frame.Bool:     "BOOLEAN",
	frame.Date:     "DATE",
	frame.Datetime: "TIMESTAMP",
}

// InsertOptions tunes [Insert]. The zero value inserts into an existing
// table in one transaction, with "?" parameters, at most 999 parameters
// and 500 rows a statement, identifiers in double quotes.
type InsertOptions struct {
	// Create makes Insert create the table first (CREATE TABLE, an error
	// if it exists) with a column per frame column, typed by SQLTypes.
	Create bool
	// SQLTypes overrides entries of DefaultSQLTypes for Create.
	SQLTypes map[frame.Type]string
	// BatchRows is the most rows of one INSERT statement; 0 means 500.
	BatchRows int
	// MaxParams is the driver's limit of parameters in one statement; 0
	// means 999, the lowest common one (SQLite before 3.32; PostgreSQL and
	// MySQL allow 65535, SQL Server 2100, SQLite since 3.32 32766).
	// Statements hold at most MaxParams / columns rows.
	MaxParams int
	// Placeholder is the parameter style of the driver.
	Placeholder Placeholder
	// NoTx inserts without a transaction of Insert's own (each statement
	// commits by itself, or db is a transaction the caller runs).
	NoTx bool
	// Quote quotes an identifier; nil means SQL's double quotes, with
	// embedded double quotes doubled (SQLite, PostgreSQL, DuckDB, Oracle,
	// MySQL in ANSI_QUOTES mode). For MySQL's default mode use backticks.
	Quote func(ident string) string
}

// Execer is what [Insert] writes to: *sql.DB, *sql.Tx or *sql.Conn.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

type beginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

func quoteANSI(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Insert writes the rows of f into table with multi-row INSERT statements
//
//	INSERT INTO "table" ("a", "b") VALUES (?, ?), (?, ?), …
//
// of as many rows as opt.BatchRows and opt.MaxParams allow (one prepared
// statement serves every full batch), all in one transaction when db can
// begin one (*sql.DB, *sql.Conn) unless opt.NoTx: either every row is
// written or, on an error, none. table and the column names are quoted as
// identifiers (table is one identifier: for a schema-qualified name, write
// your own Quote). Values are bound as the package comment says; with
// opt.Create the table is first created from f's schema.
//
// Errors name the table and the rows of the failing statement and wrap the
// driver's error.
func Insert(ctx context.Context, db Execer, table string, f *frame.Frame, opt InsertOptions) (err error) {
	quote := opt.Quote
	if quote == nil {
		quote = quoteANSI
	}
	ncols := f.NumCols()
	if ncols == 0 {
		return fmt.Errorf("sqlconv: insert into %s: the frame has no columns", quote(table))
	}
	maxParams := opt.MaxParams
	if maxParams <= 0 {
		maxParams = 999
	}
	batch := opt.BatchRows
	if batch <= 0 {
		batch = 500
	}
	batch = min(batch, maxParams/ncols)
	if batch == 0 {
		return fmt.Errorf("sqlconv: insert into %s: %d columns exceed the limit of %d parameters a statement", quote(table), ncols, maxParams)
	}

	if b, ok := db.(beginner); ok && !opt.NoTx {
		tx, berr := b.BeginTx(ctx, nil)
		if berr != nil {
			return fmt.Errorf("sqlconv: insert into %s: begin: %w", quote(table), berr)
		}
		defer func() { // err is Insert's result
			if err != nil {
				tx.Rollback()
				return
			}
			if cerr := tx.Commit(); cerr != nil {
				err = fmt.Errorf("sqlconv: insert into %s: commit: %w", quote(table), cerr)
			}
		}()
		db = tx
	}

	cols := f.Columns()
	if opt.Create {
		defs := make([]string, ncols)
		for i, c := range cols {
			t, ok := opt.SQLTypes[c.Type()]
			if !ok {
				t = DefaultSQLTypes[c.Type()]
			}
			defs[i] = quote(c.Name()) + " " + t
		}
		q := "CREATE TABLE " + quote(table) + " (" + strings.Join(defs, ", ") + ")"
		if _, err = db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("sqlconv: create table %s: %w", quote(table), err)
		}
	}

	names := make([]string, ncols)
	for i, c := range cols {
		names[i] = quote(c.Name())
	}
	head := "INSERT INTO " + quote(table) + " (" + strings.Join(names, ", ") + ") VALUES "
	stmtFor := func(rows int) string {
		var sb strings.Builder
		sb.WriteString(head)
		p := 1
		for r := range rows {
			if r > 0 {
				sb.WriteString(", ")
			}
			sb.WriteByte('(')
			for c := range ncols {
				if c > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString(opt.Placeholder.param(p))
				p++
			}
			sb.WriteByte(')')
		}
		return sb.String()
	}

	nrows := f.NumRows()
	var full *sql.Stmt
	if p, ok := db.(preparer); ok && nrows >= batch {
		if full, err = p.PrepareContext(ctx, stmtFor(batch)); err != nil {
			return fmt.Errorf("sqlconv: insert into %s: prepare: %w", quote(table), err)
		}
		defer full.Close()
	}
	args := make([]any, 0, batch*ncols)
	for start := 0; start < nrows; start += batch {
		end := min(start+batch, nrows)
		args = args[:0]
		for r := start; r < end; r++ {
			for _, c := range cols {
				args = append(args, value(c, r))
			}
		}
		if full != nil && end-start == batch {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = db.ExecContext(ctx, stmtFor(end-start), args...)
		}
		if err != nil {
			return fmt.Errorf("sqlconv: insert into %s: rows %d to %d: %w", quote(table), start+1, end, err)
		}
	}
	return nil
}

// value returns row r of c as a query argument.
func value(c *frame.Column, r int) any {
	if c.IsNull(r) {
		return nil
	}
	switch c.Type() {
	case frame.Int64:
		return c.Int64(r)
	case frame.Float64:
		return c.Float64(r)
	case frame.String:
		return c.Str(r)
	case frame.Bool:
		return c.Bool(r)
	case frame.Date:
		return time.Unix(c.Int64(r)*86400, 0).UTC()
	case frame.Datetime:
		return time.Unix(0, c.Int64(r)).UTC()
	}
	return nil
}
