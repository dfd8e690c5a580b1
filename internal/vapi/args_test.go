package vapi

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

type availabilityArgs struct {
	AppointmentType string   `json:"appointment_type"`
	DateFrom        string   `json:"date_from"`
	MaxResults      int      `json:"max_results"`
	Limit           *int     `json:"limit,omitempty"`
	Urgent          bool     `json:"urgent"`
	Confirm         *bool    `json:"confirm"`
	Fee             float64  `json:"fee"`
	Providers       []string `json:"providers"`
	Phone           string   `json:"phone"`
	Count           uint     `json:"count"`
	Nested          struct {
		Days []int `json:"days"`
	} `json:"nested"`
	Extra map[string]int `json:"extra"`
	When  time.Time      `json:"when"`
	Embedded
}

type Embedded struct {
	Reason string `json:"reason"`
	Weight int    `json:"weight"`
}

func TestDecodeArguments(t *testing.T) {
	three, yes := 3, true
	tests := []struct {
		name string
		args string
		want availabilityArgs
	}{
		{"plain types", `{"appointment_type":"cleaning","max_results":3,"urgent":true,"fee":12.5}`,
			availabilityArgs{AppointmentType: "cleaning", MaxResults: 3, Urgent: true, Fee: 12.5}},
		{"numbers as strings", `{"max_results":"3","limit":" 3 ","fee":"12.50","count":"2"}`,
			availabilityArgs{MaxResults: 3, Limit: &three, Fee: 12.5, Count: 2}},
		{"whole floats for ints", `{"max_results":3.0,"limit":"3.0"}`, availabilityArgs{MaxResults: 3, Limit: &three}},
		{"booleans as strings and numbers", `{"urgent":"yes","confirm":"True"}`, availabilityArgs{Urgent: true, Confirm: &yes}},
		{"boolean 1", `{"urgent":1}`, availabilityArgs{Urgent: true}},
		{"empty strings are absent for numbers and booleans", `{"max_results":"","urgent":"  ","limit":""}`, availabilityArgs{}},
		{"nulls", `{"max_results":null,"providers":null,"confirm":null}`, availabilityArgs{}},
		{"numbers and booleans into strings", `{"phone":5551234567,"date_from":true}`, availabilityArgs{Phone: "5551234567", DateFrom: "true"}},
		{"single value into a slice", `{"providers":"Dr Lee"}`, availabilityArgs{Providers: []string{"Dr Lee"}}},
		{"slice of numbers as strings", `{"nested":{"days":["1",2,"3"]}}`, availabilityArgs{Nested: struct {
			Days []int `json:"days"`
		}{Days: []int{1, 2, 3}}}},
		{"map values", `{"extra":{"a":"1","b":2}}`, availabilityArgs{Extra: map[string]int{"a": 1, "b": 2}}},
		{"case-insensitive keys", `{"MAX_RESULTS":"4","Appointment_Type":"exam"}`, availabilityArgs{MaxResults: 4, AppointmentType: "exam"}},
		{"embedded struct fields", `{"reason":"pain","weight":"2"}`, availabilityArgs{Embedded: Embedded{Reason: "pain", Weight: 2}}},
		{"unknown fields ignored", `{"mystery":{"a":[1]},"max_results":1}`, availabilityArgs{MaxResults: 1}},
		{"unmarshalers left alone", `{"when":"2026-12-01T09:00:00Z"}`, availabilityArgs{When: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}},
		{"JSON string arguments", `"{\"max_results\":\"2\"}"`, availabilityArgs{MaxResults: 2}},
		{"empty arguments", ``, availabilityArgs{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got availabilityArgs
			if err := DecodeArguments(json.RawMessage(tt.args), &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeArgumentsErrors(t *testing.T) {
	tests := []struct {
		name, args, field string
	}{
		{"word for a number", `{"max_results":"three"}`, "max_results"},
		{"fraction for an int", `{"max_results":"2.5"}`, "max_results"},
		{"negative for a uint", `{"count":-1}`, "count"},
		{"word for a boolean", `{"urgent":"maybe"}`, "urgent"},
		{"nested path", `{"nested":{"days":[1,"x"]}}`, "nested.days[1]"},
		{"object for a string", `{"phone":{"n":1}}`, "phone"},
		{"object for a number", `{"max_results":{"n":1}}`, "max_results"},
		{"arguments not an object", `[1]`, ""},
		{"wrong format inside an unmarshaler", `{"when":"1990-01-02"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got availabilityArgs
			err := DecodeArguments(json.RawMessage(tt.args), &got)
			var ae *ArgumentError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want *ArgumentError", err)
			}
			if ae.Field != tt.field {
				t.Errorf("field = %q, want %q (%v)", ae.Field, tt.field, err)
			}
			// The value may be patient data: it must never appear.
			for _, v := range []string{"three", "2.5", "maybe", "1990", `"x"`} {
				if strings.Contains(err.Error(), v) {
					t.Errorf("error %q leaks the value %s", err, v)
				}
			}
		})
	}
}

func TestDecodeArgumentsTargets(t *testing.T) {
	var m map[string]any
	if err := DecodeArguments(json.RawMessage(`{"a":"1"}`), &m); err != nil || m["a"] != "1" {
		t.Errorf("into map[string]any: %v, %v", m, err)
	}
	var notPointer availabilityArgs
	if err := DecodeArguments(json.RawMessage(`{}`), notPointer); err == nil {
		t.Error("non-pointer target accepted")
	}
	if err := DecodeArguments(json.RawMessage(`{}`), (*availabilityArgs)(nil)); err == nil {
		t.Error("nil pointer target accepted")
	}
}
