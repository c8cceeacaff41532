package app

import (
	"fmt"
	"net/url"
	"reflect"
	"testing"

	"postern/filters"
)

// TestRuleFormRoundTrip: a rule shown in the form and sent back as the
// browser sends it is the same rule; blank rows add nothing.
func TestRuleFormRoundTrip(t *testing.T) {
	rule := filters.Rule{Name: "n", Any: true, Disabled: true,
		Conditions: []filters.Condition{
			{Field: filters.FieldHeader, Header: "List-Id", Op: filters.OpContains, Not: true, Value: `"x" \ ${y}`},
			{Field: filters.FieldSize, Op: filters.OpOver, Size: 2048},
		},
		Actions: []filters.Action{{Kind: filters.ActFlag}, {Kind: filters.ActForward, Address: "a@b.org", Keep: true}, {Kind: filters.ActMove, Folder: "A.B"}},
	}
	form := ruleForm(3, rule)
	if len(form.Conditions) != 4 || len(form.Actions) != 5 {
		t.Fatalf("ruleForm rows = %d, %d; want 4, 5 (two blank of each)", len(form.Conditions), len(form.Actions))
	}
	v := url.Values{"name": {form.Name}, "any": {"1"}, "off": {"1"}}
	for _, c := range form.Conditions {
		v.Set(fmt.Sprintf("cf%d", c.N), c.Field)
		v.Set(fmt.Sprintf("ch%d", c.N), c.Header)
		v.Set(fmt.Sprintf("co%d", c.N), c.Op)
		v.Set(fmt.Sprintf("cv%d", c.N), c.Value)
	}
	for _, a := range form.Actions {
		v.Set(fmt.Sprintf("ak%d", a.N), a.Kind)
		v.Set(fmt.Sprintf("af%d", a.N), "INBOX") // the select always sends one
		if a.Folder != "" {
			v.Set(fmt.Sprintf("af%d", a.N), a.Folder)
		}
		v.Set(fmt.Sprintf("aa%d", a.N), a.Address)
	}
	got, err := ruleFromForm(v)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, rule) {
		t.Errorf("ruleFromForm(ruleForm(r)) = %+v, want %+v", got, rule)
	}
	v.Set("cv1", "lots")
	if _, err := ruleFromForm(v); err == nil {
		t.Error("ruleFromForm(size \"lots\") = nil error")
	}
}
