package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/frontdesk/frontdesk/internal/apperr"
)

// Sizes a caller types into one request. Each is checked before anything
// runs; a value over one is INVALID, naming the field.
const (
	// MaxQueryTokens bounds the GraphQL document itself (GraphiQL's
	// introspection query is about 300 tokens).
	MaxQueryTokens = 10000
	// MaxShortText bounds names, emails, and every search and filter value:
	// SQL is built from them.
	MaxShortText = 200
	// MaxLongText bounds every other text: notes, reasons, greetings,
	// instructions.
	MaxLongText = 4000
	// MaxListItems bounds every list argument (hours, closures, ids…).
	MaxListItems = 200
	// MaxWhereTerms bounds the filter objects (and, or, not, has…With) of
	// one where argument: the database refuses deep expression trees, and
	// slowly.
	MaxWhereTerms = 50
)

// shortTextFields are the input fields that hold a name.
var shortTextFields = map[string]bool{"name": true, "firstName": true, "lastName": true, "email": true}

// inputLimits checks every argument of an operation against the sizes
// above, and that every nested connection has a page size, before the
// operation runs.
type inputLimits struct{ schema *ast.Schema }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &inputLimits{}

func (*inputLimits) ExtensionName() string { return "InputLimits" }

func (l *inputLimits) Validate(s graphql.ExecutableSchema) error {
	l.schema = s.Schema()
	return nil
}

// maxPathInMessage keeps an error's field path short: a deep filter's path
// is as long as the filter.
const maxPathInMessage = 80

func shortPath(p string) string {
	if len(p) <= maxPathInMessage {
		return p
	}
	return p[:maxPathInMessage/2] + "…" + p[len(p)-maxPathInMessage/2:]
}

func (l *inputLimits) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	w := limitWalk{schema: l.schema, vars: oc.Variables, seen: map[string]bool{}}
	if err := w.selections(oc.Operation.SelectionSet, true); err != nil {
		gqlErr := gqlerror.Errorf("%s", apperr.MessageOf(err))
		gqlErr.Extensions = map[string]any{"code": string(apperr.Invalid)}
		return gqlErr
	}
	return nil
}

type limitWalk struct {
	schema *ast.Schema
	vars   map[string]any
	seen   map[string]bool // fragments walked, by name and level
	where  int             // filter objects in the current argument
}

func (w *limitWalk) selections(set ast.SelectionSet, root bool) error {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if err := w.field(s, root); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := w.selections(s.SelectionSet, root); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			key := fmt.Sprint(s.Name, root)
			if s.Definition == nil || w.seen[key] {
				continue
			}
			w.seen[key] = true
			if err := w.selections(s.Definition.SelectionSet, root); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *limitWalk) field(f *ast.Field, root bool) error {
	if f.Definition == nil {
		return nil
	}
	args := f.ArgumentMap(w.vars)
	for _, def := range f.Definition.Arguments {
		w.where = 0
		if err := w.value(def.Name, def.Type, args[def.Name], false); err != nil {
			return err
		}
	}
	if isConnection(f.Definition) {
		first, last := intArg(args["first"]), intArg(args["last"])
		for _, n := range []*int{first, last} {
			if n != nil && (*n < 0 || *n > maxPageSize) {
				return apperr.New(apperr.Invalid, "%s: first and last must be between 0 and %d", f.Alias, maxPageSize)
			}
		}
		// A top-level connection's resolver gives it the default page; a
		// nested one is loaded with its parents, so it must say.
		if first == nil && last == nil && !root {
			return apperr.New(apperr.Invalid, "%s: give first or last (at most %d)", f.Alias, maxPageSize)
		}
	}
	return w.selections(f.SelectionSet, false)
}

func (w *limitWalk) value(path string, t *ast.Type, v any, short bool) error {
	if v == nil || t == nil {
		return nil
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			// A single value where a list is expected is a list of one.
			return w.value(path, t.Elem, v, short)
		}
		if len(list) > MaxListItems {
			return apperr.New(apperr.Invalid, "%s: at most %d items", shortPath(path), MaxListItems)
		}
		for i, item := range list {
			if err := w.value(path+"["+strconv.Itoa(i)+"]", t.Elem, item, short); err != nil {
				return err
			}
		}
		return nil
	}
	switch v := v.(type) {
	case string:
		limit := MaxLongText
		if short {
			limit = MaxShortText
		}
		if len(v) > limit && utf8.RuneCountInString(v) > limit {
			return apperr.New(apperr.Invalid, "%s: at most %d characters", shortPath(path), limit)
		}
	case map[string]any:
		def := w.schema.Types[t.NamedType]
		if def == nil || def.Kind != ast.InputObject {
			return nil
		}
		filter := strings.HasSuffix(def.Name, "WhereInput")
		if filter {
			if w.where++; w.where > MaxWhereTerms {
				return apperr.New(apperr.Invalid, "%s: at most %d filter terms (and, or, not, has…With)", shortPath(path), MaxWhereTerms)
			}
		}
		search := filter || def.Name == "PatientSearch"
		for _, fd := range def.Fields {
			if err := w.value(path+"."+fd.Name, fd.Type, v[fd.Name], search || shortTextFields[fd.Name]); err != nil {
				return err
			}
		}
	}
	return nil
}

func isConnection(def *ast.FieldDefinition) bool {
	return strings.HasSuffix(def.Type.Name(), "Connection") && def.Arguments.ForName("first") != nil
}

func intArg(v any) *int {
	var n int
	switch v := v.(type) {
	case int:
		n = v
	case int64:
		n = int(v)
	case float64:
		n = int(v)
	case json.Number:
		i, err := v.Int64()
		if err != nil {
			return nil
		}
		n = int(i)
	case *int:
		return v
	default:
		return nil
	}
	return &n
}

// pagedDocuments gives every nested connection that names neither first
// nor last the default page, before the document is cached and run: ent
// loads nested connections with their parents, and without a size it loads
// every row. The document is still this request's alone when Add sees it.
type pagedDocuments struct {
	graphql.Cache[*ast.QueryDocument]
}

func (c pagedDocuments) Add(ctx context.Context, key string, doc *ast.QueryDocument) {
	for _, op := range doc.Operations {
		defaultPages(op.SelectionSet, true)
	}
	for _, f := range doc.Fragments {
		defaultPages(f.SelectionSet, rootTypes[f.TypeCondition])
	}
	c.Cache.Add(ctx, key, doc)
}

var rootTypes = map[string]bool{"Query": true, "Mutation": true, "Subscription": true}

func defaultPages(set ast.SelectionSet, root bool) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if !root && s.Definition != nil && isConnection(s.Definition) &&
				s.Arguments.ForName("first") == nil && s.Arguments.ForName("last") == nil {
				s.Arguments = append(s.Arguments, &ast.Argument{
					Name:  "first",
					Value: &ast.Value{Kind: ast.IntValue, Raw: strconv.Itoa(defaultPageSize), ExpectedType: s.Definition.Arguments.ForName("first").Type},
				})
			}
			defaultPages(s.SelectionSet, false)
		case *ast.InlineFragment:
			defaultPages(s.SelectionSet, root)
		}
	}
}
