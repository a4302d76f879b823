package soql

import "testing"

// TestParseQueries checks whole ASTs for every clause, and that the
// canonical printer round-trips each of them.
func TestParseQueries(t *testing.T) {
	tests := []struct {
		name, soql string
		want       *Query
	}{
		{"relationship paths", "SELECT Id, Owner.Name, Account.Owner.Email FROM Contact",
			&Query{Select: items(fr("Id"), fr("Owner", "Name"), fr("Account", "Owner", "Email")), From: "Contact"}},
		{"keywords any case, identifiers keep case", "select iD, owner.NAME from aCCount where NAME != null",
			&Query{Select: items(fr("iD"), fr("owner", "NAME")), From: "aCCount",
				Where: cmp(fr("NAME"), OpNe, &NullValue{})}},
		{"child subquery", "SELECT Name, (SELECT LastName, Email FROM Contacts WHERE LastName LIKE 'S%' ORDER BY LastName LIMIT 5) FROM Account",
			&Query{Select: items(fr("Name"), sub(&Query{Select: items(fr("LastName"), fr("Email")), From: "Contacts",
				Where:   cmp(fr("LastName"), OpLike, str("S%")),
				OrderBy: []OrderItem{{Expr: fr("LastName")}}, Limit: intp(5)})), From: "Account"}},
		{"from alias stripped", "SELECT a.Name, a.Owner.Name, Industry FROM Account a WHERE a.Industry = 'Media' ORDER BY a.Name",
			&Query{Select: items(fr("Name"), fr("Owner", "Name"), fr("Industry")), From: "Account", Alias: "a",
				Where:   cmp(fr("Industry"), OpEq, str("Media")),
				OrderBy: []OrderItem{{Expr: fr("Name")}}}},
		{"aggregates with aliases", "SELECT COUNT(), COUNT(Id) n, COUNT_DISTINCT(Industry) kinds, SUM(Amount) total, AVG(Amount), MIN(CloseDate), MAX(Amount) biggest FROM Opportunity",
			&Query{Select: items(fn("COUNT"), fnAs("n", "COUNT", fr("Id")), fnAs("kinds", "COUNT_DISTINCT", fr("Industry")),
				fnAs("total", "SUM", fr("Amount")), fn("AVG", fr("Amount")), fn("MIN", fr("CloseDate")),
				fnAs("biggest", "MAX", fr("Amount"))), From: "Opportunity"}},
		{"group by having", "SELECT StageName, count(Id) c FROM Opportunity GROUP BY StageName HAVING COUNT(Id) > 1 AND SUM(Amount) >= 1000.50",
			&Query{Select: items(fr("StageName"), fnAs("c", "COUNT", fr("Id"))), From: "Opportunity",
				GroupBy: []Operand{fr("StageName")},
				Having:  and(cmp(fn("COUNT", fr("Id")), OpGt, num("1")), cmp(fn("SUM", fr("Amount")), OpGe, num("1000.50")))}},
		{"date functions", "SELECT CALENDAR_YEAR(CreatedDate) yr, SUM(Amount) FROM Opportunity WHERE CALENDAR_YEAR(CloseDate) = 2024 GROUP BY CALENDAR_YEAR(CreatedDate)",
			&Query{Select: items(fnAs("yr", "CALENDAR_YEAR", fr("CreatedDate")), fn("SUM", fr("Amount"))), From: "Opportunity",
				Where:   cmp(fn("CALENDAR_YEAR", fr("CloseDate")), OpEq, num("2024")),
				GroupBy: []Operand{fn("CALENDAR_YEAR", fr("CreatedDate"))}}},
		{"format tolabel convertcurrency nested", "SELECT FORMAT(MIN(Amount)) m, toLabel(StageName), convertCurrency(Amount), DAY_ONLY(convertTimezone(CreatedDate)) FROM Opportunity",
			&Query{Select: items(fnAs("m", "FORMAT", fn("MIN", fr("Amount"))), fn("TOLABEL", fr("StageName")),
				fn("CONVERTCURRENCY", fr("Amount")), fn("DAY_ONLY", fn("CONVERTTIMEZONE", fr("CreatedDate")))), From: "Opportunity"}},
		{"function with literal args", "SELECT Id FROM Account WHERE DISTANCE(Loc__c, GEOLOCATION(37.77, -122.4), 'mi') < 20",
			&Query{Select: items(fr("Id")), From: "Account",
				Where: cmp(fn("DISTANCE", fr("Loc__c"), fn("GEOLOCATION", num("37.77"), num("-122.4")), str("mi")), OpLt, num("20"))}},
		{"typeof", "SELECT Id, TYPEOF What WHEN Account THEN Phone, NumberOfEmployees WHEN Opportunity THEN Amount ELSE Name END FROM Task",
			&Query{Select: items(fr("Id"), &TypeOf{Field: "What", Whens: []TypeOfWhen{
				{Object: "Account", Fields: []*FieldRef{fr("Phone"), fr("NumberOfEmployees")}},
				{Object: "Opportunity", Fields: []*FieldRef{fr("Amount")}}}, Else: []*FieldRef{fr("Name")}}), From: "Task"}},
		{"fields()", "SELECT FIELDS(standard), (SELECT FIELDS(ALL) FROM Contacts LIMIT 200) FROM Account LIMIT 200",
			&Query{Select: items(&FieldsFunc{Set: "STANDARD"}, sub(&Query{Select: items(&FieldsFunc{Set: "ALL"}), From: "Contacts", Limit: intp(200)})),
				From: "Account", Limit: intp(200)}},
		{"semi-join and anti-join", "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Email != null) AND Id NOT IN (SELECT AccountId FROM Opportunity)",
			&Query{Select: items(fr("Id")), From: "Account", Where: and(
				cmp(fr("Id"), OpIn, sub(&Query{Select: items(fr("AccountId")), From: "Contact", Where: cmp(fr("Email"), OpNe, &NullValue{})})),
				cmp(fr("Id"), OpNotIn, sub(&Query{Select: items(fr("AccountId")), From: "Opportunity"})))}},
		{"group by rollup", "SELECT LeadSource, Rating, COUNT(Name) FROM Lead GROUP BY ROLLUP(LeadSource, Rating)",
			&Query{Select: items(fr("LeadSource"), fr("Rating"), fn("COUNT", fr("Name"))), From: "Lead",
				GroupBy: []Operand{fr("LeadSource"), fr("Rating")}, GroupByKind: "ROLLUP"}},
		{"group by cube", "SELECT Type, COUNT(Id) FROM Account GROUP BY cube(Type)",
			&Query{Select: items(fr("Type"), fn("COUNT", fr("Id"))), From: "Account",
				GroupBy: []Operand{fr("Type")}, GroupByKind: "CUBE"}},
		{"order by items", "SELECT Id FROM Account ORDER BY Name DESC NULLS LAST, Industry ASC NULLS FIRST, Owner.Name, CreatedDate asc",
			&Query{Select: items(fr("Id")), From: "Account", OrderBy: []OrderItem{
				{Expr: fr("Name"), Desc: true, NullsLast: boolp(true)},
				{Expr: fr("Industry"), NullsLast: boolp(false)},
				{Expr: fr("Owner", "Name")}, {Expr: fr("CreatedDate")}}}},
		{"order by aggregate", "SELECT Industry FROM Account GROUP BY Industry ORDER BY COUNT(Id) DESC",
			&Query{Select: items(fr("Industry")), From: "Account", GroupBy: []Operand{fr("Industry")},
				OrderBy: []OrderItem{{Expr: fn("COUNT", fr("Id")), Desc: true}}}},
		{"limit offset", "SELECT Id FROM Account ORDER BY Id LIMIT 10 OFFSET 20",
			&Query{Select: items(fr("Id")), From: "Account", OrderBy: []OrderItem{{Expr: fr("Id")}}, Limit: intp(10), Offset: intp(20)}},
		{"limit 0", "SELECT Id FROM Account LIMIT 0", &Query{Select: items(fr("Id")), From: "Account", Limit: intp(0)}},
		{"with security_enforced", "SELECT Id FROM Account WHERE Name = 'x' WITH SECURITY_ENFORCED ORDER BY Name",
			&Query{Select: items(fr("Id")), From: "Account", Where: cmp(fr("Name"), OpEq, str("x")),
				With: "SECURITY_ENFORCED", OrderBy: []OrderItem{{Expr: fr("Name")}}}},
		{"with user_mode", "SELECT Id FROM Account with user_mode", &Query{Select: items(fr("Id")), From: "Account", With: "USER_MODE"}},
		{"with system_mode", "SELECT Id FROM Account WITH SYSTEM_MODE LIMIT 1", &Query{Select: items(fr("Id")), From: "Account", With: "SYSTEM_MODE", Limit: intp(1)}},
		{"for view", "SELECT Id FROM Account LIMIT 1 FOR VIEW", &Query{Select: items(fr("Id")), From: "Account", Limit: intp(1), For: "VIEW"}},
		{"for reference", "SELECT Id FROM Account for reference", &Query{Select: items(fr("Id")), From: "Account", For: "REFERENCE"}},
		{"for update", "SELECT Id FROM Account FOR UPDATE", &Query{Select: items(fr("Id")), From: "Account", For: "UPDATE"}},
		{"update tracking", "SELECT Id FROM FAQ__kav UPDATE TRACKING", &Query{Select: items(fr("Id")), From: "FAQ__kav", Update: "TRACKING"}},
		{"using scope", "SELECT Id FROM Opportunity USING SCOPE Mine WHERE Amount > 0",
			&Query{Select: items(fr("Id")), From: "Opportunity", Scope: "Mine", Where: cmp(fr("Amount"), OpGt, num("0"))}},
		{"reserved-word relationship and object", "SELECT Order.OrderNumber FROM OrderItem",
			&Query{Select: items(fr("Order", "OrderNumber")), From: "OrderItem"}},
		{"object named Group", "SELECT Id FROM Group ORDER BY Name", &Query{Select: items(fr("Id")), From: "Group", OrderBy: []OrderItem{{Expr: fr("Name")}}}},
		{"custom names", "SELECT ns__Field__c, Parent__r.Name FROM ns__Obj__c", &Query{Select: items(fr("ns__Field__c"), fr("Parent__r", "Name")), From: "ns__Obj__c"}},
		{"multi-line", "SELECT Id,\n\tName\nFROM Account\r\nWHERE Name = 'x'\n",
			&Query{Select: items(fr("Id"), fr("Name")), From: "Account", Where: cmp(fr("Name"), OpEq, str("x"))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := mustParse(t, tt.soql)
			clearPos(q)
			assertEqual(t, "AST", q, tt.want)
			again := mustParse(t, q.String())
			clearPos(again)
			assertEqual(t, "re-parsed "+q.String(), again, q)
		})
	}
}

