package feeds

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"unicode/utf8"
	"unsafe"

	// golang.org/x/text is a direct dependency for this one use: data sets
	// that went through Excel on Windows (the UCDP file of shared/data) are
	// Windows-1252, and the standard library has no decoder for it. It was
	// already in the module graph through cel-go.
	"golang.org/x/text/encoding/charmap"
)

// HeadSize is how much of a file Reader.Detect sees.
const HeadSize = 64 << 10

// EncodingWindows1252 is the value of Source.Decoded for a file that was
// not valid UTF-8 and was read as Windows-1252.
const EncodingWindows1252 = "windows-1252"

var (
	gzipMagic = []byte{0x1f, 0x8b}
	bomUTF8   = []byte{0xEF, 0xBB, 0xBF}
)

// Open reads a file into a Source (see NewSource).
func Open(path string) (*Source, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return newSource(path, data, true)
}

// NewSource decodes the contents of the file called name: gzip is
// recognised by its magic bytes (not by the name) and decompressed; a
// UTF-8 byte order mark is removed; UTF-16 (a UTF-16 byte order mark) is
// refused; bytes that are not valid UTF-8 are read as Windows-1252, the
// encoding Excel saves CSV in on Western Windows systems, and Decoded says
// so. Line breaks are kept, so line numbers are the file's.
func NewSource(name string, data []byte) (*Source, error) {
	return newSource(name, data, false)
}

// newSource is NewSource; owned says that nobody else holds data, so
// that Text may share its bytes.
func newSource(name string, data []byte, owned bool) (*Source, error) {
	if bytes.HasPrefix(data, gzipMagic) {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: reading gzip: %w", name, err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			return nil, fmt.Errorf("%s: reading gzip: %w", name, err)
		}
		data, owned = plain, true
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, fmt.Errorf("%s: the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8", name)
	}
	bom := bytes.HasPrefix(data, bomUTF8)
	data = bytes.TrimPrefix(data, bomUTF8)
	if utf8.Valid(data) {
		return owning(&Source{Name: name, Data: data}, owned), nil
	}
	if bom {
		line, col, b := firstInvalid(data)
		return nil, fmt.Errorf("%s:%d:%d: the file starts with a UTF-8 byte order mark but is not valid UTF-8 (byte 0x%02X); save it as UTF-8", name, line, col, b)
	}
	decoded, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil { // cannot happen: every byte has a Windows-1252 reading
		return nil, fmt.Errorf("%s: decoding Windows-1252: %w", name, err)
	}
	return owning(&Source{Name: name, Data: decoded, Decoded: EncodingWindows1252}, true), nil
}

// owning sets src's text to share the bytes of its Data when owned:
// Data is then a buffer only src holds, and nothing modifies a Source's
// Data, so the string stays as immutable as Go requires.
func owning(src *Source, owned bool) *Source {
	if owned && len(src.Data) > 0 {
		// Why unsafe: a reader turns the whole file into one string and
		// cuts its fields from it; for a file the reader read itself, the
		// copy string(Data) would make is a tenth of the reading time.
		src.text = unsafe.String(unsafe.SliceData(src.Data), len(src.Data))
	}
	return src
}

// Text is Data as a string: without a copy when Open or NewSource made
// Data (a file read, decompressed or decoded), else a copy.
func (s *Source) Text() string {
	// Data may have been set again since (tests do): the text is its
	// bytes only while it points where Data does.
	if len(s.text) == len(s.Data) && (len(s.Data) == 0 || unsafe.StringData(s.text) == unsafe.SliceData(s.Data)) {
		return s.text
	}
	return string(s.Data)
}

// firstInvalid locates the first byte of data that is not UTF-8.
func firstInvalid(data []byte) (line, col int, b byte) {
	line, col = 1, 1
	for off := 0; off < len(data); {
		r, size := utf8.DecodeRune(data[off:])
		if r == utf8.RuneError && size == 1 {
			return line, col, data[off]
		}
		col++
		if r == '\n' {
			line, col = line+1, 1
		}
		off += size
	}
	return line, col, 0
}

// Head returns the start of the file that Reader.Detect looks at: at most
// HeadSize bytes.
func (s *Source) Head() []byte {
	return s.Data[:min(len(s.Data), HeadSize)]
}
