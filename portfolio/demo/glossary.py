"""The demo glossary: terms from the research, explained in plain words, with the
words readers use for them. Loaded by `load_demo_content` as GlossaryTerm snippets.

Each entry is (term, explanation, words people use for it, theme slugs). `OTHER_NAMES`
gives the names that mean exactly the term (marked in text like the term); the loader
takes them out of the words people use for it, which are only searched.
"""

GLOSSARY = [
    (
        "Metastasis",
        "When cancer cells leave the place where the cancer started and grow somewhere "
        "else in the body. The new growths are called metastases.",
        "spread, spreading, secondary, metastatic, metastases, secondaries",
        ["brain", "bone"],
    ),
    (
        "Secondary breast cancer",
        "Breast cancer that has spread from the breast to other parts of the body, such as "
        "the bones, lungs, liver or brain. It can be treated, but it cannot currently be cured.",
        "metastatic breast cancer, stage 4, advanced breast cancer, incurable breast cancer",
        ["brain", "bone"],
    ),
    (
        "Bone metastases",
        "Breast cancer that has spread to the bones. It can weaken them and cause pain, and "
        "the skeleton is the most common place for breast cancer to spread.",
        "bones, bone, skeleton, skeletal, bone spread, bone secondaries",
        ["bone"],
    ),
    (
        "Brain metastases",
        "Breast cancer that has spread to the brain. Many medicines cannot get into the brain, "
        "which makes it hard to treat.",
        "brain, brain tumour, CNS, central nervous system, brain spread",
        ["brain"],
    ),
    (
        "Blood-brain barrier",
        "A tight lining around the blood vessels of the brain that keeps harmful things out, "
        "but also stops many cancer drugs from reaching the brain.",
        "brain barrier",
        ["brain"],
    ),
    (
        "Liquid biopsy",
        "A blood test that looks for traces of cancer, such as tumour DNA or cancer cells, in a "
        "blood sample instead of taking a piece of tissue.",
        "blood test, blood sample, ctDNA, circulating tumour DNA",
        ["liquid-biopsy"],
    ),
    (
        "Circulating tumour DNA",
        "Small pieces of DNA that tumours release into the blood. Measuring them can show "
        "whether cancer is growing, shrinking or changing.",
        "ctDNA, tumour DNA in the blood, cell-free DNA, blood test",
        ["liquid-biopsy"],
    ),
    (
        "Circulating tumour cells",
        "Cancer cells that have broken away from a tumour and travel in the bloodstream. "
        "Some of them may go on to start new tumours elsewhere.",
        "CTCs, cancer cells in the blood",
        ["liquid-biopsy"],
    ),
    (
        "Imaging",
        "Ways of taking pictures of the inside of the body, such as scans and X-rays, to find "
        "cancer and see how it responds to treatment.",
        "scan, scans, scanning, PET, MRI, CT, X-ray",
        ["imaging"],
    ),
    (
        "PET scan",
        "A scan that uses a small amount of a radioactive tracer to show which parts of the "
        "body are very active, which can reveal where cancer is growing.",
        "positron emission tomography, PET-CT",
        ["imaging"],
    ),
    (
        "MRI scan",
        "A scan that uses strong magnets and radio waves, not X-rays, to make detailed "
        "pictures of soft parts of the body such as the brain.",
        "magnetic resonance imaging, MRI",
        ["imaging"],
    ),
    (
        "CT scan",
        "A scan that takes many X-ray pictures from different angles and puts them together "
        "into a detailed picture of the inside of the body.",
        "computed tomography, CAT scan",
        ["imaging"],
    ),
    (
        "Clinical trial",
        "A research study in people that tests whether a new treatment, test or way of caring "
        "for patients is safe and works better than what is used now.",
        "trial, trials, study, studies, research study",
        ["clinical-trials"],
    ),
    (
        "Placebo",
        "A dummy treatment that looks like the real one but has no active medicine. Comparing "
        "against it shows whether the real treatment makes a difference.",
        "dummy treatment, sugar pill",
        ["clinical-trials"],
    ),
    (
        "Randomised trial",
        "A trial in which a computer decides by chance which treatment each person gets, so "
        "that the groups being compared are fair.",
        "randomised, randomized, random allocation",
        ["clinical-trials"],
    ),
    (
        "Cohort",
        "A group of people followed over time in a study, often to see who develops a "
        "condition or how they respond to treatment.",
        "study group, group of patients",
        [],
    ),
    (
        "HER2",
        "A protein on the surface of some breast cancer cells that helps them grow. Cancers "
        "with a lot of it are called HER2-positive and can be treated with drugs that target it.",
        "HER2-positive, HER2 positive, human epidermal growth factor receptor 2",
        ["treatment-resistance"],
    ),
    (
        "Hormone receptor",
        "A protein in some breast cancer cells that lets hormones such as oestrogen fuel their "
        "growth. These cancers can often be treated with hormone therapy.",
        "ER-positive, oestrogen receptor, estrogen receptor, hormone-sensitive, ER",
        ["treatment-resistance"],
    ),
    (
        "Triple-negative breast cancer",
        "Breast cancer whose cells have no hormone receptors and little or no HER2, so hormone "
        "therapy and HER2 drugs do not work for it.",
        "triple negative, TNBC",
        ["immune-microenvironment"],
    ),
    (
        "Lobular breast cancer",
        "A type of breast cancer that starts in the milk-making glands (lobules). Its cells "
        "often grow in single lines, which can make it harder to see on scans.",
        "lobular, invasive lobular, ILC",
        ["lobular"],
    ),
    (
        "Ductal breast cancer",
        "The most common type of breast cancer, which starts in the tubes (ducts) that carry "
        "milk to the nipple.",
        "ductal, invasive ductal, no special type, NST",
        [],
    ),
    (
        "Chemotherapy",
        "Medicines that kill cancer cells or stop them dividing. They travel around the whole "
        "body, so they can reach cancer that has spread.",
        "chemo",
        ["treatment-resistance"],
    ),
    (
        "Immunotherapy",
        "Treatment that helps the body's own immune system recognise and attack cancer cells.",
        "immune therapy, immune system treatment, checkpoint inhibitor",
        ["immune-microenvironment"],
    ),
    (
        "Radiotherapy",
        "Treatment that uses high-energy rays, aimed carefully at the cancer, to destroy "
        "cancer cells.",
        "radiation therapy, radiation, radiotherapy treatment",
        [],
    ),
    (
        "Targeted therapy",
        "Medicines that block a particular molecule that cancer cells need to grow, so they "
        "harm healthy cells less than chemotherapy does.",
        "targeted treatment, targeted drugs",
        ["treatment-resistance"],
    ),
    (
        "Endocrine therapy",
        "Treatment that lowers the amount of oestrogen in the body or blocks its effect, to "
        "slow or stop hormone-fuelled breast cancer.",
        "hormone therapy, hormone treatment, tamoxifen, aromatase inhibitor",
        ["treatment-resistance"],
    ),
    (
        "CDK4/6 inhibitors",
        "Tablets that block two proteins cancer cells use to divide. They are given with "
        "hormone therapy for some secondary breast cancers.",
        "CDK4/6, palbociclib, ribociclib, abemaciclib",
        ["treatment-resistance"],
    ),
    (
        "PARP inhibitor",
        "A drug that stops cancer cells repairing damaged DNA. It works especially well when "
        "the cancer has a faulty BRCA gene.",
        "PARP, olaparib, talazoparib",
        ["treatment-resistance"],
    ),
    (
        "BRCA genes",
        "Genes that normally help repair damaged DNA. People who inherit a faulty copy of "
        "BRCA1 or BRCA2 have a higher risk of breast cancer.",
        "BRCA, BRCA1, BRCA2, inherited risk, family history",
        [],
    ),
    (
        "Treatment resistance",
        "When a treatment that was working stops working because the cancer cells have "
        "changed to survive it.",
        "resistance, resistant, stops working, drug resistance",
        ["treatment-resistance"],
    ),
    (
        "Biomarker",
        "Something that can be measured in the body, such as a protein in the blood, which "
        "tells doctors about a cancer or how it may respond to treatment.",
        "marker, markers, biomarkers, signature",
        ["tissue-samples", "liquid-biopsy"],
    ),
    (
        "Biopsy",
        "Taking a small sample of tissue so that it can be looked at under a microscope to "
        "find out whether cancer is there and what kind it is.",
        "tissue sample, needle biopsy",
        ["tissue-samples"],
    ),
    (
        "Tumour microenvironment",
        "Everything around a tumour, such as blood vessels, immune cells and supporting cells, "
        "which can help or hold back the cancer.",
        "microenvironment, surroundings of the tumour, niche, tumour environment",
        ["immune-microenvironment"],
    ),
    (
        "Dormancy",
        "When cancer cells that have spread lie quietly without growing, sometimes for years, "
        "before they start growing again.",
        "dormant, dormant cells, sleeping cells, waking up",
        ["bone"],
    ),
    (
        "Recurrence",
        "When cancer comes back after treatment, either in the same place or elsewhere in the "
        "body.",
        "relapse, coming back, comes back, returned, recurrent",
        [],
    ),
    (
        "Genome",
        "The full set of genetic instructions (DNA) inside a cell. Changes in a cancer's "
        "genome can explain how it grows.",
        "genes, genetic, DNA, genomic",
        [],
    ),
    (
        "Mutation",
        "A change in the DNA of a cell. Some mutations make cells grow out of control and "
        "lead to cancer.",
        "gene change, genetic change, gene fault, mutations, variant",
        [],
    ),
    (
        "Organoid",
        "A tiny three-dimensional clump of cells grown in the laboratory from a patient's "
        "tumour, which behaves much like the tumour did in the body.",
        "organoids, mini tumour, mini-tumours",
        ["tissue-samples"],
    ),
    (
        "Xenograft",
        "Human tumour tissue grown in a mouse so that researchers can study it and test "
        "treatments before trying them in people.",
        "xenografts, PDX, patient-derived xenograft, mouse model",
        [],
    ),
    (
        "Cancer stem cells",
        "A small group of cancer cells that can renew themselves and make new tumours. They "
        "may survive treatment and cause the cancer to come back.",
        "stem cells, stem cell",
        ["cancer-stem-cells"],
    ),
    (
        "Prognosis",
        "A doctor's best estimate of how an illness is likely to develop and how a person may "
        "respond to treatment.",
        "outlook, outcome, what to expect",
        [],
    ),
    (
        "Palliative care",
        "Care that eases symptoms such as pain and helps people live as well as possible, "
        "whatever the stage of their illness.",
        "palliative, symptom control, supportive care",
        [],
    ),
    (
        "Survival",
        "How long people live after a diagnosis or treatment. Studies often report how many "
        "people are alive after a set time, such as five years.",
        "survival rate, life expectancy, living longer",
        [],
    ),
    (
        "Oncologist",
        "A doctor who specialises in treating cancer, for example with drugs or radiotherapy.",
        "cancer doctor, cancer specialist",
        [],
    ),
    (
        "Early detection",
        "Finding cancer, or its spread, as soon as possible, when treatment is more likely to "
        "work well.",
        "catch it early, catching it early, spot it early, early diagnosis, screening, "
        "early, sooner",
        ["liquid-biopsy", "imaging"],
    ),
    (
        "Immune system",
        "The body's defences against infection and disease, which can also recognise and "
        "destroy some cancer cells.",
        "immune cells, body's defences, immunity, T cells",
        ["immune-microenvironment"],
    ),
]

