"""Cluster meetings, their agenda items and action points; the cluster's contacts."""

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusterplan.lib.pagecache import bump_site
from workplans.models import Activity, Actor, Cluster, ShownOnEveryPage, SubCluster


def split_names(text, separators=(",", ";")):
    """Split a list of names written by hand, ignoring separators inside parentheses.

    >>> split_names("UNHCR, MINUSMA (CAD, PE), NRC,")
    ['UNHCR', 'MINUSMA (CAD, PE)', 'NRC']
    """
    names, depth, current = [], 0, []
    for ch in str(text or ""):
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        if ch in separators and depth == 0:
            names.append("".join(current))
            current = []
        else:
            current.append(ch)
    names.append("".join(current))
    return [name.strip(" .\t\n\r") for name in names if name.strip(" .\t\n\r")]


def match_actors(names):
    """``(actors, unmatched names)``: each name looked up by acronym or alias.

    "MINUSMA (CAD, OSWPA)" is matched on "MINUSMA" when the whole name is unknown.
    """
    actors, unmatched = [], []
    for name in names:
        actor = Actor.objects.match(name)
        if actor is None and "(" in name:
            actor = Actor.objects.match(name.split("(", 1)[0])
        if actor is None:
            unmatched.append(name)
        elif actor not in actors:
            actors.append(actor)
    return actors, unmatched


class MeetingQuerySet(models.QuerySet):
    def for_list(self):
        """With ``agenda_count`` and ``open_count``, counted by subqueries (no row multiplication)."""

        def count_of(model, **filters):
            rows = model.objects.filter(meeting=OuterRef("pk"), **filters).order_by().values("meeting")
            return Coalesce(Subquery(rows.annotate(n=models.Count("pk")).values("n")), 0)

        return (
            self.select_related("cluster", "subcluster", "co_facilitator")
            .annotate(agenda_count=count_of(AgendaItem), open_count=count_of(ActionPoint, status="open"))
            .order_by("-date", "-id")
        )

    def same_body(self, meeting):
        """Meetings of the same cluster and sub-cluster (or of the cluster itself) as ``meeting``."""
        return self.filter(cluster_id=meeting.cluster_id, subcluster_id=meeting.subcluster_id)


class Meeting(ShownOnEveryPage, models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("cluster"))
    subcluster = models.ForeignKey(
        SubCluster,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("sub-cluster or group"),
        help_text=_("Leave empty for a meeting of the whole cluster."),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    chair = models.CharField(_("chair"), max_length=300, blank=True)
    co_facilitator = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="co_facilitated_meetings",
        verbose_name=_("co-facilitation"),
    )
    participants_count = models.PositiveIntegerField(_("number of participants"), null=True, blank=True)
    organisations_text = models.TextField(
        _("organisations present"), blank=True, help_text=_("As written in the minutes, separated by commas.")
    )
    organisations = models.ManyToManyField(
        Actor, blank=True, related_name="meetings_attended", verbose_name=_("organisations present (matched)")
    )
    introduction = models.TextField(_("introduction"), blank=True)
    minutes_author = models.CharField(_("minutes written by"), max_length=200, blank=True)
    minutes_author_role = models.CharField(_("role of the minutes' author"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self):
        return f"{self.body_code} {self.date:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])

    @property
    def body_code(self):
        return self.subcluster.code if self.subcluster_id else self.cluster.code

    @property
    def display_title(self):
        return self.title or _("Meeting of %(body)s") % {"body": self.body_code}

    def _earlier(self):
        return Meeting.objects.same_body(self).filter(Q(date__lt=self.date) | Q(date=self.date, pk__lt=self.pk))

    def previous(self):
        """The meeting of the same body held just before this one, or ``None``."""
        return self._earlier().order_by("-date", "-pk").first()

    def set_organisations_from_text(self):
        """Match the organisations written in ``organisations_text`` to actors (unknown names stay in the text)."""
        actors, _unmatched = match_actors(split_names(self.organisations_text))
        self.organisations.set(actors)

    def follow_up_points(self):
        """The action points to follow up at this meeting: those of the previous meeting still open,
        with any older ones still open (carried over), and those already reviewed here (so they
        stay on the page once closed)."""
        return (
            ActionPoint.objects.filter(meeting__in=self._earlier())
            .filter(Q(status=ActionPoint.Status.OPEN) | Q(reviewed_in=self))
            .for_list()
            .order_by("meeting__date", "meeting_id", "order", "id")
        )


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting"))
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("agenda item"), max_length=500)
    discussion = models.TextField(_("discussions / information"), blank=True)
    recommendations = models.TextField(_("recommendations / decisions"), blank=True)

    class Meta:
        ordering = ["meeting", "order", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return self.title[:80]


class ActionPointQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related(
            "meeting", "meeting__cluster", "meeting__subcluster", "activity", "activity__workplan", "reviewed_in"
        ).prefetch_related("owners")

    def open(self):
        return self.filter(status=ActionPoint.Status.OPEN)

    def overdue(self, today):
        """Open points whose deadline has passed."""
        return self.open().filter(deadline__lt=today)

    def for_owner(self, actor=None, person=""):
        qs = self
        if actor is not None:
            qs = qs.filter(owners=actor)
        if person:
            qs = qs.filter(owner_people__icontains=person.strip())
        return qs.distinct() if actor is not None else qs


class ActionPoint(ShownOnEveryPage, models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_points", verbose_name=_("meeting"))
    order = models.PositiveIntegerField(_("order"), default=0)
    what = models.TextField(_("action"))
    owners = models.ManyToManyField(Actor, blank=True, related_name="action_points", verbose_name=_("responsible organisations"))
    owner_people = models.CharField(
        _("responsible people"), max_length=300, blank=True, help_text=_("Names of people, or bodies that are not actors.")
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    follow_up = models.TextField(_("follow-up notes"), blank=True)
    activity = models.ForeignKey(
        Activity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_points",
        verbose_name=_("workplan activity"),
    )
    reviewed_in = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_action_points",
        verbose_name=_("last reviewed at"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionPointQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "order", "id"]
        verbose_name = _("action point")
        verbose_name_plural = _("action points")

    def __str__(self):
        return self.what[:80]

    def set_owners_from_text(self, text):
        """"UNHCR / CCP, Jean Diarra": actors by acronym or alias become owners, other names go to ``owner_people``."""
        actors, people = match_actors(split_names(text, separators=(",", ";", "/")))
        self.owner_people = ", ".join(people)[:300]
        self.save(update_fields=["owner_people"])
        self.owners.set(actors)
        bump_site()

    def owners_display(self):
        """Who, as one line: the organisations then the people."""
        names = [actor.acronym for actor in self.owners.all()]
        if self.owner_people:
            names.append(self.owner_people)
        return ", ".join(names)

    def is_overdue(self, today):
        return self.status == self.Status.OPEN and self.deadline is not None and self.deadline < today


class ContactQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("organisation", "subcluster")


class Contact(models.Model):
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts", verbose_name=_("organisation")
    )
    subcluster = models.ForeignKey(
        SubCluster,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
        verbose_name=_("sub-cluster or group"),
        help_text=_("Set for the focal points of a sub-cluster or thematic group."),
    )
    region = models.CharField(_("region"), max_length=100, blank=True, help_text=_("Gao, Mopti, Tombouctou …"))
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return self.name

    @property
    def where(self):
        """The sub-cluster or the region the contact works for."""
        return self.subcluster.code if self.subcluster_id else self.region
