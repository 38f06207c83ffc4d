"""Demo data for meetings: the cluster's structure and contacts (seed 004) and the meeting of
7 June 2017 with its agenda and action points (seed 002). Idempotent: a second run changes
nothing, and it never overwrites what users changed since (leads, statuses, follow-ups).
"""

import datetime

from django.db import transaction

from workplans.models import Actor, ActorAlias, Cluster, SubCluster
from workplans.text import normalize_name

from .models import ActionPoint, AgendaItem, Contact, Meeting

# acronym, kind, aliases: the organisations named in the minutes (seed 002).
ORGANISATIONS = [
    ("HCR", Actor.Kind.UN_AGENCY, ["UNHCR"]),
    ("OIM", Actor.Kind.UN_AGENCY, ["IOM"]),
    ("MINUSMA", Actor.Kind.UN_AGENCY, []),
    ("HCDH", Actor.Kind.UN_AGENCY, ["OHCHR"]),
    ("PAM", Actor.Kind.UN_AGENCY, ["WFP"]),
    ("OCHA", Actor.Kind.UN_AGENCY, []),
    ("UNMAS", Actor.Kind.UN_AGENCY, []),
    ("NRC", Actor.Kind.NGO, []),
    ("ABA-ROLI", Actor.Kind.NGO, []),
    ("EUTM", Actor.Kind.OTHER, []),
    ("DRC", Actor.Kind.NGO, []),
    ("IDLO", Actor.Kind.OTHER, []),
    ("TDH", Actor.Kind.NGO, []),
    ("SIF", Actor.Kind.NGO, []),
    ("DEMESO", Actor.Kind.NGO, []),
    ("Coopération Suisse", Actor.Kind.DONOR, []),
    ("ECHO", Actor.Kind.DONOR, []),
    ("ACTED", Actor.Kind.NGO, []),
    ("AMSS", Actor.Kind.NGO, []),
    ("ARGA-Mali", Actor.Kind.NGO, []),
]

# name, role, organisation, sub-cluster, region, email, phone: the fact sheet's contacts (seed 004).
CONTACTS = [
    ("Cluster Protection", "", "CP", "CP", "", "mliabcpm@unhcr.org", "00223 20 29 05 16"),
    ("Marie-Emilie Dozin", "Coordinatrice", "HCR", "CP", "", "dozin@unhcr.org", ""),
    ("Nadia Elise Gateka", "Co-coordinatrice", "NRC", "CP", "", "nadia.gateka@nrc.no", ""),
    ("Oulématou dite Saran Sall", "Associée de Protection à la Coordination", "HCR", "CP", "", "sallo@unhcr.org", ""),
    ("Dominique Reinecke", "Officier du Monitoring de Protection", "HCR", "CP", "", "reinecdo@unhcr.org", ""),
    ("Olivier Jean Marc Ouegnin", "Associé Gestionnaire de l'Information", "HCR", "CP", "", "OUEGNIN@unhcr.org", ""),
    ("Siaka Dramane Sanogo", "Assistant Gestionnaire de l'Information", "HCR", "CP", "", "sanogos@unhcr.org", ""),
    ("Makan Keita", "Assistant Gestionnaire de l'Information", "HCR", "CP", "", "keitama@unhcr.org", ""),
    ("Christ-Nathalie Mbondji-Kenat", "Associé Cluster Protection-Gao", "HCR", "", "Gao", "mbondji@unhcr.org", ""),
    ("Michel Makasi Iyeme Issa", "Associé Cluster Protection-Mopti", "HCR", "", "Mopti", "makasi@unhcr.org", ""),
    ("Ahmed Nounta", "Officier de Protection Associé-Tombouctou", "HCR", "", "Tombouctou", "nounta@unhcr.org", ""),
]

MEETING = {
    "date": datetime.date(2017, 6, 7),
    "title": "Réunion du Cluster Protection",
    "place": "UNHCR – Bamako",
    "chair": "Matho Nianga DORE, Coordinateur du CP (UNHCR)",
    "participants_count": 31,
    "organisations_text": (
        "UNHCR, OIM, MINUSMA (CAD, OSWPA, PE, POC), HCDH, PAM, OCHA, UNMAS, NRC, ABA-ROLI, EUTM, DRC, IDLO, TDH, "
        "SIF, DEMESO, Coopération Suisse, ECHO, ACTED, AMSS, ARGA-Mali"
    ),
    "introduction": (
        "Après les mots de bienvenue du Coordinateur du cluster aux participants et un tour de table pour les "
        "présentations ; les participants ont procédé à l'adoption des 6 points proposés dans l'agenda de la réunion."
    ),
    "minutes_author": "Oulematou dite Saran Sall",
    "minutes_author_role": "Associée à la coordination du Cluster Protection",
}

