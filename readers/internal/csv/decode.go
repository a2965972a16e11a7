package csv

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/transform"
)

// decoder returns a function wrapping a reader to decode the named encoding
// to UTF-8, or nil for UTF-8.
func decoder(name string) (func(io.Reader) io.Reader, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	n = strings.ReplaceAll(n, "_", "-")
	var enc encoding.Encoding
	switch n {
	case "", "utf-8", "utf8":
		return nil, nil
	case "latin1", "latin-1", "iso-8859-1", "iso8859-1", "l1":
		enc = charmap.ISO8859_1
	case "cp1252", "windows-1252", "win1252":
		enc = charmap.Windows1252
	default:
		if strings.HasPrefix(n, "iso8859-") {
			n = "iso-" + n[3:]
		}
		e, err := ianaindex.IANA.Encoding(n)
		if err != nil || e == nil {
			return nil, fmt.Errorf("readers: %q: %w", name, ErrEncoding)
		}
		enc = e
	}
	return func(r io.Reader) io.Reader { return transform.NewReader(r, enc.NewDecoder()) }, nil
}
