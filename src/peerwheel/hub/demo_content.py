"""Texts for the demo hub: short, plausible, per role family. No lorem ipsum.

Each task is (task, tool, minutes saved, prompt, what went well, a tip (title, body), a failure
(title, body)). Titles are assembled from patterns so two people rarely post the same one.
"""

from __future__ import annotations

from typing import NamedTuple


class Task(NamedTuple):
    task: str
    tool: str
    minutes: int
    prompt: str
    win: str
    tip: tuple[str, str]
    fail: tuple[str, str]


TASKS: dict[str, tuple[Task, ...]] = {
    "engineering": (
        Task("code review", "GitHub Copilot", 20,
             "Review this diff for bugs, missing tests and unclear names. List findings by "
             "severity, with the line each one is on. Say 'nothing found' if so.",
             "It caught a missing null check before my reviewer did.",
             ("Paste the ticket with the diff", "The review gets much better when it knows the "
              "intent, not just the code. I paste the ticket's acceptance criteria first."),
             ("Copilot suggested an API we removed", "The suggestion compiled against an old "
              "version in my cache and used an endpoint we deleted last quarter. Check "
              "suggestions against our own docs.")),
        Task("writing tests", "GitHub Copilot", 30,
             "Write pytest tests for this function. Cover empty input, None, very large values "
             "and one realistic case. Use the fixtures in conftest.py; no mocks of our own code.",
             "The edge cases it listed found a real off-by-one in the pager.",
             ("Ask for the cases before the code", "I ask for a bullet list of cases first, "
              "prune it, then ask for the tests. Fewer useless asserts."),
             ("Tests that test the mock", "It happily wrote tests that only checked the mock "
              "returned what the mock was told to return. Read every assert.")),
        Task("incident summaries", "ChatGPT Enterprise", 25,
             "Summarise this incident channel export: timeline in UTC, customer impact, root "
             "cause, follow-ups with owners. Under 300 words. Mark anything you are unsure of.",
             "The post-mortem draft was ready before the call ended.",
             ("Strip tokens before pasting logs", "Logs carry session tokens and emails. I run "
              "the hub's check on the paste first; it flags them."),
             ("It invented a root cause", "The channel never said what broke, so it guessed "
              "'database connection pool exhaustion'. Plausible and wrong.")),
        Task("SQL queries", "Claude", 15,
             "Here is the schema (below). Write a PostgreSQL query that answers: {question}. "
             "Explain each join in one line and say which indexes it will use.",
             "A report query I'd have spent an afternoon on took fifteen minutes.",
             ("Give it the real schema", "Paste the CREATE TABLE statements, not a description. "
              "It stops inventing column names."),
             ("A column that does not exist", "The query looked right but used a "
              "customer_region column we do not have. Always run it on staging first.")),
    ),
    "sales": (
        Task("account research", "Copilot", 30,
             "Using public information only, summarise this company's priorities, recent news "
             "and likely buying triggers in five bullets, with a source for each.",
             "I walked into the discovery call knowing their last two acquisitions.",
             ("Ask for sources, every time", "Without sources it mixes up companies with "
              "similar names. With them I can check in seconds."),
             ("It mixed up two companies", "Two firms with the same name: half the brief was "
              "about the wrong one. Now I give it the website first.")),
        Task("follow-up emails", "Copilot", 10,
             "Draft a follow-up email from my call notes below: thank them, recap the three "
             "points they cared about, propose two times next week. Friendly, under 150 words.",
             "Follow-ups go out the same afternoon instead of the next day.",
             ("Keep your own sign-off", "Tell it how you sign off; the default sounds like a "
              "robot and customers notice."),
             ("A follow-up that promised a discount", "It turned 'we might look at pricing' "
              "into 'we will offer 10%'. Read before sending.")),
        Task("call prep", "ChatGPT Enterprise", 20,
             "I have a call with a {role} at a {industry} company. List the five questions most "
             "likely to come up and a two-line answer for each, in plain language.",
             "The objection I'd never handled came up and I had an answer ready.",
             ("Role-play the hard customer", "Ask it to play a sceptical CFO and push back. "
              "Ten minutes of that beats an hour of reading."),
             ("Made-up case studies", "It cited a customer success story we do not have. Only "
              "give it our real references.")),
        Task("CRM notes", "Copilot", 10,
             "Turn these rough call notes into CRM fields: next step, decision maker, budget, "
             "timeline, risks. Leave a field empty if the notes do not say.",
             "My pipeline notes are actually complete now.",
             ("Say 'leave it empty'", "Without that line it fills every field with guesses."),
             ("Guessed budget in the CRM", "It filled 'budget: £50k' from nothing. My manager "
              "forecast on it. Awkward.")),
    ),
    "support": (
        Task("ticket replies", "Copilot", 8,
             "Draft a reply to this ticket using the knowledge-base article below. Acknowledge "
             "the problem, give the steps, offer a call if it still fails. Warm, not grovelling.",
             "First replies go out in minutes, and they are kinder than mine at 5 pm.",
             ("Paste the article, not the link", "It cannot open our knowledge base; pasting the "
              "article text stops it making up steps."),
             ("Steps for the wrong version", "It gave steps for the old admin screen. Customers "
              "on the new one were lost. Say which version.")),
        Task("knowledge base articles", "ChatGPT Enterprise", 40,
             "Turn these five solved tickets into one knowledge-base article: symptom, cause, "
             "fix in numbered steps, when to escalate. Remove every customer detail.",
             "Five repeat tickets became one article, and the repeats stopped.",
             ("Remove customer details first", "The guardrails catch emails and phone numbers, "
              "but names you have to remove yourself."),
             ("An article with a customer's name in it", "I missed one name in the tickets and "
              "it went into a public draft. Caught in review.")),
        Task("ticket triage", "Claude", 15,
             "Classify each ticket below as bug, how-to, billing or feature request, with "
             "urgency 1-3 and a one-line reason. Output a table.",
             "Monday's backlog was sorted before the stand-up.",
             ("Give it three examples per class", "Accuracy went up noticeably once I pasted "
              "three labelled examples for each category."),
             ("Urgent ticket marked low", "A polite customer with an outage got urgency 3. "
              "Tone is not severity; we still skim every 'low'.")),
        Task("translating replies", "ChatGPT Enterprise", 10,
             "Translate this reply into {language}, keeping product names in English and the "
             "tone informal. Then back-translate it so I can check the meaning.",
             "Our Lisbon customers get replies in Portuguese without waiting for the team.",
             ("Ask for a back-translation", "It is the cheapest way to catch a meaning that "
              "drifted."),
             ("Formal where we are informal", "It used the very formal address in German and "
              "the customer thought we were annoyed.")),
    ),
    "operations": (
        Task("supplier comparisons", "Copilot", 40,
             "Compare the three supplier quotes below on price, delivery, terms and risks. "
             "Table first, then a recommendation with the one thing to negotiate.",
             "The comparison table for the laptop refresh took half an hour, not half a day.",
             ("Paste the quotes as text", "PDF tables come out scrambled; copy the text and it "
              "reads them fine."),
             ("It swapped two prices", "In a long comparison it put supplier B's price under "
              "A. Check the numbers against the quotes.")),
        Task("process documentation", "ChatGPT Enterprise", 60,
             "Write a step-by-step procedure from this screen-recording transcript. Numbered "
             "steps, who does what, and a 'what can go wrong' list at the end.",
             "The onboarding checklist nobody had time to write now exists.",
             ("Record yourself doing it", "I talk through the process while doing it and paste "
              "the transcript. Much faster than writing it down."),
             ("A step that never existed", "It added an approval step we do not have because "
              "'most companies have one'.")),
        Task("spreadsheet formulas", "Copilot", 20,
             "Write an Excel formula that {goal}. Column A holds dates, B amounts, C the cost "
             "centre. Explain the formula in one sentence.",
             "A lookup I used to rebuild every month is now one formula.",
             ("Describe the columns", "Name every column and what is in it; the formulas come "
              "back right the first time."),
             ("Formula that broke on blanks", "Worked on the sample, returned #N/A on the real "
              "sheet because of empty rows.")),
        Task("meeting notes", "Copilot", 15,
             "From this meeting transcript, list decisions, actions with owners and dates, and "
             "open questions. Nothing else.",
             "Actions go out right after the meeting, and people do them.",
             ("Ask for decisions first", "Decisions and owners first, discussion last; people "
              "actually read them."),
             ("Actions given to the wrong person", "Two Sams in the meeting; it gave my actions "
              "to the other one.")),
    ),
    "marketing": (
        Task("campaign copy", "ChatGPT Enterprise", 30,
             "Write five subject lines and two email bodies for {campaign}, audience {audience}. "
             "Brand voice: plain, warm, no exclamation marks.",
             "We tested eight subject lines instead of two, and the winner beat our usual rate.",
             ("Paste the brand voice page", "With our voice guide pasted in, the drafts need "
              "far less editing."),
             ("Claims we cannot make", "It wrote 'the fastest platform on the market'. Legal "
              "would not have loved that.")),
        Task("content briefs", "Claude", 30,
             "Draft a content brief for an article on {topic}: audience, angle, outline, three "
             "sources to check, and what we should not say.",
             "Briefs for the quarter's articles were done in a morning.",
             ("Ask what not to say", "The 'what we should not say' section saves a round with "
              "legal."),
             ("Sources that do not exist", "Two of the three 'sources' were made up. Check "
              "every link.")),
        Task("survey analysis", "ChatGPT Enterprise", 60,
             "Group these open survey answers into themes. For each theme: a name, how many "
             "answers, two representative quotes. Flag anything surprising.",
             "Nine hundred open answers, themed in an hour instead of three days.",
             ("Count the themes yourself", "Ask for the answer numbers per theme so you can "
              "spot-check the counts."),
             ("Themes that were too neat", "It merged complaints about price and about value "
              "into one theme and we nearly missed the pricing issue.")),
        Task("social posts", "Copilot", 15,
             "Turn this blog post into three LinkedIn posts of different lengths, each with one "
             "clear takeaway. No hashtags in the middle of sentences.",
             "One article now feeds a week of posts.",
             ("Give it your best past post", "Pasting a post that did well teaches it the "
              "style better than any description."),
             ("Same joke three times", "All three posts opened with the same pun.")),
    ),
    "finance": (
        Task("variance commentary", "Copilot", 45,
             "Here is the budget versus actuals table. Write the variance commentary: the three "
             "largest variances, likely reasons to check, one line each. No speculation as fact.",
             "Month-end commentary was drafted before lunch on day two.",
             ("Ask for 'reasons to check'", "Phrase it as questions to check, not answers; it "
              "stops presenting guesses as facts."),
             ("A variance with the sign flipped", "It called an underspend an overspend. Check "
              "every sign.")),
        Task("invoice chasers", "Copilot", 10,
             "Write a polite reminder for an invoice overdue by {days} days. Mention the invoice "
             "number and amount, offer to help if something is blocking payment.",
             "Chasers that get paid, without me writing each one.",
             ("Three tones, escalating", "I keep three versions: friendly, firm, final. It "
              "adapts them to each customer in seconds."),
             ("Chaser sent to a paid invoice", "It was my list that was out of date, not the "
              "tool. Check the ledger first.")),
        Task("spreadsheet formulas", "Copilot", 20,
             "Write an Excel formula that {goal}. Explain it in one sentence and give a test "
             "case I can check by hand.",
             "The accruals workbook lost three manual steps.",
             ("Ask for a hand-checkable test", "A test case you can work out on paper catches a "
              "wrong formula immediately."),
             ("Wrong rounding", "It used ROUND where we need ROUNDDOWN for VAT. Pennies, but "
              "auditors notice.")),
        Task("board pack summaries", "Claude", 60,
             "Summarise this finance section of the board pack in one page: headline numbers, "
             "what changed since last quarter, risks. Keep every number exactly as given.",
             "The one-page summary the CFO asked for took an hour.",
             ("'Keep every number exactly'", "Without that line it rounded figures and changed "
              "meanings."),
             ("A rounded number in a board summary", "£1.96m became 'about £2m' and someone "
              "asked why it did not match.")),
    ),
    "hr": (
        Task("job descriptions", "ChatGPT Enterprise", 40,
             "Write a job description for a {role}: purpose, five responsibilities, must-haves "
             "versus nice-to-haves, and inclusive language throughout.",
             "Job descriptions are out in a day, and more women applied to the last two.",
             ("Separate must-haves", "Asking for must-haves versus nice-to-haves keeps the list "
              "short, which widens the pool."),
             ("Requirements we never asked for", "It added 'degree required' to a role where "
              "we deliberately do not require one.")),
        Task("interview questions", "Copilot", 20,
             "Suggest six structured interview questions for a {role}, each with what a strong "
             "answer includes. Behavioural, not hypothetical.",
             "Interview panels now use the same questions and scoring.",
             ("Ask what a strong answer includes", "The scoring guide is the useful part; the "
              "questions alone are generic."),
             ("A question we cannot ask", "One question touched on family plans. Always review "
              "with the people team.")),
        Task("policy FAQs", "Claude", 30,
             "From the policy below, write an FAQ of the ten questions employees ask most, "
             "answering only from the policy and quoting the section number.",
             "The parental leave FAQ cut our inbox questions by half.",
             ("Make it quote section numbers", "Every answer points at the policy, so people "
              "trust it and we can check it."),
             ("An answer from another company's policy", "Asked about carry-over days, it "
              "answered from general knowledge, not our policy.")),
        Task("survey comments", "ChatGPT Enterprise", 60,
             "Group these engagement survey comments into themes, with counts and two quotes "
             "each. Do not include anything that could identify a person.",
             "Engagement comments themed in an afternoon, anonymity kept.",
             ("Remove names before pasting", "The guardrails flag emails; names and small-team "
              "details you must remove yourself."),
             ("A quote that identified someone", "A quote mentioned a team of three. We caught "
              "it; now we check every quote.")),
    ),
    "legal": (
        Task("contract summaries", "Claude", 40,
             "Summarise this contract: parties, term, renewal, liability cap, termination "
             "rights, anything unusual. Quote the clause numbers.",
             "First-pass contract summaries in minutes; I spend my time on the odd clauses.",
             ("Always ask for clause numbers", "You can check every statement against the "
              "document in seconds."),
             ("It missed an auto-renewal", "The renewal was in a schedule, not the main body. "
              "Paste the schedules too.")),
        Task("clause comparisons", "Copilot", 30,
             "Compare the customer's limitation of liability clause with our standard one. "
             "List the differences and rate each as acceptable, negotiate or escalate.",
             "Redline prep for standard deals takes a third of the time.",
             ("Give it our playbook", "With our negotiation playbook pasted in, the ratings "
              "match what we would say."),
             ("Called an uncapped indemnity 'standard'", "It was not. We always escalate "
              "those; it does not know our risk appetite.")),
        Task("regulation digests", "ChatGPT Enterprise", 45,
             "Summarise what this new regulation requires of a company like ours, with "
             "deadlines, and list the open questions for outside counsel.",
             "A first read of the new rules, ready for the team meeting.",
             ("Ask for open questions", "The list of open questions is the useful output; the "
              "summary you have to verify anyway."),
             ("Out-of-date rules", "It summarised the draft, not the final text. Paste the "
              "final text.")),
    ),
    "executive": (
        Task("board updates", "Copilot", 60,
             "Draft a one-page board update from these team updates: three wins, two risks, one "
             "decision needed. Plain language, no adjectives.",
             "The monthly board update took me forty minutes instead of a Sunday afternoon.",
             ("Ask for 'no adjectives'", "It removes the spin, which the board appreciates."),
             ("A win that was a plan", "It turned a team's plan into a delivered result. I "
              "check every win now.")),
        Task("all-hands talking points", "ChatGPT Enterprise", 30,
             "Turn these notes into talking points for a 10-minute all-hands: what we did, what "
             "we learned, what is next. Human, short sentences.",
             "I shared how I prepare the all-hands with it, so people see I use it too.",
             ("Say what you tried", "People asked more questions after I told them exactly how "
              "I used it, including what went wrong."),
             ("Sounded like a press release", "The first draft was so polished nobody would "
              "have believed I wrote it. Asked for plainer.")),
    ),
}  # fmt: skip
TASKS["other"] = TASKS["operations"]

