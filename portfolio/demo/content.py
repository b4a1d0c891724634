"""The words and facts of the demo site, kept apart from the code that loads them.

Facts, figures and names come from Breast Cancer Now's public pages on
secondary breast cancer research; every sentence is written afresh for this
site. Quotes from named researchers are paraphrases and say so in their
`context`, because a visitor must never take our wording for theirs.

Rich text may link to demo pages with `<a page="KEY">`, where KEY is a key
of `PAGE_KEYS`; the loader swaps in Wagtail's page-link markup once the
pages exist.
"""

import datetime
from decimal import Decimal

DEMO_SEED = 1160558
GENERATED_PROJECT_COUNT = 45
SITE_NAME = "Breast Cancer Now research"
DONATE_URL = "https://breastcancernow.org/donate"
BCN_URL = "https://breastcancernow.org/"

# Image keys used below -> (title, alt text). Titles are the images' stable keys.
HERO_IMAGES = {
    "home": (
        "Home hero: cells in soft pink light",
        "Abstract illustration of rounded cells drifting through soft pink light.",
    ),
    "strategy": (
        "Strategy hero: clusters of cells",
        "Abstract illustration of clustered pink cells on a pale background.",
    ),
    "olaparib": (
        "Achievement: olaparib",
        "Abstract illustration of pink cells, one of them outlined more sharply than the rest.",
    ),
    "arthritis-drugs": (
        "Achievement: arthritis drugs and bone",
        "Abstract illustration of cells gathered at the edge of a soft pink shape.",
    ),
    "molecular-clock": (
        "Achievement: molecular clock blood test",
        "Abstract illustration of small pink cells scattered across a pale background.",
    ),
}

PAGE_KEYS = (
    "home",
    "research",
    "achievements",
    "stories",
    "strategy",
    "about-secondary-breast-cancer",
    "accessibility",
    "privacy",
)

THEMES = [
    {
        "slug": "brain",
        "name": "Spread to the brain",
        "appeal_heading": "Fund research into breast cancer in the brain",
        "appeal_text": "Your gift helps researchers find treatments that can reach breast "
        "cancer in the brain.",
        "appeal_button_label": "Donate to this research",
        "short_description": "How breast cancer reaches and grows in the brain, and how to treat "
        "it there.",
        "introduction": "<p>When breast cancer spreads to the brain it is among the hardest forms "
        "of the disease to treat, partly because a natural barrier keeps many medicines out. "
        "Our researchers are learning what lets cancer cells survive in the brain so that they "
        "can be stopped.</p>",
    },
    {
        "slug": "bone",
        "name": "Spread to the bone",
        "appeal_heading": "Fund research into spread to the bone",
        "appeal_text": "Your gift helps researchers learn how to stop breast cancer taking hold "
        "in the bone.",
        "appeal_button_label": "Donate to this research",
        "short_description": "Why the skeleton is the most common place for breast cancer to "
        "spread, and how to prevent it.",
        "introduction": "<p>Bone is where secondary breast cancer most often appears. Projects "
        "in this theme look at how cancer cells hide in the bone marrow, what wakes them up, and "
        "whether existing medicines could keep them asleep.</p>",
    },
    {
        "slug": "liquid-biopsy",
        "name": "Liquid biopsy",
        "short_description": "Blood tests that read tumour DNA to spot spread early and follow "
        "treatment.",
        "introduction": "<p>Tumours release fragments of their DNA into the blood. Reading them "
        "could warn that cancer is about to spread, show which tumours are growing fastest, and "
        "tell doctors early when a treatment has stopped working.</p>",
    },
    {
        "slug": "clinical-trials",
        "name": "Clinical trials",
        "short_description": "Testing new treatments and combinations with people who have "
        "secondary breast cancer.",
        "introduction": "<p>Laboratory discoveries only help people once they have been tested "
        "in clinical trials. We fund trials of new drugs and of better ways to use existing "
        "ones, and we champion trial designs that bring answers sooner.</p>",
    },
    {
        "slug": "cancer-stem-cells",
        "name": "Cancer stem cells",
        "short_description": "The small group of tumour cells thought to seed new tumours "
        "elsewhere in the body.",
        "introduction": "<p>Some cells inside a breast tumour seem able to travel and start new "
        "tumours far away. Our researchers are working out what makes these cancer stem cells "
        "different, and how to stop them in their tracks.</p>",
    },
    {
        "slug": "immune-microenvironment",
        "name": "Immune system and tumour environment",
        "short_description": "How healthy cells, from immune cells to blood vessel linings, help "
        "or hinder spread.",
        "introduction": "<p>Cancer cells rely on the healthy cells around them. Immune cells, "
        "supporting tissue and the cells that line blood vessels can all help a tumour spread, "
        "and could be turned into allies that slow it down.</p>",
    },
    {
        "slug": "lobular",
        "name": "Lobular breast cancer",
        "appeal_heading": "Fund research into lobular breast cancer",
        "appeal_text": "Your gift supports research and trials designed around lobular breast "
        "cancer.",
        "appeal_button_label": "Donate to this research",
        "short_description": "A common type of breast cancer that behaves differently and needs "
        "its own research.",
        "introduction": "<p>Lobular breast cancer grows in a distinctive way, can spread to "
        "unusual parts of the body and sometimes comes back many years later. Research "
        "designed around its biology is starting to reveal weak spots that drugs can "
        "target.</p>",
    },
    {
        "slug": "treatment-resistance",
        "name": "Treatment resistance",
        "short_description": "Why treatments stop working, and how to stay one step ahead of the "
        "cancer.",
        "introduction": "<p>Medicines for secondary breast cancer often work well at first, "
        "but the cancer can adapt. Understanding how it escapes lets researchers design "
        "combinations and sequences that keep it under control for longer.</p>",
    },
    {
        "slug": "imaging",
        "name": "Imaging and monitoring",
        "short_description": "Scans that show sooner and more clearly whether treatment is "
        "working.",
        "introduction": "<p>People with secondary breast cancer can spend months on a "
        "treatment before scans show whether it is helping. Better imaging could give that "
        "answer within weeks, especially in bone, where standard scans are hard to read.</p>",
    },
    {
        "slug": "tissue-samples",
        "name": "Tissue and blood samples",
        "short_description": "Collecting samples, with consent, that make research on secondary "
        "breast cancer possible.",
        "introduction": "<p>Samples of secondary tumours and blood are essential to research, "
        "yet very few exist. With the consent of patients and their families we support the "
        "collection of tissue alongside a record of the treatments each person received.</p>",
    },
]

