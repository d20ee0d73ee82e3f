package oblast

// aliases are the spellings the crosswalk does not hold — older or
// Russian-derived transliterations still common in data sets and the
// press, and short forms — and the decisions on ambiguous names. They win
// over every spelling of the crosswalk.
//
// Two decisions:
//   - "Kyiv" and "Kiev" are Kyiv Oblast (UA-32), as in ACLED's admin1,
//     which writes the capital "Kyiv City"; in Ukrainian, "Київ" is the
//     city (the oblast is "Київська область").
//   - "Crimea" is the Autonomous Republic (UA-43). ACLED codes Sevastopol
//     as "Crimea" too — the crosswalk observed it only there — so an ACLED
//     row in Sevastopol maps to UA-43 by name; ByPoint, when its
//     coordinates are given, says UA-40.
var aliases = []struct{ name, code string }{
	{"Vinnitsa", "UA-05"},
	{"Volhynia", "UA-07"},
	{"Lugansk", "UA-09"},
	{"Dnipro", "UA-12"},
	{"Dnepropetrovsk", "UA-12"},
	{"Zhitomir", "UA-18"},
	{"Zakarpattia", "UA-21"},
	{"Transcarpathia", "UA-21"},
	{"Zaporizhia", "UA-23"},
	{"Zaporizhzhia", "UA-23"},
	{"Zaporozhye", "UA-23"},
	{"Kiev City", "UA-30"},
	{"City of Kyiv", "UA-30"},
	{"City of Kiev", "UA-30"},
	{"Київ", "UA-30"},
	{"м. Київ", "UA-30"},
	{"Kyiv", "UA-32"},
	{"Kiev", "UA-32"},
	{"Kropyvnytskyi", "UA-35"},
	{"Sevastopol", "UA-40"},
	{"City of Sevastopol", "UA-40"},
	{"Севастополь", "UA-40"},
	{"м. Севастополь", "UA-40"},
	{"Crimea", "UA-43"},
	{"Krym", "UA-43"},
	{"Republic of Crimea", "UA-43"},
	{"AR Crimea", "UA-43"},
	{"Крим", "UA-43"},
	{"АР Крим", "UA-43"},
	{"Lvov", "UA-46"},
	{"Mykolaiv", "UA-48"},
	{"Nikolaev", "UA-48"},
	{"Nikolayev", "UA-48"},
	{"Odessa", "UA-51"},
	{"Rovno", "UA-56"},
	{"Ternopol", "UA-61"},
	{"Kharkov", "UA-63"},
	{"Khmelnitsky", "UA-68"},
	{"Khmelnitskiy", "UA-68"},
	{"Cherkassy", "UA-71"},
	{"Chernigov", "UA-74"},
	{"Chernovtsy", "UA-77"},
}

// suffixes are the words that say "first-level unit" after a name; a name
// is also known without them ("Kharkiv region" → "Kharkiv"). They are
// written normalised (see key).
var suffixes = []string{"oblast", "obl", "region", "province", "область", "обл"}
