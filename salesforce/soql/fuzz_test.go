package soql

import (
	"errors"
	"reflect"
	"testing"
)

// seedQueries are realistic agent queries used as fuzz seeds and in
// TestRoundTripSeeds.
var seedQueries = []string{
	typicalQuery,
	"SELECT Id, Name FROM Account",
	"SELECT Id, Name FRM Account",
	"SELECT COUNT() FROM Contact WHERE Email != null",
	"SELECT Industry, COUNT(Id) n, SUM(AnnualRevenue) total FROM Account GROUP BY Industry HAVING COUNT(Id) > 1 ORDER BY COUNT(Id) DESC",
	"SELECT a.Name, a.Owner.Email FROM Account a WHERE a.Name LIKE 'Acme\\_%' AND a.BillingCountry IN ('US', 'CA')",
	"SELECT Id, Subject, What.Name, TYPEOF What WHEN Account THEN Phone ELSE Name END FROM Task WHERE ActivityDate = NEXT_N_DAYS:7",
	"SELECT Id FROM Opportunity WHERE (StageName = 'Closed Won' OR StageName = 'Negotiation') AND CloseDate >= 2024-01-01 AND Amount > -1.5",
	"SELECT Id FROM Contact WHERE AccountId IN (SELECT Id FROM Account WHERE Industry = 'Media') AND (NOT Name LIKE '%test%')",
	"SELECT Id FROM Event WHERE StartDateTime > 2024-03-10T08:00:00.000-05:00 WITH SECURITY_ENFORCED ORDER BY StartDateTime NULLS FIRST LIMIT 10 OFFSET 20",
	"SELECT CALENDAR_YEAR(CloseDate) yr, FORMAT(SUM(Amount)) FROM Opportunity GROUP BY ROLLUP(CALENDAR_YEAR(CloseDate))",
	"SELECT toLabel(Status), convertCurrency(Amount) FROM Opportunity WITH USER_MODE FOR VIEW",
	"SELECT FIELDS(STANDARD) FROM Lead WHERE Interests__c INCLUDES ('golf;tennis') LIMIT 200",
	"SELECT Name FROM Account WHERE Name = 'O\\'Brien \\u00e9\\n' USING SCOPE Mine",
	"select id from account where createddate = last_n_days:30 and isdeleted = false",
	"SELECT Id FROM Account WHERE Name = 'unterminated",
	"",
}

// FuzzParse checks that Parse never panics, that errors are *SyntaxError,
// and that a successful parse prints to SOQL that re-parses to an equal AST.
func FuzzParse(f *testing.F) {
	for _, s := range seedQueries {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %T, want *SyntaxError", err)
			}
			_ = se.Error()
			return
		}
		q.Refs()
		q.Objects()
		q.IsAggregate()
		printed := q.String()
		again, err := Parse(printed)
		if err != nil {
			t.Fatalf("re-parse of %q (from %q): %v", printed, s, err)
		}
		if again.String() != printed {
			t.Fatalf("printing is not stable: %q then %q", printed, again.String())
		}
		clearPos(q)
		clearPos(again)
		if !reflect.DeepEqual(q, again) {
			t.Fatalf("round trip changed the AST:\n%s\n%s", dump(q), dump(again))
		}
	})
}

func TestRoundTripSeeds(t *testing.T) {
	for _, s := range seedQueries {
		q, err := Parse(s)
		if err != nil {
			continue
		}
		again := mustParse(t, q.String())
		clearPos(q)
		clearPos(again)
		assertEqual(t, s, again, q)
	}
}
