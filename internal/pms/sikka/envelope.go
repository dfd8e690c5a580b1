package sikka

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/frontdesk/frontdesk/internal/pms"
)

// str decodes a JSON value that Sikka sends as a string. Sikka sends every
// number and boolean as a string ("total_count":"1234", "is_hidden":"F");
// str also accepts a bare number, boolean or null so that one endpoint
// answering differently does not break a sync.
type str string

func (s *str) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*s = ""
	case b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = str(strings.TrimSpace(v))
	case b[0] == '{' || b[0] == '[':
		return fmt.Errorf("sikka: expected a string, got %c", b[0])
	default:
		*s = str(b)
	}
	return nil
}

func (s str) int() (int, bool) {
	n, err := strconv.Atoi(string(s))
	return n, err == nil
}

// truthy reads Sikka's many spellings of a boolean ("True", "T", "Y", "1").
func (s str) truthy() bool {
	switch strings.ToLower(string(s)) {
	case "true", "t", "y", "yes", "1":
		return true
	}
	return false
}

// envelope is Sikka's list response. offset is a page index.
type envelope struct {
	Offset     str               `json:"offset"`
	Limit      str               `json:"limit"`
	TotalCount str               `json:"total_count"`
	Pagination *pagination       `json:"pagination"`
	Items      []json.RawMessage `json:"items"`
}

// pagination holds the links Sikka puts in every list response; next is
// empty on the last page.
type pagination struct {
	Next str `json:"next"`
}

// keyed is implemented by the items a listing de-duplicates: Sikka's pages
// can repeat rows (its examples report a total_count larger than the rows
// it returns), and a repeated row must not become a second record.
type keyed interface{ key() string }

// unwrapArray returns the first element when body is a top-level JSON
// array: several Sikka answers (the pagination example, writeback_status)
// wrap the envelope in one.
func unwrapArray(body []byte) []byte {
	t := bytes.TrimSpace(body)
	if len(t) == 0 || t[0] != '[' {
		return t
	}
	var arr []json.RawMessage
	if err := json.Unmarshal(t, &arr); err != nil || len(arr) == 0 {
		return nil
	}
	return arr[0]
}

// decodeEnvelope reads a list response. HTTP 204 (API2005) or an empty body
// is an empty list.
func decodeEnvelope(status int, body []byte) (envelope, error) {
	t := unwrapArray(body)
	if status == http.StatusNoContent || len(t) == 0 {
		return envelope{}, nil
	}
	var env envelope
	if err := json.Unmarshal(t, &env); err != nil {
		return envelope{}, fmt.Errorf("decode envelope: %w", err)
	}
	return env, nil
}

// list streams every item of a paged GET, one page per request, each item
// once (see keyed). Sikka's offset is the page index ("offset = 1 and limit
// = 500 will return rows 501 to 1000"), so the next request asks for
// offset+1, not offset+limit. The last page is the one whose
// pagination.next is empty; total_count is not trusted to say so (the
// documented operatories answer has "total_count":"11" over two rows and no
// next page). Only an answer without pagination links falls back to
// total_count and a short page.
func list[T any](ctx context.Context, pageSize int, get func(ctx context.Context, q url.Values) (*response, error), path string, q url.Values) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		read := 0
		seen := map[string]bool{}
		for page := 0; page < maxPages; page++ {
			pq := url.Values{}
			for k, v := range q {
				pq[k] = v
			}
			pq.Set("offset", strconv.Itoa(page))
			pq.Set("limit", strconv.Itoa(pageSize))
			resp, err := get(ctx, pq)
			if err != nil {
				yield(zero, err)
				return
			}
			env, err := decodeEnvelope(resp.status, resp.body)
			if err != nil {
				yield(zero, fmt.Errorf("sikka: GET %s page %d: %w", path, page, err))
				return
			}
			for _, raw := range env.Items {
				var item T
				if err := json.Unmarshal(raw, &item); err != nil {
					yield(zero, fmt.Errorf("sikka: GET %s page %d: decode item: %w", path, page, err))
					return
				}
				if k, ok := any(item).(keyed); ok {
					if key := k.key(); key != "" {
						if seen[key] {
							continue
						}
						seen[key] = true
					}
				}
				if !yield(item, nil) {
					return
				}
			}
			read += len(env.Items)
			limit, ok := env.Limit.int()
			if !ok || limit <= 0 || limit > pageSize {
				limit = pageSize
			}
			total, hasTotal := env.TotalCount.int()
			switch {
			case len(env.Items) == 0:
				return
			case env.Pagination != nil:
				if env.Pagination.Next == "" {
					return
				}
			case hasTotal && read >= total:
				return
			case !hasTotal && len(env.Items) < limit:
				return
			}
		}
		yield(zero, fmt.Errorf("sikka: GET %s: more than %d pages: %w", path, maxPages, pms.ErrUnavailable))
	}
}

// maxPages bounds one listing: a PMS that keeps answering "there is a next
// page" must not keep a sync reading forever. At the default page size it
// is a million rows.
const maxPages = 1000

// collect drains a stream into a slice.
func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
