package niaga

// Commodity is a traded good with its base unit and quality grades.
type Commodity struct {
	Code   string   `json:"code"`
	NameID string   `json:"name_id"`
	NameEN string   `json:"name_en"`
	Unit   string   `json:"unit"` // kg, ekor (head), liter
	Grades []string `json:"grades"`
}

// Name returns the commodity's name in lang ("id" or "en").
func (c Commodity) Name(lang string) string {
	if lang == "en" {
		return c.NameEN
	}
	return c.NameID
}

// HasGrade reports whether g is one of the commodity's grades.
func (c Commodity) HasGrade(g string) bool {
	for _, x := range c.Grades {
		if x == g {
			return true
		}
	}
	return false
}

// SeedCommodities are the commodities every new database starts with.
var SeedCommodities = []Commodity{
	{"beras", "Beras", "Rice", "kg", []string{"premium", "medium", "submedium", "pecah"}},
	{"kopi_robusta", "Kopi Robusta", "Robusta coffee", "kg", []string{"1", "2", "3", "4", "5", "6"}},
	{"kopi_arabika", "Kopi Arabika", "Arabica coffee", "kg", []string{"1", "2", "3", "4", "5", "6"}},
	{"jagung", "Jagung", "Corn", "kg", []string{"I", "II", "III", "IV"}},
	{"gula", "Gula Pasir", "Sugar", "kg", []string{"GKP I", "GKP II"}},
	{"cabai", "Cabai Merah", "Red chili", "kg", []string{"super", "sedang", "biasa"}},
	{"bawang_merah", "Bawang Merah", "Shallot", "kg", []string{"super", "sedang", "biasa"}},
	{"ikan", "Ikan Segar", "Fresh fish", "kg", []string{"A", "B", "C"}},
	{"sapi", "Sapi Potong", "Beef cattle", "ekor", []string{"A", "B", "C"}},
	{"kelapa_sawit", "Kelapa Sawit (TBS)", "Oil palm (FFB)", "kg", []string{"A", "B", "C"}},
	{"karet", "Karet", "Rubber", "kg", []string{"SIR 10", "SIR 20"}},
	{"kakao", "Kakao", "Cocoa", "kg", []string{"I", "II", "III"}},
}
