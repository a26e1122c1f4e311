"""The vocabulary of reported speech in news English: cue verbs, titles, nouns for people, institutions,
media and works. Word forms, lower-cased (the pipeline has no lemmatizer).
"""

import numpy
from spacy.lang.en.stop_words import STOP_WORDS as SPACY_STOP_WORDS
from spacy.strings import get_string_id

# Word forms (the lemmatizer is excluded from the pipeline) of verbs that introduce reported speech.
SPEECH_LEMMAS = (
    "say tell add write state note stress warn insist explain argue claim declare announce ask reply "
    "respond conclude remark comment observe acknowledge admit concede confirm deny assert contend "
    "emphasize emphasise suggest recall predict urge call describe accuse vow pledge promise tweet post "
    "joke quip shout yell whisper testify complain lament boast caution reiterate underline underscore "
    "highlight maintain counter retort affirm hail tout praise criticize criticise condemn blast slam "
    "point agree threaten demand repeat continue recount report reveal disagree object brag plead mention "
    "indicate signal concur opine editorialize editorialise put find speak talk liken mock dismiss retaliate "
    "gush interject quote question fume bark muse proclaim snap scoff rail chide scold gripe sneer wonder "
    "exclaim crow rant grumble react cry shoot fire hit lash go"
).split()
# Verbs that report speech only with their particle: "shot back", "fired back", "lashed out", "went on about".
SPEECH_PARTICLES = {"shoot": "back", "fire": "back", "hit": "back", "lash": "out", "go": "on"}
IRREGULAR_FORMS = {
    "said": "say", "says": "say", "told": "tell", "wrote": "write", "written": "write", "writes": "write",
    "writing": "write", "saying": "say", "telling": "tell", "replied": "reply", "replies": "reply",
    "denied": "deny", "denies": "deny", "testified": "testify", "testifies": "testify",
    "found": "find", "finds": "find", "puts": "put", "spoke": "speak", "spoken": "speak", "cried": "cry",
    "cries": "cry", "shot": "shoot", "shoots": "shoot", "hits": "hit", "went": "go", "goes": "go",
}  # fmt: skip
# Verbs whose ccomp we report as indirect speech: the plain reporting verbs only.
INDIRECT_LEMMAS = {
    "say", "tell", "add", "state", "note", "stress", "warn", "insist", "argue", "claim", "declare",
    "announce", "explain", "emphasize", "emphasise", "confirm", "acknowledge", "assert", "contend",
}  # fmt: skip

