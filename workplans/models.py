"""The workplan tree: clusters, actors, workplans, objectives, results, activities, quarters."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterplan.lib.pagecache import bump_site

from .text import fold, normalize_name


class ShownOnEveryPage:
    """A row shown outside one plan (names in filters and scopes, the dashboard): saving or
    deleting it raises the site version, so every cached page is rebuilt (``clusterplan.lib.pagecache``)."""

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        bump_site()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        bump_site()
        return result


class PartOfPlan:
    """A row of a plan's content: saving or deleting it raises that plan's generation (its
    statuses and cached pages). ``plan_ids()``: the plan's pk, or a ``values("pk")`` queryset."""

    def plan_ids(self):
        raise NotImplementedError

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        Workplan.bump_generation(self.plan_ids())

    def delete(self, *args, **kwargs):
        plans = self.plan_ids()
        if not isinstance(plans, int | None):
            plans = list(plans.values_list("pk", flat=True))  # read while the row is still there
        result = super().delete(*args, **kwargs)
        Workplan.bump_generation(plans)
        return result


class Cluster(models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=100, blank=True)
    four_eyes_validation = models.BooleanField(
        _("four-eyes validation"),
        default=True,
        help_text=_("A report cannot be validated by the person who entered it or last changed it."),
    )
    # Status thresholds (README "Progress maths"): the gap, in points, between the share of the
    # scheduled time elapsed and the share of the target achieved.
    on_track_tolerance = models.PositiveSmallIntegerField(
        _("on-track tolerance (points)"),
        default=15,
        validators=[MaxValueValidator(100)],
        help_text=_("An indicator up to this many points behind the time elapsed is on track."),
    )
    at_risk_tolerance = models.PositiveSmallIntegerField(
        _("at-risk tolerance (points)"),
        default=30,
        validators=[MaxValueValidator(100)],
        help_text=_("Up to this many points behind it is at risk; further behind, late."),
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(on_track_tolerance__lte=models.F("at_risk_tolerance")),
                name="cluster_on_track_tolerance_within_at_risk",
            )
        ]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        """The thresholds change every plan's statuses: their generations are raised."""
        super().save(*args, **kwargs)
        Workplan.bump_generation(Workplan.objects.filter(cluster_id=self.pk).values("pk"))

    @property
    def tolerance_points(self):
        return {"on_track": self.on_track_tolerance, "at_risk": self.at_risk_tolerance}


class AliasMatchQuerySet(models.QuerySet):
    """Looks a name up by code or alias, ignoring case, accents, spaces and hyphens."""

    def match(self, name):
        key = normalize_name(name)
        if not key:
            return None
        return self.filter(Q(normalized_code=key) | Q(aliases__normalized=key)).distinct().first()


