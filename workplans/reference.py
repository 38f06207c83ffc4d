"""The reference list of organisations: acronym, full names (FR, EN), kind and known aliases.

Shipped as data by the migration ``reference_organisations`` (then editable in the admin) and
read, without the database, by the importer to split a cell of responsible organisations.
Sources: the three seed plans, the seed notes (meeting attendance lists) and the organisations'
own names. Where the seeds use an acronym, it is the acronym kept here.
"""

UN, NGO, GOV, BODY, DONOR, RED_CROSS, OTHER = "un_agency", "ngo", "government", "cluster_body", "donor", "red_cross", "other"

# acronym, name (French), name (English), kind, aliases
ORGANISATIONS = [
    # --- United Nations agencies, funds, programmes and missions
    ("HCR", "Haut-Commissariat des Nations Unies pour les réfugiés", "Office of the United Nations High Commissioner for Refugees", UN, ["UNHCR", "ACNUR"]),
    ("OIM", "Organisation internationale pour les migrations", "International Organization for Migration", UN, ["IOM"]),
    ("PAM", "Programme alimentaire mondial", "World Food Programme", UN, ["WFP"]),
    ("UNICEF", "Fonds des Nations Unies pour l'enfance", "United Nations Children's Fund", UN, []),
    ("UNFPA", "Fonds des Nations Unies pour la population", "United Nations Population Fund", UN, ["FNUAP"]),
    ("UNDP", "Programme des Nations Unies pour le développement", "United Nations Development Programme", UN, ["PNUD"]),
    ("OCHA", "Bureau de la coordination des affaires humanitaires des Nations Unies", "United Nations Office for the Coordination of Humanitarian Affairs", UN, ["UNOCHA", "BCAH", "ROWCA", "OCHA ROWCA"]),
    ("MINUSMA", "Mission multidimensionnelle intégrée des Nations Unies pour la stabilisation au Mali", "United Nations Multidimensional Integrated Stabilization Mission in Mali", UN, []),
    # "ONCHR" (plan 2019) is read as a misspelling of OHCHR
    ("HCDH", "Haut-Commissariat des Nations Unies aux droits de l'homme", "Office of the United Nations High Commissioner for Human Rights", UN, ["OHCHR", "ONCHR", "UNHCHR"]),
    ("UNMAS", "Service de la lutte antimines des Nations Unies", "United Nations Mine Action Service", UN, []),
    ("UNCT", "Équipe de pays des Nations Unies", "United Nations Country Team", UN, ["Equipe pays des Nations Unies"]),
    ("ONU Femmes", "ONU Femmes", "UN Women", UN, ["UN Women", "UNWOMEN"]),
    ("FAO", "Organisation des Nations Unies pour l'alimentation et l'agriculture", "Food and Agriculture Organization of the United Nations", UN, []),
    ("OMS", "Organisation mondiale de la santé", "World Health Organization", UN, ["WHO"]),
    ("PBF", "Fonds pour la consolidation de la paix", "Peacebuilding Fund", UN, ["Peacebuilding Fund"]),
    ("HLP-ID", "Groupe de haut niveau sur les déplacements internes", "High-Level Panel on Internal Displacement", UN,
     ["High Level Panel on Displacement", "High Level Panel on Internal Displacement", "High-Level Panel"]),
    ("PROCAP", "Projet de capacité de protection (ProCap)", "Protection Standby Capacity Project (ProCap)", UN, []),
    # --- Red Cross and Red Crescent movement
    ("CICR", "Comité international de la Croix-Rouge", "International Committee of the Red Cross", RED_CROSS, ["ICRC"]),
    ("FICR", "Fédération internationale des Sociétés de la Croix-Rouge et du Croissant-Rouge", "International Federation of Red Cross and Red Crescent Societies", RED_CROSS, ["IFRC"]),
    ("CRM", "Croix-Rouge malienne", "Mali Red Cross", RED_CROSS, ["Croix Rouge Malienne"]),
    # --- international NGOs (and their forum) working in Mali
    ("NRC", "Conseil norvégien pour les réfugiés", "Norwegian Refugee Council", NGO, []),
    ("DRC", "Conseil danois pour les réfugiés", "Danish Refugee Council", NGO, []),
    ("IRC", "Comité international de secours", "International Rescue Committee", NGO, []),
    ("ACTED", "Agence d'aide à la coopération technique et au développement", "Agency for Technical Cooperation and Development", NGO, []),
    ("CARE", "CARE International", "CARE International", NGO, []),
    ("ACF", "Action contre la Faim", "Action Against Hunger", NGO, []),
    ("TDH", "Terre des hommes", "Terre des hommes", NGO, ["Terre des hommes"]),
    ("CRS", "Catholic Relief Services", "Catholic Relief Services", NGO, []),
    ("IR", "Islamic Relief", "Islamic Relief Worldwide", NGO, ["Islamic Relief"]),
    ("SCI", "Save the Children", "Save the Children", NGO, ["Save the Children"]),
    ("Plan International", "Plan International", "Plan International", NGO, []),
    ("WVI", "Vision du Monde", "World Vision International", NGO, ["World Vision"]),
    ("Oxfam", "Oxfam", "Oxfam", NGO, []),
    ("HI", "Humanité & Inclusion (Handicap International)", "Humanity & Inclusion (Handicap International)", NGO, ["Handicap International"]),
    ("INTERSOS", "INTERSOS", "INTERSOS", NGO, []),
    ("ABA-ROLI", "Initiative pour l'État de droit de l'American Bar Association", "American Bar Association Rule of Law Initiative", NGO, []),
    ("IDMC", "Observatoire des situations de déplacement interne", "Internal Displacement Monitoring Centre", NGO, []),
    ("JIPS", "Service conjoint de profilage des déplacés internes", "Joint IDP Profiling Service", OTHER, []),
    ("CALP", "Réseau CALP (transferts monétaires)", "CALP Network (Cash Learning Partnership)", NGO, ["CaLP"]),
    ("FONGIM", "Forum des ONG internationales au Mali", "Forum of International NGOs in Mali", NGO, []),
    ("IDLO", "Organisation internationale de droit du développement", "International Development Law Organization", OTHER, []),
    ("AMSS", "Association malienne pour la survie au Sahel", "Malian Association for Survival in the Sahel", NGO, []),
    ("DEMESO", "Clinique juridique DEME SO", "DEME SO legal clinic", NGO, ["DEME SO"]),
    # --- donors
    ("ECHO", "Protection civile et opérations d'aide humanitaire européennes", "European Civil Protection and Humanitarian Aid Operations", DONOR, ["DG ECHO"]),
    ("DDC", "Coopération suisse (Direction du développement et de la coopération)", "Swiss Agency for Development and Cooperation", DONOR, ["SDC", "Coopération Suisse"]),
    ("USAID", "Agence des États-Unis pour le développement international", "United States Agency for International Development", DONOR, ["BHA"]),
    ("PTF", "Partenaires techniques et financiers (bailleurs)", "Technical and financial partners (donors)", DONOR,
     ["Bailleurs", "Bailleurs de fonds", "Donateurs", "Donors"]),
    ("EUTM", "Mission de formation de l'Union européenne au Mali", "European Union Training Mission in Mali", OTHER, ["EUTM Mali"]),
    # --- the Malian State
    ("Gouvernement", "Gouvernement du Mali et autorités de l'État", "Government of Mali and State authorities", GOV,
     ["Gouvernement malien", "Gouvernement du Mali", "acteurs étatiques", "autorités étatiques", "autorités de l'État", "État malien"]),
    ("CNDH", "Commission nationale des droits de l'homme", "National Human Rights Commission", GOV, []),
    # --- humanitarian coordination bodies
    ("EHP", "Équipe humanitaire pays", "Humanitarian Country Team", BODY, ["HCT", "Equipe humanitaire pays"]),
    ("ICC", "Coordination intercluster", "Inter-Cluster Coordination", BODY, ["Inter-cluster", "Intercluster", "ISCG"]),
    ("GCI", "Groupe de communication interagences", "Inter-agency communication group", BODY, ["Groupe de Communication interagences"]),
    ("GTP-REG", "Clusters et groupes de travail protection régionaux", "Regional protection clusters and working groups", BODY,
     ["clusters régionaux", "groupes de travail protection", "clusters protection régionaux"]),
]

