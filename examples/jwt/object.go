package gojwt

import (
	"bytes"
	"encoding/json"
)

// member is one name and raw value of a JSON object.
type member struct {
	name  string
	value json.RawMessage
}

// object is the members of a JSON object in order. Headers and claim sets are small, so a
// slice searched from the end (the last of duplicate names wins, as in Python's json) beats
// a map, and reading one costs a fraction of json.Unmarshal into a map.
type object []member

// get returns the value of the member name.
func (o object) get(name string) (json.RawMessage, bool) {
	for i := len(o) - 1; i >= 0; i-- {
		if o[i].name == name {
			return o[i].value, true
		}
	}
	return nil, false
}

// jsonObject parses data, which must be a JSON object, into its members.
func jsonObject(data []byte, what string) (object, error) {
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		return nil, newErr(kindDecode, "Invalid %s string: %v", what, err)
	}
	s := skipSpace(data, 0)
	if s >= len(data) || data[s] != '{' {
		return nil, newErr(kindDecode, "Invalid %s string: must be a json object", what)
	}
	// data is valid JSON: walk the top level without checking it again.
	var o object
	i := skipSpace(data, s+1)
	for i < len(data) && data[i] == '"' {
		end := skipString(data, i)
		name := data[i:end]
		i = skipSpace(data, end)
		i = skipSpace(data, i+1) // the ':'
		vend := skipValue(data, i)
		o = append(o, member{name: unquote(name), value: data[i:vend]})
		i = skipSpace(data, vend)
		if i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	return o, nil
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n') {
		i++
	}
	return i
}

// skipString returns the index just past the string that starts at data[i].
func skipString(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// skipValue returns the index just past the value that starts at data[i].
func skipValue(data []byte, i int) int {
	depth := 0
	for ; i < len(data); i++ {
		switch c := data[i]; c {
		case '"':
			i = skipString(data, i) - 1
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case ',':
			if depth == 0 {
				return i
			}
		case ' ', '\t', '\r', '\n':
			if depth == 0 {
				return i
			}
		}
	}
	return i
}

// unquote returns the text of a JSON string literal.
func unquote(lit []byte) string {
	if bytes.IndexByte(lit, '\\') < 0 {
		return string(lit[1 : len(lit)-1])
	}
	var s string
	_ = json.Unmarshal(lit, &s)
	return s
}

// jsonString returns the text of raw when it is a JSON string.
func jsonString(raw json.RawMessage) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	return unquote(raw), true
}
