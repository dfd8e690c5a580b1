package graphiql

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/playground"
)

var (
	// html/template writes "/" as "\/" inside scripts, so match both.
	externalURL = regexp.MustCompile(`(?i)(?:https?|wss?):\\?/\\?/[^\s"'<>)]*`)
	assetRef    = regexp.MustCompile(`(?:src|href)="(` + regexp.QuoteMeta(AssetsPrefix) + `[^"]+)"`)
	pinnedRef   = regexp.MustCompile(`(?:src|href)="([^"]+)"\s+integrity="([^"]+)"`)
)

func get(t *testing.T, h http.Handler, target string, header http.Header) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHandlerPageIsSelfContained(t *testing.T) {
	tests := []struct {
		name     string
		endpoint string
	}{
		{"path", "/graphql"},
		{"absolute", "https://api.frontdesk.invalid/graphql"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := get(t, Handler(tt.endpoint, nil), "/", nil)
			page := body(t, resp)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q, want no-store: the page may carry a token", cc)
			}

			var allowed string
			if u, err := url.Parse(tt.endpoint); err == nil && u.Host != "" {
				allowed = u.Host
			}
			for _, ref := range externalURL.FindAllString(page, -1) {
				u, err := url.Parse(strings.ReplaceAll(ref, `\/`, "/"))
				if err != nil || u.Host != allowed || allowed == "" {
					t.Errorf("page references %q outside the endpoint's origin", ref)
				}
			}

			refs := assetRef.FindAllStringSubmatch(page, -1)
			if len(refs) != 4 {
				t.Errorf("page loads %d local assets, want 4 (graphiql js+css, react, react-dom): %q", len(refs), refs)
			}
			for _, ref := range refs {
				if resp := get(t, Assets(), ref[1], nil); resp.StatusCode != http.StatusOK {
					t.Errorf("page loads %s, Assets answers %d", ref[1], resp.StatusCode)
				}
			}
		})
	}
}

func TestHandlerHeadersPerPageLoad(t *testing.T) {
	n := 0
	h := Handler("/graphql", func(r *http.Request) map[string]string {
		n++
		return map[string]string{"Authorization": "Bearer dev-token-" + strings.Repeat("x", n)}
	})
	first := body(t, get(t, h, "/", nil))
	second := body(t, get(t, h, "/", nil))
	if !strings.Contains(first, `"Bearer dev-token-x"`) || strings.Contains(first, "dev-token-xx") {
		t.Errorf("first load does not carry the first token")
	}
	if !strings.Contains(second, `"Bearer dev-token-xx"`) {
		t.Errorf("second load does not carry a fresh token")
	}

	none := body(t, get(t, Handler("/graphql", nil), "/", nil))
	if !strings.Contains(none, "const fetcherHeaders = undefined;") {
		t.Errorf("nil headers func: page sets fetcher headers")
	}

	hostile := body(t, get(t, Handler("/graphql", func(*http.Request) map[string]string {
		return map[string]string{"X-Note": "</script><script>alert(1)</script>"}
	}), "/", nil))
	if strings.Contains(hostile, "<script>alert(1)") {
		t.Errorf("a header value broke out of the page's script")
	}
}

func TestAssets(t *testing.T) {
	tests := []struct {
		path        string
		status      int
		contentType string
	}{
		{AssetsPrefix + graphiqlJS, http.StatusOK, "text/javascript; charset=utf-8"},
		{AssetsPrefix + graphiqlCSS, http.StatusOK, "text/css; charset=utf-8"},
		{AssetsPrefix + reactJS, http.StatusOK, "text/javascript; charset=utf-8"},
		{AssetsPrefix + reactDOMJS, http.StatusOK, "text/javascript; charset=utf-8"},
		{AssetsPrefix + "graphiql-4.1.2.LICENSE.txt", http.StatusOK, "text/plain; charset=utf-8"},
		{AssetsPrefix, http.StatusNotFound, ""},
		{AssetsPrefix + "README.md", http.StatusNotFound, ""},
		{AssetsPrefix + "../graphiql.go", http.StatusNotFound, ""},
		{AssetsPrefix + "nope.js", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp := get(t, Assets(), tt.path, nil)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status != http.StatusOK {
				return
			}
			if ct := resp.Header.Get("Content-Type"); ct != tt.contentType {
				t.Errorf("Content-Type %q, want %q", ct, tt.contentType)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control %q", cc)
			}
			etag := resp.Header.Get("ETag")
			if etag == "" {
				t.Fatal("no ETag")
			}
			again := get(t, Assets(), tt.path, http.Header{"If-None-Match": {etag}})
			if again.StatusCode != http.StatusNotModified {
				t.Errorf("If-None-Match: status %d, want 304", again.StatusCode)
			}
		})
	}
}

// TestAssetsMatchGQLGenPins checks that the embedded files are the ones
// gqlgen's template was written for: byte-identical to the CDN files its
// default page pins by hash. A gqlgen upgrade that moves GraphiQL or React
// fails here until fetch-assets.sh follows.
func TestAssetsMatchGQLGenPins(t *testing.T) {
	ours := map[string]string{
		"/graphiql@4.1.2/graphiql.min.js":                   graphiqlJS,
		"/graphiql@4.1.2/graphiql.min.css":                  graphiqlCSS,
		"/react@18.2.0/umd/react.production.min.js":         reactJS,
		"/react-dom@18.2.0/umd/react-dom.production.min.js": reactDOMJS,
	}
	upstream := body(t, get(t, playground.Handler("pins", "/graphql"), "/", nil))
	seen := 0
	for _, m := range pinnedRef.FindAllStringSubmatch(upstream, -1) {
		src, integrity := html.UnescapeString(m[1]), html.UnescapeString(m[2])
		var name string
		for suffix, file := range ours {
			if strings.HasSuffix(src, suffix) {
				name = file
			}
		}
		if name == "" {
			t.Errorf("gqlgen's page loads %s, which we do not embed", src)
			continue
		}
		seen++
		if got := digests[name].sri; got != integrity {
			t.Errorf("%s: embedded %s, gqlgen pins %s for %s", name, got, integrity, src)
		}
	}
	if seen != len(ours) {
		t.Errorf("matched %d of gqlgen's pinned assets, want %d", seen, len(ours))
	}
}

// The default query is given to GraphiQL as a prop, escaped for the script
// it is written into; without one the page is gqlgen's.
func TestHandlerDefaultQuery(t *testing.T) {
	page := body(t, get(t, Handler("/graphql", nil, WithDefaultQuery("# try me\n{ hello }")), "/", nil))
	if !strings.Contains(page, `defaultQuery: "# try me\n{ hello }",`) {
		t.Errorf("page does not pass the default query to GraphiQL:\n%s", page)
	}
	if plain := body(t, get(t, Handler("/graphql", nil), "/", nil)); strings.Contains(plain, "defaultQuery") {
		t.Errorf("a page without a default query sets one")
	}
	hostile := body(t, get(t, Handler("/graphql", nil, WithDefaultQuery("</script><script>alert(1)</script>")), "/", nil))
	if strings.Contains(hostile, "<script>alert(1)") || !strings.Contains(hostile, "defaultQuery") {
		t.Errorf("the default query broke out of the page's script, or is missing")
	}
}
