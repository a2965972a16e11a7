package json

import (
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// Value kinds of a parsed field.
const (
	kNull uint8 = iota
	kFalse
	kTrue
	kNumber
	kString
	kNested // an object or array, as compact JSON text
)

// maxDepth bounds the nesting of objects and arrays inside a record.
const maxDepth = 1000

// field is one key and value of a parsed record. key and text alias the
// record's bytes or the parser's arena: valid until the next parse.
type field struct {
	key  []byte
	kind uint8
	text []byte // number: its JSON text; string: decoded bytes; nested: compact JSON
}

// syntaxError is a JSON syntax error at a byte offset of the record.
type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("offset %d: %s", e.off, e.msg) }

// errNotObject: a record is valid JSON but not an object.
var errNotObject = errors.New("record is not a JSON object")

// parser parses one record (a JSON object) at a time.
type parser struct {
	b      []byte
	i      int
	arena  []byte
	fields []field
}

// parse parses b, which must hold one JSON object and nothing else but
// whitespace, into p.fields.
func (p *parser) parse(b []byte) error {
	p.b, p.i = b, 0
	// Fields may point into the arena; when an append moves it, the old
	// array keeps the bytes they point to, so they stay valid.
	p.arena = p.arena[:0]
	p.fields = p.fields[:0]
	p.ws()
	if p.i >= len(p.b) {
		return p.errf("empty record")
	}
	if p.b[p.i] != '{' {
		if err := p.skipValue(); err != nil {
			return err
		}
		return errNotObject
	}
	p.i++
	p.ws()
	if p.peek() == '}' {
		p.i++
	} else {
		for {
			p.ws()
			if p.peek() != '"' {
				return p.errf("want a key string")
			}
			key, err := p.str()
			if err != nil {
				return err
			}
			p.ws()
			if p.peek() != ':' {
				return p.errf("want ':' after a key")
			}
			p.i++
			p.ws()
			f := field{key: key}
			if err := p.value(&f); err != nil {
				return err
			}
			p.fields = append(p.fields, f)
			p.ws()
			c := p.peek()
			p.i++
			if c == '}' {
				break
			}
			if c != ',' {
				p.i--
				return p.errf("want ',' or '}'")
			}
		}
	}
	p.ws()
	if p.i < len(p.b) {
		return p.errf("text after the record")
	}
	return nil
}

func (p *parser) peek() byte {
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

func (p *parser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) errf(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if p.i >= len(p.b) {
		msg += " (end of record)"
	} else {
		c := p.b[p.i]
		if c >= 0x20 && c < 0x7f {
			msg += fmt.Sprintf(" (found %q)", c)
		} else {
			msg += fmt.Sprintf(" (found byte 0x%02x)", c)
		}
	}
	return &syntaxError{off: p.i, msg: msg}
}

// value parses the value at p.i into f.
func (p *parser) value(f *field) error {
	switch c := p.peek(); {
	case c == '"':
		s, err := p.str()
		f.kind, f.text = kString, s
		return err
	case c == '-' || c >= '0' && c <= '9':
		s, err := p.number()
		f.kind, f.text = kNumber, s
		return err
	case c == 't':
		f.kind = kTrue
		return p.lit("true")
	case c == 'f':
		f.kind = kFalse
		return p.lit("false")
	case c == 'n':
		f.kind = kNull
		return p.lit("null")
	case c == '{' || c == '[':
		start := len(p.arena)
		if err := p.compact(0); err != nil {
			return err
		}
		f.kind, f.text = kNested, p.arena[start:len(p.arena):len(p.arena)]
		return nil
	}
	return p.errf("want a value")
}

func (p *parser) lit(s string) error {
	if len(p.b)-p.i < len(s) || string(p.b[p.i:p.i+len(s)]) != s {
		return p.errf("invalid literal")
	}
	p.i += len(s)
	return nil
}

// number scans a JSON number and returns its text.
func (p *parser) number() ([]byte, error) {
	start := p.i
	if p.peek() == '-' {
		p.i++
	}
	switch c := p.peek(); {
	case c == '0':
		p.i++
	case c >= '1' && c <= '9':
		p.digits()
	default:
		return nil, p.errf("invalid number")
	}
	if p.peek() == '.' {
		p.i++
		if !p.digits() {
			return nil, p.errf("want digits after the decimal point")
		}
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		p.i++
		if c := p.peek(); c == '+' || c == '-' {
			p.i++
		}
		if !p.digits() {
			return nil, p.errf("want digits in the exponent")
		}
	}
	return p.b[start:p.i:p.i], nil
}

func (p *parser) digits() bool {
	start := p.i
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
	}
	return p.i > start
}