# org-id identifiers: GB-CHC (Charity Commission) where the institution is a
# registered charity, otherwise GB-UKPRN (UK Register of Learning Providers).
INSTITUTIONS = [
    {
        "slug": "institute-of-cancer-research",
        "name": "The Institute of Cancer Research, London",
        "city": "London",
        "region": "london",
        "website": "https://www.icr.ac.uk/",
        "org_id": "GB-CHC-534147",
    },
    {
        "slug": "rcsi",
        "name": "RCSI University of Medicine and Health Sciences",
        "city": "Dublin",
        "region": "outside-uk",
        "country": "IE",
        "website": "https://www.rcsi.com/",
        "org_id": "",
    },
    {
        "slug": "kings-college-london",
        "name": "King's College London",
        "city": "London",
        "region": "london",
        "website": "https://www.kcl.ac.uk/",
        "org_id": "GB-UKPRN-10003645",
    },
    {
        "slug": "royal-marsden",
        "name": "The Royal Marsden NHS Foundation Trust",
        "city": "London",
        "region": "london",
        "website": "https://www.royalmarsden.nhs.uk/",
        "org_id": "",
    },
    {
        "slug": "barts-cancer-institute",
        "name": "Barts Cancer Institute, Queen Mary University of London",
        "city": "London",
        "region": "london",
        "website": "https://www.bartscancer.london/",
        "org_id": "GB-UKPRN-10007775",
    },
    {
        "slug": "university-of-sheffield",
        "name": "University of Sheffield",
        "city": "Sheffield",
        "region": "yorkshire",
        "website": "https://www.sheffield.ac.uk/",
        "org_id": "GB-UKPRN-10007157",
    },
    {
        "slug": "university-of-leeds",
        "name": "University of Leeds",
        "city": "Leeds",
        "region": "yorkshire",
        "website": "https://www.leeds.ac.uk/",
        "org_id": "GB-UKPRN-10003861",
    },
    {
        "slug": "university-of-manchester",
        "name": "University of Manchester",
        "city": "Manchester",
        "region": "north-west",
        "website": "https://www.manchester.ac.uk/",
        "org_id": "GB-UKPRN-10007798",
    },
    {
        "slug": "newcastle-university",
        "name": "Newcastle University",
        "city": "Newcastle upon Tyne",
        "region": "north-east",
        "website": "https://www.ncl.ac.uk/",
        "org_id": "GB-UKPRN-10007799",
    },
    {
        "slug": "university-of-nottingham",
        "name": "University of Nottingham",
        "city": "Nottingham",
        "region": "east-midlands",
        "website": "https://www.nottingham.ac.uk/",
        "org_id": "GB-UKPRN-10007154",
    },
    {
        "slug": "university-of-birmingham",
        "name": "University of Birmingham",
        "city": "Birmingham",
        "region": "west-midlands",
        "website": "https://www.birmingham.ac.uk/",
        "org_id": "GB-UKPRN-10006840",
    },
    {
        "slug": "university-of-cambridge",
        "name": "University of Cambridge",
        "city": "Cambridge",
        "region": "east",
        "website": "https://www.cam.ac.uk/",
        "org_id": "GB-UKPRN-10007788",
    },
    {
        "slug": "university-of-southampton",
        "name": "University of Southampton",
        "city": "Southampton",
        "region": "south-east",
        "website": "https://www.southampton.ac.uk/",
        "org_id": "GB-UKPRN-10007158",
    },
    {
        "slug": "university-of-exeter",
        "name": "University of Exeter",
        "city": "Exeter",
        "region": "south-west",
        "website": "https://www.exeter.ac.uk/",
        "org_id": "GB-UKPRN-10007792",
    },
    {
        "slug": "university-of-edinburgh",
        "name": "University of Edinburgh",
        "city": "Edinburgh",
        "region": "scotland",
        "website": "https://www.ed.ac.uk/",
        "org_id": "GB-UKPRN-10007790",
    },
    {
        "slug": "university-of-glasgow",
        "name": "University of Glasgow",
        "city": "Glasgow",
        "region": "scotland",
        "website": "https://www.gla.ac.uk/",
        "org_id": "GB-UKPRN-10007794",
    },
    {
        "slug": "cardiff-university",
        "name": "Cardiff University",
        "city": "Cardiff",
        "region": "wales",
        "website": "https://www.cardiff.ac.uk/",
        "org_id": "GB-UKPRN-10007814",
    },
    {
        "slug": "queens-university-belfast",
        "name": "Queen's University Belfast",
        "city": "Belfast",
        "region": "northern-ireland",
        "website": "https://www.qub.ac.uk/",
        "org_id": "GB-UKPRN-10005343",
    },
]

# The people named on Breast Cancer Now's pages. Roles say only what those
# pages say about them.
RESEARCHERS = [
    {
        "slug": "damir-vareslija",
        "title": "Dr",
        "first_name": "Damir",
        "last_name": "Vareslija",
        "role": "Researcher studying breast cancer spread to the brain",
        "institution": "rcsi",
        "biography": "<p>Dr Vareslija investigates how breast cancer cells make their way to "
        "the brain and survive there, looking for treatments that could stop them.</p>",
    },
    {
        "slug": "nicholas-turner",
        "title": "Professor",
        "first_name": "Nicholas",
        "last_name": "Turner",
        "role": "Leads the ROLO clinical trial",
        "institution": "institute-of-cancer-research",
        "biography": "<p>Professor Turner leads ROLO, a clinical trial of a new targeted "
        "treatment for people with secondary lobular breast cancer.</p>",
    },
    {
        "slug": "gary-cook",
        "title": "Professor",
        "first_name": "Gary",
        "last_name": "Cook",
        "role": "Developing early imaging of treatment response in bone",
        "institution": "kings-college-london",
        "biography": "<p>Professor Cook works on imaging that could show, soon after treatment "
        "starts, whether it is controlling secondary breast cancer in the bone.</p>",
    },
    {
        "slug": "andrew-tutt",
        "title": "Professor",
        "first_name": "Andrew",
        "last_name": "Tutt",
        "role": "Director of the Breast Cancer Now research centre",
        "institution": "institute-of-cancer-research",
        "biography": "<p>Professor Tutt directs Breast Cancer Now's research centre at The "
        "Institute of Cancer Research, London.</p>",
    },
    {
        "slug": "chris-lord",
        "title": "Professor",
        "first_name": "Chris",
        "last_name": "Lord",
        "role": "Led the laboratory study of PARP inhibitors",
        "institution": "institute-of-cancer-research",
        "biography": "<p>Professor Lord led the laboratory work that pointed to PARP inhibitors "
        "such as olaparib as a way to treat cancers with faulty BRCA genes.</p>",
    },
    {
        "slug": "rachael-eyre",
        "title": "Dr",
        "first_name": "Rachael",
        "last_name": "Eyre",
        "role": "Carried out the research on arthritis drugs and bone spread",
        "institution": "university-of-manchester",
        "biography": "<p>Dr Eyre carried out laboratory research showing that drugs used for "
        "arthritis could stop breast cancer spreading to the bone in mice.</p>",
    },
    {
        "slug": "peter-barry",
        "title": "",
        "first_name": "Peter",
        "last_name": "Barry",
        "role": "Led the Breast Cancer Now LEGACY study",
        "institution": "royal-marsden",
        "biography": "<p>Peter Barry led LEGACY, a Breast Cancer Now study whose samples made "
        "the 'molecular clock' blood test possible.</p>",
    },
]

