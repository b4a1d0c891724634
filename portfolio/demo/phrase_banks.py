"""Phrase banks for the invented research projects (portfolio/demo/synthetic.py).

Content data, not code: per theme, the subjects, methods and aims that titles
and summaries are assembled from, plus the names, journals and trial acronyms
the generator draws on. Written for this site; no sentence describes a real
project.
"""

from dataclasses import dataclass, field

SUBTYPES = [
    "HER2-positive",
    "triple negative",
    "oestrogen receptor-positive",
    "hormone receptor-positive",
    "lobular",
]
MODELS = [
    "patient-derived organoids",
    "mouse models",
    "tumour samples donated by patients",
    "zebrafish models",
    "3D co-culture models",
    "patient-derived xenografts",
]
METHODS = [
    "single-cell sequencing",
    "spatial transcriptomics",
    "whole-genome sequencing",
    "CRISPR screening",
    "live-cell imaging",
    "machine learning",
    "proteomics",
    "mass cytometry",
]
HORMONE_DRIVEN = ["oestrogen receptor-positive", "hormone receptor-positive", "lobular"]
# Targets that only make sense for some subtypes: no hormone therapy for
# triple negative disease, no HER2 drugs for HER2-negative disease.
SUBTYPES_FOR_TARGET = {
    "a CDK4/6 inhibitor": HORMONE_DRIVEN,
    "a new hormone therapy": HORMONE_DRIVEN,
    "CDK4/6 inhibitors": HORMONE_DRIVEN,
    "hormone therapy": HORMONE_DRIVEN,
    "ESR1 mutations": HORMONE_DRIVEN,
    "oestrogen receptor activity": HORMONE_DRIVEN,
    "HER2-targeted drugs": ["HER2-positive"],
    "HER3 signalling": ["HER2-positive", "oestrogen receptor-positive"],
    "a PARP inhibitor": ["triple negative", "oestrogen receptor-positive"],
    "PARP inhibitors": ["triple negative", "oestrogen receptor-positive"],
    "a PI3K inhibitor": HORMONE_DRIVEN,
    "immunotherapy": ["triple negative"],
}
MOTIVATIONS = [
    "The findings could point to new ways of keeping secondary breast cancer under control "
    "for longer.",
    "In the long run, this could give people with secondary breast cancer more good-quality "
    "time with the people they love.",
    "The answers could help doctors choose the right treatment for each person sooner.",
    "If the approach works, it could move quickly into clinical trials.",
    "This knowledge is a first step towards treatments that stop the disease spreading.",
]


@dataclass(frozen=True)
class ThemeBank:
    """Phrases for one theme; `{subtype}`, `{model}`, `{method}` and `{target}` are filled in."""

    titles: list
    context: list
    aims: list
    science: list
    targets: list
    related: tuple = ()
    paper_titles: list = field(default_factory=list)
    # Where the general lists would give nonsense (mass cytometry on plasma...).
    methods: list = field(default_factory=lambda: METHODS)
    models: list = field(default_factory=lambda: MODELS)


