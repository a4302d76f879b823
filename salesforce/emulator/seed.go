package emulator

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"time"
)

// Seed data. The first records of each object are fixed (tests rely on them); the rest are
// generated deterministically from Options.Seed. Hostile values: quotes, backslashes,
// newlines, non-ASCII, zero-width (U+200B) and bidi-override (U+202E) characters, LIKE
// wildcards, null parents, a duplicated external id, and recycle-bin rows.

// seeder generates records.
type seeder struct {
	o     *Org
	rnd   *rand.Rand
	base  time.Time // seed clock
	recs  map[string][]*record
	boxes map[string]any
}

// put inserts a record without validation, as of created, owned by owner.
func (s *seeder) put(obName string, owner *User, created time.Time, kvs ...any) *record {
	ob := s.o.db.object(obName)
	rec := s.o.db.newRecord(ob)
	for i := 0; i+1 < len(kvs); i += 2 {
		f := ob.field(kvs[i].(string))
		if f == nil {
			panic("emulator seed: no field " + obName + "." + kvs[i].(string))
		}
		rec.vals[f.idx] = s.intern(seedValue(kvs[i+1]))
	}
	for _, f := range ob.Fields {
		if rec.vals[f.idx] == nil && f.DefaultedOnCreate && f.Default != nil {
			rec.vals[f.idx] = f.Default
		}
	}
	created = created.UTC().Truncate(time.Second)
	modified := created.Add(time.Duration(s.rnd.IntN(3600*24*30)) * time.Second)
	if modified.After(s.base) {
		modified = s.base
	}
	set(ob, rec.vals, "IsDeleted", false)
	set(ob, rec.vals, "CreatedDate", created)
	set(ob, rec.vals, "CreatedById", owner.ID)
	set(ob, rec.vals, "LastModifiedDate", modified)
	set(ob, rec.vals, "LastModifiedById", owner.ID)
	set(ob, rec.vals, "SystemModstamp", modified)
	if ob.owner != nil && rec.vals[ob.owner.idx] == nil {
		rec.vals[ob.owner.idx] = owner.ID
	}
	if err := s.o.derive(rec, rec.vals, true, modified); err != nil {
		panic("emulator seed: " + err.Error())
	}
	s.o.db.insert(rec)
	s.recs[obName] = append(s.recs[obName], rec)
	return rec
}

// intern shares one boxed value per distinct short string, so that repeated values
// (picklists, names, cities) occupy one place in memory.
func (s *seeder) intern(v any) any {
	str, ok := v.(string)
	if !ok || len(str) > 40 {
		return v
	}
	if b, ok := s.boxes[str]; ok {
		return b
	}
	s.boxes[str] = v
	return v
}

func seedValue(v any) any {
	switch x := v.(type) {
	case int:
		return float64(x)
	case string:
		if x == "" {
			return nil
		}
	case *record:
		if x == nil {
			return nil
		}
		return x.ID
	}
	return v
}

func (s *seeder) pick(list []string) string { return list[s.rnd.IntN(len(list))] }
func (s *seeder) ago(maxDays int) time.Time {
	return s.base.Add(-time.Duration(s.rnd.IntN(maxDays*24*3600)) * time.Second)
}
func (s *seeder) day(from, to int) time.Time {
	return dateOnly(s.base).AddDate(0, 0, from+s.rnd.IntN(to-from+1))
}
func (s *seeder) rec(obName string) *record {
	l := s.recs[obName]
	return l[s.rnd.IntN(len(l))]
}

// maybe returns v with probability p, else nil.
func (s *seeder) maybe(p float64, v any) any {
	if s.rnd.Float64() < p {
		return v
	}
	return nil
}

// owner picks admin, alice or bob.
func (s *seeder) owner() *User { return s.o.users[s.rnd.IntN(3)] }