AGENDA = [
    (
        "1. Validation du plan d'action de la stratégie du cluster protection",
        "Après les commentaires de l'assemblée sur la méthodologie de validation, le plan d'action de la stratégie du "
        "cluster protection a été présenté par le Coordinateur pour obtenir les dernières observations et commentaires "
        "des participants. Certaines questions de compréhension se rapportant aux points ci-dessous ont fait l'objet "
        "d'éclaircissement et de commentaires :\n"
        "- la faisabilité du CPIMS (système de gestion d'information sur la protection des enfants) au Mali ;\n"
        "- l'identification et le référencement des cas de protection par les organisations non spécialisées sur les "
        "questions de protection ; et\n"
        "- la détermination des cibles pour chaque indicateur et la précision sur les périodes de mise en oeuvre\n"
        "Des éléments de réponse ont été donnés par le coordinateur et certains membres du cluster qui ont activement "
        "participé à l'élaboration du plan d'action. Les membres ont été informés de l'existence de base de données "
        "CPIMS au niveau de certaine ONG qu'il faut consolider, et les 4W mise à jour pour les cas de référencements.\n"
        "A la suite de la session de présentation, le plan d'action a été validé par les membres du cluster",
        "Partager la version finale adoptée du plan d'action de la stratégie du cluster avec tous les membres et la "
        "coordination de l'ICC au plus tard vendredi 16 juin",
    ),
    (
        "2. Validation des termes de référence du cluster protection mise à jour",
        "Après avoir partagé le draft des TDR du cluster protection avec les sous clusters et Groupes de Travaux pour "
        "observations, les TDR mise à jour ont été présenté par le coordinateur du cluster aux membres du cluster pour "
        "amendement et validation. A la suite des commentaires, le document a été validé.\n"
        "Cependant, le coordinateur a proposé de renvoyer aux membres du cluster pour lecture et derniers commentaires "
        "au plus tard mercredi 14 juin.",
        "Partager la version finale adoptée au plus tard jeudi 15 juin avec tous les membres et la coordination de l'ICC",
    ),
    (
        "3. Suivi des points d'action de la réunion précédente",
        "ci-joint la fiche de suivi de la réunion du 3 mai",
        "",
    ),
    (
        "4. Points sur la situation de protection dans les régions",
        "Les points sur la situation de protection ont été présentés par le HCR à travers le monitoring de protection "
        "et le NRC à travers le RRM.\n"
        "Le RRM de NRC fait état des points suivants :\n"
        "- Réponses d'urgence multisectorielle en cours : N'Tillit (alerte du 16 avril), Tarkint (alerte du 16 avril), "
        "Sud-Ouest de Ménaka (alerte du 16 mars), Bankoma (alerte du 28 avril) ;\n"
        "- Informations reçues dans le cercle de Tenenkou (Toguer Coumbe, Dialloubé, Tenenkou) avec les risques "
        "d'applications de la charia : suivi et triangulation, pas de mouvements avérés mais risques de cas de "
        "protection majeurs ;\n"
        "- Alertes concernant la fermeture du camp de M'bera en Mauritanie : pas de positionnement du RRM ;\n"
        "- RRM : chantiers en cours (outil d'analyse de contexte harmonisé, revue des indicateurs clés par secteur, "
        "fiche d'analyse des risques de protection, mailing lists régionales, formation mi-juillet sur la négociation "
        "humanitaire, harmonisation des approches RRM avec la CMP).",
        "Partager les rapports de monitoring mensuel.\nResponsable : UNHCR / CCP",
    ),
    (
        "5. Présentation thématique : ORS",
        "L'Officier de Gestion de l'Information d'OCHA est intervenu sur le processus de définition des indicateurs de "
        "protection pour le nexus. A l'issue de cette présentation, il a exhorté les membres du cluster protection à "
        "présenter leurs analyses sur le processus de transition du cluster protection vers le développement par 2 "
        "indicateurs favorables au nexus.\n"
        "Le coordinateur a sollicité les contributions des acteurs au plus tard le 14 juin avant de partager les 2 "
        "indicateurs à OCHA le 15 juin.",
        "Les acteurs du cluster protection partagent leurs contributions au plus tard mercredi 14 juin avec la "
        "coordination\nTransmettre les 2 indicateurs consolidés du cluster à OCHA le 15 juin.",
    ),
    (
        "6. Divers",
        "Plusieurs points ont été soulignés dans les divers, notamment :\n"
        "- La présentation de la stratégie du cluster protection par le coordinateur du cluster à l'EHP le 5 juin ;\n"
        "- la proposition de priorités de protection pour le suivi d'EHP, conformément aux recommandations de la "
        "mission STAIT. Délai : 15 juin et transmission à EHP le 16 juin ;\n"
        "- l'analyse du rapport STAIT : le coordinateur du cluster a proposé une réunion du GSC pour discuter et "
        "analyser les recommandations du rapport de la mission STAIT ;\n"
        "- la revue à mi-parcours du HRP : OCHA a invité le cluster protection à revoir la pertinence des projets HRP "
        "et à rapporter les financements bilatéraux des projets de protection.",
        "Proposition de 2 à 3 priorités de protection pour le suivi d'EHP : les acteurs du cluster protection "
        "partagent leur contribution au plus tard jeudi 15 juin avec la coordination\n"
        "La coordination du cluster transmet les 2 à 3 priorités consolidées à EHP le 16 juin.",
    ),
]