BANKS = {
    "brain": ThemeBank(
        titles=[
            "How {subtype} breast cancer cells adapt to survive in the brain",
            "Finding treatments that reach breast cancer in the brain",
            "The role of {target} in breast cancer spread to the brain",
            "Using {method} to map breast cancer that has spread to the brain",
            "Can blocking {target} stop breast cancer growing in the brain?",
        ],
        context=[
            "Breast cancer that reaches the brain is especially hard to treat, because many "
            "medicines cannot cross the barrier that protects it.",
            "Secondary breast cancer reaches the brain in a significant number of people, "
            "especially those with HER2-positive or triple negative disease, and treatment "
            "options for them are limited.",
        ],
        aims=[
            "The team will use {model} to learn how {target} helps cancer cells settle in the "
            "brain and keep growing there.",
            "The researchers will compare tumours in the brain with the original breast tumour "
            "to find out what changes let the cells thrive in a new place.",
        ],
        science=[
            "Profile matched primary and brain metastatic tumours by {method} to define the "
            "programmes that support colonisation.",
            "Test whether inhibiting {target} reduces brain metastatic burden in {model}.",
            "Assess drug penetration across the blood–brain barrier for candidate agents.",
        ],
        targets=[
            "HER3 signalling",
            "fatty acid metabolism",
            "astrocyte signals",
            "the PI3K pathway",
            "epigenetic reprogramming",
            "the blood–brain barrier",
        ],
        related=("immune-microenvironment", "treatment-resistance"),
        methods=["single-cell sequencing", "spatial transcriptomics", "whole-genome sequencing"],
        paper_titles=[
            "Metabolic adaptation of breast cancer cells in the brain",
            "Epigenetic programmes shared by breast cancer brain metastases",
            "Brain-resident cells shape the growth of metastatic breast cancer",
        ],
    ),
    "bone": ThemeBank(
        titles=[
            "Stopping breast cancer cells waking up in the bone",
            "How {target} helps breast cancer take hold in the bone",
            "Repurposing existing drugs to prevent spread to the bone",
            "A better way to tell whether treatment is working in bone",
            "Why {subtype} breast cancer spreads to the skeleton",
        ],
        context=[
            "Bone is the most common place for breast cancer to spread, and once there it can "
            "cause pain, fractures and other serious problems.",
            "Cancer cells can lie dormant in the bone marrow for years before starting to grow "
            "again.",
        ],
        aims=[
            "Using {model}, the team will study how {target} lets dormant cancer cells in the "
            "bone start growing again.",
            "This project will test whether medicines already used for other conditions can "
            "stop breast cancer growing in bone.",
        ],
        science=[
            "Define the role of {target} in the bone metastatic niche using {model}.",
            "Characterise dormant disseminated tumour cells by {method}.",
            "Evaluate approved anti-inflammatory agents as adjuvant inhibitors of bone "
            "colonisation.",
        ],
        targets=[
            "IL-1β signalling",
            "osteoclast activity",
            "bone marrow fat cells",
            "Wnt signalling",
            "RANK ligand",
        ],
        related=("immune-microenvironment", "imaging"),
        methods=["single-cell sequencing", "live-cell imaging", "micro-CT imaging"],
        models=[
            "mouse models",
            "bone-on-a-chip models",
            "bone marrow samples donated by patients",
            "3D co-culture models",
        ],
        paper_titles=[
            "Inflammatory signals in the bone niche awaken dormant breast cancer cells",
            "Osteoclast activity predicts breast cancer relapse in bone",
            "Repurposed anti-inflammatory drugs limit bone metastasis in preclinical models",
        ],
    ),
    "liquid-biopsy": ThemeBank(
        titles=[
            "A blood test to spot breast cancer spreading before it shows on scans",
            "Tracking {subtype} secondary breast cancer through tumour DNA in the blood",
            "Using circulating tumour DNA to guide treatment of {subtype} secondary breast cancer",
            "Can a blood test show treatment resistance early?",
            "Reading the signals of {target} in a simple blood sample",
        ],
        context=[
            "Tumours shed tiny fragments of DNA into the bloodstream, and reading them could "
            "show that cancer is returning long before symptoms appear.",
            "Scans and biopsies give only a snapshot of secondary breast cancer; a blood test "
            "could follow the disease as it changes.",
        ],
        aims=[
            "The researchers will analyse {model} to work out whether changes in tumour DNA "
            "predict that the cancer is about to spread.",
            "This project will develop a blood test based on {target} that could tell doctors "
            "early when a treatment has stopped working.",
        ],
        science=[
            "Develop a sensitive assay for {target} in circulating tumour DNA.",
            "Apply {method} to serial plasma samples to model clonal evolution under therapy.",
            "Relate molecular relapse to clinical outcome in a prospective cohort.",
        ],
        targets=[
            "ESR1 mutations",
            "DNA methylation patterns",
            "tumour-specific mutations",
            "fragment size profiles",
            "circulating tumour cells",
        ],
        related=("treatment-resistance", "tissue-samples"),
        methods=["targeted sequencing", "whole-genome sequencing", "methylation sequencing"],
        models=[
            "blood samples collected during clinical trials",
            "blood samples from people with {subtype} breast cancer",
            "repeated blood samples taken during treatment",
        ],
        paper_titles=[
            "Circulating tumour DNA predicts relapse in early breast cancer",
            "Serial liquid biopsy tracks the evolution of treatment resistance",
            "Methylation profiling of plasma DNA in metastatic breast cancer",
        ],
    ),
    "clinical-trials": ThemeBank(
        titles=[
            "{acronym}: a trial of {target} for {subtype} secondary breast cancer",
            "{acronym}: testing {target} alongside standard treatment",
            "{acronym}: a smarter trial design for secondary breast cancer",
            "{acronym}: can {target} delay the need for chemotherapy?",
        ],
        context=[
            "Clinical trials are the only way to find out whether a promising treatment "
            "really helps people, and secondary breast cancer needs more of them.",
            "Many people with secondary breast cancer want to take part in research, but "
            "there are too few trials designed for them.",
        ],
        aims=[
            "This trial will find out whether adding {target} to standard care keeps "
            "{subtype} secondary breast cancer under control for longer.",
            "The study will recruit people with {subtype} secondary breast cancer across the "
            "UK to test {target}, with regular blood tests to see who benefits.",
        ],
        science=[
            "Randomised phase II comparison of {target} with standard care; primary endpoint "
            "progression-free survival.",
            "Translational sub-study using {method} on baseline and progression samples.",
            "Quality of life measured by validated patient-reported outcomes.",
        ],
        targets=[
            "a CDK4/6 inhibitor",
            "a PARP inhibitor",
            "an antibody–drug conjugate",
            "immunotherapy",
            "a PI3K inhibitor",
            "a new hormone therapy",
        ],
        related=("treatment-resistance", "liquid-biopsy"),
        methods=["targeted sequencing", "whole-genome sequencing", "single-cell sequencing"],
        paper_titles=[
            "Design and baseline characteristics of a randomised trial in metastatic breast cancer",
            "Patient-reported outcomes in a phase II trial of targeted therapy",
        ],
    ),
    "cancer-stem-cells": ThemeBank(
        titles=[
            "Stopping cancer stem cells from seeding new tumours",
            "How {target} keeps breast cancer stem cells alive",
            "Finding the cells that start secondary breast cancer",
            "Using {method} to catch cancer stem cells as they spread",
        ],
        context=[
            "A small group of cells within a breast tumour, known as cancer stem cells, are "
            "thought to be able to start new tumours elsewhere in the body.",
            "Cancer stem cells can survive treatment and lie in wait, which may explain why "
            "breast cancer sometimes returns years later.",
        ],
        aims=[
            "The team will use {model} to discover how {target} keeps these cells alive, and "
            "whether switching it off stops them seeding new tumours.",
            "The researchers aim to find drugs that target cancer stem cells while sparing "
            "healthy tissue.",
        ],
        science=[
            "Isolate stem-like populations from {model} and profile them by {method}.",
            "Test whether inhibiting {target} reduces tumour-initiating capacity in vivo.",
            "Screen approved drugs for selective activity against stem-like cells.",
        ],
        targets=[
            "Notch signalling",
            "the Hedgehog pathway",
            "ALDH activity",
            "interleukin-6 signalling",
            "mitochondrial metabolism",
        ],
        related=("treatment-resistance", "immune-microenvironment"),
        methods=["single-cell sequencing", "RNA sequencing", "proteomics"],
        paper_titles=[
            "Stem-like breast cancer cells persist after endocrine therapy",
            "Targeting stemness pathways reduces metastatic seeding",
        ],
    ),
    "immune-microenvironment": ThemeBank(
        titles=[
            "How healthy cells help breast cancer spread",
            "Turning the immune system against secondary breast cancer",
            "The role of {target} in the spread of breast cancer",
            "Mapping the neighbourhood around secondary breast tumours with {method}",
            "Can the cells lining blood vessels be stopped from helping cancer spread?",
        ],
        context=[
            "Cancer cells do not act alone: healthy cells around a tumour, from immune cells to "
            "the cells lining blood vessels, can help or hinder its spread.",
            "The immune system can recognise cancer, but breast tumours find ways to hide from "
            "it or switch it off.",
        ],
        aims=[
            "Using {model}, the researchers will investigate how {target} can change the "
            "behaviour of cancer cells, and whether that can be blocked.",
            "This project will map the healthy cells around secondary tumours to find ones "
            "that could be harnessed to slow the disease.",
        ],
        science=[
            "Characterise the metastatic microenvironment by {method}.",
            "Define the contribution of {target} to metastatic progression in {model}.",
            "Test combination strategies that re-engage anti-tumour immunity.",
        ],
        targets=[
            "tumour-associated macrophages",
            "endothelial cells",
            "cancer-associated fibroblasts",
            "T cell exhaustion",
            "neutrophil extracellular traps",
        ],
        related=("brain", "bone"),
        methods=["single-cell sequencing", "spatial transcriptomics", "mass cytometry"],
        paper_titles=[
            "Endothelial signals support the dissemination of breast cancer cells",
            "Macrophage diversity across metastatic sites in breast cancer",
            "Fibroblast subtypes predict response to immunotherapy",
        ],
    ),
    "lobular": ThemeBank(
        titles=[
            "Understanding how lobular breast cancer spreads",
            "Exploiting the weak spots of lobular breast cancer",
            "Why lobular breast cancer spreads to unusual places",
            "Using {method} to find new treatments for lobular breast cancer",
        ],
        context=[
            "Lobular breast cancer makes up more than one in ten breast cancers and behaves "
            "differently from other types, often spreading to unusual places.",
            "Lobular cancer cells lack a protein called E-cadherin that normally holds cells "
            "together, which changes how they grow and spread.",
        ],
        aims=[
            "The team will use {model} to find out how the loss of E-cadherin creates "
            "weaknesses that drugs could exploit.",
            "This project will study {target} to understand why lobular cancer can return many "
            "years after first treatment.",
        ],
        science=[
            "Identify synthetic lethal partners of E-cadherin loss using {method}.",
            "Characterise the role of {target} in lobular metastasis using {model}.",
            "Validate candidate vulnerabilities in patient-derived material.",
        ],
        targets=[
            "E-cadherin loss",
            "ROS1 signalling",
            "oestrogen receptor activity",
            "the extracellular matrix",
        ],
        related=("clinical-trials", "treatment-resistance"),
        methods=["CRISPR screening", "drug screening", "single-cell sequencing"],
        paper_titles=[
            "Vulnerabilities created by E-cadherin loss in lobular breast cancer",
            "Patterns of metastatic spread in invasive lobular carcinoma",
        ],
    ),
    "treatment-resistance": ThemeBank(
        titles=[
            "Why {subtype} secondary breast cancer stops responding to treatment",
            "Outsmarting resistance to {target}",
            "Predicting who will benefit from {target}",
            "Using {method} to track how tumours evolve under treatment",
        ],
        context=[
            "Treatments for secondary breast cancer often work for a while, but the cancer "
            "can adapt and stop responding.",
            "Knowing early that a treatment is failing would let doctors switch to something "
            "better before the cancer grows.",
        ],
        aims=[
            "The researchers will use {model} to uncover how cancer cells become resistant to "
            "{target}, and test ways of preventing it.",
            "This project will look for markers that show which people are likely to benefit "
            "from {target}.",
        ],
        science=[
            "Model acquired resistance to {target} in {model}.",
            "Profile resistant clones by {method} to identify escape pathways.",
            "Test rational combinations that delay or reverse resistance.",
        ],
        targets=[
            "CDK4/6 inhibitors",
            "hormone therapy",
            "HER2-targeted drugs",
            "chemotherapy",
            "PARP inhibitors",
        ],
        related=("liquid-biopsy", "clinical-trials"),
        methods=["single-cell sequencing", "whole-genome sequencing", "barcoded lineage tracing"],
        paper_titles=[
            "Mechanisms of acquired resistance to CDK4/6 inhibition",
            "Clonal evolution of metastatic breast cancer under endocrine therapy",
            "Combination strategies to overcome resistance in HER2-positive disease",
        ],
    ),
    "imaging": ThemeBank(
        titles=[
            "Seeing sooner whether treatment is working",
            "Teaching computers to read scans of secondary breast cancer",
            "A new scan to find secondary breast cancer in {target}",
            "Measuring response to treatment with whole-body imaging",
        ],
        context=[
            "Standard scans can take months to show whether a treatment for secondary breast "
            "cancer is working, and changes in some places, such as bone, are hard to read.",
            "Better imaging could spare people months on a treatment that is not helping them.",
        ],
        aims=[
            "The team will test whether a new kind of scan can show within weeks how "
            "secondary breast cancer in {target} is responding.",
            "This project will use {method} to pick out early signs that treatment is working "
            "in {target}.",
        ],
        science=[
            "Prospective imaging study with scans at baseline and early on treatment.",
            "Develop quantitative response criteria using {method}.",
            "Correlate imaging response with circulating tumour DNA and outcome.",
        ],
        targets=["the bone", "the liver", "the brain", "lymph nodes"],
        related=("bone", "liquid-biopsy"),
        methods=["machine learning", "PET-CT", "whole-body MRI", "radiomics"],
        paper_titles=[
            "Early PET-CT response predicts outcome in bone-predominant breast cancer",
            "Quantitative whole-body MRI for monitoring metastatic breast cancer",
        ],
    ),
    "tissue-samples": ThemeBank(
        titles=[
            "Building a collection of secondary breast cancer samples for research",
            "Learning from tissue generously donated by people with secondary breast cancer",
            "Linking tumour samples with treatment records to understand {subtype} disease",
            "Studying {target} in samples donated by people with secondary breast cancer",
        ],
        context=[
            "Samples of secondary tumours and blood are vital for research, but they are in "
            "very short supply.",
            "Tissue donated by people with secondary breast cancer, together with information "
            "about their treatment, can answer questions no laboratory model can.",
        ],
        aims=[
            "Working with patients and their families, the team will collect samples along "
            "with details of which treatments did and did not work.",
            "The researchers will make these samples available to scientists across the UK, "
            "starting with studies of {target}.",
        ],
        science=[
            "Establish consented collection of metastatic tissue and matched blood.",
            "Link samples to clinical and treatment data under appropriate governance.",
            "Characterise the collection by {method} and share data with the community.",
        ],
        targets=[
            "treatment resistance",
            "tumour evolution",
            "differences between metastatic sites",
        ],
        related=("liquid-biopsy", "treatment-resistance"),
        methods=["whole-genome sequencing", "spatial transcriptomics", "proteomics"],
        paper_titles=[
            "A national resource of metastatic breast cancer tissue",
            "Genomic diversity across metastatic sites in breast cancer",
        ],
    ),
}

