package templates

// FiltersData is the Filters page: the rules in order, and the form of
// the rule being written (a new one, or one being edited).
type FiltersData struct {
	Language string // "sieve" or "maildrop"
	Rules    []RuleRow
	Form     *RuleForm // nil: only the list
	Folders  []string  // the folders a rule can move or copy to
	Inactive string    // the active Sieve script is the user's own: how to include postern's
}

// RuleRow is one rule in the list.
type RuleRow struct {
	Index    int // 0-based position, the form value of its buttons
	Name     string
	Summary  string // "If From contains x: move to A"
	Disabled bool
	First    bool
	Last     bool
	EditURL  string
}

// RuleForm is the form of one rule. Rows past the rule's own are blank,
// so a rule can grow without JavaScript: save, and edit again for more.
type RuleForm struct {
	Index      int // -1 for a new rule
	Name       string
	Any        bool
	Disabled   bool
	Conditions []ConditionRow
	Actions    []ActionRow
}

// ConditionRow is one condition of the form.
type ConditionRow struct {
	N      int    // row number, for the field names
	Field  string // from, to, cc, subject, header, size
	Header string
	Op     string // contains, notcontains, is, notis, matches, notmatches, over, under
	Value  string // the text, or the size in KB
}

// ActionRow is one action of the form.
type ActionRow struct {
	N       int
	Kind    string // move, copy, read, flag, forward, forwardcopy, discard, stop
	Folder  string
	Address string
}

// VacationData is the Vacation page.
type VacationData struct {
	Enabled   bool
	Subject   string
	Text      string
	Start     string
	End       string
	From      string
	Addresses string // one per line
	Days      int
	Inactive  string
}
