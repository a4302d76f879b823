package emulator

// The emulated org's objects and fields. Custom parts: Account.Region__c (restricted
// picklist), Account.Segments__c (multi-select picklist), Account.External_Id__c
// (external id, NOT unique so that upsert can answer 300), Project__c (key prefix a01,
// lookup Account__c / Account__r, child relationship Account.Projects__r) with the unique
// external id Project__c.Code__c.

var (
	industries = []string{"Agriculture", "Banking", "Education", "Energy", "Healthcare",
		"Manufacturing", "Media", "Retail", "Technology", "Other"}
	leadSources = []string{"Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"}
	stages      = []string{"Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
		"Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote",
		"Negotiation/Review", "Closed Won", "Closed Lost"}
	regions       = []string{"NA", "EMEA", "APAC", "LATAM"}
	segments      = []string{"SMB", "MidMarket", "Enterprise", "Public", "Nonprofit"}
	taskStatuses  = []string{"Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"}
	taskSubtypes  = []string{"Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn"}
	leadStatuses  = []string{"Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"}
	caseStatuses  = []string{"New", "Working", "Escalated", "Closed"}
	projStatuses  = []string{"Planned", "Active", "On Hold", "Done"}
	whatObjects   = []string{"Account", "Opportunity", "Case", "Project__c"}
	linkedObjects = []string{"Account", "Contact", "Lead", "Opportunity", "Case", "Project__c", "User"}
)

// system fields: Id, IsDeleted first; audit fields (and OwnerId) last.
func withSystem(label string, owner bool, fields ...*fieldDef) []*fieldDef {
	id := newField("Id", label+" ID", tID, 18).ro()
	id.Nillable, id.DefaultedOnCreate, id.IDLookup = false, true, true
	out := []*fieldDef{id, fBool("IsDeleted", "Deleted").ro()}
	out = append(out, fields...)
	if owner {
		out = append(out, fRef("OwnerId", "Owner ID", "Owner", "User").def(nil).nonNull())
	}
	audit := []*fieldDef{
		fDateTime("CreatedDate", "Created Date"), fRef("CreatedById", "Created By ID", "CreatedBy", "User"),
		fDateTime("LastModifiedDate", "Last Modified Date"), fRef("LastModifiedById", "Last Modified By ID", "LastModifiedBy", "User"),
		fDateTime("SystemModstamp", "System Modstamp"),
	}
	for _, f := range audit {
		f.ro().Nillable, f.DefaultedOnCreate = false, true
	}
	return append(out, audit...)
}

func obj(name, label, plural, prefix string, fields []*fieldDef) *objectDef {
	return &objectDef{Name: name, Label: label, LabelPlural: plural, KeyPrefix: prefix, Fields: fields,
		Createable: true, Updateable: true, Deletable: true, Searchable: true}
}

func polyOwner(fs []*fieldDef) []*fieldDef {
	for _, f := range fs {
		if f.Name == "OwnerId" {
			f.ReferenceTo = []string{"Group", "User"}
		}
	}
	return fs
}