GENERIC_BANK = ThemeBank(
    titles=[
        "Understanding how {subtype} breast cancer spreads",
        "Using {method} to find new treatments for secondary breast cancer",
    ],
    context=[
        "Secondary breast cancer can be treated but not yet cured, and we need to understand "
        "it better.",
    ],
    aims=["The team will use {model} to study how {target} affects the spread of the disease."],
    science=["Define the role of {target} in metastatic progression using {method}."],
    targets=["tumour evolution", "cell signalling", "metabolism"],
)

TRIAL_ACRONYMS = [
    "LUMEN-B",
    "TIDEWAY",
    "KESTREL-2",
    "HARBOUR",
    "SKYLARK",
    "ELDERFLOWER",
    "TORCH-M",
    "BRAMBLE",
    "CAIRN",
    "FIRTH",
    "HEATHER",
    "LODESTAR-BC",
    "MOORLAND",
    "PINNACLE-2",
    "SOLWAY",
    "THISTLE",
]

JOURNALS = [
    ("Breast Cancer Research", "bcr"),
    ("British Journal of Cancer", "bjc"),
    ("Nature Communications", "ncomms"),
    ("Cancer Research", "canres"),
    ("Clinical Cancer Research", "ccr"),
    ("npj Breast Cancer", "npjbc"),
    ("Annals of Oncology", "annonc"),
    ("EMBO Molecular Medicine", "emmm"),
    ("Cell Reports", "celrep"),
    ("Journal of Clinical Oncology", "jco"),
]

