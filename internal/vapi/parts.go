package vapi

import (
	"encoding/json"
	"math"
	"net/url"
	"reflect"
	"strings"
	"time"
)

// Limits on what a message may make us store: Vapi fills these from the
// conversation, so their size is the caller's to choose.
const (
	// MaxURLLength bounds a recording URL. Vapi's are a few hundred bytes.
	MaxURLLength = 2048
	// MaxStructuredDataBytes bounds analysis.structuredData, which follows
	// a schema the practice wrote but is filled in from what the caller said.
	MaxStructuredDataBytes = 64 << 10
)

var timeType = reflect.TypeFor[time.Time]()

// decodeParts decodes raw into dst (a non-nil pointer) as json.Unmarshal
// does. When that fails it decodes an object field by field, recursing into
// nested structs, so that one wrongly typed field costs only itself: Vapi's
// answer to any status but 200 is to ignore it, so a report with one odd
// field is stored with the rest. The JSON paths of the fields left out are
// appended to problems: paths only, never values, which may be patient data.
func decodeParts(raw json.RawMessage, dst any, path string, problems *[]string) {
	if isNull(raw) || json.Unmarshal(raw, dst) == nil {
		return
	}
	rv := reflect.ValueOf(dst).Elem()
	rv.SetZero()
	target := rv
	if t := rv.Type(); t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct {
		target = reflect.New(t.Elem()).Elem()
	}
	t := target.Type()
	var fields map[string]json.RawMessage
	if t.Kind() != reflect.Struct || t == timeType || json.Unmarshal(raw, &fields) != nil {
		*problems = append(*problems, pathOr(path))
		return
	}
	if target != rv {
		rv.Set(target.Addr())
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		fr, ok := fields[name]
		if !ok {
			continue
		}
		fv := target.Field(i)
		if f.Type == timeType {
			// As Call.UnmarshalJSON reads them: leniently, never failing.
			var ft flexTime
			_ = json.Unmarshal(fr, &ft)
			fv.Set(reflect.ValueOf(time.Time(ft)))
			continue
		}
		decodeParts(fr, fv.Addr().Interface(), joinPath(path, name), problems)
	}
}

func pathOr(path string) string {
	if path == "" {
		return "message"
	}
	return path
}

// sane drops what no real call can have: an end before its start, a
// negative cost or count. Vapi computes these, so they are not a caller's
// doing, but a wrong one must not reach the practice's analytics.
func (c *Call) sane(path string, problems *[]string) {
	if !c.StartedAt.IsZero() && !c.EndedAt.IsZero() && c.EndedAt.Before(c.StartedAt) {
		c.StartedAt, c.EndedAt = time.Time{}, time.Time{}
		*problems = append(*problems, joinPath(path, "endedAt")+" (before startedAt)")
	}
	if c.Cost < 0 {
		c.Cost = 0
		*problems = append(*problems, joinPath(path, "cost")+" (negative)")
	}
	c.CostBreakdown = c.CostBreakdown.sane(joinPath(path, "costBreakdown"), problems)
}

// sane returns the breakdown without negative components, or nil when none
// is left.
func (b *CostBreakdown) sane(path string, problems *[]string) *CostBreakdown {
	if b == nil {
		return nil
	}
	out := *b
	for _, f := range []struct {
		name string
		v    **float64
	}{
		{"transport", &out.Transport}, {"stt", &out.STT}, {"llm", &out.LLM}, {"tts", &out.TTS},
		{"vapi", &out.Vapi}, {"total", &out.Total},
		{"llmPromptTokens", &out.LLMPromptTokens}, {"llmCompletionTokens", &out.LLMCompletionTokens},
		{"ttsCharacters", &out.TTSCharacters},
	} {
		if *f.v != nil && (**f.v < 0 || math.IsInf(**f.v, 0)) {
			*f.v = nil
			*problems = append(*problems, joinPath(path, f.name)+" (negative)")
		}
	}
	if out == (CostBreakdown{}) {
		return nil
	}
	return &out
}

// webURL returns the first candidate that is an absolute http(s) URL of at
// most MaxURLLength bytes. A candidate that is set but is not one is noted
// as a problem: it would be shown to staff as a link.
func webURL(path string, problems *[]string, candidates ...string) string {
	for _, s := range candidates {
		if s == "" {
			continue
		}
		u, err := url.Parse(s)
		if err == nil && len(s) <= MaxURLLength && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			return s
		}
		*problems = append(*problems, path+" (not a web address)")
	}
	return ""
}