var (
	firstNames = []string{"Ana", "Kenji", "Maria", "John", "Priya", "Liam", "Zoë", "José", "Søren", "Fatima",
		"Chen", "Olga", "Noah", "Amara", "Lucas", "Mei", "Omar", "Ingrid", "Raj", "Elif"}
	lastNames = []string{"Silva", "Nakamura", "O'Brien", "D'Angelo", "Müller", "Smith", "Garcia", "Kowalski",
		"Nguyen", "Okafor", "Jensen", "Rossi", "Haddad", "Patel", "Lindqvist", "Brown", "Dubois", "Sato"}
	companyA = []string{"Blue", "Global", "Northern", "Rapid", "Bright", "Summit", "Pacific", "Iron",
		"Silver", "Quantum", "Green", "Atlas", "Nova", "Harbor", "Crimson", "Vertex"}
	companyB = []string{"Dynamics", "Systems", "Logistics", "Foods", "Energy", "Labs", "Partners",
		"Health", "Media", "Robotics", "Finance", "Textiles", "Motors", "Analytics"}
	suffixes = []string{"Inc", "LLC", "Ltd", "GmbH", "Corp", "SA", "AG", "plc"}
	cities   = []string{"San Francisco", "London", "Berlin", "Tokyo", "São Paulo", "Sydney", "Toronto", "Zürich", "Paris", "Austin"}
)

// seed fills the org with users and data.
func (o *Org) seed() {
	// Deterministic pseudo-random data, not security.
	s := &seeder{o: o, rnd: rand.New(rand.NewPCG(uint64(o.opts.Seed), 0x5f3759df)), base: o.now().UTC(), //nolint:gosec
		recs: map[string][]*record{}, boxes: map[string]any{}}
	for i, u := range o.users {
		first, last := splitFullName(u.Name)
		r := s.put("User", o.users[0], s.base.AddDate(-3, 0, i), "Username", u.Username, "FirstName", first,
			"LastName", last, "Alias", truncate(first, 8), "Email", u.Email, "IsActive", u.Active,
			"ProfileName__c", u.ProfileName, "UserType", "Standard", "Title", map[bool]string{true: "Administrator"}[u.Profile.ViewAll])
		o.db.byID[u.ID] = r // users keep their fixed ids
		delete(o.db.byID, r.ID)
		r.ID, r.vals[0] = u.ID, u.ID
	}
	n := o.opts.Records
	if n <= 0 {
		n = 350
	}
	count := func(w float64, least int) int { return max(int(float64(n)*w), least) }
	s.seedAccounts(count(0.12, 20))
	s.seedContactsLeads(count(0.25, 30), count(0.10, 10))
	s.seedOpportunities(count(0.15, 20))
	s.seedCases(count(0.10, 10))
	s.seedProjects(count(0.04, 5))
	s.seedActivities(count(0.15, 20), count(0.06, 8))
	s.seedNotes(count(0.03, 5))
	s.seedRecycleBin()
}

func splitFullName(n string) (string, string) {
	for i := len(n) - 1; i >= 0; i-- {
		if n[i] == ' ' {
			return n[:i], n[i+1:]
		}
	}
	return "", n
}

