package incidents

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/backstop-dev/backstop/internal/model"
)

// Output forms of DocumentsAs and WriteDocuments.
const (
	// FormCompact writes each incident on one line as a JSON object (YAML
	// flow syntax): the same `kind: Incidents` document, about a tenth
	// smaller, written and read (internal/load's fast path) many times
	// faster.
	FormCompact = "compact"
	// FormYAML writes each incident as a block mapping, one field a line.
	FormYAML = "yaml"
)

// Forms are the output forms, the default first.
var Forms = []string{FormCompact, FormYAML}

// CompactHeader starts every compact document; internal/load recognises
// the compact form by it.
const CompactHeader = "backstop: " + model.Version + "\nkind: " + string(model.KindIncidents) + "\nincidents:\n"

// AppendCompact appends incs as one compact `kind: Incidents` document:
// the YAML header, then one line per incident, "- " and a JSON object with
// the fields of the YAML form (empty ones left out, fields' keys sorted).
// YAML reads it back as the incidents written, exactly: strings are
// escaped as encoding/json escapes them (appendJSONString), plus the
// characters YAML would fold or refuse raw.
func AppendCompact(b []byte, incs []model.Incident) []byte {
	b = append(b, CompactHeader...)
	var keys []fieldPair
	for i := range incs {
		b, keys = appendIncident(b, &incs[i], keys)
	}
	return b
}

// fieldPair is a field of an incident, name and value.
type fieldPair struct{ name, value string }

// appendIncident appends one incident's line; keys is scratch space for
// its fields sorted by name, returned for the next incident.
func appendIncident(b []byte, inc *model.Incident, keys []fieldPair) ([]byte, []fieldPair) {
	b = append(b, `- {"id":`...)
	b = appendJSONString(b, inc.ID)
	b = append(b, `,"time":"`...)
	b = inc.Time.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","type":`...)
	b = appendJSONString(b, inc.Type)
	b = appendField(b, `,"subtype":`, inc.Subtype)
	b = appendField(b, `,"actor":`, inc.Actor)
	b = appendField(b, `,"country":`, inc.Country)
	b = appendField(b, `,"admin1":`, inc.Admin1)
	b = appendField(b, `,"location":`, inc.Location)
	if inc.Lat != nil {
		b = append(b, `,"lat":`...)
		b = strconv.AppendFloat(b, *inc.Lat, 'g', -1, 64)
	}
	if inc.Lon != nil {
		b = append(b, `,"lon":`...)
		b = strconv.AppendFloat(b, *inc.Lon, 'g', -1, 64)
	}
	if inc.Fatalities != 0 {
		b = append(b, `,"fatalities":`...)
		b = strconv.AppendInt(b, int64(inc.Fatalities), 10)
	}
	b = appendField(b, `,"source":`, inc.Source)
	if inc.FieldCount() > 0 {
		keys = keys[:0]
		for k, v := range inc.AllFields() {
			keys = append(keys, fieldPair{k, v})
		}
		slices.SortFunc(keys, func(a, b fieldPair) int { return strings.Compare(a.name, b.name) })
		b = append(b, `,"fields":{`...)
		for i, f := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, f.name)
			b = append(b, ':')
			b = appendJSONString(b, f.value)
		}
		b = append(b, '}')
	}
	return append(b, "}\n"...), keys
}

// appendField appends key and s, unless s is empty (as the YAML form
// leaves it out).
func appendField(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return appendJSONString(append(b, key...), s)
}

const hex = "0123456789abcdef"

// special marks the bytes of ASCII that appendJSONString escapes:
// control characters, the quote, the backslash, DEL, and <, > and &,
// which encoding/json escapes for HTML.
var special = func() (t [utf8.RuneSelf]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	for _, c := range []byte{'"', '\\', '<', '>', '&', 0x7F} {
		t[c] = true
	}
	return t
}()

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it (\" \\ \b \f \n \r \t, \u00XX for the other control
// characters and for <, > and &, \u2028 and \u2029, U+FFFD for each
// byte of invalid UTF-8), and also, as \u00XX or \uXXXX, DEL, the C1
// controls (U+0085 NEL among them), U+FEFF, U+FFFE and U+FFFF: YAML
// refuses those raw or, for NEL, reads it as a line break. What is
// written is thus valid JSON and a YAML double-quoted scalar with the
// same value, on one line.
func appendJSONString(b []byte, s string) []byte {
	n := len(b)
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if !special[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			b = appendEscape(b, rune(c))
			i++
			start = i
			continue
		}
		if c >= 0xC3 && c <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
			i += 2 // U+00C0–U+07FF (Cyrillic among them): never escaped
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return appendInvalid(b[:n], s)
		case r <= 0x9F, r == 0x2028, r == 0x2029, r == 0xFEFF, r == 0xFFFE, r == 0xFFFF:
			b = append(b, s[start:i]...)
			b = appendEscape(b, r)
			start = i + size
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendEscape appends the escape of r.
func appendEscape(b []byte, r rune) []byte {
	switch r {
	case '"', '\\':
		return append(b, '\\', byte(r))
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	}
	return append(b, '\\', 'u', hex[r>>12&0xF], hex[r>>8&0xF], hex[r>>4&0xF], hex[r&0xF])
}

// appendInvalid is appendJSONString for a string with invalid UTF-8,
// rune by rune.
func appendInvalid(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r < utf8.RuneSelf && special[r], r >= 0x80 && r <= 0x9F, r == 0x2028, r == 0x2029, r == 0xFEFF, r == 0xFFFE, r == 0xFFFF:
			b = appendEscape(b, r)
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