// str scans a string at p.i and returns its decoded bytes: a slice of the
// record when it holds no escape and only valid UTF-8, else a copy in the
// arena with escapes decoded and invalid UTF-8 replaced by U+FFFD (as
// encoding/json does).
func (p *parser) str() ([]byte, error) {
	p.i++ // opening quote
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			s := p.b[start:p.i:p.i]
			p.i++
			return s, nil
		case c == '\\' || c >= utf8.RuneSelf:
			return p.strSlow(start)
		case c < 0x20:
			return nil, p.errf("control character in a string")
		}
		p.i++
	}
	return nil, p.errf("unterminated string")
}

func (p *parser) strSlow(start int) ([]byte, error) {
	out := len(p.arena)
	p.arena = append(p.arena, p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return p.arena[out:len(p.arena):len(p.arena)], nil
		case c < 0x20:
			return nil, p.errf("control character in a string")
		case c == '\\':
			p.i++
			e := p.peek()
			p.i++
			switch e {
			case '"', '\\', '/':
				p.arena = append(p.arena, e)
			case 'b':
				p.arena = append(p.arena, '\b')
			case 'f':
				p.arena = append(p.arena, '\f')
			case 'n':
				p.arena = append(p.arena, '\n')
			case 'r':
				p.arena = append(p.arena, '\r')
			case 't':
				p.arena = append(p.arena, '\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return nil, p.errf("invalid \\u escape")
				}
				if utf16.IsSurrogate(r) {
					// a pair makes one rune; a lone half is U+FFFD
					r2 := utf8.RuneError
					save := p.i
					if p.peek() == '\\' && p.i+1 < len(p.b) && p.b[p.i+1] == 'u' {
						p.i += 2
						if lo, ok := p.hex4(); ok {
							r2 = utf16.DecodeRune(r, lo)
						}
					}
					if r2 == utf8.RuneError {
						p.i = save
						r = utf8.RuneError
					} else {
						r = r2
					}
				}
				p.arena = utf8.AppendRune(p.arena, r)
			default:
				p.i--
				return nil, p.errf("invalid escape")
			}
		case c < utf8.RuneSelf:
			p.arena = append(p.arena, c)
			p.i++
		default:
			r, size := utf8.DecodeRune(p.b[p.i:])
			if r == utf8.RuneError && size == 1 {
				p.arena = append(p.arena, "\uFFFD"...)
			} else {
				p.arena = append(p.arena, p.b[p.i:p.i+size]...)
			}
			p.i += size
		}
	}
	return nil, p.errf("unterminated string")
}

func (p *parser) hex4() (rune, bool) {
	if len(p.b)-p.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.b[p.i : p.i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	p.i += 4
	return r, true
}

// compact scans the object or array at p.i, appending it to the arena
// without insignificant whitespace; strings are kept as written (escapes
// and all), after validation.
func (p *parser) compact(depth int) error {
	if depth >= maxDepth {
		return p.errf("nested deeper than %d levels", maxDepth)
	}
	open := p.b[p.i]
	close := byte(']')
	if open == '{' {
		close = '}'
	}
	p.arena = append(p.arena, open)
	p.i++
	p.ws()
	if p.peek() == close {
		p.i++
		p.arena = append(p.arena, close)
		return nil
	}
	for {
		p.ws()
		if open == '{' {
			if p.peek() != '"' {
				return p.errf("want a key string")
			}
			if err := p.rawString(); err != nil {
				return err
			}
			p.ws()
			if p.peek() != ':' {
				return p.errf("want ':' after a key")
			}
			p.i++
			p.arena = append(p.arena, ':')
			p.ws()
		}
		switch c := p.peek(); {
		case c == '{' || c == '[':
			if err := p.compact(depth + 1); err != nil {
				return err
			}
		case c == '"':
			if err := p.rawString(); err != nil {
				return err
			}
		default:
			var f field
			if err := p.value(&f); err != nil {
				return err
			}
			switch f.kind {
			case kNumber:
				p.arena = append(p.arena, f.text...)
			case kTrue:
				p.arena = append(p.arena, "true"...)
			case kFalse:
				p.arena = append(p.arena, "false"...)
			default:
				p.arena = append(p.arena, "null"...)
			}
		}
		p.ws()
		c := p.peek()
		if c == close {
			p.i++
			p.arena = append(p.arena, close)
			return nil
		}
		if c != ',' {
			return p.errf("want ',' or '%c'", close)
		}
		p.i++
		p.arena = append(p.arena, ',')
	}
}

// rawString validates the string at p.i and appends it, quotes and escapes
// as written, to the arena.
func (p *parser) rawString() error {
	start := p.i
	mark := len(p.arena)
	if _, err := p.str(); err != nil {
		return err
	}
	p.arena = p.arena[:mark] // drop what decoding put there
	p.arena = append(p.arena, p.b[start:p.i]...)
	return nil
}

// skipValue scans any value (for the error on a non-object record).
func (p *parser) skipValue() error {
	mark := len(p.arena)
	var f field
	err := p.value(&f)
	p.arena = p.arena[:mark]
	return err
}