func (s *seeder) seedAccounts(n int) {
	u := s.o.users
	admin, alice, bob := u[0], u[1], u[2]
	acme := s.put("Account", alice, s.ago(700), "Name", "Acme Corp", "Industry", "Manufacturing",
		"AnnualRevenue", 12500000, "NumberOfEmployees", 420, "External_Id__c", "ACME-001", "Region__c", "NA",
		"Segments__c", "Enterprise;Public", "Phone", "+1 415 555 0100", "Website", "https://acme.example",
		"BillingCity", "San Francisco", "BillingCountry", "USA", "Type", "Customer - Direct", "Rating", "Hot")
	s.put("Account", bob, s.ago(600), "Name", "O'Brien & Sons", "ParentId", acme, "Region__c", "EMEA",
		"BillingCity", "Dublin", "External_Id__c", "OBRIEN-1", "Segments__c", "SMB")
	s.put("Account", admin, s.ago(500), "Name", `Back\slash Holdings`, "Industry", "Banking",
		"Description", "Line one\nLine two with \"double quotes\" and a tab\there", "AnnualRevenue", 990000)
	s.put("Account", alice, s.ago(400), "Name", "Zürich Versicherung AG", "Industry", "Banking",
		"Region__c", "EMEA", "BillingCity", "Zürich", "AnnualRevenue", 88000000, "Segments__c", "Enterprise")
	s.put("Account", bob, s.ago(400), "Name", "東京商事株式会社", "Region__c", "APAC", "BillingCity", "東京",
		"Industry", "Retail", "NumberOfEmployees", 1200)
	s.put("Account", admin, s.ago(300), "Name", "Zero\u200bWidth Inc", "Industry", "Technology",
		"Description", "name contains a zero-width space")
	s.put("Account", admin, s.ago(300), "Name", "Evil \u202eCorp\u202c Ltd", "Industry", "Media",
		"Description", "name contains a right-to-left override \u202etxt.exe")
	s.put("Account", alice, s.ago(200), "Name", "100% Pure_Data LLC", "Industry", "Technology",
		"Segments__c", "SMB;MidMarket")
	s.put("Account", admin, s.ago(200), "Name", "Globex")
	s.put("Account", bob, s.ago(100), "Name", "Initech", "External_Id__c", "DUP-001", "Industry", "Technology",
		"AnnualRevenue", 5400000, "Region__c", "NA")
	s.put("Account", alice, s.ago(100), "Name", "Initrode", "External_Id__c", "DUP-001", "Industry", "Technology")
	s.put("Account", admin, s.ago(50), "Name", "Umbrella Health", "Industry", "Healthcare", "Region__c", "LATAM",
		"AnnualRevenue", 43000000, "NumberOfEmployees", 5000, "Rating", "Warm")
	for i := len(s.recs["Account"]); i < n; i++ {
		name := fmt.Sprintf("%s %s %s", s.pick(companyA), s.pick(companyB), s.pick(suffixes))
		var parent any
		if i > 20 && s.rnd.IntN(10) == 0 {
			parent = s.rec("Account")
		}
		s.put("Account", s.owner(), s.ago(730), "Name", name, "Industry", s.maybe(0.8, s.pick(industries)),
			"AnnualRevenue", s.maybe(0.7, float64(s.rnd.IntN(500))*100000), "NumberOfEmployees", s.maybe(0.7, s.rnd.IntN(20000)),
			"Region__c", s.maybe(0.8, s.pick(regions)), "Segments__c", s.maybe(0.5, s.pick(segments)),
			"BillingCity", s.maybe(0.8, s.pick(cities)), "ParentId", parent, "Rating", s.maybe(0.5, s.pick([]string{"Hot", "Warm", "Cold"})),
			"External_Id__c", fmt.Sprintf("EXT-%06d", i), "Phone", fmt.Sprintf("+1 555 %04d", i%10000))
	}
}

func (s *seeder) seedContactsLeads(nc, nl int) {
	accts := s.recs["Account"]
	fixed := []struct {
		first, last string
		acct        *record
		email       string
	}{
		{"Ana", "Silva", accts[0], "ana.silva@acme.example"},
		{"Kenji", "Nakamura", accts[0], "kenji.nakamura@acme.example"},
		{"Siobhán", "O'Connor", accts[1], "siobhan@obrien.example"},
		{"José", "Müller", accts[3], "jose.mueller@zurich.example"},
		{"Nadia", "Noaccount", nil, "nadia@nowhere.example"},
	}
	for _, c := range fixed {
		s.put("Contact", s.o.users[1], s.ago(365), "FirstName", c.first, "LastName", c.last, "AccountId", c.acct,
			"Email", c.email, "Title", "Buyer", "Description", "Met at the conference.\nFollow up in Q3.")
	}
	for i := len(fixed); i < nc; i++ {
		f, l := s.pick(firstNames), s.pick(lastNames)
		var acct any = s.rec("Account")
		if s.rnd.IntN(12) == 0 {
			acct = nil
		}
		s.put("Contact", s.owner(), s.ago(700), "FirstName", f, "LastName", l, "AccountId", acct,
			"Email", fmt.Sprintf("contact%d@example.com", i), "Title", s.maybe(0.6, s.pick([]string{"CEO", "CTO", "VP Sales", "Engineer", "Buyer"})),
			"Phone", s.maybe(0.5, fmt.Sprintf("+1 555 01%02d", i%100)), "LeadSource", s.maybe(0.5, s.pick(leadSources)),
			"Birthdate", s.maybe(0.3, s.day(-20000, -7000)), "MailingCity", s.maybe(0.6, s.pick(cities)))
	}
	s.put("Lead", s.o.users[1], s.ago(30), "FirstName", "Paula", "LastName", "Prospect", "Company", "Acme Prospect",
		"Email", "paula@acmeprospect.example", "Status", "Working - Contacted", "LeadSource", "Web")
	for i := 1; i < nl; i++ {
		s.put("Lead", s.owner(), s.ago(365), "FirstName", s.pick(firstNames), "LastName", s.pick(lastNames),
			"Company", fmt.Sprintf("%s %s", s.pick(companyA), s.pick(companyB)), "Status", s.pick(leadStatuses),
			"LeadSource", s.maybe(0.7, s.pick(leadSources)), "Email", fmt.Sprintf("lead%d@example.org", i),
			"Industry", s.maybe(0.5, s.pick(industries)), "Country", s.maybe(0.5, s.pick([]string{"US", "DE", "JP", "BR"})))
	}
}