func TestParseWhere(t *testing.T) {
	tests := []struct {
		cond string
		want Expr
	}{
		{"Name = 'Acme'", cmp(fr("Name"), OpEq, str("Acme"))},
		{"Name != 'Acme'", cmp(fr("Name"), OpNe, str("Acme"))},
		{"Name <> 'Acme'", cmp(fr("Name"), OpNe, str("Acme"))},
		{"Amount < 5", cmp(fr("Amount"), OpLt, num("5"))},
		{"Amount <= 5", cmp(fr("Amount"), OpLe, num("5"))},
		{"Amount>5", cmp(fr("Amount"), OpGt, num("5"))},
		{"Amount >= -5.25", cmp(fr("Amount"), OpGe, num("-5.25"))},
		{"Amount = +3", cmp(fr("Amount"), OpEq, num("+3"))},
		{"Name like '%acme%'", cmp(fr("Name"), OpLike, str("%acme%"))},
		{"Industry IN ('Energy', 'Media')", cmp(fr("Industry"), OpIn, list(str("Energy"), str("Media")))},
		{"Industry not in ('Energy')", cmp(fr("Industry"), OpNotIn, list(str("Energy")))},
		{"NumberOfEmployees IN (1, 2.5, -3)", cmp(fr("NumberOfEmployees"), OpIn, list(num("1"), num("2.5"), num("-3")))},
		{"Interests__c INCLUDES ('golf;tennis', 'chess')", cmp(fr("Interests__c"), OpIncludes, list(str("golf;tennis"), str("chess")))},
		{"Interests__c EXCLUDES ('golf')", cmp(fr("Interests__c"), OpExcludes, list(str("golf")))},
		{"IsDeleted = TRUE", cmp(fr("IsDeleted"), OpEq, &BoolValue{Value: true})},
		{"IsDeleted = false", cmp(fr("IsDeleted"), OpEq, &BoolValue{Value: false})},
		{"ParentId = NULL", cmp(fr("ParentId"), OpEq, &NullValue{})},
		{"a = 1 AND b = 2 AND c = 3", and(cmp(fr("a"), OpEq, num("1")), cmp(fr("b"), OpEq, num("2")), cmp(fr("c"), OpEq, num("3")))},
		{"a = 1 or b = 2", or(cmp(fr("a"), OpEq, num("1")), cmp(fr("b"), OpEq, num("2")))},
		{"a = 1 AND (b = 2 OR c = 3)", and(cmp(fr("a"), OpEq, num("1")), or(cmp(fr("b"), OpEq, num("2")), cmp(fr("c"), OpEq, num("3"))))},
		{"(a = 1 AND b = 2) OR c = 3", or(and(cmp(fr("a"), OpEq, num("1")), cmp(fr("b"), OpEq, num("2"))), cmp(fr("c"), OpEq, num("3")))},
		{"((a = 1))", cmp(fr("a"), OpEq, num("1"))},
		{"NOT a = 1", not(cmp(fr("a"), OpEq, num("1")))},
		{"(NOT a = 1) AND b = 2", and(not(cmp(fr("a"), OpEq, num("1"))), cmp(fr("b"), OpEq, num("2")))},
		{"NOT (NOT a = 1)", not(not(cmp(fr("a"), OpEq, num("1"))))},
		{"NOT (a = 1 OR b = 2)", not(or(cmp(fr("a"), OpEq, num("1")), cmp(fr("b"), OpEq, num("2"))))},
		{"a = 1 AND (NOT Name LIKE 'x%')", and(cmp(fr("a"), OpEq, num("1")), not(cmp(fr("Name"), OpLike, str("x%"))))},
		{"CloseDate = 2024-02-29", cmp(fr("CloseDate"), OpEq, &DateValue{Text: "2024-02-29", Year: 2024, Month: 2, Day: 29})},
		{"CreatedDate > 2024-01-31T23:59:59Z", cmp(fr("CreatedDate"), OpGt, &DateTimeValue{Text: "2024-01-31T23:59:59Z"})},
		{"CreatedDate > 2024-01-31T23:59:59+02:00", cmp(fr("CreatedDate"), OpGt, &DateTimeValue{Text: "2024-01-31T23:59:59+02:00"})},
		{"CreatedDate < 2024-01-31T23:59:59-05:30", cmp(fr("CreatedDate"), OpLt, &DateTimeValue{Text: "2024-01-31T23:59:59-05:30"})},
		{"CreatedDate < 2024-01-31T23:59:59.123Z", cmp(fr("CreatedDate"), OpLt, &DateTimeValue{Text: "2024-01-31T23:59:59.123Z"})},
		{"CloseDate IN (2024-01-01, 2024-12-31)", cmp(fr("CloseDate"), OpIn, list(
			&DateValue{Text: "2024-01-01", Year: 2024, Month: 1, Day: 1}, &DateValue{Text: "2024-12-31", Year: 2024, Month: 12, Day: 31}))},
		{"CreatedDate = LAST_N_DAYS:30", cmp(fr("CreatedDate"), OpEq, &DateLiteral{Name: "LAST_N_DAYS", N: 30})},
		{"CreatedDate = today", cmp(fr("CreatedDate"), OpEq, &DateLiteral{Name: "TODAY"})},
		{"CALENDAR_MONTH(CreatedDate) > 6", cmp(fn("CALENDAR_MONTH", fr("CreatedDate")), OpGt, num("6"))},
		{"Owner.Profile.Name = 'Admin'", cmp(fr("Owner", "Profile", "Name"), OpEq, str("Admin"))},
	}
	for _, tt := range tests {
		t.Run(tt.cond, func(t *testing.T) {
			assertEqual(t, "WHERE", where(t, tt.cond), tt.want)
		})
	}
}