func buildSchema() []*objectDef {
	account := obj("Account", "Account", "Accounts", "001", withSystem("Account", true,
		fStr("Name", "Account Name", 255).req().name(),
		fPick("Type", "Account Type", "Prospect", "Customer - Direct", "Customer - Channel", "Partner", "Other"),
		fRef("ParentId", "Parent Account ID", "Parent", "Account"),
		fPick("Industry", "Industry", industries...),
		fNum("AnnualRevenue", "Annual Revenue", tCurrency),
		fInt("NumberOfEmployees", "Employees"),
		fPhone("Phone", "Account Phone"),
		fURL("Website", "Website"),
		fPick("Rating", "Account Rating", "Hot", "Warm", "Cold"),
		fText("BillingStreet", "Billing Street", 255),
		fStr("BillingCity", "Billing City", 40),
		fStr("BillingState", "Billing State/Province", 80),
		fStr("BillingPostalCode", "Billing Zip/Postal Code", 20),
		fStr("BillingCountry", "Billing Country", 80),
		fText("Description", "Account Description", 32000),
		fDate("LastActivityDate", "Last Activity").ro(),
		fPick("Region__c", "Region", regions...).restricted(),
		fMulti("Segments__c", "Segments", segments...),
		fStr("External_Id__c", "External Id", 40).ext(),
	))
	contact := obj("Contact", "Contact", "Contacts", "003", withSystem("Contact", true,
		fRef("AccountId", "Account ID", "Account", "Account"),
		fPick("Salutation", "Salutation", "Mr.", "Ms.", "Mrs.", "Dr.", "Prof."),
		fStr("FirstName", "First Name", 40),
		fStr("LastName", "Last Name", 80).req(),
		fStr("Name", "Full Name", 121).calc().name(),
		fStr("Title", "Title", 128),
		fStr("Department", "Department", 80),
		fEmail("Email", "Email"),
		fPhone("Phone", "Business Phone"),
		fPhone("MobilePhone", "Mobile Phone"),
		fRef("ReportsToId", "Reports To ID", "ReportsTo", "Contact"),
		fDate("Birthdate", "Birthdate"),
		fPick("LeadSource", "Lead Source", leadSources...),
		fStr("MailingCity", "Mailing City", 40),
		fStr("MailingCountry", "Mailing Country", 80),
		fBool("HasOptedOutOfEmail", "Email Opt Out"),
		fText("Description", "Contact Description", 32000),
	))
	lead := obj("Lead", "Lead", "Leads", "00Q", withSystem("Lead", true,
		fStr("FirstName", "First Name", 40),
		fStr("LastName", "Last Name", 80).req(),
		fStr("Name", "Full Name", 121).calc().name(),
		fStr("Company", "Company", 255).req(),
		fStr("Title", "Title", 128),
		fEmail("Email", "Email"),
		fPhone("Phone", "Phone"),
		fPick("Status", "Status", leadStatuses...).def("Open - Not Contacted").nonNull(),
		fPick("LeadSource", "Lead Source", leadSources...),
		fPick("Industry", "Industry", industries...),
		fPick("Rating", "Rating", "Hot", "Warm", "Cold"),
		fNum("AnnualRevenue", "Annual Revenue", tCurrency),
		fInt("NumberOfEmployees", "Employees"),
		fStr("City", "City", 40),
		fStr("Country", "Country", 80),
		fBool("IsConverted", "Converted").ro(),
		fText("Description", "Description", 32000),
	))
	opp := obj("Opportunity", "Opportunity", "Opportunities", "006", withSystem("Opportunity", true,
		fRef("AccountId", "Account ID", "Account", "Account"),
		fStr("Name", "Name", 120).req().name(),
		fText("Description", "Description", 32000),
		fPick("StageName", "Stage", stages...).req(),
		fNum("Amount", "Amount", tCurrency),
		fNum("Probability", "Probability (%)", tPercent),
		fDate("CloseDate", "Close Date").req(),
		fPick("Type", "Opportunity Type", "New Customer", "Existing Customer - Upgrade", "Existing Customer - Replacement", "Existing Customer - Downgrade"),
		fStr("NextStep", "Next Step", 255),
		fPick("LeadSource", "Lead Source", leadSources...),
		fBool("IsClosed", "Closed").ro(),
		fBool("IsWon", "Won").ro(),
	))
	cas := obj("Case", "Case", "Cases", "500", withSystem("Case", true,
		fStr("CaseNumber", "Case Number", 30).ro().name(),
		fRef("ContactId", "Contact ID", "Contact", "Contact"),
		fRef("AccountId", "Account ID", "Account", "Account"),
		fStr("Subject", "Subject", 255),
		fText("Description", "Description", 32000),
		fPick("Status", "Status", caseStatuses...).def("New").nonNull(),
		fPick("Priority", "Priority", "High", "Medium", "Low").def("Medium"),
		fPick("Origin", "Case Origin", "Phone", "Email", "Web"),
		fPick("Type", "Case Type", "Question", "Problem", "Feature Request"),
		fPick("Reason", "Case Reason", "Installation", "Equipment Complexity", "Performance", "Breakdown", "Other"),
		fBool("IsClosed", "Closed").ro(),
		fDateTime("ClosedDate", "Closed Date").ro(),
	))
	task := obj("Task", "Task", "Tasks", "00T", polyOwner(withSystem("Activity", true,
		fRef("WhoId", "Name ID", "Who", "Contact", "Lead"),
		fRef("WhatId", "Related To ID", "What", whatObjects...),
		fRef("AccountId", "Account ID", "Account", "Account").ro(),
		newField("Subject", "Subject", tCombo, 255),
		fDate("ActivityDate", "Due Date Only"),
		fPick("Status", "Status", taskStatuses...).def("Not Started").nonNull(),
		fPick("Priority", "Priority", "High", "Normal", "Low").def("Normal").nonNull(),
		fText("Description", "Description", 32000),
		fPick("Type", "Type", "Call", "Email", "Meeting", "Other"),
		fPick("TaskSubtype", "Task Subtype", taskSubtypes...).restricted().createOnly().def("Task"),
		fBool("IsClosed", "Closed").ro(),
		fDateTime("CompletedDateTime", "Completed Date/Time").ro(),
		fPick("CallType", "Call Type", "Internal", "Inbound", "Outbound"),
		fInt("CallDurationInSeconds", "Call Duration"),
		fStr("CallDisposition", "Call Result", 255),
		fStr("CallObject", "Call Object Identifier", 255),
	)))
	event := obj("Event", "Event", "Events", "00U", polyOwner(withSystem("Activity", true,
		fRef("WhoId", "Name ID", "Who", "Contact", "Lead"),
		fRef("WhatId", "Related To ID", "What", whatObjects...),
		fRef("AccountId", "Account ID", "Account", "Account").ro(),
		newField("Subject", "Subject", tCombo, 255),
		fStr("Location", "Location", 255),
		fBool("IsAllDayEvent", "All-Day Event"),
		fDateTime("ActivityDateTime", "Due Date Time"),
		fDate("ActivityDate", "Due Date Only"),
		fInt("DurationInMinutes", "Duration"),
		fDateTime("StartDateTime", "Start Date Time"),
		fDateTime("EndDateTime", "End Date Time"),
		fText("Description", "Description", 32000),
		fPick("ShowAs", "Show Time As", "Busy", "OutOfOffice", "Free").def("Busy"),
		fPick("Type", "Type", "Call", "Email", "Meeting", "Other"),
		fPick("EventSubtype", "Event Subtype", "Event").restricted().createOnly().def("Event"),
	)))
	user := obj("User", "User", "Users", "005", withSystem("User", false,
		fStr("Username", "Username", 80).req(),
		fStr("LastName", "Last Name", 80).req(),
		fStr("FirstName", "First Name", 40),
		fStr("Name", "Full Name", 121).calc().name(),
		fStr("Alias", "Alias", 8).req(),
		fEmail("Email", "Email").req(),
		fStr("Title", "Title", 80),
		fStr("Department", "Department", 80),
		fStr("ProfileName__c", "Profile", 80).ro(),
		fBool("IsActive", "Active"),
		fPick("UserType", "User Type", "Standard").ro(),
	))
	user.Createable, user.Updateable, user.Deletable = false, false, false
	note := obj("ContentNote", "Note", "Notes", "069", withSystem("Content Note", true,
		fStr("Title", "Title", 255).req().name(),
		fBase64("Content", "Content").req(),
		fStr("TextPreview", "Text Preview", 255).ro(),
		fStr("FileType", "File Type", 20).ro(),
		fStr("FileExtension", "File Extension", 40).ro(),
		fInt("ContentSize", "Size").ro(),
	))
	link := obj("ContentDocumentLink", "Content Document Link", "Content Document Links", "06A", withSystem("ContentDocumentLink", false,
		fRef("LinkedEntityId", "Linked Entity ID", "LinkedEntity", linkedObjects...).req().createOnly(),
		fRef("ContentDocumentId", "ContentDocument ID", "ContentDocument", "ContentDocument").req().createOnly(),
		fPick("ShareType", "Share Type", "V", "C", "I").restricted().req(),
		fPick("Visibility", "Visibility", "AllUsers", "InternalUsers", "SharedUsers").restricted().def("AllUsers"),
	))
	link.Updateable, link.Searchable = true, false
	project := obj("Project__c", "Project", "Projects", "a01", withSystem("Record", true,
		fStr("Name", "Project Name", 80).req().name(),
		fRef("Account__c", "Account", "Account__r", "Account"),
		fPick("Status__c", "Status", projStatuses...).def("Planned"),
		fNum("Budget__c", "Budget", tCurrency),
		fDate("Start_Date__c", "Start Date"),
		fDate("Due_Date__c", "Due Date"),
		fText("Description__c", "Description", 32000),
		fStr("Code__c", "Project Code", 20).ext().unique(),
	))
	project.Custom = true
	return []*objectDef{account, contact, lead, opp, cas, task, event, user, note, link, project}
}

