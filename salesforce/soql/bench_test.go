package soql

import "testing"

const typicalQuery = "SELECT Id, Name, Industry, AnnualRevenue, Owner.Name, (SELECT LastName FROM Contacts) FROM Account WHERE Industry IN ('Energy','Media') AND AnnualRevenue > 1000000 AND CreatedDate = LAST_N_DAYS:30 ORDER BY Name DESC NULLS LAST LIMIT 200"

func BenchmarkParseTypical(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(typicalQuery); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseAndRefs(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		q, err := Parse(typicalQuery)
		if err != nil {
			b.Fatal(err)
		}
		q.Refs()
	}
}