WIN_TITLES = (
    "{Task} in {a} minutes instead of {b}",
    "{Task}: {tool} does the first draft now",
    "How I stopped dreading {task}",
    "{a} minutes a week back on {task}",
)
PROMPT_TITLES = (
    "My {task} prompt",
    "A {task} prompt that works",
    "{Task} prompt, tested on real work",
    "{Task}: the prompt I use every week",
)
WIN_BODY = (
    "{win} I use {tool} for {task}: I give it {input} and ask for exactly what I need. "
    "It saves me about {m} minutes each time.\n\n**What made the difference:** {tip}"
)
PROMPT_BODY = (
    "I have used this for {task} for a few weeks. {win}\n\nChange the parts in braces. {tip}"
)
INPUTS = (
    "my rough notes",
    "the source material",
    "last week's version",
    "a short description and an example",
    "the raw export",
)

QUESTIONS: dict[int, tuple[tuple[str, str], ...]] = {
    1: (
        ("What is Copilot actually good for in {dept}?", "I keep hearing about it but I do not "
         "know where to start. What do people in {dept} use it for?"),
        ("Is ChatGPT Enterprise the same as the public ChatGPT?", "Is our data kept separate? "
         "I do not want to paste anything I should not."),
        ("What does 'agent' mean in our AI tools?", "The release notes mention agents. Is that "
         "different from chatting with it?"),
        ("Which AI tool should I use for what?", "We seem to have three of them. Is there a "
         "simple rule?"),
    ),
    2: (
        ("How do I get a Copilot licence?", "I am in {dept}. Who do I ask, and how long does it "
         "take?"),
        ("Can contractors use ChatGPT Enterprise?", "We have two contractors on the team who "
         "would benefit. Are they allowed?"),
        ("Who approves access to Claude for {dept}?", "A colleague in another department has "
         "it. What is the process for us?"),
        ("Why can I not see Copilot in Outlook?", "My licence shows as active but the button "
         "is missing."),
    ),
    3: (
        ("How do I get {tool} to do {task} in our template?", "It keeps ignoring our format. "
         "Has anyone found a prompt that sticks to a template?"),
        ("How do I stop {tool} making things up for {task}?", "Twice now it has invented "
         "details. What do you do to keep it honest?"),
        ("How do I use {tool} for {task} with long documents?", "It seems to forget the start "
         "of the document. Any tricks?"),
        ("How do I get access to the numbers behind {tool}'s summary of {task}?", "It gives me "
         "a neat summary, but I need the figures it used. Can I get it to list them?"),
        ("What is the best prompt for {task}?", "Mine works half the time. What do you paste "
         "in, and in what order?"),
        ("How do I make {tool} use our glossary for {task}?", "It keeps using words our "
         "clients never use."),
        ("Can {tool} compare two versions of a document for {task}?", "I want the changes "
         "listed, not a rewrite."),
        # phrased so that the classifier often misjudges it: the champions correct those
        ("Which {tool} settings work best for {task}?", "Long or short answers, one chat or a "
         "new one each time?"),
    ),
    4: (
        ("Has anyone built an agent that does {task} end to end?", "I want it to gather the "
         "inputs, draft, and file the result for review. Is that possible with what we have?"),
        ("Could we connect {tool} to our ticketing system for {task}?", "Nobody seems to have "
         "tried it here. Who would I talk to about the integration and the data rules?"),
        ("Can we build a shared assistant for {dept} that knows our playbook?", "A single "
         "assistant with our documents so new joiners get consistent answers. Has anyone "
         "tried this?"),
        ("Could {tool} watch our shared inbox and draft replies for {task}?", "Nobody here has "
         "wired it to a mailbox yet. What would it take, and who signs off on the data?"),
        ("Has anyone chained {tool} to our data warehouse for {task}?", "A pipeline that pulls "
         "the numbers, writes the commentary and flags anomalies before anyone asks."),
        ("What would it take to give an agent our API key and let it run {task} overnight?",
         "Read-only first. Has anyone in {dept} tried anything like it?"),
    ),
}  # fmt: skip
ANSWERS: dict[int, tuple[str, ...]] = {
    1: (
        "Start with the boring, repetitive writing: meeting notes, first drafts, summaries. "
        "The prompt library has a filter for your department.",
        "It is the same model family, but our enterprise workspace keeps data inside our "
        "tenant and nothing is used for training. The tool catalogue says what data is allowed.",
        "Have a look at the wins in the feed from your own team; that is the quickest way to "
        "see what works here.",
    ),
    2: (
        "Request it from the IT portal under 'Software'; approval took two days for me.",
        "Ask your manager to add you to the next rollout wave; the champions in your department "
        "can tell you when that is.",
        "Contractors need a sponsor and the data-handling training first. The IT portal has the "
        "form.",
    ),
    3: (
        "Paste an example of the finished format and say 'follow this format exactly'. It works "
        "far better than describing the format.",
        "Tell it to answer only from what you paste and to say 'not in the source' otherwise. "
        "Then spot-check two facts.",
        "Split the document into sections and ask section by section, then ask for the summary "
        "of the summaries.",
    ),
    4: (
        "Not end to end yet, as far as I know. Talk to the platform team: they are piloting "
        "agents with read-only access first.",
        "Worth raising at the next show-and-tell; the integrations team wants use cases like "
        "this one.",
        "I built a rough version with a shared project and our playbook documents. Happy to "
        "demo it; the hard part was keeping the documents current.",
    ),
}
TRIAL_NOTES = {
    "worked": (
        "Worked first time.",
        "Saved me real time this week.",
        "Adapted the wording slightly, works well.",
        "Using it weekly now.",
        "",
        "",
    ),
    "partly": (
        "Needed a couple of edits for our format.",
        "Good start, but I had to fix some details.",
        "Fine for short inputs, struggles with long ones.",
        "",
    ),
    "didnt": (
        "Did not work with our data, too messy.",
        "Made up details; went back to doing it by hand.",
        "Could not get access to the tool yet.",
    ),
}
ADAPTATION_NOTES = (
    "Adapted for {dept}: shorter, and in our own template.",
    "Same idea, tuned for {dept}'s wording.",
    "Our version for {dept}, with the fields we need.",
)