// childRelDefs: parent, relationship name, child object, child field, cascade delete.
var childRelDefs = []struct {
	parent, name, child, field string
	cascade                    bool
}{
	{"Account", "ChildAccounts", "Account", "ParentId", false},
	{"Account", "Contacts", "Contact", "AccountId", true},
	{"Account", "Opportunities", "Opportunity", "AccountId", true},
	{"Account", "Cases", "Case", "AccountId", false},
	{"Account", "Tasks", "Task", "WhatId", true},
	{"Account", "Events", "Event", "WhatId", true},
	{"Account", "Projects__r", "Project__c", "Account__c", false},
	{"Account", "ContentDocumentLinks", "ContentDocumentLink", "LinkedEntityId", true},
	{"Contact", "Cases", "Case", "ContactId", false},
	{"Contact", "DirectReports", "Contact", "ReportsToId", false},
	{"Contact", "Tasks", "Task", "WhoId", true},
	{"Contact", "Events", "Event", "WhoId", true},
	{"Contact", "ContentDocumentLinks", "ContentDocumentLink", "LinkedEntityId", true},
	{"Lead", "Tasks", "Task", "WhoId", true},
	{"Lead", "Events", "Event", "WhoId", true},
	{"Opportunity", "Tasks", "Task", "WhatId", true},
	{"Opportunity", "Events", "Event", "WhatId", true},
	{"Opportunity", "ContentDocumentLinks", "ContentDocumentLink", "LinkedEntityId", true},
	{"Case", "Tasks", "Task", "WhatId", true},
	{"Case", "ContentDocumentLinks", "ContentDocumentLink", "LinkedEntityId", true},
	{"Project__c", "Tasks", "Task", "WhatId", true},
	{"Project__c", "ContentDocumentLinks", "ContentDocumentLink", "LinkedEntityId", true},
	{"ContentNote", "ContentDocumentLinks", "ContentDocumentLink", "ContentDocumentId", true},
}
