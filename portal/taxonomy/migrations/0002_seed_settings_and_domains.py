"""Seed the two controlled vocabularies: care settings and safety domains.

The five domains are those of the Measuring and Monitoring of Safety framework
(Vincent, Burnett & Carthey, Health Foundation, 2013). Re-running is harmless:
existing rows (matched by slug) are left as editors have worded them.
"""

from django.db import migrations

SETTINGS = [
    ("care-homes", "Care homes", "Residential and nursing homes, where staff know each resident well and often "
     "have the least access to clinical support out of hours."),
    ("general-practice", "General practice", "GP practices and the wider primary care team: where most people "
     "meet the health service and where prescribing and follow-up begin."),
    ("acute-hospital", "Acute hospital", "Emergency, surgical and medical care in the city's hospital, "
     "including the moments when patients arrive and leave."),
    ("mental-health", "Mental health", "Inpatient and community mental health services, including crisis care "
     "and support for people with dementia."),
    ("community-health", "Community health services", "District nursing, therapy and intermediate care "
     "delivered in people's homes and in clinics."),
    ("social-care", "Social care", "Home care and adult social care arranged by the council, where support "
     "workers are often the first to notice that something has changed."),
    ("community-pharmacy", "Community pharmacy", "High-street pharmacies that dispense, review medicines and "
     "advise, often for people who see no other professional that week."),
    ("whole-system", "Whole system", "Work that crosses settings: handovers, shared measures and joint "
     "learning between organisations."),
]

DOMAINS = [
    ("past-harm", "Past harm", "Has patient care been safe in the past?",
     "Looks back at harm that has already happened, so that its scale and causes are understood.",
     "Mortality ratios; harm found with trigger tools; falls, pressure ulcers and medication incidents."),
    ("reliability", "Reliability", "Are our clinical systems and processes reliable?",
     "Asks whether the things that should happen for every patient actually happen, every time.",
     "Care-bundle compliance; screening rates; completed medicines reconciliation."),
    ("sensitivity-to-operations", "Sensitivity to operations", "Is care safe today?",
     "Keeps watch on the safety of care as it is delivered, hour by hour and shift by shift.",
     "Safety huddles; executive walk-rounds; staffing levels and skill mix."),
    ("anticipation-and-preparedness", "Anticipation and preparedness", "Will care be safe in the future?",
     "Looks ahead for the risks that are building up, and prepares for them before they cause harm.",
     "Risk registers; safety-culture assessments; failure-mode analysis."),
    ("integration-and-learning", "Integration and learning", "Are we responding and improving?",
     "Asks whether what is learned from data, incidents and feedback changes what people do.",
     "Board and ward dashboards; learning from incidents; feedback acted on."),
]


def seed(apps, schema_editor):
    Setting = apps.get_model("taxonomy", "Setting")
    SafetyDomain = apps.get_model("taxonomy", "SafetyDomain")
    for order, (slug, name, description) in enumerate(SETTINGS):
        Setting.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "sort_order": order}
        )
    for order, (slug, name, question, description, examples) in enumerate(DOMAINS):
        SafetyDomain.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "guiding_question": question,
                "description": description,
                "example_measures": examples,
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
