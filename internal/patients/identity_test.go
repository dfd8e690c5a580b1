package patients_test

import (
	"context"
	"testing"

	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/patients"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

func TestPhoneIndex(t *testing.T) {
	tests := []struct {
		phones []string
		want   string
	}{
		{nil, ""},
		{[]string{"+15550100123"}, " +15550100123 "},
		{[]string{"+15550100123", "+15550100456"}, " +15550100123 +15550100456 "},
	}
	for _, tt := range tests {
		if got := patients.PhoneIndex(tt.phones); got != tt.want {
			t.Errorf("PhoneIndex(%v) = %q, want %q", tt.phones, got, tt.want)
		}
	}
}

func TestFind(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		sys := tenant.Unscoped(context.Background())
		c := db.Client(sys)
		p := c.Practice.Create().SetName("P").SetTimeZone("UTC").SaveX(sys)
		add := func(first, preferred, last, birth string, phones ...string) string {
			return c.Patient.Create().SetPracticeID(p.ID).SetFirstName(first).SetPreferredName(preferred).SetLastName(last).
				SetBirthDate(birth).SetPhones(phones).SetPhoneIndex(patients.PhoneIndex(phones)).SaveX(sys).ID
		}
		teo := add("Mateo", "Teo", "Alvarez", "2015-07-01", "+15550100123")
		maria := add("Maria", "", "Alvarez", "1986-03-14", "+15550100123")
		// Namesakes: the same name and birth date, told apart by number.
		sam1 := add("Sam", "", "Lee", "1970-01-02", "+15550100777")
		sam2 := add("Sam", "", "Lee", "1970-01-02", "+15550100888")
		ctx := tenant.System(context.Background(), p.ID)

		tests := []struct {
			name   string
			id     patients.Identity
			number string
			want   []string
		}{
			{"first name", patients.Identity{FirstName: "Mateo", LastName: "Alvarez", BirthDate: "2015-07-01"}, "", []string{teo}},
			{"preferred name", patients.Identity{FirstName: "teo", LastName: "ALVAREZ", BirthDate: "2015-07-01"}, "", []string{teo}},
			{"spaces around", patients.Identity{FirstName: " Maria ", LastName: "Alvarez ", BirthDate: " 1986-03-14"}, "", []string{maria}},
			{"wrong birth date", patients.Identity{FirstName: "Maria", LastName: "Alvarez", BirthDate: "1986-03-15"}, "", nil},
			{"part of a name", patients.Identity{FirstName: "Mat", LastName: "Alvarez", BirthDate: "2015-07-01"}, "", nil},
			{"a number alone finds no one", patients.Identity{}, "+15550100123", nil},
			{"one match ignores the number", patients.Identity{FirstName: "Maria", LastName: "Alvarez", BirthDate: "1986-03-14"}, "+15550100999", []string{maria}},
			{"namesakes, no number", patients.Identity{FirstName: "Sam", LastName: "Lee", BirthDate: "1970-01-02"}, "", []string{sam1, sam2}},
			{"namesakes, one number", patients.Identity{FirstName: "Sam", LastName: "Lee", BirthDate: "1970-01-02"}, "+15550100888", []string{sam2}},
			{"namesakes, a number neither has", patients.Identity{FirstName: "Sam", LastName: "Lee", BirthDate: "1970-01-02"}, "+15550100999", []string{sam1, sam2}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := patients.Find(ctx, db.Client(ctx), tt.id, tt.number)
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, p := range got {
					ids = append(ids, p.ID)
				}
				if len(ids) != len(tt.want) {
					t.Fatalf("found %v, want %v", ids, tt.want)
				}
				for i := range ids {
					if ids[i] != tt.want[i] {
						t.Fatalf("found %v, want %v", ids, tt.want)
					}
				}
			})
		}
	})
}
