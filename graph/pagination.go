package graph

import "github.com/frontdesk/frontdesk/internal/apperr"

// Connection pages: a client that names no size gets the first 50 rows, and
// none gets more than 500 at once (a patient list must not become a dump).
const (
	defaultPageSize = 50
	maxPageSize     = 500
)

// page bounds a connection's first/last arguments.
func page(first, last *int) (*int, *int, error) {
	for _, n := range []*int{first, last} {
		if n != nil && (*n < 0 || *n > maxPageSize) {
			return nil, nil, apperr.New(apperr.Invalid, "first and last must be between 0 and %d", maxPageSize)
		}
	}
	if first == nil && last == nil {
		n := defaultPageSize
		first = &n
	}
	return first, last, nil
}

// pageCost is a connection field's complexity: its rows' cost times the
// rows it asks for, counted in full so a page over the limit is refused
// before it runs.
func pageCost(child int, first, last *int) int {
	n := defaultPageSize
	switch {
	case first != nil:
		n = *first
	case last != nil:
		n = *last
	}
	return itemsCost(child, n)
}

// itemsCost is the complexity of a field returning up to n items of cost
// child. Both are counted only to just past the limit, so deep nesting
// cannot overflow into a small number.
func itemsCost(child, n int) int {
	return 1 + max(1, min(n, ComplexityLimit+1))*min(child, ComplexityLimit+1)
}