# Invented people who lead the invented projects; no real researcher is
# credited with work they did not do.
SYNTHETIC_RESEARCHERS = [
    ("Dr", "Aisha", "Rahman", "Group leader", "barts-cancer-institute"),
    ("Professor", "Alasdair", "Fraser", "Professor of molecular oncology", "university-of-glasgow"),
    ("Dr", "Bethan", "Morgan", "Senior lecturer in cancer biology", "cardiff-university"),
    ("Dr", "Catriona", "Lennox", "Career development fellow", "university-of-edinburgh"),
    ("Professor", "Ciaran", "Doherty", "Professor of cancer medicine", "queens-university-belfast"),
    ("Dr", "Deepa", "Iqbal", "Reader in translational cancer research", "university-of-leeds"),
    ("Dr", "Eilidh", "Sinclair", "Clinical senior lecturer", "university-of-edinburgh"),
    ("Dr", "Emeka", "Nwosu", "Group leader", "university-of-manchester"),
    ("Professor", "Fiona", "Whitfield", "Professor of breast oncology", "university-of-sheffield"),
    ("Dr", "Gareth", "Vaughan", "Senior research fellow", "cardiff-university"),
    ("Dr", "Hannah", "Underwood", "Career development fellow", "institute-of-cancer-research"),
    ("Dr", "Imran", "Chaudhry", "Consultant medical oncologist", "university-of-birmingham"),
    ("Professor", "Isla", "Campbell", "Professor of cancer imaging", "kings-college-london"),
    ("Dr", "Jonathan", "Hollis", "Senior lecturer in pathology", "university-of-nottingham"),
    ("Dr", "Kavita", "Patel", "Group leader", "university-of-cambridge"),
    ("Dr", "Laura", "Ellison", "Postdoctoral research fellow", "newcastle-university"),
    ("Professor", "Mairead", "Quinn", "Professor of tumour immunology", "university-of-glasgow"),
    ("Dr", "Matthew", "Grant", "Senior lecturer in bone biology", "university-of-sheffield"),
    ("Dr", "Nadia", "Kowalski", "Group leader", "barts-cancer-institute"),
    ("Dr", "Olusegun", "Adeyemi", "Clinical research fellow", "university-of-southampton"),
    ("Professor", "Priya", "Ahmed", "Professor of cancer genomics", "university-of-leeds"),
    ("Dr", "Rhys", "Evans", "Senior research fellow", "university-of-exeter"),
    ("Dr", "Rosalind", "Baird", "Reader in stem cell biology", "university-of-manchester"),
    ("Dr", "Samir", "Brennan", "Clinical senior lecturer", "queens-university-belfast"),
]  # fmt: skip

KEY_PROJECTS = [
    {
        "slug": "how-breast-cancer-spreads-to-the-brain",
        "title": "How breast cancer spreads to the brain",
        "listing_summary": "Finding out what lets breast cancer cells settle in the brain, to "
        "reveal new ways of stopping them.",
        "lay_summary": "<p>Breast cancer that reaches the brain is very difficult to treat, and "
        "doctors have few options to offer. Dr Damir Vareslija's team is studying how cancer "
        "cells travel from the breast to the brain and what helps them survive once they "
        "arrive. Knowing this could open up new treatments that stop the disease spreading "
        "there.</p>",
        "scientific_summary": "<p>Main objectives:</p><ul><li>Compare brain metastases with "
        "matched primary breast tumours to identify the changes that accompany brain "
        "colonisation.</li><li>Test whether blocking the programmes identified reduces growth "
        "of breast cancer in the brain in laboratory models.</li><li>Prioritise drugs able to "
        "cross the blood–brain barrier for future clinical testing.</li></ul>",
        "themes": ["brain", "immune-microenvironment"],
        "lead": "damir-vareslija",
        "institution": "rcsi",
        "award_amount": Decimal("224860.00"),
        "award_date": datetime.date(2022, 11, 21),
        "start_date": datetime.date(2023, 4, 1),
        "end_date": datetime.date(2027, 3, 31),
        "grant_reference": "2022NovPR1564",
        "funding_scheme": "Project Grants",
        "image": "brain",
    },
    {
        "slug": "rolo-trial-secondary-lobular-breast-cancer",
        "title": "ROLO: testing a new drug for secondary lobular breast cancer",
        "listing_summary": "A clinical trial of a targeted drug designed around the biology of "
        "lobular breast cancer.",
        "lay_summary": "<p>Lobular breast cancer is the second most common type of breast "
        "cancer, yet few treatments are designed with it in mind. In the ROLO clinical trial, "
        "Professor Nicholas Turner and colleagues are finding out whether a new drug can help "
        "people whose lobular breast cancer has spread. The drug takes advantage of a "
        "weakness that laboratory research uncovered in lobular cancer cells.</p>",
        "scientific_summary": "<p>Lobular cancer cells lack the adhesion protein E-cadherin. "
        "Laboratory work found that this loss makes them depend on other signals that a "
        "targeted drug can block.</p><ul><li>Assess the activity of the targeted drug, given "
        "with hormone therapy, in secondary lobular breast cancer.</li><li>Measure safety and "
        "how well the treatment is tolerated.</li><li>Look for blood and tissue markers of "
        "who benefits most.</li></ul>",
        "themes": ["lobular", "clinical-trials"],
        "lead": "nicholas-turner",
        "co_investigators": ["chris-lord"],
        "institution": "institute-of-cancer-research",
        "award_amount": Decimal("612500.00"),
        "award_date": datetime.date(2019, 3, 14),
        "start_date": datetime.date(2019, 9, 1),
        "end_date": datetime.date(2027, 6, 30),
        "grant_reference": "BCN-2019-0042",
        "funding_scheme": "Clinical Trials Programme",
        "image": "lobular",
    },
    {
        "slug": "early-imaging-of-treatment-response-in-bone",
        "title": "Seeing early whether treatment is working in bone",
        "listing_summary": "A scan that could show within weeks whether treatment is "
        "controlling secondary breast cancer in the bone.",
        "lay_summary": "<p>When breast cancer has spread to the bone, standard scans can take "
        "months to show whether a treatment is working. Professor Gary Cook is developing a "
        "way of telling much sooner. That could let people switch quickly from a treatment "
        "that is not helping to one that might, and spare them side effects for no "
        "benefit.</p>",
        "scientific_summary": "<p>Main objectives:</p><ul><li>Image people starting treatment "
        "for bone-predominant secondary breast cancer at baseline and early on "
        "treatment.</li><li>Define quantitative measures of early response in bone.</li><li>"
        "Relate early imaging changes to later clinical outcome.</li></ul>",
        "themes": ["bone", "imaging"],
        "lead": "gary-cook",
        "institution": "kings-college-london",
        "award_amount": Decimal("348720.00"),
        "award_date": datetime.date(2021, 11, 18),
        "start_date": datetime.date(2022, 10, 1),
        "end_date": datetime.date(2026, 9, 30),
        "grant_reference": "2021NovPR1390",
        "funding_scheme": "Project Grants",
        "image": "imaging",
    },
]

