package agentsetup

import (
	"encoding/json"
	"reflect"
	"slices"

	"github.com/frontdesk/frontdesk/internal/vapi"
)

// Provisioning compares what we want with what Vapi has as JSON values, one
// top-level field at a time, and PATCHes only the fields that differ.
//
// covers is the comparison: got must hold everything want says. Objects may
// carry keys want does not (Vapi adds defaults and bookkeeping), a key got
// lacks matches a zero want (Vapi may omit "async": false), arrays match
// element by element, and numbers compare by value whatever their JSON
// spelling.
func covers(want, got any) bool {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return got == nil && len(w) == 0
		}
		for k, wv := range w {
			gv, present := g[k]
			if !present {
				if !isZero(wv) {
					return false
				}
				continue
			}
			if !covers(wv, gv) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok {
			return got == nil && len(w) == 0
		}
		if len(g) != len(w) {
			return false
		}
		for i := range w {
			if !covers(w[i], g[i]) {
				return false
			}
		}
		return true
	default:
		return reflect.DeepEqual(want, got)
	}
}

func isZero(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case bool:
		return !v
	case float64:
		return v == 0
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// jsonValue is v as encoding/json's generic value; a nil pointer, slice or
// map is nil.
func jsonValue(v any) any {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() || ((rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Map || rv.Kind() == reflect.Slice) && rv.IsNil()) {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic("agentsetup: encode: " + err.Error()) // our own DTOs always encode
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		panic("agentsetup: decode: " + err.Error())
	}
	return out
}

// field is one top-level field of a Vapi resource: its JSON name, its value,
// and how to copy it into a PATCH.
type field[T any] struct {
	name string
	get  func(*T) any
	copy func(dst, src *T)
}

// diff returns the fields of want that got does not cover, and a PATCH
// holding exactly those. A field want leaves nil is not ours to manage.
func diff[T any](fields []field[T], want, got *T) (names []string, patch T) {
	for _, f := range fields {
		w := jsonValue(f.get(want))
		if w != nil && !covers(w, jsonValue(f.get(got))) {
			names = append(names, f.name)
			f.copy(&patch, want)
		}
	}
	return names, patch
}

var toolFields = []field[vapi.Tool]{
	{"async", func(t *vapi.Tool) any { return t.Async }, func(d, s *vapi.Tool) { d.Async = s.Async }},
	{"function", func(t *vapi.Tool) any { return t.Function }, func(d, s *vapi.Tool) { d.Function = s.Function }},
	{"server", func(t *vapi.Tool) any { return t.Server }, func(d, s *vapi.Tool) { d.Server = s.Server }},
	{"messages", func(t *vapi.Tool) any { return t.Messages }, func(d, s *vapi.Tool) { d.Messages = s.Messages }},
}

var assistantFields = []field[vapi.Assistant]{
	{"name", func(a *vapi.Assistant) any { return a.Name }, func(d, s *vapi.Assistant) { d.Name = s.Name }},
	{"firstMessage", func(a *vapi.Assistant) any { return a.FirstMessage }, func(d, s *vapi.Assistant) { d.FirstMessage = s.FirstMessage }},
	{"model", func(a *vapi.Assistant) any { return a.Model }, func(d, s *vapi.Assistant) { d.Model = s.Model }},
	{"voice", func(a *vapi.Assistant) any { return a.Voice }, func(d, s *vapi.Assistant) { d.Voice = s.Voice }},
	{"server", func(a *vapi.Assistant) any { return a.Server }, func(d, s *vapi.Assistant) { d.Server = s.Server }},
	// A set: Vapi may list the events in any order.
	{"serverMessages", func(a *vapi.Assistant) any { return sorted(a.ServerMessages) }, func(d, s *vapi.Assistant) { d.ServerMessages = s.ServerMessages }},
	{"metadata", func(a *vapi.Assistant) any { return a.Metadata }, func(d, s *vapi.Assistant) { d.Metadata = s.Metadata }},
	{"monitorPlan", func(a *vapi.Assistant) any { return a.MonitorPlan }, func(d, s *vapi.Assistant) { d.MonitorPlan = s.MonitorPlan }},
}

var numberFields = []field[vapi.PhoneNumber]{
	{"assistantId", func(p *vapi.PhoneNumber) any { return p.AssistantID }, func(d, s *vapi.PhoneNumber) { d.AssistantID = s.AssistantID }},
	{"server", func(p *vapi.PhoneNumber) any { return p.Server }, func(d, s *vapi.PhoneNumber) { d.Server = s.Server }},
	{"fallbackDestination", func(p *vapi.PhoneNumber) any { return p.FallbackDestination }, func(d, s *vapi.PhoneNumber) { d.FallbackDestination = s.FallbackDestination }},
}

func sorted(s []string) []string {
	if s == nil {
		return nil
	}
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
