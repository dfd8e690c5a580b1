package receptionist

import (
	"sync"
	"testing"

	"github.com/frontdesk/frontdesk/ent"
)

// Every request of a call may run at once, and each changes its own copy of
// the call's row (the verified patient): the cache never hands out the row
// it keeps. make test runs this under -race.
func TestCallCacheHandsOutCopies(t *testing.T) {
	var c callCache
	c.put(&ent.Call{ID: "call_1", VapiCallID: "v-1", PracticeID: "prac_1"})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			row := c.get("prac_1", "v-1")
			id := "pat_" + string(rune('a'+i))
			row.VerifiedPatientID = &id
			if row.PracticeID != "prac_1" || *row.VerifiedPatientID != id {
				t.Errorf("row %+v", row)
			}
		}()
	}
	wg.Wait()
	if row := c.get("prac_1", "v-1"); row.VerifiedPatientID != nil || row.ID != "call_1" {
		t.Fatalf("a request's change reached the cache: %+v", row)
	}
	if c.get("prac_1", "v-2") != nil {
		t.Fatal("a row for an unknown call")
	}
}
