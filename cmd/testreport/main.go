// Command testreport reads `go test -json` on stdin and prints what go test
// prints without -json (the ok/FAIL line of each package, the output of the
// tests that failed), then why tests were skipped, one line per reason with
// its count. Lines that are not JSON (make's echo) pass through. It exits 1
// when a test or a package failed. .ci/run pipes its test suites through it.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
)

type event struct {
	Action     string
	Package    string
	ImportPath string
	Test       string
	Output     string
}

// maxLine bounds one line of test output the report reads.
const maxLine = 4 << 20

// location is the "file_test.go:12: " go test puts before a t.Log line.
var location = regexp.MustCompile(`^\s*[\w.-]+\.go:\d+: `)

func main() {
	failed, err := report(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(1)
	}
	if failed {
		os.Exit(1)
	}
}

func report(in io.Reader, out io.Writer) (failed bool, err error) {
	output := map[string][]string{} // package + " " + test → its lines
	skips := map[string]int{}
	var examples = map[string]string{}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	for sc.Scan() {
		line := sc.Text()
		var e event
		if !strings.HasPrefix(line, "{") || json.Unmarshal([]byte(line), &e) != nil {
			fmt.Fprintln(out, line)
			continue
		}
		key := e.Package + " " + e.Test
		switch {
		case e.Action == "build-output":
			fmt.Fprint(out, e.Output)
		case e.Action == "output" && e.Test == "":
			// The package's own lines: ok/FAIL, PASS, coverage, a panic.
			if !strings.HasPrefix(e.Output, "PASS\n") && !strings.HasPrefix(e.Output, "=== ") {
				fmt.Fprint(out, e.Output)
			}
		case e.Action == "output":
			output[key] = append(output[key], e.Output)
		case e.Action == "fail" && e.Test != "":
			failed = true
			fmt.Fprint(out, strings.Join(output[key], ""))
			delete(output, key)
		case e.Action == "fail":
			failed = true
			// A package that died (panic, timeout) leaves tests that never
			// ended: their output says where.
			for k, lines := range output {
				if strings.HasPrefix(k, e.Package+" ") {
					fmt.Fprint(out, strings.Join(lines, ""))
					delete(output, k)
				}
			}
		case e.Action == "skip" && e.Test != "":
			reason := skipReason(output[key])
			skips[reason]++
			if _, ok := examples[reason]; !ok {
				examples[reason] = e.Package + " " + e.Test
			}
			delete(output, key)
		case e.Action == "pass":
			delete(output, key)
		}
	}
	if err := sc.Err(); err != nil {
		return true, err
	}
	reasons := make([]string, 0, len(skips))
	total := 0
	for r, n := range skips {
		reasons = append(reasons, r)
		total += n
	}
	sort.Slice(reasons, func(i, j int) bool {
		return skips[reasons[i]] > skips[reasons[j]] || skips[reasons[i]] == skips[reasons[j]] && reasons[i] < reasons[j]
	})
	fmt.Fprintf(out, "skipped: %d tests\n", total)
	for _, r := range reasons {
		fmt.Fprintf(out, "  %4d × %s (e.g. %s)\n", skips[r], r, examples[r])
	}
	return failed, nil
}

// skipReason is what a skipped test logged, less go test's own lines and
// the file:line prefix, so one reason from many tests counts once.
func skipReason(lines []string) string {
	var parts []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") {
			continue
		}
		parts = append(parts, strings.TrimSpace(location.ReplaceAllString(l, "")))
	}
	if len(parts) == 0 {
		return "(no reason given)"
	}
	return strings.Join(parts, " ")
}
