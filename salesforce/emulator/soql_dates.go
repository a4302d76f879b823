package emulator

import (
	"strings"
	"time"

	"github.com/sfmcp/sfmcp/salesforce/soql"
)

// dateRange is the half-open interval [start, end) a date literal stands for (UTC; the
// week starts on Sunday; the fiscal year is the calendar year).
type dateRange struct{ start, end time.Time }

type dateUnit int

const (
	uDay dateUnit = iota
	uWeek
	uMonth
	uQuarter
	uYear
)

func addUnit(t time.Time, u dateUnit, k int) time.Time {
	switch u {
	case uWeek:
		return t.AddDate(0, 0, 7*k)
	case uMonth:
		return t.AddDate(0, k, 0)
	case uQuarter:
		return t.AddDate(0, 3*k, 0)
	case uYear:
		return t.AddDate(k, 0, 0)
	}
	return t.AddDate(0, 0, k)
}

func unitStart(today time.Time, u dateUnit) time.Time {
	y, m, _ := today.Date()
	switch u {
	case uWeek:
		return today.AddDate(0, 0, -int(today.Weekday()))
	case uMonth:
		return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	case uQuarter:
		return time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, time.UTC)
	case uYear:
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return today
}

var unitNames = map[string]dateUnit{
	"DAY": uDay, "DAYS": uDay, "WEEK": uWeek, "WEEKS": uWeek, "MONTH": uMonth, "MONTHS": uMonth,
	"QUARTER": uQuarter, "QUARTERS": uQuarter, "YEAR": uYear, "YEARS": uYear,
	"FISCAL_QUARTER": uQuarter, "FISCAL_QUARTERS": uQuarter, "FISCAL_YEAR": uYear, "FISCAL_YEARS": uYear,
}

// literalRange computes the range of a date literal (WIRE.md §4.2) relative to now.
func literalRange(name string, n int, now time.Time) (dateRange, bool) {
	today := dateOnly(now)
	day := func(a, b int) dateRange { return dateRange{today.AddDate(0, 0, a), today.AddDate(0, 0, b)} }
	switch name {
	case "YESTERDAY":
		return day(-1, 0), true
	case "TODAY":
		return day(0, 1), true
	case "TOMORROW":
		return day(1, 2), true
	case "LAST_90_DAYS":
		return day(-90, 1), true
	case "NEXT_90_DAYS":
		return day(1, 91), true
	case "LAST_N_DAYS":
		return day(-n, 1), true
	case "NEXT_N_DAYS":
		return day(1, n+1), true
	case "N_DAYS_AGO":
		return day(-n, -n+1), true
	}
	var kind, unit string
	switch {
	case strings.HasPrefix(name, "THIS_"):
		kind, unit = "THIS", name[5:]
	case strings.HasPrefix(name, "LAST_N_"):
		kind, unit = "LAST_N", name[7:]
	case strings.HasPrefix(name, "NEXT_N_"):
		kind, unit = "NEXT_N", name[7:]
	case strings.HasPrefix(name, "LAST_"):
		kind, unit = "LAST", name[5:]
	case strings.HasPrefix(name, "NEXT_"):
		kind, unit = "NEXT", name[5:]
	case strings.HasPrefix(name, "N_") && strings.HasSuffix(name, "_AGO"):
		kind, unit = "AGO", name[2:len(name)-4]
	default:
		return dateRange{}, false
	}
	u, ok := unitNames[unit]
	if !ok {
		return dateRange{}, false
	}
	cur := unitStart(today, u)
	r := func(a, b int) dateRange { return dateRange{addUnit(cur, u, a), addUnit(cur, u, b)} }
	switch kind {
	case "THIS":
		return r(0, 1), true
	case "LAST":
		return r(-1, 0), true
	case "NEXT":
		return r(1, 2), true
	case "LAST_N":
		return r(-n, 0), true
	case "NEXT_N":
		return r(1, 1+n), true
	}
	return r(-n, -n+1), true
}

// rangePred compares a date/datetime operand with a date-literal range.
func rangePred(get func(*record) any, op string, rg dateRange) pred {
	return func(r *record) bool {
		t, ok := get(r).(time.Time)
		if !ok {
			return op == soql.OpNe
		}
		in := !t.Before(rg.start) && t.Before(rg.end)
		switch op {
		case soql.OpEq:
			return in
		case soql.OpNe:
			return !in
		case soql.OpLt:
			return t.Before(rg.start)
		case soql.OpLe:
			return t.Before(rg.end)
		case soql.OpGt:
			return !t.Before(rg.end)
		case soql.OpGe:
			return !t.Before(rg.start)
		}
		return false
	}
}

// dateFuncs are the SOQL date functions; DAY_ONLY yields a date, the others an integer.
var dateFuncs = map[string]func(t time.Time) any{
	"CALENDAR_YEAR":    func(t time.Time) any { return float64(t.Year()) },
	"CALENDAR_QUARTER": func(t time.Time) any { return float64((int(t.Month())-1)/3 + 1) },
	"CALENDAR_MONTH":   func(t time.Time) any { return float64(t.Month()) },
	"DAY_IN_MONTH":     func(t time.Time) any { return float64(t.Day()) },
	"DAY_IN_WEEK":      func(t time.Time) any { return float64(t.Weekday() + 1) },
	"DAY_IN_YEAR":      func(t time.Time) any { return float64(t.YearDay()) },
	"DAY_ONLY":         func(t time.Time) any { return dateOnly(t) },
	"FISCAL_YEAR":      func(t time.Time) any { return float64(t.Year()) },
	"FISCAL_QUARTER":   func(t time.Time) any { return float64((int(t.Month())-1)/3 + 1) },
	"FISCAL_MONTH":     func(t time.Time) any { return float64(t.Month()) },
	"HOUR_IN_DAY":      func(t time.Time) any { return float64(t.Hour()) },
	"WEEK_IN_MONTH":    func(t time.Time) any { return float64((t.Day()-1)/7 + 1) },
	"WEEK_IN_YEAR":     func(t time.Time) any { return float64((t.YearDay()-1)/7 + 1) },
}

// dateFuncOperand resolves CALENDAR_YEAR(CloseDate) and friends.
func (e *env) dateFuncOperand(ob *objectDef, x *soql.FuncCall) (func(*record) any, *fieldDef, int, *apiError) {
	fn, ok := dateFuncs[x.Name]
	if !ok || len(x.Args) != 1 {
		return nil, nil, 0, e.errAt("MALFORMED_QUERY", x.Pos, "unexpected token: "+x.Name)
	}
	fr, ok := x.Args[0].(*soql.FieldRef)
	if !ok {
		return nil, nil, 0, e.errAt("MALFORMED_QUERY", x.Pos, "unexpected token: "+x.Name)
	}
	p, err := e.resolve(ob, fr.Path, fr.Pos)
	if err != nil {
		return nil, nil, 0, err
	}
	if p.leaf.Type != tDate && p.leaf.Type != tDateTime {
		return nil, nil, 0, e.errAt("INVALID_FIELD", fr.Pos, "Invalid field "+p.leaf.Name+" for function "+x.Name)
	}
	typ := tInt
	if x.Name == "DAY_ONLY" {
		typ = tDate
	}
	f := newField(x.Name, x.Name, typ, 0)
	return func(r *record) any {
		t, ok := e.get(p, r).(time.Time)
		if !ok {
			return nil
		}
		return fn(t)
	}, f, x.Pos, nil
}
