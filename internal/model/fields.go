package model

import "iter"

// Field returns the value of the field name: Fields[name] when Fields is
// not nil, else the value of the column name when it is not empty.
func (inc *Incident) Field(name string) (string, bool) {
	if inc.Fields != nil {
		v, ok := inc.Fields[name]
		return v, ok
	}
	c := &inc.Columns
	for i, v := range c.Values {
		if c.Names[i] == name && c.has(i) {
			return v, true
		}
	}
	return "", false
}

// FieldMap returns the fields as a map: Fields itself (not a copy) when
// it is not nil, else a new map of the columns with a value; nil when
// there are none.
func (inc *Incident) FieldMap() map[string]string {
	if inc.Fields != nil {
		return inc.Fields
	}
	n := inc.FieldCount()
	if n == 0 {
		return nil
	}
	m := make(map[string]string, n)
	c := &inc.Columns
	for i, v := range c.Values {
		if c.has(i) {
			m[c.Names[i]] = v
		}
	}
	return m
}

// FieldCount returns the number of fields.
func (inc *Incident) FieldCount() int {
	if inc.Fields != nil {
		return len(inc.Fields)
	}
	n := 0
	for i := range inc.Columns.Values {
		if inc.Columns.has(i) {
			n++
		}
	}
	return n
}

// AllFields yields every field, name and value: in no particular order
// from Fields, in column order from Columns. Callers that need an order
// sort the names.
func (inc *Incident) AllFields() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		if inc.Fields != nil {
			for k, v := range inc.Fields {
				if !yield(k, v) {
					return
				}
			}
			return
		}
		c := &inc.Columns
		for i, v := range c.Values {
			if c.has(i) && !yield(c.Names[i], v) {
				return
			}
		}
	}
}

// DropFields removes every field (Fields and Columns).
func (inc *Incident) DropFields() {
	inc.Fields = nil
	inc.Columns = Columns{}
}
