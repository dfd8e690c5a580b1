package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestReport(t *testing.T) {
	in := `goos: linux
pkg: example.com/sched
BenchmarkFind/baseline-2         	    5000	    200000 ns/op	  300000 B/op	      18 allocs/op
BenchmarkFind/14days-2           	    4000	    300000 ns/op	  120000 B/op	      17 allocs/op
BenchmarkSolo-2                  	     100	      1000 ns/op
PASS
`
	var out bytes.Buffer
	if err := report(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"Find/14days", "1.50x ns/op", "0.40x B/op", "Solo", "example.com/sched"} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q:\n%s", want, s)
		}
	}
	if err := report(strings.NewReader("--- FAIL: BenchmarkX\nFAIL\n"), &out); err == nil {
		t.Error("a failed benchmark run reported success")
	}
}
