package incidents

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/backstop-dev/backstop/internal/jsonnum"
)

// fastRecord decodes line in one pass when it is the common case: one
// JSON object whose keys are known and distinct, each value of the type
// its field needs (strings, numbers, null, an object of strings for
// fields), with nothing after it. ok is false for anything else, and the
// caller then runs slowRecord, which finds the same record or reports
// the problem exactly as encoding/json words it. The fast path never
// accepts a line json.Unmarshal would refuse, and yields what it yields:
// keeping encoding/json for the rare lines keeps its messages and offsets
// without reimplementing them.
func fastRecord(line []byte) (r record, ok bool) {
	p := scanner{b: line}
	if !p.skip('{') {
		return r, false
	}
	var seen uint16 // bit i: keys[i] given
	for first := true; ; first = false {
		if p.skip('}') {
			break
		}
		if !first && !p.skip(',') {
			return r, false
		}
		name, ok := p.str()
		if !ok || !p.skip(':') {
			return r, false
		}
		k := keyIndex(name)
		if k < 0 || seen&(1<<k) != 0 {
			return r, false // unknown or repeated: slowRecord reports it
		}
		seen |= 1 << k
		if !p.value(&r, k) {
			return r, false
		}
	}
	p.space()
	return r, p.i == len(p.b)
}

// keyIndex is the index of name in keys, or -1; a switch, not a search,
// because it runs for every key of every line.
func keyIndex(name []byte) int {
	switch string(name) {
	case "id":
		return 0
	case "time":
		return 1
	case "type":
		return 2
	case "subtype":
		return 3
	case "actor":
		return 4
	case "country":
		return 5
	case "admin1":
		return 6
	case "location":
		return 7
	case "lat":
		return 8
	case "lon":
		return 9
	case "fatalities":
		return 10
	case "source":
		return 11
	case "fields":
		return 12
	}
	return -1
}

// value decodes the value of keys[k] into its field of r.
func (p *scanner) value(r *record, k int) bool {
	switch k {
	case 8, 9:
		f, null, ok := p.float()
		if !ok {
			return false
		}
		if !null {
			if k == 8 {
				r.Lat = &f
			} else {
				r.Lon = &f
			}
		}
		return true
	case 10:
		return p.int(&r.Fatalities)
	case 12:
		return p.fields(&r.Fields)
	}
	if p.null() {
		return true // json.Unmarshal leaves the field as it is
	}
	v, ok := p.text()
	*r.text(k) = v
	return ok
}

// text returns the string field of keys[k].
func (r *record) text(k int) *string {
	switch k {
	case 0:
		return &r.ID
	case 1:
		return &r.Time
	case 2:
		return &r.Type
	case 3:
		return &r.Subtype
	case 4:
		return &r.Actor
	case 5:
		return &r.Country
	case 6:
		return &r.Admin1
	case 7:
		return &r.Location
	}
	return &r.Source
}

// scanner walks one line of JSON.
type scanner struct {
	b []byte
	i int
}

// space skips JSON's white space.
func (p *scanner) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\r', '\n':
			p.i++
		default:
			return
		}
	}
}

// skip consumes c after white space.
func (p *scanner) skip(c byte) bool {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// null consumes a null literal.
func (p *scanner) null() bool {
	p.space()
	if len(p.b)-p.i >= 4 && string(p.b[p.i:p.i+4]) == "null" {
		p.i += 4
		return true
	}
	return false
}

// str consumes a string without escapes, control characters or invalid
// UTF-8 and returns its contents; such strings decode to their bytes.
func (p *scanner) str() ([]byte, bool) {
	p.space()
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return nil, false
	}
	start := p.i + 1
	ascii := true
	for j := start; j < len(p.b); j++ {
		switch c := p.b[j]; {
		case c == '"':
			if !ascii && !utf8.Valid(p.b[start:j]) {
				return nil, false
			}
			p.i = j + 1
			return p.b[start:j], true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false
}

// text decodes a string value; a string with escapes (or invalid UTF-8)
// goes through encoding/json for its exact decoding. It returns the value
// rather than filling a pointer so that the record stays on the stack.
func (p *scanner) text() (string, bool) {
	start := p.i
	if s, ok := p.str(); ok {
		return string(s), true
	}
	p.i = start
	p.space()
	end, ok := p.stringEnd()
	if !ok {
		return "", false
	}
	var v string
	if json.Unmarshal(p.b[p.i:end], &v) != nil {
		return "", false
	}
	p.i = end
	return v, true
}

// stringEnd returns the end of the string that starts at p.i.
func (p *scanner) stringEnd() (int, bool) {
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return 0, false
	}
	for j := p.i + 1; j < len(p.b); j++ {
		switch p.b[j] {
		case '"':
			return j + 1, true
		case '\\':
			j++
		}
	}
	return 0, false
}

// number consumes a number in JSON's grammar and returns its text, and
// whether it is an integer (no fraction, no exponent).
func (p *scanner) number() (num []byte, integer, ok bool) {
	p.space()
	n, integer := jsonnum.Scan(p.b[p.i:])
	if n == 0 {
		return nil, false, false
	}
	num, p.i = p.b[p.i:p.i+n], p.i+n
	return num, integer, true
}

// float decodes a number or null as json.Unmarshal does into a *float64.
func (p *scanner) float() (f float64, null, ok bool) {
	if p.null() {
		return 0, true, true
	}
	num, _, ok := p.number()
	if !ok {
		return 0, false, false
	}
	f, err := strconv.ParseFloat(string(num), 64)
	return f, false, err == nil // out of range: encoding/json's error
}

// int decodes a whole number or null as json.Unmarshal does into an int.
func (p *scanner) int(dst *int) bool {
	if p.null() {
		return true
	}
	num, integer, ok := p.number()
	if !ok || !integer {
		return false // 1.5 is encoding/json's type error
	}
	n, err := strconv.ParseInt(string(num), 10, strconv.IntSize)
	*dst = int(n)
	return err == nil
}

// fields decodes an object of strings (or null) as json.Unmarshal does
// into a map[string]string: a new map, even when empty; null values are
// "", a repeated key keeps its last value.
func (p *scanner) fields(dst *map[string]string) bool {
	if p.null() {
		*dst = nil
		return true
	}
	if !p.skip('{') {
		return false
	}
	m := map[string]string{}
	for first := true; ; first = false {
		if p.skip('}') {
			break
		}
		if !first && !p.skip(',') {
			return false
		}
		k, ok := p.text()
		if !ok || !p.skip(':') {
			return false
		}
		v := ""
		if !p.null() {
			if v, ok = p.text(); !ok {
				return false
			}
		}
		m[k] = v
	}
	*dst = m
	return true
}
