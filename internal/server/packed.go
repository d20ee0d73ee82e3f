package server

import (
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/backstop-dev/backstop/internal/model"
)

// packedIncidents are the incidents of one Incidents entry in the form the
// record keeps them: one byte string, a few hundred bytes an incident
// where a []model.Incident costs about 1.7 KB (a struct of fourteen words,
// two float pointers, a fields map, and every string its own allocation).
// The strings that repeat across incidents (type, actor, country, oblast,
// place, source, field names) are kept once, in the record's interner;
// ids, times, coordinates and field values are written out.
//
// A packed incident is unpacked into exactly the model.Incident it was
// packed from (TestPackedRoundTrip, FuzzPacked): the same strings, the
// same instant and zone offset, the same coordinates bit for bit, and the
// same fields (in Fields: a CSV reader's Columns come back as a map).
// Confidence is not kept: corroboration sets it on a copy.
type packedIncidents struct {
	n    int
	data []byte
}

// interner keeps one copy of each string that repeats across incidents.
// It is bounded: past maxInterned strings, new ones are written out in
// each incident instead (a hostile monitor sending a unique "type" per
// incident costs what it would have cost unpacked, no more).
type interner struct {
	mu    sync.RWMutex
	index map[string]uint32
	strs  []string
}

const maxInterned = 1 << 16

func newInterner() *interner { return &interner{index: map[string]uint32{}} }

// id returns s's number, adding it when there is room; false when it is
// not interned.
func (in *interner) id(s string) (uint32, bool) {
	in.mu.RLock()
	i, ok := in.index[s]
	in.mu.RUnlock()
	if ok {
		return i, true
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if i, ok := in.index[s]; ok {
		return i, true
	}
	if len(in.strs) >= maxInterned {
		return 0, false
	}
	// A copy: s may point into a whole decoded document (the compact
	// form's decoder slices its strings out of the note), which keeping s
	// would keep.
	s = strings.Clone(s)
	i = uint32(len(in.strs))
	in.index[s] = i
	in.strs = append(in.strs, s)
	return i, true
}

// packer writes incidents; interned says which strings go through the
// interner (the repeating ones).
type packer struct {
	in  *interner
	buf []byte
}

func (p *packer) uvarint(v uint64) { p.buf = binary.AppendUvarint(p.buf, v) }
func (p *packer) varint(v int64)   { p.buf = binary.AppendVarint(p.buf, v) }

// str writes s: an even number is an interned string's number times two,
// an odd one a written-out string's length times two plus one.
func (p *packer) str(s string, intern bool) {
	if intern {
		if i, ok := p.in.id(s); ok {
			p.uvarint(uint64(i) << 1)
			return
		}
	}
	p.uvarint(uint64(len(s))<<1 | 1)
	p.buf = append(p.buf, s...)
}

// Presence bits of a packed incident.
const (
	packedLat = 1 << iota
	packedLon
	packedUTC
)

// pack packs incidents with the interner in.
func pack(in *interner, incs []model.Incident) packedIncidents {
	p := packer{in: in, buf: make([]byte, 0, 64*len(incs))}
	for i := range incs {
		p.incident(&incs[i])
	}
	return packedIncidents{n: len(incs), data: p.buf}
}

func (p *packer) incident(inc *model.Incident) {
	var flags byte
	if inc.Lat != nil {
		flags |= packedLat
	}
	if inc.Lon != nil {
		flags |= packedLon
	}
	t := inc.Time.Time
	if t.Location() == time.UTC {
		flags |= packedUTC
	}
	p.buf = append(p.buf, flags)
	p.str(inc.ID, false)
	p.varint(t.Unix())
	p.uvarint(uint64(t.Nanosecond()))
	if flags&packedUTC == 0 {
		name, offset := t.Zone()
		p.str(name, true)
		p.varint(int64(offset))
	}
	for _, s := range [...]string{inc.Type, inc.Subtype, inc.Actor, inc.Country, inc.Admin1, inc.Location, inc.Source} {
		p.str(s, true)
	}
	if inc.Lat != nil {
		p.buf = binary.LittleEndian.AppendUint64(p.buf, math.Float64bits(*inc.Lat))
	}
	if inc.Lon != nil {
		p.buf = binary.LittleEndian.AppendUint64(p.buf, math.Float64bits(*inc.Lon))
	}
	p.varint(int64(inc.Fatalities))
	// A nil map and an empty one are both written as none: the YAML of
	// either decodes to nil.
	p.uvarint(uint64(inc.FieldCount()))
	for k, v := range inc.AllFields() {
		p.str(k, true)
		p.str(v, false)
	}
}

var errPacked = errors.New("server: packed incidents are corrupt")

// unpacker reads what a packer wrote.
type unpacker struct {
	strs []string
	data []byte
	err  error
}

func (u *unpacker) uvarint() uint64 {
	v, n := binary.Uvarint(u.data)
	if n <= 0 {
		u.err, u.data = errPacked, nil
		return 0
	}
	u.data = u.data[n:]
	return v
}

func (u *unpacker) varint() int64 {
	v, n := binary.Varint(u.data)
	if n <= 0 {
		u.err, u.data = errPacked, nil
		return 0
	}
	u.data = u.data[n:]
	return v
}

func (u *unpacker) str() string {
	v := u.uvarint()
	if v&1 == 0 {
		if v>>1 >= uint64(len(u.strs)) {
			u.err = errPacked
			return ""
		}
		return u.strs[v>>1]
	}
	n := v >> 1
	if n > uint64(len(u.data)) {
		u.err, u.data = errPacked, nil
		return ""
	}
	s := string(u.data[:n])
	u.data = u.data[n:]
	return s
}

func (u *unpacker) float() *float64 {
	if len(u.data) < 8 {
		u.err, u.data = errPacked, nil
		return nil
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(u.data))
	u.data = u.data[8:]
	return &f
}

// unpack appends the incidents of p to out.
func (in *interner) unpack(p packedIncidents, out []model.Incident) ([]model.Incident, error) {
	in.mu.RLock()
	u := unpacker{strs: in.strs, data: p.data} // strs only grows: this prefix stays valid
	in.mu.RUnlock()
	for range p.n {
		if len(u.data) == 0 {
			return out, errPacked
		}
		out = append(out, model.Incident{})
		u.incident(&out[len(out)-1])
		if u.err != nil {
			return out, u.err
		}
	}
	return out, nil
}

func (u *unpacker) incident(inc *model.Incident) {
	flags := u.data[0]
	u.data = u.data[1:]
	inc.ID = u.str()
	sec, nsec := u.varint(), u.uvarint()
	t := time.Unix(sec, int64(nsec))
	if flags&packedUTC != 0 {
		t = t.UTC()
	} else {
		name := u.str()
		t = t.In(time.FixedZone(name, int(u.varint())))
	}
	inc.Time = model.Timestamp{Time: t}
	for _, s := range [...]*string{&inc.Type, &inc.Subtype, &inc.Actor, &inc.Country, &inc.Admin1, &inc.Location, &inc.Source} {
		*s = u.str()
	}
	if flags&packedLat != 0 {
		inc.Lat = u.float()
	}
	if flags&packedLon != 0 {
		inc.Lon = u.float()
	}
	inc.Fatalities = int(u.varint())
	if n := u.uvarint(); n > 0 && u.err == nil {
		if n > uint64(len(u.data)) { // every field takes at least two bytes
			u.err = errPacked
			return
		}
		inc.Fields = make(map[string]string, n)
		for range n {
			k := u.str()
			inc.Fields[k] = u.str()
		}
	}
}
