"""Builds the demo site from `portfolio.demo.content`.

Every object is looked up by a stable key (a slug, an image title, a name)
before it is created, so a second run finds everything in place and changes
nothing: no new revisions, no edited pages, no reset password. Pages are
published through revisions, as an editor would, so the admin shows a
normal history for each of them.
"""

import json
import random
import re
import uuid
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import DraftStateMixin, Page, RevisionMixin, Site

from portfolio.base.models import NavigationSettings, SiteSettings
from portfolio.base.slugs import short_slug
from portfolio.demo.synthetic import synthetic_project
from portfolio.editorial import setup_editorial
from portfolio.models import (
    HomeFeaturedProject,
    HomeFeaturedTheme,
    HomePage,
    StandardPage,
    StrategyPage,
)
from research.glossary_models import GlossaryTerm
from research.models import (
    Achievement,
    AchievementIndexPage,
    Institution,
    ProjectOutput,
    Quote,
    Researcher,
    ResearchIndexPage,
    ResearchProjectPage,
    Theme,
)
from stories.models import Author, StoryIndexPage, StoryPage

from . import content
from .assets import DemoAccountsAndImagesMixin
from .glossary import GLOSSARY, OTHER_NAMES

PAGE_LINK = re.compile(r'<a page="([a-z0-9-]+)">')
# Demo projects cycle through these so that every status shows on any day.
STATUS_CYCLE = ["completed", "active", "completed", "not-started", "active", "completed"]
THEME_IMAGE_ALT = (
    "Abstract illustration of rounded pink cells with dark centres on a soft, pale background."
)