class SubCluster(ShownOnEveryPage, models.Model):
    """Sub-clusters are in every activity filter and scope."""

    class Kind(models.TextChoices):
        CLUSTER = "cluster", _("Cluster")
        SUBCLUSTER = "subcluster", _("Sub-cluster")
        WORKING_GROUP = "working_group", _("Thematic working group")
        COMMISSION = "commission", _("Commission")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="subclusters", verbose_name=_("cluster"))
    code = models.CharField(_("code"), max_length=30, unique=True)
    normalized_code = models.CharField(max_length=60, editable=False, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SUBCLUSTER)
    lead = models.ForeignKey(
        "Actor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("lead")
    )
    co_lead = models.ForeignKey(
        "Actor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("co-lead")
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = AliasMatchQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("sub-cluster")
        verbose_name_plural = _("sub-clusters")

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        self.normalized_code = normalize_name(self.code)
        super().save(*args, **kwargs)


class SubClusterAlias(models.Model):
    subcluster = models.ForeignKey(SubCluster, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("alias"), max_length=200)
    normalized = models.CharField(max_length=200, unique=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sub-cluster alias")
        verbose_name_plural = _("sub-cluster aliases")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalized = normalize_name(self.name)
        super().save(*args, **kwargs)


class Actor(ShownOnEveryPage, models.Model):
    """Organisations' names are on every page (responsible actors, filters)."""

    class Kind(models.TextChoices):
        UN_AGENCY = "un_agency", _("UN agency")
        NGO = "ngo", _("NGO")
        GOVERNMENT = "government", _("Government")
        CLUSTER_BODY = "cluster_body", _("Cluster body")
        DONOR = "donor", _("Donor")
        RED_CROSS = "red_cross", _("Red Cross / Red Crescent")
        OTHER = "other", _("Other")

    acronym = models.CharField(_("acronym"), max_length=120, unique=True)
    normalized_code = models.CharField(max_length=240, editable=False, db_index=True)
    name = models.CharField(_("full name"), max_length=300, blank=True)
    name_en = models.CharField(_("full name in English"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    subcluster = models.ForeignKey(
        SubCluster,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actors",
        verbose_name=_("sub-cluster"),
        help_text=_("Set when this actor is a sub-cluster or thematic group of the cluster."),
    )

    objects = AliasMatchQuerySet.as_manager()

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")

    def __str__(self):
        return self.acronym

    def save(self, *args, **kwargs):
        self.normalized_code = normalize_name(self.acronym)
        super().save(*args, **kwargs)


class ActorAlias(models.Model):
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("alias"), max_length=300)
    normalized = models.CharField(max_length=300, unique=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("actor alias")
        verbose_name_plural = _("actor aliases")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalized = normalize_name(self.name)
        super().save(*args, **kwargs)


class Profile(ShownOnEveryPage, models.Model):
    """Whom a user works for: the scope of a coordinator or a member (it decides what their
    pages show: reports to review, …)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    organisation = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.SET_NULL, related_name="members", verbose_name=_("organisation")
    )
    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("cluster")
    )
    subcluster = models.ForeignKey(
        SubCluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("sub-cluster")
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="fr",
        help_text=_("The language of the emails this user receives."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)



class QuarterQuerySet(models.QuerySet):
    def between(self, first, last):
        """Quarters from ``first`` to ``last`` included, as (year, number) pairs."""
        return self.filter(ordinal__gte=Quarter.ordinal_of(*first), ordinal__lte=Quarter.ordinal_of(*last))

    def ensure_range(self, first, last):
        """Make sure every quarter of a range exists; return them in order."""
        wanted = [Quarter.from_ordinal(o) for o in range(Quarter.ordinal_of(*first), Quarter.ordinal_of(*last) + 1)]
        existing = {(q.year, q.number): q for q in self.between(first, last)}
        missing = [Quarter(year=y, number=n) for (y, n) in wanted if (y, n) not in existing]
        for quarter in missing:
            quarter.fill_dates()
        if missing:
            self.bulk_create(missing, ignore_conflicts=True)
            existing = {(q.year, q.number): q for q in self.between(first, last)}
        return [existing[pair] for pair in wanted]


class Quarter(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("quarter"), choices=[(n, f"Q{n}") for n in range(1, 5)])
    ordinal = models.PositiveIntegerField(editable=False, unique=True)
    start_date = models.DateField(_("start date"), editable=False)
    end_date = models.DateField(_("end date"), editable=False)

    objects = QuarterQuerySet.as_manager()

    class Meta:
        ordering = ["ordinal"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="unique_quarter")]
        verbose_name = _("quarter")
        verbose_name_plural = _("quarters")

    def __str__(self):
        return self.code

    @property
    def code(self):
        """``2020-Q3``: the stable key used in URLs, filters and exports."""
        return f"{self.year}-Q{self.number}"

    @property
    def label(self):
        """``T3 2020`` in French, ``Q3 2020`` in English."""
        return _("Q%(number)s %(year)s") % {"number": self.number, "year": self.year}

    @staticmethod
    def ordinal_of(year, number):
        return int(year) * 4 + int(number) - 1

    @staticmethod
    def from_ordinal(ordinal):
        return divmod(ordinal, 4)[0], divmod(ordinal, 4)[1] + 1

    @staticmethod
    def number_of_month(month):
        """The quarter (1-4) a month (1-12) falls in."""
        return (month - 1) // 3 + 1

    @staticmethod
    def dates_of(year, number):
        """The first and the last day of quarter ``number`` of ``year``."""
        first_month = (number - 1) * 3 + 1
        if number == 4:
            return datetime.date(year, first_month, 1), datetime.date(year, 12, 31)
        return datetime.date(year, first_month, 1), datetime.date(year, first_month + 3, 1) - datetime.timedelta(days=1)

    @staticmethod
    def pair_for_date(day):
        return day.year, Quarter.number_of_month(day.month)

    @staticmethod
    def parse_code(code):
        """``"2021-Q2"`` → ``(2021, 2)``; ``None`` when it is not a quarter code."""
        text = str(code or "").strip().upper().replace(" ", "")
        for sep in ("-Q", "Q", "-T", "T"):
            year, found, number = text.partition(sep)
            if found and year.isascii() and year.isdigit() and number in {"1", "2", "3", "4"} and len(year) == 4 and year != "0000":
                return int(year), int(number)
        return None

    def fill_dates(self):
        self.ordinal = self.ordinal_of(self.year, self.number)
        self.start_date, self.end_date = Quarter.dates_of(self.year, self.number)

    def save(self, *args, **kwargs):
        self.fill_dates()
        super().save(*args, **kwargs)

    def has_ended(self, today):
        return self.end_date < today

    def has_started(self, today):
        return self.start_date <= today

    @property
    def months(self):
        first = (self.number - 1) * 3 + 1
        return [first, first + 1, first + 2]


class Workplan(models.Model):
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="workplans", verbose_name=_("cluster")
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, help_text=_("Footnotes and remarks kept from the source table."))
    source_file_name = models.CharField(_("source file"), max_length=255, blank=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("imported by"),
    )
    generation = models.PositiveBigIntegerField(
        _("generation"), default=0, editable=False,
        help_text=_("Raised by every change the progress maths read: the key of the plan-status cache."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("workplan")
        verbose_name_plural = _("workplans")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:workplan", args=[self.slug])

    def save(self, *args, **kwargs):
        """Saves the plan and raises its generation (its dates change statuses; its title is on
        its pages) and the site version (plans are listed in every filter and on the dashboard).

        An update never writes ``generation`` back: an instance loaded before another writer
        raised it would put the counter back to a value the caches already used."""
        if not self._state.adding and not kwargs.get("force_insert") and kwargs.get("update_fields") is None:
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "generation" and f.attname not in deferred
            ]
        super().save(*args, **kwargs)
        if self.start_date and self.end_date:
            # The plan's writer owns its quarters: pages only read them (``quarters()``).
            Quarter.objects.ensure_range(self._first_quarter(), self._last_quarter())
        Workplan.bump_generation(self.pk)
        self.__dict__.pop("generation", None)  # stale now: read again when asked for
        bump_site()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        bump_site()
        return result

    @staticmethod
    def bump_generation(workplan_ids):
        """Every writer of what the progress maths read calls this (one UPDATE, race-free).

        ``workplan_ids``: an id, a list of ids or a ``values("pk")`` queryset."""
        if workplan_ids is None:
            return
        if isinstance(workplan_ids, int):
            workplan_ids = [workplan_ids]
        Workplan.objects.filter(pk__in=workplan_ids).update(generation=F("generation") + 1)

    def has_ended(self, today=None):
        """A plan past its end date is ended (« Terminé »): its result is final."""
        today = today or timezone.localdate()
        return self.end_date is not None and self.end_date < today

    def _first_quarter(self):
        return Quarter.pair_for_date(self.start_date)

    def _last_quarter(self):
        return Quarter.pair_for_date(self.end_date)

    def quarters(self):
        """Every quarter of the plan's span, in order (read only: ``save()`` creates them)."""
        if not (self.start_date and self.end_date):
            return []
        return list(Quarter.objects.between(self._first_quarter(), self._last_quarter()).order_by("ordinal"))


class Objective(PartOfPlan, models.Model):
    """An objective, or a level above objectives ("Axe prioritaire", "Objectif général")."""

    workplan = models.ForeignKey(Workplan, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("workplan"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", verbose_name=_("parent")
    )
    code = models.CharField(_("code"), max_length=30, blank=True)
    title = models.TextField(_("title"))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["workplan", "order", "id"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self):
        return f"{self.code} {self.title[:80]}".strip()

    def plan_ids(self):
        """Titles and the tree's shape are on the plan's pages."""
        return self.workplan_id


class ExpectedResult(PartOfPlan, models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="results", verbose_name=_("objective"))
    code = models.CharField(_("code"), max_length=30, blank=True)
    title = models.TextField(_("title"))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["objective", "order", "id"]
        verbose_name = _("expected result")
        verbose_name_plural = _("expected results")

    def __str__(self):
        return f"{self.code} {self.title[:80]}".strip()

    def plan_ids(self):
        """Titles and the tree's shape are on the plan's pages."""
        return Workplan.objects.filter(objectives=self.objective_id).values("pk")


class ActivityQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def for_workplan(self, workplan):
        return self.filter(workplan=workplan)

    def for_subcluster(self, subcluster):
        """Activities for which the sub-cluster (or one of its actors) is responsible."""
        return self.filter(actor_links__actor__subcluster=subcluster).distinct()

    def for_actor(self, actor):
        return self.filter(actor_links__actor=actor).distinct()

    def in_quarter(self, quarter):
        return self.filter(quarters=quarter)

    def search(self, words):
        """Activities whose code, title, place or one of whose active indicators holds every word
        (case and accents ignored).

        The activity's own words are in ``search_text`` (written by ``Activity.save`` alone, from
        the activity's own fields); the indicators' texts are searched where they are, folded by
        the database (``workplans.db.Fold``: ``lower(unaccent())`` on PostgreSQL, the same
        ``fold()`` as Python on SQLite), so that no copy of them can go stale."""
        from .db import Fold

        indicators = Activity._meta.get_field("indicators").related_model.objects.filter(archived_at__isnull=True)
        qs = self
        for word in fold(words).split():
            matching = indicators.annotate(folded=Fold("text")).filter(folded__contains=Fold(models.Value(word)))
            qs = qs.filter(Q(search_text__contains=word) | Q(pk__in=matching.values("activity_id")))
        return qs


class Activity(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        REGIONAL = "regional", _("Regional")
        LOCAL = "local", _("Local")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    workplan = models.ForeignKey(Workplan, on_delete=models.CASCADE, related_name="activities", verbose_name=_("workplan"))
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="activities", verbose_name=_("objective"))
    result = models.ForeignKey(
        ExpectedResult,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("expected result"),
    )
    code = models.CharField(_("code"), max_length=30, blank=True)
    title = models.TextField(_("title"))
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    resources = models.TextField(_("resources"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    period_text = models.CharField(_("period as written"), max_length=300, blank=True)
    quarters = models.ManyToManyField(Quarter, blank=True, related_name="activities", verbose_name=_("quarters"))
    months = models.JSONField(
        _("months"), default=list, blank=True, help_text=_('Scheduled months where the source gives them, as "2019-03".')
    )
    actors = models.ManyToManyField(
        Actor, through="ActivityActor", related_name="activities", verbose_name=_("responsible actors")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    search_text = models.TextField(editable=False, blank=True)
    source_ref = models.CharField(
        _("source reference"), max_length=100, blank=True, help_text=_("Where the importer read this row.")
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["workplan", "order", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self):
        return f"{self.code} {self.title[:80]}".strip()

    def get_absolute_url(self):
        return f"{self.workplan.get_absolute_url()}#activity-{self.pk}"

    def build_search_text(self):
        """The activity's own words, folded (its indicators are searched in place: ``search``)."""
        return fold(" ".join([self.code, self.title, self.place]))

    def save(self, *args, **kwargs):
        """The ``q`` filter reads ``search_text``: written here, from the activity's own fields."""
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)
        Workplan.bump_generation(self.workplan_id)

    def delete(self, *args, **kwargs):
        workplan_id = self.workplan_id
        result = super().delete(*args, **kwargs)
        Workplan.bump_generation(workplan_id)
        return result

    def set_schedule(self, quarters):
        """Change the quarters the activity is scheduled in (its plan's statuses change)."""
        self.quarters.set(quarters)
        Workplan.bump_generation(self.workplan_id)


class ActivityActor(PartOfPlan, models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        SUPPORT = "support", _("Support")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="actor_links")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="activity_links", verbose_name=_("actor"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LEAD)
    role_note = models.CharField(_("role note"), max_length=200, blank=True, help_text=_('For example "Secrétariat".'))
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["activity", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "actor", "role"], name="unique_activity_actor_role")]
        verbose_name = _("responsible actor")
        verbose_name_plural = _("responsible actors")

    def __str__(self):
        return f"{self.actor} ({self.get_role_display()})"

    def plan_ids(self):
        """Who is responsible is on the plan's pages and decides who may record."""
        return Workplan.objects.filter(activities=self.activity_id).values("pk")


def bump_everything():
    """Every plan's generation and the site version: for a bulk write (the admin's "delete
    selected") whose rows' plans are not worth finding."""
    Workplan.objects.update(generation=F("generation") + 1)
    bump_site()