# The cluster and its sub-clusters / thematic groups are created by migration 0003; these are
# the spellings the importer must also recognise inside longer phrases (their aliases there,
# plus a few found in the seeds since).
CLUSTER_BODIES = {
    "CP": ["Cluster Protection", "Coordination du CP", "Coordination Cluster Protection", "Protection Cluster",
           "Coordination Cluster", "Coordination du cluster", "COORD", "COOR", "COO", "Coordination", "Cluster",
           "Sous Cluster Protection", "Sous Clusters Protection", "Sous-clusters"],
    "SCVBG": ["Sous-Cluster Violences basées sur le Genre", "SGBV", "SC VBG", "Sous cluster VSG", "Sous-cluster VBG",
              "SCVSG", "GBV", "SC-VBG"],
    "SCPE": ["Sous-Cluster Protection de l'enfance", "SC PE", "Sous cluster PE", "CPSC", "Child Protection"],
    "GT-LAMH": ["Groupe thématique Lutte antimine humanitaire", "GT-LHAM", "GTLHAM", "LHAM", "LAMH", "GT LAMH"],
    "GT-LTPRN": ["Groupe thématique Logement, Terres, Propriété, et Ressources Naturelles", "LTPRN", "GT LTP", "HLP"],
    "CMP": ["Commission Mouvement de Populations", "Commission Mouvements de Populations", "CMP Mali"],
    "GT-CS": ["Groupe thématique Cohésion Sociale", "GT cohésion sociale", "CT cohésion sociale", "GT CS"],
    "GT-DOC": ["Groupe thématique Documentation Civile", "GT documentation civile", "GT DOC", "Documentation civile"],
}
# new aliases of the cluster bodies the migration adds (the others exist since 0003)
CLUSTER_BODY_NEW_ALIASES = {
    "CP": ["Coordination Cluster", "Coordination du cluster", "COORD", "COOR"],
    "SCVBG": ["SC-VBG"],
}


def vocabulary():
    """``{normalized name: acronym}`` of every organisation and body above, for the importer."""
    from .text import normalize_name

    table = {}
    for code, aliases in CLUSTER_BODIES.items():
        for name in (code, *aliases):
            table.setdefault(normalize_name(name), code)
    for acronym, name_fr, name_en, _kind, aliases in ORGANISATIONS:
        for name in (acronym, *aliases):
            table.setdefault(normalize_name(name), acronym)
        for name in (name_fr, name_en):
            table.setdefault(normalize_name(name), acronym)
    return table
