package emulator

import "strings"

// The emulated org's users, permissions, field-level security and sharing.
//
// Users (password for all: DemoPassword):
//
//	admin@acme.demo        System Administrator  everything; sees and edits every record
//	alice@acme.demo        Standard User         see below
//	bob@acme.demo          Standard User         see below; owns different Opportunities than alice
//	integration@acme.demo  Integration User      System Administrator-like API user; the
//	                                             client-credentials run-as user
//	former@acme.demo       Standard User         inactive (Active=false): logins fail
//
// Standard User profile:
//   - object permissions: Account read/create/edit but NOT delete
//     (DELETE -> 400 INSUFFICIENT_ACCESS_OR_READONLY); User is read-only (as for everybody:
//     User records cannot be created, edited or deleted through the API); every other
//     object full CRUD.
//   - field-level security: Account.AnnualRevenue is invisible. It behaves exactly like a
//     field that does not exist: INVALID_FIELD "No such column 'AnnualRevenue' on entity
//     'Account'..." in SOQL (SELECT, WHERE, ORDER BY, GROUP BY, aggregates, relationship
//     paths such as Contact.Account.AnnualRevenue, subqueries), in ?fields= on a record GET
//     and in SOSL RETURNING; INVALID_FIELD "No such column 'AnnualRevenue' on sobject of
//     type Account" in create/update bodies. It is absent from describe and from records
//     read without a field list. (Visible but read-only fields such as CreatedDate answer
//     INVALID_FIELD_FOR_INSERT_UPDATE instead.)
//   - sharing: Opportunity is Private. A Standard User sees, edits and deletes only the
//     Opportunities they own. Other users' Opportunities are invisible in queries,
//     aggregates, COUNT() and search; through a relationship (Task.What) they read as null;
//     GET by Id answers 404 NOT_FOUND; PATCH/DELETE answer 400
//     INSUFFICIENT_ACCESS_OR_READONLY; using one as a lookup value answers 400
//     INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY. Every other object is Public
//     Read/Write.
//
// System Administrator and Integration User: all objects, all fields, all records.

// DemoPassword is the password of every emulated user.
const DemoPassword = "sfmcp-Demo-1" //nolint:gosec // public demo credential of an in-memory org

// User is an emulated Salesforce user.
type User struct {
	ID          string // 18-char 005 id
	Username    string
	Password    string
	Name        string
	Email       string
	ProfileName string
	Profile     *Profile
	Active      bool
}

// objectPerms are CRUD permissions on one object.
type objectPerms struct{ Read, Create, Edit, Delete bool }

// Profile is a set of permissions shared by users.
type Profile struct {
	Name string
	// ViewAll: sees and edits every record regardless of sharing.
	ViewAll bool
	// Objects overrides permissions per object API name; unlisted objects are full CRUD.
	Objects map[string]objectPerms
	// Hidden lists fields invisible through FLS, as "Object.Field".
	Hidden map[string]bool
	// Private lists objects with Private sharing for this profile (owner-only access).
	Private map[string]bool
}

var (
	profileAdmin = &Profile{Name: "System Administrator", ViewAll: true}
	profileInteg = &Profile{Name: "Integration User", ViewAll: true}
	profileStd   = &Profile{
		Name: "Standard User",
		Objects: map[string]objectPerms{
			"Account": {Read: true, Create: true, Edit: true, Delete: false},
			"User":    {Read: true},
		},
		Hidden:  map[string]bool{"Account.AnnualRevenue": true},
		Private: map[string]bool{"Opportunity": true},
	}
)

// perms returns the object permissions of the profile for obj.
func (p *Profile) perms(obj string) objectPerms {
	if pp, ok := p.Objects[obj]; ok {
		return pp
	}
	if obj == "User" && !p.ViewAll {
		return objectPerms{Read: true}
	}
	return objectPerms{Read: true, Create: true, Edit: true, Delete: true}
}

// fieldVisible reports whether FLS lets the profile see obj.field (API names, exact case).
func (p *Profile) fieldVisible(obj, field string) bool {
	return !p.Hidden[obj+"."+field]
}

// private reports whether records of obj are owner-only for this profile.
func (p *Profile) private(obj string) bool { return !p.ViewAll && p.Private[obj] }

func (o *Org) initUsers() {
	specs := []struct {
		user, name string
		prof       *Profile
		active     bool
	}{
		{"admin", "Ada Admin", profileAdmin, true},
		{"alice", "Alice Anders", profileStd, true},
		{"bob", "Bob Brennan", profileStd, true},
		{"integration", "Integration User", profileInteg, true},
		{"former", "Fern Former", profileStd, false},
	}
	o.usersBy = map[string]*User{}
	for i, s := range specs {
		u := &User{
			ID:          makeID("005", uint64(1000+i)),
			Username:    s.user + "@acme.demo",
			Password:    DemoPassword,
			Name:        s.name,
			Email:       s.user + "@acme.demo",
			ProfileName: s.prof.Name,
			Profile:     s.prof,
			Active:      s.active,
		}
		o.users = append(o.users, u)
		o.usersBy[strings.ToLower(u.Username)] = u
		o.usersBy[u.ID] = u
	}
}

// Users lists the org's users (copies).
func (o *Org) Users() []User {
	out := make([]User, len(o.users))
	for i, u := range o.users {
		out[i] = *u
	}
	return out
}

// userByUsername finds a user by username, case-insensitively; nil if unknown.
func (o *Org) userByUsername(name string) *User {
	return o.usersBy[strings.ToLower(name)]
}

// userByID finds a user by 15- or 18-char id; nil if unknown.
func (o *Org) userByID(id string) *User {
	if id18, ok := normID(id); ok {
		return o.usersBy[id18]
	}
	return nil
}
