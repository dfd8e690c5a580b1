package vapi

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// DecodeArguments decodes tool-call arguments into v (a non-nil pointer,
// usually to a struct with json tags) the way a model means them rather than
// the way it types them: numbers and booleans that arrive as strings
// ("max_results":"3", "urgent":"true") are converted, numbers and booleans
// bound for string fields become their text, a single value bound for a slice
// becomes a one-element slice, and "" for a number or boolean counts as
// absent. args may be an object or a JSON-encoded string holding one.
// Failures are *ArgumentError values, which never carry the offending value.
func DecodeArguments(args json.RawMessage, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errors.New("vapi: decode arguments: need a non-nil pointer")
	}
	obj, err := normalizeArguments(args)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return &ArgumentError{Problem: "arguments are not valid JSON"}
	}
	tree, err = coerce(tree, rv.Type().Elem(), "")
	if err != nil {
		return err
	}
	b, err := json.Marshal(tree)
	if err != nil {
		return &ArgumentError{Problem: "arguments could not be re-encoded"}
	}
	if err := json.Unmarshal(b, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &ArgumentError{Field: te.Field, Problem: "want " + kindName(te.Type)}
		}
		// Errors from a field's own UnmarshalJSON (time.Time, say) quote
		// the value; say only that something was malformed.
		return &ArgumentError{Problem: "an argument has the wrong format"}
	}
	return nil
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// coerce reshapes a decoded JSON value (UseNumber) towards type t. Anything
// it cannot reconcile is left for json.Unmarshal to reject.
func coerce(val any, t reflect.Type, path string) (any, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if val == nil || reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return val, nil
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return coerceNumber(val, t, path)
	case reflect.Bool:
		return coerceBool(val, path)
	case reflect.String:
		switch x := val.(type) {
		case json.Number:
			return x.String(), nil
		case bool:
			return strconv.FormatBool(x), nil
		}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return val, nil
		}
		items, ok := val.([]any)
		if !ok {
			if s, isStr := val.(string); isStr && strings.TrimSpace(s) == "" {
				return nil, nil
			}
			items = []any{val}
		}
		out := make([]any, len(items))
		for i, item := range items {
			c, err := coerce(item, t.Elem(), path+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case reflect.Map:
		obj, ok := val.(map[string]any)
		if !ok {
			return val, nil
		}
		out := make(map[string]any, len(obj))
		for k, item := range obj {
			c, err := coerce(item, t.Elem(), joinPath(path, k))
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	case reflect.Struct:
		obj, ok := val.(map[string]any)
		if !ok {
			return val, nil
		}
		fields := jsonFields(t)
		out := make(map[string]any, len(obj))
		for k, item := range obj {
			ft, known := fields[k]
			if !known {
				for name, typ := range fields {
					if strings.EqualFold(name, k) {
						ft, known = typ, true
						break
					}
				}
			}
			if !known {
				out[k] = item
				continue
			}
			c, err := coerce(item, ft, joinPath(path, k))
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	}
	return val, nil
}

func coerceNumber(val any, t reflect.Type, path string) (any, error) {
	var text string
	switch x := val.(type) {
	case json.Number:
		text = x.String()
	case string:
		text = strings.TrimSpace(x)
		if text == "" {
			return nil, nil
		}
	default:
		return val, nil // json.Unmarshal names the mismatch
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, &ArgumentError{Field: path, Problem: "want a number"}
	}
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return json.Number(strconv.FormatFloat(f, 'f', -1, 64)), nil
	}
	if f != math.Trunc(f) {
		return nil, &ArgumentError{Field: path, Problem: "want a whole number"}
	}
	if f < 0 && t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uint64 {
		return nil, &ArgumentError{Field: path, Problem: "want a non-negative number"}
	}
	return json.Number(strconv.FormatFloat(f, 'f', 0, 64)), nil
}

func coerceBool(val any, path string) (any, error) {
	var text string
	switch x := val.(type) {
	case json.Number:
		text = x.String()
	case string:
		text = strings.ToLower(strings.TrimSpace(x))
		if text == "" {
			return nil, nil
		}
	default:
		return val, nil
	}
	switch text {
	case "true", "t", "yes", "y", "1":
		return true, nil
	case "false", "f", "no", "n", "0":
		return false, nil
	}
	return nil, &ArgumentError{Field: path, Problem: "want true or false"}
}

// jsonFields maps the JSON names of t's fields to their types, as
// encoding/json sees them (tags, "-", promoted fields of embedded structs).
func jsonFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				for n, typ := range jsonFields(et) {
					if _, shadowed := fields[n]; !shadowed {
						fields[n] = typ
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f.Type
	}
	return fields
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "text"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}
