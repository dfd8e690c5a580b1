package main

import (
	"strings"
	"testing"
)

func TestReport(t *testing.T) {
	const skipped = `{"Action":"output","Package":"p","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"output","Package":"p","Test":"TestA","Output":"    a_test.go:3: no server\n"}
{"Action":"output","Package":"p","Test":"TestA","Output":"--- SKIP: TestA (0.00s)\n"}
{"Action":"skip","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestB","Output":"    b_test.go:9: no server\n"}
{"Action":"skip","Package":"p","Test":"TestB"}
`
	cases := map[string]struct {
		in         string
		want       []string
		wantAbsent []string
		failed     bool
	}{
		"passes and skips": {
			in:   "make: go test\n" + skipped + `{"Action":"output","Package":"p","Output":"PASS\n"}` + "\n" + `{"Action":"output","Package":"p","Output":"ok  \tp\t0.1s\n"}` + "\n",
			want: []string{"make: go test\n", "ok  \tp\t0.1s\n", "skipped: 2 tests\n", "2 × no server (e.g. p TestA)"}, wantAbsent: []string{"PASS", "=== RUN"},
		},
		"a failure prints the test's output": {
			in: `{"Action":"output","Package":"p","Test":"TestC","Output":"    c_test.go:1: boom\n"}
{"Action":"fail","Package":"p","Test":"TestC"}
{"Action":"output","Package":"p","Output":"FAIL\tp\t0.1s\n"}
{"Action":"fail","Package":"p"}
`,
			want: []string{"c_test.go:1: boom", "FAIL\tp\t0.1s", "skipped: 0 tests"}, failed: true,
		},
		"a package that died prints its unfinished tests": {
			in: `{"Action":"output","Package":"p","Test":"TestD","Output":"panic: nil map\n"}
{"Action":"fail","Package":"p"}
`,
			want: []string{"panic: nil map"}, failed: true,
		},
	}
	for name, c := range cases {
		var out strings.Builder
		failed, err := report(strings.NewReader(c.in), &out)
		if err != nil || failed != c.failed {
			t.Errorf("%s: failed = %v, %v; want %v", name, failed, err, c.failed)
		}
		for _, w := range c.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s: output lacks %q:\n%s", name, w, out.String())
			}
		}
		for _, w := range c.wantAbsent {
			if strings.Contains(out.String(), w) {
				t.Errorf("%s: output has %q:\n%s", name, w, out.String())
			}
		}
	}
}