ACHIEVEMENTS = [
    {
        "key": "olaparib",
        "title": "Olaparib: the first drug approved that targets an inherited gene fault",
        "summary": "<p>Laboratory research at our research centre helped show that cancers "
        "caused by inherited faults in the BRCA genes are vulnerable to drugs called PARP "
        "inhibitors. One of them, olaparib, became available to women with advanced ovarian "
        "cancer linked to a BRCA fault: the first medicine approved that acts against an "
        "inherited genetic change. It is an early example of precision medicine: a treatment "
        "chosen because of a specific flaw in the cancer.</p>",
        "date": datetime.date(2014, 12, 1),
        "kind": "treatment",
        "themes": ["treatment-resistance", "clinical-trials"],
        "researchers": ["andrew-tutt", "chris-lord"],
        "image": "olaparib",
    },
    {
        "key": "arthritis-drugs",
        "title": "Arthritis drugs prevent breast cancer spreading to the bone in mice",
        "summary": "<p>In experiments in mice, medicines normally prescribed for arthritis "
        "stopped breast cancer establishing itself in bone. As the drugs are already licensed, "
        "the researchers expected trials in people to follow within two to three years of the "
        "finding.</p>",
        "date": datetime.date(2019, 11, 1),
        "kind": "discovery",
        "themes": ["bone", "immune-microenvironment"],
        "researchers": ["rachael-eyre"],
        "image": "arthritis-drugs",
    },
    {
        "key": "molecular-clock",
        "title": "A 'molecular clock' blood test that follows tumours around the body",
        "summary": "<p>Using results from the Breast Cancer Now LEGACY study, researchers "
        "built a blood test that acts like a molecular clock, tracking how several tumours in "
        "the body are growing. It could pick out the fastest-growing tumours and help guide "
        "treatment. The test should be sensitive and fairly cheap, as it needs no prior "
        "knowledge of the cancer's genetic make-up, but more development is needed before "
        "it can be used in clinics.</p>",
        "date": datetime.date(2023, 6, 1),
        "kind": "test",
        "themes": ["liquid-biopsy", "tissue-samples"],
        "researchers": ["peter-barry"],
        "image": "molecular-clock",
    },
]

QUOTES = [
    {
        "key": "tutt-olaparib",
        "researcher": "andrew-tutt",
        "achievement": "olaparib",
        "show_on_home": True,
        "context": "Paraphrased from Professor Tutt's comments on the approval of olaparib.",
        "text": "Women with advanced ovarian cancer caused by an inherited BRCA fault can "
        "already be treated with olaparib, and no medicine before it had been approved to "
        "target an inherited genetic change. It shows what becomes possible when we understand a "
        "person's genes and their tumour's biology: we can aim treatment at the cancer's weak "
        "points and tailor it to each patient.",
    },
    {
        "key": "lord-parp",
        "researcher": "chris-lord",
        "achievement": "olaparib",
        "context": "Paraphrased from Professor Lord's comments on the laboratory study of PARP "
        "inhibitors.",
        "text": "What we have found in the lab is very encouraging. The big question now is "
        "whether these drugs can treat breast cancer in women, and the evidence so far makes "
        "it well worth finding out: we cannot wait to test our results in clinical trials.",
    },
    {
        "key": "eyre-bone",
        "researcher": "rachael-eyre",
        "achievement": "arthritis-drugs",
        "context": "Paraphrased from Dr Eyre's comments on the laboratory results with "
        "arthritis drugs.",
        "text": "It is thrilling to see, in the laboratory, that medicines already licensed for "
        "other conditions can stop breast cancer taking hold in bone. We hope clinical trials "
        "will soon show whether the same drugs can help people with breast cancer.",
    },
    {
        "key": "barry-legacy",
        "researcher": "peter-barry",
        "achievement": "molecular-clock",
        "context": "Paraphrased from Peter Barry's comments on the LEGACY study results.",
        "text": "The obvious next step is to try this test in many more patients and find out "
        "how widely it works, in breast cancer and perhaps in other cancers too. We owe this "
        "work to the patients and families who took part so generously, and I am enormously "
        "grateful to them.",
    },
]

