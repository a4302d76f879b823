package tools

// All returns every tool sfmcp offers, in the order they are listed. It is
// the only registry: the server, the docs, the policy defaults and the tests
// all read it. Tools need no dependencies of their own: what a call needs
// (the caller's Salesforce client, limits, deny list) arrives in its Call.
func All() []Tool {
	return []Tool{
		queryRecords(),
		searchRecords(),
		getRecord(),
		describeObjectTool(),
		createRecord(),
		updateRecord(),
		deleteRecord(),
		logActivity(),
	}
}
