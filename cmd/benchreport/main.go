// Command benchreport reads `go test -bench` output and prints each
// benchmark beside its baseline: within a benchmark, the sub-benchmark named
// "baseline" is what the others are divided by (same process, same run).
// `make bench` pipes into it.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
)

type result struct {
	pkg, family, name string
	metrics           map[string]float64
	order             []string
}

func main() {
	if err := report(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func report(in io.Reader, out io.Writer) error {
	var (
		pkg     string
		results []result
		failed  bool
	)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "pkg: "):
			pkg = strings.TrimPrefix(line, "pkg: ")
		case strings.HasPrefix(line, "FAIL"), strings.HasPrefix(line, "--- FAIL"), strings.HasPrefix(line, "panic:"):
			failed = true
			fmt.Fprintln(out, line)
		case strings.HasPrefix(line, "Benchmark"):
			if r, ok := parse(pkg, line); ok {
				results = append(results, r)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	print(out, results)
	if failed {
		return fmt.Errorf("a benchmark failed")
	}
	return nil
}

// parse reads "BenchmarkFamily/name-8  100  123 ns/op  45 B/op  6 allocs/op  7.0 custom/unit".
func parse(pkg, line string) (result, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || len(f)%2 != 0 {
		return result{}, false
	}
	full := f[0]
	if i := strings.LastIndex(full, "-"); i > 0 {
		if _, err := strconv.Atoi(full[i+1:]); err == nil {
			full = full[:i]
		}
	}
	family, name, _ := strings.Cut(strings.TrimPrefix(full, "Benchmark"), "/")
	r := result{pkg: pkg, family: family, name: name, metrics: map[string]float64{}}
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return result{}, false
		}
		r.metrics[f[i+1]] = v
		r.order = append(r.order, f[i+1])
	}
	return r, true
}

func print(out io.Writer, results []result) {
	baselines := map[string]result{}
	for _, r := range results {
		if r.name == "baseline" {
			baselines[r.pkg+" "+r.family] = r
		}
	}
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "benchmark\tmetrics\tvs baseline")
	last := ""
	for _, r := range results {
		if r.pkg != last {
			fmt.Fprintf(tw, "%s\t\t\n", r.pkg)
			last = r.pkg
		}
		label := r.family
		if r.name != "" {
			label += "/" + r.name
		}
		var ms []string
		for _, k := range r.order {
			ms = append(ms, fmt.Sprintf("%s %s", human(r.metrics[k]), k))
		}
		ratio := ""
		if b, ok := baselines[r.pkg+" "+r.family]; ok && r.name != "baseline" {
			ratio = ratios(r, b)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", label, strings.Join(ms, ", "), ratio)
	}
	tw.Flush()
}

// ratios divides every metric the two share, the time first.
func ratios(r, b result) string {
	var parts []string
	for _, k := range r.order {
		bv, ok := b.metrics[k]
		if !ok || bv == 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%.2fx %s", r.metrics[k]/bv, k))
	}
	return strings.Join(parts, ", ")
}

func human(v float64) string {
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}