func (s *seeder) seedOpportunities(n int) {
	u, accts := s.o.users, s.recs["Account"]
	s.put("Opportunity", u[1], s.ago(90), "Name", "Acme Renewal FY26", "AccountId", accts[0], "StageName", "Negotiation/Review",
		"Amount", 250000, "CloseDate", s.day(10, 10), "Type", "Existing Customer - Upgrade", "NextStep", "Send final quote")
	s.put("Opportunity", u[2], s.ago(60), "Name", "Globex Expansion", "AccountId", accts[8], "StageName", "Prospecting",
		"Amount", 75000, "CloseDate", s.day(45, 45))
	s.put("Opportunity", u[0], s.ago(200), "Name", "Initech Platform Deal", "AccountId", accts[9], "StageName", "Closed Won",
		"Amount", 1200000, "CloseDate", s.day(-30, -30))
	s.put("Opportunity", u[2], s.ago(20), "Name", "Bob's \"Quoted\" Deal", "AccountId", accts[1], "StageName", "Qualification",
		"CloseDate", s.day(30, 30))
	for i := len(s.recs["Opportunity"]); i < n; i++ {
		acct := s.rec("Account")
		s.put("Opportunity", s.owner(), s.ago(600), "Name", fmt.Sprintf("%s - %s", nameOf(acct), s.pick([]string{"New Business", "Renewal", "Upsell", "Pilot"})),
			"AccountId", acct, "StageName", s.pick(stages), "Amount", s.maybe(0.85, float64(s.rnd.IntN(2000))*500),
			"CloseDate", s.day(-365, 365), "LeadSource", s.maybe(0.5, s.pick(leadSources)))
	}
}

func (s *seeder) seedCases(n int) {
	for i := 0; i < n; i++ {
		c := s.rec("Contact")
		s.put("Case", s.owner(), s.ago(400), "Subject", s.pick([]string{"Cannot log in", "Invoice question", "Feature request: export", "Outage report", "Password reset"}),
			"ContactId", c, "AccountId", c.get(c.obj.field("AccountId")), "Status", s.pick(caseStatuses),
			"Priority", s.pick([]string{"High", "Medium", "Low"}), "Origin", s.pick([]string{"Phone", "Email", "Web"}),
			"Description", s.maybe(0.5, "Customer wrote:\n\"it's broken\" \\ please help"))
	}
}

func (s *seeder) seedProjects(n int) {
	for i := 0; i < n; i++ {
		start := s.day(-200, 100)
		s.put("Project__c", s.owner(), s.ago(300), "Name", fmt.Sprintf("Project %s %d", s.pick(companyA), i+1),
			"Account__c", s.maybe(0.9, s.rec("Account")), "Status__c", s.pick(projStatuses), "Budget__c", s.maybe(0.8, float64(s.rnd.IntN(100))*1000),
			"Start_Date__c", start, "Due_Date__c", start.AddDate(0, 0, 30+s.rnd.IntN(200)), "Code__c", fmt.Sprintf("PRJ-%04d", i+1))
	}
}