AUTHORS = [
    {
        "name": "Research Communications Team",
        "role": "Breast Cancer Now",
        "initials": "RC",
        "is_team": True,
    },
    {
        "name": "Science Information Team",
        "role": "Breast Cancer Now",
        "initials": "SI",
        "is_team": True,
    },
    {
        "name": "Policy and Evidence Team",
        "role": "Breast Cancer Now",
        "initials": "PE",
        "is_team": True,
    },
]

AMBITIONS = [
    {
        "figure": "25%",
        "target": "fewer people develop secondary breast cancer",
        "year": 2025,
        "progress": "The target year has passed, and we cannot yet say whether it was met: the "
        "UK does not routinely record how many people's breast cancer spreads. We are pressing "
        "for that data to be collected so progress can be measured honestly.",
        # The themes that serve it, for the strategy page's figures (not shown on home).
        "themes": ["liquid-biopsy", "cancer-stem-cells", "immune-microenvironment"],
    },
    {
        "figure": "50%+",
        "target": "of people diagnosed with secondary breast cancer survive beyond five years",
        "year": 2030,
        "progress": "Newer treatments are helping many people live longer, but survival is "
        "still well short of this goal. Reaching it will take more trials, better tests and "
        "better data.",
        "themes": ["clinical-trials", "treatment-resistance", "brain", "bone", "lobular"],
    },
]

HOME = {
    "title": "Home",
    "slug": "home",
    "seo_title": "Secondary breast cancer research",
    "search_description": "The secondary breast cancer research funded by Breast Cancer Now: "
    "projects, themes, researchers and results.",
    "mission": "Funding the research that will stop secondary breast cancer taking lives.",
    "introduction": "Secondary breast cancer is breast cancer that has spread from the breast "
    "to other parts of the body. It can be treated, but not yet cured. Here you can explore "
    "the research we fund to understand how it spreads, to prevent it and to treat it better, "
    "and see what that research has already achieved.",
    "key_facts": [
        {
            "figure": "1,000",
            "text": "women in the UK die of secondary breast cancer every month",
            "source": "Breast Cancer Now",
            "source_url": BCN_URL,
        },
        {
            "figure": "150",
            "text": "people in the UK are told they have breast cancer, on an average day",
            "source": "Breast Cancer Now",
            "source_url": BCN_URL,
        },
    ],
    "featured_themes": [
        "brain",
        "bone",
        "liquid-biopsy",
        "lobular",
        "immune-microenvironment",
        "cancer-stem-cells",
    ],
    "donate_heading": "Help us stop secondary breast cancer",
    "donate_text": "Breast cancer now touches more lives than at any time before, with around "
    "150 people in the UK diagnosed each day. Ending deaths from it depends on knowing the "
    "disease far better, and that research is only possible with your support.",
    "donate_button_label": "Donate to research",
}

RESEARCH_INDEX = {
    "title": "Our research",
    "slug": "research",
    "listing_summary": "Every project we fund into secondary breast cancer, by theme, "
    "researcher and institution.",
    "introduction": "<p>Our researchers are working to understand how breast cancer spreads, "
    "to find ways of stopping it, and to develop better treatments and support for people "
    "living with secondary breast cancer. Browse the projects by theme, or search for a "
    "researcher or institution.</p>",
}

ACHIEVEMENT_INDEX = {
    "title": "What our research has achieved",
    "slug": "achievements",
    "listing_summary": "Discoveries, tests and treatments that began with research we funded.",
    "introduction": "<p>Research takes years to reach patients, but it does reach them. These "
    "are some of the results our researchers have delivered on the way to stopping deaths "
    "from breast cancer.</p>",
}

STORY_INDEX = {
    "title": "Stories",
    "slug": "stories",
    "listing_summary": "News and features about the people and research behind our work.",
    "introduction": "News and features about our secondary breast cancer research, and the "
    "people who make it happen.",
}

PRIORITIES = [
    {
        "heading": "Find out who is at risk of their cancer spreading",
        "summary": "<p>We want to spot the people whose breast cancer is likely to spread, early "
        "enough to act. Our researchers are studying tumour DNA in the blood for the first "
        "signs that cancer is about to move, so that treatment could step in and stop it.</p>",
        "themes": ["liquid-biopsy", "treatment-resistance"],
        "project_themes": ["liquid-biopsy"],
    },
    {
        "heading": "Collect the samples that research depends on",
        "summary": "<p>Samples of secondary tumours and blood are essential to research but "
        "scarce. With the agreement of patients and their families, and at a pace that suits "
        "them, we will help gather this tissue alongside details of each person's treatments "
        "and how well they worked.</p>",
        "themes": ["tissue-samples"],
        "project_themes": ["tissue-samples"],
    },
    {
        "heading": "Develop new treatments and better trials",
        "summary": "<p>We need treatments that stop breast cancer spreading, and trial designs "
        "that help bring them to patients. That means studying how new drugs, and new "
        "combinations of existing ones, act on secondary breast cancer. Our researchers are "
        "also tracking down cancer stem cells, which are thought to seed new tumours, to find "
        "out how to halt them.</p>",
        "themes": ["clinical-trials", "cancer-stem-cells", "lobular"],
        "projects": ["rolo-trial-secondary-lobular-breast-cancer"],
        "project_themes": ["cancer-stem-cells"],
    },
    {
        "heading": "Understand how cancer cells escape and spread",
        "summary": "<p>The moment a cancer cell leaves the breast, and the route it takes to "
        "become incurable secondary breast cancer, are still poorly understood. There is "
        "growing evidence that healthy cells play a part, "
        "including the cells lining blood vessels and cells of the immune system. Many of our "
        "researchers now study these cells, hoping to turn them into allies that slow or "
        "prevent the spread of the disease.</p>",
        "themes": ["immune-microenvironment", "brain", "bone"],
        "projects": [
            "how-breast-cancer-spreads-to-the-brain",
            "early-imaging-of-treatment-response-in-bone",
        ],
        "project_themes": ["immune-microenvironment"],
    },
]

STRATEGY = {
    "title": "Our strategy for secondary breast cancer",
    "slug": "strategy",
    "listing_summary": "Our ambitions for secondary breast cancer and the four priorities that "
    "will get us there.",
    "introduction": "<p>Our goal is easy to state: no one should die of secondary breast "
    "cancer, and everyone living with it should get the best care available. We are "
    "increasing our investment in research to get there. A cure is not yet possible, but each "
    "year brings a clearer picture of why breast cancer spreads, which treatments control it "
    "and how cancer cells learn to resist them.</p>",
    "opening": "<p>Recent medicines have already lengthened the time many people with "
    "secondary breast cancer spend living well, often with fewer harsh side effects than the "
    "treatments that came before. Building on that means putting secondary breast cancer at "
    "the centre of our research: its biology, smarter ways to treat it, and the support "
    "people with it need.</p>",
}