FIRST_NAMES = [
    "Aisha", "Alasdair", "Amara", "Bethan", "Catriona", "Ciaran", "Deepa", "Eilidh",
    "Emeka", "Fiona", "Gareth", "Hannah", "Imran", "Isla", "Jonathan", "Kavita",
    "Laura", "Mairead", "Matthew", "Nadia", "Niamh", "Olusegun", "Priya", "Rhys",
    "Rosalind", "Samir", "Sian", "Tomasz", "Victoria", "Yusuf", "Zara", "Eleanor",
]  # fmt: skip
LAST_NAMES = [
    "Ahmed", "Baird", "Chaudhry", "Davies", "Evans", "Ferguson", "Gallagher", "Hughes",
    "Iqbal", "Jenkins", "Kowalski", "Lennox", "McAllister", "Morgan", "Nwosu", "O'Neill",
    "Patel", "Quinn", "Rahman", "Sinclair", "Thomson", "Underwood", "Vaughan", "Whitfield",
    "Adeyemi", "Brennan", "Campbell", "Doherty", "Ellison", "Fraser", "Grant", "Hollis",
]  # fmt: skip
ROLES = [
    "Group leader",
    "Senior lecturer in cancer biology",
    "Clinical senior lecturer in medical oncology",
    "Professor of molecular oncology",
    "Career development fellow",
    "Reader in translational cancer research",
    "Consultant medical oncologist",
    "Postdoctoral research fellow",
]