# what, who (typed as in the form), deadline
ACTION_POINTS = [
    ("Partager la version finale adoptée du plan d'action de la stratégie du cluster avec tous les membres et la "
     "coordination de l'ICC", "Coordination du CP", datetime.date(2017, 6, 16)),
    ("Partager la version finale adoptée des TDR du cluster avec tous les membres et la coordination de l'ICC",
     "Coordination du CP", datetime.date(2017, 6, 15)),
    ("Partager les rapports de monitoring mensuel", "UNHCR / CCP", None),
    ("Partager les contributions sur les 2 indicateurs favorables au nexus avec la coordination",
     "Acteurs du cluster protection", datetime.date(2017, 6, 14)),
    ("Transmettre les 2 indicateurs consolidés du cluster à OCHA", "Coordination du CP", datetime.date(2017, 6, 15)),
    ("Proposer 2 à 3 priorités de protection pour le suivi d'EHP", "Acteurs du cluster protection",
     datetime.date(2017, 6, 15)),
    ("Transmettre les 2 à 3 priorités consolidées à EHP", "Coordination du CP", datetime.date(2017, 6, 16)),
]


def _actor(acronym, kind, aliases=()):
    actor = Actor.objects.match(acronym)
    if actor is None:
        actor = Actor.objects.create(acronym=acronym, kind=kind)
    for alias in aliases:
        if not ActorAlias.objects.filter(normalized=normalize_name(alias)).exists() and Actor.objects.match(alias) is None:
            ActorAlias.objects.create(actor=actor, name=alias)
    return actor


@transaction.atomic
def demo_meetings_load():
    """Load seed 004's structure and contacts and seed 002's meeting; return the meeting."""
    cluster = Cluster.objects.get(code="CP-MLI")
    actors = {acronym: _actor(acronym, kind, aliases) for acronym, kind, aliases in ORGANISATIONS}

    cp = SubCluster.objects.get(code="CP")
    if cp.lead_id is None and cp.co_lead_id is None:
        cp.lead, cp.co_lead = actors["HCR"], actors["NRC"]
        cp.save(update_fields=["lead", "co_lead"])

    for order, (name, role, organisation, subcluster, region, email, phone) in enumerate(CONTACTS):
        Contact.objects.get_or_create(
            name=name,
            defaults={
                "role": role, "organisation": Actor.objects.match(organisation),
                "subcluster": SubCluster.objects.match(subcluster) if subcluster else None,
                "region": region, "email": email, "phone": phone, "order": order,
            },
        )

    meeting, created = Meeting.objects.get_or_create(
        cluster=cluster, subcluster=None, date=MEETING["date"],
        defaults={**{k: v for k, v in MEETING.items() if k != "date"}, "co_facilitator": actors["NRC"]},
    )
    if created:
        meeting.set_organisations_from_text()
    for order, (title, discussion, recommendations) in enumerate(AGENDA):
        AgendaItem.objects.get_or_create(
            meeting=meeting, order=order,
            defaults={"title": title, "discussion": discussion, "recommendations": recommendations},
        )
    for order, (what, who, deadline) in enumerate(ACTION_POINTS):
        point, created = ActionPoint.objects.get_or_create(
            meeting=meeting, order=order, defaults={"what": what, "deadline": deadline}
        )
        if created:
            point.set_owners_from_text(who)
    return meeting