ABOUT_PAGE = {
    "title": "About secondary breast cancer",
    "slug": "about-secondary-breast-cancer",
    "listing_summary": "What secondary breast cancer is, and why research into it matters.",
    "introduction": "Secondary breast cancer happens when breast cancer cells spread from the "
    "breast to other parts of the body. It can be controlled, sometimes for years, but it "
    "cannot yet be cured.",
    "body": [
        ("heading", "What is secondary breast cancer?"),
        (
            "paragraph",
            "<p>Breast cancer cells can travel through the blood or lymphatic system and "
            "start growing in other organs. The places it most often reaches are the bones, "
            "lungs, liver and brain. Secondary breast cancer may be found at the same time as "
            "the first diagnosis, or months or years after treatment for early breast "
            "cancer.</p>",
        ),
        (
            "fact_box",
            {
                "heading": "Secondary breast cancer in brief",
                "body": "<ul><li>It is also called metastatic, advanced or stage 4 breast "
                "cancer.</li><li>It is treatable but not yet curable.</li><li>Around 1,000 "
                "women in the UK die of it every month.</li></ul>",
            },
        ),
        ("heading", "Why research matters"),
        (
            "paragraph",
            "<p>Our research covers the whole journey of the disease: how it develops, how to "
            "prevent it, how to treat it better and how to support people living with it. "
            "Research into other kinds of breast cancer can help too, because treatments "
            'developed there may also benefit people with secondary disease. See <a page="'
            'research">the projects we fund</a> and <a page="strategy">our strategy</a>.</p>',
        ),
        (
            "paragraph",
            "<p>If you have questions about secondary breast cancer, Breast Cancer Now's nurses "
            'and information services can help; start at <a href="https://breastcancernow.org/'
            '">breastcancernow.org</a>.</p>',
        ),
        (
            "call_to_action",
            {
                "heading": "Fund the research that will change this",
                "text": "Every project on this site was made possible by people who give.",
                "button_label": "Donate now",
            },
        ),
    ],
}

ACCESSIBILITY_PAGE = {
    "title": "Accessibility statement",
    "slug": "accessibility",
    "listing_summary": "How accessible this website is, and how to tell us about problems.",
    "introduction": "We want as many people as possible to be able to use this website, "
    "whatever their abilities or the technology they use.",
    "body": [
        ("heading", "What we aim for"),
        (
            "paragraph",
            "<p>This site is built to meet the Web Content Accessibility Guidelines (WCAG) 2.2 "
            "at level AA. You should be able to:</p><ul><li>zoom to 400% without text "
            "spilling off the screen</li><li>move around the whole site using only a "
            "keyboard</li><li>use the site with a screen reader</li><li>read every image's "
            "description, and a transcript for every video</li></ul>",
        ),
        ("heading", "Known issues"),
        (
            "paragraph",
            "<p>Some older PDF documents linked from project pages may not be fully "
            "accessible. If you need one in a different format, contact us and we will help.</p>",
        ),
        ("heading", "Reporting a problem"),
        (
            "paragraph",
            "<p>If something on this site does not work for you, please tell us through the "
            'contact details on <a href="https://breastcancernow.org/">breastcancernow.org</a>. '
            "We aim to reply within ten working days.</p>",
        ),
        ("heading", "Enforcement procedure"),
        (
            "paragraph",
            "<p>The Equality and Human Rights Commission (EHRC) enforces accessibility "
            "regulations in Great Britain. In Northern Ireland this is the Equality Commission "
            "for Northern Ireland. If you are not happy with how we respond to your complaint, "
            "you can contact the Equality Advisory and Support Service (EASS).</p>",
        ),
    ],
}

PRIVACY_PAGE = {
    "title": "Privacy notice",
    "slug": "privacy",
    "listing_summary": "What information this website collects, and what we do with it.",
    "introduction": "This notice explains what happens to information about you when you use "
    "this research website.",
    "body": [
        ("heading", "What we collect"),
        (
            "paragraph",
            "<p>This site does not use advertising or analytics cookies. Our web servers keep "
            "standard logs (such as your IP address, the page requested and your browser type) "
            "to keep the service secure and working; these logs are deleted after 30 days.</p>",
        ),
        ("heading", "Videos"),
        (
            "paragraph",
            "<p>Videos come from YouTube or Vimeo. They load only when you choose to play "
            "them, and only then can those services set cookies.</p>",
        ),
        ("heading", "Donations"),
        (
            "paragraph",
            "<p>Donate buttons take you to Breast Cancer Now's main website, whose own privacy "
            "policy applies to any information you give there.</p>",
        ),
        ("heading", "Your rights"),
        (
            "paragraph",
            "<p>You have the right to ask what information we hold about you and to have it "
            "corrected or deleted. If you are unhappy with how we handle your information, you "
            "can complain to the Information Commissioner's Office (ICO).</p>",
        ),
    ],
}

STANDARD_PAGES = [ABOUT_PAGE, ACCESSIBILITY_PAGE, PRIVACY_PAGE]

STRATEGY_QUOTE = {
    "quote": "Research is how we will stop secondary breast cancer taking lives.",
    "attribution": "Breast Cancer Now",
    "role": "Our strategy for secondary breast cancer",
}