# Capitalised words that are titles, not names ("Chinese Foreign Minister Wang Yi").
TITLE_WORDS = {
    w.lower()
    for w in (
        "President Vice Prime Minister Foreign Secretary Deputy Chancellor Senator Sen. Rep. Representative "
        "Gov. Governor Mayor Ambassador General Gen. Lt. Col. Colonel Admiral Adm. Spokesman Spokeswoman "
        "Spokesperson Director Chairman Chairwoman Chair CEO Chief Judge Justice Dr. Mr. Mrs. Ms. Dr Mr Mrs Ms Miss Prof. "
        "Professor Coach Captain King Queen Prince Princess Pope Leader Speaker Attorney Commissioner Officer "
        "Minister-Counsellor Press State Defense Defence Interior Finance Security Council Commerce Treasury "
        "Trade Health Justice Homeland Economy Energy Labor Labour Agriculture Education Transportation "
        "Congressman Congresswoman Councilman Councilwoman Councillor Sheriff Superintendent Inspector "
        "Detective Sgt. Sergeant Commander Marshal Premier Lord Lady Sir Dame Rev. Reverend Bishop Cardinal "
        "Rabbi Imam Sheikh Emir Crown Chancellor Manager Executive Founder Owner Editor Analyst Economist "
        "Strategist Minister Secretary-General Head Adviser Advisor Envoy Diplomat Counsel Delegate Lawmaker "
        "Former Acting Interim Assistant Associate Senior Junior U.S. US UN EU NATO White House Kremlin "
        "Republican Democrat Democratic Party Committee State's Top"
    ).split()
}
# What an abbreviated title means, so that "the senator" finds "Sen. Ada Okafor" ("Rep." is a member of a lower
# house: "the congresswoman", "the lawmaker").
TITLE_ABBREVIATIONS = {
    "sen.": ("senator", "lawmaker"),
    "rep.": ("representative", "congressman", "congresswoman", "lawmaker"),
    "gov.": ("governor",),
    "gen.": ("general",),
    "lt.": ("lieutenant",),
    "col.": ("colonel",),
    "adm.": ("admiral",),
    "capt.": ("captain",),
    "sgt.": ("sergeant",),
    "cmdr.": ("commander",),
    "det.": ("detective",),
    "insp.": ("inspector",),
    "supt.": ("superintendent",),
    "amb.": ("ambassador",),
    "atty.": ("attorney",),
    "sec.": ("secretary",),
    "pres.": ("president",),
    "prof.": ("professor",),
    "dr.": ("doctor",),
    "rev.": ("reverend",),
}
# Lower-case nouns that describe a person ("a Chinese official", "Kremlin spokesman").
PERSON_NOUNS = {
    "spokesman", "spokeswoman", "spokesperson", "official", "minister", "president", "secretary", "diplomat",
    "ambassador", "envoy", "senator", "lawmaker", "governor", "mayor", "chancellor", "leader", "chairman",
    "chairwoman", "chair", "director", "adviser", "advisor", "aide", "analyst", "economist", "expert",
    "professor", "coach", "captain", "player", "striker", "manager", "executive", "ceo", "founder",
    "representative", "representatives", "officer", "general", "commander", "judge", "lawyer", "attorney",
    "prosecutor", "doctor", "nurse", "scientist", "researcher", "witness", "resident", "source", "sources",
    "officials", "candidate", "nominee", "congressman", "congresswoman", "premier", "king", "queen",
    "prince", "chief", "head", "deputy", "negotiator", "strategist", "pollster", "activist", "author",
    "veteran", "teacher", "student", "mother", "father", "woman", "man", "owner", "worker", "member",
    "counsel", "delegate", "commissioner", "sheriff", "detective", "inspector", "superintendent",
    "host", "anchor", "correspondent", "columnist", "commentator", "contributor", "editor",
}  # fmt: skip
INSTITUTION_NOUNS = {
    "ministry", "department", "government", "administration", "kremlin", "pentagon", "agency", "office",
    "commission", "committee", "council", "court", "police", "army", "military", "company", "firm",
    "bank", "party", "campaign", "embassy", "consulate", "house", "senate", "congress", "parliament",
    "cabinet", "board", "union", "association", "organization", "organisation", "group", "team", "club",
    "league", "federation", "university", "institute", "foundation", "authority", "authorities",
    "service", "force", "bureau", "corporation", "inc", "inc.", "corp", "corp.", "ltd", "fund", "nato",
    "un", "eu", "who", "fbi", "cia", "white", "beijing", "moscow", "washington", "tehran", "kyiv",
    "secretariat", "regulator", "watchdog", "prosecutors", "spokespeople", "center", "centre", "college",
    "school", "museum", "library", "hospital", "clinic",
}  # fmt: skip
# News organisations known by name: in datelines ("MOSCOW (TASS) —") and as relays ("according to TASS",
# "told CNN"), which pass on someone else's words.
OUTLET_NAMES = (
    "Reuters", "AP", "Associated Press", "AFP", "Agence France-Presse", "RT", "TASS", "RIA Novosti",
    "Interfax", "Sputnik", "Xinhua", "Bloomberg", "BBC", "CNN", "UPI", "dpa", "ANSA", "EFE", "Kyodo",
    "Yonhap", "ANI", "PTI", "IANS", "Anadolu", "Al Jazeera", "NPR", "PBS", "CBS", "NBC", "ABC", "CNBC",
    "MSNBC", "ESPN", "Fox News", "Ukrinform", "Global Times", "CGTN", "NHK", "TVN", "DW", "France 24",
    "Euronews", "Politico", "Axios", "Semafor", "Vox", "Bernama", "Antara", "Kyiv Independent", "Meduza",
    "Newsweek",
)  # fmt: skip
# Single words that name an outlet wherever they stand in a phrase ("a Reuters reporter", "Fox host").
MEDIA_NAMES = {name.casefold() for name in OUTLET_NAMES if " " not in name} | {
    "fox", "ria", "aljazeera", "ifax",  # "Fox News", "RIA Novosti", spellings of "Al Jazeera", "Interfax"
}  # fmt: skip
# Negations, as written ("n't") and as matching's normal form spells contractions ("dont"): "no limits" and
# "limits" are different claims.
NEGATIONS = frozenset(
    "no not never cannot cant nor non none nothing nobody neither without n't dont doesnt didnt wont isnt "
    "arent wasnt werent couldnt shouldnt wouldnt".split()
)
# Contractions said in full, for comparing renderings ("we're" ~ "we are"): the clitics, then the words whose
# stem changes. "'d" (had or would) stays as written.
CLITICS = {"'re": "are", "'m": "am", "'ll": "will", "'ve": "have", "'s": "is", "n't": "not"}
CONTRACTED_WORDS = {
    "can't": "can not", "cannot": "can not", "won't": "will not", "shan't": "shall not", "ain't": "is not",
    "let's": "let us", "gonna": "going to", "wanna": "want to", "gotta": "got to",
}  # fmt: skip
# Words that say nothing about what a text is about (a title against its story): spaCy's English stop words and
# the verbs of reporting. Matching keeps its own list (negations and numbers count there) and so does diff.
STOP_WORDS = frozenset(SPACY_STOP_WORDS) | {"said", "says"}
# An outlet's speech verb with no other speaker in the sentence gives its own words ("the Times wrote",
# "the paper calls it “…”"), except these verbs, which pass on someone else's ("the Post quoted an aide") or
# are said to it ("told AFP", parsed with the outlet as subject).
RELAY_LEMMAS = {"quote", "cite", "relay", "carry", "tell", "speak", "talk"}
MEDIA_NOUNS = {
    "agency", "newspaper", "television", "tv", "radio", "broadcaster", "network", "channel", "outlet",
    "daily", "magazine", "website", "journal", "times", "post", "news", "press", "gazette", "herald",
    "tribune", "telegraph", "guardian", "reporter", "reporters", "journalists", "media", "paper",
    "podcast", "newswire", "wire", "program", "programme", "show", "interview", "broadcast", "tabloid",
}  # fmt: skip
# The press as an audience, no outlet: "she told reporters" names no relay.
PRESS_AUDIENCE = {"reporters", "journalists", "media", "press", "newsmen", "correspondents"}
# "the company said": a generic noun that stands for the organisation the article just named.
ORGANISATION_NOUNS = {
    "company", "firm", "bank", "group", "club", "team", "carrier", "airline", "retailer", "automaker",
    "startup", "manufacturer", "giant", "lender", "insurer", "organization", "organisation", "charity",
    "union", "league", "federation", "university", "hospital", "school", "network", "conglomerate",
}  # fmt: skip
STATEMENT_NOUNS = {
    "statement", "communique", "communiqué", "report", "letter", "declaration", "release", "post", "tweet",
    "message", "transcript", "readout", "memo", "filing", "document", "note", "notice", "announcement",
    "study", "audit", "survey", "review", "inquiry", "investigation", "analysis", "assessment",
    "ad", "advertisement", "commercial", "email", "e-mail", "video", "op-ed", "column", "editorial",
    "response", "reply", "answer", "remarks", "comments", "speech", "words",
}  # fmt: skip
# A quote right after these names something ("the so-called “Iron Curtain”"): nobody is reported saying it.
NAMING_WORDS = (
    "so-called",
    "dubbed",
    "nicknamed",
    "titled",
    "entitled",
    "headlined",
    " named",
    "hashtag",
    "slogan",
)
# Works and labels: a quote hanging on one of these nouns is a title ("her memoir, “Becoming”").
WORK_NOUNS = {
    "book", "novel", "film", "movie", "song", "album", "series", "show", "documentary", "play", "essay",
    "op-ed", "podcast", "poem", "column", "memoir", "headline", "banner", "motto", "brand", "exhibition",
    "episode", "opera", "musical", "term", "word", "phrase", "slogan", "hashtag", "label", "nickname", "title",
    "campaign", "program", "programme", "operation", "project", "initiative", "plan", "doctrine", "policy",
}  # fmt: skip
FEMALE_WORDS = {"she", "her", "mrs.", "ms.", "mrs", "ms", "miss", "spokeswoman", "chairwoman", "congresswoman", "woman",
                "queen", "princess", "mother", "wife", "actress", "madam", "lady", "dame", "businesswoman"}  # fmt: skip
