package agentsetup

import (
	"encoding/json"
	"testing"
)

func TestVapiCovers(t *testing.T) {
	for _, tc := range []struct {
		name      string
		want, got string
		covers    bool
	}{
		{"equal", `{"a":1,"b":"x"}`, `{"b":"x","a":1}`, true},
		{"Vapi adds fields", `{"a":1}`, `{"a":1,"id":"t1","createdAt":"2026"}`, true},
		{"numbers by value", `{"n":10}`, `{"n":10.0}`, true},
		{"missing zero", `{"async":false,"n":0,"s":"","l":[]}`, `{}`, true},
		{"missing non-zero", `{"async":true}`, `{}`, false},
		{"changed", `{"a":{"b":"x"}}`, `{"a":{"b":"y"}}`, false},
		{"nested extra", `{"a":{"b":"x"}}`, `{"a":{"b":"x","c":true}}`, true},
		{"array order", `["a","b"]`, `["b","a"]`, false},
		{"array longer", `["a"]`, `["a","b"]`, false},
		{"array elements", `[{"type":"request-start"}]`, `[{"type":"request-start","blocking":false}]`, true},
		{"null got", `{"h":{"X":"1"}}`, `{"h":null}`, false},
		{"type change", `{"a":"1"}`, `{"a":1}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var w, g any
			if err := json.Unmarshal([]byte(tc.want), &w); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tc.got), &g); err != nil {
				t.Fatal(err)
			}
			if got := covers(w, g); got != tc.covers {
				t.Errorf("covers(%s, %s) = %v", tc.want, tc.got, got)
			}
		})
	}
}