# Story bodies: (block type, value). Project lists name key-project slugs or
# `theme:SLUG` for the first few demo projects in that theme.
STORIES = [
    {
        "slug": "following-breast-cancer-to-the-brain",
        "title": "Following breast cancer to the brain",
        "date": datetime.date(2026, 3, 12),
        "authors": ["Research Communications Team"],
        "intro": "When breast cancer spreads to the brain, treatment choices shrink. Dr Damir "
        "Vareslija's team is tracing how cancer cells get there, hoping to close the door "
        "behind them.",
        "hero_alt": "Abstract illustration of pink cells with dark centres drifting across a "
        "pale background.",
        "themes": ["brain", "immune-microenvironment"],
        "tags": ["brain", "lab research"],
        "projects": ["how-breast-cancer-spreads-to-the-brain"],
        "body": [
            (
                "paragraph",
                "<p>The brain is guarded by a tightly sealed layer of cells that keeps out "
                "most substances in the blood, including many cancer medicines. That "
                "protection becomes a problem when breast cancer spreads there.</p>",
            ),
            ("heading", "A hostile place to grow"),
            (
                "paragraph",
                "<p>The brain is an unusual environment for a breast cancer cell. To survive, "
                "cells that arrive there have to change how they use energy and how they "
                "interact with the brain's own cells. Dr Vareslija's team at RCSI in Dublin "
                "compares tumours in the brain with the breast tumours they came from, to find "
                "the changes that make survival possible.</p>",
            ),
            (
                "fact_box",
                {
                    "heading": "Why brain spread is hard to treat",
                    "body": "<ul><li>A natural barrier keeps many drugs out of the "
                    "brain.</li><li>Surgery and radiotherapy are not always possible.</li>"
                    "<li>Few clinical trials have included people whose cancer has reached "
                    "the brain.</li></ul>",
                },
            ),
            ("quote", STRATEGY_QUOTE),
            (
                "paragraph",
                "<p>Each change the team finds is a possible target. The next step is to test "
                "whether blocking those targets stops cancer cells growing in the brain, "
                "using drugs that can get past its defences.</p>",
            ),
            ("related_projects", {"heading": "The research behind this", "projects": []}),
            (
                "call_to_action",
                {
                    "heading": "Help us follow the science",
                    "text": "Research like this depends on donations.",
                    "button_label": "Donate now",
                },
            ),
        ],
    },
    {
        "slug": "rolo-a-trial-built-on-a-weak-spot",
        "title": "ROLO: a trial built on a weak spot in lobular breast cancer",
        "date": datetime.date(2025, 10, 2),
        "authors": ["Science Information Team"],
        "intro": "Lobular breast cancer has been studied far less than other types. The ROLO "
        "trial, led by Professor Nicholas Turner, tests a drug chosen because of the way "
        "lobular cancer cells are built.",
        "hero_alt": "Abstract illustration of soft pink shapes with a few cells outlined in "
        "deep pink.",
        "themes": ["lobular", "clinical-trials"],
        "tags": ["lobular", "clinical trials"],
        "projects": ["rolo-trial-secondary-lobular-breast-cancer"],
        "body": [
            (
                "paragraph",
                "<p>Most breast cancer cells stick together in clumps. Lobular cancer cells "
                "lack a protein called E-cadherin, which acts like glue, so they tend to grow "
                "in single-file lines and can spread to unusual places.</p>",
            ),
            ("heading", "From a laboratory finding to a trial"),
            (
                "paragraph",
                "<p>Laboratory research discovered that losing E-cadherin leaves lobular cells "
                "dependent on other signals, and that blocking one of them can kill the "
                "cancer cells. ROLO is testing whether a drug that does this helps people "
                "whose lobular breast cancer has spread.</p>",
            ),
            ("library_quote", "lord-parp"),
            (
                "fact_box",
                {
                    "heading": "About lobular breast cancer",
                    "body": "<ul><li>It is the second most common type of breast cancer."
                    "</li><li>It can be harder to see on mammograms.</li><li>It can come "
                    "back many years after first treatment.</li></ul>",
                },
            ),
            ("related_projects", {"heading": "The research behind this", "projects": []}),
            (
                "call_to_action",
                {
                    "heading": "Help us fund the next trial",
                    "text": "Trials like ROLO start with research funded by our supporters.",
                    "button_label": "Donate now",
                },
            ),
        ],
    },
    {
        "slug": "knowing-sooner-if-treatment-is-working-in-bone",
        "title": "Knowing sooner whether treatment is working in bone",
        "date": datetime.date(2025, 6, 18),
        "authors": ["Research Communications Team"],
        "intro": "For people whose breast cancer has spread to the bone, it can take months to "
        "find out whether treatment is working. Professor Gary Cook wants to cut that wait to "
        "weeks.",
        "hero_alt": "Abstract illustration of pale pink light with rounded cells gathered "
        "near the edge.",
        "themes": ["bone", "imaging"],
        "tags": ["bone", "imaging"],
        "projects": ["early-imaging-of-treatment-response-in-bone", "theme:bone"],
        "body": [
            (
                "paragraph",
                "<p>Bone is the place breast cancer most often spreads to. Yet bone is also "
                "where standard scans are hardest to read: healing bone and growing cancer "
                "can look alike, so it may be months before doctors can tell whether a "
                "treatment is working.</p>",
            ),
            ("heading", "A clearer picture, earlier"),
            (
                "paragraph",
                "<p>Professor Cook's team at King's College London is developing a way of "
                "using scans to see, early in treatment, whether the cancer in the bone is "
                "responding. If it is not, people could move on to another option sooner.</p>",
            ),
            ("library_quote", "eyre-bone"),
            (
                "fact_box",
                {
                    "heading": "Bone and breast cancer",
                    "body": "<ul><li>Bone is the most common site of secondary breast "
                    "cancer.</li><li>Cancer in bone can cause pain and fractures.</li><li>"
                    "Existing medicines for other conditions are being tested to protect "
                    "bone.</li></ul>",
                },
            ),
            ("related_projects", {"heading": "More research on bone", "projects": []}),
            (
                "call_to_action",
                {
                    "heading": "Give people answers sooner",
                    "text": "Your donation helps fund research like this.",
                    "button_label": "Donate now",
                },
            ),
        ],
    },
    {
        "slug": "olaparib-from-lab-bench-to-licensed-drug",
        "title": "From laboratory bench to licensed drug: the olaparib story",
        "date": datetime.date(2024, 11, 20),
        "authors": ["Science Information Team"],
        "intro": "Olaparib was the first medicine approved to act against an inherited gene "
        "fault. Its story shows how patient work in the laboratory becomes treatment.",
        "hero_alt": "Abstract illustration of pink cells, one outlined more sharply than the "
        "others.",
        "themes": ["treatment-resistance", "clinical-trials"],
        "tags": ["olaparib", "BRCA", "achievements"],
        "projects": ["theme:treatment-resistance"],
        "body": [
            (
                "paragraph",
                "<p>Some people inherit a faulty copy of the BRCA1 or BRCA2 gene, which "
                "raises their risk of breast and ovarian cancer. Laboratory research at our "
                "research centre showed that tumours with these faults have an Achilles heel: "
                "they cannot cope when a second repair system, controlled by a protein called "
                "PARP, is blocked.</p>",
            ),
            ("library_quote", "lord-parp"),
            ("heading", "Into the clinic"),
            (
                "paragraph",
                "<p>Drugs that block PARP were tested in clinical trials. One of them, "
                "olaparib, was approved for women with advanced ovarian cancer linked to a "
                "BRCA fault, and has since been studied in breast cancer.</p>",
            ),
            ("library_quote", "tutt-olaparib"),
            ("related_projects", {"heading": "Related research we fund", "projects": []}),
            (
                "call_to_action",
                {
                    "heading": "Today's discoveries are tomorrow's treatments",
                    "text": "Help fund the research that leads to the next olaparib.",
                    "button_label": "Donate now",
                },
            ),
        ],
    },
    {
        "slug": "a-molecular-clock-in-the-blood",
        "title": "A 'molecular clock' in the blood",
        "date": datetime.date(2024, 5, 9),
        "authors": ["Research Communications Team", "Policy and Evidence Team"],
        "intro": "Samples given to the Breast Cancer Now LEGACY study have led to a blood test "
        "that could show which tumours in the body are growing fastest.",
        "hero_alt": "Abstract illustration of small pink cells scattered over a pale, softly "
        "lit background.",
        "themes": ["liquid-biopsy", "tissue-samples"],
        "tags": ["blood test", "LEGACY"],
        "projects": ["theme:liquid-biopsy"],
        "body": [
            (
                "paragraph",
                "<p>When breast cancer has spread, there may be tumours in several places, "
                "each growing at its own pace. Knowing which are the most active could help "
                "doctors choose treatment.</p>",
            ),
            ("heading", "Reading the clock"),
            (
                "paragraph",
                "<p>Building on the LEGACY study, researchers developed a test that reads "
                "changes in DNA like the ticks of a clock to follow how tumours grow. It does "
                "not need to know the cancer's genetic make-up in advance, which should make it "
                "sensitive and fairly cheap, but it needs further development before it can "
                "be used in clinics.</p>",
            ),
            ("library_quote", "barry-legacy"),
            (
                "fact_box",
                {
                    "heading": "What is a liquid biopsy?",
                    "body": "<p>A blood test that looks for traces of a tumour, such as "
                    "fragments of its DNA, instead of taking a sample from the tumour "
                    "itself.</p>",
                },
            ),
            ("related_projects", {"heading": "More research on blood tests", "projects": []}),
            (
                "call_to_action",
                {
                    "heading": "Help turn findings into tests",
                    "text": "Your support funds the next stage of this research.",
                    "button_label": "Donate now",
                },
            ),
        ],
    },
    {
        "slug": "why-donated-tissue-is-so-precious",
        "title": "Why donated tissue is so precious to research",
        "date": datetime.date(2026, 9, 15),
        "authors": ["Policy and Evidence Team"],
        "intro": "Samples of secondary breast cancer are rare, and every one that people choose "
        "to donate can answer questions no laboratory model can.",
        "hero_alt": "Abstract illustration of a cluster of pink cells on a cream background.",
        "themes": ["tissue-samples"],
        "tags": ["tissue donation"],
        "projects": ["theme:tissue-samples"],
        "body": [
            (
                "paragraph",
                "<p>Most of what we know about breast cancer comes from the first tumour in "
                "the breast. Tumours that have spread can behave very differently, but samples "
                "of them are in very short supply.</p>",
            ),
            ("heading", "Consent comes first"),
            (
                "paragraph",
                "<p>We work sensitively with patients and their families, who decide whether "
                "to donate. Samples are collected together with a record of the treatments "
                "each person received, and whether they worked, so that researchers can learn "
                "why some treatments fail.</p>",
            ),
            (
                "fact_box",
                {
                    "heading": "What donated samples make possible",
                    "body": "<ul><li>Comparing tumours in different parts of the body</li>"
                    "<li>Understanding why treatments stop working</li><li>Developing blood "
                    "tests that track the disease</li></ul>",
                },
            ),
            ("quote", STRATEGY_QUOTE),
            ("related_projects", {"heading": "Research using donated samples", "projects": []}),
            (
                "call_to_action",
                {
                    "heading": "Support research on secondary breast cancer",
                    "text": "Donations keep this work going.",
                    "button_label": "Donate now",
                },
            ),
        ],
    },
]