// TestDateLiterals parses every literal of WIRE.md §4.2.
func TestDateLiterals(t *testing.T) {
	plain := []string{"YESTERDAY", "TODAY", "TOMORROW", "LAST_WEEK", "THIS_WEEK", "NEXT_WEEK",
		"LAST_MONTH", "THIS_MONTH", "NEXT_MONTH", "LAST_90_DAYS", "NEXT_90_DAYS",
		"THIS_QUARTER", "LAST_QUARTER", "NEXT_QUARTER", "THIS_YEAR", "LAST_YEAR", "NEXT_YEAR",
		"THIS_FISCAL_QUARTER", "LAST_FISCAL_QUARTER", "NEXT_FISCAL_QUARTER",
		"THIS_FISCAL_YEAR", "LAST_FISCAL_YEAR", "NEXT_FISCAL_YEAR"}
	withN := []string{"LAST_N_DAYS", "NEXT_N_DAYS", "N_DAYS_AGO", "LAST_N_WEEKS", "NEXT_N_WEEKS", "N_WEEKS_AGO",
		"LAST_N_MONTHS", "NEXT_N_MONTHS", "N_MONTHS_AGO", "LAST_N_QUARTERS", "NEXT_N_QUARTERS", "N_QUARTERS_AGO",
		"LAST_N_YEARS", "NEXT_N_YEARS", "N_YEARS_AGO", "LAST_N_FISCAL_QUARTERS", "NEXT_N_FISCAL_QUARTERS",
		"N_FISCAL_QUARTERS_AGO", "LAST_N_FISCAL_YEARS", "NEXT_N_FISCAL_YEARS", "N_FISCAL_YEARS_AGO"}
	if got := len(plain) + len(withN); got != len(dateLiterals) {
		t.Fatalf("test lists %d literals, parser knows %d", got, len(dateLiterals))
	}
	for _, name := range plain {
		assertEqual(t, name, where(t, "CreatedDate < "+name), cmp(fr("CreatedDate"), OpLt, &DateLiteral{Name: name}))
		if _, err := Parse("SELECT Id FROM Account WHERE CreatedDate < " + name + ":2"); err == nil {
			t.Errorf("%s:2 parsed, want error (no :n form)", name)
		}
	}
	for _, name := range withN {
		got := where(t, "CreatedDate = "+name+":14")
		assertEqual(t, name, got, cmp(fr("CreatedDate"), OpEq, &DateLiteral{Name: name, N: 14}))
		if !got.(*Comparison).Right.(*DateLiteral).TakesN() {
			t.Errorf("%s.TakesN() = false", name)
		}
		if _, err := Parse("SELECT Id FROM Account WHERE CreatedDate = " + name); err == nil {
			t.Errorf("%s without :n parsed, want error", name)
		}
	}
}

func TestStringEscapes(t *testing.T) {
	tests := []struct{ raw, value string }{
		{`plain`, "plain"},
		{``, ""},
		{`O\'Brien`, "O'Brien"},
		{`a\\b`, `a\b`},
		{`say \"hi\"`, `say "hi"`},
		{`l1\nl2\Nl3`, "l1\nl2\nl3"},
		{`\r\R\t\T\b\B\f\F`, "\r\r\t\t\b\b\f\f"},
		{`caf\u00e9 \u00C9`, "café É"},
		{`100\% and a\_b`, `100\% and a\_b`}, // LIKE escapes stay, see StringValue
		{`naïve ✓`, "naïve ✓"},
		{"multi\nline", "multi\nline"},
	}
	for _, tt := range tests {
		got := where(t, "Name = '"+tt.raw+"'")
		assertEqual(t, tt.raw, got, cmp(fr("Name"), OpEq, strRaw(tt.value, tt.raw)))
	}
}
