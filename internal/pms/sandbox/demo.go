package sandbox

import (
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
)

// Identity is a caller the call simulator and the docs can rely on, whatever
// the seed.
type Identity struct {
	PatientID string // empty for a caller the PMS does not know
	FirstName string
	LastName  string
	BirthDate calendar.Date
	Phone     string // E.164
}

// DemoPatient is patient P00001. She has a Confirmed cleaning with hygienist
// Jenna Holloway (HYG1, Hygiene Room) at 10:00 on the first weekday at least
// three days after the anchor that the practice is open; her son Mateo
// (P00002, born 2015-07-22) shares her phone, stored in another format, so a
// call from it finds two patients until name and birth date tell them apart.
var DemoPatient = Identity{
	PatientID: "P00001",
	FirstName: "Maria",
	LastName:  "Alvarez",
	BirthDate: calendar.Date{Year: 1986, Month: time.March, Day: 14},
	Phone:     "+15550100123",
}

// DemoNewCaller matches no patient by name, birth date or phone: the caller
// who books as a new patient.
var DemoNewCaller = Identity{
	FirstName: "Jordan",
	LastName:  "Whitaker",
	BirthDate: calendar.Date{Year: 1994, Month: time.November, Day: 5},
	Phone:     "+15550100188",
}