func (s *seeder) seedActivities(nt, ne int) {
	acme, ana := s.recs["Account"][0], s.recs["Contact"][0]
	opp := s.recs["Opportunity"][0]
	s.put("Task", s.o.users[1], s.ago(5), "Subject", "Call", "TaskSubtype", "Call", "Status", "Completed", "Priority", "Normal",
		"ActivityDate", s.day(-2, -2), "WhoId", ana, "WhatId", opp, "CallType", "Outbound", "CallDurationInSeconds", 540,
		"CallDisposition", "Connected", "Description", "Discussed renewal timeline; follow up next week.")
	s.put("Task", s.o.users[2], s.ago(5), "Subject", "Send proposal", "Status", "Not Started", "ActivityDate", s.day(3, 3), "WhatId", acme)
	for i := 2; i < nt; i++ {
		var who, what any
		if s.rnd.IntN(3) > 0 {
			who = s.rec("Contact")
		}
		switch s.rnd.IntN(4) {
		case 0:
			what = s.rec("Account")
		case 1:
			what = s.rec("Opportunity")
		case 2:
			what = s.rec("Case")
		}
		sub := s.pick([]string{"Task", "Call", "Email"})
		kv := []any{"Subject", map[string]string{"Task": "Follow up", "Call": "Call", "Email": "Email: pricing"}[sub], "TaskSubtype", sub,
			"Status", s.pick(taskStatuses), "Priority", s.pick([]string{"High", "Normal", "Low"}), "ActivityDate", s.day(-120, 60),
			"WhoId", who, "WhatId", what}
		if sub == "Call" {
			kv = append(kv, "CallType", s.pick([]string{"Inbound", "Outbound"}), "CallDurationInSeconds", 30+s.rnd.IntN(1800))
		}
		s.put("Task", s.owner(), s.ago(200), kv...)
	}
	for i := 0; i < ne; i++ {
		start := s.day(-60, 60).Add(time.Duration(8+s.rnd.IntN(9)) * time.Hour)
		s.put("Event", s.owner(), s.ago(100), "Subject", s.pick([]string{"Meeting", "Demo", "QBR", "Lunch"}),
			"StartDateTime", start, "EndDateTime", start.Add(time.Duration(30*(1+s.rnd.IntN(4)))*time.Minute),
			"WhoId", s.maybe(0.6, s.rec("Contact")), "WhatId", s.maybe(0.7, s.rec("Account")), "Location", s.maybe(0.5, s.pick([]string{"Zoom", "HQ", "Café Zürich"})))
	}
}

func (s *seeder) seedNotes(n int) {
	for i := 0; i < n; i++ {
		body := fmt.Sprintf("<p>Customer asked for a revised quote &amp; timeline (#%d).</p>", i+1)
		owner := s.owner()
		note := s.put("ContentNote", owner, s.ago(100), "Title", fmt.Sprintf("Call notes %d", i+1),
			"Content", base64.StdEncoding.EncodeToString([]byte(body)))
		target := s.recs["Account"][0]
		if i > 0 {
			target = s.rec("Account")
		}
		s.put("ContentDocumentLink", owner, s.ago(100), "ContentDocumentId", note, "LinkedEntityId", target,
			"ShareType", "V", "Visibility", "AllUsers")
	}
}

// seedRecycleBin deletes a few records so that queryAll has IsDeleted rows.
func (s *seeder) seedRecycleBin() {
	u := s.o.users[0]
	del := s.put("Account", u, s.ago(30), "Name", "Deleted Co", "Industry", "Other")
	s.o.deleteRecord(u, del)
	t := s.put("Task", u, s.ago(30), "Subject", "Call", "TaskSubtype", "Call", "Status", "Completed", "WhatId", s.recs["Account"][0])
	s.o.deleteRecord(u, t)
}