MALE_WORDS = {"he", "him", "his", "mr.", "mr", "spokesman", "chairman", "congressman", "man", "king", "prince",
              "father", "husband", "actor", "sir", "lord", "businessman"}  # fmt: skip
SPEECH_SET = set(SPEECH_LEMMAS)
PERSONISH_IDS = numpy.array(
    [get_string_id(w) for w in TITLE_WORDS | PERSON_NOUNS], dtype=numpy.uint64
)  # LOWER hashes, to filter token arrays
NAME_PARTICLES = {"von", "van", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "bin", "al", "ibn",
                  "ben", "dos", "das", "y", "ter", "zu"}  # fmt: skip
# Pronouns that speak for nobody in particular ("Someone called it a “quiet revolution”"): a description,
# never the last person named.
INDEFINITE_PRONOUNS = {
    "someone", "somebody", "anyone", "anybody", "everyone", "everybody", "nobody", "one", "another", "others",
    "some", "many", "few", "several", "most", "all", "both",
}  # fmt: skip
RELATIVE_PRONOUNS = {"that", "which", "who", "whom"}
SUBJECT_DEPS = ("nsubj", "nsubjpass")
QUOTE_MARKS = "\"'“”‘’„‚«»‹›"
EDGE_PUNCT = " ,;:.!?—–-" + QUOTE_MARKS
SHORT_QUOTE_WORDS = 3