#: Names that mean exactly the term: abbreviations, plurals, other technical names.
OTHER_NAMES = {
    "Metastasis": "metastases, secondaries",
    "Secondary breast cancer": "metastatic breast cancer, stage 4 breast cancer, "
    "advanced breast cancer",
    "Bone metastases": "bone secondaries, secondary bone cancer",
    "Brain metastases": "brain secondaries, secondary brain tumours",
    "Liquid biopsy": "liquid biopsies",
    "Circulating tumour DNA": "ctDNA, cell-free tumour DNA",
    "Circulating tumour cells": "CTCs",
    "PET scan": "PET-CT, positron emission tomography",
    "MRI scan": "magnetic resonance imaging",
    "CT scan": "computed tomography, CAT scan",
    "Clinical trial": "clinical trials",
    "Placebo": "placebos",
    "Randomised trial": "randomised controlled trial, randomized trial",
    "HER2": "HER2-positive, human epidermal growth factor receptor 2",
    "Hormone receptor": "hormone receptors, oestrogen receptor, estrogen receptor",
    "Triple-negative breast cancer": "triple negative breast cancer, TNBC",
    "Lobular breast cancer": "invasive lobular breast cancer, invasive lobular cancer, ILC",
    "Ductal breast cancer": "invasive ductal breast cancer",
    "Chemotherapy": "chemo",
    "Radiotherapy": "radiation therapy",
    "Targeted therapy": "targeted therapies",
    "Endocrine therapy": "hormone therapy",
    "CDK4/6 inhibitors": "CDK4/6 inhibitor",
    "PARP inhibitor": "PARP inhibitors",
    "BRCA genes": "BRCA1, BRCA2",
    "Treatment resistance": "drug resistance",
    "Biomarker": "biomarkers",
    "Biopsy": "needle biopsy",
    "Tumour microenvironment": "tumour environment",
    "Dormancy": "dormant cells",
    "Recurrence": "relapse",
    "Mutation": "mutations",
    "Organoid": "organoids",
    "Xenograft": "xenografts, patient-derived xenograft, PDX",
    "Cancer stem cells": "cancer stem cell",
    "Oncologist": "oncologists",
    "Early detection": "early diagnosis",
}
