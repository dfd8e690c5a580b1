package exports

import "testing"

// OWASP's CSV injection advice: a cell a spreadsheet would read as a
// formula is made text with a leading quote; everything else is untouched.
func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                "",
		"plain":           "plain",
		"=1+1":            "'=1+1",
		"+15551230001":    "'+15551230001",
		"-2":              "'-2",
		"@SUM(A1)":        "'@SUM(A1)",
		"\tcmd":           "'\tcmd",
		"\rcmd":           "'\rcmd",
		"a=b":             "a=b",
		"'quoted already": "'quoted already",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}