class DemoLoader(DemoAccountsAndImagesMixin):
    def __init__(self, today=None):
        self.today = today or timezone.localdate()
        self.notices = []
        self.created = defaultdict(int)
        self.pages = {}
        self.themes = {}
        self.institutions = {}
        self.researchers = {}
        self.quotes = {}
        self.achievements = {}
        self.authors = {}
        self.projects = {}
        self.demo_project_slugs = []

    # The order matters: snippets before the pages that choose them, and
    # projects before the stories, strategy and home page that feature them.
    def load(self):
        self.admin = self.ensure_admin()
        self.ensure_demo_users()
        self.load_taxonomy()
        self.load_glossary()
        home, home_is_new = self.ensure_home()
        site = self.ensure_site(home)
        research = self.child_page(home, ResearchIndexPage, content.RESEARCH_INDEX, "research")
        self.load_projects(research)
        self.child_page(research, AchievementIndexPage, content.ACHIEVEMENT_INDEX, "achievements")
        self.load_achievements_and_quotes()
        self.load_stories(home)
        self.load_strategy(home)
        for data in content.STANDARD_PAGES:
            self.child_page(
                home, StandardPage, {**data, "body": self.stream(data["body"])}, data["slug"]
            )
        if home_is_new:
            self.publish_home(home)
        self.load_settings(site)
        # The workflow goes on the research and stories pages, which exist only now.
        assigned = setup_editorial().assigned
        if assigned:
            self.created["workflow assignments"] += len(assigned)
        return self

    # People and access -------------------------------------------------

    # Snippets ----------------------------------------------------------

    def snippet(self, model, lookup, fields, m2m=None):
        """Get by `lookup`, or create, save a revision and publish as an editor would."""
        obj = model.objects.filter(**lookup).first()
        if obj:
            return obj
        obj = model(**lookup, **fields)
        for name, values in (m2m or {}).items():
            setattr(obj, name, values)
        obj.save()
        if isinstance(obj, RevisionMixin):
            revision = obj.save_revision(user=self.admin)
            if isinstance(obj, DraftStateMixin):
                revision.publish(user=self.admin)
                obj.refresh_from_db()
        self.created[str(model._meta.verbose_name_plural)] += 1
        return obj

    def load_taxonomy(self):
        for order, data in enumerate(content.THEMES, start=1):
            picture = self.hero_image(
                f"theme-{data['slug']}", f"Theme: {data['name']}", THEME_IMAGE_ALT
            )
            fields = {k: v for k, v in data.items() if k != "slug"}
            self.themes[data["slug"]] = self.snippet(
                Theme,
                {"slug": data["slug"]},
                {**fields, "sort_order": order * 10, "listing_image": picture},
            )
        for data in content.INSTITUTIONS:
            fields = {k: v for k, v in data.items() if k != "slug"}
            self.institutions[data["slug"]] = self.snippet(
                Institution, {"slug": data["slug"]}, fields
            )
        for data in content.RESEARCHERS:
            self.add_researcher(data)
        for title, first, last, role, institution in content.SYNTHETIC_RESEARCHERS:
            self.add_researcher(
                {
                    "slug": slugify(f"{first} {last}"),
                    "title": title,
                    "first_name": first,
                    "last_name": last,
                    "role": role,
                    "institution": institution,
                }
            )
        for data in content.AUTHORS:
            photo = self.avatar(f"author-{data['name']}", data["name"], data["initials"])
            self.authors[data["name"]] = self.snippet(
                Author,
                {"name": data["name"]},
                {"role": data["role"], "photo": photo, "is_team": data.get("is_team", False)},
            )

    def load_glossary(self):
        """The demo glossary (portfolio/demo/glossary.py); terms already there are kept."""
        for term, explanation, aliases, theme_slugs in GLOSSARY:
            if GlossaryTerm.objects.filter(term=term).exists():
                continue
            other_names = OTHER_NAMES.get(term, "")
            named = {name.strip().lower() for name in other_names.split(",")}
            aliases = ", ".join(
                alias.strip() for alias in aliases.split(",") if alias.strip().lower() not in named
            )
            entry = GlossaryTerm.objects.create(
                term=term, explanation=explanation, other_names=other_names, aliases=aliases
            )
            entry.themes.set([self.themes[slug] for slug in theme_slugs])
            self.created["glossary terms"] += 1

    def add_researcher(self, data):
        fields = {k: v for k, v in data.items() if k not in {"slug", "institution"}}
        name = " ".join(p for p in (data["title"], data["first_name"], data["last_name"]) if p)
        initials = data["first_name"][0] + data["last_name"][0]
        fields["photo"] = self.avatar(f"researcher-{data['slug']}", name, initials)
        fields["institution"] = self.institutions[data["institution"]]
        self.researchers[data["slug"]] = self.snippet(Researcher, {"slug": data["slug"]}, fields)

    # Pages -------------------------------------------------------------

    def child_page(self, parent, model, data, key):
        """The child of `parent` with this slug, created and published if missing."""
        fields = {k: v for k, v in data.items() if k not in {"slug"}}
        page = model.objects.child_of(parent).filter(slug=data["slug"]).first()
        if page is None:
            page = model(slug=data["slug"], owner=self.admin, **fields)
            parent.add_child(instance=page)
            page.save_revision(user=self.admin).publish(user=self.admin)
            self.created["pages"] += 1
        self.pages[key] = page
        return page

    def ensure_home(self):
        """The home page at depth 2, replacing Wagtail's placeholder "Welcome" page.

        A new home page stays a draft until the end of the load, when the
        projects it features exist; it is then published once.
        """
        home = HomePage.objects.first()
        if home:
            self.pages["home"] = home
            return home, False
        placeholder = ContentType.objects.get_for_model(Page)
        for page in Page.objects.filter(depth=2, content_type=placeholder, numchild=0):
            page.delete()
        root = Page.get_first_root_node()
        data = content.HOME
        home = HomePage(
            title=data["title"],
            slug=data["slug"],
            seo_title=data["seo_title"],
            search_description=data["search_description"],
            mission=data["mission"],
            introduction=data["introduction"],
            donate_heading=data["donate_heading"],
            donate_text=data["donate_text"],
            donate_button_label=data["donate_button_label"],
            hero_image=self.hero_image("home", *content.HERO_IMAGES["home"]),
            ambitions=self.stream([("ambition", a) for a in content.AMBITIONS]),
            key_facts=self.stream([("fact", f) for f in data["key_facts"]]),
            owner=self.admin,
            live=False,
        )
        root.add_child(instance=home)
        self.created["pages"] += 1
        self.pages["home"] = home
        return home, True

    def ensure_site(self, home):
        site = Site.objects.filter(root_page=home).first()
        if site:
            return site
        site = Site.objects.filter(is_default_site=True).first() or Site()
        site.hostname = "127.0.0.1"
        site.port = 8000
        site.site_name = content.SITE_NAME
        site.root_page = home
        site.is_default_site = True
        site.save()
        return site

    def publish_home(self, home):
        data = content.HOME
        home.featured_themes = [
            HomeFeaturedTheme(theme=self.themes[slug], sort_order=i)
            for i, slug in enumerate(data["featured_themes"])
        ]
        home.featured_projects = [
            HomeFeaturedProject(project=project, sort_order=i)
            for i, project in enumerate(self.resolve_projects(self.featured_project_refs()))
        ]
        home.save_revision(user=self.admin).publish(user=self.admin)

    def featured_project_refs(self):
        keys = [p["slug"] for p in content.KEY_PROJECTS]
        return keys + ["theme:liquid-biopsy", "theme:cancer-stem-cells", "theme:tissue-samples"]

    # Projects ----------------------------------------------------------

    def load_projects(self, research):
        existing = {p.slug: p for p in ResearchProjectPage.objects.child_of(research)}
        for data in content.KEY_PROJECTS:
            self.projects[data["slug"]] = existing.get(data["slug"]) or self.add_project(
                research, data
            )
        # A site loaded before generated slugs were cut at a word boundary has the same
        # projects under older slugs: found by their grant reference, not added again.
        by_reference = {p.grant_reference: p for p in existing.values() if p.grant_reference}
        for slug, data in self.demo_project_data():
            self.demo_project_slugs.append(slug)
            self.projects[slug] = (
                existing.get(slug)
                or by_reference.get(data["grant_reference"])
                or self.add_project(research, data)
            )

    def demo_project_data(self):
        """The generated projects: the same titles and people every run, from a fixed seed.

        Each project gets its own seeded generator, so its text never depends
        on the dates drawn for the projects before it (dates follow today).
        """
        theme_slugs = [t["slug"] for t in content.THEMES]
        leads = [slugify(f"{r[1]} {r[2]}") for r in content.SYNTHETIC_RESEARCHERS]
        taken = {p["slug"] for p in content.KEY_PROJECTS}
        for i in range(content.GENERATED_PROJECT_COUNT):
            primary = theme_slugs[i % len(theme_slugs)]
            status = STATUS_CYCLE[i % len(STATUS_CYCLE)]
            attempt = 0
            while True:
                rng = random.Random(f"{content.DEMO_SEED}-{i}-{attempt}")
                variant = i // len(theme_slugs) + attempt
                project = synthetic_project(
                    rng, theme_slugs, self.today, primary, status, variant=variant
                )
                slug = short_slug(project.title, 80)
                # Trial acronyms come first in a title; two trials must not share one.
                acronym = project.title.split(":")[0] if ":" in project.title else None
                if slug not in taken and acronym not in taken:
                    break
                attempt += 1
            taken.update({slug, acronym} - {None})
            people = random.Random(f"{content.DEMO_SEED}-{i}-people")
            lead, *co_investigators = people.sample(leads, k=people.randint(1, 3))
            yield (
                slug,
                {
                    "slug": slug,
                    "title": project.title,
                    "listing_summary": project.listing_summary,
                    "lay_summary": project.lay_summary,
                    "scientific_summary": project.scientific_summary,
                    "themes": project.theme_slugs,
                    "lead": lead,
                    "co_investigators": co_investigators,
                    "institution": None,
                    "award_amount": project.award_amount,
                    "award_date": project.award_date,
                    "start_date": project.start_date,
                    "end_date": project.end_date,
                    "grant_reference": f"BCN-{project.award_date.year}-{i + 100:04d}",
                    "trial_registration": project.trial_registration,
                    "funding_scheme": project.funding_scheme,
                    "outputs": project.outputs,
                    "image": primary,
                },
            )

    def add_project(self, research, data):
        lead = self.researchers[data["lead"]]
        institution = (
            self.institutions[data["institution"]] if data["institution"] else lead.institution
        )
        page = ResearchProjectPage(
            title=data["title"],
            slug=data["slug"],
            owner=self.admin,
            listing_summary=data["listing_summary"],
            search_description=data["listing_summary"],
            lay_summary=data["lay_summary"],
            scientific_summary=data["scientific_summary"],
            lead_researcher=lead,
            institution=institution,
            award_amount=data["award_amount"],
            award_date=data["award_date"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            grant_reference=data["grant_reference"],
            trial_registration=data.get("trial_registration", ""),
            funding_scheme=data.get("funding_scheme", ""),
            image=self.themes[data["image"]].listing_image,
        )
        page.themes = [self.themes[slug] for slug in data["themes"]]
        page.co_investigators = [self.researchers[s] for s in data.get("co_investigators", [])]
        page.outputs = [
            ProjectOutput(title=o.title, journal=o.journal, year=o.year, doi=o.doi, sort_order=n)
            for n, o in enumerate(data.get("outputs", []))
        ]
        research.add_child(instance=page)
        page.save_revision(user=self.admin).publish(user=self.admin)
        self.created["pages"] += 1
        return page

    def resolve_projects(self, refs, per_theme=2):
        """Project slugs as given, and `theme:SLUG` as the first demo projects in that theme."""
        chosen = []
        for ref in refs:
            if ref.startswith("theme:"):
                theme = self.themes[ref.removeprefix("theme:")]
                in_theme = [
                    self.projects[slug]
                    for slug in self.demo_project_slugs
                    if theme.pk in {t.pk for t in self.projects[slug].themes.all()}
                ]
                chosen += [p for p in in_theme if p not in chosen][:per_theme]
            elif self.projects[ref] not in chosen:
                chosen.append(self.projects[ref])
        return chosen

    # Achievements, quotes, stories, strategy -----------------------------

    def load_achievements_and_quotes(self):
        for data in content.ACHIEVEMENTS:
            title, alt = content.HERO_IMAGES[data["key"]]
            self.achievements[data["key"]] = self.snippet(
                Achievement,
                {"title": data["title"]},
                {
                    "summary": data["summary"],
                    "date": data["date"],
                    "kind": data["kind"],
                    "image": self.hero_image(data["key"], title, alt),
                    "source_url": content.BCN_URL,
                    "source_label": "Breast Cancer Now",
                },
                m2m={
                    "themes": [self.themes[s] for s in data["themes"]],
                    "researchers": [self.researchers[s] for s in data["researchers"]],
                },
            )
        for data in content.QUOTES:
            researcher = self.researchers[data["researcher"]]
            self.quotes[data["key"]] = self.snippet(
                Quote,
                {"researcher": researcher, "context": data["context"]},
                {
                    "text": data["text"],
                    "show_on_home": data.get("show_on_home", False),
                    "achievement": self.achievements[data["achievement"]],
                },
            )

    def load_stories(self, home):
        index = self.child_page(home, StoryIndexPage, content.STORY_INDEX, "stories")
        for data in content.STORIES:
            if StoryPage.objects.child_of(index).filter(slug=data["slug"]).exists():
                continue
            projects = self.resolve_projects(data["projects"])
            page = StoryPage(
                title=data["title"],
                slug=data["slug"],
                owner=self.admin,
                date=data["date"],
                intro=data["intro"],
                listing_summary=data["intro"][:300],
                hero_image=self.hero_image(
                    f"story-{data['slug']}", f"Story: {data['title']}", data["hero_alt"]
                ),
                body=self.stream(data["body"], projects=projects),
            )
            page.authors = [self.authors[name] for name in data["authors"]]
            page.themes = [self.themes[slug] for slug in data["themes"]]
            page.related_projects = projects
            page.tags.add(*data["tags"])
            index.add_child(instance=page)
            page.save_revision(user=self.admin).publish(user=self.admin)
            self.created["pages"] += 1

    def load_strategy(self, home):
        data = content.STRATEGY
        blocks = [
            ("paragraph", data["opening"]),
            ("heading", "Our ambitions"),
            *[("ambition", ambition) for ambition in content.AMBITIONS],
            ("heading", "Our four priorities"),
            *[("priority", priority) for priority in content.PRIORITIES],
            ("quote", content.STRATEGY_QUOTE),
            (
                "call_to_action",
                {
                    "heading": "See the research we fund",
                    "text": "Browse every project by theme, researcher or institution.",
                    "button_label": "Explore our research",
                    "page": "research",
                },
            ),
        ]
        fields = {
            "title": data["title"],
            "slug": data["slug"],
            "listing_summary": data["listing_summary"],
            "introduction": data["introduction"],
            "listing_image": self.hero_image("strategy", *content.HERO_IMAGES["strategy"]),
        }
        if not StrategyPage.objects.child_of(home).filter(slug=data["slug"]).exists():
            fields["body"] = self.stream(blocks)
        self.child_page(home, StrategyPage, fields, "strategy")

    # Settings ----------------------------------------------------------

    def load_settings(self, site):
        identity, _ = SiteSettings.objects.get_or_create(site=site, defaults=content.SITE_SETTINGS)
        if identity.default_share_image_id is None:
            # Also on a site loaded before there was one; an editor's choice is kept.
            identity.default_share_image = self.share_card()
            identity.save(update_fields=["default_share_image"])
        if not NavigationSettings.objects.filter(site=site).exists():
            NavigationSettings.objects.create(
                site=site,
                header_links=self.stream(
                    [("link", self.link(*item)) for item in content.HEADER_LINKS]
                ),
                footer_links=self.stream(
                    [("link", self.link(*item)) for item in content.FOOTER_LINKS]
                ),
                footer_text=content.FOOTER_TEXT,
            )

    def link(self, label, target):
        if target.startswith("http"):
            return {"label": label, "page": None, "url": target}
        return {"label": label, "page": self.pages[target].pk, "url": ""}

    # StreamField raw data ------------------------------------------------

    def rich_text(self, html):
        """Swap `<a page="KEY">` for Wagtail's stored page-link markup."""
        return PAGE_LINK.sub(lambda m: f'<a linktype="page" id="{self.pages[m[1]].pk}">', html)

    def stream(self, blocks, projects=()):
        """StreamField JSON from (block type, value) pairs, resolving keys to ids."""
        raw = [
            {
                "type": kind,
                "value": self.block_value(kind, value, projects),
                "id": str(uuid.uuid4()),
            }
            for kind, value in blocks
        ]
        return json.dumps(raw, cls=DjangoJSONEncoder)

    def block_value(self, kind, value, projects):
        if kind == "paragraph":
            return self.rich_text(value)
        if kind == "heading":
            return {"text": value, "level": "h2"}
        if kind == "fact_box":
            return {"heading": value["heading"], "body": self.rich_text(value["body"])}
        if kind == "library_quote":
            return {"quote": self.quotes[value].pk}
        if kind == "related_projects":
            return {"heading": value["heading"], "projects": list_items(p.pk for p in projects)}
        if kind == "call_to_action":
            page = value.get("page")
            return {
                "heading": value["heading"],
                "text": value.get("text", ""),
                "button_label": value["button_label"],
                "page": self.pages[page].pk if page else None,
                # Empty: the default donation page from Site settings.
                "donate_url": "",
            }
        if kind == "ambition":
            themes = list_items(self.themes[s].pk for s in value.get("themes", []))
            return {**value, "themes": themes}
        if kind == "priority":
            refs = value.get("projects", []) + [f"theme:{s}" for s in value["project_themes"]]
            return {
                "heading": value["heading"],
                "summary": self.rich_text(value["summary"]),
                "themes": list_items(self.themes[s].pk for s in value["themes"]),
                "projects": list_items(p.pk for p in self.resolve_projects(refs)),
            }
        return value


def list_items(values):
    """ListBlock's stored form: each item carries its own id."""
    return [{"type": "item", "value": v, "id": str(uuid.uuid4())} for v in values]
