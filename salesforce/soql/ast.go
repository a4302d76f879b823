// Package soql parses the SOQL that agents write into an AST.
//
// The parser is hand written (lexer + recursive descent). It accepts the
// Salesforce SOQL grammar used through the REST API: field lists with
// relationship paths, parent-to-child subqueries, aggregate and date
// functions, TYPEOF, WHERE with semi-joins, GROUP BY [ROLLUP|CUBE], HAVING,
// ORDER BY, LIMIT, OFFSET, WITH, FOR and USING SCOPE. Errors are
// *SyntaxError values shaped like Salesforce's MALFORMED_QUERY message.
//
// Conventions of the AST:
//   - Keywords, function names, operators, date-literal names and WITH/FOR
//     modes are stored in canonical upper case; identifiers (objects, fields,
//     aliases, relationship names) keep the case they were written in.
//   - A FROM alias is removed from field paths while parsing: after
//     "FROM Account a", "a.Name" is stored as Path ["Name"]. The alias stays in
//     Query.Alias. Each (sub)query has its own alias scope.
//   - Interfaces are implemented by pointer types only (*FieldRef, *FuncCall,
//     ...); type-switch on pointers.
//   - Pos fields are byte offsets into the statement passed to Parse (for
//     error messages such as INVALID_FIELD, see NewError); they are not
//     part of the query's meaning.
package soql

// Query is a parsed SELECT statement (the root query or a subquery).
type Query struct {
	// Select lists the SELECT items in order.
	Select []SelectItem
	// From is the object API name (root query, semi-join subquery) or the
	// child relationship name (parent-to-child subquery), as written.
	From string
	// FromPos is the byte offset of From in the statement.
	FromPos int
	// Alias is the optional FROM alias ("" if none).
	Alias string
	// Scope is the USING SCOPE value as written, e.g. "Mine" ("" if none).
	Scope string
	// Where is the WHERE condition, nil if absent.
	Where Expr
	// With is "SECURITY_ENFORCED", "USER_MODE", "SYSTEM_MODE" or "".
	With string
	// GroupBy lists the GROUP BY items (*FieldRef or *FuncCall); nil if absent.
	GroupBy []Operand
	// GroupByKind is "ROLLUP" or "CUBE" for GROUP BY ROLLUP(...)/CUBE(...), else "".
	GroupByKind string
	// Having is the HAVING condition, nil if absent.
	Having Expr
	// OrderBy lists the ORDER BY items in order; nil if absent.
	OrderBy []OrderItem
	// Limit and Offset are nil when absent.
	Limit, Offset *int
	// For is "VIEW", "REFERENCE" or "UPDATE" (FOR VIEW / FOR REFERENCE /
	// FOR UPDATE), "" if absent.
	For string
	// Update is "TRACKING" or "VIEWSTAT" (UPDATE TRACKING / UPDATE VIEWSTAT), "" if absent.
	Update string
}

// SelectItem is an item of a SELECT list: *FieldRef, *FuncCall, *SubQuery,
// *TypeOf or *FieldsFunc.
type SelectItem interface{ selectItem() }

// Operand is a field reference or a function call: the left side of a
// Comparison, a GROUP BY or ORDER BY item. Implemented by *FieldRef and *FuncCall.
type Operand interface {
	Arg
	operand()
}

// Arg is a function argument: *FieldRef, *FuncCall, or a literal value
// (*StringValue, *NumberValue, ...; e.g. DISTANCE(Loc__c, GEOLOCATION(1.5, 2), 'mi')).
type Arg interface{ arg() }

// Expr is a WHERE/HAVING condition: *AndExpr, *OrExpr, *NotExpr or *Comparison.
type Expr interface{ expr() }

// Value is the right side of a Comparison: *StringValue, *NumberValue,
// *BoolValue, *NullValue, *DateValue, *DateTimeValue, *DateLiteral,
// *ListValue, or *SubQuery (semi-join / anti-join: "Id IN (SELECT ...)").
type Value interface{ value() }

// FieldRef is a field or relationship path, e.g. Name, Owner.Name,
// Account.Owner.Email (alias prefix removed).
type FieldRef struct {
	Path  []string // segments as written, at least one
	Alias string   // SELECT alias (aggregate queries), "" if none
	Pos   int      // byte offset of the first written segment (alias included)
}

// FuncCall is a function call such as COUNT(), COUNT(Id), SUM(Amount),
// CALENDAR_YEAR(CreatedDate), toLabel(Status), FORMAT(MIN(Amount)).
type FuncCall struct {
	Name  string // upper case: "COUNT", "COUNT_DISTINCT", "CALENDAR_YEAR", "TOLABEL", ...
	Args  []Arg  // empty for COUNT()
	Alias string // SELECT alias, "" if none
	Pos   int    // byte offset of the name
}

// SubQuery is a parenthesised SELECT. In a SELECT list it is a
// parent-to-child subquery (Query.From is the child relationship name, e.g.
// "Contacts"); as a Comparison value it is a semi-join (IN) or anti-join
// (NOT IN) whose Query.From is an object name.
type SubQuery struct {
	Query *Query
}

// TypeOf is a polymorphic-relationship select item:
//
//	TYPEOF What WHEN Account THEN Phone, Name WHEN Opportunity THEN Amount ELSE Name END
type TypeOf struct {
	Field string       // the polymorphic relationship name, e.g. "What"
	Whens []TypeOfWhen // at least one
	Else  []*FieldRef  // nil if no ELSE
}

// FieldsFunc is the select item FIELDS(ALL), FIELDS(STANDARD) or
// FIELDS(CUSTOM): every field of that set.
type FieldsFunc struct {
	Set string // "ALL", "STANDARD" or "CUSTOM"
}

