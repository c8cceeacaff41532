# Written by postern from postern/filters.json: change the rules on postern's Filters page, edits here are lost.
require ["copy", "date", "envelope", "fileinto", "imap4flags", "mailbox", "relational", "vacation"];

# vacation
if allof (not exists "list-id",
          not header :contains "precedence" ["bulk", "list", "junk"],
          anyof (not exists "auto-submitted", header :is "auto-submitted" "no"),
          not header :is "x-spam-flag" "yes",
          not envelope :is "from" "",
          currentdate :value "ge" "date" "2026-12-20",
          currentdate :value "le" "date" "2027-01-03") {
    vacation :days 3 :subject "Away: \"back\" \\ ${soon} `date`" :from "me@example.org" :addresses ["me@example.org", "me+work@example.org"] "I am away until Monday.
\"Quotes\" and \\ stay; ${HOME} too.
.
Bye";
}

# rule 1
if header :contains "list-id" "debian-devel.lists.debian.org" {
    fileinto :create "Lists.Debian";
    stop;
}

# rule 2
if anyof (header :is "from" "boss@example.org", header :matches "subject" "*urgent?* \\\\ \"now\"") {
    addflag "\\Flagged";
    fileinto :copy :create "Boss";
    redirect :copy "me@example.net";
}

# rule 3
if allof (header :contains "subject" "a \"quote\" \\ ${HOME} `id` $X /x/ (a|b) [c] 50% ü", not header :contains "to" "me@example.org", size :over 100000) {
    addflag "\\Seen";
    fileinto :create "Junk";
    stop;
}

# rule 4: disabled

# rule 5
if allof (header :contains "cc" "x", size :under 10) {
    redirect "away@example.net";
    stop;
}

# rule 6
if header :is "x-spam-flag" "YES" {
    discard;
    stop;
}

# rule 7
if true {
    stop;
}
