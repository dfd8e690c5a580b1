// Package graphiql serves GraphiQL with its JavaScript and CSS embedded in the
// binary, so the page works on machines without internet. The page is gqlgen's
// GraphiQL template pointed at our own asset routes; fetch-assets.sh
// reproduces the assets from the npm registry.
package graphiql

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"time"

	"github.com/99designs/gqlgen/graphql/playground"
)

// AssetsPrefix is where Assets must be mounted: the page names its scripts and
// styles by absolute path under it.
const AssetsPrefix = "/graphiql/assets/"

const title = "frontdesk GraphiQL"

// File names carry the package version, so a far-future cache lifetime is safe:
// a new version is a new URL.
const (
	graphiqlJS  = "graphiql-4.1.2.min.js"
	graphiqlCSS = "graphiql-4.1.2.min.css"
	reactJS     = "react-18.2.0.production.min.js"
	reactDOMJS  = "react-dom-18.2.0.production.min.js"
)

//go:embed assets/*.js assets/*.css assets/*.txt
var embedded embed.FS

var assetFS = mustSub(embedded, "assets")

// digests holds each embedded file's sha256: the page passes it as subresource
// integrity, so the browser runs exactly the bytes in the binary, and the asset
// route sends it as the ETag.
var digests = mustDigest(assetFS)

var contentTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".txt": "text/plain; charset=utf-8",
}

// ExampleQuery is the first tab dev mode's GraphiQL opens on: a query that
// works for the demo practice as the dev user, touching what a newcomer
// looks for first. It has no operation name: GraphiQL would go on sending
// the name for a moment after the text is replaced, and the server refuse
// the new text for lacking it.
const ExampleQuery = `# frontdesk's API, signed in as the dev user: the owner of the demo practice.
# Press the run button (Ctrl-Enter). The Docs pane (top left) describes every
# type and field; X-Practice-ID chooses a practice when you have several.

{
  viewer {
    subject
    email
    memberships { role practice { id name } }
  }
  practice { id name timeZone frontDeskNumber }
  # Open times for a cleaning, in the practice's zone.
  availability(input: { appointmentType: "Cleaning", maxResults: 3 }) {
    slots { localStart spoken provider { firstName lastName } }
    nextAvailable { localStart spoken }
  }
  # The receptionist's most recent calls.
  calls(first: 5) {
    edges { node { startedAt callerNumber outcome summary } }
  }
}
`

// Option changes the page.
type Option func(*pageOptions)

type pageOptions struct{ defaultQuery string }

// WithDefaultQuery opens the page, for a browser that has no saved tabs, on
// query instead of GraphiQL's welcome comment.
func WithDefaultQuery(query string) Option { return func(p *pageOptions) { p.defaultQuery = query } }

// defaultQueryAnchor is where the query goes among the props gqlgen's
// template gives the GraphiQL component, which has no option for it.
var defaultQueryAnchor = []byte("fetcher: fetcher,")

// Handler serves the GraphiQL page for the GraphQL endpoint (a path such as
// "/graphql", or an absolute URL). headers, when not nil, is called on every
// page load; the page then sends what it returns with every request to the
// endpoint (in dev mode, a freshly minted bearer token). The page is never
// cached, since it may carry such a token.
func Handler(endpoint string, headers func(*http.Request) map[string]string, opts ...Option) http.Handler {
	var pg pageOptions
	for _, opt := range opts {
		opt(&pg)
	}
	var defaultQueryProp []byte
	if pg.defaultQuery != "" {
		// json.Marshal escapes <, > and &, so the query cannot end the
		// script element it is written into; a string always marshals.
		q, _ := json.Marshal(pg.defaultQuery)
		defaultQueryProp = slices.Concat(defaultQueryAnchor, []byte("\n          defaultQuery: "), q, []byte(","))
	}
	options := []playground.GraphiqlConfigOption{
		playground.WithGraphiqlVersion(AssetsPrefix+graphiqlJS, AssetsPrefix+graphiqlCSS,
			digests[graphiqlJS].sri, digests[graphiqlCSS].sri),
		playground.WithGraphiqlReactVersion(AssetsPrefix+reactJS, AssetsPrefix+reactDOMJS,
			digests[reactJS].sri, digests[reactDOMJS].sri),
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gqlOpts := options
		if headers != nil {
			gqlOpts = slices.Concat(options, []playground.GraphiqlConfigOption{
				playground.WithGraphiqlFetcherHeaders(headers(r)),
			})
		}
		// gqlgen's handler panics when a write fails (a client that went
		// away), so render into memory and write from here.
		page := &bufferedResponse{header: http.Header{}}
		playground.Handler(title, endpoint, gqlOpts...).ServeHTTP(page, r)
		body := page.body.Bytes()
		if defaultQueryProp != nil {
			body = bytes.Replace(body, defaultQueryAnchor, defaultQueryProp, 1)
		}

		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(body)
	})
}

// Assets serves the embedded files; mount it at AssetsPrefix.
func Assets() http.Handler {
	return http.StripPrefix(AssetsPrefix, http.HandlerFunc(serveAsset))
}

func serveAsset(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Path
	d, ok := digests[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	f, err := assetFS.Open(name)
	if err != nil {
		http.Error(w, "graphiql: open asset", http.StatusInternalServerError)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", contentTypes[path.Ext(name)])
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", d.etag)
	// embed's files are seekable, so ServeContent answers ranges and
	// If-None-Match without copying the file.
	http.ServeContent(w, r, name, time.Time{}, f.(io.ReadSeeker))
}

type digest struct {
	sri  string // "sha256-<base64>"
	etag string // quoted hex
}

func mustDigest(fsys fs.FS) map[string]digest {
	names, err := fs.Glob(fsys, "*")
	if err != nil {
		panic("graphiql: list embedded assets: " + err.Error())
	}
	out := make(map[string]digest, len(names))
	for _, name := range names {
		if _, ok := contentTypes[path.Ext(name)]; !ok {
			panic("graphiql: embedded asset with no content type: " + name)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			panic("graphiql: read embedded asset: " + err.Error())
		}
		sum := sha256.Sum256(b)
		out[name] = digest{
			sri:  "sha256-" + base64.StdEncoding.EncodeToString(sum[:]),
			etag: `"` + hex.EncodeToString(sum[:16]) + `"`,
		}
	}
	return out
}

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic("graphiql: embedded assets: " + err.Error())
	}
	return sub
}

// bufferedResponse collects gqlgen's rendering of the page.
type bufferedResponse struct {
	header http.Header
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header         { return b.header }
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferedResponse) WriteHeader(int)             {}