// TypeOfWhen is one WHEN branch of a TYPEOF.
type TypeOfWhen struct {
	Object string      // object type, e.g. "Account"
	Fields []*FieldRef // fields of that object, relative to it
}

// AndExpr is a conjunction of two or more conditions (a AND b AND c).
type AndExpr struct{ Exprs []Expr }

// OrExpr is a disjunction of two or more conditions (a OR b OR c).
type OrExpr struct{ Exprs []Expr }

// NotExpr is a negation: NOT cond.
type NotExpr struct{ Expr Expr }

// Comparison is "Left Op Right", e.g. Name = 'x', Id IN (SELECT ...),
// COUNT(Id) > 2.
type Comparison struct {
	Left  Operand
	Op    string // one of the Op* constants
	Right Value
}

// Comparison operators. "<>" is stored as OpNe.
const (
	OpEq       = "="
	OpNe       = "!="
	OpLt       = "<"
	OpLe       = "<="
	OpGt       = ">"
	OpGe       = ">="
	OpLike     = "LIKE"
	OpIn       = "IN"       // Right is *ListValue or *SubQuery
	OpNotIn    = "NOT IN"   // Right is *ListValue or *SubQuery
	OpIncludes = "INCLUDES" // multi-select picklists; Right is *ListValue
	OpExcludes = "EXCLUDES" // multi-select picklists; Right is *ListValue
)

// StringValue is a quoted string literal.
//
// Value is the unescaped text: \n \r \t \b \f \" \' \\ and \uXXXX are
// decoded (letters case-insensitive). The LIKE-only escapes \% and \_ are
// kept as the two characters backslash+'%' / backslash+'_' in Value, because
// their meaning depends on the operator. Raw is the literal body exactly as
// written between the quotes; use MatchLike to evaluate a LIKE pattern,
// which distinguishes \% and \_ (literal) from % and _ (wildcards).
type StringValue struct {
	Value string
	Raw   string
}

// NumberValue is an integer or decimal literal, possibly signed, e.g. 42,
// -1.5, +3. Text is the literal as written.
type NumberValue struct {
	Text string
}

// BoolValue is true or false.
type BoolValue struct{ Value bool }

// NullValue is null.
type NullValue struct{}

// DateValue is a date literal YYYY-MM-DD. Year/Month/Day are validated.
type DateValue struct {
	Text             string // as written
	Year, Month, Day int
}

// DateTimeValue is a datetime literal, e.g. 2024-01-31T23:59:59Z,
// 2024-01-31T23:59:59.123+02:00, 2024-01-31T23:59:59-0500.
type DateTimeValue struct {
	Text string // as written; parse with Time()
}

// DateLiteral is a relative date literal such as TODAY, THIS_QUARTER or
// LAST_N_DAYS:30 (WIRE.md §4.2).
type DateLiteral struct {
	Name string // upper case, without ":n", e.g. "LAST_N_DAYS"
	N    int    // the n of the *_N_* / N_*_AGO forms; 0 for the others
}

// ListValue is a parenthesised value list for IN, NOT IN, INCLUDES, EXCLUDES.
type ListValue struct {
	Values []Value
}

// OrderItem is one ORDER BY item.
type OrderItem struct {
	Expr Operand // *FieldRef or *FuncCall
	Desc bool    // DESC (ASC is the default)
	// NullsLast is nil when NULLS FIRST/LAST is not given (Salesforce's
	// default is NULLS FIRST for ASC and NULLS LAST for DESC), true for
	// NULLS LAST, false for NULLS FIRST.
	NullsLast *bool
}

func (*FieldRef) selectItem()   {}
func (*FuncCall) selectItem()   {}
func (*SubQuery) selectItem()   {}
func (*TypeOf) selectItem()     {}
func (*FieldsFunc) selectItem() {}

func (*FieldRef) operand() {}
func (*FuncCall) operand() {}

func (*FieldRef) arg()      {}
func (*FuncCall) arg()      {}
func (*StringValue) arg()   {}
func (*NumberValue) arg()   {}
func (*BoolValue) arg()     {}
func (*NullValue) arg()     {}
func (*DateValue) arg()     {}
func (*DateTimeValue) arg() {}
func (*DateLiteral) arg()   {}

func (*AndExpr) expr()    {}
func (*OrExpr) expr()     {}
func (*NotExpr) expr()    {}
func (*Comparison) expr() {}

func (*StringValue) value()   {}
func (*NumberValue) value()   {}
func (*BoolValue) value()     {}
func (*NullValue) value()     {}
func (*DateValue) value()     {}
func (*DateTimeValue) value() {}
func (*DateLiteral) value()   {}
func (*ListValue) value()     {}
func (*SubQuery) value()      {}

// Ref is one field reference made by a query, for policy checks.
type Ref struct {
	// Object is the object API name from the FROM of the (sub)query's root:
	// the root object for its own fields and for its child subqueries, the
	// semi-join subquery's object for fields inside a semi-join.
	Object string
	// Child is the child relationship name for fields inside a
	// parent-to-child subquery ("Contacts"); nested child subqueries join
	// the names with "." ("Contacts.Cases"). "" otherwise.
	Child string
	// Path is the field path relative to Object (or to Child's object),
	// alias removed, e.g. ["Owner", "Email"]; a plain field is ["Name"].
	// A FIELDS(ALL|STANDARD|CUSTOM) select item is reported as the single
	// segment "FIELDS(ALL)" (etc.), which is no valid field name: it stands
	// for every field of that set, so a field deny list must treat it as
	// matching.
	Path []string
}
