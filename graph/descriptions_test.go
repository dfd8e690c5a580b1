package graph_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// generatedSchema is entgql's: its descriptions come from the ent schema's
// comments, and the ent schema's own review covers them.
const generatedSchema = "ent.graphql"

// Every type and field of the schema we write, extensions of the generated
// types included, tells the reader of GraphiQL's Docs pane what it is.
func TestSchemaIsDescribed(t *testing.T) {
	files, err := filepath.Glob("../schema/*.graphql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no schema files: %v", err)
	}
	var missing []string
	for _, path := range files {
		name := filepath.Base(path)
		if name == generatedSchema {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := parser.ParseSchema(&ast.Source{Name: name, Input: string(src)})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		check := func(defs ast.DefinitionList, extension bool) {
			for _, d := range defs {
				// An extension adds fields; the type is described where it
				// is defined (a root type needs none).
				if !extension && strings.TrimSpace(d.Description) == "" {
					missing = append(missing, name+": type "+d.Name)
				}
				for _, f := range d.Fields {
					if strings.TrimSpace(f.Description) == "" {
						missing = append(missing, name+": "+d.Name+"."+f.Name)
					}
				}
			}
		}
		check(doc.Definitions, false)
		check(doc.Extensions, true)
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		t.Errorf("%d types and fields have no description:\n  %s", len(missing), strings.Join(missing, "\n  "))
	}
}
