package main

import (
	"fmt"
	"math/rand/v2"
	"net/mail"
	"strings"
)

// The small word lists the sample mail is made of. Every name and phrase
// must be encodable in the charsets the generator uses it with.

// person is a correspondent of the demo user.
type person struct {
	name, addr string
}

func (p person) address() string {
	return (&mail.Address{Name: p.name, Address: p.addr}).String()
}

// me is the demo user as it appears in its own mail.
var me = person{"Demo User", "demo@postern.example"}

var people = []person{
	{"Alice Martin", "alice@example.com"},
	{"Bob O'Neil", "bob.oneil@example.org"},
	{"Carol Nguyen", "carol@example.net"},
	{"Dave Smith", "dave@mail.example"},
	{"Erin Walsh", "erin.walsh@example.com"},
	{"Frank Dubois", "frank@example.fr"},
	{"Grace Hopper", "grace@navy.example"},
	{"Heidi Schäfer", "heidi@example.de"},
	{"José García", "jose.garcia@example.es"},
	{"Zoë Ångström", "zoe@example.se"},
	{"Łukasz Wójcik", "lukasz@example.pl"},
	{"Ivan Petrov", "ivan@example.ru"},
	{"Mallory", "mallory@example.org"},
	{"", "noreply@billing.example"},
	{"Peggy Lee", "peggy.lee@example.com"},
	{"Trent Reznor", "trent@example.net"},
}

// latinPeople write in iso-8859-1 or windows-1252.
var latinPeople = []person{
	{"Jürgen Müller", "juergen@example.de"},
	{"François Lefèvre", "francois@example.fr"},
	{"Søren Kierkegård", "soren@example.dk"},
}

var japanesePerson = person{"田中 花子", "hanako@example.jp"}

var subjectTopics = []string{
	"quarterly report", "team offsite", "server migration", "budget review",
	"holiday schedule", "release notes", "code review", "invoice 2024-117",
	"conference talk", "printer on the 3rd floor", "backup failure",
	"new office keys", "lunch on Friday", "project Falcon", "security audit",
	"onboarding checklist", "DNS change", "travel expenses", "book club",
	"garden party", "password policy", "the big refactor",
}

var subjectForms = []string{
	"%s", "Question about the %s", "Update: %s", "%s - please read",
	"Reminder: %s", "Draft for the %s", "Notes from the %s", "About the %s",
	"[action needed] %s", "FYI %s",
}

var sentences = []string{
	"I had a look at the numbers and they seem fine to me.",
	"Could you check the attached file before Thursday?",
	"We should talk about this at the next meeting.",
	"The deadline moved to the end of the month.",
	"Thanks for the quick answer, that helps a lot.",
	"Let me know if anything is unclear.",
	"I will be out of the office next week, Carol will cover for me.",
	"The new version fixes the crash we saw on Monday.",
	"Please do not forward this outside the team.",
	"I think we can close this ticket now.",
	"Here is the summary you asked for.",
	"Sorry for the late reply, it was a busy week.",
	"The servers will be down for maintenance on Saturday night.",
	"Can we move the call to 3 pm?",
	"I agree with most of it, but the second point needs more work.",
	"See the wiki page for the details.",
}

var links = []string{
	"https://example.com/wiki/Falcon",
	"https://intranet.example.org/tickets/4711",
	"https://docs.example.net/howto/backup.html?lang=en&v=2",
	"http://example.com/a/very/long/path/that/goes/on/and/on/index.html",
}

var golangTopics = []string{
	"generics and type inference", "context cancellation in HTTP handlers",
	"slog handler performance", "go vet false positive", "errors.Join usage",
	"iterators over maps", "cgo and static linking", "module proxy timeouts",
}

var debianTopics = []string{
	"Bug#1061234: ITP: libfoo -- library for foo",
	"Bug#1058800: RFS: bar/2.1-1", "Re-enabling usrmerge checks",
	"Proposal: drop i386 installer", "dpkg triggers and systemd units",
	"Call for testing: new debhelper compat level", "/usr/lib/os-release symlink",
}

var listAnnouncements = []string{
	"Weekly digest", "New meetup in Berlin", "Call for papers",
	"Maintenance window", "Your subscription", "Survey results",
}

// germanDrafts are the German drafts of the Entwürfe folder.
var germanDrafts = []string{
	"Grüße aus München", "Änderungen am Vertrag", "Öffnungszeiten über Ostern",
	"Frühstück am Dienstag", "Überweisung für März",
}

var germanBody = "Hallo zusammen,\n\nanbei die Änderungen für nächste Woche. Bitte " +
	"prüft die Übersicht und gebt mir bis Freitag Bescheid.\n\nViele Grüße\nDemo"

// frenchBody is encodable in iso-8859-1 and windows-1252 (but not its
// windows-1252 extras: see windowsBody).
var frenchBody = "Bonjour,\n\nvoici le résumé de la réunion de jeudi. Nous avons " +
	"décidé de déménager le serveur à Noël.\n\nÀ bientôt,\nFrançois"

// windowsBody uses characters only windows-1252 has (€, curly quotes, dash).
var windowsBody = "Hello,\n\nthe invoice is “ready” – total €1,299.00 … see you " +
	"at the café.\n\nRegards,\nJürgen"

var japaneseSubject = "会議の議事録"

var japaneseBody = "皆様\n\nお疲れ様です。本日の会議の議事録を送ります。\n" +
	"ご確認ください。\n\n田中"

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

func subjectLine(r *rand.Rand) string {
	s := fmt.Sprintf(pick(r, subjectForms), pick(r, subjectTopics))
	return strings.ToUpper(s[:1]) + s[1:]
}

// paragraphs returns n paragraphs of two to four sentences.
func paragraphs(r *rand.Rand, n int) string {
	paras := make([]string, n)
	for i := range paras {
		k := 2 + r.IntN(3)
		words := make([]string, k)
		for j := range words {
			words[j] = pick(r, sentences)
		}
		paras[i] = strings.Join(words, " ")
	}
	return strings.Join(paras, "\n\n")
}

func firstName(p person) string {
	if p.name == "" {
		return "there"
	}
	return strings.Fields(p.name)[0]
}

// quote prefixes every line of text with "> " (or ">" before another '>').
func quote(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ">") || l == "" {
			lines[i] = ">" + l
		} else {
			lines[i] = "> " + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}
