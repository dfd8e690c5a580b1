package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/frontdesk/frontdesk/internal/browsertest"
)

// TestGraphiQLInDevMode opens the real server's GraphiQL in headless
// Chromium with no network: the page loads from the binary, signs in as the
// dev user by itself, and runs a query against the real API.
func TestGraphiQLInDevMode(t *testing.T) {
	in := start(t, devEnv(t))
	p := browsertest.Start(t)
	const (
		queryEditor  = `document.querySelector('.graphiql-query-editor .CodeMirror')`
		resultEditor = `document.querySelector('.graphiql-response .CodeMirror')`
	)
	if err := chromedp.Do(p.Context(), chromedp.Navigate(in.URL+"/")); err != nil {
		t.Fatal(err)
	}
	p.WaitFor(t, "the query editor", queryEditor+` !== null`, 20*time.Second)
	if err := chromedp.Do(p.Context(),
		chromedp.Evaluate[chromedp.Void](queryEditor+`.CodeMirror.setValue('{ viewer { email } practice { name } }')`),
		chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
	); err != nil {
		t.Fatal(err)
	}
	p.WaitFor(t, "the answer", resultEditor+`?.CodeMirror.getValue().includes('Bright Smile Dental')`, 20*time.Second)
	result, err := chromedp.Run(p.Context(), chromedp.Evaluate[string](resultEditor+`.CodeMirror.getValue()`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(result, "dev@frontdesk.local") {
		t.Errorf("result = %s", result)
	}
	for _, r := range p.FailedRequests() {
		if !strings.HasSuffix(r.URL, "/favicon.ico") {
			t.Errorf("failed request: %v", r)
		}
	}
	if r := p.RequestsOutside(in.URL); len(r) > 0 {
		t.Errorf("requests outside the server: %v", r)
	}
}