# The site-wide share picture (site settings), drawn by images.share_card: shown by
# social networks when a page without its own picture is shared.
SHARE_CARD = {
    "title": "Share card: Secondary breast cancer research",
    "kicker": "Breast Cancer Now",
    "heading": "Secondary breast cancer research",
    "strapline": "The projects, researchers and results we fund to stop it taking lives.",
    "alt": "Breast Cancer Now: secondary breast cancer research. The projects, researchers "
    "and results we fund to stop it taking lives. White lettering on deep pink, beside "
    "pale drawn cells.",
}

SITE_SETTINGS = {
    "charity_name": "Breast Cancer Now",
    "charity_number": "Registered charity in England and Wales (1160558) and in Scotland "
    "(SC045584)",
    "tagline": "The research and support charity",
    "donate_url": DONATE_URL,
    "donate_label": "Donate",
    "facebook_url": "https://www.facebook.com/breastcancernow",
    "instagram_url": "https://www.instagram.com/breastcancernow",
    "x_url": "https://x.com/BCNow",
    "linkedin_url": "https://www.linkedin.com/company/breast-cancer-now",
    "youtube_url": "https://www.youtube.com/@breastcancernow",
}

# (label, page key or external URL)
HEADER_LINKS = [
    ("Research", "research"),
    ("Achievements", "achievements"),
    ("Stories", "stories"),
    ("Our strategy", "strategy"),
    ("About secondary breast cancer", "about-secondary-breast-cancer"),
]
FOOTER_LINKS = [
    ("About secondary breast cancer", "about-secondary-breast-cancer"),
    ("Accessibility statement", "accessibility"),
    ("Privacy notice", "privacy"),
    ("Breast Cancer Now", BCN_URL),
]
FOOTER_TEXT = (
    "This is a demonstration of the research portfolio. The three example projects, the "
    "achievements and the quotes come from Breast Cancer Now's public pages (quotes are "
    "paraphrased); the other projects and the people leading them are illustrative."
)
