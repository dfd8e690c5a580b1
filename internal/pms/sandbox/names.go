package sandbox

// Name lists the seeded patients are drawn from. "Alvarez" and "Whitaker" are
// kept out of them, so the demo identities stay unique.

var firstNames = []string{
	"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
	"William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Christopher", "Karen",
	"Charles", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony", "Sandra", "Mark", "Margaret",
	"Donald", "Ashley", "Steven", "Kimberly", "Andrew", "Emily", "Paul", "Donna", "Joshua", "Michelle",
	"Kenneth", "Carol", "Kevin", "Amanda", "Brian", "Melissa", "Timothy", "Deborah", "Ronald", "Stephanie",
	"Jason", "Rebecca", "George", "Sharon", "Edward", "Laura", "Jeffrey", "Cynthia", "Ryan", "Dorothy",
	"Jacob", "Amy", "Nicholas", "Kathleen", "Gary", "Angela", "Eric", "Shirley", "Jonathan", "Emma",
	"Stephen", "Brenda", "Justin", "Nicole", "Scott", "Anna", "Brandon", "Samantha", "Benjamin", "Katherine",
	"Samuel", "Christine", "Gregory", "Rachel", "Alexander", "Carolyn", "Patrick", "Janet", "Frank", "Maria",
	"Raymond", "Olivia", "Jack", "Heather", "Tyler", "Catherine", "Aaron", "Diane", "José", "Julie",
	"Adam", "Victoria", "Nathan", "Joyce", "Henry", "Lauren", "Zachary", "Kelly", "Peter", "Ruth",
	"Noah", "Evelyn", "Ethan", "Hannah", "Walter", "Megan", "Sean", "Abigail", "Dylan", "Sophia",
	"Jordan", "Grace", "Gabriel", "Charlotte", "Logan", "Isabella", "Lucas", "Natalie", "Liam", "Chloe",
	"Wei", "Mei", "Hiroshi", "Yuki", "Priya", "Arjun", "Aisha", "Omar", "Fatima", "Mohammed",
	"Chinedu", "Ngozi", "Kwame", "Ama", "Sofia", "Mateo", "Camila", "Santiago", "Valentina", "Diego",
	"Ana", "Luis", "Carmen", "Jorge", "Lucía", "Dmitri", "Olga", "Katarzyna", "Piotr", "Giulia",
	"Marco", "Siobhan", "Declan", "Ingrid", "Lars", "Thanh", "Minh", "Ji-woo", "Min-jun", "Seo-yeon",
	"Tariq", "Leila", "Yosef", "Miriam", "Rosa", "Nadia", "Zoe", "Mia", "Elijah", "Aaliyah",
}

// nicknames gives some first names the preferred name a patient may go by.
var nicknames = map[string]string{
	"William": "Bill", "Robert": "Bob", "Elizabeth": "Liz", "Katherine": "Kate", "Michael": "Mike",
	"Christopher": "Chris", "Jennifer": "Jen", "Richard": "Rick", "Margaret": "Maggie", "Joseph": "Joe",
	"Samantha": "Sam", "Alexander": "Alex", "Nicholas": "Nick", "Rebecca": "Becky", "Kimberly": "Kim",
}

var lastNames = []string{
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
	"Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
	"Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
	"Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
	"Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
	"Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes",
	"Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper",
	"Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson",
	"Watson", "Brooks", "Chavez", "Wood", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price",
	"Patel", "Shah", "Chen", "Wang", "Li", "Zhang", "Liu", "Tanaka", "Sato", "Park",
	"Choi", "Okafor", "Adeyemi", "Mensah", "O'Brien", "O'Connor", "Kowalski", "Nowak", "Rossi", "Russo",
	"Esposito", "Ivanov", "Petrov", "Cohen", "Levy", "Friedman", "Schmidt", "Müller", "Andersson", "Johansson",
	"Haddad", "Khan", "Hussain", "Ali", "Tran", "Pham", "Le", "Dubois", "Silva", "Santos",
	"Oliveira", "McCarthy", "Sullivan", "Fitzgerald", "Novak", "Yilmaz", "Núñez", "Van der Berg", "St. Claire", "Lindqvist",
}
