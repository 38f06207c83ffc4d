"""Forms for meetings: the minutes with inline formsets, follow-ups, the action point filters."""

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from workplans.models import Activity, Actor, Cluster, SubCluster

from .models import ActionPoint, AgendaItem, Meeting
from .permissions import meeting_scope_of

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "cluster", "subcluster", "title", "date", "place", "chair", "co_facilitator", "participants_count",
            "organisations_text", "introduction", "minutes_author", "minutes_author_role",
        ]
        widgets = {
            "date": DATE_INPUT,
            "organisations_text": forms.Textarea(attrs={"rows": 2}),
            "introduction": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        scope = meeting_scope_of(user)
        clusters, subclusters = Cluster.objects.all(), SubCluster.objects.select_related("cluster")
        if scope is not None:
            cluster_ids, subcluster_ids = scope
            clusters = clusters.filter(pk__in=cluster_ids) | clusters.filter(subclusters__in=subcluster_ids)
            clusters = clusters.distinct()
            if not cluster_ids:
                subclusters = subclusters.filter(pk__in=subcluster_ids)
            else:
                subclusters = subclusters.filter(cluster_id__in=cluster_ids)
        self.fields["cluster"].queryset = clusters
        self.fields["subcluster"].queryset = subclusters
        self.fields["co_facilitator"].queryset = Actor.objects.all()
        if not self.instance.pk and len(clusters) == 1:
            self.fields["cluster"].initial = clusters[0]

    def clean(self):
        data = super().clean()
        cluster, subcluster = data.get("cluster"), data.get("subcluster")
        if cluster and subcluster and subcluster.cluster_id != cluster.pk:
            self.add_error("subcluster", _("This sub-cluster belongs to another cluster."))
        return data


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "discussion", "recommendations"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 3}),
            "discussion": forms.Textarea(attrs={"rows": 5}),
            "recommendations": forms.Textarea(attrs={"rows": 5}),
        }


class ActionPointForm(forms.ModelForm):
    who = forms.CharField(
        label=_("Who"),
        required=False,
        max_length=500,
        help_text=_("Organisations (acronyms) and people, separated by commas or slashes."),
    )
    activity = forms.TypedChoiceField(label=_("Workplan activity"), required=False, coerce=int, empty_value=None)

    class Meta:
        model = ActionPoint
        fields = ["what", "who", "deadline", "status", "follow_up", "activity"]
        widgets = {
            "what": forms.Textarea(attrs={"rows": 2}),
            "deadline": DATE_INPUT,
            "follow_up": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, activity_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [("", "—"), *activity_choices]
        if self.instance.pk:
            self.initial["who"] = self.instance.owners_display()
            self.initial["activity"] = self.instance.activity_id

    def clean_activity(self):
        pk = self.cleaned_data.get("activity")
        if pk is None:
            return None
        activity = Activity.objects.active().filter(pk=pk).first()
        if activity is None:
            raise forms.ValidationError(_("This activity no longer exists."))
        return activity


class ActionPointFormSet(BaseInlineFormSet):
    """Builds the activity choices once for every row (one query, not one per row)."""

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if not hasattr(self, "_activity_choices"):
            activities = Activity.objects.active().select_related("workplan").order_by("workplan__title", "order", "id")
            self._activity_choices = [
                (a.pk, f"{a.workplan.slug} · {a.code} {a.title[:70]}".strip()) for a in activities
            ]
        kwargs["activity_choices"] = self._activity_choices
        return kwargs


AgendaItemFormSet = inlineformset_factory(
    Meeting, AgendaItem, form=AgendaItemForm, extra=3, can_delete=True, max_num=60, validate_max=True,
    absolute_max=60,  # a forged TOTAL_FORMS builds at most this many forms (Django's default adds 1000)
)
ActionPointInlineFormSet = inlineformset_factory(
    Meeting, ActionPoint, form=ActionPointForm, formset=ActionPointFormSet, fk_name="meeting", extra=3, can_delete=True,
    max_num=100, validate_max=True, absolute_max=100,
)


class ActionPointUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionPoint.Status.choices)
    follow_up = forms.CharField(label=_("Follow-up notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reviewed_in = forms.ModelChoiceField(queryset=Meeting.objects.all(), required=False, widget=forms.HiddenInput)
    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, point, **kwargs):
        super().__init__(*args, **kwargs)
        self.point = point

    def clean_seen(self):
        """Refuse to overwrite a change made by someone else since the page was opened."""
        seen = self.cleaned_data.get("seen")
        if seen and seen != self.point.updated_at.isoformat():
            raise forms.ValidationError(
                _("Someone else updated this action point meanwhile: reload the page to see their change.")
            )
        return seen

    def clean_reviewed_in(self):
        meeting = self.cleaned_data.get("reviewed_in")
        if meeting is None:
            return None
        source = self.point.meeting
        same_body = meeting.cluster_id == source.cluster_id and meeting.subcluster_id == source.subcluster_id
        if not same_body or (meeting.date, meeting.pk) <= (source.date, source.pk):
            raise forms.ValidationError(_("An action point is followed up at a later meeting of the same body."))
        return meeting


class ActionPointFilterForm(forms.Form):
    STATUS_CHOICES = [("", _("All statuses")), *ActionPoint.Status.choices]

    owner = forms.ModelChoiceField(label=_("Organisation"), queryset=Actor.objects.none(), required=False)
    person = forms.CharField(label=_("Person"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False, initial=ActionPoint.Status.OPEN)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Actor.objects.filter(action_points__isnull=False).distinct()

    def filter(self, queryset, today):
        """Apply the valid filters to ``queryset`` (status defaults to open when absent)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        status = data.get("status", ActionPoint.Status.OPEN) if self.is_bound else ActionPoint.Status.OPEN
        if status:
            queryset = queryset.filter(status=status)
        if data.get("owner") or data.get("person"):
            queryset = queryset.for_owner(data.get("owner"), data.get("person", ""))
        if data.get("overdue"):
            queryset = queryset.overdue(today)
        return queryset
