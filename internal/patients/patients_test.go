package patients_test

import (
	"context"
	"testing"

	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/patients"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

func TestSearch(t *testing.T) {
	db := dbtest.Open(t)
	sys := tenant.Unscoped(context.Background())
	c := db.Client(sys)
	p := c.Practice.Create().SetName("P").SetTimeZone("UTC").SaveX(sys)
	add := func(first, last, preferred, birth string, phones ...string) {
		c.Patient.Create().SetPracticeID(p.ID).SetFirstName(first).SetLastName(last).SetPreferredName(preferred).
			SetBirthDate(birth).SetPhones(phones).SetPhoneIndex(patients.PhoneIndex(phones)).SaveX(sys)
	}
	add("Maria", "Alvarez", "", "1986-03-14", "+15550100123")
	add("Mateo", "Alvarez", "Teo", "2015-07-01", "+15550100123", "+15550100456")
	add("Marianne", "Lee", "", "1970-01-02")
	add("Bob", "Smith", "", "1986-03-14", "+155501001234") // a longer number that contains the short one
	ctx := tenant.System(context.Background(), p.ID)

	tests := []struct {
		s    patients.Search
		want int
	}{
		{patients.Search{Name: "maria"}, 2},
		{patients.Search{Name: "MARIA alvarez"}, 1},
		{patients.Search{Name: "teo"}, 1},
		{patients.Search{Phone: "(555) 010-0123"}, 2},
		{patients.Search{Phone: "555.010.0456"}, 1},
		{patients.Search{Phone: "+1 555 010 0123", Name: "Mateo"}, 1},
		{patients.Search{BirthDate: "1986-03-14"}, 2},
		{patients.Search{BirthDate: "1986-03-14", Name: "alvarez"}, 1},
		{patients.Search{}, 4},
	}
	for _, tt := range tests {
		pred, err := patients.Predicate(tt.s)
		if err != nil {
			t.Fatal(err)
		}
		if n := c.Patient.Query().Where(pred).CountX(ctx); n != tt.want {
			t.Errorf("%+v finds %d, want %d", tt.s, n, tt.want)
		}
	}
	for _, bad := range []patients.Search{{Phone: "call me"}, {BirthDate: "14/03/1986"}} {
		if _, err := patients.Predicate(bad); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}
