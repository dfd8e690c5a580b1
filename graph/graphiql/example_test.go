package graphiql_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/graph/graphiql"
	"github.com/frontdesk/frontdesk/graph/graphtest"
	"github.com/frontdesk/frontdesk/internal/auth/authtest"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/fixture"
)

// The example dev mode's GraphiQL opens on runs, without an error, for an
// owner of a practice mirrored from the sandbox, as the demo practice is.
func TestExampleQueryRuns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		env := graphtest.New(t, db)
		owner := &graphtest.User{User: authtest.User{Subject: "dev", Email: "dev@example.com"}}
		var created struct{ CreatePractice struct{ ID string } }
		env.MustDo(t, owner, `mutation { createPractice(input: {name: "Bright Smile Dental", timeZone: "America/New_York"}) { id } }`, nil, &created)
		fixture.Mirror(t, db, fixture.Options{PracticeID: created.CreatePractice.ID})

		var out struct {
			Practice     struct{ Name string }
			Availability struct {
				Slots []struct{ LocalStart string }
			}
		}
		env.MustDo(t, owner, graphiql.ExampleQuery, nil, &out)
		if out.Practice.Name != "Bright Smile Dental" || len(out.Availability.Slots) == 0 {
			t.Errorf("example answered %+v", out)
		}
	})
}

// Dev mode's page carries the example; outside dev mode the page is
// GraphiQL's own.
func TestDevModeOpensOnTheExample(t *testing.T) {
	for _, dev := range []bool{true, false} {
		env := graphtest.New(t, dbtest.Open(t), graphtest.WithConfig(func(c *config.Config) {
			c.Dev, c.DataDir = dev, t.TempDir()
		}))
		res := env.Request(t, nil, http.MethodGet, "/", nil)
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		q, _ := json.Marshal(graphiql.ExampleQuery)
		if got := strings.Contains(string(page), "defaultQuery: "+string(q)); got != dev {
			t.Errorf("dev mode %v: page carries the example: %v", dev, got)
		}
	}
}
