"""Invented research projects that read like a real portfolio.

The demo site and the load-test command both need many projects. Lorem
ipsum would hide layout and search problems that only real-looking text
shows (long titles, acronyms, en dashes, summaries of uneven length), so
titles and summaries are assembled from phrase banks per theme.

Everything is driven by a `random.Random` passed in, so a fixed seed gives
the same portfolio every time. Identifiers that could be mistaken for real
ones are kept out of real registries on purpose: DOIs use Crossref's test
prefix 10.5555 and trial numbers use the unassigned NCT99 range, so no link
on a demo site leads to somebody else's paper or trial.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from portfolio.demo.phrase_banks import (
    BANKS,
    FIRST_NAMES,
    GENERIC_BANK,
    JOURNALS,
    LAST_NAMES,
    MOTIVATIONS,
    ROLES,
    SUBTYPES,
    SUBTYPES_FOR_TARGET,
    TRIAL_ACRONYMS,
)

MIN_AWARD = 50_000
MAX_AWARD = 1_500_000
# Awards come up to 200 days before the start, so none is dated before 2015.
EARLIEST_START = datetime.date(2015, 8, 1)
STATUSES = ("completed", "active", "not-started")


@dataclass
class SyntheticOutput:
    title: str
    journal: str
    year: int
    doi: str


@dataclass
class SyntheticProject:
    title: str
    lay_summary: str
    scientific_summary: str
    theme_slugs: list
    award_amount: Decimal
    award_date: datetime.date
    start_date: datetime.date
    end_date: datetime.date
    listing_summary: str = ""
    trial_registration: str = ""
    funding_scheme: str = ""
    outputs: list = field(default_factory=list)


def _fill(template, slots):
    return template.format(**slots)


def _capitalise(text):
    return text[:1].upper() + text[1:]


def synthetic_researcher_name(rng):
    """A (title, first, last, role) tuple drawn from everyday UK names."""
    title = rng.choice(["Dr", "Dr", "Dr", "Professor"])
    return title, rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), rng.choice(ROLES)


def project_dates(rng, today, status=None):
    """Award, start and end dates that give the wanted status on `today`.

    Dates are relative to today so that a fresh demo always shows a mix of
    finished, running and upcoming work, whatever year it is loaded in.
    """
    status = status or rng.choices(STATUSES, weights=(50, 38, 12))[0]
    duration = datetime.timedelta(days=rng.randint(365, 5 * 365))
    if status == "not-started":
        start = today + datetime.timedelta(days=rng.randint(14, 300))
    elif status == "active":
        start = today - rng.uniform(0.05, 0.95) * duration
    else:
        latest_end = today - datetime.timedelta(days=14)
        span = max((latest_end - duration - EARLIEST_START).days, 0)
        start = EARLIEST_START + datetime.timedelta(days=rng.randint(0, span))
        duration = min(duration, latest_end - start)
    start = max(start, EARLIEST_START)
    award = min(start - datetime.timedelta(days=rng.randint(30, 200)), today)
    return award, start, start + duration


def award_amount(rng, trial=False):
    """Log-uniform between £50k and £1.5m, so small grants outnumber large ones."""
    low = 300_000 if trial else MIN_AWARD
    value = low * (MAX_AWARD / low) ** rng.random()
    return Decimal(round(value / 10) * 10).quantize(Decimal("0.01"))


# Funding schemes of the kind UK medical research charities run, by size and kind of award.
FUNDING_SCHEMES = {
    "trial": "Clinical Trials Programme",
    "pilot": "Pilot Awards",
    "project": "Project Grants",
    "programme": "Catalyst Programme",
}


def funding_scheme(amount, trial=False):
    """The scheme an award of this size and kind is made under (no random draw, so adding it
    leaves every other generated value as it was)."""
    if trial:
        return FUNDING_SCHEMES["trial"]
    if amount < 100_000:
        return FUNDING_SCHEMES["pilot"]
    if amount < 500_000:
        return FUNDING_SCHEMES["project"]
    return FUNDING_SCHEMES["programme"]


def synthetic_project(rng, theme_slugs, today, primary=None, status=None, variant=None):
    """One invented project; `theme_slugs` are the themes that exist on the site.

    `variant` picks the title pattern, so that a small portfolio can give each
    project in a theme a different kind of title.
    """
    primary = primary or (rng.choice(theme_slugs) if theme_slugs else None)
    bank = BANKS.get(primary, GENERIC_BANK)
    is_trial = primary == "clinical-trials"
    target = rng.choice(bank.targets)
    slots = {
        "subtype": rng.choice(SUBTYPES_FOR_TARGET.get(target, SUBTYPES)),
        "method": rng.choice(bank.methods),
        "target": target,
        "acronym": rng.choice(TRIAL_ACRONYMS),
    }
    slots["model"] = rng.choice(bank.models).format(**slots)
    pattern = (
        rng.choice(bank.titles) if variant is None else bank.titles[variant % len(bank.titles)]
    )
    title = _capitalise(_fill(pattern, slots))
    # The aim is what differs between projects in a theme, so it is also the card text.
    aim = _fill(rng.choice(bank.aims), slots)
    lay = " ".join([rng.choice(bank.context), aim, rng.choice(MOTIVATIONS)])
    aims = rng.sample(bank.science, k=min(len(bank.science), rng.randint(2, 3)))
    science = (
        "<p>Main objectives:</p><ul>"
        + "".join(f"<li>{_capitalise(_fill(aim, slots))}</li>" for aim in aims)
        + "</ul>"
    )

    themes = [primary] if primary else []
    extra = [slug for slug in bank.related if slug in theme_slugs]
    themes += rng.sample(extra, k=rng.randint(0, min(2, len(extra))))

    award, start, end = project_dates(rng, today, status)
    project = SyntheticProject(
        title=title,
        lay_summary=f"<p>{lay}</p>",
        listing_summary=aim[:300],
        scientific_summary=science,
        theme_slugs=themes,
        award_amount=award_amount(rng, trial=is_trial),
        award_date=award,
        start_date=start,
        end_date=end,
    )
    project.funding_scheme = funding_scheme(project.award_amount, trial=is_trial)
    if is_trial or rng.random() < 0.05:
        project.trial_registration = f"NCT99{rng.randint(0, 999_999):06d}"
    project.outputs = _outputs(rng, bank, start, end, today)
    return project


def _outputs(rng, bank, start, end, today):
    """Papers only once a project has been running long enough to publish."""
    if not bank.paper_titles or (today - start).days < 2 * 365:
        return []
    outputs = []
    last_year = min(end.year + 1, today.year)
    for title in rng.sample(bank.paper_titles, k=rng.randint(0, len(bank.paper_titles))):
        journal, code = rng.choice(JOURNALS)
        year = rng.randint(min(start.year + 1, last_year), last_year)
        doi = f"10.5555/{code}.{year}.{rng.randint(1000, 99999)}"
        outputs.append(SyntheticOutput(title=title, journal=journal, year=year, doi=doi))
    return outputs
